//! Checking tool arguments: friendly invalid-params errors instead of stored garbage.

use super::{MAX_NAME, MAX_TEXT};
use crate::store::StoreError;
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
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

/// A time a tool is given: an instant, or a wall time to be read in a zone the call names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
    /// RFC 3339 with an offset: one instant.
    Instant(DateTime<Utc>),
    /// A date and time of day without an offset: the time on the clock, whichever instant
    /// the zone makes of it. A series keeps it even on a day the clocks skip it, where an
    /// instant would have no such wall time left to keep.
    Wall(NaiveDateTime),
}

/// [`When`] from RFC 3339 with an offset, or a local `YYYY-MM-DDTHH:MM[:SS]` without one;
/// up to the end of year 9999 either way.
pub(super) fn parse_when(value: &str, field: &str) -> Result<When, ErrorData> {
    let trimmed = value.trim();
    let wall = [crate::store::LOCAL_FORMAT, "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(trimmed, format).ok());
    match wall {
        Some(wall) if wall.year() > 9999 => Err(ErrorData::invalid_params(
            format!("{field} is too far in the future"),
            None,
        )),
        Some(wall) => Ok(When::Wall(wall)),
        None => parse_instant(value, field).map(When::Instant).map_err(|_| {
            ErrorData::invalid_params(
                format!(
                    "{field} must be RFC 3339 with an offset, or a local date and time \
                         without one (YYYY-MM-DDTHH:MM), got {value:?}"
                ),
                None,
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{When, parse_when};
    use chrono::{DateTime, NaiveDateTime};

    #[test]
    fn a_time_is_an_instant_with_an_offset_and_a_wall_time_without() {
        let wall = NaiveDateTime::parse_from_str("2027-03-14T02:30", "%Y-%m-%dT%H:%M").unwrap();
        assert_eq!(parse_when("2027-03-14T02:30", "when"), Ok(When::Wall(wall)));
        assert_eq!(
            parse_when(" 2027-03-14T02:30:00 ", "when"),
            Ok(When::Wall(wall))
        );
        let instant = DateTime::parse_from_rfc3339("2027-03-14T03:30:00-04:00").unwrap();
        assert_eq!(
            parse_when("2027-03-14T03:30:00-04:00", "when"),
            Ok(When::Instant(instant.to_utc()))
        );
        let refused = parse_when("next Sunday", "when").unwrap_err();
        assert!(refused.message.contains("without one"), "{refused:?}");
        let refused = parse_when("+12027-03-14T02:30", "when").unwrap_err();
        assert!(refused.message.contains("too far"), "{refused:?}");
    }
}
