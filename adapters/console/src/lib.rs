//! The terminal chat: the embedded default adapter and a scripting surface.
//!
//! Interactive when stdin is a terminal (line editing and history via rustyline), otherwise
//! one message per line in and the replies on stdout, so tests and scripts can drive it.
//! Buttons are shown as numbered choices; typing the number presses the button.

mod render;

pub use render::render;

use async_trait::async_trait;
use bot_core::scheduler::Scheduler;
use bot_core::{
    Adapter, Button, ChatRef, Core, DeliveryError, Inbound, Outbound, OutboxSender, Platform,
};
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// Bytes read of one input line at most; the rest of a longer line is skipped (the core
/// refuses anything past its own, much smaller, limit politely).
const MAX_LINE_BYTES: u64 = 1 << 20;

/// Errors that end a console session.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("could not start the line editor: {0}")]
    Editor(#[from] rustyline::error::ReadlineError),
    #[error("the database failed while delivering replies: {0}")]
    Store(#[from] bot_core::StoreError),
}

/// How to run the console chat.
#[derive(Debug, Clone)]
pub struct ConsoleOptions {
    /// Who is typing: the console user's identity (defaults to the OS user).
    pub user: String,
    /// Prompt with line editing (stdin is a terminal) or read lines from a pipe.
    pub interactive: bool,
    /// Where interactive history is kept.
    pub history_file: Option<PathBuf>,
    /// How long claimed reminders and replies are held (see `OutboxSender::with_lease`).
    pub lease: std::time::Duration,
}

/// The console's sending side: prints replies, remembers the buttons it showed.
pub struct ConsoleAdapter {
    styled: bool,
    buttons: Mutex<ButtonBook>,
    sent: AtomicU64,
}

/// The buttons on screen that typing a number presses. Everything shown since the person
/// last typed stays pressable under its own number: a nudge printed unprompted while a
/// question waits is numbered after the question's choices ([3] Done …), so the "1" typed
/// for the question still means the question's first choice. The next line typed turns the
/// page: the first message after it, buttons or not, starts a new one, numbered from 1.
#[derive(Default)]
struct ButtonBook {
    shown: Vec<Button>,
    turned: bool,
}

impl ConsoleAdapter {
    /// `styled`: use terminal bold for `**…**` (only when writing to a terminal).
    pub fn new(styled: bool) -> Self {
        Self {
            styled,
            buttons: Mutex::new(ButtonBook::default()),
            sent: AtomicU64::new(0),
        }
    }

    /// The payload of the numbered button the person typed, if the text is such a number.
    /// Any line typed turns the page of buttons.
    fn pressed(&self, text: &str) -> Option<String> {
        let mut book = self.buttons.lock().unwrap_or_else(|e| e.into_inner());
        book.turned = true;
        let n: usize = text.trim().parse().ok()?;
        book.shown.get(n.checked_sub(1)?).map(|b| b.payload.clone())
    }
}

#[async_trait]
impl Adapter for ConsoleAdapter {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    async fn deliver(
        &self,
        _chat: &ChatRef,
        message: &Outbound,
        _idempotency_key: &str,
    ) -> Result<String, DeliveryError> {
        let mut book = self.buttons.lock().unwrap_or_else(|e| e.into_inner());
        if book.turned {
            *book = ButtonBook::default();
        }
        let text = render(message, self.styled, book.shown.len() + 1);
        let mut out = std::io::stdout().lock();
        writeln!(out, "{text}")
            .and_then(|()| out.flush())
            .map_err(|e| DeliveryError::Transient {
                reason: format!("stdout: {e}"),
                retry_after: None,
            })?;
        book.shown.extend(message.buttons.iter().cloned());
        Ok(format!(
            "console-{}",
            self.sent.fetch_add(1, Ordering::Relaxed) + 1
        ))
    }
}

/// One line from the person, or why it could not be read.
enum Line {
    Text(String),
    NotUtf8,
}

/// Run the chat until end of input (Ctrl-D) or Ctrl-C.
pub async fn run(core: Core, options: ConsoleOptions) -> Result<(), ConsoleError> {
    let adapter = Arc::new(ConsoleAdapter::new(options.interactive));
    let chat = ChatRef {
        platform: Platform::Console,
        chat_id: format!("console:{}", options.user),
        thread_id: None,
        is_direct: true,
    };
    let sender = OutboxSender::new(
        core.store().clone(),
        adapter.clone(),
        format!("console-{}", std::process::id()),
    )
    .with_lease(options.lease)
    .only_chat(chat.chat_id.clone());
    // Anything recorded for this chat but not delivered before a crash goes out first.
    sender.drain_due().await?;

    // Nudges: the scheduler fires due reminders into the outbox and wakes the sender, which
    // prints this chat's ones unprompted. Both stop when the session ends.
    let scheduler = Scheduler::new(
        core.store().clone(),
        format!("console-{}", std::process::id()),
    )
    .with_lease(options.lease);
    let core = core.with_scheduler_wake(scheduler.waker());
    let background = {
        let sender = sender.clone();
        tokio::spawn(async move { scheduler.run_with_senders(&[sender]).await })
    };

    let (lines_tx, mut lines_rx) = mpsc::channel::<Line>(1);
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
    let reader = {
        let options = options.clone();
        std::thread::spawn(move || {
            if options.interactive {
                read_interactive(&options, &lines_tx, &ready_rx)
            } else {
                read_piped(&lines_tx, &ready_rx);
                Ok(())
            }
        })
    };

    if options.interactive {
        println!(
            "JobTrackerPro — tell me about your job search. /help for commands, Ctrl-D to leave."
        );
    }
    let mut line_number = 0usize;
    while let Some(line) = lines_rx.recv().await {
        line_number += 1;
        match line {
            Line::NotUtf8 => eprintln!(
                "jtp: line {line_number} is not valid UTF-8 text and was skipped; please send plain text."
            ),
            Line::Text(text) if text.trim().is_empty() => {}
            Line::Text(text) => {
                let mut inbound = Inbound::text(chat.clone(), options.user.clone(), text.clone());
                inbound.button = adapter.pressed(&text);
                match core.handle(&inbound).await {
                    Ok(ids) => {
                        // Recorded: the sender in the background shows them once it can.
                        if let Err(err) = sender.deliver_now(&ids).await {
                            eprintln!(
                                "jtp: your answer is saved but could not be shown yet ({err}); it will appear as soon as the database answers again."
                            );
                        }
                    }
                    Err(err) => eprintln!(
                        "jtp: I could not handle that message ({err}). Nothing was saved from it; please send it again."
                    ),
                }
            }
        }
        // Let the reader prompt for the next line only once the replies are printed.
        if ready_tx.send(()).is_err() {
            break;
        }
    }
    drop(ready_tx);
    background.abort();
    match reader.join() {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}

fn read_piped(lines: &mpsc::Sender<Line>, ready: &std::sync::mpsc::Receiver<()>) {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    loop {
        let mut bytes = Vec::new();
        let read = (&mut input)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut bytes);
        match read {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if !bytes.ends_with(b"\n") && bytes.len() as u64 == MAX_LINE_BYTES {
            // Skip the rest of an over-long line so it is not read as further messages.
            let mut rest = Vec::new();
            let _ = input.read_until(b'\n', &mut rest);
        }
        while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            bytes.pop();
        }
        let line = match String::from_utf8(bytes) {
            Ok(text) => Line::Text(text),
            Err(_) => Line::NotUtf8,
        };
        if lines.blocking_send(line).is_err() || ready.recv().is_err() {
            return;
        }
    }
}

fn read_interactive(
    options: &ConsoleOptions,
    lines: &mpsc::Sender<Line>,
    ready: &std::sync::mpsc::Receiver<()>,
) -> Result<(), ConsoleError> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::DefaultEditor::new()?;
    if let Some(history) = &options.history_file {
        let _ = editor.load_history(history);
    }
    loop {
        match editor.readline("you> ") {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                if lines.blocking_send(Line::Text(line)).is_err() || ready.recv().is_err() {
                    break;
                }
            }
            Err(ReadlineError::Interrupted | ReadlineError::Eof) => break,
            Err(ReadlineError::Io(err)) if err.kind() == std::io::ErrorKind::InvalidData => {
                if lines.blocking_send(Line::NotUtf8).is_err() || ready.recv().is_err() {
                    break;
                }
            }
            Err(err) => return Err(err.into()),
        }
    }
    if let Some(history) = &options.history_file
        && let Err(err) = editor.save_history(history)
    {
        tracing::warn!(error = %err, "could not save console history");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_buttons(text: &str, payloads: &[&str]) -> Outbound {
        let buttons = payloads
            .iter()
            .map(|p| Button {
                label: p.to_string(),
                payload: p.to_string(),
            })
            .collect();
        Outbound::with_buttons(text, buttons)
    }

    #[tokio::test]
    async fn a_nudge_printed_while_a_question_waits_does_not_take_its_numbers() {
        let console = ConsoleAdapter::new(false);
        let chat = ChatRef {
            platform: Platform::Console,
            chat_id: "console:test".into(),
            thread_id: None,
            is_direct: true,
        };
        let send = |message: Outbound| {
            let console = &console;
            let chat = &chat;
            async move { console.deliver(chat, &message, "key").await.unwrap() }
        };
        send(with_buttons("Add another?", &["dup:add", "cancel"])).await;
        send(with_buttons(
            "⏰ Reminder",
            &["rem:done:1", "rem:snooze:1:86400", "rem:stop:1"],
        ))
        .await;
        assert_eq!(console.pressed("1").as_deref(), Some("dup:add"));
        assert_eq!(console.pressed("4").as_deref(), Some("rem:snooze:1:86400"));
        // The answer to what was typed numbers from 1 again.
        send(with_buttons("Remove it?", &["remove", "keep"])).await;
        assert_eq!(console.pressed("1").as_deref(), Some("remove"));
        assert_eq!(console.pressed("3"), None);
        // An answer without buttons turns the page too: no earlier button stays pressable.
        send(Outbound::text("You have 2 reminders.")).await;
        assert_eq!(console.pressed("1"), None);
    }
}
