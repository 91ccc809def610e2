//! Answers to the questions the dialogue asked: pressed buttons and typed replies to a
//! pending question. Every payload is checked against what is actually pending.

use super::actions::{Result, Turn, say};
use super::dialogue::{Pending, SlotName, payload};
use super::{Answer, Core, replies};
use crate::message::Outbound;
use crate::tracker::Status;
use crate::understand::{self, Intent, Slots, Understanding};

impl Core {
    /// A pressed button, checked against what we are actually waiting for.
    pub(super) async fn on_button(&self, turn: &mut Turn, pressed: &str) -> Result<Answer> {
        let pending = turn.state.pending.take();
        match (pressed, pending) {
            (payload::CANCEL, _) => Ok(say(Intent::Unknown, "OK, cancelled.")),
            (p, Some(Pending::ConfirmRemove { application_id }))
                if p == format!("{}{application_id}", payload::REMOVE) =>
            {
                self.remove(turn, application_id).await
            }
            (payload::FORGET, Some(Pending::ConfirmForget)) => self.forget(turn).await,
            (payload::ADD_ANYWAY, Some(Pending::ConfirmDuplicate { slots, .. })) => {
                self.track(turn, slots, true).await
            }
            (
                p,
                Some(Pending::ChooseApplication {
                    intent,
                    slots,
                    candidates,
                }),
            ) if p.starts_with(payload::PICK) => match p[payload::PICK.len()..].parse::<i64>() {
                Ok(id) if candidates.contains(&id) => {
                    let slots = Slots {
                        application_id: Some(id),
                        company: None,
                        ..slots
                    };
                    self.resume(turn, intent, slots).await
                }
                _ => {
                    // Not one of the choices offered: the question stays open.
                    turn.state.pending = Some(Pending::ChooseApplication {
                        intent,
                        slots,
                        candidates,
                    });
                    Ok(say(Intent::Unknown, replies::STALE_BUTTON))
                }
            },
            (
                p,
                Some(Pending::Slot {
                    intent,
                    slots,
                    slot: SlotName::Status,
                }),
            ) if p.starts_with(payload::STATUS) => {
                match p[payload::STATUS.len()..].parse::<Status>() {
                    Ok(status) => {
                        self.resume(
                            turn,
                            intent,
                            Slots {
                                status: Some(status),
                                ..slots
                            },
                        )
                        .await
                    }
                    Err(_) => {
                        turn.state.pending = Some(Pending::Slot {
                            intent,
                            slots,
                            slot: SlotName::Status,
                        });
                        Ok(say(Intent::Unknown, replies::STALE_BUTTON))
                    }
                }
            }
            (_, other) => {
                // Not an answer to the question in flight: keep that question open.
                turn.state.pending = other;
                Ok(say(Intent::Unknown, replies::STALE_BUTTON))
            }
        }
    }

    /// Typed text while a question is open. `None` when the text is not an answer to it; the
    /// question is then dropped and the text handled as a new request.
    pub(super) async fn continue_pending(
        &self,
        turn: &mut Turn,
        pending: Pending,
        text: &str,
    ) -> Result<Option<Answer>> {
        match pending {
            Pending::ConfirmDuplicate { slots, .. } => {
                if replies::is_yes(text) {
                    return Ok(Some(self.track(turn, slots, true).await?));
                }
                if replies::is_no(text) {
                    return Ok(Some(say(Intent::TrackApplication, "OK, I did not add it.")));
                }
                Ok(None)
            }
            Pending::ConfirmRemove { application_id } => {
                if replies::is_destructive_yes(text) {
                    return Ok(Some(self.remove(turn, application_id).await?));
                }
                if replies::is_no(text) {
                    return Ok(Some(say(Intent::RemoveApplication, "OK, I kept it.")));
                }
                Ok(None)
            }
            Pending::ConfirmForget => {
                if replies::is_destructive_yes(text) {
                    return Ok(Some(self.forget(turn).await?));
                }
                if replies::is_no(text) {
                    return Ok(Some(say(Intent::DeleteData, "OK, nothing was deleted.")));
                }
                Ok(None)
            }
            Pending::ChooseApplication {
                intent,
                slots,
                candidates,
            } => {
                let chosen = choose(text, &candidates);
                match chosen {
                    Some(id) => {
                        let slots = Slots {
                            application_id: Some(id),
                            company: None,
                            ..slots
                        };
                        Ok(Some(self.resume(turn, intent, slots).await?))
                    }
                    None => Ok(None),
                }
            }
            Pending::Slot {
                intent,
                slots,
                slot,
            } => {
                let fresh = self.understand(turn, text).await?;
                if is_new_request(&fresh) {
                    return Ok(None);
                }
                let slots = match slot {
                    SlotName::Company => Slots {
                        company: Some(replies::clean_answer(text)),
                        ..slots
                    },
                    SlotName::Status => match understand::status_word(text) {
                        Some(status) => Slots {
                            status: Some(status),
                            ..slots
                        },
                        None => return Ok(None),
                    },
                };
                Ok(Some(self.resume(turn, intent, slots).await?))
            }
            Pending::Timezone {
                text: original,
                later,
            } => {
                let waiting = std::iter::once(original.clone()).chain(later.iter().cloned());
                if let Some(zone) = understand::zone_of_place(text) {
                    self.switch_zone(turn, zone).await?;
                    let thanks = say(
                        Intent::SetTimezone,
                        format!("Thanks — I'll use {} for your times.", zone.name()),
                    );
                    return Ok(Some(self.carry_out(turn, thanks, waiting).await?));
                }
                let fresh = self.understand(turn, text).await?;
                if is_new_request(&fresh) {
                    // Something else asked meanwhile: it is answered, and the question
                    // stays open, so what was said before is not lost.
                    let mut done = self.act(turn, fresh, text).await?;
                    if turn.tz_known {
                        // It was the zone, said in a sentence ("my timezone is Berlin").
                        return Ok(Some(self.carry_out(turn, done, waiting).await?));
                    }
                    match turn.state.pending.take() {
                        // It needs the zone too: it waits with the rest.
                        Some(Pending::Timezone { text: newer, .. }) => {
                            let mut later = later;
                            later.push(newer);
                            turn.state.pending = Some(Pending::Timezone {
                                text: original,
                                later,
                            });
                        }
                        None => {
                            done.messages
                                .push(Outbound::text(replies::still_need_timezone(&original)));
                            turn.state.pending = Some(Pending::Timezone {
                                text: original,
                                later,
                            });
                        }
                        // A question of its own: that one is open now, and the requests
                        // that waited for the zone are named for the person to say again.
                        other => {
                            turn.state.pending = other;
                            let waiting: Vec<String> = waiting.collect();
                            done.messages
                                .push(Outbound::text(replies::say_again(&waiting)));
                        }
                    }
                    return Ok(Some(done));
                }
                if replies::looks_like_place(text) {
                    turn.state.pending = Some(Pending::Timezone {
                        text: original,
                        later,
                    });
                    return Ok(Some(say(Intent::SetTimezone, replies::UNKNOWN_TIMEZONE)));
                }
                Ok(None)
            }
        }
    }

