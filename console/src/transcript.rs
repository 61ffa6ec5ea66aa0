//! A stored chat as agents read it (`GET /v1/agent/conversations/{id}/messages`): its text
//! messages and private notes as lines in time order. Used by the visitor's history and by
//! Search.

use serde_json::Value;

/// One line of a stored chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Milliseconds since the epoch.
    pub at: i64,
    pub text: String,
    /// The message's seq; `None` for a note.
    pub seq: Option<i64>,
    pub note: bool,
}

/// The text messages and notes of `reply`, oldest first.
pub fn lines(reply: &Value) -> Vec<Line> {
    let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let mut lines: Vec<Line> = reply["msgs"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            Some(Line {
                at: m["created"].as_i64().unwrap_or(0),
                text: m["content"]["content"].as_str()?.to_string(),
                seq: m["seq"].as_i64(),
                note: false,
            })
        })
        .collect();
    lines.extend(
        reply["notes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|n| Line {
                at: n["created"].as_i64().unwrap_or(0),
                text: format!(
                    "Private note · {}: {}",
                    text(n, "authorName"),
                    text(n, "text")
                ),
                seq: None,
                note: true,
            }),
    );
    lines.sort_by_key(|line| line.at);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_and_notes_in_time_order_without_attachments() {
        let reply = json!({
            "msgs": [
                {"created": 3, "seq": 2, "content": {"content": "Later"}},
                {"created": 1, "seq": 1, "content": {"content": "First"}},
                {"created": 2, "seq": 3, "content": {"photo": {"filePath": "/v1/file/x"}}},
            ],
            "notes": [{"created": 2, "authorName": "Alice", "text": "VIP"}],
        });
        let got: Vec<(String, Option<i64>)> =
            lines(&reply).into_iter().map(|l| (l.text, l.seq)).collect();
        assert_eq!(
            got,
            [
                ("First".to_string(), Some(1)),
                ("Private note · Alice: VIP".to_string(), None),
                ("Later".to_string(), Some(2)),
            ]
        );
    }
}
