//! Extractors that answer bad input in the API's own error shape rather than axum's plain text.

use axum::extract::{FromRequest, FromRequestParts, Json, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Like [`axum::extract::Query`], but a malformed query string is an [`ApiError::BadRequest`].
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// Checks a required text parameter: present, not blank, at most `max` characters.
pub fn required(name: &str, value: Option<String>, max: usize) -> Result<String, ApiError> {
    let value = value.unwrap_or_default();
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::BadRequest(format!(
            "parameter `{name}` is required"
        )));
    }
    if trimmed.chars().count() > max {
        return Err(ApiError::BadRequest(format!(
            "parameter `{name}` is longer than {max} characters"
        )));
    }
    Ok(trimmed.to_string())
}

/// Like [`ApiJson`], but a mistyped or unknown field is named in the error (`\`color\`:
/// invalid type…`): the admin API's bodies have many fields.
pub struct FieldJson<T>(pub T);

impl<T, S> FromRequest<S> for FieldJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ApiJson(value) = ApiJson::<serde_json::Value>::from_request(request, state).await?;
        serde_path_to_error::deserialize(value)
            .map(FieldJson)
            .map_err(|error| {
                let path = error.path().to_string();
                let inner = error.into_inner();
                if path == "." {
                    ApiError::BadRequest(inner.to_string())
                } else {
                    ApiError::BadRequest(format!("`{path}`: {inner}"))
                }
            })
    }
}

/// Like [`axum::Json`], but a missing, malformed or mistyped body is an [`ApiError::BadRequest`].
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| ApiJson(value))
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge("the request body is too large".into())
                } else {
                    ApiError::BadRequest(rejection.body_text())
                }
            })
    }
}
