//! The core's Markdown subset (`**bold**`, `_italic_`, `` `code` ``, `- ` bullets, bare
//! URLs) as Telegram HTML (`parse_mode = HTML`), escaped so nothing a person typed can
//! become markup, and cut into messages Telegram accepts (4096 characters after entities
//! are parsed; we count the HTML, which is never shorter, in UTF-16 units as Telegram does).

/// Telegram's limit on one message's text.
pub const MAX_MESSAGE: usize = 4096;

/// Escape text for Telegram HTML: only `&`, `<` and `>` are special there.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// One line of the Markdown subset as HTML. Unclosed markers stay as they were typed.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 16);
    let mut rest = line;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        if let Some(body) = rest.strip_prefix('`')
            && let Some(end) = body.find('`')
        {
            out.push_str("<code>");
            out.push_str(&escape(&body[..end]));
            out.push_str("</code>");
            rest = &body[end + 1..];
            previous = Some('`');
            continue;
        }
        if let Some(body) = rest.strip_prefix("**")
            && let Some(end) = body.find("**")
            && end > 0
        {
            out.push_str("<b>");
            out.push_str(&inline(&body[..end]));
            out.push_str("</b>");
            rest = &body[end + 2..];
            previous = Some('*');
            continue;
        }
        // _italic_ only at word edges, so snake_case names stay as they are.
        if c == '_'
            && !previous.is_some_and(char::is_alphanumeric)
            && let Some(end) = closing_underscore(&rest[1..])
        {
            out.push_str("<i>");
            out.push_str(&inline(&rest[1..1 + end]));
            out.push_str("</i>");
            rest = &rest[end + 2..];
            previous = Some('_');
            continue;
        }
        out.push_str(&escape(&rest[..c.len_utf8()]));
        rest = &rest[c.len_utf8()..];
        previous = Some(c);
    }
    out
}

/// Where the closing `_` of an italic span is: followed by a non-word character or the end.
fn closing_underscore(body: &str) -> Option<usize> {
    if body.is_empty() || body.starts_with(char::is_whitespace) {
        return None;
    }
    body.char_indices().find_map(|(i, c)| {
        let after = body[i + 1..].chars().next();
        (c == '_' && i > 0 && !after.is_some_and(char::is_alphanumeric)).then_some(i)
    })
}

/// A whole message as Telegram HTML.
pub fn to_html(markdown: &str) -> String {
    markdown
        .lines()
        .map(|line| match line.strip_prefix("- ") {
            Some(item) => format!("• {}", inline(item)),
            None => inline(line),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The message as HTML parts of at most `limit` UTF-16 units each, cut at line ends; a
/// single line longer than that is cut between words (or, failing that, characters).
pub fn split(markdown: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for line in markdown.lines() {
        for piece in fit_line(line, limit) {
            let joined = utf16_len(&current) + usize::from(!current.is_empty()) + utf16_len(&piece);
            if !current.is_empty() && joined > limit {
                parts.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(&piece);
        }
    }
    if !current.trim().is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts
}

/// One source line as rendered pieces that each fit.
fn fit_line(line: &str, limit: usize) -> Vec<String> {
    let rendered = to_html(line);
    if utf16_len(&rendered) <= limit {
        return vec![rendered];
    }
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for word in line.split_inclusive(' ') {
        let candidate = format!("{piece}{word}");
        if utf16_len(&to_html(&candidate)) <= limit {
            piece = candidate;
            continue;
        }
        if !piece.is_empty() {
            pieces.push(to_html(piece.trim_end()));
            piece.clear();
        }
        if utf16_len(&to_html(word)) <= limit {
            piece.push_str(word);
        } else {
            // A "word" longer than a message (a pasted blob): cut between characters.
            let mut chunk = String::new();
            for c in word.chars() {
                chunk.push(c);
                if utf16_len(&escape(&chunk)) > limit {
                    chunk.pop();
                    pieces.push(escape(&chunk));
                    chunk = c.to_string();
                }
            }
            piece = chunk;
        }
    }
    if !piece.is_empty() {
        pieces.push(to_html(piece.trim_end()));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_html_and_the_rest_is_escaped() {
        assert_eq!(
            to_html("**Stripe** — _backend_ <script> & `a<b`"),
            "<b>Stripe</b> — <i>backend</i> &lt;script&gt; &amp; <code>a&lt;b</code>"
        );
        assert_eq!(to_html("- one\n- two"), "• one\n• two");
        assert_eq!(to_html("snake_case_name stays"), "snake_case_name stays");
        assert_eq!(to_html("an **unclosed bold"), "an **unclosed bold");
        assert_eq!(to_html("**<b>**"), "<b>&lt;b&gt;</b>");
    }

    #[test]
    fn long_messages_split_on_line_boundaries() {
        let line = "x".repeat(100);
        let text = vec![line.as_str(); 100].join("\n"); // 10,099 characters
        let parts = split(&text, MAX_MESSAGE);
        assert_eq!(parts.len(), 3);
        for part in &parts {
            assert!(utf16_len(part) <= MAX_MESSAGE);
            assert!(part.split('\n').all(|l| l == line), "whole lines only");
        }
        assert_eq!(parts.concat().len() + parts.len() - 1, text.len());
    }

    #[test]
    fn an_overlong_line_is_cut_between_words_and_escaping_counts() {
        let text = "<a> ".repeat(2000); // 8,000 chars, 14,000 once escaped
        let parts = split(&text, MAX_MESSAGE);
        assert!(parts.len() >= 4, "{}", parts.len());
        for part in &parts {
            assert!(utf16_len(part) <= MAX_MESSAGE);
            assert!(
                !part.contains('<') && !part.contains("&lt;a&gt;&lt;"),
                "whole escaped words"
            );
        }
        let blob = "y".repeat(9000);
        let parts = split(&blob, MAX_MESSAGE);
        assert_eq!(parts.iter().map(String::len).sum::<usize>(), 9000);
    }

    #[test]
    fn emoji_count_as_telegram_counts_them() {
        let text = "👋".repeat(3000); // 6,000 UTF-16 units
        let parts = split(&text, MAX_MESSAGE);
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| utf16_len(p) <= MAX_MESSAGE));
    }
}
