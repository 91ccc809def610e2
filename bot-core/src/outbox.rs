//! The outbox sender: the only code that hands messages to an adapter. It claims rows with a
//! lease, delivers them, and records the outcome, so a reply is never lost when the process
//! dies between deciding and sending, and never delivered by two senders at once.

use crate::adapter::{Adapter, DeliveryError};
use crate::fault;
use crate::message::ChatRef;
use crate::store::{ClaimedMessage, OutboxClaim, Store, StoreError};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

/// How long a claimed row stays ours before another sender may take it over (default).
pub const LEASE: Duration = Duration::from_secs(60);
/// Longest one delivery attempt may take. While it runs its row's lease is renewed, so a
/// slow send (a platform's rate limiter holding it back) is never reclaimed and sent again
/// by another sender; giving up sooner could not stop a send already queued either.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(300);
/// Rows claimed at a time.
const BATCH: i64 = 500;
/// The most delivery outcomes recorded by one statement (group commit). Larger than a
/// claim: a fast platform's outcomes pile up while the previous record is being written,
/// and fewer, larger writes measured faster (SQLite's scheduler benchmark 10.2× → 8.5× the
/// raw update at 500 → 2,000).
const RECORD_BATCH: usize = 2000;
/// Pauses before writing down outcomes again after the database refused them: a dropped
/// connection is usually back at once, a restarting server within seconds.
const RECORD_RETRIES: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_secs(1),
    Duration::from_secs(3),
];
/// Attempts before a transiently failing message is marked failed.
pub(crate) const MAX_ATTEMPTS: i64 = 8;

/// Delivers outbox rows of one platform through its adapter.
#[derive(Clone)]
pub struct OutboxSender {
    store: Store,
    adapter: Arc<dyn Adapter>,
    owner: String,
    chat_id: Option<String>,
    lease: Duration,
}

impl OutboxSender {
    /// A sender for `adapter`'s platform. `owner` names this process in leases; each sender
    /// made adds its own number to it, because a lease must tell apart two senders of one
    /// process (a platform's receiver answering at once beside the main loop): with one name
    /// between them, a row whose lease ran out while one waited could be taken over by the
    /// other and then pass the first one's lease check too, and go out twice. Clones are the
    /// same sender and share its name.
    pub fn new(store: Store, adapter: Arc<dyn Adapter>, owner: impl Into<String>) -> Self {
        static MADE: AtomicU64 = AtomicU64::new(0);
        let number = MADE.fetch_add(1, Ordering::Relaxed);
        Self {
            store,
            adapter,
            owner: format!("{}/{number}", owner.into()),
            chat_id: None,
            lease: LEASE,
        }
    }

    /// Hold claimed rows for `lease` instead of [`LEASE`] (renewed while a send runs).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Drain only the rows of one chat: for an adapter that is one conversation (a
    /// terminal), so two of them never print each other's replies.
    pub fn only_chat(mut self, chat_id: impl Into<String>) -> Self {
        self.chat_id = Some(chat_id.into());
        self
    }

    /// The claim under which the scheduler may write a nudge for `chat` already held by
    /// this sender; `None` for a chat it does not deliver to (another platform, or another
    /// terminal's conversation).
    pub fn claim_for(&self, chat: &ChatRef) -> Option<OutboxClaim> {
        let ours = chat.platform == self.adapter.platform()
            && self
                .chat_id
                .as_deref()
                .is_none_or(|only| only == chat.chat_id);
        ours.then(|| OutboxClaim {
            owner: self.owner.clone(),
            lease: self.lease,
        })
    }

    /// Deliver rows already claimed for this sender (nudges the scheduler wrote claimed),
    /// in order. A row whose lease ran out meanwhile is left to whoever took it over.
    pub async fn deliver_claimed(&self, rows: Vec<ClaimedMessage>) -> Result<(), StoreError> {
        self.deliver_batch(rows).await
    }

