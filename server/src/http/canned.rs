//! `GET/POST /v1/canned`, `PATCH/DELETE /v1/canned/{id}`: canned responses. Every agent lists
//! the portal's shared ones and their own; they add, change and delete their own; only admins
//! add, change or delete shared ones. Another agent's personal ones answer 404, as ids that do
//! not exist. Changes to shared ones are written to the portal's audit log.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::admin::check;
use super::caller::Caller;
use crate::AppState;
use crate::error::ApiError;
use crate::http::extract::FieldJson;
use crate::store::{AuditNote, Canned};

/// Most canned responses one agent sees (the portal's and their own).
const MAX_CANNED: usize = 500;
/// Longest canned text, in characters (a message's limit).
const MAX_TEXT: usize = crate::message::MAX_TEXT_CHARS;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(change, remove))
}

fn canned_json(canned: &Canned) -> Value {
    json!({
        "id": canned.id,
        "shortcut": canned.shortcut,
        "text": canned.text,
        "shared": canned.owner.is_none(),
    })
}

/// What POST and PATCH take.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CannedInput {
    shortcut: Option<String>,
    text: Option<String>,
    /// POST only: portal-wide (admins) rather than the caller's own.
    shared: Option<bool>,
}

/// A shortcut: a word of letters, digits, `-` and `_`, as typed after `/`.
fn shortcut(value: &str) -> Result<String, ApiError> {
    let value = check::text("shortcut", value, 1, 40)?.to_lowercase();
    if value
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        Ok(value)
    } else {
        Err(ApiError::Invalid(
            "`shortcut` takes letters, digits, `-` and `_` only".into(),
        ))
    }
}

/// The caller may change `canned`: theirs, or shared and they are an admin.
fn may_change(caller: &Caller, canned: &Canned) -> Result<(), ApiError> {
    match &canned.owner {
        Some(owner) if *owner == caller.user_id => Ok(()),
        Some(_) => Err(ApiError::NotFound("no such canned response".into())),
        None if caller.admin => Ok(()),
        None => Err(ApiError::NotPermitted(
            "only the portal's admins change shared canned responses".into(),
        )),
    }
}

/// Writes a change to a shared canned response to the audit log (personal ones are their
/// agent's own business).
async fn audit(
    state: &AppState,
    caller: &Caller,
    action: &str,
    canned: &Canned,
) -> Result<(), ApiError> {
    if canned.owner.is_none() {
        let note = AuditNote::new(&caller.user_id, action, &canned.id, canned_json(canned));
        state.store.audit(&caller.portal_id, &note).await?;
    }
    Ok(())
}

async fn found(state: &AppState, caller: &Caller, id: &str) -> Result<Canned, ApiError> {
    let canned = state
        .store
        .canned(&caller.portal_id, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("no such canned response".into()))?;
    may_change(caller, &canned)?;
    Ok(canned)
}

/// `GET /v1/canned`: the portal's shared ones and the caller's own, by shortcut.
#[utoipa::path(get, path = "/v1/canned", tag = "agent",
    description = "The canned responses an agent may use: the portal's shared ones and their own.",
    responses((status = 200, description = "`{r, canned, placeholders}`: each `{id, shortcut, text, shared}`; `placeholders` gives `agent.name` and `portal.name`"), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let list = state
        .store
        .canned_for(&caller.portal_id, &caller.user_id)
        .await?;
    // What the console fills `{agent.name}` and `{portal.name}` with (it knows the visitor).
    let agent = state.store.agent(&caller.user_id).await?;
    let portal = state.store.portal(&caller.portal_id).await?;
    Ok(Json(json!({
        "r": 0,
        "canned": list.iter().map(canned_json).collect::<Vec<_>>(),
        "placeholders": {
            "agent.name": agent.map(|a| a.display_name).unwrap_or_default(),
            "portal.name": portal.map(|p| p.name).unwrap_or_default(),
        },
    })))
}

/// `POST /v1/canned` with `shortcut` and `text` (and `shared`, admins) → 201.
#[utoipa::path(post, path = "/v1/canned", tag = "agent",
    description = "Adds a canned response: the caller's own, or shared with the portal (`shared`, admins only).",
    request_body = Object,
    responses((status = 201, description = "`{r, canned}`"), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    FieldJson(input): FieldJson<CannedInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let caller = caller.agent_only()?;
    let (Some(short), Some(text)) = (&input.shortcut, &input.text) else {
        return Err(ApiError::BadRequest(
            "parameters `shortcut` and `text` are required".into(),
        ));
    };
    let shared = input.shared.unwrap_or(false);
    if shared && !caller.admin {
        return Err(ApiError::NotPermitted(
            "only the portal's admins add shared canned responses".into(),
        ));
    }
    let existing = state
        .store
        .canned_for(&caller.portal_id, &caller.user_id)
        .await?;
    if existing.len() >= MAX_CANNED {
        return Err(ApiError::Conflict(format!(
            "at most {MAX_CANNED} canned responses"
        )));
    }
    let canned = Canned {
        id: format!("cr{}", crate::ids::random_hex(8)),
        portal_id: caller.portal_id.clone(),
        owner: (!shared).then(|| caller.user_id.clone()),
        shortcut: shortcut(short)?,
        text: check::text("text", text, 1, MAX_TEXT)?,
        created_at: crate::hours::now_ms(),
    };
    state.store.save_canned(&canned).await?;
    audit(&state, &caller, "canned.create", &canned).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "r": 0, "canned": canned_json(&canned) })),
    ))
}

/// `PATCH /v1/canned/{id}`: its shortcut or text.
#[utoipa::path(patch, path = "/v1/canned/{id}", tag = "agent",
    description = "Changes a canned response: the caller's own, or a shared one (admins).",
    request_body = Object,
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r, canned}`"), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    FieldJson(input): FieldJson<CannedInput>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let mut canned = found(&state, &caller, &id).await?;
    if input.shared.is_some() {
        return Err(ApiError::Invalid(
            "`shared` is set when a canned response is added".into(),
        ));
    }
    if let Some(short) = &input.shortcut {
        canned.shortcut = shortcut(short)?;
    }
    if let Some(text) = &input.text {
        canned.text = check::text("text", text, 1, MAX_TEXT)?;
    }
    state.store.save_canned(&canned).await?;
    audit(&state, &caller, "canned.update", &canned).await?;
    Ok(Json(json!({ "r": 0, "canned": canned_json(&canned) })))
}

/// `DELETE /v1/canned/{id}`.
#[utoipa::path(delete, path = "/v1/canned/{id}", tag = "agent",
    description = "Deletes a canned response: the caller's own, or a shared one (admins).",
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r}`"), (status = 401), (status = 403), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let canned = found(&state, &caller, &id).await?;
    state.store.delete_canned(&caller.portal_id, &id).await?;
    audit(&state, &caller, "canned.delete", &canned).await?;
    Ok(Json(json!({ "r": 0 })))
}
