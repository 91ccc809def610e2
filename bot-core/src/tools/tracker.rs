//! The `tracker` MCP server: applications, their status and timeline.

use super::BuiltinTools;
use super::args::{internal, name, not_found, optional_name, optional_text, parse_instant, text};
use crate::store::{Application, ApplicationEvent, NewApplication, StatusChange};
use crate::tracker::{Status, TrackOutcome, nudges, render_list};
use chrono::NaiveDate;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource, ResourceContents,
};
use rmcp::{ErrorData, Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Arguments of `track_application`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackParams {
    /// The company applied to.
    pub company: String,
    /// The role or job title.
    #[serde(default)]
    pub role: Option<String>,
    /// Local date applied, YYYY-MM-DD (default: today).
    #[serde(default)]
    pub applied_on: Option<String>,
    /// The posting's URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Where the posting was found.
    #[serde(default)]
    pub source: Option<String>,
    /// Add even if an application at the same company with a similar role exists.
    #[serde(default)]
    pub allow_duplicate: bool,
}

/// The result of `track_application`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct TrackResult {
    /// "created", or "possible_duplicate" when nothing was added.
    pub outcome: String,
    /// The new application, or the existing one it may duplicate.
    pub application: Application,
}

/// Arguments of `update_status`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStatusParams {
    /// Id of the application to move.
    pub application_id: i64,
    /// The status it moves to.
    pub status: Status,
    /// When the interview or call takes place, RFC 3339 with offset.
    #[serde(default)]
    pub scheduled_at: Option<String>,
}

/// Arguments of `list_applications`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only applications with this status.
    #[serde(default)]
    pub status: Option<Status>,
}

/// The result of `list_applications`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationList {
    /// How many applications are listed.
    pub count: i64,
    /// The applications, oldest first.
    pub applications: Vec<Application>,
}

/// Arguments naming one application.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationIdParams {
    /// Id of the application, as `list_applications` reports it.
    pub application_id: i64,
}

/// One application with its timeline.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationDetail {
    /// The application as it stands now.
    pub application: Application,
    /// Its dated entries (creation, status changes, notes), oldest first.
    pub timeline: Vec<ApplicationEvent>,
}

/// Arguments of `set_application_nudges`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NudgesParams {
    /// Id of the application whose nudges to stop or restart.
    pub application_id: i64,
    /// false: no more follow-ups, interview-preparation or thank-you nudges about it;
    /// true: plan them again.
    pub nudges: bool,
}

/// Arguments of `add_note`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddNoteParams {
    /// Id of the application the note is about.
    pub application_id: i64,
    /// The note's text, as the person would want to read it back.
    pub note: String,
}

const APPLICATIONS_URI: &str = "tracker://applications";
const PIPELINE_URI: &str = "tracker://pipeline";

