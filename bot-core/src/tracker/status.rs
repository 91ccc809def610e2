//! Where an application stands.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The stage of one application. The names are the evaluation contract's status values.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Applied,
    Screening,
    Interview,
    Offer,
    Rejected,
    Withdrawn,
    Accepted,
    Ghosted,
}

impl Status {
    /// Every status, in pipeline order (the order lists are grouped in).
    pub const ALL: [Status; 8] = [
        Status::Applied,
        Status::Screening,
        Status::Interview,
        Status::Offer,
        Status::Accepted,
        Status::Rejected,
        Status::Withdrawn,
        Status::Ghosted,
    ];

    /// The stored and contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Screening => "screening",
            Status::Interview => "interview",
            Status::Offer => "offer",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
            Status::Accepted => "accepted",
            Status::Ghosted => "ghosted",
        }
    }

    /// Still in play: the person may hear back, so follow-ups make sense.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Applied | Status::Screening | Status::Interview | Status::Offer
        )
    }

    /// A short human label for lists.
    pub fn label(self) -> &'static str {
        match self {
            Status::Applied => "Applied",
            Status::Screening => "Screening",
            Status::Interview => "Interview",
            Status::Offer => "Offer",
            Status::Rejected => "Rejected",
            Status::Withdrawn => "Withdrawn",
            Status::Accepted => "Accepted",
            Status::Ghosted => "Ghosted",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the eight status names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown application status {0:?}")]
pub struct UnknownStatus(
    /// The text that was given, untrimmed, for the error message.
    pub String,
);

impl FromStr for Status {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}
