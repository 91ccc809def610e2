//! The orchestrator: an MCP client hub. Built-in servers run in-process over a duplex pipe;
//! external ones are child processes (stdio) or Streamable HTTP endpoints from config. Tools
//! are namespaced `server.tool`; each server has an allow/deny policy, a per-call timeout
//! that cancels the call, a circuit breaker and a TTL cache for read-only tools. Several
//! servers offering the same tool can be called at once with partial results.

mod breaker;
mod cache;
mod config;

pub use breaker::{BreakerState, CircuitBreaker};
pub use cache::TtlCache;
pub use config::{ExternalServer, ServerPolicy};

use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig, Implementation,
    JsonObject, ProtocolVersion, Tool,
};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServerHandler, ServiceError, ServiceExt};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;
use tracing::Instrument;

/// Why a tool could not be used. Each says what to tell the person or the operator.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OrchestratorError {
    #[error("no MCP server named {0:?}")]
    UnknownServer(String),
    #[error("tool names look like server.tool, got {0:?}")]
    NotQualified(String),
    #[error("server {server} has no tool {tool:?}")]
    UnknownTool { server: String, tool: String },
    #[error("tool {0} is not allowed by this server's policy")]
    NotAllowed(String),
    #[error("server {0} is failing; not calling it until it recovers")]
    CircuitOpen(String),
    #[error("tool {tool} did not answer within {after:?}; the call was cancelled")]
    Timeout { tool: String, after: Duration },
    #[error("server {server} is unreachable: {reason}")]
    Unreachable { server: String, reason: String },
    #[error("tool {tool} refused the call: {reason}")]
    Refused { tool: String, reason: String },
    #[error("could not connect to MCP server {server}: {reason}")]
    Connect { server: String, reason: String },
    #[error("a server named {0:?} is already connected")]
    Duplicate(String),
}

/// One discovered tool, under its namespaced name.
#[derive(Debug, Clone)]
pub struct ToolInfo {
    /// `server.tool`.
    pub qualified: String,
    /// The server that offers it, i.e. its namespace.
    pub server: String,
    /// The tool as the server described it, under its own unqualified name.
    pub tool: Tool,
}

/// How a server is doing, for operators and health checks.
#[derive(Debug, Clone)]
pub struct ServerStatus {
    /// The server's namespace.
    pub name: String,
    /// Whether calls are going through or held back after failures.
    pub breaker: BreakerState,
    /// How many tools it offers, counting any its policy hides.
    pub tools: usize,
}

/// Marks a server's tool list stale when it announces `tools/list_changed`.
#[derive(Clone, Default)]
struct ListChanges {
    stale: Arc<AtomicBool>,
}

impl ClientHandler for ListChanges {
    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.stale.store(true, Ordering::Release);
    }

    /// Offer protocol 2025-11-25, which every current server speaks (rmcp would offer
    /// 2026-07-28 first, which many do not), under our own name.
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("jobtrackerpro", env!("CARGO_PKG_VERSION")),
        )
        .with_protocol_version(ProtocolVersion::V_2025_11_25)
    }
}

type Client = RunningService<RoleClient, ListChanges>;

struct Connected {
    name: String,
    /// Replaced when a failed external server is reconnected.
    client: RwLock<Client>,
    /// How to reach it again; `None` for built-in servers, which live in-process.
    source: Option<ExternalServer>,
    stale: Arc<AtomicBool>,
    tools: RwLock<Vec<Tool>>,
    policy: ServerPolicy,
    breaker: Mutex<CircuitBreaker>,
    cache: Mutex<TtlCache<CallToolResult>>,
}

/// The MCP client hub shared by the core and the `jtp mcp` commands.
#[derive(Default)]
pub struct Orchestrator {
    servers: RwLock<BTreeMap<String, Arc<Connected>>>,
}

impl Orchestrator {
    /// A hub with no servers.
    pub fn new() -> Self {
        // reqwest is built without a default TLS provider; use ring, as sqlx does.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self::default()
    }

    /// Connect a built-in server in-process over a duplex pipe: the built-in tools, or any
    /// other in-process rmcp server.
    pub async fn add_builtin(
        &self,
        name: &str,
        tools: impl ServerHandler,
        policy: ServerPolicy,
    ) -> Result<(), OrchestratorError> {
        let (server_io, client_io) = tokio::io::duplex(256 * 1024);
        let server_name = name.to_owned();
        tokio::spawn(async move {
            match tools.serve(server_io).await {
                Ok(running) => {
                    let _ = running.waiting().await;
                }
                Err(err) => {
                    tracing::error!(server = %server_name, error = %err, "built-in MCP server failed to start")
                }
            }
        });
        let handler = ListChanges::default();
        let client = handler
            .clone()
            .serve(client_io)
            .await
            .map_err(|e| connect_error(name, e))?;
        self.insert(name, client, handler, policy, None).await
    }

