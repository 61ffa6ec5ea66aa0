//! The Stringee live chat protocol, as Parlor speaks it: the JSON shapes of the REST calls and of
//! the socket frames, with no I/O of its own.
//!
//! The server (`parlor-server`) and the browser SDK (`parlor-client`) both depend on this crate,
//! so a field renamed here is renamed on both sides of the wire at once. Field names follow
//! Stringee's, which is why some are `snake_case` and others `camelCase`: changing them would
//! break Stringee's own SDKs talking to Parlor, and Parlor's widget talking to StringeeX.
//!
//! ```
//! use parlor_protocol::rest::{ChatProfileReply, RestError};
//!
//! let wire = r##"{"r":0,"chatProfile":{"id":"p1","portal":"Acme","language":"en",
//!     "background":"#2563eb","logo_url":"","auto_create_ticket":1,"enabled":1},
//!     "queues":[{"id":"q1","name":"Sales"}]}"##;
//! let profile: ChatProfileReply = serde_json::from_str(wire).unwrap();
//! assert_eq!(profile.queues[0].name, "Sales");
//!
//! let error: RestError = serde_json::from_str(r#"{"r":1,"msg":"widget key not found"}"#).unwrap();
//! assert_ne!(error.r, 0);
//! ```

pub mod prechat;
pub mod read;
pub mod rest;
pub mod socket;
pub mod useragent;

/// The result code every Stringee answer carries in `r`: zero means success.
pub const R_OK: i32 = 0;

/// Whether `email` is plausibly an email address: something before one `@`, a dotted domain
/// after it, no spaces, angle brackets, commas, semicolons or quotes. A plausibility check, not
/// RFC 5322: the widget and the server agree on it, and mail to a wrong address fails later,
/// visibly.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.contains(char::is_whitespace)
        && !email.contains(['<', '>', ',', ';', '"'])
}

#[cfg(test)]
mod tests {
    use super::looks_like_email;

    #[test]
    fn plausible_addresses_pass_and_lists_or_markup_do_not() {
        assert!(looks_like_email("ann@example.com"));
        assert!(looks_like_email("a.b+c@sub.example.co.uk"));
        for bad in [
            "ann",
            "@example.com",
            "ann@.com",
            "ann@example.",
            "a b@example.com",
            "a@b@c.io",
            "<a@b.io>",
            "a@b.io,c@d.io",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
