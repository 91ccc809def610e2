//! The cost of reaching a capability through MCP: the same read (list a person's
//! applications) called directly on the tracker service and as an in-process tool call
//! through the orchestrator, interleaved in one run, with p50/p99 of each and the overhead.
//! Target (issue 4): overhead at most 50 µs at p50.
//!
//!     cargo bench --bench mcp_overhead

use bot_core::orchestrator::{Orchestrator, ServerPolicy};
use bot_core::store::{NewApplication, Store};
use bot_core::tools::{BuiltinServer, BuiltinTools};
use bot_core::tracker::Tracker;
use std::time::{Duration, Instant};

const WARMUP: usize = 500;
const SAMPLES: usize = 5_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = Store::open(None, dir.path())
            .await
            .expect("an SQLite store");
        let user = store
            .resolve_user("console", "bench", None)
            .await
            .expect("a user");
        let today = chrono::Utc::now().date_naive();
        for company in ["Stripe", "Datadog", "Siemens", "GitLab", "Adyen"] {
            let new = NewApplication {
                company: company.into(),
                role: "engineer".into(),
                ..Default::default()
            };
            store
                .insert_application(user.id, &new, today)
                .await
                .expect("insert");
        }
        let tracker = Tracker::new(store.clone());
        let hub = Orchestrator::new();
        hub.add_builtin(
            "tracker",
            BuiltinTools::new(
                BuiltinServer::Tracker,
                store.clone(),
                user.id,
                chrono_tz::UTC,
            ),
            // No cache: measure the call, not a cache hit.
            ServerPolicy {
                cache_ttl_ms: 0,
                ..ServerPolicy::default()
            },
        )
        .await
        .expect("the built-in tracker server");
        let no_args = serde_json::Map::new();

        let mut direct = Vec::with_capacity(SAMPLES);
        let mut via_mcp = Vec::with_capacity(SAMPLES);
        for i in 0..WARMUP + SAMPLES {
            let started = Instant::now();
            let apps = tracker.list(user.id, None).await.expect("direct list");
            let direct_time = started.elapsed();
            assert_eq!(apps.len(), 5);

            let started = Instant::now();
            let result = hub
                .call("tracker.list_applications", no_args.clone())
                .await
                .expect("tool call");
            let mcp_time = started.elapsed();
            assert!(result.structured_content.is_some());

            if i >= WARMUP {
                direct.push(direct_time);
                via_mcp.push(mcp_time);
            }
        }
        direct.sort();
        via_mcp.sort();
        let (d50, d99) = (percentile(&direct, 0.50), percentile(&direct, 0.99));
        let (m50, m99) = (percentile(&via_mcp, 0.50), percentile(&via_mcp, 0.99));
        println!("list 5 applications, SQLite, {SAMPLES} interleaved samples each:");
        println!(
            "  direct service call   p50 {:>8.1} µs   p99 {:>8.1} µs",
            us(d50),
            us(d99)
        );
        println!(
            "  in-process MCP call   p50 {:>8.1} µs   p99 {:>8.1} µs",
            us(m50),
            us(m99)
        );
        println!(
            "  overhead              p50 {:>8.1} µs   p99 {:>8.1} µs   (ratio at p50 {:.2}x)",
            us(m50) - us(d50),
            us(m99) - us(d99),
            us(m50) / us(d50)
        );
        hub.shutdown().await;
    });
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
