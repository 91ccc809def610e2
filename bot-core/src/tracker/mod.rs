//! The tracker service: applications, their status and timeline, and the rules for noticing
//! a duplicate or finding "the Google one" among a person's applications.

mod matching;
pub mod nudges;
mod render;
mod status;

pub use matching::{company_key, roles_similar};
pub use render::{render_application, render_list, title};
pub use status::{Status, UnknownStatus};

use crate::store::{
    Application, ApplicationEvent, NewApplication, ReminderPlan, StatusChange, Store, StoreError,
};
use chrono::NaiveDate;

/// Among `apps`, those at a company named like `company`: open ones first, so "Google moved
/// me to interview" means the live Google application.
pub fn find_company(apps: Vec<Application>, company: &str) -> Vec<Application> {
    let mut found = matching::matching_company(apps, company);
    found.sort_by_key(|app| (!app.status.is_open(), app.id));
    found
}

/// The result of asking to track an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackOutcome {
    Created(Application),
    /// An application at the same company with a similar role exists; ask before adding.
    PossibleDuplicate {
        existing: Application,
    },
}

/// Tracker operations for one store. Every method takes the acting user's id and touches
/// only that user's rows.
#[derive(Debug, Clone)]
pub struct Tracker {
    store: Store,
}

impl Tracker {
    /// A tracker over `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Add an application unless a likely duplicate exists and `allow_duplicate` is false.
    pub async fn track(
        &self,
        user_id: i64,
        new: &NewApplication,
        today: NaiveDate,
        allow_duplicate: bool,
    ) -> Result<TrackOutcome, StoreError> {
        self.track_planned(user_id, new, today, allow_duplicate, &|_| Vec::new())
            .await
    }

    /// [`Tracker::track`], writing the reminders `plan` makes for a new application (its
    /// follow-up) in the same transaction.
    pub async fn track_planned(
        &self,
        user_id: i64,
        new: &NewApplication,
        today: NaiveDate,
        allow_duplicate: bool,
        plan: &ReminderPlan<'_>,
    ) -> Result<TrackOutcome, StoreError> {
        let key = company_key(&new.company);
        let existing = self.store.list_applications(user_id, None).await?;
        let same_company: Vec<&Application> = existing
            .iter()
            .filter(|app| company_key(&app.company) == key)
            .collect();
        if !allow_duplicate
            && let Some(dup) = same_company
                .iter()
                .rev()
                .find(|app| roles_similar(&app.role, &new.role))
        {
            return Ok(TrackOutcome::PossibleDuplicate {
                existing: (*dup).clone(),
            });
        }
        // "apple" typed after "Apple" was tracked: keep the spelling already on file.
        let mut new = new.clone();
        if let Some(first) = same_company.first() {
            new.company.clone_from(&first.company);
        }
        let app = self
            .store
            .insert_application_planned(user_id, &new, today, plan)
            .await?;
        Ok(TrackOutcome::Created(app))
    }

    /// The user's applications at a company named like `company`: open ones first.
    pub async fn find_by_company(
        &self,
        user_id: i64,
        company: &str,
    ) -> Result<Vec<Application>, StoreError> {
        Ok(find_company(
            self.store.list_applications(user_id, None).await?,
            company,
        ))
    }

    /// Move an application to a new status with a dated timeline entry, replacing its
    /// automatic reminders with those `plan` makes for the new status, in one transaction.
    pub async fn update_status(
        &self,
        user_id: i64,
        application_id: i64,
        change: &StatusChange,
        plan: &ReminderPlan<'_>,
    ) -> Result<Option<Application>, StoreError> {
        self.store
            .update_application_status(user_id, application_id, change, Some(plan))
            .await
    }

    /// Stop (`stopped`) or restart an application's automatic nudges: its unanswered ones
    /// are cancelled and, on a restart, those `plan` makes are written, in one transaction.
    pub async fn set_nudges(
        &self,
        user_id: i64,
        application_id: i64,
        stopped: bool,
        plan: &ReminderPlan<'_>,
    ) -> Result<Option<Application>, StoreError> {
        self.store
            .set_application_nudges(user_id, application_id, stopped, plan)
            .await
    }

    /// The user's applications, optionally with one status.
    pub async fn list(
        &self,
        user_id: i64,
        status: Option<Status>,
    ) -> Result<Vec<Application>, StoreError> {
        self.store.list_applications(user_id, status).await
    }

    /// One application with its timeline.
    pub async fn show(
        &self,
        user_id: i64,
        application_id: i64,
    ) -> Result<Option<(Application, Vec<ApplicationEvent>)>, StoreError> {
        match self.store.application(user_id, application_id).await? {
            Some(app) => {
                let events = self.store.application_events(user_id, app.id).await?;
                Ok(Some((app, events)))
            }
            None => Ok(None),
        }
    }

    /// Add a dated note to an application.
    pub async fn add_note(
        &self,
        user_id: i64,
        application_id: i64,
        note: &str,
        occurred_on: NaiveDate,
    ) -> Result<Option<Application>, StoreError> {
        self.store
            .add_application_note(user_id, application_id, note, occurred_on)
            .await
    }
}
