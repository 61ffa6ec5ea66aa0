//! Text a visitor or an agent wrote, made safe to show: links found and kept only when they
//! are http(s), everything else plain text (the view renders text nodes, never HTML).

/// A piece of a message's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Plain text.
    Text(String),
    /// An `http://` or `https://` link, shown as itself.
    Link(String),
}

/// Splits `text` into plain text and links.
pub fn linkify(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut plain = String::new();
    for (index, word) in text.split_inclusive(char::is_whitespace).enumerate() {
        let _ = index;
        let trimmed = word.trim_end();
        let trailing = &word[trimmed.len()..];
        // Punctuation right after a link belongs to the sentence, not the link.
        let link_end = trimmed.trim_end_matches(['.', ',', ')', '!', '?', ';', ':', '"', '\'']);
        let is_link = (link_end.starts_with("https://") || link_end.starts_with("http://"))
            && link_end.len() > "https://".len()
            && !link_end.contains(['<', '>', '"']);
        if is_link {
            if !plain.is_empty() {
                segments.push(Segment::Text(std::mem::take(&mut plain)));
            }
            segments.push(Segment::Link(link_end.to_string()));
            plain.push_str(&trimmed[link_end.len()..]);
            plain.push_str(trailing);
        } else {
            plain.push_str(word);
        }
    }
    if !plain.is_empty() {
        segments.push(Segment::Text(plain));
    }
    segments
}

pub use parlor_client::protocol::looks_like_email;

/// `hh:mm` in the browser's time zone for `unix_ms`.
pub fn clock(unix_ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
