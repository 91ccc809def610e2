//! The core's way to its own capabilities: every tracker action goes through the
//! orchestrator to the built-in MCP servers (in-process), the same path an LLM or an outside
//! MCP client takes. Sessions are per person and zone, so the acting user is fixed by the
//! session and never passed as an argument.

use crate::orchestrator::{Orchestrator, OrchestratorError, ServerPolicy};
use crate::store::{Application, ApplicationEvent, NewApplication, Store};
use crate::tools::{
    ApplicationDetail, ApplicationList, BuiltinServer, BuiltinTools, NudgeSettings, ReminderList,
    ReminderView, TrackResult,
};
use crate::tracker::{Status, TrackOutcome, find_company};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rmcp::model::CallToolResult;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Mutex;

/// How long a snooze lasts: a while from now (its wall time then follows; whole days keep
/// the clock time, and an automatic nudge still waits out the quiet hours), or until a
/// time the person named (kept as said).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Snooze {
    /// This many seconds (a minute to a year); whole days count on the calendar, keeping
    /// the wall-clock time across a change of the clocks.
    For(i64),
    /// Until this instant.
    Until(DateTime<Utc>),
}

/// The longest snooze, as the snooze tool accepts it.
const MAX_SNOOZE_SECONDS: i64 = crate::tools::MAX_SNOOZE_DAYS * 86_400;

/// Sessions kept at most; past that the least recently opened one is closed.
const MAX_SESSIONS: usize = 1024;

/// One person's in-process hub, with when it was opened (for eviction).
struct Session {
    opened: u64,
    hub: Arc<Orchestrator>,
}

/// Open in-process MCP sessions, one per (person, zone).
pub(crate) struct ToolSessions {
    store: Store,
    sessions: Mutex<HashMap<(i64, Tz), Session>>,
    opened: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for ToolSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolSessions").finish_non_exhaustive()
    }
}

impl ToolSessions {
    pub(crate) fn new(store: Store) -> Self {
        Self {
            store,
            sessions: Mutex::new(HashMap::new()),
            opened: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The tracker client for one person, showing dates in `tz`.
    pub(crate) async fn tracker(
        &self,
        user_id: i64,
        tz: Tz,
    ) -> Result<TrackerClient, OrchestratorError> {
        let mut sessions = self.sessions.lock().await;
        if let Some(session) = sessions.get(&(user_id, tz)) {
            return Ok(TrackerClient {
                hub: session.hub.clone(),
            });
        }
        if sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, session)| session.opened)
                .map(|(key, _)| *key)
            && let Some(evicted) = sessions.remove(&oldest)
        {
            tokio::spawn(async move { evicted.hub.shutdown().await });
        }
        let hub = Orchestrator::new();
        for server in [BuiltinServer::Tracker, BuiltinServer::Reminders] {
            hub.add_builtin(
                server.name(),
                BuiltinTools::new(server, self.store.clone(), user_id, tz),
                // The core's own writes must always be read back fresh.
                // Longer than SQLite's busy timeout (15 s): a held write lock is waited out.
                ServerPolicy {
                    cache_ttl_ms: 0,
                    timeout_ms: 45_000,
                    ..ServerPolicy::default()
                },
            )
            .await?;
        }
        let hub = Arc::new(hub);
        let opened = self
            .opened
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sessions.insert(
            (user_id, tz),
            Session {
                opened,
                hub: hub.clone(),
            },
        );
        Ok(TrackerClient { hub })
    }
}

/// Typed calls to the built-in `tracker` and `reminders` servers for one person.
#[derive(Clone)]
pub(crate) struct TrackerClient {
    hub: Arc<Orchestrator>,
}

impl TrackerClient {
    async fn call<T: DeserializeOwned>(
        &self,
        tool: &str,
        arguments: serde_json::Value,
    ) -> Result<Option<T>, OrchestratorError> {
        self.call_on("tracker", tool, arguments).await
    }

