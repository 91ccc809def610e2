//! A circuit breaker per MCP server: after repeated failures stop calling it for a while,
//! then let one call through to see whether it recovered.

use std::time::{Duration, Instant};

/// The breaker's view of one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go through.
    Closed,
    /// Calls fail fast until the cool-down ends.
    Open,
    /// The cool-down ended: one trial call decides.
    HalfOpen,
}

/// Counts consecutive failures; opens at `threshold`, half-opens after `cooldown`.
#[derive(Debug)]
pub struct CircuitBreaker {
    threshold: u32,
    cooldown: Duration,
    failures: u32,
    opened_at: Option<Instant>,
    trial_in_flight: bool,
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            cooldown,
            failures: 0,
            opened_at: None,
            trial_in_flight: false,
        }
    }

    /// The state at `now`.
    pub fn state(&self, now: Instant) -> BreakerState {
        match self.opened_at {
            None => BreakerState::Closed,
            Some(at) if now.duration_since(at) < self.cooldown => BreakerState::Open,
            Some(_) => BreakerState::HalfOpen,
        }
    }

    /// Whether a call may go out now. In half-open, only one trial at a time.
    pub fn try_acquire(&mut self, now: Instant) -> bool {
        match self.state(now) {
            BreakerState::Closed => true,
            BreakerState::Open => false,
            BreakerState::HalfOpen if self.trial_in_flight => false,
            BreakerState::HalfOpen => {
                self.trial_in_flight = true;
                true
            }
        }
    }

    /// A call succeeded: close.
    pub fn record_success(&mut self) {
        self.failures = 0;
        self.opened_at = None;
        self.trial_in_flight = false;
    }

    /// A call failed (timeout, transport error): count it, open at the threshold, and
    /// re-open after a failed trial.
    pub fn record_failure(&mut self, now: Instant) {
        self.failures += 1;
        self.trial_in_flight = false;
        if self.failures >= self.threshold || self.opened_at.is_some() {
            self.opened_at = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_and_half_opens_after_cooldown() {
        let t0 = Instant::now();
        let mut b = CircuitBreaker::new(3, Duration::from_secs(10));
        b.record_failure(t0);
        b.record_failure(t0);
        assert_eq!(b.state(t0), BreakerState::Closed);
        b.record_failure(t0);
        assert_eq!(b.state(t0), BreakerState::Open);
        assert!(!b.try_acquire(t0 + Duration::from_secs(5)));
        let later = t0 + Duration::from_secs(11);
        assert_eq!(b.state(later), BreakerState::HalfOpen);
        assert!(b.try_acquire(later), "one trial");
        assert!(!b.try_acquire(later), "only one trial at a time");
        b.record_failure(later);
        assert_eq!(
            b.state(later),
            BreakerState::Open,
            "a failed trial re-opens"
        );
        let much_later = later + Duration::from_secs(11);
        assert!(b.try_acquire(much_later));
        b.record_success();
        assert_eq!(b.state(much_later), BreakerState::Closed);
        assert!(b.try_acquire(much_later));
    }
}
