//! Liveness of each adapter, reported by `jtp run`'s health endpoint. Inbound (the last
//! successful poll or webhook call) is kept apart from outbound (the last successful send):
//! a stalled poll must show even while sends succeed, and the other way round.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Mutex;

/// What one adapter last saw, each way.
#[derive(Debug, Default)]
pub struct AdapterHealth {
    inner: Mutex<HealthReport>,
}

/// A snapshot, as the health endpoint shows it.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct HealthReport {
    /// When messages were last fetched (or received) successfully.
    pub inbound_ok_at: Option<DateTime<Utc>>,
    /// The last inbound failure since then, if any.
    pub inbound_error: Option<String>,
    /// When a message was last delivered.
    pub outbound_ok_at: Option<DateTime<Utc>>,
    /// The last delivery failure since then, if any.
    pub outbound_error: Option<String>,
}

impl AdapterHealth {
    fn update(&self, f: impl FnOnce(&mut HealthReport)) {
        let mut report = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut report);
    }

    /// A poll (or webhook request) went through.
    pub fn inbound_ok(&self) {
        self.update(|r| {
            r.inbound_ok_at = Some(Utc::now());
            r.inbound_error = None;
        });
    }

    /// A poll failed.
    pub fn inbound_failed(&self, error: impl ToString) {
        self.update(|r| r.inbound_error = Some(error.to_string()));
    }

    /// A message was delivered.
    pub fn outbound_ok(&self) {
        self.update(|r| {
            r.outbound_ok_at = Some(Utc::now());
            r.outbound_error = None;
        });
    }

    /// A delivery failed.
    pub fn outbound_failed(&self, error: impl ToString) {
        self.update(|r| r.outbound_error = Some(error.to_string()));
    }

    /// The current state.
    pub fn report(&self) -> HealthReport {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Inbound is healthy: a poll succeeded within `max_age` and none failed since.
    pub fn inbound_live(&self, max_age: chrono::Duration) -> bool {
        let r = self.report();
        r.inbound_error.is_none() && r.inbound_ok_at.is_some_and(|at| Utc::now() - at <= max_age)
    }
}
