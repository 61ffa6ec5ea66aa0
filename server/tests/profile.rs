//! The chat profile call: Stringee's path and answer shape, served from the database.

use parlor_protocol::rest::{ChatProfileReply, RestError};
use reqwest::StatusCode;

use crate::common::TestServer;

fn profile_url(server: &TestServer, query: &str) -> String {
    format!("{}/v1/chatcustomer/getsettingandqueues{query}", server.url)
}

#[tokio::test]
async fn a_known_widget_key_gets_the_portal_and_its_queues_in_order() {
    let server = TestServer::start().await;
    let response = reqwest::Client::new()
        .get(profile_url(
            &server,
            &format!("?key={}", server.facts.widget_key),
        ))
        .header("Origin", "https://shop.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // The widget is embedded on other sites: the answer must be readable cross-origin (one
    // header: a repeated one makes browsers refuse the answer).
    let allowed: Vec<_> = response
        .headers()
        .get_all("access-control-allow-origin")
        .iter()
        .collect();
    assert_eq!(allowed, ["*"]);
    let body: serde_json::Value = response.json().await.unwrap();

    // Stringee's shape: queues at the top level, beside chatProfile.
    assert_eq!(body["r"], 0);
    assert!(body["chatProfile"].is_object());
    assert!(body["queues"].is_array());
    let reply: ChatProfileReply = serde_json::from_value(body).unwrap();
    assert_eq!(reply.chat_profile.portal, "Parlor Demo");
    assert_eq!(reply.chat_profile.enabled, 1);
    let queues: Vec<(String, String)> = reply.queues.into_iter().map(|q| (q.id, q.name)).collect();
    let expected: Vec<(String, String)> = server
        .facts
        .queues
        .iter()
        .map(|q| (q.id.clone(), q.name.clone()))
        .collect();
    assert_eq!(queues, expected);
    assert_eq!(
        expected.iter().map(|q| q.1.as_str()).collect::<Vec<_>>(),
        ["Sales", "Support"]
    );
    server.stop().await;
}

async fn error_of(url: String) -> (StatusCode, RestError) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn an_unknown_widget_key_gets_a_stringee_error() {
    let server = TestServer::start().await;
    let (status, error) = error_of(profile_url(&server, "?key=no-such-key")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error.r, 2);
    assert_eq!(error.msg, "no portal has this widget key");
    server.stop().await;
}

#[tokio::test]
async fn a_missing_or_oversized_key_is_a_bad_request_in_the_apis_own_shape() {
    let server = TestServer::start().await;
    for query in ["", "?key=", "?key=%20%20", "?other=1"] {
        let (status, error) = error_of(profile_url(&server, query)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "query {query:?}");
        assert_eq!(error.r, 1, "query {query:?}");
        assert_eq!(error.msg, "parameter `key` is required");
    }
    let long = "k".repeat(129);
    let (status, error) = error_of(profile_url(&server, &format!("?key={long}"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error.msg, "parameter `key` is longer than 128 characters");
    server.stop().await;
}

#[tokio::test]
async fn a_cross_origin_upload_with_the_token_header_passes_the_preflight() {
    let server = TestServer::start().await;
    let response = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/v1/file/upload", server.url),
        )
        .header("Origin", "https://shop.example.com")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "x-stringee-auth")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    assert!(allowed.contains("x-stringee-auth"), "{allowed}");
    server.stop().await;
}
