//! Telegram's wire formats as the fake server reads them: multipart form bodies and the HTML
//! of `parse_mode=HTML` messages.

use serde_json::{Value, json};

/// The text fields of a multipart/form-data body as a JSON object (a field holding JSON,
/// like `allowed_updates`, is parsed).
pub(super) fn form_fields(body: &[u8], boundary: &str) -> Value {
    let body = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in body.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let value = value.trim_end_matches("\r\n");
        let parsed = serde_json::from_str(value).unwrap_or_else(|_| json!(value));
        fields.insert(name.to_owned(), parsed);
    }
    Value::Object(fields)
}

/// The text of a Telegram-HTML message, or why Telegram would refuse it.
pub(super) fn parse_html(html: &str) -> Result<String, String> {
    const TAGS: &[&str] = &[
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "a",
        "tg-spoiler",
        "blockquote",
        "span",
    ];
    let mut text = String::with_capacity(html.len());
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest
                    .find('>')
                    .ok_or_else(|| "unclosed start tag".to_owned())?;
                let inside = &rest[1..end];
                let (closing, name) = match inside.strip_prefix('/') {
                    Some(name) => (true, name.trim()),
                    None => (false, inside.split_whitespace().next().unwrap_or_default()),
                };
                if !TAGS.contains(&name) {
                    return Err(format!("unsupported start tag \"{name}\""));
                }
                if closing {
                    if open.pop().as_deref() != Some(name) {
                        return Err(format!("unmatched end tag \"{name}\""));
                    }
                } else {
                    open.push(name.to_owned());
                }
                rest = &rest[end + 1..];
            }
            '&' => {
                let end = rest.find(';').ok_or_else(|| "unescaped &".to_owned())?;
                let entity = &rest[1..end];
                text.push(match entity {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    _ => return Err(format!("unsupported entity &{entity};")),
                });
                rest = &rest[end + 1..];
            }
            '>' => return Err("unescaped >".to_owned()),
            c => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if let Some(tag) = open.pop() {
        return Err(format!(
            "can't find end tag corresponding to start tag \"{tag}\""
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::parse_html;

    #[test]
    fn html_as_telegram_parses_it() {
        assert_eq!(
            parse_html("<b>Stripe</b> &lt;3 &amp; co").as_deref(),
            Ok("Stripe <3 & co")
        );
        assert!(parse_html("<script>x</script>").is_err());
        assert!(parse_html("a < b").is_err());
        assert!(parse_html("<b>open").is_err());
        assert!(parse_html("<b><i>x</b></i>").is_err());
        assert!(parse_html("fish & chips").is_err());
    }
}
