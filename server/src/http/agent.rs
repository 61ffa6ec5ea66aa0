//! Agents' REST calls: sign in, and the portal's agents with who is online (for transfers).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use super::caller::Caller;
use super::extract::{ApiJson, required};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::verify_password;
use crate::error::ApiError;
use crate::token;

/// The agent routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(agents))
        .routes(routes!(queues))
}

#[derive(Deserialize)]
struct Login {
    email: Option<String>,
    password: Option<String>,
}

/// `POST /v1/agent/login` with `{"email", "password"}` → `{"r":0, "access_token", "userId"}`.
#[utoipa::path(post, path = "/v1/agent/login", tag = "agent",
    description = "Agent sign-in with email and password; throttled after 5 wrong passwords.",
    request_body = Object,
    responses((status = 200, description = "`{r, access_token, userId, role}`"), (status = 400), (status = 401), (status = 429)))]
async fn login(
    State(state): State<AppState>,
    ApiJson(login): ApiJson<Login>,
) -> Result<Json<Value>, ApiError> {
    let email = required("email", login.email, 254)?;
    let password = login.password.unwrap_or_default();
    if password.is_empty() || password.len() > 1024 {
        return Err(ApiError::BadRequest(
            "parameter `password` is required".into(),
        ));
    }
    let now = tokio::time::Instant::now();
    if let Err(wait) = state.login_throttle.check(&email, now) {
        return Err(too_many(wait));
    }
    let agent = state.store.agent_by_email(&email).await?;
    // Verify even when the email is unknown, so that timing does not tell which emails exist.
    let hash = agent
        .as_ref()
        .map(|a| a.password_hash.as_str())
        .unwrap_or(DUMMY_HASH);
    let valid = tokio::task::spawn_blocking({
        let (password, hash) = (password, hash.to_string());
        move || verify_password(&password, &hash)
    })
    .await
    .unwrap_or(false);
    let agent = match agent {
        Some(agent) if valid => agent,
        _ => {
            return Err(match state.login_throttle.failed(&email, now) {
                Some(wait) => too_many(wait),
                None => ApiError::Unauthorized("email or password is wrong".into()),
            });
        }
    };
    state.login_throttle.succeeded(&email);
    if !agent.active {
        return Err(ApiError::Unauthorized(
            "this agent account is deactivated".into(),
        ));
    }
    let key = super::customer::signing_key(&state, &agent.portal_id).await?;
    let access_token = token::issue(
        &agent.user_id,
        &key.sid,
        &key.secret,
        token::AGENT_TOKEN_LIFETIME_SECS,
    );
    Ok(Json(json!({
        "r": 0,
        "access_token": access_token,
        "userId": agent.user_id,
        "role": agent.role,
    })))
}

fn too_many(wait: std::time::Duration) -> ApiError {
    ApiError::RetryAfter(
        "too many wrong passwords for this email; try again later".into(),
        wait.as_secs().max(1),
    )
}

/// The Argon2 hash of a random password nobody knows, checked when the email is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0cT8zqj0HlKyUSxoO1jP6n0ErHQ0jlNHCrgPaH2RBfY";

/// `GET /v1/agent/agents` (agents, with a token): the portal's agents and whether each has a
/// socket open on this node, for the transfer menu.
#[utoipa::path(get, path = "/v1/agent/agents", tag = "agent",
    description = "The portal's agents and who is online (agents).",
    responses((status = 200, description = "`{r, agents}`"), (status = 401), (status = 403)))]
async fn agents(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let agents = state.store.agents(&caller.portal_id).await?;
    let online = state.routing.online_agents().await;
    let list: Vec<Value> = agents
        .iter()
        .map(|a| {
            json!({
                "userId": a.user_id,
                "name": a.display_name,
                "email": a.email,
                "online": online.contains(&a.user_id),
            })
        })
        .collect();
    Ok(Json(json!({ "r": 0, "agents": list })))
}

/// `GET /v1/agent/queues` (agents): the portal's queues, for the search filters.
#[utoipa::path(get, path = "/v1/agent/queues", tag = "agent",
    description = "The portal's queues, in the order visitors see them (agents).",
    responses((status = 200, description = "`{r, queues}`: each `{id, name}`"), (status = 401), (status = 403)))]
async fn queues(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let queues = state.store.queues(&caller.portal_id).await?;
    let list: Vec<Value> = queues
        .iter()
        .map(|q| json!({ "id": q.id, "name": q.name }))
        .collect();
    Ok(Json(json!({ "r": 0, "queues": list })))
}
