//! `jtp reminders …`: what operators need to see and do about scheduled nudges.

use bot_core::Store;
use bot_core::scheduler::Scheduler;
use clap::{Subcommand, ValueEnum};

/// The `jtp reminders` subcommands.
#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Reminders of every user, soonest first (default: pending and fired). Texts are
    /// private and not shown.
    List {
        #[arg(long, value_enum)]
        state: Option<StateFilter>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Messages not delivered yet, oldest first (default: pending, sending and failed):
    /// where each goes, its attempts and its last error. Contents are private and not shown.
    Deliveries {
        #[arg(long, value_enum)]
        state: Option<DeliveryFilter>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Fire every reminder due now into the outbox, once, and exit. Safe to run beside
    /// running bots: reminders are claimed with leases.
    Fire,
    /// Put failed reminders and failed outbox messages back to be tried again.
    Retry,
}

/// Reminder states to list.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StateFilter {
    Pending,
    Fired,
    Done,
    Cancelled,
    Failed,
}

/// Delivery states to list.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DeliveryFilter {
    Pending,
    Sending,
    Failed,
}

impl DeliveryFilter {
    fn as_str(self) -> &'static str {
        match self {
            DeliveryFilter::Pending => "pending",
            DeliveryFilter::Sending => "sending",
            DeliveryFilter::Failed => "failed",
        }
    }
}

impl StateFilter {
    fn as_str(self) -> &'static str {
        match self {
            StateFilter::Pending => "pending",
            StateFilter::Fired => "fired",
            StateFilter::Done => "done",
            StateFilter::Cancelled => "cancelled",
            StateFilter::Failed => "failed",
        }
    }
}

/// Run one `jtp reminders` subcommand.
pub async fn run(command: RemindersCommand, store: &Store) -> anyhow::Result<()> {
    match command {
        RemindersCommand::List { state, limit } => {
            let rows = store
                .reminders_overview(state.map(StateFilter::as_str), limit)
                .await?;
            let now = bot_core::store::now();
            println!(
                "{:>8} {:>8} {:<15} {:<26} {:<10} {:>5}",
                "id", "user", "kind", "due (UTC)", "state", "sent"
            );
            for r in &rows {
                let overdue = if r.state == "pending" && r.due_at <= now {
                    " due"
                } else {
                    ""
                };
                println!(
                    "{:>8} {:>8} {:<15} {:<26} {:<10} {:>5}{overdue}",
                    r.id,
                    r.user_id,
                    r.kind,
                    r.due_at.format("%Y-%m-%d %H:%M:%S"),
                    r.state,
                    r.occurrence
                );
            }
            println!("{} reminder(s)", rows.len());
            Ok(())
        }
        RemindersCommand::Deliveries { state, limit } => {
            let rows = store
                .deliveries_overview(state.map(DeliveryFilter::as_str), limit)
                .await?;
            println!(
                "{:>8} {:>8} {:<9} {:<28} {:<8} {:>8} {:<19}  last error",
                "id", "user", "platform", "what", "state", "attempts", "next try (UTC)"
            );
            for d in &rows {
                println!(
                    "{:>8} {:>8} {:<9} {:<28} {:<8} {:>8} {:<19}  {}",
                    d.id,
                    d.user_id.map_or_else(|| "-".to_owned(), |u| u.to_string()),
                    d.platform,
                    d.key,
                    d.state,
                    d.attempts,
                    d.next_attempt_at.format("%Y-%m-%d %H:%M:%S"),
                    d.last_error.as_deref().unwrap_or("")
                );
            }
            println!("{} message(s) not delivered", rows.len());
            Ok(())
        }
        RemindersCommand::Fire => {
            let scheduler = Scheduler::new(
                store.clone(),
                format!("jtp-reminders-{}", std::process::id()),
            );
            let fired = scheduler.tick(bot_core::store::now()).await?;
            println!("fired {} reminder(s) into the outbox", fired.len());
            Ok(())
        }
        RemindersCommand::Retry => {
            let retried = store.retry_failed().await?;
            println!(
                "put back {} reminder(s) and {} outbox message(s)",
                retried.reminders, retried.outbox
            );
            Ok(())
        }
    }
}
