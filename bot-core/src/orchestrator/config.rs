//! External MCP servers as configured in `jtp.toml`:
//!
//! ```toml
//! [[mcp.servers]]
//! name = "time"                 # the namespace: tools appear as time.<tool>
//! command = "mcp-server-time"   # stdio: a child process…
//! args = ["--local-timezone", "Europe/Zurich"]
//! # url = "http://127.0.0.1:3001/mcp"   # …or Streamable HTTP
//! # bearer_token = "…"
//! allow = ["get_current_time"]  # empty: every tool
//! deny = []
//! timeout_ms = 15000
//! cache_ttl_ms = 30000          # for read-only tools; 0 disables
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One external MCP server.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExternalServer {
    /// Namespace of its tools (`name.tool`); letters, digits, `-` and `_`.
    pub name: String,
    /// Program to start for a stdio server.
    #[serde(default)]
    pub command: Option<String>,
    /// Command-line arguments for `command`.
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment for the child process.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Streamable HTTP endpoint, instead of `command`.
    #[serde(default)]
    pub url: Option<String>,
    /// Sent as `Authorization: Bearer …` to an HTTP server.
    #[serde(default)]
    pub bearer_token: Option<String>,
    /// Which tools may be used and how calls are limited; its keys sit beside the others.
    #[serde(flatten)]
    pub policy: ServerPolicy,
}

/// How one server's tools may be used.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerPolicy {
    /// Only these tools (empty: all).
    pub allow: Vec<String>,
    /// Never these tools.
    pub deny: Vec<String>,
    /// Per-call timeout; the call is cancelled when it runs out.
    pub timeout_ms: u64,
    /// How long results of read-only tools are reused; 0 disables the cache.
    pub cache_ttl_ms: u64,
    /// Consecutive failures that open the circuit.
    pub failure_threshold: u32,
    /// How long an open circuit waits before one trial call.
    pub cooldown_ms: u64,
}

impl Default for ServerPolicy {
    fn default() -> Self {
        Self {
            allow: Vec::new(),
            deny: Vec::new(),
            timeout_ms: 15_000,
            cache_ttl_ms: 30_000,
            failure_threshold: 3,
            cooldown_ms: 30_000,
        }
    }
}

impl ServerPolicy {
    /// Whether `tool` may be listed and called.
    pub fn permits(&self, tool: &str) -> bool {
        (self.allow.is_empty() || self.allow.iter().any(|t| t == tool))
            && !self.deny.iter().any(|t| t == tool)
    }
}

#[cfg(test)]
mod tests {
    use super::ServerPolicy;

    #[test]
    fn allow_and_deny_lists() {
        let mut p = ServerPolicy::default();
        assert!(p.permits("anything"));
        p.deny = vec!["delete".into()];
        assert!(!p.permits("delete"));
        p.allow = vec!["read".into()];
        assert!(p.permits("read"));
        assert!(!p.permits("write"));
    }
}
