//! The customer REST calls, under Stringee's paths: a visitor's widget calls these before it
//! has a token.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use parlor_protocol::rest::{ChatProfile, ChatProfileReply, Queue};
use parlor_protocol::{R_OK, looks_like_email};
use serde::Deserialize;
use serde_json::json;

use super::extract::{ApiQuery, required};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;
use crate::origin::RequestOrigin;
use crate::store::{ApiKey, Portal, Visitor};
use crate::token;

/// Longest widget key accepted; real ones are 32 characters.
pub const MAX_WIDGET_KEY: usize = 128;

/// Longest visitor name accepted.
pub const MAX_NAME: usize = 100;
/// Longest email accepted (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;
/// Longest browser-kept visitor id accepted.
const MAX_CLIENT_ID: usize = 128;

/// The customer routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(chat_profile))
        .routes(routes!(live_chat_token))
}

/// Counts a customer call from `peer` against its address's limit.
pub fn limit_customer(state: &AppState, peer: SocketAddr) -> Result<(), ApiError> {
    state
        .customer_limit
        .take(peer.ip(), tokio::time::Instant::now())
        .map_err(|wait| {
            ApiError::RetryAfter(
                "too many requests from this address; try again later".into(),
                wait.as_secs().max(1),
            )
        })
}

/// The portal of a widget key, if the request's origin may use it.
pub async fn portal_for(
    state: &AppState,
    headers: &HeaderMap,
    key: &str,
) -> Result<Arc<Portal>, ApiError> {
    let portal = state
        .portals
        .by_widget_key(state.store.as_ref(), key)
        .await?
        .ok_or_else(|| ApiError::NotFound("no portal has this widget key".to_string()))?;
    if !RequestOrigin::from_headers(headers).allowed_by(&portal.allowed_origins) {
        return Err(ApiError::Forbidden(
            "this page's origin is not allowed to use the portal's widget".into(),
        ));
    }
    Ok(portal)
}

/// The key Parlor signs a portal's tokens with (the portal's own, apart from its API keys).
pub async fn signing_key(state: &AppState, portal_id: &str) -> Result<ApiKey, ApiError> {
    state
        .store
        .api_keys(portal_id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::NotFound("the portal has no API key".to_string()))
}

/// The visitor user id of the browser-kept id `client_id`: derived with the portal's API
/// secret, so the same browser stays the same visitor and nobody can name another user.
pub fn visitor_id(portal: &Portal, client_id: &str) -> Result<String, ApiError> {
    let client_id = required("userId", Some(client_id.to_string()), MAX_CLIENT_ID)?;
    Ok(format!(
        "visitor-{}",
        token::derive_id(
            &portal.visitor_secret,
            &format!("{}\n{client_id}", portal.id)
        )
    ))
}

#[derive(Deserialize)]
struct TokenParams {
    key: Option<String>,
    username: Option<String>,
    email: Option<String>,
    #[serde(rename = "userId")]
    user_id: Option<String>,
}

/// `GET /v1/chatcustomer?key=&username=&email=&userId=` → `{"r":0, "access_token"}`.
///
/// `userId` is the id the visitor's browser keeps; the token's user id is derived from it with
/// the portal's API secret, so the same browser stays the same visitor, agents never see the
/// browser's own id, and nobody can ask for a token in another user's name (see
/// `docs/protocol.md`). Without `userId`, every call is a new visitor.
#[utoipa::path(get, path = "/v1/chatcustomer", tag = "customer",
    description = "A visitor's live chat token (rate-limited per address).",
    params(("key" = String, Query), ("username" = String, Query), ("email" = String, Query), ("userId" = String, Query)),
    responses((status = 200, description = "`{r, access_token}`"), (status = 400), (status = 403), (status = 404), (status = 429)))]
