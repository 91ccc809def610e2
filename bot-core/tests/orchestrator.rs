//! The orchestrator against its built-in servers and real external MCP servers:
//! mcp-server-time (PyPI) over stdio, and @modelcontextprotocol/server-everything (npm) over
//! stdio and Streamable HTTP. scripts/test installs the peers under target/test-peers and
//! sets JTP_TEST_PEERS; without it these tests fail and say how to install them.

use bot_core::orchestrator::{
    BreakerState, ExternalServer, Orchestrator, OrchestratorError, ServerPolicy,
};
use bot_core::store::Store;
use bot_core::tools::{BuiltinServer, BuiltinTools};
use rmcp::model::{CallToolResult, JsonObject};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

fn peers() -> PathBuf {
    let dir = std::env::var("JTP_TEST_PEERS").unwrap_or_else(|_| {
        panic!(
            "JTP_TEST_PEERS is not set: it names the directory with the external MCP servers.\n\
             scripts/test installs them into target/test-peers (pip mcp-server-time, npm \
             @modelcontextprotocol/server-everything) and sets it."
        )
    });
    PathBuf::from(dir)
}

fn args(value: serde_json::Value) -> JsonObject {
    match value {
        serde_json::Value::Object(map) => map,
        other => panic!("arguments must be an object, got {other}"),
    }
}

