//! `GET/POST /v1/admin/agents`, `PATCH/DELETE /v1/admin/agents/{user_id}`: the portal's
//! agents and admins, invited by email.

use std::collections::HashSet;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Admin, check, refused};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::NO_PASSWORD;
use crate::error::ApiError;
use crate::http::extract::FieldJson;
use crate::store::{Agent, NewAgent, Role};

/// Most agents a portal may have.
const MAX_AGENTS: usize = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(change, remove))
}

/// An agent as the admin API shows it; `online`: the agents with a socket open (any node).
async fn agent_json(
    state: &AppState,
    agent: &Agent,
    online: &HashSet<String>,
) -> Result<Value, ApiError> {
    let (queues, _) = state.store.agent_queues(&agent.user_id).await?;
    let chats = state.store.active_chats_of(&agent.user_id).await?;
    Ok(json!({
        "user_id": agent.user_id,
        "email": agent.email,
        "display_name": agent.display_name,
        "avatar_url": agent.avatar_url,
        "role": agent.role,
        "active": agent.active,
        "max_chats": agent.max_chats,
        "queues": queues,
        // Invited, and has not set a password yet.
        "invited": agent.password_hash == NO_PASSWORD,
        "online": online.contains(&agent.user_id),
        "chats": chats.len(),
    }))
}

/// `GET /v1/admin/agents`: with who is online and how many chats each serves now.
#[utoipa::path(get, path = "/v1/admin/agents", tag = "admin",
    description = "The portal's agents, who is online and their chats now (admins).",
    responses((status = 200, description = "`{r, agents}`"), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, admin: Admin) -> Result<Json<Value>, ApiError> {
    let mut list = Vec::new();
    let online = state.routing.online_agents().await;
    for agent in state.store.agents(&admin.portal_id).await? {
        list.push(agent_json(&state, &agent, &online).await?);
    }
    Ok(Json(json!({ "r": 0, "agents": list })))
}

/// What POST and PATCH take (the email only at creation).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentInput {
    email: Option<String>,
    display_name: Option<String>,
    role: Option<Role>,
    max_chats: Option<i64>,
    queues: Option<Vec<String>>,
    active: Option<bool>,
}

/// The origin people reach this server at, for links in mail.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.settings.public_url {
        return url.clone();
    }
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(origin) = text(header::ORIGIN).filter(|o| check::origin(o).is_ok()) {
        return origin.to_string();
    }
    format!("http://{}", text(header::HOST).unwrap_or("localhost"))
}

/// `POST /v1/admin/agents` with `email` (and optionally the rest): creates the account and
/// mails an invitation to set a password → 201 and the agent.
#[utoipa::path(post, path = "/v1/admin/agents", tag = "admin",
    description = "Invites an agent by email (admins).",
    request_body = Object,
    responses((status = 201, description = "`{r, agent}`"), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    FieldJson(input): FieldJson<AgentInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let email = input
        .email
        .as_deref()
        .ok_or_else(|| ApiError::BadRequest("parameter `email` is required".into()))?;
    let email = check::text("email", email, 3, 254)?.to_lowercase();
    if !parlor_protocol::looks_like_email(&email) || crate::mail::mailbox(&email).is_err() {
        return Err(ApiError::Invalid("`email` is not an email address".into()));
    }
    if input.active.is_some() {
        return Err(ApiError::BadRequest(
            "a new agent is active; `active` is for changes".into(),
        ));
    }
    let portal = state
        .store
        .portal(&admin.portal_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("the portal is gone".into()))?;
    if state.store.agents(&portal.id).await?.len() >= MAX_AGENTS {
        return Err(ApiError::Conflict(format!(
            "a portal has at most {MAX_AGENTS} agents"
        )));
    }
    let name = email.split('@').next().unwrap_or("Agent").to_string();
    let mut agent = Agent::new(
        &format!("agent-{}", crate::ids::random_hex(6)),
        &portal.id,
        &email,
        &name,
    );
    agent.max_chats = portal.agent_max_serve;
    let queues = input.queues.clone();
    apply(&mut agent, input)?;
    // Without a list, a new agent serves every queue, as the first agents of a portal do.
    let queues = match queues {
        Some(queues) => queues,
        None => state
            .store
            .queues(&portal.id)
            .await?
            .into_iter()
            .map(|q| q.id)
            .collect(),
    };
    let note = admin.note(
        "agent.invite",
        &agent.user_id,
        json!({ "email": agent.email, "role": agent.role, "queues": queues }),
    );
    let new = NewAgent {
        agent: agent.clone(),
        queues,
    };
    state
        .store
        .create_agent(&new, &note)
        .await
        .map_err(|e| match e {
            crate::store::ChangeError::NotFound => {
                ApiError::Invalid("`queues` lists a queue this portal does not have".into())
            }
            other => refused(other, "", "an agent with this email exists"),
        })?;
    let inviter = state
        .store
        .agent(&admin.user_id)
        .await?
        .map(|a| a.display_name)
        .unwrap_or_else(|| "An admin".into());
    crate::admin::invite(
        &state,
        &portal,
        &agent,
        &inviter,
        &base_url(&state, &headers),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "r": 0, "agent": agent_json(&state, &agent, &state.routing.online_agents().await).await? }),
        ),
    ))
}

