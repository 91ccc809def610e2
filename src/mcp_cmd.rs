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
    /// Check an MCP server before configuring it: connect to URL (Streamable HTTP), list its
    /// tools, and with --call-all call each one with sample arguments built from its schema.
    Probe {
        /// Call every tool once.
        #[arg(long)]
        call_all: bool,
        /// Sent as Authorization: Bearer … (or set JTP_PROBE_TOKEN).
        #[arg(long, env = "JTP_PROBE_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// The server's endpoint, e.g. http://127.0.0.1:3001/mcp.
        url: String,
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
        McpCommand::Probe {
            call_all,
            token,
            url,
        } => probe(&url, token, call_all).await,
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
            let (person, user_id, tz) = acting_person(store, config, user).await?;
            let store = store.clone();
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

/// Whom the tools act for: the console identity named by the flag (or the configured or OS
/// user), with their zone (theirs, the configured default, or UTC).
async fn acting_person(
    store: &Store,
    config: &Config,
    user: Option<String>,
) -> anyhow::Result<(String, i64, Tz)> {
    let person = crate::console_user(config, user);
    let user = store
        .resolve_user("console", &person, None)
        .await
        .context("resolving the user the tools act for")?;
    let tz = user
        .timezone
        .as_deref()
        .or(config.timezone.as_deref())
        .and_then(|z| z.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC);
    Ok((person, user.id, tz))
}

/// The orchestrator with the built-in servers for one person and every configured external
/// server. A server that cannot be reached is reported and left out; the rest still work.
async fn connect(
    store: &Store,
    config: &Config,
    user: Option<String>,
) -> anyhow::Result<Orchestrator> {
    let (_, user_id, tz) = acting_person(store, config, user).await?;
    let hub = Orchestrator::new();
    for server in [BuiltinServer::Tracker, BuiltinServer::Reminders] {
        hub.add_builtin(
            server.name(),
            BuiltinTools::new(server, store.clone(), user_id, tz),
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

/// `jtp mcp probe`, on its own runtime: it touches no database.
pub fn probe_now(url: &str, token: Option<String>, call_all: bool) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(probe(url, token, call_all))
}

async fn probe(url: &str, token: Option<String>, call_all: bool) -> anyhow::Result<()> {
    let hub = Orchestrator::new();
    hub.add_external(&bot_core::orchestrator::ExternalServer {
        name: "probe".into(),
        command: None,
        args: Vec::new(),
        env: Default::default(),
        url: Some(url.to_owned()),
        bearer_token: token,
        policy: ServerPolicy::default(),
    })
    .await?;
    let tools = hub.tools().await;
    println!("{url}: {} tool(s)", tools.len());
    let mut failed = 0;
    for info in &tools {
        if !call_all {
            println!("  {}", info.tool.name);
            continue;
        }
        let arguments = sample_arguments(&info.tool.input_schema);
        match hub.call(&info.qualified, arguments).await {
            Ok(result) if result.is_error != Some(true) => println!("  {}: ok", info.tool.name),
            Ok(_) => println!("  {}: answered with a tool error", info.tool.name),
            Err(err) => {
                failed += 1;
                println!("  {}: {err}", info.tool.name);
            }
        }
    }
    hub.shutdown().await;
    if failed > 0 {
        bail!("{failed} tool call(s) failed");
    }
    Ok(())
}

/// Arguments that satisfy a tool's required properties by type: 1 for numbers, "test"
/// for strings, true for booleans, empty for objects and arrays.
fn sample_arguments(
    schema: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let properties = schema.get("properties").and_then(|p| p.as_object());
    let required = schema.get("required").and_then(|r| r.as_array());
    let mut out = serde_json::Map::new();
    for name in required.into_iter().flatten().filter_map(|n| n.as_str()) {
        let kind = properties
            .and_then(|p| p.get(name))
            .and_then(|p| p.get("type"))
            .and_then(|t| t.as_str())
            .unwrap_or("string");
        let value = match kind {
            "number" | "integer" => serde_json::json!(1),
            "boolean" => serde_json::json!(true),
            "object" => serde_json::json!({}),
            "array" => serde_json::json!([]),
            _ => serde_json::json!("test"),
        };
        out.insert(name.to_owned(), value);
    }
    out
}
