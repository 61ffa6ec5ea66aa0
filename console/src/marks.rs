//! Marking searched words in text: each word of the text (a run of letters and digits) that
//! starts with a searched word is marked, as the server matched it. Only ever text: the parts
//! are rendered as text nodes, never as HTML.

/// `text` cut into parts, each with whether it is a marked word.
pub fn marked(text: &str, words: &[String]) -> Vec<(String, bool)> {
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut push = |part: &str, hit: bool| match parts.last_mut() {
        Some((last, was)) if *was == hit => last.push_str(part),
        _ => parts.push((part.to_string(), hit)),
    };
    let mut rest = text;
    while !rest.is_empty() {
        let word_at = rest.find(char::is_alphanumeric).unwrap_or(rest.len());
        push(&rest[..word_at], false);
        rest = &rest[word_at..];
        let end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        let word = &rest[..end];
        let lower = word.to_lowercase();
        let hit = words
            .iter()
            .any(|w| !w.is_empty() && lower.starts_with(w.as_str()));
        if !word.is_empty() {
            push(word, hit);
        }
        rest = &rest[end..];
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_starting_with_a_searched_one_are_marked() {
        let words = ["refund".to_string(), "44".to_string()];
        assert_eq!(
            marked("My Refunds, order 4471 (refund!)", &words),
            [
                ("My ".to_string(), false),
                ("Refunds".to_string(), true),
                (", order ".to_string(), false),
                ("4471".to_string(), true),
                (" (".to_string(), false),
                ("refund".to_string(), true),
                ("!)".to_string(), false),
            ]
        );
        assert_eq!(
            marked("<b>x</b>", &words),
            [("<b>x</b>".to_string(), false)]
        );
        assert_eq!(marked("", &words), []);
    }
}