fn apply(agent: &mut Agent, input: AgentInput) -> Result<(), ApiError> {
    if let Some(name) = input.display_name {
        agent.display_name = check::text("display_name", &name, 1, 100)?;
    }
    if let Some(role) = input.role {
        agent.role = role;
    }
    if let Some(max) = input.max_chats {
        agent.max_chats = check::number("max_chats", max, 1, 50)? as u32;
    }
    if let Some(active) = input.active {
        agent.active = active;
    }
    Ok(())
}

/// Refuses a change that would leave the portal without an active admin.
async fn keep_an_admin(state: &AppState, portal_id: &str, user_id: &str) -> Result<(), ApiError> {
    let others = state
        .store
        .agents(portal_id)
        .await?
        .into_iter()
        .filter(|a| a.user_id != user_id && a.active && a.is_admin())
        .count();
    if others == 0 {
        return Err(ApiError::Conflict(
            "the portal's last admin cannot be removed, demoted or deactivated".into(),
        ));
    }
    Ok(())
}

async fn portal_agent(state: &AppState, admin: &Admin, user_id: &str) -> Result<Agent, ApiError> {
    state
        .store
        .agent(user_id)
        .await?
        .filter(|a| a.portal_id == admin.portal_id)
        .ok_or_else(|| ApiError::NotFound("no such agent".into()))
}

/// `PATCH /v1/admin/agents/{user_id}`: name, role, capacity, queues, active. Deactivating signs
/// the agent out at once and puts their chats back in their queues.
#[utoipa::path(patch, path = "/v1/admin/agents/{user_id}", tag = "admin",
    description = "Changes an agent's name, role, capacity, queues or active state (admins).",
    request_body = Object,
    params(("user_id" = String, Path)),
    responses((status = 200, description = "`{r, agent}`"), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn change(
    State(state): State<AppState>,
    admin: Admin,
    Path(user_id): Path<String>,
    FieldJson(input): FieldJson<AgentInput>,
) -> Result<Json<Value>, ApiError> {
    if input.email.is_some() {
        return Err(ApiError::BadRequest(
            "`email` cannot change; invite the new address instead".into(),
        ));
    }
    let before = portal_agent(&state, &admin, &user_id).await?;
    let mut agent = before.clone();
    let queues = input.queues.clone();
    let detail = json!({
        "display_name": input.display_name,
        "role": input.role,
        "max_chats": input.max_chats,
        "queues": input.queues,
        "active": input.active,
    });
    apply(&mut agent, input)?;
    let was_admin = before.active && before.is_admin();
    if was_admin && !(agent.active && agent.is_admin()) {
        keep_an_admin(&state, &admin.portal_id, &user_id).await?;
    }
    let action = match (before.active, agent.active) {
        (true, false) => "agent.deactivate",
        (false, true) => "agent.activate",
        _ => "agent.update",
    };
    let note = admin.note(action, &user_id, detail);
    state
        .store
        .update_agent(&agent, queues.as_deref(), &note)
        .await
        .map_err(|e| match e {
            crate::store::ChangeError::NotFound => {
                ApiError::Invalid("`queues` lists a queue this portal does not have".into())
            }
            other => refused(other, "no such agent", ""),
        })?;
    if before.active && !agent.active {
        crate::admin::sign_out_agent(&state, &agent).await?;
    } else {
        crate::admin::agent_changed(&state, &user_id).await?;
    }
    Ok(Json(
        json!({ "r": 0, "agent": agent_json(&state, &agent, &state.routing.online_agents().await).await? }),
    ))
}

/// `DELETE /v1/admin/agents/{user_id}`: the account goes (their chats keep their history);
/// they are signed out and their chats go back to their queues.
#[utoipa::path(delete, path = "/v1/admin/agents/{user_id}", tag = "admin",
    description = "Deletes an agent; their chats keep their history (admins).",
    params(("user_id" = String, Path)),
    responses((status = 200, description = "`{r}`"), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn remove(
    State(state): State<AppState>,
    admin: Admin,
    Path(user_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let agent = portal_agent(&state, &admin, &user_id).await?;
    if agent.active && agent.is_admin() {
        keep_an_admin(&state, &admin.portal_id, &user_id).await?;
    }
    crate::admin::sign_out_agent(&state, &agent).await?;
    let note = admin.note("agent.delete", &user_id, json!({ "email": agent.email }));
    state
        .store
        .delete_agent(&admin.portal_id, &user_id, &note)
        .await
        .map_err(|e| refused(e, "no such agent", ""))?;
    Ok(Json(json!({ "r": 0 })))
}
