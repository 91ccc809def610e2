//! `jtp run`: the long-running service. It starts the outbox sender of every adapter whose
//! configuration is present and the scheduler that fires reminders into the outbox, and
//! runs until Ctrl-C or SIGTERM.

use crate::config::Config;
use crate::recording_adapter::RecordingAdapter;
use bot_core::scheduler::Scheduler;
use bot_core::{Adapter, OutboxSender, Store};
use std::sync::Arc;

/// Run the service until asked to stop.
pub async fn run(store: &Store, config: &Config) -> anyhow::Result<()> {
    let owner = format!("run-{}-{}", hostname(), std::process::id());
    let lease = config.scheduler.lease();
    let mut adapters: Vec<Arc<dyn Adapter>> = Vec::new();
    if let Some(recording) = RecordingAdapter::from_env()? {
        tracing::warn!("test delivery log switched on; console nudges go to it");
        adapters.push(Arc::new(recording));
    }
    if adapters.is_empty() {
        eprintln!(
            "jtp run: no chat platform is configured, so reminders are fired into the outbox \
             and wait there for an adapter (use `jtp chat` to talk in this terminal)."
        );
    }
    let senders: Vec<OutboxSender> = adapters
        .into_iter()
        .map(|adapter| OutboxSender::new(store.clone(), adapter, owner.clone()).with_lease(lease))
        .collect();
    let scheduler = Scheduler::new(store.clone(), owner.clone()).with_lease(lease);
    eprintln!("jtp run: started as {owner}");
    tokio::select! {
        () = scheduler.run_with_senders(&senders) => Ok(()),
        signal = shutdown_signal() => {
            signal?;
            eprintln!("jtp run: stopping");
            Ok(())
        }
    }
}

/// Ctrl-C or, on Unix, SIGTERM (what a service manager or container runtime sends).
async fn shutdown_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    Ok(())
}

/// A name for this machine in lease owners (several `jtp run` may share a database).
fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned())
}
