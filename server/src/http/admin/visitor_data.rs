//! `GET /v1/admin/visitor-data`, `POST /v1/admin/visitor-data/erase`: one visitor's data on
//! request, found by email (every browser they used, and tickets left with it) or by visitor
//! id. The export is every chat with its messages, every ticket and file record, as JSON; the
//! erasure removes messages, notes, tickets, files (their bytes too) and the visitor records,
//! keeping each chat as counts for reports. Both are written to the audit log.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Admin;
use crate::AppState;
use crate::error::ApiError;
use crate::http::extract::{ApiQuery, FieldJson};
use crate::store::{Person, VisitorData};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export))
        .routes(routes!(erase))
}

/// Who: `email` or `visitor_id`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Who {
    email: Option<String>,
    visitor_id: Option<String>,
}

impl Who {
    fn person(self, admin: &Admin) -> Result<Person, ApiError> {
        let email = self.email.unwrap_or_default().trim().to_string();
        let visitor_id = self.visitor_id.unwrap_or_default().trim().to_string();
        if email.is_empty() == visitor_id.is_empty() {
            return Err(ApiError::BadRequest(
                "give one of `email` and `visitor_id`".into(),
            ));
        }
        Ok(Person {
            portal_id: admin.portal_id.clone(),
            visitor_id,
            email,
        })
    }
}

/// The audit log names the visitors by their ids only: an email would outlive an erasure.
fn ids_of(data: &VisitorData) -> String {
    let ids: Vec<&str> = data.visitors.iter().map(|v| v.user_id.as_str()).collect();
    ids.join(",")
}

fn counts(data: &VisitorData) -> Value {
    json!({ "chats": data.chats.len(), "messages": data.messages.len(), "tickets": data.tickets.len() })
}

fn data_json(data: &VisitorData) -> Value {
    json!({
        "visitors": data.visitors.iter().map(|v| json!({
            "userId": v.user_id, "name": v.name, "email": v.email, "phone": v.phone,
            "avatarUrl": v.avatar_url,
            "details": serde_json::from_str::<Value>(&v.details).unwrap_or(Value::Null),
        })).collect::<Vec<_>>(),
        "chats": data.chats.iter().map(|c| json!({
            "convId": c.id, "queueId": c.queue_id, "status": c.status, "agentId": c.agent_id,
            "rating": c.rating, "ratingComment": c.rating_comment, "created": c.created_at,
        })).collect::<Vec<_>>(),
        "messages": data.messages.iter().map(crate::message::message_json).collect::<Vec<_>>(),
        "tickets": data.tickets.iter().map(|t| json!({
            "id": t.id, "convId": t.conv_id, "queueId": t.queue_id, "name": t.name,
            "email": t.email, "phone": t.phone, "note": t.note,
            "fields": serde_json::from_str::<Value>(&t.fields).unwrap_or(Value::Null),
            "created": t.created_at,
        })).collect::<Vec<_>>(),
        "files": data.files.iter().map(|f| json!({
            "id": f.id, "name": f.name, "contentType": f.content_type, "size": f.size,
            "uploader": f.uploader, "created": f.created_at,
        })).collect::<Vec<_>>(),
    })
}

/// `GET /v1/admin/visitor-data?email=…` or `?visitor_id=…`.
#[utoipa::path(get, path = "/v1/admin/visitor-data", tag = "admin",
    description = "Everything stored of one visitor, found by `email` (every browser they used, and tickets left with it) or `visitor_id`: visitor records, chats, every message of those chats, tickets and file records, as JSON (admins; audited as visitor.export).",
    params(("email" = Option<String>, Query), ("visitor_id" = Option<String>, Query)),
    responses((status = 200, description = "`{r, visitors, chats, messages, tickets, files}`"), (status = 400), (status = 401), (status = 403)))]
async fn export(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(who): ApiQuery<Who>,
) -> Result<Json<Value>, ApiError> {
    let person = who.person(&admin)?;
    let data = state.store.visitor_data(&person).await?;
    let note = admin.note("visitor.export", &ids_of(&data), counts(&data));
    state.store.audit(&admin.portal_id, &note).await?;
    let mut reply = data_json(&data);
    reply["r"] = json!(0);
    Ok(Json(reply))
}

/// `POST /v1/admin/visitor-data/erase` with `email` or `visitor_id`.
#[utoipa::path(post, path = "/v1/admin/visitor-data/erase", tag = "admin",
    description = "Erases one visitor's data, found as the export finds it: messages, private notes, tickets, files (their bytes too) and visitor records; each chat stays as counts for reports (admins; audited as visitor.erase).",
    request_body = Object,
    responses((status = 200, description = "`{r, erased: {visitors, chats, messages, tickets, files}}`"), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn erase(
    State(state): State<AppState>,
    admin: Admin,
    FieldJson(who): FieldJson<Who>,
) -> Result<Json<Value>, ApiError> {
    let person = who.person(&admin)?;
    let data = state.store.visitor_data(&person).await?;
    let note = admin.note("visitor.erase", &ids_of(&data), counts(&data));
    let erased = state.store.erase_visitor(&person, &note).await?;
    for id in &erased.files {
        match tokio::fs::remove_file(state.files_dir.join(id)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                tracing::warn!(file = %id, error = %e, "an erased file's bytes could not be removed");
            }
            _ => {}
        }
    }
    Ok(Json(json!({
        "r": 0,
        "erased": {
            "visitors": erased.visitors,
            "chats": erased.chats,
            "messages": erased.messages,
            "tickets": erased.tickets,
            "files": erased.files.len(),
        },
    })))
}
