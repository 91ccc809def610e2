//! What the core does for each intent, and how it continues a dialogue that asked something.

use super::dialogue::{DialogueState, Pending, SlotName, payload};
use super::tool_client::TrackerClient;
use super::{Answer, Core, CoreError, replies};
use crate::message::{Button, Inbound, Outbound};
use crate::store::{Application, NewApplication, User};
use crate::tracker::{Status, TrackOutcome, render_application, render_list, title};
use crate::understand::{self, CONFIDENT, Context, Intent, Slots, Understanding};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Everything one turn of the conversation needs to know and may change.
pub(crate) struct Turn {
    pub user_id: i64,
    pub tz: Tz,
    /// Whether `tz` is the person's own (told or configured), not a fallback.
    pub tz_known: bool,
    pub now: DateTime<Utc>,
    pub state: DialogueState,
    /// The person's tracker tools, through the orchestrator.
    pub tracker: TrackerClient,
}

impl Turn {
    /// The zone to use for `user`, and whether it is theirs (told or configured) rather
    /// than the UTC fallback.
    pub fn zone(user: &User, default_tz: Option<Tz>) -> (Tz, bool) {
        let own = user
            .timezone
            .as_deref()
            .and_then(|name| name.parse::<Tz>().ok());
        (
            own.or(default_tz).unwrap_or(Tz::UTC),
            own.is_some() || default_tz.is_some(),
        )
    }
}

pub(super) type Result<T> = std::result::Result<T, CoreError>;

pub(super) fn answer(intent: Intent, message: Outbound) -> Answer {
    Answer {
        intent,
        messages: vec![message],
        redact_inbound: false,
    }
}

pub(super) fn say(intent: Intent, text: impl Into<String>) -> Answer {
    answer(intent, Outbound::text(text))
}

impl Core {
    /// Decide the reply to one message: a button, an answer to our question, or a new request.
    pub(crate) async fn respond(&self, turn: &mut Turn, inbound: &Inbound) -> Result<Answer> {
        if let Some(pressed) = &inbound.button {
            // Nudge buttons answer a reminder, not the dialogue's open question.
            if pressed.starts_with(crate::scheduler::payload::PREFIX) {
                return self.on_reminder_button(turn, pressed).await;
            }
            return self.on_button(turn, pressed).await;
        }
        let text = inbound.text.trim();
        if let Some(pending) = turn.state.pending.take() {
            if replies::is_cancel(text) {
                return Ok(say(Intent::Unknown, "OK, never mind."));
            }
            if let Some(done) = self.continue_pending(turn, pending, text).await? {
                return Ok(done);
            }
        }
        if replies::is_no_news(text)
            && let Some(asked_again) = self.no_news_yet(turn).await?
        {
            return Ok(asked_again);
        }
        let understood = self.understand(turn, text).await?;
        self.act(turn, understood, text).await
    }

    pub(super) async fn understand(&self, turn: &Turn, text: &str) -> Result<Understanding> {
        let mut companies: Vec<String> = turn
            .tracker
            .list(None)
            .await?
            .into_iter()
            .map(|app| app.company)
            .collect();
        companies.sort();
        companies.dedup();
        let ctx = Context {
            now: turn.now,
            tz: turn.tz,
            companies: &companies,
        };
        Ok(understand::understand(text, &ctx))
    }

