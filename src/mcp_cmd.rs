//! `jtp mcp …`: serving the built-in tools to outside MCP clients.

use crate::config::Config;
use anyhow::{Context, bail};
use bot_core::Store;
use bot_core::orchestrator::{Orchestrator, ServerPolicy};
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
    /// List every tool the orchestrator discovers (built-in and configured servers), as
    /// server.tool with its description; --json adds the input and output schemas.
    Tools {
        #[arg(long)]
        json: bool,
        /// Whose built-in tools (default: the console user).
        #[arg(long)]
        user: Option<String>,
    },
    /// Call one tool: jtp mcp call server.tool '{"arg": 1}'. Prints the structured result
    /// (or the text content); exits non-zero when the call fails.
    Call {
        /// server.tool, as `jtp mcp tools` lists it.
        tool: String,
        /// Arguments as a JSON object.
        #[arg(default_value = "{}")]
        arguments: String,
        /// Whose built-in tools (default: the console user).
        #[arg(long)]
        user: Option<String>,
    },
}

/// Run one `jtp mcp` subcommand.
pub async fn run(command: McpCommand, store: &Store, config: &Config) -> anyhow::Result<()> {
    match command {
        McpCommand::Tools { json, user } => {
            let hub = connect(store, config, user).await?;
            let tools = hub.tools().await;
            for info in &tools {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({
                            "name": info.qualified,
                            "server": info.server,
                            "description": info.tool.description,
                            "input_schema": info.tool.input_schema,
                            "output_schema": info.tool.output_schema,
                            "annotations": info.tool.annotations,
                        })
                    );
                } else {
                    let description = info.tool.description.as_deref().unwrap_or("");
                    let first_line = description.lines().next().unwrap_or("");
                    println!("{:<32} {first_line}", info.qualified);
                }
            }
            hub.shutdown().await;
            Ok(())
        }
        McpCommand::Call {
            tool,
            arguments,
            user,
        } => {
            let arguments: serde_json::Value = serde_json::from_str(&arguments)
                .with_context(|| format!("arguments must be a JSON object, got {arguments:?}"))?;
            let serde_json::Value::Object(arguments) = arguments else {
                bail!("arguments must be a JSON object");
            };
            let hub = connect(store, config, user).await?;
            let outcome = hub.call(&tool, arguments).await;
            hub.shutdown().await;
            let result = outcome?;
            let text: Vec<String> = result
                .content
                .iter()
                .filter_map(|c| c.as_text().map(|t| t.text.clone()))
                .collect();
            if result.is_error == Some(true) {
                bail!("{tool} failed: {}", text.join("\n"));
            }
            match result.structured_content {
                Some(structured) => println!("{}", serde_json::to_string_pretty(&structured)?),
                None => println!("{}", text.join("\n")),
            }
            Ok(())
        }
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

/// The orchestrator with the built-in servers for one person and every configured external
/// server. A server that cannot be reached is reported and left out; the rest still work.
async fn connect(
    store: &Store,
    config: &Config,
    user: Option<String>,
) -> anyhow::Result<Orchestrator> {
    let person = crate::console_user(config, user);
    let user = store
        .resolve_user("console", &person, None)
        .await
        .context("resolving the user")?;
    let tz = user
        .timezone
        .as_deref()
        .or(config.timezone.as_deref())
        .and_then(|z| z.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC);
    let hub = Orchestrator::new();
    for server in [BuiltinServer::Tracker, BuiltinServer::Reminders] {
        hub.add_builtin(
            server.name(),
            BuiltinTools::new(server, store.clone(), user.id, tz),
            ServerPolicy::default(),
        )
        .await?;
    }
    for external in &config.mcp.servers {
        if let Err(err) = hub.add_external(external).await {
            eprintln!("jtp: {err}; continuing without it");
        }
    }
    Ok(hub)
}
