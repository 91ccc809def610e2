//! `jtp mcp …`: serving the built-in tools to outside MCP clients.

use crate::config::Config;
use anyhow::{Context, bail};
use bot_core::Store;
use bot_core::tools::{BuiltinServer, BuiltinTools, serve};
use chrono_tz::Tz;
use clap::Subcommand;
use std::net::SocketAddr;

/// The `jtp mcp` subcommands.
#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// Serve the built-in tools for one person: over stdio (for a local MCP client) or
    /// Streamable HTTP at http://ADDR/mcp (bearer token from [mcp] token / JTP_MCP__TOKEN).
    Serve {
        /// Speak MCP on stdin/stdout.
        #[arg(long, conflicts_with = "http", required_unless_present = "http")]
        stdio: bool,
        /// Listen for Streamable HTTP on this address, e.g. 127.0.0.1:8931.
        #[arg(long, value_name = "ADDR")]
        http: Option<SocketAddr>,
        /// Whose tracker to serve (default: the console user).
        #[arg(long)]
        user: Option<String>,
    },
}

/// Run one `jtp mcp` subcommand.
pub async fn run(command: McpCommand, store: &Store, config: &Config) -> anyhow::Result<()> {
    match command {
        McpCommand::Serve { stdio, http, user } => {
            let person = crate::console_user(config, user);
            let user = store
                .resolve_user("console", &person, None)
                .await
                .context("resolving the user to serve")?;
            let tz = user
                .timezone
                .as_deref()
                .or(config.timezone.as_deref())
                .and_then(|z| z.parse::<Tz>().ok())
                .unwrap_or(Tz::UTC);
            let (store, user_id) = (store.clone(), user.id);
            if stdio {
                serve::serve_stdio(BuiltinTools::new(BuiltinServer::All, store, user_id, tz))
                    .await?;
                return Ok(());
            }
            let Some(addr) = http else {
                bail!("say --stdio or --http ADDR");
            };
            let token = config.mcp.token.clone().unwrap_or_default();
            serve::serve_http(
                addr,
                token,
                move || BuiltinTools::new(BuiltinServer::All, store.clone(), user_id, tz),
                |bound| eprintln!("jtp: serving MCP for {person} at http://{bound}/mcp"),
                async {
                    let _ = tokio::signal::ctrl_c().await;
                },
            )
            .await?;
            Ok(())
        }
    }
}
