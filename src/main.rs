//! `jtp`: the JobTrackerPro binary. Command line, configuration and wiring only; everything
//! the bot does lives in bot-core and the adapters.

mod config;
mod health_server;
mod mcp_cmd;
mod recording_adapter;
mod reminders_cmd;
mod run_cmd;
mod understand_cmd;

use anyhow::Context;
use bot_core::{Core, CoreConfig, Store};
use clap::{Parser, Subcommand};
use config::Config;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// JobTrackerPro: a self-hostable career assistant. Tell it about your job applications in
/// plain words; it keeps them, with their timeline, in SQLite (or PostgreSQL).
#[derive(Debug, Parser)]
#[command(name = "jtp", version, about, long_about = None)]
struct Cli {
    /// Configuration file (TOML). Default: ./jtp.toml when it exists.
    #[arg(long, global = true, env = "JTP_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the SQLite database and history. Default: ./data
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Database to use instead of SQLite in the data directory (postgres://… or sqlite:…).
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Chat with the bot in this terminal. When stdin is not a terminal, reads one message
    /// per line and prints the replies (for scripts and tests).
    Chat {
        /// Who is chatting (default: the configured console user, else your OS user name).
        #[arg(long)]
        user: Option<String>,
    },
    /// Run the service: every configured chat platform, the scheduler and the outbox
    /// sender, until Ctrl-C or SIGTERM.
    Run,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Operators: list, fire and retry scheduled reminders and nudges.
    Reminders {
        #[command(subcommand)]
        command: reminders_cmd::RemindersCommand,
    },
    /// Model Context Protocol: serve the built-in tools to MCP clients.
    Mcp {
        #[command(subcommand)]
        command: mcp_cmd::McpCommand,
    },
    /// Show how messages are understood: intent, slots and resolved times, as JSON.
    Understand {
        /// Read JSONL ({"text", "now", "tz", …} per line) from stdin, write one result per line.
        #[arg(long)]
        jsonl: bool,
        /// Also show which rule decided.
        #[arg(long)]
        explain: bool,
        /// The person's IANA timezone (one-message mode).
        #[arg(long, default_value = "UTC")]
        tz: String,
        /// Reference instant, RFC 3339 (one-message mode; default: now).
        #[arg(long)]
        now: Option<String>,
        /// The message (one-message mode).
        text: Option<String>,
    },
}

/// The commands that open the database.
enum DatabaseCommand {
    Chat { user: Option<String> },
    Run,
    Migrate,
    Mcp(mcp_cmd::McpCommand),
    Reminders(reminders_cmd::RemindersCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("jtp: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // Understanding needs no configuration and no database.
    let command = match cli.command {
        Command::Understand {
            jsonl,
            explain,
            tz,
            now,
            text,
        } => return understand(jsonl, explain, &tz, now.as_deref(), text.as_deref()),
        Command::Chat { user } => DatabaseCommand::Chat { user },
        Command::Migrate => DatabaseCommand::Migrate,
        Command::Run => DatabaseCommand::Run,
        // Probing an outside server needs no database of ours.
        Command::Mcp {
            command:
                mcp_cmd::McpCommand::Probe {
                    call_all,
                    token,
                    url,
                },
        } => return mcp_cmd::probe_now(&url, token, call_all),
        Command::Mcp { command } => DatabaseCommand::Mcp(command),
        Command::Reminders { command } => DatabaseCommand::Reminders(command),
    };
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = cli.data_dir {
        config.data_dir = dir;
    }
    if let Some(url) = cli.database_url {
        config.database_url = Some(url);
    }
    init_logging(&config.log);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let store = Store::open(config.database_url.as_deref(), &config.data_dir).await?;
        let result = match command {
            DatabaseCommand::Migrate => {
                println!("Database is up to date ({:?}).", store.backend());
                Ok(())
            }
            DatabaseCommand::Chat { user } => chat(&store, &config, user).await,
            DatabaseCommand::Run => run_cmd::run(&store, &config).await,
            DatabaseCommand::Mcp(command) => mcp_cmd::run(command, &store, &config).await,
            DatabaseCommand::Reminders(command) => reminders_cmd::run(command, &store).await,
        };
        store.close().await;
        result
    })
}

/// The core's settings from the configuration.
fn core_config(config: &Config) -> CoreConfig {
    CoreConfig {
        default_timezone: config.timezone.as_deref().and_then(|z| z.parse().ok()),
        max_message_chars: config.max_message_chars,
    }
}

/// The Telegram adapter's settings, when a token is configured.
#[cfg(feature = "telegram")]
fn telegram_config(config: &Config) -> anyhow::Result<Option<jtp_telegram::TelegramConfig>> {
    let tg = &config.telegram;
    let Some(token) = tg.token.clone().filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    let webhook = match (&tg.webhook_url, tg.webhook_listen, &tg.webhook_secret) {
        (None, _, _) => None,
        (Some(url), Some(listen), Some(secret)) if !secret.is_empty() => {
            Some(jtp_telegram::WebhookConfig {
                listen,
                public_url: url.clone(),
                secret: secret.clone(),
            })
        }
        (Some(_), _, _) => anyhow::bail!(
            "webhook mode needs [telegram] webhook_listen and a webhook secret \
             (TELEGRAM_WEBHOOK_SECRET) besides webhook_url"
        ),
    };
    Ok(Some(jtp_telegram::TelegramConfig {
        token,
        api_url: tg.api_url.clone(),
        webhook,
        max_document_bytes: tg.max_document_mb.saturating_mul(1024 * 1024),
        poll_timeout_secs: tg.poll_timeout_secs,
    }))
}

async fn chat(store: &Store, config: &Config, user: Option<String>) -> anyhow::Result<()> {
    let core = Core::new(store.clone(), core_config(config));
    let user = console_user(config, user);
    let interactive = std::io::stdin().is_terminal();
    let options = jtp_console::ConsoleOptions {
        user,
        interactive,
        history_file: Some(config.data_dir.join("console_history.txt")),
        lease: config.scheduler.lease(),
    };
    jtp_console::run(core, options).await?;
    Ok(())
}

fn understand(
    jsonl: bool,
    explain: bool,
    tz: &str,
    now: Option<&str>,
    text: Option<&str>,
) -> anyhow::Result<()> {
    if jsonl {
        return understand_cmd::jsonl(explain);
    }
    let Some(text) = text else {
        anyhow::bail!("give a message to understand, or --jsonl to read JSONL from stdin");
    };
    let tz = understand_cmd::parse_tz(tz)?;
    let now = match now {
        Some(now) => understand_cmd::parse_now(now)?,
        None => chrono::Utc::now(),
    };
    let value = understand_cmd::one(text, now, tz, explain);
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

/// The person at this terminal: the flag, the configured console user, or the OS user.
fn console_user(config: &Config, flag: Option<String>) -> String {
    flag.or_else(|| config.console.user.clone())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "local".to_owned())
}

fn init_logging(filter: &str) {
    let filter = std::env::var("JTP_LOG").unwrap_or_else(|_| filter.to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
