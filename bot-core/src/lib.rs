//! The JobTrackerPro conversation core. It knows no chat platform: adapters turn platform
//! events into [`Inbound`] messages, [`Core::handle`] decides and records the replies in the
//! outbox, and the [`OutboxSender`] hands them to the adapter's [`Adapter::deliver`].
//! See `docs/ARCHITECTURE.md` for the whole map.

pub mod adapter;
pub mod addressing;
pub mod core;
pub mod fault;
pub mod health;
pub mod message;
pub mod orchestrator;
pub mod outbox;
pub mod preferences;
pub mod recurrence;
pub mod scheduler;
pub mod store;
pub mod tools;
pub mod tracker;
pub mod understand;

pub use crate::core::{Core, CoreConfig, CoreError};
pub use adapter::{Adapter, DeliveryError};
pub use message::{Attachment, Button, ChatRef, Inbound, Outbound, Platform};
pub use outbox::OutboxSender;
pub use store::{Store, StoreError};
