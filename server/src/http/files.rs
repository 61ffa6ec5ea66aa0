//! Attachments: `POST /v1/file/upload` (Stringee's call) and `GET /v1/file/{id}`.
//!
//! An upload needs a token; what comes back is readable by its uploader at once, and by the
//! members of a conversation once the uploader sends it there (a message whose `filePath` names
//! it). Sizes and types are limited; files are served as attachments, never sniffed, so that an
//! uploaded page cannot run as the server's own.

use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::caller::Caller;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;
use crate::store::StoredFile;

/// Largest file accepted.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The path files are served under; a message's `filePath` ends with `/v1/file/<id>`.
pub const FILE_PATH: &str = "/v1/file/";

/// Media types accepted, and whether a browser may show them inline.
const ALLOWED: [(&str, bool); 14] = [
    ("image/png", true),
    ("image/jpeg", true),
    ("image/gif", true),
    ("image/webp", true),
    ("audio/mpeg", true),
    ("audio/ogg", true),
    ("audio/webm", true),
    ("video/mp4", true),
    ("video/webm", true),
    ("application/pdf", false),
    ("text/plain", false),
    ("application/zip", false),
    ("application/msword", false),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        false,
    ),
];

/// The file routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        // Room for the multipart framing around the largest file.
        .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024))
        .routes(routes!(download))
}

/// The Parlor file a message's `filePath` names, if it names one (`…/v1/file/file-…` or the
/// bare id).
pub fn file_id_in(path: &str) -> Option<&str> {
    let id = path.rsplit('/').next()?;
    (id.starts_with("file-")
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    .then_some(id)
}

#[utoipa::path(post, path = "/v1/file/upload", tag = "files",
    description = "Uploads a file (multipart, field `file`) with the caller's token.",
    responses((status = 200, description = "`{r, filePath, …}`"), (status = 400), (status = 401), (status = 413)))]
async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<Json<serde_json::Value>, ApiError> {
    let bad = |m: String| ApiError::BadRequest(m);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("malformed upload: {e}")))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name: String = field
            .file_name()
            .unwrap_or("file")
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"'))
            .take(200)
            .collect();
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_ascii_lowercase();
        if !ALLOWED.iter().any(|(t, _)| *t == content_type) {
            return Err(ApiError::BadRequest(format!(
                "files of type {content_type} are not accepted"
            )));
        }
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(format!("a file is at most {MAX_FILE_BYTES} bytes"))
            } else {
                bad(format!("malformed upload: {e}"))
            }
        })?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(ApiError::TooLarge(format!(
                "a file is at most {MAX_FILE_BYTES} bytes"
            )));
        }
        if bytes.is_empty() {
            return Err(bad("the file is empty".into()));
        }
        let file = StoredFile {
            id: format!("file-{}", crate::ids::random_hex(16)),
            portal_id: caller.portal_id.clone(),
            uploader: caller.user_id.clone(),
            name,
            content_type,
            size: bytes.len() as i64,
            created_at: crate::hours::now_ms(),
        };
        tokio::fs::create_dir_all(&state.files_dir).await?;
        tokio::fs::write(state.files_dir.join(&file.id), &bytes).await?;
        state.store.create_file(&file).await?;
        let url = format!("{FILE_PATH}{}", file.id);
        return Ok(Json(json!({
            "r": 0,
            "filename": url,
            "id": file.id,
            "name": file.name,
            "size": file.size,
            "contentType": file.content_type,
        })));
    }
    Err(bad("the upload has no part named `file`".into()))
}

#[utoipa::path(get, path = "/v1/file/{id}", tag = "files",
    description = "Downloads a file its uploader sent in a conversation the caller is a member of.",
    params(("id" = String, Path)),
    responses((status = 200, description = "the file"), (status = 401), (status = 404)))]
async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound("no such file".into());
    let id = file_id_in(&id).ok_or_else(not_found)?;
    let file = state.store.file(id).await?.ok_or_else(not_found)?;
    if file.portal_id != caller.portal_id
        || !state.store.file_readable_by(id, &caller.user_id).await?
    {
        // The same answer as for a file that does not exist: ids are not probed.
        return Err(not_found());
    }
    let bytes = tokio::fs::read(state.files_dir.join(&file.id))
        .await
        .map_err(|_| not_found())?;
    let inline = ALLOWED
        .iter()
        .any(|(t, inline)| *t == file.content_type && *inline);
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        file.name.replace(|c: char| !c.is_ascii() || c == '"', "_")
    );
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(&file.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=3600"),
        ),
    ];
    Ok((headers, bytes).into_response())
}