    /// Connect an external server from its configuration.
    pub async fn add_external(&self, server: &ExternalServer) -> Result<(), OrchestratorError> {
        let handler = ListChanges::default();
        let client = connect_external(server, handler.clone()).await?;
        self.insert(
            &server.name,
            client,
            handler,
            server.policy.clone(),
            Some(server.clone()),
        )
        .await
    }

    async fn insert(
        &self,
        name: &str,
        client: RunningService<RoleClient, ListChanges>,
        handler: ListChanges,
        policy: ServerPolicy,
        source: Option<ExternalServer>,
    ) -> Result<(), OrchestratorError> {
        let tools = client
            .list_all_tools()
            .await
            .map_err(|e| connect_error(name, e))?;
        let connected = Arc::new(Connected {
            name: name.to_owned(),
            client: RwLock::new(client),
            source,
            stale: handler.stale,
            tools: RwLock::new(tools),
            breaker: Mutex::new(CircuitBreaker::new(
                policy.failure_threshold,
                Duration::from_millis(policy.cooldown_ms),
            )),
            cache: Mutex::new(TtlCache::new(
                Duration::from_millis(policy.cache_ttl_ms),
                256,
            )),
            policy,
        });
        let mut servers = self.servers.write().await;
        if servers.contains_key(name) {
            return Err(OrchestratorError::Duplicate(name.to_owned()));
        }
        servers.insert(name.to_owned(), connected);
        Ok(())
    }

    /// Every permitted tool of every server, namespaced; stale lists are fetched again.
    pub async fn tools(&self) -> Vec<ToolInfo> {
        let servers: Vec<Arc<Connected>> = self.servers.read().await.values().cloned().collect();
        let mut out = Vec::new();
        for server in servers {
            server.refresh_if_stale().await;
            for tool in server.tools.read().await.iter() {
                if server.policy.permits(&tool.name) {
                    out.push(ToolInfo {
                        qualified: format!("{}.{}", server.name, tool.name),
                        server: server.name.clone(),
                        tool: tool.clone(),
                    });
                }
            }
        }
        out
    }

    /// Call `server.tool` with `arguments`.
    pub async fn call(
        &self,
        qualified: &str,
        arguments: JsonObject,
    ) -> Result<CallToolResult, OrchestratorError> {
        let (server_name, tool) = qualified
            .split_once('.')
            .ok_or_else(|| OrchestratorError::NotQualified(qualified.to_owned()))?;
        let server = self
            .servers
            .read()
            .await
            .get(server_name)
            .cloned()
            .ok_or_else(|| OrchestratorError::UnknownServer(server_name.to_owned()))?;
        server.call(tool, arguments).await
    }

    /// Call the tool named `tool` on every server that offers it, at once. Each server's
    /// outcome is reported separately, so one slow or broken source does not hide the rest.
    pub async fn fan_out(
        &self,
        tool: &str,
        arguments: JsonObject,
    ) -> Vec<(String, Result<CallToolResult, OrchestratorError>)> {
        let offering: Vec<String> = self
            .tools()
            .await
            .into_iter()
            .filter(|t| t.tool.name == tool)
            .map(|t| t.qualified)
            .collect();
        futures::future::join_all(offering.iter().map(|qualified| {
            let arguments = arguments.clone();
            async move { (qualified.clone(), self.call(qualified, arguments).await) }
        }))
        .await
    }

    /// Each server's breaker state and tool count.
    pub async fn status(&self) -> Vec<ServerStatus> {
        let now = Instant::now();
        let mut out = Vec::new();
        for server in self.servers.read().await.values() {
            let breaker = lock(&server.breaker).state(now);
            out.push(ServerStatus {
                name: server.name.clone(),
                breaker,
                tools: server.tools.read().await.len(),
            });
        }
        out
    }

    /// Close every connection (child processes are stopped).
    pub async fn shutdown(&self) {
        let servers: Vec<Arc<Connected>> = std::mem::take(&mut *self.servers.write().await)
            .into_values()
            .collect();
        for server in servers {
            match Arc::try_unwrap(server) {
                Ok(server) => {
                    let _ = server.client.into_inner().cancel().await;
                }
                Err(shared) => shared.client.read().await.cancellation_token().cancel(),
            }
        }
    }
}

impl Connected {
    /// After the circuit opened, reach an external server afresh (its process or session
    /// may be gone). Built-in servers live in-process and need no reconnection.
    async fn reconnect(&self) -> Result<(), OrchestratorError> {
        let Some(source) = &self.source else {
            return Ok(());
        };
        let handler = ListChanges {
            stale: self.stale.clone(),
        };
        let fresh = connect_external(source, handler).await?;
        let tools = fresh
            .list_all_tools()
            .await
            .map_err(|e| connect_error(&self.name, e))?;
        let old = std::mem::replace(&mut *self.client.write().await, fresh);
        *self.tools.write().await = tools;
        old.cancellation_token().cancel();
        tracing::info!(server = %self.name, "reconnected");
        Ok(())
    }

