//! `GET /v1/openapi.json`: the OpenAPI 3.1 document of every REST call. It is generated from
//! the `#[utoipa::path]` annotations of the very handlers the routes are built from (each
//! module's router is a `utoipa_axum` router), so a route cannot exist undocumented, nor a
//! documented path go unrouted.

use std::sync::Arc;

use axum::Json;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// Path of the document.
pub const OPENAPI_PATH: &str = "/v1/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parlor",
        description = "Parlor's REST API: the Stringee live chat customer calls, agents' calls, \
                       files, and the admin API. Every failure answers `{\"r\": code, \"msg\": \
                       text}`; see docs/protocol.md and docs/administration.md. Calls that take \
                       a token read `Authorization: Bearer <token>` or `X-STRINGEE-AUTH`."
    ),
    tags(
        (name = "customer", description = "What a visitor's widget calls"),
        (name = "agent", description = "Agents' calls and their own account"),
        (name = "files", description = "Attachments"),
        (name = "admin", description = "The portal's settings, for its admins")
    )
)]
struct ApiDoc;

/// The REST routes of `api`, plus the route that serves their document.
pub fn with_document(api: OpenApiRouter<AppState>) -> axum::Router<AppState> {
    let (router, mut document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(api)
        .split_for_parts();
    document.info.version = env!("CARGO_PKG_VERSION").to_string();
    let document = Arc::new(document);
    router.route(
        OPENAPI_PATH,
        get(move || {
            let document = document.clone();
            async move { Json(document.as_ref().clone()) }
        }),
    )
}