fn text_of(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn time_server(name: &str) -> ExternalServer {
    ExternalServer {
        name: name.into(),
        command: Some(
            peers()
                .join("python/bin/mcp-server-time")
                .display()
                .to_string(),
        ),
        args: vec!["--local-timezone".into(), "Europe/Zurich".into()],
        env: Default::default(),
        url: None,
        bearer_token: None,
        policy: ServerPolicy::default(),
    }
}

fn everything_js() -> PathBuf {
    peers().join("node/node_modules/@modelcontextprotocol/server-everything/dist/index.js")
}

fn everything_stdio(policy: ServerPolicy) -> ExternalServer {
    ExternalServer {
        name: "everything".into(),
        command: Some("node".into()),
        args: vec![everything_js().display().to_string(), "stdio".into()],
        env: Default::default(),
        url: None,
        bearer_token: None,
        policy,
    }
}

async fn builtin_hub(store: &Store, tracker_policy: ServerPolicy) -> Orchestrator {
    let user = store
        .resolve_user("console", "orchestrated", None)
        .await
        .unwrap();
    let hub = Orchestrator::new();
    let tz = chrono_tz::Europe::Zurich;
    hub.add_builtin(
        "tracker",
        BuiltinTools::new(BuiltinServer::Tracker, store.clone(), user.id, tz),
        tracker_policy,
    )
    .await
    .unwrap();
    hub.add_builtin(
        "reminders",
        BuiltinTools::new(BuiltinServer::Reminders, store.clone(), user.id, tz),
        ServerPolicy::default(),
    )
    .await
    .unwrap();
    hub
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builtin_servers_are_namespaced_cached_and_policed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(None, dir.path()).await.unwrap();
    let policy = ServerPolicy {
        deny: vec!["add_note".into()],
        ..ServerPolicy::default()
    };
    let hub = builtin_hub(&store, policy).await;

    let names: Vec<String> = hub.tools().await.into_iter().map(|t| t.qualified).collect();
    assert!(
        names.contains(&"tracker.track_application".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"reminders.create_reminder".to_owned()),
        "{names:?}"
    );
    assert!(
        !names.contains(&"tracker.add_note".to_owned()),
        "denied tools are not listed"
    );

    let made = hub
        .call(
            "tracker.track_application",
            args(json!({"company": "Stripe"})),
        )
        .await
        .unwrap();
    assert_eq!(
        made.structured_content.as_ref().unwrap()["outcome"],
        "created"
    );
    let count = |r: &CallToolResult| {
        r.structured_content.as_ref().unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    let first = hub
        .call("tracker.list_applications", args(json!({})))
        .await
        .unwrap();
    assert_eq!(count(&first), 1);

    // A write that bypasses the hub is not seen while the read-only result is cached…
    let user = store
        .resolve_user("console", "orchestrated", None)
        .await
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    store
        .insert_application(
            user.id,
            &bot_core::store::NewApplication {
                company: "Behind".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    let cached = hub
        .call("tracker.list_applications", args(json!({})))
        .await
        .unwrap();
    assert_eq!(count(&cached), 1, "served from the TTL cache");
    // …and a write through the same server drops the cache.
    hub.call(
        "tracker.track_application",
        args(json!({"company": "Vercel"})),
    )
    .await
    .unwrap();
    let fresh = hub
        .call("tracker.list_applications", args(json!({})))
        .await
        .unwrap();
    assert_eq!(count(&fresh), 3);

    assert!(matches!(
        hub.call(
            "tracker.add_note",
            args(json!({"application_id": 1, "note": "x"}))
        )
        .await,
        Err(OrchestratorError::NotAllowed(_))
    ));
    assert!(matches!(
        hub.call("track_application", args(json!({}))).await,
        Err(OrchestratorError::NotQualified(_))
    ));
    assert!(matches!(
        hub.call("nope.x", args(json!({}))).await,
        Err(OrchestratorError::UnknownServer(_))
    ));
    assert!(matches!(
        hub.call("tracker.nope", args(json!({}))).await,
        Err(OrchestratorError::UnknownTool { .. })
    ));
    assert!(matches!(
        hub.call(
            "tracker.get_application",
            args(json!({"application_id": "seven"}))
        )
        .await,
        Err(OrchestratorError::Refused { .. })
            | Ok(CallToolResult {
                is_error: Some(true),
                ..
            })
    ));
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_stdio_servers_are_discovered_and_called() {
    let hub = Orchestrator::new();
    hub.add_external(&time_server("time")).await.unwrap();
    hub.add_external(&everything_stdio(ServerPolicy {
        allow: vec!["echo".into(), "get-sum".into()],
        ..ServerPolicy::default()
    }))
    .await
    .unwrap();
    let names: Vec<String> = hub.tools().await.into_iter().map(|t| t.qualified).collect();
    assert!(
        names.contains(&"time.get_current_time".to_owned()),
        "{names:?}"
    );
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("everything."))
            .count(),
        2,
        "only the allowed tools of everything: {names:?}"
    );

    let now = hub
        .call(
            "time.get_current_time",
            args(json!({"timezone": "Asia/Tokyo"})),
        )
        .await
        .unwrap();
    assert!(text_of(&now).contains("Asia/Tokyo"), "{now:?}");
    let echo = hub
        .call(
            "everything.echo",
            args(json!({"message": "hello from jtp"})),
        )
        .await
        .unwrap();
    assert!(text_of(&echo).contains("hello from jtp"), "{echo:?}");
    let sum = hub
        .call("everything.get-sum", args(json!({"a": 2, "b": 3})))
        .await
        .unwrap();
    assert!(text_of(&sum).contains('5'), "{sum:?}");
    assert!(matches!(
        hub.call("everything.get-env", args(json!({}))).await,
        Err(OrchestratorError::NotAllowed(_))
    ));
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_call_is_cancelled_at_its_timeout_and_the_server_stays_usable() {
    let hub = Orchestrator::new();
    let policy = ServerPolicy {
        timeout_ms: 500,
        ..ServerPolicy::default()
    };
    hub.add_external(&everything_stdio(policy)).await.unwrap();
    let slow = hub
        .call(
            "everything.trigger-long-running-operation",
            args(json!({"duration": 30, "steps": 3})),
        )
        .await;
    assert!(
        matches!(slow, Err(OrchestratorError::Timeout { .. })),
        "{slow:?}"
    );
    let echo = hub
        .call("everything.echo", args(json!({"message": "still here"})))
        .await
        .unwrap();
    assert!(text_of(&echo).contains("still here"));
    hub.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_returns_partial_results_per_server() {
    let hub = Orchestrator::new();
    hub.add_external(&time_server("time_a")).await.unwrap();
    hub.add_external(&time_server("time_b")).await.unwrap();
    let results = hub
        .fan_out(
            "get_current_time",
            args(json!({"timezone": "Europe/Zurich"})),
        )
        .await;
    let servers: Vec<&str> = results.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        servers,
        ["time_a.get_current_time", "time_b.get_current_time"]
    );
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    let bad = hub
        .fan_out(
            "get_current_time",
            args(json!({"timezone": "Mars/Olympus"})),
        )
        .await;
    assert_eq!(bad.len(), 2);
    assert!(
        bad.iter().all(|(_, r)| matches!(
            r,
            Err(OrchestratorError::Refused { .. })
                | Ok(CallToolResult {
                    is_error: Some(true),
                    ..
                })
        )),
        "each server reports its own failure: {bad:?}"
    );
    hub.shutdown().await;
}

/// server-everything over Streamable HTTP on a loopback port, as a child process.
struct HttpEverything {
    child: std::process::Child,
    port: u16,
}

impl HttpEverything {
    fn start(port: u16) -> Self {
        let loopback = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/mcp/loopback.cjs");
        let mut child = std::process::Command::new("node")
            .arg("-r")
            .arg(loopback)
            .arg(everything_js())
            .arg("streamableHttp")
            .env("PORT", port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start server-everything");
        let stderr = child.stderr.take().expect("piped stderr");
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains("listening on port") => break,
                Some(Ok(_)) => continue,
                _ => panic!("server-everything did not start on port {port}"),
            }
        }
        std::thread::spawn(move || for _ in lines {});
        Self { child, port }
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_opens_the_circuit_and_recovers_after_restart() {
    let port = free_port();
    let server = HttpEverything::start(port);
    let hub = Orchestrator::new();
    // No cache: echo is read-only, and a cached answer would (rightly) hide the outage.
    let policy = ServerPolicy {
        timeout_ms: 3_000,
        failure_threshold: 2,
        cooldown_ms: 200,
        cache_ttl_ms: 0,
        ..ServerPolicy::default()
    };
    hub.add_external(&ExternalServer {
        name: "everything".into(),
        command: None,
        args: Vec::new(),
        env: Default::default(),
        url: Some(format!("http://127.0.0.1:{}/mcp", server.port)),
        bearer_token: None,
        policy,
    })
    .await
    .unwrap();
    let echo = || hub.call("everything.echo", args(json!({"message": "ping"})));
    assert!(text_of(&echo().await.unwrap()).contains("ping"));

    server.kill();
    let first = echo().await;
    let second = echo().await;
    assert!(first.is_err() && second.is_err(), "{first:?} {second:?}");
    assert!(
        matches!(echo().await, Err(OrchestratorError::CircuitOpen(_))),
        "open after 2 failures"
    );
    assert_eq!(hub.status().await[0].breaker, BreakerState::Open);

    let restarted = HttpEverything::start(port);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let recovered = echo().await.expect("the half-open trial reconnects");
    assert!(text_of(&recovered).contains("ping"));
    assert_eq!(hub.status().await[0].breaker, BreakerState::Closed);
    hub.shutdown().await;
    restarted.kill();
}

/// An in-process server whose tool list grows: calling `unlock` adds `secret` and announces
/// it with notifications/tools/list_changed, as servers with dynamic tools do.
#[derive(Clone, Default)]
struct Growing {
    unlocked: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl rmcp::ServerHandler for Growing {
    fn get_info(&self) -> rmcp::model::ServerConfig {
        rmcp::model::ServerConfig::new(
            rmcp::model::ServerCapabilities::builder()
                .enable_tools()
                .enable_tool_list_changed()
                .build(),
        )
    }

    async fn list_tools(
        &self,
        _request: Option<rmcp::model::PaginatedRequestParams>,
        _context: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::ListToolsResult, rmcp::ErrorData> {
        let schema = std::sync::Arc::new(args(json!({"type": "object"})));
        let mut tools = vec![rmcp::model::Tool::new(
            "unlock",
            "Reveal another tool",
            schema.clone(),
        )];
        if self.unlocked.load(std::sync::atomic::Ordering::SeqCst) {
            tools.push(rmcp::model::Tool::new(
                "secret",
                "Only after unlock",
                schema,
            ));
        }
        Ok(rmcp::model::ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: rmcp::model::CallToolRequestParams,
        context: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::CallToolResponse, rmcp::ErrorData> {
        if request.name == "unlock" {
            self.unlocked
                .store(true, std::sync::atomic::Ordering::SeqCst);
            let _ = context.peer.notify_tool_list_changed().await;
        }
        Ok(
            CallToolResult::success(vec![rmcp::model::ContentBlock::text(format!(
                "called {}",
                request.name
            ))])
            .into(),
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_are_rediscovered_when_a_server_announces_a_change() {
    let hub = Orchestrator::new();
    hub.add_builtin("growing", Growing::default(), ServerPolicy::default())
        .await
        .unwrap();
    let names = |tools: Vec<bot_core::orchestrator::ToolInfo>| {
        tools.into_iter().map(|t| t.qualified).collect::<Vec<_>>()
    };
    assert_eq!(names(hub.tools().await), ["growing.unlock"]);
    assert!(matches!(
        hub.call("growing.secret", args(json!({}))).await,
        Err(OrchestratorError::UnknownTool { .. })
    ));

    hub.call("growing.unlock", args(json!({}))).await.unwrap();
    // The notification travels on its own; wait for it, within reason.
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = names(hub.tools().await);
        if seen.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(seen, ["growing.unlock", "growing.secret"]);
    let secret = hub.call("growing.secret", args(json!({}))).await.unwrap();
    assert!(text_of(&secret).contains("called secret"));
    hub.shutdown().await;
}