    async fn refresh_if_stale(&self) {
        if self.stale.swap(false, Ordering::AcqRel) {
            match self.client.read().await.list_all_tools().await {
                Ok(tools) => *self.tools.write().await = tools,
                Err(err) => {
                    self.stale.store(true, Ordering::Release);
                    tracing::warn!(server = %self.name, error = %err, "could not refresh tools");
                }
            }
        }
    }

    async fn call(
        &self,
        tool: &str,
        arguments: JsonObject,
    ) -> Result<CallToolResult, OrchestratorError> {
        let qualified = format!("{}.{tool}", self.name);
        if !self.policy.permits(tool) {
            return Err(OrchestratorError::NotAllowed(qualified));
        }
        self.refresh_if_stale().await;
        let read_only = {
            let tools = self.tools.read().await;
            let Some(found) = tools.iter().find(|t| t.name == tool) else {
                return Err(OrchestratorError::UnknownTool {
                    server: self.name.clone(),
                    tool: tool.to_owned(),
                });
            };
            found.annotations.as_ref().and_then(|a| a.read_only_hint) == Some(true)
        };
        let cache_key = format!(
            "{tool}\u{0}{}",
            serde_json::Value::Object(arguments.clone())
        );
        if read_only && let Some(hit) = lock(&self.cache).get(&cache_key, Instant::now()) {
            tracing::debug!(tool = %qualified, "served from cache");
            return Ok(hit);
        }
        let trial = {
            let mut breaker = lock(&self.breaker);
            let half_open = breaker.state(Instant::now()) == BreakerState::HalfOpen;
            if !breaker.try_acquire(Instant::now()) {
                return Err(OrchestratorError::CircuitOpen(self.name.clone()));
            }
            half_open
        };
        if trial && let Err(err) = self.reconnect().await {
            lock(&self.breaker).record_failure(Instant::now());
            return Err(err);
        }

        let timeout = Duration::from_millis(self.policy.timeout_ms);
        let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        let started = Instant::now();
        let span = tracing::info_span!("mcp.call", server = %self.name, tool = %tool);
        // Dropping the request on timeout sends notifications/cancelled to the server.
        let client = self.client.read().await;
        let outcome = tokio::time::timeout(timeout, client.call_tool(params))
            .instrument(span.clone())
            .await;
        drop(client);
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        let result = match outcome {
            Err(_) => {
                lock(&self.breaker).record_failure(Instant::now());
                Err(OrchestratorError::Timeout {
                    tool: qualified,
                    after: timeout,
                })
            }
            Ok(Err(ServiceError::McpError(err))) => {
                // The server is alive and answered: the arguments or the tool were wrong.
                lock(&self.breaker).record_success();
                Err(OrchestratorError::Refused {
                    tool: qualified,
                    reason: err.message.to_string(),
                })
            }
            Ok(Err(err)) => {
                lock(&self.breaker).record_failure(Instant::now());
                Err(OrchestratorError::Unreachable {
                    server: self.name.clone(),
                    reason: err.to_string(),
                })
            }
            Ok(Ok(result)) => {
                lock(&self.breaker).record_success();
                let mut cache = lock(&self.cache);
                if read_only {
                    cache.put(cache_key, result.clone(), Instant::now());
                } else {
                    // A write through this server may change what its read-only tools say.
                    cache.clear();
                }
                Ok(result)
            }
        };
        span.in_scope(|| tracing::info!(latency_ms, ok = result.is_ok(), "tool call"));
        result
    }
}

/// Start or reach an external server: a child process over stdio or Streamable HTTP.
async fn connect_external(
    server: &ExternalServer,
    handler: ListChanges,
) -> Result<Client, OrchestratorError> {
    match (&server.command, &server.url) {
        (Some(command), None) => {
            let mut cmd = tokio::process::Command::new(command);
            cmd.args(&server.args).envs(&server.env).kill_on_drop(true);
            let transport =
                TokioChildProcess::new(cmd).map_err(|e| connect_error(&server.name, e))?;
            handler
                .serve(transport)
                .await
                .map_err(|e| connect_error(&server.name, e))
        }
        (None, Some(url)) => {
            let mut config = StreamableHttpClientTransportConfig::with_uri(url.as_str());
            if let Some(token) = &server.bearer_token {
                config = config.auth_header(token.clone());
            }
            handler
                .serve(StreamableHttpClientTransport::from_config(config))
                .await
                .map_err(|e| connect_error(&server.name, e))
        }
        _ => Err(OrchestratorError::Connect {
            server: server.name.clone(),
            reason: "give exactly one of command (stdio) or url (HTTP)".into(),
        }),
    }
}

fn connect_error(server: &str, err: impl std::fmt::Display) -> OrchestratorError {
    OrchestratorError::Connect {
        server: server.to_owned(),
        reason: err.to_string(),
    }
}

/// A poisoned lock only means another call panicked mid-update of a counter or cache;
/// the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