    /// Deliver specific rows now (the replies just recorded), in order. Rows another sender
    /// already took are skipped.
    pub async fn deliver_now(&self, ids: &[i64]) -> Result<(), StoreError> {
        let mut claimed = Vec::with_capacity(ids.len());
        for &id in ids {
            if let Some(row) = self
                .store
                .claim_outbox_row(id, &self.owner, self.lease)
                .await?
            {
                claimed.push(row);
            }
        }
        self.deliver_batch(claimed).await
    }

    /// Deliver everything due for this platform (left over from a crash, retries, nudges).
    /// Returns how many rows were attempted.
    pub async fn drain_due(&self) -> Result<usize, StoreError> {
        let mut attempted = 0;
        loop {
            let batch = self
                .store
                .claim_due_outbox(
                    self.adapter.platform(),
                    self.chat_id.as_deref(),
                    &self.owner,
                    self.lease,
                    BATCH,
                )
                .await?;
            if batch.is_empty() {
                return Ok(attempted);
            }
            attempted += batch.len();
            self.deliver_batch(batch).await?;
        }
    }

    /// How long this sender may sleep before a row of its own comes due (a retry after
    /// a 429, say), at most `ceiling`.
    pub async fn idle_for(&self, ceiling: Duration) -> Duration {
        match self
            .store
            .next_outbox_attempt(self.adapter.platform(), self.chat_id.as_deref())
            .await
        {
            Ok(Some(next)) => (next - crate::store::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .clamp(Duration::from_millis(50), ceiling),
            Ok(None) => ceiling,
            Err(_) => Duration::from_secs(5).min(ceiling),
        }
    }

    /// Send claimed rows one after another while recording outcomes beside them: whatever
    /// finished while the previous record was being written goes into the next one (group
    /// commit). A slow platform thus gets each delivery recorded as soon as it is known,
    /// and a fast one is not held to one database write per message.
    ///
    /// Whatever was sent is recorded before this returns, error or not: a message sent and
    /// not recorded goes out again once its lease runs out. If recording fails, sending
    /// stops after the attempt under way, and the outcomes not yet written are tried again
    /// a few times (a dropped connection is usually back at once) before the error is
    /// returned. If sending stops on an error (a lease that could not be renewed), what
    /// was already sent is recorded all the same.
    async fn deliver_batch(&self, batch: Vec<ClaimedMessage>) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let (done, mut finished) = mpsc::unbounded_channel();
        let stop = AtomicBool::new(false);
        let stopping = &stop;
        // Owns the sending half: when it ends, for whatever reason, the recording side
        // drains what is left and stops.
        let sending = async move {
            for claimed in batch {
                if stopping.load(Ordering::Relaxed) {
                    break;
                }
                // Once a quarter of a row's lease is gone, renew it before sending (the send
                // then keeps renewing it), so the row is never reclaimed, and sent again,
                // while in flight.
                if claimed.claimed_at.elapsed() > self.lease / 4
                    && !self
                        .store
                        .renew_outbox_lease(claimed.id, &self.owner, self.lease)
                        .await?
                {
                    tracing::warn!(id = claimed.id, "lease lost before sending; skipped");
                    continue;
                }
                let outcome = self.attempt(&claimed).await;
                if outcome.is_ok() {
                    fault::pause_at(fault::Point::AfterSend);
                }
                // The receiving side drains the channel to its end: this cannot fail.
                let _ = done.send((claimed, outcome));
            }
            Ok::<(), StoreError>(())
        };
        let recording = async {
            let mut outcomes = Vec::new();
            while finished.recv_many(&mut outcomes, RECORD_BATCH).await > 0 {
                let Err(err) = self.record(&outcomes).await else {
                    outcomes.clear();
                    continue;
                };
                stop.store(true, Ordering::Relaxed);
                while let Some(outcome) = finished.recv().await {
                    outcomes.push(outcome);
                }
                for pause in RECORD_RETRIES {
                    tokio::time::sleep(pause).await;
                    if self.record(&outcomes).await.is_ok() {
                        break;
                    }
                }
                return Err(err);
            }
            Ok(())
        };
        // Both run to their end (not `try_join!`): an error on one side must not drop the
        // outcomes the other still holds.
        let (sent, recorded) = tokio::join!(sending, recording);
        recorded.and(sent)
    }