    /// Carry out requests that waited for the person's zone, now known, after `answer`,
    /// oldest first. One that asks a question of its own stops the rest: they wait for
    /// the timezone no more, so they are named for the person to say again.
    async fn carry_out(
        &self,
        turn: &mut Turn,
        mut answer: Answer,
        waiting: impl Iterator<Item = String>,
    ) -> Result<Answer> {
        let mut waiting = waiting.peekable();
        while let Some(request) = waiting.next() {
            let understood = self.understand(turn, &request).await?;
            let done = self.act(turn, understood, &request).await?;
            answer.intent = done.intent;
            answer.messages.extend(done.messages);
            if turn.state.pending.is_some() && waiting.peek().is_some() {
                let rest: Vec<String> = waiting.collect();
                answer
                    .messages
                    .push(Outbound::text(replies::say_again(&rest)));
                break;
            }
        }
        Ok(answer)
    }

    /// Carry on with an intent once the missing piece is known.
    async fn resume(&self, turn: &mut Turn, intent: Intent, slots: Slots) -> Result<Answer> {
        match intent {
            Intent::TrackApplication => self.track(turn, slots, false).await,
            Intent::UpdateApplication => self.update(turn, slots, "").await,
            Intent::RemoveApplication => self.ask_remove(turn, slots, "").await,
            Intent::StopNudging | Intent::ResumeNudging => {
                self.set_nudges(turn, intent, slots, "").await
            }
            Intent::ShowApplication | Intent::AddNote => {
                self.show_or_note(turn, intent, slots, "").await
            }
            other => Ok(say(other, replies::not_yet(other))),
        }
    }
}

/// A message that asks for something else, not an answer to the open question: understood
/// with confidence, and not small talk.
fn is_new_request(fresh: &Understanding) -> bool {
    fresh.intent != Intent::Unknown && fresh.confidence >= 0.85 && fresh.rule != "smalltalk"
}

/// Which of `candidates` a typed answer picks: "#12" is an application id; a bare number is
/// an id when one matches, else a position in the list shown (1-based).
fn choose(text: &str, candidates: &[i64]) -> Option<i64> {
    let text = text.trim();
    if let Some(id) = text.strip_prefix('#') {
        let id: i64 = id.trim().parse().ok()?;
        return candidates.contains(&id).then_some(id);
    }
    let n: i64 = text.parse().ok()?;
    if candidates.contains(&n) {
        return Some(n);
    }
    let index = usize::try_from(n).ok()?.checked_sub(1)?;
    candidates.get(index).copied()
}

#[cfg(test)]
mod tests {
    use super::choose;

    #[test]
    fn ids_win_over_positions() {
        assert_eq!(choose("#2", &[2, 3]), Some(2));
        assert_eq!(choose("#3", &[2, 3]), Some(3));
        assert_eq!(choose("#4", &[2, 3]), None);
        assert_eq!(choose("2", &[2, 3]), Some(2), "an id that matches");
        assert_eq!(choose("1", &[7, 9]), Some(7), "a position");
        assert_eq!(choose("3", &[7, 9]), None);
        assert_eq!(choose("0", &[7, 9]), None);
        assert_eq!(choose("-1", &[7, 9]), None);
        assert_eq!(choose("Stripe", &[7, 9]), None);
    }
}
