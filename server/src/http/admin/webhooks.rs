//! `GET/POST /v1/admin/webhooks`, `PATCH/DELETE /v1/admin/webhooks/{id}`: the endpoints a
//! portal's events are sent to (see [`crate::webhook`]); each endpoint's latest deliveries, a
//! delivery sent again, a test event. Every change is audited, never with the secret.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Admin, check};
use crate::AppState;
use crate::error::ApiError;
use crate::http::extract::FieldJson;
use crate::store::webhook::{EVENTS, TEST_EVENT};
use crate::store::{Delivery, Webhook};
use crate::webhook::address;

/// Most endpoints a portal may have.
const MAX_WEBHOOKS: usize = 20;
/// Deliveries an endpoint's list shows.
const DELIVERIES_SHOWN: i64 = 50;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(change, remove))
        .routes(routes!(deliveries))
        .routes(routes!(redeliver))
        .routes(routes!(test))
}

/// An endpoint as the API shows it (to admins: the secret too, to check signatures with).
fn webhook_json(w: &Webhook) -> Value {
    json!({
        "id": w.id, "url": w.url, "events": w.event_list(), "secret": w.secret,
        "enabled": w.enabled, "created_at": w.created_at,
    })
}

/// What the audit log keeps of an endpoint: not its secret.
fn audited(w: &Webhook) -> Value {
    json!({ "url": w.url, "events": w.event_list(), "enabled": w.enabled })
}

fn delivery_json(d: &Delivery) -> Value {
    json!({
        "id": d.id, "event": d.event, "created_at": d.created_at, "status": d.status,
        "attempts": d.attempts, "next_attempt_at": d.next_attempt_at,
        "last_status": d.last_status, "last_error": d.last_error,
        "delivered_at": d.delivered_at,
    })
}

/// What POST and PATCH take.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookInput {
    url: Option<String>,
    events: Option<Vec<String>>,
    secret: Option<String>,
    enabled: Option<bool>,
}

/// Checks the URL: its form, then where its name points now.
async fn checked_url(state: &AppState, url: &str) -> Result<String, ApiError> {
    let allow = state.settings.webhook_allow_private;
    let parsed = address::check_url(url, allow).map_err(ApiError::Invalid)?;
    address::check_resolved(&parsed, allow)
        .await
        .map_err(ApiError::Invalid)?;
    check::text("url", parsed.as_str(), 1, 2000)
}

fn checked_events(events: &[String]) -> Result<String, ApiError> {
    let mut chosen = Vec::new();
    for event in events {
        let Some(known) = EVENTS.iter().find(|e| **e == event.as_str()) else {
            return Err(ApiError::Invalid(format!(
                "`{event}` is not an event; the events are {}",
                EVENTS.join(", ")
            )));
        };
        chosen.push(*known);
    }
    if chosen.is_empty() {
        return Err(ApiError::Invalid("choose at least one event".into()));
    }
    Ok(Webhook::events_text(&chosen))
}

fn checked_secret(secret: &str) -> Result<String, ApiError> {
    check::text("secret", secret, 16, 200)
}

/// `GET /v1/admin/webhooks`.
#[utoipa::path(get, path = "/v1/admin/webhooks", tag = "admin",
    description = "The portal's webhook endpoints, and every event they may ask for (admins).",
    responses((status = 200, description = "`{r, webhooks, events}`"), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, admin: Admin) -> Result<Json<Value>, ApiError> {
    let webhooks = state.store.webhooks(&admin.portal_id).await?;
    let list: Vec<Value> = webhooks.iter().map(webhook_json).collect();
    Ok(Json(json!({ "r": 0, "webhooks": list, "events": EVENTS })))
}

/// `POST /v1/admin/webhooks` with `url`, `events`, and optionally `secret` and `enabled`.
#[utoipa::path(post, path = "/v1/admin/webhooks", tag = "admin",
    description = "Registers an endpoint (admins): an https URL (http only to this machine), \
        the events to send, a secret of 16 characters or more (one is made when none is given).",
    request_body = Object,
    responses((status = 201, description = "`{r, webhook}`"), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    admin: Admin,
    FieldJson(input): FieldJson<WebhookInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (Some(url), Some(events)) = (&input.url, &input.events) else {
        return Err(ApiError::BadRequest(
            "parameters `url` and `events` are required".into(),
        ));
    };
    let secret = match &input.secret {
        Some(secret) => checked_secret(secret)?,
        None => format!("whsec_{}", crate::ids::random_hex(24)),
    };
    let webhook = Webhook {
        id: format!("wh{}", crate::ids::random_hex(8)),
        portal_id: admin.portal_id.clone(),
        url: checked_url(&state, url).await?,
        events: checked_events(events)?,
        secret,
        enabled: input.enabled.unwrap_or(true),
        created_at: crate::hours::now_ms(),
    };
    if state.store.webhooks(&admin.portal_id).await?.len() >= MAX_WEBHOOKS {
        return Err(ApiError::Conflict(format!(
            "at most {MAX_WEBHOOKS} webhook endpoints"
        )));
    }
    state.store.save_webhook(&webhook).await?;
    let note = admin.note("webhook.create", &webhook.id, audited(&webhook));
    state.store.audit(&admin.portal_id, &note).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "r": 0, "webhook": webhook_json(&webhook) })),
    ))
}