async fn live_chat_token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<TokenParams>,
) -> Result<impl IntoResponse, ApiError> {
    limit_customer(&state, peer)?;
    let key = required("key", params.key, MAX_WIDGET_KEY)?;
    let name = required("username", params.username, MAX_NAME)?;
    let email = required("email", params.email, MAX_EMAIL)?;
    if !looks_like_email(&email) {
        return Err(ApiError::BadRequest(
            "parameter `email` is not an email address".into(),
        ));
    }
    let client_id = params
        .user_id
        .filter(|id| !id.trim().is_empty())
        .unwrap_or_else(|| crate::ids::random_hex(16));
    let portal = portal_for(&state, &headers, &key).await?;
    if portal.identity_verification {
        return Err(ApiError::Forbidden(
            "this portal verifies visitors' identity: the site's backend issues their tokens"
                .into(),
        ));
    }
    let user_id = visitor_id(&portal, &client_id)?;
    let api_key = signing_key(&state, &portal.id).await?;
    state
        .store
        .upsert_visitor(&Visitor {
            name,
            email,
            ..Visitor::new(&user_id, &portal.id)
        })
        .await?;
    let access_token = token::issue(
        &user_id,
        &api_key.sid,
        &api_key.secret,
        token::VISITOR_TOKEN_LIFETIME_SECS,
    );
    // Readable cross-origin through the API's CORS layer (`http::router`).
    Ok(Json(json!({ "r": R_OK, "access_token": access_token })))
}

#[derive(Deserialize)]
struct ProfileParams {
    key: Option<String>,
}

/// `GET /v1/chatcustomer/getsettingandqueues?key=…`: the portal's settings and its queues.
#[utoipa::path(get, path = "/v1/chatcustomer/getsettingandqueues", tag = "customer",
    description = "The portal's widget settings and queues (rate-limited per address).",
    params(("key" = String, Query)),
    responses((status = 200, description = "`{r, chatProfile, queues}`"), (status = 400), (status = 403), (status = 404), (status = 429)))]
async fn chat_profile(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ProfileParams>,
) -> Result<impl IntoResponse, ApiError> {
    limit_customer(&state, peer)?;
    let key = required("key", params.key, MAX_WIDGET_KEY)?;
    let portal = portal_for(&state, &headers, &key).await?;
    let queues = state.store.queues(&portal.id).await?;
    let online = state.routing.available_per_queue().await;
    let open = crate::hours::portal_open_now(&portal);
    let reply = ChatProfileReply {
        r: R_OK,
        chat_profile: ChatProfile {
            project_id: portal.id.clone(),
            id: portal.id.clone(),
            portal: portal.name.clone(),
            language: portal.language.clone(),
            background: portal.color.clone(),
            logo_url: portal.logo_url.clone(),
            auto_create_ticket: portal.auto_create_ticket.into(),
            popup_answer_url: String::new(),
            agent_max_serve: portal.agent_max_serve,
            enabled: portal.enabled.into(),
            business_hour_id: String::new(),
            hour: portal.business_hours.clone(),
            facebook_as_livechat: 0,
            zalo_as_livechat: 0,
            position: portal.position.clone(),
            greeting: portal.greeting.clone(),
            offline_message: portal.offline_message.clone(),
            reply_time_text: portal.reply_time_text.clone(),
            identity_verification: portal.identity_verification.into(),
            prechat: serde_json::from_str(&portal.prechat_fields).unwrap_or_default(),
            typing_preview: portal.typing_preview.into(),
        },
        queues: queues
            .into_iter()
            .map(|q| Queue {
                // Outside business hours nobody is there to take a chat.
                agents_online: Some(if open {
                    online.get(&q.id).copied().unwrap_or(0) as u32
                } else {
                    0
                }),
                id: q.id,
                name: q.name,
            })
            .collect(),
    };
    // The widget runs on the portal's own site, so this call is cross-origin: the API's CORS
    // layer (`http::router`) makes it readable there.
    Ok(Json(reply))
}
