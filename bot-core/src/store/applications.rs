//! Applications and their timelines.

use super::reminders::{cancel_automatic_on, insert_reminder_on, withdraw_unsent_nudges_on};
use super::{NewReminder, Store, StoreError, in_tx, now, on_pool};
use crate::tracker::Status;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

/// One job application of one user. Also what the tracker tools return (as JSON).
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Application {
    /// The application's id, used to refer to it in later calls.
    pub id: i64,
    /// Never shown to tool clients: the session decides whose applications they see.
    #[serde(skip, default)]
    #[schemars(skip)]
    pub user_id: i64,
    /// The employer applied to.
    pub company: String,
    /// The job title applied for.
    pub role: String,
    /// Where the application stands now.
    pub status: Status,
    /// The local date the person applied, when known.
    pub applied_on: Option<NaiveDate>,
    /// Link to the job posting, when known.
    pub url: Option<String>,
    /// Where the posting was found (LinkedIn, a referral, …).
    pub source: Option<String>,
    /// The person's notes, oldest first, each added one on a new line; empty for none.
    pub notes: String,
    /// When it was first recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed (status, notes or nudging).
    pub updated_at: DateTime<Utc>,
    /// When the person asked for no more nudges about it ("🛑 Stop nudging"); while set,
    /// no follow-up, interview preparation or thank-you note is planned for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nudges_stopped_at: Option<DateTime<Utc>>,
}

/// What the person told us about a new application.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewApplication {
    /// The employer applied to.
    pub company: String,
    /// The job title applied for.
    pub role: String,
    /// The local date they applied; `None` means today.
    pub applied_on: Option<NaiveDate>,
    /// Link to the job posting, if they gave one.
    pub url: Option<String>,
    /// Where they found the posting, if they said.
    pub source: Option<String>,
    /// Initial notes; empty for none.
    pub notes: String,
}

/// What kind of entry a timeline row is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub enum EventKind {
    #[serde(rename = "created")]
    Created,
    #[serde(rename = "status")]
    StatusChange,
    #[serde(rename = "note")]
    Note,
}

impl EventKind {
    fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::StatusChange => "status",
            EventKind::Note => "note",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "created" => Ok(EventKind::Created),
            "status" => Ok(EventKind::StatusChange),
            "note" => Ok(EventKind::Note),
            other => Err(StoreError::Corrupt(format!("unknown event kind {other:?}"))),
        }
    }
}

/// One dated entry in an application's timeline.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct ApplicationEvent {
    /// Identifies the entry; a timeline is listed in id order, oldest first.
    pub id: i64,
    /// Whether it records the creation, a status change or a note.
    pub kind: EventKind,
    /// The status entered, for `Created` and `StatusChange`.
    pub status: Option<Status>,
    /// The local date it happened.
    pub occurred_on: NaiveDate,
    /// A scheduled instant that came with it (the interview time).
    pub scheduled_at: Option<DateTime<Utc>>,
    /// The note's text, for `Note` entries.
    pub note: Option<String>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

fn parse_status(s: &str) -> Result<Status, StoreError> {
    s.parse()
        .map_err(|e: crate::tracker::UnknownStatus| StoreError::Corrupt(e.to_string()))
}

const APP_COLUMNS: &str = "id, user_id, company, role, status, applied_on, url, source, notes, created_at, updated_at, \
     nudges_stopped_at";

macro_rules! application_from_row {
    ($row:expr) => {{
        let row = $row;
        let status: String = row.try_get("status")?;
        Application {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            company: row.try_get("company")?,
            role: row.try_get("role")?,
            status: parse_status(&status)?,
            applied_on: row.try_get("applied_on")?,
            url: row.try_get("url")?,
            source: row.try_get("source")?,
            notes: row.try_get("notes")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            nudges_stopped_at: row.try_get("nudges_stopped_at")?,
        }
    }};
}

/// Replace the unanswered automatic reminders of `$app` (`&Application`) with those `$plan`
/// makes for it, inside the transaction `$tx`: news and "stop/restart nudging" both do.
macro_rules! replan_on {
    ($tx:expr, $user:expr, $app:expr, $plan:expr, $at:expr) => {{
        let app: &Application = $app;
        cancel_automatic_on!($tx, $user, app.id, $at);
        for reminder in $plan(app) {
            insert_reminder_on!(&mut *$tx, $user, &reminder, $at);
        }
    }};
}

