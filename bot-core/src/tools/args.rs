//! Checking tool arguments: friendly invalid-params errors instead of stored garbage.

use super::{MAX_NAME, MAX_TEXT};
use crate::store::StoreError;
use chrono::{DateTime, Datelike, Utc};
use rmcp::ErrorData;

pub(super) fn internal(err: StoreError) -> ErrorData {
    tracing::error!(error = %err, "tracker tool failed");
    ErrorData::internal_error("the tracker's database is unavailable; try again", None)
}

pub(super) fn not_found(what: &str, id: i64) -> ErrorData {
    ErrorData::invalid_params(format!("no {what} #{id}"), None)
}

/// A required string of at most `max` characters, trimmed.
fn bounded(value: &str, field: &str, max: usize) -> Result<String, ErrorData> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ErrorData::invalid_params(
            format!("{field} must not be empty"),
            None,
        ));
    }
    if value.chars().count() > max {
        return Err(ErrorData::invalid_params(
            format!("{field} is longer than {max} characters"),
            None,
        ));
    }
    Ok(value.to_owned())
}

/// A name (company, role, source): short text.
pub(super) fn name(value: &str, field: &str) -> Result<String, ErrorData> {
    bounded(value, field, MAX_NAME)
}

/// Free text (a note, a reminder).
pub(super) fn text(value: &str, field: &str) -> Result<String, ErrorData> {
    bounded(value, field, MAX_TEXT)
}

/// An optional name; blank counts as absent.
pub(super) fn optional_name(
    value: Option<String>,
    field: &str,
) -> Result<Option<String>, ErrorData> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| name(&v, field))
        .transpose()
}

/// Optional free text; blank counts as absent.
pub(super) fn optional_text(
    value: Option<String>,
    field: &str,
) -> Result<Option<String>, ErrorData> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| text(&v, field))
        .transpose()
}

/// An instant given as RFC 3339 with an offset, up to the end of year 9999 (what both
/// databases store and order correctly).
pub(super) fn parse_instant(value: &str, field: &str) -> Result<DateTime<Utc>, ErrorData> {
    let instant = DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ErrorData::invalid_params(
                format!("{field} must be RFC 3339 with an offset, got {value:?}"),
                None,
            )
        })?;
    if instant.year() > 9999 {
        return Err(ErrorData::invalid_params(
            format!("{field} is too far in the future"),
            None,
        ));
    }
    Ok(instant)
}
