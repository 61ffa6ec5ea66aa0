//! `GET /v1/agent/search`: the portal's conversations that match words (in their messages,
//! their visitor's name or email, their ticket's text) and filters, newest first, a page at
//! a time. Any agent of the portal, as they may open any of its chats.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::admin::check;
use super::caller::Caller;
use super::extract::ApiQuery;
use crate::AppState;
use crate::error::ApiError;
use crate::store::search::words;
use crate::store::{Rating, SearchHit, SearchQuery};

/// Results per page.
const PAGE: i64 = 20;
/// The last page one may ask for: search narrows, it does not page through everything.
const MAX_PAGE: i64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

/// The query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    q: Option<String>,
    queue: Option<String>,
    agent: Option<String>,
    label: Option<String>,
    rating: Option<String>,
    status: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
    page: Option<i64>,
}

/// Empty parameters count as absent (a form's untouched filters).
fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

fn hit_json(hit: &SearchHit) -> Value {
    json!({
        "convId": hit.conv_id,
        "queueId": hit.queue_id,
        "status": hit.status,
        "agentId": hit.agent_id,
        "visitorId": hit.visitor_id,
        "visitorName": hit.visitor_name,
        "visitorEmail": hit.visitor_email,
        "rating": hit.rating,
        "created": hit.created_at,
        "hitSeq": hit.hit_seq,
        "hitText": hit.hit_text,
    })
}

/// `GET /v1/agent/search?q=&queue=&agent=&label=&rating=&status=&from=&to=&page=`.
#[utoipa::path(get, path = "/v1/agent/search", tag = "agent",
    description = "Searches the portal's conversations (agents). `q`: words, each found as a word or the start of one, all in one message, or in the visitor's name and email, or in the chat's ticket. Filters: `queue`, `agent` (ids), `label` (id), `rating` (good, bad, none), `status` (queued, active, ended, missed), `from` and `to` (ms since the epoch, created in [from, to)). Newest first, 20 a page, `page` from 1.",
    params(("q" = Option<String>, Query), ("queue" = Option<String>, Query), ("agent" = Option<String>, Query),
        ("label" = Option<String>, Query), ("rating" = Option<String>, Query), ("status" = Option<String>, Query),
        ("from" = Option<i64>, Query), ("to" = Option<i64>, Query), ("page" = Option<i64>, Query)),
    responses((status = 200, description = "`{r, words, page, more, results}`: each result `{convId, queueId, status, agentId, visitorId, visitorName, visitorEmail, rating, created, hitSeq, hitText}`"), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<Params>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let page = check::number("page", params.page.unwrap_or(1), 1, MAX_PAGE)?;
    let rating = match given(params.rating).as_deref() {
        None => None,
        Some("good") => Some(Rating::Good),
        Some("bad") => Some(Rating::Bad),
        Some("none") => Some(Rating::None),
        Some(_) => {
            return Err(ApiError::Invalid(
                "`rating` is one of good, bad, none".into(),
            ));
        }
    };
    let status = given(params.status)
        .map(|s| check::one_of("status", &s, &["queued", "active", "ended", "missed"]))
        .transpose()?;
    let query = SearchQuery {
        portal_id: caller.portal_id.clone(),
        words: words(params.q.as_deref().unwrap_or("")),
        queue_id: given(params.queue),
        agent_id: given(params.agent),
        label_id: given(params.label),
        rating,
        status,
        from: params.from,
        to: params.to,
        offset: (page - 1) * PAGE,
        // One more than a page: whether there is a next one.
        limit: PAGE + 1,
    };
    let mut hits = state.store.search(&query).await?;
    let more = hits.len() as i64 > PAGE;
    hits.truncate(PAGE as usize);
    Ok(Json(json!({
        "r": 0,
        "words": query.words,
        "page": page,
        "more": more,
        "results": hits.iter().map(hit_json).collect::<Vec<_>>(),
    })))
}
