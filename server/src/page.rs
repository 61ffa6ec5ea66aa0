//! Where a visitor is on the site: the widget reports each page they open while a chat is open
//! (also single-page apps' History API changes), as `pageUrl` and `pageTitle` of their profile.
//! The profile keeps the current page and the trail of the last ones, which agents see live.

use serde_json::{Map, Value, json};

/// How many pages the trail keeps.
pub const TRAIL: usize = 20;

/// Adds the page the profile now names to its trail (`pages`: `[{url, title, at}]`, oldest
/// first), unless it is the page the trail ends with.
pub fn record(details: &mut Map<String, Value>, now_ms: i64) {
    let Some(url) = details
        .get("pageUrl")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return;
    };
    let title = details
        .get("pageTitle")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut pages = match details.remove("pages") {
        Some(Value::Array(pages)) => pages,
        _ => Vec::new(),
    };
    let last = pages
        .last()
        .map(|p| (p["url"].as_str(), p["title"].as_str()));
    if last != Some((Some(url.as_str()), Some(title.as_str()))) {
        pages.push(json!({ "url": url, "title": title, "at": now_ms }));
    }
    let excess = pages.len().saturating_sub(TRAIL);
    pages.drain(..excess);
    details.insert("pages".into(), Value::Array(pages));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit(details: &mut Map<String, Value>, url: &str, title: &str, at: i64) {
        details.insert("pageUrl".into(), json!(url));
        details.insert("pageTitle".into(), json!(title));
        record(details, at);
    }

    #[test]
    fn the_trail_keeps_each_new_page_once_and_the_last_twenty() {
        let mut details = Map::new();
        visit(&mut details, "https://shop/a", "A", 1);
        visit(&mut details, "https://shop/a", "A", 2);
        visit(&mut details, "https://shop/b", "B", 3);
        assert_eq!(
            details["pages"],
            json!([{"url": "https://shop/a", "title": "A", "at": 1},
                   {"url": "https://shop/b", "title": "B", "at": 3}])
        );
        for n in 0..30 {
            visit(&mut details, &format!("https://shop/{n}"), "", 10 + n);
        }
        let pages = details["pages"].as_array().unwrap();
        assert_eq!(pages.len(), TRAIL);
        assert_eq!(pages[0]["url"], "https://shop/10");
        assert_eq!(pages[TRAIL - 1]["url"], "https://shop/29");
    }
}
