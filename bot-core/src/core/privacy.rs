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

/// Record `messages` for the person's direct chat on the same platform, and the pointer for
/// the group; or, without a direct chat, only the explanation in the group. Returns the
/// outbox ids to deliver now.
pub(crate) async fn answer_privately(
    store: &Store,
    user_id: i64,
    inbound: &Inbound,
    group_chat_id: i64,
    reply_key: &str,
    messages: &[Outbound],
    dialogue_state: Option<&str>,
) -> Result<Vec<i64>, StoreError> {
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
        return store
            .record_replies(
                user_id,
                &inbound.chat,
                group_chat_id,
                reply_key,
                &[Outbound::text(OPEN_A_PRIVATE_CHAT)],
                None,
            )
            .await;
    }
    let direct_id = store.upsert_chat(&direct).await?.id;
    // The conversation goes on where the answer went: a question asked back ("which
    // company?") is answered in the direct chat.
    let mut ids = store
        .record_replies(
            user_id,
            &direct,
            direct_id,
            &format!("{reply_key}:direct"),
            messages,
            dialogue_state,
        )
        .await?;
    ids.extend(
        store
            .record_replies(
                user_id,
                &inbound.chat,
                group_chat_id,
                reply_key,
                &[Outbound::text(SENT_PRIVATELY)],
                None,
            )
            .await?,
    );
    Ok(ids)
}