macro_rules! event_from_row {
    ($row:expr) => {{
        let row = $row;
        let kind: String = row.try_get("kind")?;
        let status: Option<String> = row.try_get("status")?;
        ApplicationEvent {
            id: row.try_get("id")?,
            kind: EventKind::parse(&kind)?,
            status: status.as_deref().map(parse_status).transpose()?,
            occurred_on: row.try_get("occurred_on")?,
            scheduled_at: row.try_get("scheduled_at")?,
            note: row.try_get("note")?,
            created_at: row.try_get("created_at")?,
        }
    }};
}

/// Add one timeline row inside the caller's transaction `$tx`.
macro_rules! insert_event {
    ($tx:expr, $app:expr, $kind:expr, $status:expr, $occurred_on:expr, $scheduled_at:expr, $note:expr, $at:expr) => {
        sqlx::query(
            "INSERT INTO application_events \
             (application_id, user_id, kind, status, occurred_on, scheduled_at, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($app.id)
        .bind($app.user_id)
        .bind($kind.as_str())
        .bind($status.map(Status::as_str))
        .bind($occurred_on)
        .bind($scheduled_at)
        .bind($note)
        .bind($at)
        .execute(&mut *$tx)
        .await?
    };
}

/// The reminders an application change plans for the application as it now is.
pub type ReminderPlan<'a> = dyn Fn(&Application) -> Vec<NewReminder> + Send + Sync + 'a;

/// A move of an application to a new status, as its timeline records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// The status the application moves to.
    pub status: Status,
    /// The day it happened (the person's local date).
    pub occurred_on: NaiveDate,
    /// When the event the status is about takes place (an interview), if known.
    pub scheduled_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Store a new application (status `applied`) and open its timeline, atomically.
    /// `today` is the person's local date, used when they did not say when they applied.
    pub async fn insert_application(
        &self,
        user_id: i64,
        new: &NewApplication,
        today: NaiveDate,
    ) -> Result<Application, StoreError> {
        self.insert_application_planned(user_id, new, today, &|_| Vec::new())
            .await
    }

    /// [`Store::insert_application`] with the reminders `plan` makes for the new
    /// application (its follow-up) written in the same transaction: an application is never
    /// left without its nudges, nor nudges without their application.
    pub async fn insert_application_planned(
        &self,
        user_id: i64,
        new: &NewApplication,
        today: NaiveDate,
        plan: &ReminderPlan<'_>,
    ) -> Result<Application, StoreError> {
        let at = now();
        let applied_on = new.applied_on.unwrap_or(today);
        let app = in_tx!(self, tx => {
            let sql = format!(
                "INSERT INTO applications (user_id, company, role, status, applied_on, url, source, notes, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'applied', $4, $5, $6, $7, $8, $8) RETURNING {APP_COLUMNS}"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(&new.company)
                .bind(&new.role)
                .bind(applied_on)
                .bind(&new.url)
                .bind(&new.source)
                .bind(&new.notes)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
            let app = application_from_row!(&row);
            sqlx::query(
                "INSERT INTO application_events (application_id, user_id, kind, status, occurred_on, created_at) \
                 VALUES ($1, $2, 'created', 'applied', $3, $4)",
            )
            .bind(app.id)
            .bind(user_id)
            .bind(applied_on)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            for reminder in plan(&app) {
                insert_reminder_on!(&mut *tx, user_id, &reminder, at);
            }
            app
        });
        Ok(app)
    }

    /// The user's applications, optionally only those with one status, oldest first.
    pub async fn list_applications(
        &self,
        user_id: i64,
        status: Option<Status>,
    ) -> Result<Vec<Application>, StoreError> {
        let sql = format!(
            "SELECT {APP_COLUMNS} FROM applications \
             WHERE user_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY id"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(status.map(Status::as_str))
                .fetch_all(pool)
                .await?;
            let mut apps = Vec::with_capacity(rows.len());
            for row in &rows {
                apps.push(application_from_row!(row));
            }
            Ok(apps)
        })
    }

    /// One application, if it exists and belongs to the user.
    pub async fn application(
        &self,
        user_id: i64,
        application_id: i64,
    ) -> Result<Option<Application>, StoreError> {
        let sql = format!("SELECT {APP_COLUMNS} FROM applications WHERE user_id = $1 AND id = $2");
        on_pool!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(application_id)
                .fetch_optional(pool)
                .await?
            {
                Some(row) => Ok(Some(application_from_row!(&row))),
                None => Ok(None),
            }
        })
    }

    /// The timeline of one of the user's applications, oldest first.
    pub async fn application_events(
        &self,
        user_id: i64,
        application_id: i64,
    ) -> Result<Vec<ApplicationEvent>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, kind, status, occurred_on, scheduled_at, note, created_at \
                 FROM application_events WHERE user_id = $1 AND application_id = $2 ORDER BY id",
            )
            .bind(user_id)
            .bind(application_id)
            .fetch_all(pool)
            .await?;
            let mut events = Vec::with_capacity(rows.len());
            for row in &rows {
                events.push(event_from_row!(row));
            }
            Ok(events)
        })
    }

    /// Move one of the user's applications to a new status and add the dated timeline
    /// entry, atomically. With a `plan`, the application's automatic reminders are replaced
    /// in the same transaction: the unanswered ones are cancelled and those the plan makes
    /// for the new status are written. `None` when no such application belongs to the user.
    pub async fn update_application_status(
        &self,
        user_id: i64,
        application_id: i64,
        change: &StatusChange,
        plan: Option<&ReminderPlan<'_>>,
    ) -> Result<Option<Application>, StoreError> {
        let StatusChange {
            status,
            occurred_on,
            scheduled_at,
        } = *change;
        let at = now();
        let sql = format!(
            "UPDATE applications SET status = $1, updated_at = $2 \
             WHERE user_id = $3 AND id = $4 RETURNING {APP_COLUMNS}"
        );
        let app = in_tx!(self, tx => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(status.as_str())
                .bind(at)
                .bind(user_id)
                .bind(application_id)
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                None => None,
                Some(row) => {
                    let app = application_from_row!(&row);
                    insert_event!(tx, app, EventKind::StatusChange, Some(status), occurred_on, scheduled_at, None::<&str>, at);
                    if let Some(plan) = plan {
                        replan_on!(tx, user_id, &app, plan, at);
                    }
                    Some(app)
                }
            }
        });
        Ok(app)
    }

    /// Stop (`stopped`) or restart the automatic nudges of one of the user's applications,
    /// atomically: its unanswered automatic reminders are cancelled, and on a restart those
    /// `plan` makes are written. `None` when no such application belongs to the user.
    pub async fn set_application_nudges(
        &self,
        user_id: i64,
        application_id: i64,
        stopped: bool,
        plan: &ReminderPlan<'_>,
    ) -> Result<Option<Application>, StoreError> {
        let at = now();
        let sql = format!(
            "UPDATE applications SET nudges_stopped_at = $1, updated_at = $2 \
             WHERE user_id = $3 AND id = $4 RETURNING {APP_COLUMNS}"
        );
        let app = in_tx!(self, tx => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(stopped.then_some(at))
                .bind(at)
                .bind(user_id)
                .bind(application_id)
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                None => None,
                Some(row) => {
                    let app = application_from_row!(&row);
                    replan_on!(tx, user_id, &app, plan, at);
                    Some(app)
                }
            }
        });
        Ok(app)
    }

    /// Delete one of the user's applications with its timeline and reminders. False when no
    /// such application belongs to the user.
    pub async fn delete_application(
        &self,
        user_id: i64,
        application_id: i64,
    ) -> Result<bool, StoreError> {
        let deleted = in_tx!(self, tx => {
            // Its reminders go with it (by the foreign key); their nudges not yet out too.
            let closed: Vec<(i64, i64)> = sqlx::query_as(
                "DELETE FROM reminders WHERE user_id = $1 AND application_id = $2 \
                 RETURNING id, occurrence",
            )
            .bind(user_id)
            .bind(application_id)
            .fetch_all(&mut *tx)
            .await?;
            withdraw_unsent_nudges_on!(&mut *tx, &closed);
            sqlx::query("DELETE FROM applications WHERE user_id = $1 AND id = $2")
                .bind(user_id)
                .bind(application_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1
        });
        Ok(deleted)
    }

    /// Append a note to one of the user's applications and its timeline.
    pub async fn add_application_note(
        &self,
        user_id: i64,
        application_id: i64,
        note: &str,
        occurred_on: NaiveDate,
    ) -> Result<Option<Application>, StoreError> {
        let at = now();
        let sql = format!(
            "UPDATE applications SET notes = CASE WHEN notes = '' THEN $1 ELSE notes || $5 || $1 END, \
             updated_at = $2 WHERE user_id = $3 AND id = $4 RETURNING {APP_COLUMNS}"
        );
        let app = in_tx!(self, tx => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(note)
                .bind(at)
                .bind(user_id)
                .bind(application_id)
                .bind("\n")
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                None => None,
                Some(row) => {
                    let app = application_from_row!(&row);
                    insert_event!(tx, app, EventKind::Note, None::<Status>, occurred_on, None::<DateTime<Utc>>, Some(note), at);
                    Some(app)
                }
            }
        });
        Ok(app)
    }
}