    async fn call_on<T: DeserializeOwned>(
        &self,
        server: &str,
        tool: &str,
        arguments: serde_json::Value,
    ) -> Result<Option<T>, OrchestratorError> {
        let serde_json::Value::Object(arguments) = arguments else {
            return Err(malformed(tool, "arguments are not a JSON object"));
        };
        match self.hub.call(&format!("{server}.{tool}"), arguments).await {
            Ok(result) => structured(tool, result).map(Some),
            // The tools answer "no application #N" / "no pending reminder #N" for an id that
            // is not this person's (or no longer open).
            Err(OrchestratorError::Refused { reason, .. }) if reason.starts_with("no ") => Ok(None),
            Err(err) => Err(err),
        }
    }

    pub(crate) async fn track(
        &self,
        new: &NewApplication,
        allow_duplicate: bool,
    ) -> Result<TrackOutcome, OrchestratorError> {
        let result: TrackResult = self
            .call(
                "track_application",
                json!({
                    "company": new.company,
                    "role": new.role,
                    "applied_on": new.applied_on.map(|d| d.to_string()),
                    "url": new.url,
                    "source": new.source,
                    "allow_duplicate": allow_duplicate,
                }),
            )
            .await?
            .ok_or_else(|| malformed("track_application", "no result"))?;
        Ok(match result.outcome.as_str() {
            "created" => TrackOutcome::Created(result.application),
            _ => TrackOutcome::PossibleDuplicate {
                existing: result.application,
            },
        })
    }

    pub(crate) async fn list(
        &self,
        status: Option<Status>,
    ) -> Result<Vec<Application>, OrchestratorError> {
        let list: Option<ApplicationList> = self
            .call("list_applications", json!({ "status": status }))
            .await?;
        Ok(list.map(|l| l.applications).unwrap_or_default())
    }

    /// Applications at a company named like `company`, open ones first.
    pub(crate) async fn find_by_company(
        &self,
        company: &str,
    ) -> Result<Vec<Application>, OrchestratorError> {
        Ok(find_company(self.list(None).await?, company))
    }

    pub(crate) async fn get(&self, id: i64) -> Result<Option<Application>, OrchestratorError> {
        Ok(self.show(id).await?.map(|(app, _)| app))
    }

    pub(crate) async fn show(
        &self,
        id: i64,
    ) -> Result<Option<(Application, Vec<ApplicationEvent>)>, OrchestratorError> {
        let detail: Option<ApplicationDetail> = self
            .call("get_application", json!({ "application_id": id }))
            .await?;
        Ok(detail.map(|d| (d.application, d.timeline)))
    }

    pub(crate) async fn update_status(
        &self,
        id: i64,
        status: Status,
        scheduled_at: Option<DateTime<Utc>>,
    ) -> Result<Option<Application>, OrchestratorError> {
        self.call(
            "update_status",
            json!({
                "application_id": id,
                "status": status,
                "scheduled_at": scheduled_at.map(|t| t.to_rfc3339()),
            }),
        )
        .await
    }

    pub(crate) async fn add_note(
        &self,
        id: i64,
        note: &str,
    ) -> Result<Option<Application>, OrchestratorError> {
        self.call("add_note", json!({ "application_id": id, "note": note }))
            .await
    }

    /// Create a reminder `when` says, keeping its wall time in `tz` (a timer its instant); a
    /// series starts at its first occurrence from the wall time given.
    pub(crate) async fn create_reminder(
        &self,
        text: &str,
        when: ReminderTime<'_>,
        tz: Tz,
    ) -> Result<ReminderView, OrchestratorError> {
        let mut args = json!({ "text": text, "timezone": tz.name() });
        match when {
            ReminderTime::Once { at, timer } => {
                args["when"] = json!(at.to_rfc3339());
                if timer {
                    args["keep_instant"] = json!(true);
                }
            }
            ReminderTime::Series { rule, from } => {
                args["when"] = json!(from.format(crate::store::LOCAL_FORMAT).to_string());
                args["repeat"] = json!(rule);
            }
        }
        self.call_on("reminders", "create_reminder", args)
            .await?
            .ok_or_else(|| malformed("create_reminder", "no result"))
    }