    pub(super) async fn act(
        &self,
        turn: &mut Turn,
        understood: Understanding,
        text: &str,
    ) -> Result<Answer> {
        let Understanding {
            intent,
            slots,
            confidence,
            ..
        } = understood;
        if intent == Intent::Unknown || confidence < CONFIDENT {
            return Ok(say(Intent::Unknown, replies::not_understood()));
        }
        if slots.when.is_some() && !turn.tz_known && intent != Intent::SetTimezone {
            turn.state.pending = Some(Pending::Timezone {
                text: text.to_owned(),
                later: Vec::new(),
            });
            return Ok(say(intent, replies::ASK_TIMEZONE));
        }
        match intent {
            Intent::TrackApplication => self.track(turn, slots, false).await,
            Intent::UpdateApplication => self.update(turn, slots, text).await,
            Intent::ListApplications => {
                let apps = turn.tracker.list(slots.status).await?;
                Ok(say(intent, render_list(&apps, slots.status)))
            }
            Intent::RemoveApplication => self.ask_remove(turn, slots, text).await,
            Intent::DeleteData => self.ask_forget(turn).await,
            Intent::SetReminder => self.set_reminder(turn, slots).await,
            Intent::ListReminders => self.list_reminders(turn).await,
            Intent::Snooze => self.snooze(turn, slots).await,
            Intent::ShowApplication | Intent::AddNote => {
                self.show_or_note(turn, intent, slots, text).await
            }
            Intent::SetTimezone => self.set_timezone(turn, slots).await,
            Intent::NudgeSettings => self.nudge_settings(turn, slots).await,
            Intent::StopNudging | Intent::ResumeNudging => {
                self.set_nudges(turn, intent, slots, text).await
            }
            Intent::CancelReminder | Intent::CompleteReminder => {
                self.close_named_reminder(turn, intent, slots).await
            }
            Intent::Help => Ok(say(intent, replies::help())),
            Intent::Smalltalk => Ok(say(intent, replies::smalltalk(text))),
            other => Ok(say(other, replies::not_yet(other))),
        }
    }

    pub(super) async fn track(
        &self,
        turn: &mut Turn,
        slots: Slots,
        allow_duplicate: bool,
    ) -> Result<Answer> {
        let intent = Intent::TrackApplication;
        let Some(company) = slots.company.clone() else {
            turn.state.pending = Some(Pending::Slot {
                intent,
                slots,
                slot: SlotName::Company,
            });
            return Ok(say(intent, "Which company did you apply to?"));
        };
        let new = NewApplication {
            company,
            role: slots.role.clone().unwrap_or_default(),
            applied_on: slots.date,
            url: slots.url.clone(),
            source: None,
            notes: String::new(),
        };
        match turn.tracker.track(&new, allow_duplicate).await? {
            TrackOutcome::Created(app) => {
                turn.state.focus = Some(app.id);
                Ok(say(intent, replies::tracked(&app)))
            }
            TrackOutcome::PossibleDuplicate { existing } => {
                turn.state.pending = Some(Pending::ConfirmDuplicate {
                    existing_id: existing.id,
                    slots,
                });
                Ok(answer(
                    intent,
                    Outbound::with_buttons(
                        replies::possible_duplicate(&existing),
                        vec![
                            button("Add anyway", payload::ADD_ANYWAY),
                            button("Cancel", payload::CANCEL),
                        ],
                    ),
                ))
            }
        }
    }

    pub(super) async fn update(&self, turn: &mut Turn, slots: Slots, text: &str) -> Result<Answer> {
        let intent = Intent::UpdateApplication;
        let (app, slots) = match self
            .one_target(turn, intent, slots, text, "Which company is this about?")
            .await?
        {
            Target::Found(found) => *found,
            Target::Asked(question) => return Ok(question),
        };
        turn.state.focus = Some(app.id);
        let Some(status) = slots.status else {
            turn.state.pending = Some(Pending::Slot {
                intent,
                slots: Slots {
                    application_id: Some(app.id),
                    company: None,
                    ..slots
                },
                slot: SlotName::Status,
            });
            let buttons = Status::ALL
                .iter()
                .filter(|s| **s != app.status)
                .map(|s| button(s.label(), &format!("{}{}", payload::STATUS, s.as_str())))
                .collect();
            return Ok(answer(
                intent,
                Outbound::with_buttons(
                    format!("What is the new status of {}?", title(&app)),
                    buttons,
                ),
            ));
        };
        let scheduled = slots.when.map(|w| w.with_timezone(&Utc));
        match turn
            .tracker
            .update_status(app.id, status, scheduled)
            .await?
        {
            Some(updated) => Ok(say(
                intent,
                replies::status_changed(&updated, app.status, scheduled, turn.tz),
            )),
            None => Ok(say(intent, "That application no longer exists.")),
        }
    }