async fn found(state: &AppState, admin: &Admin, id: &str) -> Result<Webhook, ApiError> {
    state
        .store
        .webhooks(&admin.portal_id)
        .await?
        .into_iter()
        .find(|w| w.id == id)
        .ok_or_else(|| ApiError::NotFound("no such webhook".into()))
}

/// `PATCH /v1/admin/webhooks/{id}`: its URL, events, secret, or whether it is on.
#[utoipa::path(patch, path = "/v1/admin/webhooks/{id}", tag = "admin",
    description = "Changes an endpoint (admins); switched off, its deliveries wait (for a day).",
    request_body = Object,
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r, webhook}`"), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn change(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    FieldJson(input): FieldJson<WebhookInput>,
) -> Result<Json<Value>, ApiError> {
    let mut webhook = found(&state, &admin, &id).await?;
    if let Some(url) = &input.url {
        webhook.url = checked_url(&state, url).await?;
    }
    if let Some(events) = &input.events {
        webhook.events = checked_events(events)?;
    }
    if let Some(secret) = &input.secret {
        webhook.secret = checked_secret(secret)?;
    }
    if let Some(enabled) = input.enabled {
        webhook.enabled = enabled;
    }
    state.store.save_webhook(&webhook).await?;
    let mut detail = audited(&webhook);
    detail["secret_changed"] = json!(input.secret.is_some());
    let note = admin.note("webhook.update", &webhook.id, detail);
    state.store.audit(&admin.portal_id, &note).await?;
    Ok(Json(json!({ "r": 0, "webhook": webhook_json(&webhook) })))
}

/// `DELETE /v1/admin/webhooks/{id}`: with its deliveries, pending ones included.
#[utoipa::path(delete, path = "/v1/admin/webhooks/{id}", tag = "admin",
    description = "Deletes an endpoint and its deliveries, pending ones included (admins).",
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r}`"), (status = 401), (status = 403), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let webhook = found(&state, &admin, &id).await?;
    state.store.delete_webhook(&admin.portal_id, &id).await?;
    let note = admin.note("webhook.delete", &id, audited(&webhook));
    state.store.audit(&admin.portal_id, &note).await?;
    Ok(Json(json!({ "r": 0 })))
}

/// `GET /v1/admin/webhooks/{id}/deliveries`: the latest, newest first.
#[utoipa::path(get, path = "/v1/admin/webhooks/{id}/deliveries", tag = "admin",
    description = "An endpoint's latest 50 deliveries, newest first, with how each went (admins).",
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r, deliveries}`"), (status = 401), (status = 403), (status = 404)))]
async fn deliveries(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let webhook = found(&state, &admin, &id).await?;
    let list = state
        .store
        .deliveries(&webhook.id, DELIVERIES_SHOWN)
        .await?;
    let list: Vec<Value> = list.iter().map(delivery_json).collect();
    Ok(Json(json!({ "r": 0, "deliveries": list })))
}

/// `POST /v1/admin/webhooks/{id}/deliveries/{delivery}/redeliver`.
#[utoipa::path(post, path = "/v1/admin/webhooks/{id}/deliveries/{delivery}/redeliver",
    tag = "admin",
    description = "Sends a delivery again, with the same id, retried for another day (admins).",
    params(("id" = String, Path), ("delivery" = String, Path)),
    responses((status = 200, description = "`{r}`"), (status = 401), (status = 403), (status = 404)))]
async fn redeliver(
    State(state): State<AppState>,
    admin: Admin,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let webhook = found(&state, &admin, &id).await?;
    let now = crate::hours::now_ms();
    if !state.store.redeliver(&webhook.id, &delivery, now).await? {
        return Err(ApiError::NotFound("no such delivery".into()));
    }
    let note = admin.note(
        "webhook.redeliver",
        &webhook.id,
        json!({ "delivery": delivery }),
    );
    state.store.audit(&admin.portal_id, &note).await?;
    Ok(Json(json!({ "r": 0 })))
}

/// `POST /v1/admin/webhooks/{id}/test`: a `webhook.test` event to this endpoint only.
#[utoipa::path(post, path = "/v1/admin/webhooks/{id}/test", tag = "admin",
    description = "Sends a `webhook.test` event to the endpoint, whatever events it asked for \
        (admins).",
    params(("id" = String, Path)),
    responses((status = 201, description = "`{r, delivery}`: the delivery's id"), (status = 401), (status = 403), (status = 404)))]
async fn test(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let webhook = found(&state, &admin, &id).await?;
    let now = crate::hours::now_ms();
    let data = json!({ "webhook_id": webhook.id, "message": "A test event from Parlor." });
    let topic = format!("test-{}", webhook.id);
    let delivery = state
        .store
        .add_delivery(&webhook, TEST_EVENT, &topic, &data.to_string(), now)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "r": 0, "delivery": delivery })),
    ))
}
