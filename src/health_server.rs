//! `GET /health` for `jtp run`: per adapter, inbound liveness (the last successful poll)
//! apart from outbound success (the last delivery). 200 while every adapter's inbound is
//! live, 503 otherwise — a stalled poll shows even while sends succeed.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use bot_core::health::{AdapterHealth, HealthReport};
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// How long without a successful poll counts as stalled (a long poll lasts ≤ 10 s by
/// default, so three missed polls and some slack).
const STALE_AFTER: chrono::Duration = chrono::Duration::seconds(45);

type Adapters = Arc<BTreeMap<&'static str, Arc<AdapterHealth>>>;

#[derive(Serialize)]
struct AdapterStatus {
    inbound_live: bool,
    #[serde(flatten)]
    report: HealthReport,
}

#[derive(Serialize)]
struct Status {
    status: &'static str,
    adapters: BTreeMap<&'static str, AdapterStatus>,
}

/// Serve the endpoint until the listener fails.
pub async fn serve(
    addr: SocketAddr,
    adapters: BTreeMap<&'static str, Arc<AdapterHealth>>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "jtp run: health at http://{}/health",
        listener.local_addr()?
    );
    let app = Router::new()
        .route("/health", get(health))
        .with_state(Arc::new(adapters));
    axum::serve(listener, app).await?;
    Ok(())
}

async fn health(State(adapters): State<Adapters>) -> (StatusCode, Json<Status>) {
    let statuses: BTreeMap<_, _> = adapters
        .iter()
        .map(|(name, health)| {
            (
                *name,
                AdapterStatus {
                    inbound_live: health.inbound_live(STALE_AFTER),
                    report: health.report(),
                },
            )
        })
        .collect();
    let live = statuses.values().all(|s| s.inbound_live);
    let code = if live {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(Status {
            status: if live { "ok" } else { "degraded" },
            adapters: statuses,
        }),
    )
}
