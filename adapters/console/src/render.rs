//! The core's Markdown subset as terminal text.

use bot_core::Outbound;

/// Render a message for the terminal: `**bold**` as ANSI bold when `styled`, plain
/// otherwise; buttons as numbered choices to type, numbered from `first`.
pub fn render(message: &Outbound, styled: bool, first: usize) -> String {
    let (on, off) = if styled {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut out = String::with_capacity(message.text.len() + 32);
    let mut bold = false;
    let mut rest = message.text.as_str();
    while let Some(at) = rest.find("**") {
        out.push_str(&rest[..at]);
        out.push_str(if bold { off } else { on });
        bold = !bold;
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    if bold {
        out.push_str(off);
    }
    if !message.buttons.is_empty() {
        out.push('\n');
        let choices: Vec<String> = message
            .buttons
            .iter()
            .enumerate()
            .map(|(i, b)| format!("[{}] {}", first + i, b.label))
            .collect();
        out.push_str(&choices.join("  "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render;
    use bot_core::{Button, Outbound};

    #[test]
    fn bold_is_stripped_or_styled() {
        let msg = Outbound::text("Moved **Google** to **Interview**.");
        assert_eq!(render(&msg, false, 1), "Moved Google to Interview.");
        assert_eq!(
            render(&msg, true, 1),
            "Moved \x1b[1mGoogle\x1b[0m to \x1b[1mInterview\x1b[0m."
        );
    }

    #[test]
    fn unbalanced_bold_is_closed() {
        assert_eq!(
            render(&Outbound::text("a **b"), true, 1),
            "a \x1b[1mb\x1b[0m"
        );
    }

    #[test]
    fn buttons_are_numbered() {
        let msg = Outbound::with_buttons(
            "Add another?",
            vec![
                Button {
                    label: "Add anyway".into(),
                    payload: "dup:add".into(),
                },
                Button {
                    label: "Cancel".into(),
                    payload: "cancel".into(),
                },
            ],
        );
        assert_eq!(
            render(&msg, false, 1),
            "Add another?\n[1] Add anyway  [2] Cancel"
        );
        assert_eq!(
            render(&msg, false, 4),
            "Add another?\n[4] Add anyway  [5] Cancel"
        );
    }
}
