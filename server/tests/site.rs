//! The demo page and the widget bundle's caching.

use reqwest::StatusCode;

use crate::common::{TestServer, write};

#[tokio::test]
async fn the_demo_page_embeds_the_widget_with_the_portals_key_under_a_strict_policy() {
    let server = TestServer::start().await;
    let response = reqwest::get(format!("{}/", server.url)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let page = response.text().await.unwrap();
    let tag = format!(
        r#"<script src="/widget/parlor.js" data-widget-key="{}" async></script>"#,
        server.facts.widget_key
    );
    assert!(page.contains(&tag), "{page}");
    assert!(
        !page.contains("<script>"),
        "the demo page must have no inline script"
    );
    server.stop().await;
}

#[tokio::test]
async fn hashed_bundle_files_are_cached_forever_and_the_loader_is_revalidated() {
    let server = TestServer::start().await;
    let dir = server.widget_dir();
    write(&dir.join("parlor.js"), "/* loader */");
    write(&dir.join("parlor-widget.0123456789abcdef.js"), "/* glue */");

    let loader = reqwest::get(format!("{}/widget/parlor.js", server.url))
        .await
        .unwrap();
    assert_eq!(loader.status(), StatusCode::OK);
    assert_eq!(loader.headers()["cache-control"], "no-cache");

    let glue = reqwest::get(format!(
        "{}/widget/parlor-widget.0123456789abcdef.js",
        server.url
    ))
    .await
    .unwrap();
    assert_eq!(glue.status(), StatusCode::OK);
    assert_eq!(
        glue.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // Module scripts and wasm are fetched in CORS mode from the embedding site's pages.
    assert_eq!(glue.headers()["access-control-allow-origin"], "*");

    let missing = reqwest::get(format!(
        "{}/widget/parlor-widget.fedcba9876543210.js",
        server.url
    ))
    .await
    .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()["cache-control"], "no-cache");
    server.stop().await;
}
