//! Tickets: `GET /v1/chatcustomer/generateticket` (Stringee's call), which a visitor's widget
//! makes when nobody answered, and the agents' list of them.
//!
//! A ticket is stored before the answer; then a notice is mailed to the portal's agents, with
//! `Reply-To` set to the visitor, so that answering the mail answers them. A mail that cannot
//! go out by SMTP lands in the outbox: the ticket is never lost.

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::caller::Caller;
use super::customer::{MAX_EMAIL, MAX_NAME, MAX_WIDGET_KEY, portal_for, visitor_id};
use super::extract::{ApiQuery, required};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;
use crate::hours::utc_date_time;
use crate::mail::Mail;
use crate::store::{NewTicket, Ticket};

/// Longest ticket text, in characters.
pub const MAX_NOTE: usize = 5_000;
/// Longest phone number.
const MAX_PHONE: usize = 40;

/// The ticket routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(list))
        .routes(routes!(missed))
}

#[derive(Deserialize)]
struct TicketParams {
    key: Option<String>,
    username: Option<String>,
    email: Option<String>,
    #[serde(rename = "userId")]
    user_id: Option<String>,
    note: Option<String>,
    phone: Option<String>,
    /// Parlor extension: the queue the visitor had chosen.
    #[serde(rename = "queueId")]
    queue_id: Option<String>,
    /// Parlor extension: answers to the portal's pre-chat fields, a JSON object
    /// (`{"order":"A-1","consent":"true"}`), checked against its form.
    fields: Option<String>,
}

/// Longest `fields` parameter, in bytes.
const MAX_FIELDS_PARAM: usize = 8 * 1024;

/// `GET /v1/chatcustomer/generateticket?key=&username=&email=&userId=&note=&phone=`
/// → `{"r":0, "msg", "ticketId"}`.
#[utoipa::path(get, path = "/v1/chatcustomer/generateticket", tag = "customer",
    description = "A visitor's ticket when nobody answered (rate-limited per address).",
    params(("key" = String, Query), ("username" = String, Query), ("email" = String, Query), ("note" = String, Query), ("fields" = Option<String>, Query)),
    responses((status = 200, description = "`{r, msg, ticketId}`"), (status = 400), (status = 404), (status = 429)))]
async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<TicketParams>,
) -> Result<impl IntoResponse, ApiError> {
    super::customer::limit_customer(&state, peer)?;
    let key = required("key", params.key, MAX_WIDGET_KEY)?;
    let name = required("username", params.username, MAX_NAME)?;
    let email = required("email", params.email, MAX_EMAIL)?;
    if crate::mail::mailbox(&email).is_err() || !parlor_protocol::looks_like_email(&email) {
        return Err(ApiError::BadRequest(
            "parameter `email` is not an email address".into(),
        ));
    }
    let note = required("note", params.note, MAX_NOTE)?;
    let phone = match params.phone.filter(|p| !p.trim().is_empty()) {
        Some(phone) => required("phone", Some(phone), MAX_PHONE)?,
        None => String::new(),
    };
    let portal = portal_for(&state, &headers, &key).await?;
    let given = match params.fields.filter(|f| !f.trim().is_empty()) {
        Some(text) if text.len() > MAX_FIELDS_PARAM => {
            return Err(ApiError::BadRequest(
                "parameter `fields` is too long".into(),
            ));
        }
        Some(text) => Some(checked_answers(&portal, &text)?),
        None => None,
    };
    let visitor = match params.user_id.filter(|id| !id.trim().is_empty()) {
        Some(id) => Some(visitor_id(&portal, &id)?),
        None => None,
    };
    let missed = match &visitor {
        Some(visitor) => match state.store.last_missed_conversation(visitor).await? {
            Some(missed) => Some(missed),
            // The routing task tells the visitor a chat is missed before the store says so;
            // a ticket sent at once follows the chat still marked waiting.
            None => state
                .store
                .conversations_of(visitor, 5)
                .await?
                .into_iter()
                .find(|c| c.status == crate::store::Status::Queued),
        },
        None => None,
    };
    let queues = state.store.queues(&portal.id).await?;
    let queue_id = params
        .queue_id
        .filter(|q| queues.iter().any(|queue| &queue.id == q))
        .or_else(|| missed.as_ref().and_then(|c| c.queue_id.clone()));
    // What the visitor answered on this form, or else on the pre-chat form of their chat.
    let answers = match given {
        Some(answers) => answers,
        None => prechat_answers(&state, visitor.as_deref()).await?,
    };
    let ticket = state
        .store
        .create_ticket(&NewTicket {
            portal_id: portal.id.clone(),
            visitor_id: visitor,
            conv_id: missed.map(|c| c.id),
            queue_id: queue_id.clone(),
            name,
            email,
            phone,
            note,
            fields: Value::Array(answers.clone()).to_string(),
        })
        .await?;
    let queue_name = queue_id
        .and_then(|id| queues.into_iter().find(|q| q.id == id))
        .map(|q| q.name);
    let agents: Vec<String> = state
        .store
        .agents(&portal.id)
        .await?
        .into_iter()
        .map(|a| a.email)
        .collect();
    if !agents.is_empty() {
        let mail = notice(
            &portal.name,
            queue_name.as_deref(),
            &ticket,
            &answers,
            agents,
        );
        // Stored already: a mail failure is logged, not the visitor's problem.
        if let Err(error) = state.mailer.send(&mail).await {
            tracing::error!(%error, ticket = ticket.id, "ticket notice not sent");
        }
    }
    Ok(Json(
        json!({ "r": 0, "msg": "ticket created", "ticketId": ticket.id }),
    ))
}

