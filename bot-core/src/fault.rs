//! Fault injection for the crash tests: with `JTP_FAULT_PAUSE=after-claim` (reminders
//! claimed, nothing fired yet) or `JTP_FAULT_PAUSE=after-send` (a message handed to the
//! platform, its delivery not yet recorded) the task reaching that point announces it on
//! stderr and blocks there for ever, so the test can `kill -9` the process at exactly that
//! moment. Only tests set the variable; unset, every check is one load of a cached value.

use std::sync::LazyLock;
use std::time::Duration;

/// The environment variable that arms a fault point.
pub const ENV: &str = "JTP_FAULT_PAUSE";

/// A place in the delivery path where a crash is worth testing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// A batch of due reminders is held by its firing transaction and nothing has been
    /// written for it.
    AfterClaim,
    /// The adapter accepted a message; the outbox does not know yet.
    AfterSend,
}

impl Point {
    fn name(self) -> &'static str {
        match self {
            Point::AfterClaim => "after-claim",
            Point::AfterSend => "after-send",
        }
    }
}

static ARMED: LazyLock<Option<Point>> = LazyLock::new(|| {
    let value = std::env::var(ENV).ok()?;
    [Point::AfterClaim, Point::AfterSend]
        .into_iter()
        .find(|p| p.name() == value)
});

/// Stop here for ever if this point is armed. The blocking sleep is deliberate: the task
/// must not get past the point, and nothing it holds may be released.
pub fn pause_at(point: Point) {
    if *ARMED == Some(point) {
        eprintln!("fault point {} reached; waiting to be killed", point.name());
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}
