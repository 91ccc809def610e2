//! `jtp run`: the long-running service. It starts every adapter whose configuration is
//! present (Telegram when its token is set), the outbox sender of each, the scheduler that
//! fires reminders into the outbox, and the health endpoint; it runs until Ctrl-C or
//! SIGTERM.

use crate::config::Config;
use crate::recording_adapter::RecordingAdapter;
use anyhow::Context;
use bot_core::health::AdapterHealth;
use bot_core::scheduler::Scheduler;
use bot_core::{Adapter, Core, OutboxSender, Store};
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Run the service until asked to stop.
pub async fn run(store: &Store, config: &Config) -> anyhow::Result<()> {
    let owner = format!("run-{}-{}", hostname(), std::process::id());
    let lease = config.scheduler.lease();
    let scheduler = Scheduler::new(store.clone(), owner.clone())
        .with_lease(lease)
        .with_workers(config.scheduler.workers);
    let core =
        Core::new(store.clone(), crate::core_config(config)).with_scheduler_wake(scheduler.waker());

    let mut adapters: Vec<Arc<dyn Adapter>> = Vec::new();
    let mut receivers: Vec<BoxFuture<'static, anyhow::Result<()>>> = Vec::new();
    let mut health: BTreeMap<&'static str, Arc<AdapterHealth>> = BTreeMap::new();
    if let Some(recording) = RecordingAdapter::from_env()? {
        tracing::warn!("test delivery log switched on; console nudges go to it");
        adapters.push(Arc::new(recording));
    }
    #[cfg(feature = "telegram")]
    if let Some(telegram) = crate::telegram_config(config)? {
        let liveness = Arc::new(AdapterHealth::default());
        let bot = jtp_telegram::Telegram::connect(
            core.clone(),
            telegram,
            liveness.clone(),
            owner.clone(),
            lease,
        )
        .await
        .context("starting the Telegram bot")?;
        adapters.push(bot.adapter());
        receivers.push(Box::pin(async move { Ok(bot.receive().await?) }));
        health.insert("telegram", liveness);
        eprintln!("jtp run: Telegram bot connected");
    }
    #[cfg(not(feature = "telegram"))]
    {
        // Only the platform adapters use the core and report health.
        let _ = (&core, &mut health);
        if config.telegram.token.is_some() {
            anyhow::bail!("this jtp was built without Telegram support (cargo feature `telegram`)");
        }
    }
    if adapters.is_empty() {
        eprintln!(
            "jtp run: no chat platform is configured (set TELEGRAM_BOT_TOKEN), so reminders \
             are fired into the outbox and wait there; `jtp chat` talks in this terminal."
        );
    }
    if receivers.is_empty() {
        // Nothing to receive (`select_all` needs at least one future).
        receivers.push(Box::pin(std::future::pending()));
    }
    let senders: Vec<OutboxSender> = adapters
        .into_iter()
        .map(|adapter| OutboxSender::new(store.clone(), adapter, owner.clone()).with_lease(lease))
        .collect();
    let health_server: BoxFuture<'static, anyhow::Result<()>> = match config.health.listen {
        Some(addr) => Box::pin(crate::health_server::serve(addr, health)),
        None => Box::pin(std::future::pending()),
    };
    eprintln!("jtp run: started as {owner}");
    tokio::select! {
        () = scheduler.run_with_senders(&senders) => Ok(()),
        failed = futures::future::select_all(receivers) => failed.0.context("receiving messages"),
        served = health_server => served.context("the health endpoint"),
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