    /// One delivery attempt, bounded in time, keeping the row's lease alive meanwhile.
    async fn attempt(&self, claimed: &ClaimedMessage) -> Result<String, DeliveryError> {
        let limit = DELIVERY_TIMEOUT;
        let send = self
            .adapter
            .deliver(&claimed.chat, &claimed.message, &claimed.key);
        let attempt = async {
            tokio::select! {
                sent = send => sent,
                never = self.keep_leased(claimed.id) => match never {},
            }
        };
        tokio::time::timeout(limit, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(DeliveryError::Transient {
                    reason: format!("no answer from the platform within {limit:?}"),
                    retry_after: None,
                })
            })
    }

    /// Renew a row's lease every quarter lease, for as long as it is polled.
    async fn keep_leased(&self, id: i64) -> std::convert::Infallible {
        loop {
            tokio::time::sleep(self.lease / 4).await;
            match self
                .store
                .renew_outbox_lease(id, &self.owner, self.lease)
                .await
            {
                Ok(true) => {}
                Ok(false) => tracing::warn!(id, "lease lost while sending"),
                Err(err) => {
                    tracing::warn!(id, error = %err, "could not renew a lease while sending")
                }
            }
        }
    }

    /// Write down what became of a group of attempts: the delivered ones first, in one
    /// statement (a message already sent must be recorded before anything else can fail),
    /// then the rest one by one (they are rare).
    /// Writing it again is harmless: each write names this sender's lease, which the first
    /// one cleared.
    async fn record(
        &self,
        outcomes: &[(ClaimedMessage, Result<String, DeliveryError>)],
    ) -> Result<(), StoreError> {
        let (sent, failed): (Vec<_>, Vec<_>) =
            outcomes.iter().partition(|(_, outcome)| outcome.is_ok());
        let delivered: Vec<(i64, String)> = sent
            .into_iter()
            .filter_map(|(claimed, outcome)| Some((claimed.id, outcome.as_ref().ok()?.clone())))
            .collect();
        if !delivered.is_empty() {
            self.store
                .mark_outbox_sent_many(&self.owner, &delivered)
                .await?;
        }
        for (claimed, outcome) in failed {
            match outcome {
                Ok(_) => {}
                Err(DeliveryError::Transient {
                    reason,
                    retry_after,
                }) if claimed.attempts < MAX_ATTEMPTS => {
                    let backoff = retry_after.unwrap_or_else(|| backoff(claimed.attempts));
                    tracing::warn!(id = claimed.id, %reason, ?backoff, "delivery failed, will retry");
                    self.store
                        .mark_outbox_retry(claimed.id, &self.owner, reason, backoff)
                        .await?;
                }
                Err(err) => {
                    tracing::error!(id = claimed.id, error = %err, "delivery failed for good");
                    if matches!(err, DeliveryError::Unreachable(_)) {
                        // The person blocked the bot (or the chat is gone): no more nudges
                        // go there until they write in it again.
                        self.store.mark_chat_unreachable(&claimed.chat).await?;
                    }
                    self.store
                        .mark_outbox_failed(claimed.id, &self.owner, &err.to_string())
                        .await?;
                }
            }
        }
        Ok(())
    }
}

/// Exponential backoff from 2 s, capped at 15 minutes.
fn backoff(attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.clamp(0, 9)).unwrap_or(9);
    Duration::from_secs((2u64 << exponent).min(900))
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_secs(2));
        assert_eq!(backoff(1), Duration::from_secs(4));
        assert_eq!(backoff(3), Duration::from_secs(16));
        assert_eq!(backoff(50), Duration::from_secs(900));
    }
}
