//! The API's one error type, and the shape it takes on the wire.
//!
//! Every REST failure answers Stringee's `{"r": <non-zero>, "msg": "..."}` with an HTTP status
//! that fits. Database and I/O details are logged here, once, and never sent to clients.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use parlor_protocol::rest::{RestError, rest_code};

/// An error a handler returns; `?` converts storage failures into [`ApiError::Internal`].
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed; the message says which parameter and why.
    #[error("{0}")]
    BadRequest(String),
    /// What the request names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Credentials or token missing or wrong.
    #[error("{0}")]
    Unauthorized(String),
    /// The request's origin is not allowed for the portal, or the caller may not see this.
    #[error("{0}")]
    Forbidden(String),
    /// The caller's role does not allow this: an agent calling an admin route.
    #[error("{0}")]
    NotPermitted(String),
    /// The change conflicts with what exists: a name taken, the last admin.
    #[error("{0}")]
    Conflict(String),
    /// A value is well-formed but not acceptable; the message names the field.
    #[error("{0}")]
    Invalid(String),
    /// Too large (a file, a field).
    #[error("{0}")]
    TooLarge(String),
    /// Too many attempts; try again after the given seconds (sent as `Retry-After`).
    #[error("{0}")]
    RetryAfter(String, u64),
    /// Too many requests or connections from this client.
    #[error("{0}")]
    TooMany(String),
    /// Something failed on our side; the source is logged, the client sees a generic message.
    #[error("internal error")]
    Internal(#[from] crate::store::StoreError),
    /// Reading or writing the data folder failed; logged, answered like `Internal`.
    #[error("internal error")]
    Io(#[from] std::io::Error),
}

impl ApiError {
    /// The HTTP status for this error.
    pub fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::NotPermitted(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooMany(_) | ApiError::RetryAfter(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) | ApiError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `r` code clients branch on (see `docs/protocol.md`).
    pub fn code(&self) -> i32 {
        match self {
            ApiError::BadRequest(_) => rest_code::BAD_REQUEST,
            ApiError::NotFound(_) => rest_code::NOT_FOUND,
            ApiError::Unauthorized(_) => rest_code::UNAUTHORIZED,
            ApiError::Forbidden(_) => rest_code::ORIGIN_NOT_ALLOWED,
            ApiError::NotPermitted(_) => rest_code::NOT_PERMITTED,
            ApiError::Conflict(_) => rest_code::CONFLICT,
            ApiError::Invalid(_) => rest_code::INVALID_VALUE,
            ApiError::TooLarge(_) => rest_code::BAD_REQUEST,
            ApiError::TooMany(_) | ApiError::RetryAfter(..) => rest_code::RATE_LIMITED,
            ApiError::Internal(_) | ApiError::Io(_) => rest_code::INTERNAL,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(source) => tracing::error!(error = %source, "request failed"),
            ApiError::Io(source) => tracing::error!(error = %source, "request failed"),
            _ => {}
        }
        let body = RestError {
            r: self.code(),
            msg: self.to_string(),
        };
        let mut response = (self.status_code(), Json(body)).into_response();
        if let ApiError::RetryAfter(_, seconds) = self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