/// Answers given with the ticket (`fields`, a JSON object), checked against the portal's form:
/// `[{label, value}]`.
fn checked_answers(portal: &crate::store::Portal, text: &str) -> Result<Vec<Value>, ApiError> {
    let given: serde_json::Map<String, Value> = serde_json::from_str(text).map_err(|_| {
        ApiError::BadRequest("parameter `fields` must be a JSON object of answers".into())
    })?;
    let pairs: Vec<(String, String)> = given
        .into_iter()
        .map(|(id, value)| match value {
            Value::String(text) => (id, text),
            other => (id, other.to_string()),
        })
        .collect();
    let form: parlor_protocol::prechat::PrechatForm =
        serde_json::from_str(&portal.prechat_fields).unwrap_or_default();
    let kept = form
        .check_answers(&pairs)
        .map_err(|e| ApiError::BadRequest(format!("parameter `fields`: {e}")))?;
    Ok(kept
        .into_iter()
        .map(|(label, value)| json!({ "label": label, "value": value }))
        .collect())
}

/// The answers a known visitor gave to the portal's pre-chat fields with their profile
/// (`[{label, value}]`), empty for a visitor Parlor does not know.
async fn prechat_answers(state: &AppState, visitor: Option<&str>) -> Result<Vec<Value>, ApiError> {
    let Some(visitor) = visitor else {
        return Ok(Vec::new());
    };
    let details = state
        .store
        .visitor(visitor)
        .await?
        .and_then(|v| serde_json::from_str::<Value>(&v.details).ok());
    Ok(details
        .and_then(|d| d.get("fields").and_then(Value::as_array).cloned())
        .unwrap_or_default())
}

/// The mail agents get for a new ticket.
fn notice(
    portal: &str,
    queue: Option<&str>,
    ticket: &Ticket,
    answers: &[Value],
    to: Vec<String>,
) -> Mail {
    let (y, mo, d, h, mi) = utc_date_time(ticket.created_at);
    let mut text = format!(
        "A visitor left a ticket on {portal}.\n\nFrom:  {} <{}>\n",
        ticket.name, ticket.email
    );
    if !ticket.phone.is_empty() {
        text.push_str(&format!("Phone: {}\n", ticket.phone));
    }
    if let Some(queue) = queue {
        text.push_str(&format!("Queue: {queue}\n"));
    }
    for answer in answers {
        let field = |name: &str| answer[name].as_str().unwrap_or_default().to_string();
        text.push_str(&format!("{}: {}\n", field("label"), field("value")));
    }
    text.push_str(&format!(
        "When:  {y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC\nTicket: {}\n\n{}\n",
        ticket.id, ticket.note
    ));
    Mail {
        to,
        reply_to: Some(ticket.email.clone()),
        subject: format!("[{portal}] Ticket from {}", ticket.name),
        text,
    }
}

fn ticket_json(ticket: &Ticket) -> Value {
    json!({
        "fields": serde_json::from_str::<Value>(&ticket.fields).unwrap_or(json!([])),
        "id": ticket.id,
        "visitorId": ticket.visitor_id,
        "convId": ticket.conv_id,
        "queueId": ticket.queue_id,
        "name": ticket.name,
        "email": ticket.email,
        "phone": ticket.phone,
        "note": ticket.note,
        "created": ticket.created_at,
    })
}

/// `GET /v1/agent/tickets` (agents, with a token): the portal's tickets, newest first.
#[utoipa::path(get, path = "/v1/agent/tickets", tag = "agent",
    description = "The portal's tickets, newest first (agents).",
    responses((status = 200, description = "`{r, tickets}`"), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let tickets = state.store.tickets(&caller.portal_id, 200).await?;
    Ok(Json(
        json!({ "r": 0, "tickets": tickets.iter().map(ticket_json).collect::<Vec<_>>() }),
    ))
}

/// `GET /v1/agent/missedchats` (agents, with a token): chats nobody answered, newest first.
#[utoipa::path(get, path = "/v1/agent/missedchats", tag = "agent",
    description = "The portal's missed chats, newest first (agents).",
    responses((status = 200, description = "`{r, missedChats}`"), (status = 401), (status = 403)))]
async fn missed(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let chats = state
        .store
        .missed_conversations(&caller.portal_id, 200)
        .await?;
    let mut list = Vec::with_capacity(chats.len());
    for chat in &chats {
        let visitor = state.store.visitor(&chat.creator).await?;
        list.push(json!({
            "convId": chat.id,
            "queueId": chat.queue_id,
            "customerId": chat.creator,
            "customerName": visitor.as_ref().map(|v| v.name.clone()).unwrap_or_default(),
            "customerEmail": visitor.as_ref().map(|v| v.email.clone()).unwrap_or_default(),
            "created": chat.created_at,
            "customData": chat.custom_data,
        }));
    }
    Ok(Json(json!({ "r": 0, "missedChats": list })))
}
