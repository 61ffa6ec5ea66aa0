//! The customer REST calls, under Stringee's paths: a visitor's widget calls these before it
//! has a token.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use parlor_protocol::R_OK;
use parlor_protocol::rest::{CHAT_PROFILE_PATH, ChatProfile, ChatProfileReply, Queue};
use serde::Deserialize;

use super::extract::{ApiQuery, required};
use crate::AppState;
use crate::error::ApiError;

/// Longest widget key accepted; real ones are 32 characters.
const MAX_WIDGET_KEY: usize = 128;

/// The customer routes.
pub fn router() -> Router<AppState> {
    Router::new().route(CHAT_PROFILE_PATH, get(chat_profile))
}

#[derive(Deserialize)]
struct ProfileParams {
    key: Option<String>,
}

/// `GET /v1/chatcustomer/getsettingandqueues?key=…`: the portal's settings and its queues.
async fn chat_profile(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ProfileParams>,
) -> Result<impl IntoResponse, ApiError> {
    let key = required("key", params.key, MAX_WIDGET_KEY)?;
    let portal = state
        .store
        .portal_by_widget_key(&key)
        .await?
        .ok_or_else(|| ApiError::NotFound("no portal has this widget key".to_string()))?;
    let queues = state.store.queues(&portal.id).await?;
    let reply = ChatProfileReply {
        r: R_OK,
        chat_profile: ChatProfile {
            project_id: portal.id.clone(),
            id: portal.id,
            portal: portal.name,
            language: portal.language,
            background: portal.color,
            logo_url: portal.logo_url,
            auto_create_ticket: portal.auto_create_ticket.into(),
            popup_answer_url: String::new(),
            agent_max_serve: portal.agent_max_serve,
            enabled: portal.enabled.into(),
            business_hour_id: String::new(),
            hour: portal.business_hours,
            facebook_as_livechat: 0,
            zalo_as_livechat: 0,
        },
        queues: queues
            .into_iter()
            .map(|q| Queue {
                id: q.id,
                name: q.name,
            })
            .collect(),
    };
    // The widget runs on the portal's own site, so this call is cross-origin. It carries no
    // cookies and answers only what the public widget key already reveals.
    Ok((
        [(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        )],
        Json(reply),
    ))
}
