//! Checks of the values admins send: each answers [`ApiError::Invalid`] (422) naming the field,
//! before anything is changed.

use crate::error::ApiError;

/// Trimmed text of `min..=max` characters.
pub fn text(field: &str, value: &str, min: usize, max: usize) -> Result<String, ApiError> {
    let value = value.trim();
    let count = value.chars().count();
    if count < min {
        return Err(ApiError::Invalid(if min == 1 {
            format!("`{field}` must not be empty")
        } else {
            format!("`{field}` needs at least {min} characters")
        }));
    }
    if count > max {
        return Err(ApiError::Invalid(format!(
            "`{field}` is longer than {max} characters"
        )));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::Invalid(format!(
            "`{field}` contains control characters"
        )));
    }
    Ok(value.to_string())
}

/// A colour as `#rrggbb`, lower-cased.
pub fn color(field: &str, value: &str) -> Result<String, ApiError> {
    let value = value.trim();
    let hex = value.strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::Invalid(format!(
            "`{field}` must be a colour like #2563eb"
        )));
    }
    Ok(value.to_ascii_lowercase())
}

/// Empty, or an `https://` (or `http://`) URL without spaces, at most 2,048 characters.
pub fn url(field: &str, value: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && value.len() <= 2048
                && !value.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(value.to_string())
        }
        _ => Err(ApiError::Invalid(format!(
            "`{field}` must be an http(s) URL"
        ))),
    }
}

/// An origin a browser sends: `https://host` or `http://host:port`, no path.
pub fn origin(value: &str) -> Result<String, ApiError> {
    let value = value.trim().trim_end_matches('/');
    let host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let good = host.is_some_and(|host| {
        !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    });
    if !good {
        return Err(ApiError::Invalid(format!(
            "`allowed_origins`: `{value}` is not an origin like https://shop.example.com"
        )));
    }
    Ok(value.to_ascii_lowercase())
}

/// A whole number in `min..=max`.
pub fn number(field: &str, value: i64, min: i64, max: i64) -> Result<i64, ApiError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::Invalid(format!(
            "`{field}` must be between {min} and {max}"
        )))
    }
}

/// One of `allowed`.
pub fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<String, ApiError> {
    if allowed.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(ApiError::Invalid(format!(
            "`{field}` must be one of {}",
            allowed.join(", ")
        )))
    }
}

/// A password an agent chooses: 10 to 200 characters.
pub fn password(field: &str, value: &str) -> Result<String, ApiError> {
    let count = value.chars().count();
    if !(10..=200).contains(&count) {
        return Err(ApiError::Invalid(format!(
            "`{field}` must be 10 to 200 characters"
        )));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_normalised_or_refused_with_the_field_named() {
        assert_eq!(color("color", " #A0b1C2 ").unwrap(), "#a0b1c2");
        assert!(
            color("color", "red")
                .unwrap_err()
                .to_string()
                .contains("color")
        );
        assert!(color("color", "#12345").is_err());
        assert_eq!(url("logo_url", "").unwrap(), "");
        assert!(url("logo_url", "javascript:alert(1)").is_err());
        assert!(url("logo_url", "https://a b").is_err());
        assert_eq!(
            origin("https://Shop.Example.com/").unwrap(),
            "https://shop.example.com"
        );
        assert!(origin("shop.example.com").is_err());
        assert!(origin("https://shop.example.com/path").is_err());
        assert!(text("name", "  ", 1, 10).is_err());
        assert!(text("name", "a\u{0}b", 1, 10).is_err());
        assert_eq!(text("name", " Acme ", 1, 10).unwrap(), "Acme");
        assert!(number("max_chats", 0, 1, 50).is_err());
        assert!(one_of("position", "top", &["left", "right"]).is_err());
        assert!(password("password", "short").is_err());
    }
}
