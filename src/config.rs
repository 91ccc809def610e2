//! Configuration: built-in defaults, then `jtp.toml` (or `--config FILE`), then environment
//! variables (`JTP_*`, `JTP_SECTION__KEY` for nested keys, and `DATABASE_URL`), then flags.
//! figment does the layering; it is maintained, small, and reports which source a bad value
//! came from.

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Everything `jtp` can be configured with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the SQLite database and console history live.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL, or `sqlite:…`; unset means `data_dir/jtp.db`.
    pub database_url: Option<String>,
    /// IANA zone for people who have not told us theirs; unset means ask them.
    pub timezone: Option<String>,
    /// Longest message read, in characters.
    pub max_message_chars: usize,
    /// Log filter (tracing's env-filter syntax), e.g. `info` or `bot_core=debug`.
    pub log: String,
    /// `[console]`: the terminal chat.
    pub console: ConsoleConfig,
    /// `[mcp]`: serving the built-in tools and the external servers to connect to.
    pub mcp: McpConfig,
    /// `[scheduler]`: how due reminders and the outbox are worked off.
    pub scheduler: SchedulerConfig,
    /// `[telegram]`: the Telegram bot, started when a token is set.
    pub telegram: TelegramConfig,
    /// `[health]`: the health endpoint of `jtp run`.
    pub health: HealthConfig,
}

/// The Telegram bot (`jtp run` starts it when a token is set).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramConfig {
    /// The bot token from @BotFather. Keep it out of the file: TELEGRAM_BOT_TOKEN.
    pub token: Option<String>,
    /// Another Bot API server (a self-hosted telegram-bot-api, or a test server).
    pub api_url: Option<String>,
    /// Largest document accepted, in megabytes.
    pub max_document_mb: u64,
    /// Seconds one long poll waits.
    pub poll_timeout_secs: u32,
    /// Webhook mode: the public HTTPS address Telegram calls. Unset: long polling.
    pub webhook_url: Option<String>,
    /// Webhook mode: where the webhook server listens.
    pub webhook_listen: Option<std::net::SocketAddr>,
    /// Webhook mode: the secret Telegram sends back (TELEGRAM_WEBHOOK_SECRET).
    pub webhook_secret: Option<String>,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            token: None,
            api_url: None,
            max_document_mb: 10,
            poll_timeout_secs: 10,
            webhook_url: None,
            webhook_listen: None,
            webhook_secret: None,
        }
    }
}

/// `jtp run`'s health endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthConfig {
    /// Where `GET /health` is served; unset: no endpoint.
    pub listen: Option<std::net::SocketAddr>,
}

impl Default for HealthConfig {
    fn default() -> Self {
        Self {
            listen: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 8765))),
        }
    }
}

/// How scheduled nudges and the outbox are worked off (`jtp run`, `jtp chat`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchedulerConfig {
    /// Seconds a worker holds what it claimed (reminders, outbox rows): how soon another
    /// process takes over from one that died. A send in progress keeps renewing it.
    pub lease_seconds: u64,
    /// Transactions that work off a backlog of due reminders at once, on PostgreSQL (SQLite
    /// has one writer and takes one batch after another).
    pub workers: usize,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            lease_seconds: 60,
            workers: bot_core::scheduler::WORKERS,
        }
    }
}

impl SchedulerConfig {
    /// The lease as a duration, at least two seconds.
    pub fn lease(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.lease_seconds.max(2))
    }
}

/// Serving the built-in tools to outside MCP clients.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct McpConfig {
    /// Bearer token required by `jtp mcp serve --http`. Keep it out of the file: set
    /// JTP_MCP__TOKEN in the environment instead.
    pub token: Option<String>,
    /// External MCP servers the orchestrator connects to (`[[mcp.servers]]`).
    pub servers: Vec<bot_core::orchestrator::ExternalServer>,
}

/// The terminal chat's settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleConfig {
    /// The identity of the person at the terminal; defaults to the OS user name.
    pub user: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: None,
            timezone: None,
            max_message_chars: 4000,
            log: "warn,rmcp=error".to_owned(),
            console: ConsoleConfig::default(),
            mcp: McpConfig::default(),
            scheduler: SchedulerConfig::default(),
            telegram: TelegramConfig::default(),
            health: HealthConfig::default(),
        }
    }
}

/// Top-level keys that JTP_* environment variables may set (nested ones with `__`).
const ENV_KEYS: &[&str] = &[
    "data_dir",
    "database_url",
    "timezone",
    "max_message_chars",
    "log",
    "console",
    "mcp",
    "scheduler",
    "telegram",
    "health",
];

/// The default config file, read when present.
const DEFAULT_FILE: &str = "jtp.toml";

impl Config {
    /// Load the layered configuration. A file named with `--config` must exist.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.is_file() {
                    bail!("config file {} does not exist", path.display());
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None if Path::new(DEFAULT_FILE).is_file() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_FILE));
            }
            None => {}
        }
        let mut config: Config = figment
            .merge(
                Env::prefixed("JTP_")
                    // Other JTP_* variables (JTP_CONFIG, JTP_TEST_…) are not settings;
                    // only the keys below are read, so an unrelated one cannot break start-up.
                    .filter(|key| {
                        let key = key.as_str().to_ascii_lowercase();
                        ENV_KEYS
                            .iter()
                            .any(|known| key == *known || key.starts_with(&format!("{known}__")))
                    })
                    .split("__"),
            )
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .context("invalid configuration")?;
        // The names Telegram deployments conventionally use, taken as text as they are
        // (through figment an all-digit secret would become a number).
        if let Ok(token) = std::env::var("TELEGRAM_BOT_TOKEN") {
            config.telegram.token = Some(token);
        }
        if let Ok(secret) = std::env::var("TELEGRAM_WEBHOOK_SECRET") {
            config.telegram.webhook_secret = Some(secret);
        }
        if let Some(zone) = &config.timezone {
            zone.parse::<chrono_tz::Tz>().map_err(|_| {
                anyhow::anyhow!("timezone {zone:?} is not an IANA zone name (e.g. Europe/Zurich)")
            })?;
        }
        Ok(config)
    }
}