    /// Removing an application is destructive: name it and ask with buttons first.
    pub(super) async fn ask_remove(
        &self,
        turn: &mut Turn,
        slots: Slots,
        text: &str,
    ) -> Result<Answer> {
        let intent = Intent::RemoveApplication;
        let (app, _) = match self
            .one_target(
                turn,
                intent,
                slots,
                text,
                "Which application should I stop tracking? Name the company or its number (#3).",
            )
            .await?
        {
            Target::Found(found) => *found,
            Target::Asked(question) => return Ok(question),
        };
        turn.state.pending = Some(Pending::ConfirmRemove {
            application_id: app.id,
        });
        Ok(answer(
            intent,
            Outbound::with_buttons(
                replies::confirm_remove(&app),
                vec![
                    button("Remove", &format!("{}{}", payload::REMOVE, app.id)),
                    button("Keep it", payload::CANCEL),
                ],
            ),
        ))
    }

    /// Deleting everything is destructive: say what goes and ask with buttons first.
    pub(super) async fn ask_forget(&self, turn: &mut Turn) -> Result<Answer> {
        let applications = turn.tracker.list(None).await?.len();
        turn.state.pending = Some(Pending::ConfirmForget);
        Ok(answer(
            Intent::DeleteData,
            Outbound::with_buttons(
                replies::confirm_forget(applications),
                vec![
                    button("Delete everything", payload::FORGET),
                    button("Cancel", payload::CANCEL),
                ],
            ),
        ))
    }

    /// Carry out a confirmed removal.
    pub(super) async fn remove(&self, turn: &mut Turn, application_id: i64) -> Result<Answer> {
        let intent = Intent::RemoveApplication;
        let Some(app) = turn.tracker.remove(application_id).await? else {
            return Ok(say(intent, "That application was already removed."));
        };
        if turn.state.focus == Some(app.id) {
            turn.state.focus = None;
        }
        Ok(say(intent, format!("Removed {}.", title(&app))))
    }

    /// Carry out a confirmed "forget me".
    pub(super) async fn forget(&self, turn: &mut Turn) -> Result<Answer> {
        let forgotten = self.store.forget_user(turn.user_id).await?;
        turn.state = DialogueState::default();
        let mut done = say(Intent::DeleteData, replies::forgotten(&forgotten));
        done.redact_inbound = true;
        Ok(done)
    }

    pub(super) async fn show_or_note(
        &self,
        turn: &mut Turn,
        intent: Intent,
        slots: Slots,
        text: &str,
    ) -> Result<Answer> {
        let (app, slots) = match self
            .one_target(
                turn,
                intent,
                slots,
                text,
                "Which application? Name the company or its number (#3).",
            )
            .await?
        {
            Target::Found(found) => *found,
            Target::Asked(question) => return Ok(question),
        };
        turn.state.focus = Some(app.id);
        if intent == Intent::AddNote {
            let Some(note) = slots.text.as_deref() else {
                return Ok(say(
                    intent,
                    "What should the note say? e.g. /note #3 spoke to Anna, the hiring manager",
                ));
            };
            if turn.tracker.add_note(app.id, note).await?.is_none() {
                return Ok(say(intent, "That application no longer exists."));
            }
            return Ok(say(intent, format!("Noted on {}.", title(&app))));
        }
        match turn.tracker.show(app.id).await? {
            Some((app, events)) => Ok(say(intent, render_application(&app, &events, turn.tz))),
            None => Ok(say(intent, "That application no longer exists.")),
        }
    }

    async fn set_timezone(&self, turn: &mut Turn, slots: Slots) -> Result<Answer> {
        let intent = Intent::SetTimezone;
        let Some(zone) = slots.timezone.as_deref().and_then(|z| z.parse::<Tz>().ok()) else {
            return Ok(say(intent, replies::UNKNOWN_TIMEZONE));
        };
        let moved = self.switch_zone(turn, zone).await?;
        let local = turn.now.with_timezone(&zone).format("%H:%M");
        let reminders = match moved {
            0 => "",
            1 => {
                " Your reminder moved with you: a time of day stays at that time there, \
                  one set \"in …\" from now still comes when it was due."
            }
            _ => {
                " Your reminders moved with you: times of day stay at those times there, \
                  ones set \"in …\" from now still come when they were due."
            }
        };
        Ok(say(
            intent,
            format!(
                "Got it: your timezone is now {} (it's {local} there).{reminders}",
                zone.name()
            ),
        ))
    }

