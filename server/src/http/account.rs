//! An agent's own account: `GET/PATCH /v1/agent/me` (name, picture, password with the old
//! one), and `POST /v1/agent/invitation`, where an invited agent sets their first password.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin::check;
use super::caller::Caller;
use super::extract::FieldJson;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{hash_password, verify_password};
use crate::error::ApiError;
use crate::store::{Agent, AuditNote};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(show, change))
        .routes(routes!(accept_invitation))
}

fn me_json(agent: &Agent) -> Value {
    json!({
        "user_id": agent.user_id,
        "portal_id": agent.portal_id,
        "email": agent.email,
        "display_name": agent.display_name,
        "avatar_url": agent.avatar_url,
        "role": agent.role,
        "max_chats": agent.max_chats,
    })
}

async fn caller_agent(state: &AppState, caller: Caller) -> Result<Agent, ApiError> {
    let caller = caller.agent_only()?;
    state
        .store
        .agent(&caller.user_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("no such agent".into()))
}

/// `GET /v1/agent/me`: the signed-in agent, with their role (the console shows Settings to
/// admins).
#[utoipa::path(get, path = "/v1/agent/me", tag = "agent",
    description = "The signed-in agent's account (any agent).",
    responses((status = 200, description = "`{r, agent}`"), (status = 401), (status = 403)))]
async fn show(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let agent = caller_agent(&state, caller).await?;
    Ok(Json(json!({ "r": 0, "agent": me_json(&agent) })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MeInput {
    display_name: Option<String>,
    avatar_url: Option<String>,
    password: Option<String>,
    old_password: Option<String>,
}

/// `PATCH /v1/agent/me`: a new password needs the old one.
#[utoipa::path(patch, path = "/v1/agent/me", tag = "agent",
    description = "Changes one's name, picture or password (the old one needed).",
    request_body = Object,
    responses((status = 200, description = "`{r, agent}`"), (status = 400), (status = 401), (status = 422)))]
async fn change(
    State(state): State<AppState>,
    caller: Caller,
    FieldJson(input): FieldJson<MeInput>,
) -> Result<Json<Value>, ApiError> {
    let mut agent = caller_agent(&state, caller).await?;
    if let Some(name) = &input.display_name {
        agent.display_name = check::text("display_name", name, 1, 100)?;
    }
    if let Some(url) = &input.avatar_url {
        agent.avatar_url = check::url("avatar_url", url)?;
    }
    if let Some(password) = &input.password {
        let password = check::password("password", password)?;
        let old = input.old_password.clone().unwrap_or_default();
        let hash = agent.password_hash.clone();
        let valid = tokio::task::spawn_blocking(move || verify_password(&old, &hash))
            .await
            .unwrap_or(false);
        if !valid {
            return Err(ApiError::Unauthorized("`old_password` is wrong".into()));
        }
        agent.password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| ApiError::Io(std::io::Error::other(e)))?;
    }
    let detail = json!({
        "display_name": input.display_name,
        "avatar_url": input.avatar_url,
        "password": input.password.as_ref().map(|_| "changed"),
    });
    let note = AuditNote::new(&agent.user_id, "agent.update_self", &agent.user_id, detail);
    state
        .store
        .update_agent(&agent, None, &note)
        .await
        .map_err(|e| super::admin::refused(e, "no such agent", ""))?;
    Ok(Json(json!({ "r": 0, "agent": me_json(&agent) })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Invitation {
    token: Option<String>,
    password: Option<String>,
}

/// `POST /v1/agent/invitation` with `{token, password}`: the invitation link's token, once,
/// within its 7 days → `{"r":0, "email"}`; the agent then signs in as usual.
#[utoipa::path(post, path = "/v1/agent/invitation", tag = "agent",
    description = "Sets an invited agent's first password with the invitation's token (single use, 7 days).",
    request_body = Object,
    responses((status = 200, description = "`{r, email}`"), (status = 400), (status = 404), (status = 422)))]
async fn accept_invitation(
    State(state): State<AppState>,
    FieldJson(input): FieldJson<Invitation>,
) -> Result<Json<Value>, ApiError> {
    let token = super::extract::required("token", input.token, 200)?;
    let password = check::password("password", input.password.as_deref().unwrap_or(""))?;
    let hash = crate::admin::token_hash(&token);
    let user_id = state
        .store
        .redeem_invitation(&hash, crate::hours::now_ms())
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(
                "this invitation is used, expired or unknown: ask an admin for a new one".into(),
            )
        })?;
    let mut agent = state
        .store
        .agent(&user_id)
        .await?
        .filter(|a| a.active)
        .ok_or_else(|| ApiError::NotFound("the invited account is gone".into()))?;
    agent.password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Io(std::io::Error::other(e)))?;
    let note = AuditNote::new(&user_id, "agent.accept_invitation", &user_id, json!({}));
    state
        .store
        .update_agent(&agent, None, &note)
        .await
        .map_err(|e| super::admin::refused(e, "no such agent", ""))?;
    Ok(Json(json!({ "r": 0, "email": agent.email })))
}
