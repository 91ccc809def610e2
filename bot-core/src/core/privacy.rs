//! Private data stays out of group chats. Someone asking in a group about their
//! applications, reminders or settings gets the answer in their direct chat with the bot and
//! a short pointer in the group; if they never opened a direct chat, the group is told how
//! (and nothing private is posted there).

use crate::message::{ChatRef, Inbound, Outbound};
use crate::store::{Store, StoreError};
use crate::understand::Intent;

/// Whether an answer to this intent shows the person's own data.
pub(crate) fn is_private(intent: Intent) -> bool {
    !matches!(
        intent,
        Intent::Help
            | Intent::Smalltalk
            | Intent::Unknown
            | Intent::SearchJobs
            | Intent::CareerAdvice
    )
}

/// The pointer left in the group when the answer went to the direct chat.
pub(crate) const SENT_PRIVATELY: &str =
    "📬 That's personal, so I've answered you in a private chat.";

/// What the group is told when the person has no direct chat with the bot yet.
pub(crate) const OPEN_A_PRIVATE_CHAT: &str = "🔒 I keep applications, reminders and settings \
     private. Open a private chat with me (tap my name, then Start) and ask me there.";

/// Where an answer goes: its chat (and that chat's row id), the messages, and a pointer to
/// leave where the question was asked, if the answer went elsewhere.
pub(crate) struct Route {
    pub chat: ChatRef,
    pub chat_id: i64,
    pub messages: Vec<Outbound>,
    pub pointer: Option<Outbound>,
}

impl Route {
    /// The answer goes where the question was asked.
    pub(crate) fn here(chat: &ChatRef, chat_id: i64, messages: Vec<Outbound>) -> Self {
        Self {
            chat: chat.clone(),
            chat_id,
            messages,
            pointer: None,
        }
    }
}

/// Route a private answer to a question asked in a group: to the person's direct chat on the
/// same platform with a pointer in the group, or, when they have no direct chat with the
/// bot, only the explanation of how to open one, in the group.
pub(crate) async fn route(
    store: &Store,
    inbound: &Inbound,
    group_chat_id: i64,
    messages: Vec<Outbound>,
) -> Result<Route, StoreError> {
    // A person's direct chat with a bot has the person's own id on Telegram and Discord.
    let direct = ChatRef {
        platform: inbound.chat.platform,
        chat_id: inbound.sender_id.clone(),
        thread_id: None,
        is_direct: true,
    };
    if !store
        .has_direct_chat(direct.platform.as_str(), &direct.chat_id)
        .await?
    {
        return Ok(Route::here(
            &inbound.chat,
            group_chat_id,
            vec![Outbound::text(OPEN_A_PRIVATE_CHAT)],
        ));
    }
    let direct_id = store.upsert_chat(&direct).await?.id;
    // The conversation goes on where the answer went: a question asked back ("which
    // company?") is answered in the direct chat, whose dialogue state the turn writes.
    Ok(Route {
        chat: direct,
        chat_id: direct_id,
        messages,
        pointer: Some(Outbound::text(SENT_PRIVATELY)),
    })
}
