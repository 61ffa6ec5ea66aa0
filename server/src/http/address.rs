//! `GET /v2/getStringeeServerAddress?access_token=…`: where a client opens its socket.
//!
//! Stringee's SDKs call this before connecting, with the token in the query. Parlor's SDK sends
//! it in the `X-STRINGEE-AUTH` header instead, keeping tokens out of URLs (and logs); either
//! is taken. Parlor answers its own socket: the configured public URL or URLs
//! (`--public-socket-url`), else the host the request came to, at path `/ws`.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header;
use serde::Deserialize;
use serde_json::{Value, json};

use super::caller::Caller;
use super::extract::{ApiQuery, required};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;

/// The route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(server_address))
}

#[derive(Deserialize)]
struct Params {
    access_token: Option<String>,
}

#[utoipa::path(get, path = "/v2/getStringeeServerAddress", tag = "customer",
    description = "The socket addresses to connect to (Stringee's call; the token in the query).",
    params(("access_token" = Option<String>, Query, description = "The token; or send it in the X-STRINGEE-AUTH header")),
    responses((status = 200, description = "`{r, data: [url]}`"), (status = 401)))]
async fn server_address(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<Params>,
) -> Result<Json<Value>, ApiError> {
    let header = headers
        .get(super::caller::AUTH_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string());
    let token = match header {
        Some(token) if !token.is_empty() => token,
        _ => required("access_token", params.access_token, 4096)?,
    };
    Caller::from_token(&state, &token).await?;
    // Several nodes behind no balancer: every node's address, for the client to try in turn.
    let urls: Vec<String> = match &state.settings.public_socket_url {
        Some(urls) => urls
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
            .collect(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1");
            vec![format!("ws://{host}/ws")]
        }
    };
    let addresses: Vec<Value> = urls.iter().map(|url| address(url)).collect();
    Ok(Json(json!({
        "r": 0,
        "data": { "stringeeServerAddrs": { "web": addresses.clone(), "mobile": addresses } }
    })))
}

/// One socket URL as Stringee's address object: `{ip, port, url}`.
fn address(url: &str) -> Value {
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    let secure = url.starts_with("wss://");
    let (ip, port) = match authority.rsplit_once(':') {
        Some((ip, port)) if port.parse::<u16>().is_ok() => {
            (ip.to_string(), port.parse().unwrap_or(0))
        }
        _ => (authority.to_string(), if secure { 443 } else { 80 }),
    };
    json!({ "ip": ip, "port": port, "url": url })
}
