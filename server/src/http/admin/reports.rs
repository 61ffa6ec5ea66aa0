//! `GET /v1/admin/reports?from=…&to=…&by=day|week`: the portal's figures for a range of days in
//! its time zone (see [`crate::report`]).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Admin;
use crate::AppState;
use crate::error::ApiError;
use crate::hours::{Hours, parse_date};
use crate::http::extract::ApiQuery;
use crate::report::{MAX_DAYS, Period, Range, compute, gather};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report))
}

/// The query: the range (both days included) and the period.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
}

/// `GET /v1/admin/reports`.
#[utoipa::path(get, path = "/v1/admin/reports", tag = "admin",
    description = "The portal's figures from `from` to `to` (days `YYYY-MM-DD`, both included, \
        in the portal's time zone: its business hours'; the last 7 days by default, at most 400), \
        by `day` (the default) or `week`: overall, per period, per queue and per agent: chats, \
        answered, missed, tickets, wait, first response and duration (median and 90th \
        percentile, ms), messages, transfers, ratings; a weekday × hour grid of chats started; \
        the ratings' comments (admins).",
    params(("from" = Option<String>, Query), ("to" = Option<String>, Query), ("by" = Option<String>, Query)),
    responses((status = 200, description = "`{r, zone, from, to, by, overall, periods, queues, agents, hours, comments}`"), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn report(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<Query>,
) -> Result<Json<Value>, ApiError> {
    let portal = state
        .portals
        .by_id(state.store.as_ref(), &admin.portal_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("no such portal".into()))?;
    let zone = Hours::parse(&portal.business_hours)
        .map(|h| h.zone().clone())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let today = zone
        .to_datetime(jiff::Timestamp::from_millisecond(crate::hours::now_ms()).unwrap_or_default())
        .date();
    let day = |name: &str, value: &Option<String>, default| match value {
        Some(text) => {
            parse_date(text.trim()).map_err(|e| ApiError::Invalid(format!("`{name}`: {e}")))
        }
        None => Ok(default),
    };
    let to = day("to", &query.to, today)?;
    let week_before = to.checked_sub(jiff::Span::new().days(6)).unwrap_or(to);
    let from = day("from", &query.from, week_before)?;
    let by = match query.by.as_deref().unwrap_or("day") {
        "day" => Period::Day,
        "week" => Period::Week,
        other => {
            return Err(ApiError::Invalid(format!(
                "`by` is `day` or `week`, not `{other}`"
            )));
        }
    };
    let days = (to - from).get_days();
    if days < 0 {
        return Err(ApiError::Invalid("`from` is after `to`".into()));
    }
    if days >= MAX_DAYS {
        return Err(ApiError::Invalid(format!("at most {MAX_DAYS} days")));
    }
    let range = Range { from, to, zone, by };
    let bounds = range.bounds_ms().map_err(ApiError::Invalid)?;
    let facts = gather(state.store.as_ref(), &admin.portal_id, bounds).await?;
    let report = compute(&range, &facts);
    let mut body = serde_json::to_value(&report).unwrap_or(Value::Null);
    body["r"] = json!(0);
    Ok(Json(body))
}
