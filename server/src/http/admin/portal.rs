//! `GET/PATCH /v1/admin/portal`: the portal's widget look, texts, limits, hours, pre-chat form
//! and security settings.

use axum::Json;
use axum::extract::State;
use parlor_protocol::prechat::PrechatForm;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Admin, check};
use crate::AppState;
use crate::error::ApiError;
use crate::http::extract::FieldJson;
use crate::store::Portal;

/// Most origins a portal may list.
const MAX_ORIGINS: usize = 50;
/// Most closed dates a portal may list.
const MAX_CLOSED_DATES: usize = 366;
/// Longest widget text (greeting, offline message, reply time), in characters.
const MAX_WIDGET_TEXT: usize = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show, change))
}

/// The portal as the admin API shows it.
pub fn portal_json(portal: &Portal) -> Value {
    let origins: Vec<&str> = portal
        .allowed_origins
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .collect();
    let closed: Value = serde_json::from_str(&portal.closed_dates).unwrap_or(json!([]));
    let prechat: PrechatForm = serde_json::from_str(&portal.prechat_fields).unwrap_or_default();
    json!({
        "id": portal.id,
        "widget_key": portal.widget_key,
        "name": portal.name,
        "color": portal.color,
        "logo_url": portal.logo_url,
        "language": portal.language,
        "position": portal.position,
        "greeting": portal.greeting,
        "offline_message": portal.offline_message,
        "reply_time_text": portal.reply_time_text,
        "agent_max_serve": portal.agent_max_serve,
        "allowed_origins": origins,
        "identity_verification": portal.identity_verification,
        "business_hours": portal.business_hours,
        "closed_dates": closed,
        "prechat_fields": prechat,
        "auto_create_ticket": portal.auto_create_ticket,
        "typing_preview": portal.typing_preview,
        "retention_days": portal.retention_days,
        "enabled": portal.enabled,
    })
}

/// `GET /v1/admin/portal`.
#[utoipa::path(get, path = "/v1/admin/portal", tag = "admin",
    description = "The portal's settings (admins).",
    responses((status = 200, description = "`{r, portal}`"), (status = 401), (status = 403)))]
async fn show(State(state): State<AppState>, admin: Admin) -> Result<Json<Value>, ApiError> {
    let portal = state
        .store
        .portal(&admin.portal_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("the portal is gone".into()))?;
    Ok(Json(json!({ "r": 0, "portal": portal_json(&portal) })))
}

/// What a PATCH may change; absent fields stay as they are, unknown ones are refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PortalPatch {
    name: Option<String>,
    color: Option<String>,
    logo_url: Option<String>,
    language: Option<String>,
    position: Option<String>,
    greeting: Option<String>,
    offline_message: Option<String>,
    reply_time_text: Option<String>,
    agent_max_serve: Option<i64>,
    allowed_origins: Option<Vec<String>>,
    identity_verification: Option<bool>,
    business_hours: Option<String>,
    closed_dates: Option<Vec<String>>,
    prechat_fields: Option<PrechatForm>,
    auto_create_ticket: Option<bool>,
    typing_preview: Option<bool>,
    retention_days: Option<i64>,
    enabled: Option<bool>,
}

/// `PATCH /v1/admin/portal`: every field is checked before any is changed; the change and its
/// audit entry are written together, and the cached settings are dropped so that the next
/// chat profile shows them.
#[utoipa::path(patch, path = "/v1/admin/portal", tag = "admin",
    description = "Changes the portal's settings; absent fields stay (admins).",
    request_body = Object,
    responses((status = 200, description = "`{r, portal}`"), (status = 400), (status = 401),
        (status = 403), (status = 413), (status = 422)))]
async fn change(
    State(state): State<AppState>,
    admin: Admin,
    FieldJson(detail): FieldJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let patch: PortalPatch = serde_path_to_error::deserialize(detail.clone())
        .map_err(|e| ApiError::BadRequest(format!("`{}`: {}", e.path(), e.inner())))?;
    let mut portal = state
        .store
        .portal(&admin.portal_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("the portal is gone".into()))?;
    apply(&mut portal, patch)?;
    let note = admin.note("portal.update", &portal.id, detail);
    state.store.update_portal(&portal, &note).await?;
    state.portals.invalidate(&portal.id);
    Ok(Json(json!({ "r": 0, "portal": portal_json(&portal) })))
}

fn apply(portal: &mut Portal, patch: PortalPatch) -> Result<(), ApiError> {
    if let Some(name) = patch.name {
        portal.name = check::text("name", &name, 1, 100)?;
    }
    if let Some(color) = patch.color {
        portal.color = check::color("color", &color)?;
    }
    if let Some(url) = patch.logo_url {
        portal.logo_url = check::url("logo_url", &url)?;
    }
    if let Some(language) = patch.language {
        portal.language = check::one_of("language", &language, &["en", "vi"])?;
    }
    if let Some(position) = patch.position {
        portal.position = check::one_of("position", &position, &["left", "right"])?;
    }
    if let Some(text) = patch.greeting {
        portal.greeting = check::text("greeting", &text, 0, MAX_WIDGET_TEXT)?;
    }
    if let Some(text) = patch.offline_message {
        portal.offline_message = check::text("offline_message", &text, 0, MAX_WIDGET_TEXT)?;
    }
    if let Some(text) = patch.reply_time_text {
        portal.reply_time_text = check::text("reply_time_text", &text, 0, MAX_WIDGET_TEXT)?;
    }
    if let Some(max) = patch.agent_max_serve {
        portal.agent_max_serve = check::number("agent_max_serve", max, 1, 50)? as u32;
    }
    if let Some(origins) = patch.allowed_origins {
        if origins.len() > MAX_ORIGINS {
            return Err(ApiError::Invalid(format!(
                "`allowed_origins` lists more than {MAX_ORIGINS} origins"
            )));
        }
        let origins = origins
            .iter()
            .map(|o| check::origin(o))
            .collect::<Result<Vec<_>, _>>()?;
        portal.allowed_origins = origins.join(",");
    }
    if let Some(on) = patch.identity_verification {
        portal.identity_verification = on;
    }
    if let Some(hours) = patch.business_hours {
        let hours = check::text("business_hours", &hours, 0, 1000)?;
        crate::hours::Hours::parse(&hours)
            .map_err(|e| ApiError::Invalid(format!("`business_hours`: {e}")))?;
        portal.business_hours = hours;
    }
    if let Some(mut dates) = patch.closed_dates {
        if dates.len() > MAX_CLOSED_DATES {
            return Err(ApiError::Invalid(format!(
                "`closed_dates` lists more than {MAX_CLOSED_DATES} dates"
            )));
        }
        for date in &mut dates {
            *date = date.trim().to_string();
            crate::hours::parse_date(date)
                .map_err(|e| ApiError::Invalid(format!("`closed_dates`: {e}")))?;
        }
        dates.sort();
        dates.dedup();
        portal.closed_dates = json!(dates).to_string();
    }
    if let Some(form) = patch.prechat_fields {
        form.validate()
            .map_err(|e| ApiError::Invalid(format!("`prechat_fields`: {e}")))?;
        portal.prechat_fields = json!(form).to_string();
    }
    if let Some(on) = patch.auto_create_ticket {
        portal.auto_create_ticket = on;
    }
    if let Some(on) = patch.typing_preview {
        portal.typing_preview = on;
    }
    if let Some(days) = patch.retention_days {
        portal.retention_days = check::number("retention_days", days, 0, 3650)?;
    }
    if let Some(on) = patch.enabled {
        portal.enabled = on;
    }
    Ok(())
}
