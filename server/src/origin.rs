//! Which web origins may use a portal: its allowed origins, checked on the customer REST calls
//! and at the socket's AUTHEN.
//!
//! A portal lists origins (`https://shop.example.com`, comma-separated); an empty list allows
//! any. A request without an `Origin` header (a server, a native app) is allowed: the check
//! keeps other websites from embedding a portal's widget, it is not authentication. A page
//! served by Parlor itself (the demo page, the console) is same-origin and always allowed.

use axum::http::{HeaderMap, HeaderValue, header};

/// The request's `Origin` and `Host`, as the check needs them.
#[derive(Debug, Clone, Default)]
pub struct RequestOrigin {
    /// The `Origin` header, if the request came from a browser page.
    pub origin: Option<String>,
    /// The `Host` header, to recognise Parlor's own pages.
    pub host: Option<String>,
}

impl RequestOrigin {
    /// Reads both headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        Self {
            origin: text(header::ORIGIN),
            host: text(header::HOST),
        }
    }

    /// Whether a portal whose allowed origins are `allowed` accepts this request.
    pub fn allowed_by(&self, allowed: &str) -> bool {
        let Some(origin) = self.origin.as_deref() else {
            return true;
        };
        let same_origin = self.host.as_deref().is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
        });
        let list: Vec<&str> = allowed
            .split(',')
            .map(|o| o.trim().trim_end_matches('/'))
            .filter(|o| !o.is_empty())
            .collect();
        same_origin
            || list.is_empty()
            || list
                .iter()
                .any(|o| *o == "*" || o.eq_ignore_ascii_case(origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(origin: Option<&str>, host: &str) -> RequestOrigin {
        RequestOrigin {
            origin: origin.map(str::to_string),
            host: Some(host.to_string()),
        }
    }

    #[test]
    fn only_listed_origins_pass_when_a_list_is_set() {
        let list = "https://shop.example.com, https://www.example.com/";
        let chat = "chat.example.com";
        assert!(from(Some("https://shop.example.com"), chat).allowed_by(list));
        assert!(from(Some("https://www.example.com"), chat).allowed_by(list));
        assert!(!from(Some("https://evil.example.net"), chat).allowed_by(list));
        assert!(!from(Some("http://shop.example.com"), chat).allowed_by(list));
    }

    #[test]
    fn no_list_no_origin_and_parlors_own_pages_pass() {
        assert!(from(Some("https://any.example"), "chat.example.com").allowed_by(""));
        assert!(from(None, "chat.example.com").allowed_by("https://shop.example.com"));
        assert!(
            from(Some("http://127.0.0.1:8080"), "127.0.0.1:8080")
                .allowed_by("https://shop.example.com")
        );
    }
}
