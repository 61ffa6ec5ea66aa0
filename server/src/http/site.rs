//! What a browser loads from Parlor: the demo host page at `/`, the widget bundle under
//! `/widget/`, and the agent console under `/console/`.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;
use crate::assets::{self, Asset, Bundle};
use crate::error::ApiError;

/// The loader keeps its name across releases (it is what site owners paste), so browsers must
/// revalidate it; everything it loads has a content hash in its name and never changes.
const LOADER_FILE: &str = "parlor.js";

/// The demo page allows only what an embedding site with a strict policy would: same-origin
/// scripts and styles, and WebAssembly compilation. The widget must work under it.
const DEMO_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; \
    frame-ancestors 'none'";

/// The asset routes.
pub fn router(state: &AppState) -> Router<AppState> {
    // The loader imports the glue as a module and fetches the wasm: both are CORS requests from
    // the embedding site's origin. The bundle is public and uses no cookies.
    let widget = Router::new()
        .fallback_service(widget_files(&state.widget))
        .layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ));
    Router::new()
        .route("/", get(demo_page))
        .route("/demo/config.json", get(demo_config))
        .route("/demo/host.css", get(demo_css))
        .nest("/widget", widget)
        .route(
            "/console",
            get(|| async { Redirect::permanent("/console/") }),
        )
        .nest_service("/console/", console_files(&state.console))
        .layer(middleware::from_fn(cache_policy))
}

/// The widget's files; an unknown name is a 404 in the API's shape.
fn widget_files(bundle: &Bundle) -> axum::routing::MethodRouter {
    match bundle {
        Bundle::Embedded(files) => {
            let files: &'static [Asset] = files;
            get(move |uri: Uri, headers: HeaderMap| async move {
                let name = uri.path().trim_start_matches('/');
                assets::respond(files, name, &headers).unwrap_or_else(widget_file_missing)
            })
        }
        Bundle::Dir(dir) => axum::routing::get_service(
            ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(get(asset_missing)),
        ),
    }
}

/// The console's files; any other path is the console's page (it routes in the browser).
fn console_files(bundle: &Bundle) -> axum::routing::MethodRouter {
    match bundle {
        Bundle::Embedded(files) => {
            let files: &'static [Asset] = files;
            get(move |uri: Uri, headers: HeaderMap| async move {
                let name = uri.path().trim_start_matches('/');
                assets::respond(files, name, &headers)
                    .or_else(|| assets::respond(files, CONSOLE_PAGE, &headers))
                    .unwrap_or_else(console_missing)
            })
        }
        Bundle::Dir(dir) => axum::routing::get_service(
            ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(ServeFile::new(dir.join(CONSOLE_PAGE))),
        ),
    }
}

const CONSOLE_PAGE: &str = "index.html";

fn console_missing() -> Response {
    ApiError::NotFound(
        "this binary was built without the console (`cargo xtask build` builds both)".to_string(),
    )
    .into_response()
}

/// Sets `Cache-Control` on the bundles by name: hashed files forever, the rest revalidated.
async fn cache_policy(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let immutable = (path.starts_with("/widget/") || path.starts_with("/console/"))
        && !path.ends_with(LOADER_FILE)
        && !path.ends_with('/')
        && !path.ends_with(".html")
        && response.status() == StatusCode::OK
        && has_content_hash(&path);
    let policy = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Whether a file name carries a content hash: `name.<16 hex>.ext` or `name.<16 hex>_bg.wasm`.
fn has_content_hash(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    file.split('.').any(|part| {
        let part = part.strip_suffix("_bg").unwrap_or(part);
        part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

async fn asset_missing() -> Response {
    widget_file_missing()
}

fn widget_file_missing() -> Response {
    ApiError::NotFound(
        "no such widget file (is the bundle built? `cargo xtask build` writes it and the binary \
         that embeds it)"
            .to_string(),
    )
    .into_response()
}

/// `GET /`: a plain web page that embeds the widget of the first portal with its script tag.
async fn demo_page(State(state): State<AppState>) -> Result<Response, ApiError> {
    let portal =
        state.store.first_portal().await?.ok_or_else(|| {
            ApiError::NotFound("no portal yet: run `parlor init` first".to_string())
        })?;
    let page = DEMO_PAGE.replace("{WIDGET_KEY}", &escape_attribute(&portal.widget_key));
    let mut response = Html(page).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DEMO_CSP),
    );
    Ok(response)
}

/// `GET /demo/config.json`: the demo portal's public widget key, for `trunk serve`'s preview
/// page, which cannot know it otherwise. The key is public by design: every embedding page
/// shows it in its script tag.
async fn demo_config(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let portal =
        state.store.first_portal().await?.ok_or_else(|| {
            ApiError::NotFound("no portal yet: run `parlor init` first".to_string())
        })?;
    Ok(Json(json!({ "r": 0, "widget_key": portal.widget_key })))
}

fn escape_attribute(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const DEMO_PAGE: &str = include_str!("demo.html");

async fn demo_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("demo.css"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_names_count_as_hashed() {
        assert!(has_content_hash(
            "/widget/parlor-widget.0123456789abcdef.js"
        ));
        assert!(has_content_hash(
            "/widget/parlor-widget.0123456789abcdef_bg.wasm"
        ));
        assert!(!has_content_hash("/widget/parlor.js"));
        assert!(!has_content_hash("/widget/parlor-widget.0123.js"));
    }
}