    /// The person's nudge settings.
    pub(crate) async fn nudge_settings(&self) -> Result<NudgeSettings, OrchestratorError> {
        self.call_on("reminders", "get_nudge_settings", json!({}))
            .await?
            .ok_or_else(|| malformed("get_nudge_settings", "no result"))
    }

    /// Change some nudge settings; returns them all as they now are.
    pub(crate) async fn set_nudge_settings(
        &self,
        changes: &NudgeSettings,
    ) -> Result<NudgeSettings, OrchestratorError> {
        let args = serde_json::to_value(changes)
            .map_err(|e| malformed("set_nudge_settings", &e.to_string()))?;
        self.call_on("reminders", "set_nudge_settings", args)
            .await?
            .ok_or_else(|| malformed("set_nudge_settings", "no result"))
    }

    /// Pending and fired reminders, soonest first.
    pub(crate) async fn reminders(&self) -> Result<Vec<ReminderView>, OrchestratorError> {
        let list: Option<ReminderList> = self
            .call_on("reminders", "list_reminders", json!({}))
            .await?;
        Ok(list.map(|l| l.reminders).unwrap_or_default())
    }

    /// Move a pending or fired reminder on by a while, or to a time the person named.
    pub(crate) async fn snooze_reminder(
        &self,
        id: i64,
        snooze: Snooze,
    ) -> Result<Option<ReminderView>, OrchestratorError> {
        let args = match snooze {
            // Between a minute and a year: "snooze 100000000 weeks" is not a date.
            Snooze::For(seconds) => {
                let seconds = seconds.clamp(60, MAX_SNOOZE_SECONDS);
                if seconds % 86_400 == 0 {
                    json!({ "reminder_id": id, "days": seconds / 86_400 })
                } else {
                    json!({ "reminder_id": id, "minutes": seconds / 60 })
                }
            }
            Snooze::Until(until) => json!({ "reminder_id": id, "until": until.to_rfc3339() }),
        };
        self.call_on("reminders", "snooze_reminder", args).await
    }

    /// Close a reminder as done (`complete_reminder`) or stopped (`cancel_reminder`).
    pub(crate) async fn close_reminder(
        &self,
        id: i64,
        tool: &str,
    ) -> Result<Option<ReminderView>, OrchestratorError> {
        self.call_on("reminders", tool, json!({ "reminder_id": id }))
            .await
    }

    /// Stop (`nudges` false) or restart an application's automatic nudges.
    pub(crate) async fn set_nudges(
        &self,
        id: i64,
        nudges: bool,
    ) -> Result<Option<Application>, OrchestratorError> {
        self.call(
            "set_application_nudges",
            json!({ "application_id": id, "nudges": nudges }),
        )
        .await
    }

    pub(crate) async fn remove(&self, id: i64) -> Result<Option<Application>, OrchestratorError> {
        self.call("remove_application", json!({ "application_id": id }))
            .await
    }
}

/// The structured result of a call, or why there is none.
fn structured<T: DeserializeOwned>(
    tool: &str,
    result: CallToolResult,
) -> Result<T, OrchestratorError> {
    if result.is_error == Some(true) {
        let text: Vec<String> = result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect();
        return Err(OrchestratorError::Refused {
            tool: tool.to_owned(),
            reason: text.join(" "),
        });
    }
    let value = result
        .structured_content
        .ok_or_else(|| malformed(tool, "no structured content"))?;
    serde_json::from_value(value).map_err(|e| malformed(tool, &e.to_string()))
}

fn malformed(tool: &str, reason: &str) -> OrchestratorError {
    OrchestratorError::Refused {
        tool: tool.to_owned(),
        reason: format!("unexpected result: {reason}"),
    }
}

/// When a reminder set in conversation is due.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ReminderTime<'a> {
    /// Once, at `at`; a `timer` ("in 2 hours") keeps that instant if the person moves.
    Once {
        at: DateTime<FixedOffset>,
        timer: bool,
    },
    /// By the RRULE `rule`, from the wall time `from` on: the time the person said, even
    /// when the clocks skip it on the first day.
    Series { rule: &'a str, from: NaiveDateTime },
}
