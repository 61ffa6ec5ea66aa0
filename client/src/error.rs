//! The one error type of the SDK.

use std::fmt;

/// A failed call: Stringee's result code and message.
///
/// Codes the server sends are passed through as they are (see `docs/protocol.md`); the SDK's
/// own failures use Stringee's SDK-local codes, which are negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Non-zero result code.
    pub code: i32,
    /// A sentence for the developer; not meant to be shown to visitors as is.
    pub message: String,
}

impl Error {
    /// Stringee's SDK-local code for "not connected": the server could not be reached.
    pub const NOT_CONNECTED: i32 = -1;
    /// Stringee's SDK-local code for "invalid value": an argument or an answer was malformed.
    pub const INVALID_VALUE: i32 = -2;
    /// Stringee's SDK-local code for "object not found".
    pub const NOT_FOUND: i32 = -3;
    /// Parlor's SDK-local code: the user cancelled (an upload).
    pub const CANCELLED: i32 = -4;

    /// An error with `code` and `message`.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (code {})", self.message, self.code)
    }
}

impl std::error::Error for Error {}