#[tool_router(router = tracker_router, vis = "pub(super)")]
impl BuiltinTools {
    /// Track a new job application. Asks for confirmation (outcome "possible_duplicate")
    /// when one at the same company with a similar role exists, unless allow_duplicate.
    #[tool(annotations(
        title = "Track an application",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false
    ))]
    async fn track_application(
        &self,
        Parameters(p): Parameters<TrackParams>,
    ) -> Result<Json<TrackResult>, ErrorData> {
        let company = name(&p.company, "company")?;
        let new = NewApplication {
            company,
            role: optional_name(p.role, "role")?.unwrap_or_default(),
            applied_on: p.applied_on.as_deref().map(parse_date).transpose()?,
            url: optional_text(p.url, "url")?,
            source: optional_name(p.source, "source")?,
            notes: String::new(),
        };
        let prefs = self.nudge_preferences().await?;
        let (tz, now) = (self.tz, chrono::Utc::now());
        let outcome = self
            .tracker
            .track_planned(
                self.user_id,
                &new,
                self.today(),
                p.allow_duplicate,
                &|app| vec![nudges::follow_up(app, tz, now, &prefs)],
            )
            .await
            .map_err(internal)?;
        Ok(Json(match outcome {
            TrackOutcome::Created(app) => TrackResult {
                outcome: "created".into(),
                application: app,
            },
            TrackOutcome::PossibleDuplicate { existing } => TrackResult {
                outcome: "possible_duplicate".into(),
                application: existing,
            },
        }))
    }

    /// Move an application to a new status, adding a dated entry to its timeline.
    #[tool(annotations(
        title = "Change an application's status",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false
    ))]
    async fn update_status(
        &self,
        Parameters(p): Parameters<UpdateStatusParams>,
    ) -> Result<Json<Application>, ErrorData> {
        let scheduled = p
            .scheduled_at
            .as_deref()
            .map(|v| parse_instant(v, "scheduled_at"))
            .transpose()?;
        let prefs = self.nudge_preferences().await?;
        let (tz, now) = (self.tz, chrono::Utc::now());
        let app = self
            .tracker
            .update_status(
                self.user_id,
                p.application_id,
                &StatusChange {
                    status: p.status,
                    occurred_on: self.today(),
                    scheduled_at: scheduled,
                },
                &|app| nudges::plan_after_news(app, scheduled, tz, now, &prefs),
            )
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("application", p.application_id))?;
        Ok(Json(app))
    }

    /// List the applications, optionally only those with one status.
    #[tool(annotations(
        title = "List applications",
        read_only_hint = true,
        open_world_hint = false
    ))]
    async fn list_applications(
        &self,
        Parameters(p): Parameters<ListParams>,
    ) -> Result<Json<ApplicationList>, ErrorData> {
        let apps = self
            .tracker
            .list(self.user_id, p.status)
            .await
            .map_err(internal)?;
        Ok(Json(ApplicationList {
            count: i64::try_from(apps.len()).unwrap_or(i64::MAX),
            applications: apps,
        }))
    }

    /// One application with its dated timeline.
    #[tool(annotations(
        title = "Show an application",
        read_only_hint = true,
        open_world_hint = false
    ))]
    async fn get_application(
        &self,
        Parameters(p): Parameters<ApplicationIdParams>,
    ) -> Result<Json<ApplicationDetail>, ErrorData> {
        let (app, events) = self
            .tracker
            .show(self.user_id, p.application_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("application", p.application_id))?;
        Ok(Json(ApplicationDetail {
            application: app,
            timeline: events.iter().map(ApplicationEvent::clone).collect(),
        }))
    }

    /// Stop tracking an application: delete it with its timeline and reminders. Ask the
    /// person first; this cannot be undone.
    #[tool(annotations(
        title = "Remove an application",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = true
    ))]
    async fn remove_application(
        &self,
        Parameters(p): Parameters<ApplicationIdParams>,
    ) -> Result<Json<Application>, ErrorData> {
        let app = self
            .store
            .application(self.user_id, p.application_id)
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("application", p.application_id))?;
        self.store
            .delete_application(self.user_id, app.id)
            .await
            .map_err(internal)?;
        Ok(Json(app))
    }

    /// Stop or restart the automatic nudges about one application (follow-ups when there is
    /// no news, interview preparation, thank-you notes). Restarting plans them again, for an
    /// interview still ahead too.
    #[tool(annotations(
        title = "Stop or restart an application's nudges",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn set_application_nudges(
        &self,
        Parameters(p): Parameters<NudgesParams>,
    ) -> Result<Json<Application>, ErrorData> {
        let prefs = self.nudge_preferences().await?;
        let (tz, now) = (self.tz, chrono::Utc::now());
        // On a restart, the interview or call the latest news set, if it is still ahead (a
        // rescheduled interview's earlier date does not count).
        let scheduled = if p.nudges {
            self.store
                .application_events(self.user_id, p.application_id)
                .await
                .map_err(internal)?
                .iter()
                .rev()
                .find_map(|event| event.scheduled_at)
                .filter(|at| *at > now)
        } else {
            None
        };
        let app = self
            .tracker
            .set_nudges(self.user_id, p.application_id, !p.nudges, &|app| {
                nudges::plan_after_news(app, scheduled, tz, now, &prefs)
            })
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("application", p.application_id))?;
        Ok(Json(app))
    }

    /// Add a dated note to an application.
    #[tool(annotations(
        title = "Add a note",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false
    ))]
    async fn add_note(
        &self,
        Parameters(p): Parameters<AddNoteParams>,
    ) -> Result<Json<Application>, ErrorData> {
        let note = text(&p.note, "note")?;
        let app = self
            .tracker
            .add_note(self.user_id, p.application_id, &note, self.today())
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("application", p.application_id))?;
        Ok(Json(app))
    }
}

impl BuiltinTools {
    /// The tracker's resources, for `resources/list`.
    pub(super) fn tracker_resources() -> Vec<Resource> {
        vec![
            Resource::new(APPLICATIONS_URI, "applications")
                .with_description("Every tracked application, as JSON")
                .with_mime_type("application/json"),
            Resource::new(PIPELINE_URI, "pipeline")
                .with_description("A summary of the pipeline by status, as Markdown")
                .with_mime_type("text/markdown"),
        ]
    }

    /// Read one of the tracker's resources.
    pub(super) async fn read_tracker_resource(
        &self,
        request: ReadResourceRequestParams,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let apps = self
            .tracker
            .list(self.user_id, None)
            .await
            .map_err(internal)?;
        let (body, mime) = match request.uri.as_str() {
            APPLICATIONS_URI => (
                serde_json::to_string_pretty(&apps)
                    .map_err(|e| ErrorData::internal_error(e.to_string(), None))?,
                "application/json",
            ),
            PIPELINE_URI => (pipeline_summary(&apps), "text/markdown"),
            other => {
                return Err(ErrorData::resource_not_found(
                    format!("no resource {other}; try {APPLICATIONS_URI} or {PIPELINE_URI}"),
                    None,
                ));
            }
        };
        Ok(ReadResourceResult::new(vec![
            ResourceContents::text(body, request.uri).with_mime_type(mime),
        ])
        .into())
    }
}

fn pipeline_summary(apps: &[crate::store::Application]) -> String {
    let mut out = String::from("# Pipeline\n");
    for status in Status::ALL {
        let n = apps.iter().filter(|a| a.status == status).count();
        if n > 0 {
            out.push_str(&format!("\n- {}: {n}", status.label()));
        }
    }
    out.push_str("\n\n");
    out.push_str(&render_list(apps, None));
    out
}

fn parse_date(value: &str) -> Result<NaiveDate, ErrorData> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        ErrorData::invalid_params(
            format!("applied_on must be YYYY-MM-DD, got {value:?}"),
            None,
        )
    })
}