    /// Record the person's zone and use it for the rest of this turn. Returns how many of
    /// their pending reminders moved with them (see `Store::move_to_timezone`).
    pub(super) async fn switch_zone(&self, turn: &mut Turn, zone: Tz) -> Result<u64> {
        let moved = self.store.move_to_timezone(turn.user_id, zone).await?;
        turn.tz = zone;
        turn.tz_known = true;
        turn.tracker = self.tools.tracker(turn.user_id, zone).await?;
        Ok(moved)
    }

    /// The one application a request is about, or the question to ask instead: which
    /// company (`ask`), which of several, or that none matches.
    pub(super) async fn one_target(
        &self,
        turn: &mut Turn,
        intent: Intent,
        slots: Slots,
        text: &str,
        ask: &str,
    ) -> Result<Target> {
        let mut candidates = self.targets(turn, &slots, text).await?;
        // News naming no company ("they want a second interview") answers the follow-up
        // nudge still waiting: "Any news from Stripe?".
        if candidates.is_empty()
            && slots.company.is_none()
            && intent == Intent::UpdateApplication
            && let Some(app) = self.nudged_application(turn).await?
        {
            candidates.extend(turn.tracker.get(app).await?);
        }
        Ok(match pick_one(candidates) {
            Picked::One(app) => Target::Found(Box::new((app, slots))),
            Picked::Many(apps) => Target::Asked(self.ask_which(turn, intent, slots, apps)),
            Picked::None => match slots.company.clone() {
                None => {
                    turn.state.pending = Some(Pending::Slot {
                        intent,
                        slots,
                        slot: SlotName::Company,
                    });
                    Target::Asked(say(intent, ask))
                }
                Some(company) => Target::Asked(say(intent, replies::no_such_company(&company))),
            },
        })
    }

    /// The applications a message refers to: by number, by company, or "it"/"that one".
    pub(super) async fn targets(
        &self,
        turn: &Turn,
        slots: &Slots,
        text: &str,
    ) -> Result<Vec<Application>> {
        if let Some(id) = slots.application_id {
            return Ok(turn.tracker.get(id).await?.into_iter().collect());
        }
        if let Some(company) = &slots.company {
            return Ok(turn.tracker.find_by_company(company).await?);
        }
        if let Some(focus) = turn.state.focus.filter(|_| replies::refers_back(text)) {
            return Ok(turn.tracker.get(focus).await?.into_iter().collect());
        }
        Ok(Vec::new())
    }

    fn ask_which(
        &self,
        turn: &mut Turn,
        intent: Intent,
        slots: Slots,
        apps: Vec<Application>,
    ) -> Answer {
        let buttons = apps
            .iter()
            .map(|app| {
                button(
                    &replies::plain_title(app),
                    &format!("{}{}", payload::PICK, app.id),
                )
            })
            .collect();
        turn.state.pending = Some(Pending::ChooseApplication {
            intent,
            slots,
            candidates: apps.iter().map(|a| a.id).collect(),
        });
        answer(
            intent,
            Outbound::with_buttons("Which one do you mean?", buttons),
        )
    }
}

pub(super) fn button(label: &str, payload: &str) -> Button {
    Button {
        label: label.to_owned(),
        payload: payload.to_owned(),
    }
}

/// The application a request is about, with its slots, or the question asked instead.
pub(super) enum Target {
    Found(Box<(Application, Slots)>),
    Asked(Answer),
}

enum Picked {
    None,
    One(Application),
    Many(Vec<Application>),
}

/// One application when the choice is clear: the only match, or the only open one.
fn pick_one(mut apps: Vec<Application>) -> Picked {
    match apps.len() {
        0 => Picked::None,
        1 => Picked::One(apps.remove(0)),
        _ => {
            let open: Vec<usize> = (0..apps.len())
                .filter(|&i| apps[i].status.is_open())
                .collect();
            if let [only] = open[..] {
                Picked::One(apps.swap_remove(only))
            } else {
                Picked::Many(apps)
            }
        }
    }
}
