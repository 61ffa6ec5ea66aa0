//! The live chat token call and agent sign-in: what they issue, and what they refuse.

use parlor_server::token;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::TestServer;

async fn live_chat_token(server: &TestServer, query: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}/v1/chatcustomer", server.url))
        .query(query)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn claims_of(server: &TestServer, access_token: &str) -> token::Claims {
    token::decode(access_token)
        .unwrap()
        .verify(&server.signing_secret().await, token::now_secs())
        .unwrap()
}

#[tokio::test]
async fn a_visitor_gets_a_token_signed_with_the_portals_key_and_stays_the_same_visitor() {
    let server = TestServer::start().await;
    let key = server.facts.widget_key.clone();
    let ask = |client: &'static str| {
        let key = key.clone();
        let server = &server;
        async move {
            let query = [
                ("key", key.as_str()),
                ("username", "Ann"),
                ("email", "ann@example.com"),
                ("userId", client),
            ];
            let (status, body) = live_chat_token(server, &query).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["r"], 0);
            claims_of(server, body["access_token"].as_str().unwrap()).await
        }
    };
    let first = ask("browser-1").await;
    let again = ask("browser-1").await;
    let other = ask("browser-2").await;
    // Signed with the portal's own signing key, kept apart from the site's API keys.
    let store = server.store().await;
    let portal = store.first_portal().await.unwrap().unwrap();
    let signing = store.api_keys(&portal.id).await.unwrap();
    assert_eq!(first.iss, signing[0].sid);
    assert_ne!(first.iss, server.facts.api_key_sid);
    assert_eq!(
        first.user_id, again.user_id,
        "the same browser is the same visitor"
    );
    assert_ne!(first.jti, again.jti);
    assert_ne!(first.user_id, other.user_id);
    assert!(first.user_id.starts_with("visitor-"));
    assert!(
        !first.user_id.contains("browser-1"),
        "the browser's own id is not revealed"
    );
    assert!(first.exp > token::now_secs() + 3600);
    server.stop().await;
}

#[tokio::test]
async fn bad_visitor_details_are_refused_with_the_parameter_named() {
    let server = TestServer::start().await;
    let key = server.facts.widget_key.as_str();
    let long_name = "n".repeat(101);
    // (query, expected HTTP status, expected r, expected msg)
    type Case<'a> = (Vec<(&'a str, &'a str)>, StatusCode, i64, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![("key", key), ("email", "a@b.co")],
            StatusCode::BAD_REQUEST,
            1,
            "parameter `username` is required",
        ),
        (
            vec![("key", key), ("username", "A")],
            StatusCode::BAD_REQUEST,
            1,
            "parameter `email` is required",
        ),
        (
            vec![("key", key), ("username", "A"), ("email", "not an email")],
            StatusCode::BAD_REQUEST,
            1,
            "parameter `email` is not an email address",
        ),
        (
            vec![("key", key), ("username", "A"), ("email", "a@localhost")],
            StatusCode::BAD_REQUEST,
            1,
            "parameter `email` is not an email address",
        ),
        (
            vec![("key", key), ("username", &long_name), ("email", "a@b.co")],
            StatusCode::BAD_REQUEST,
            1,
            "parameter `username` is longer than 100 characters",
        ),
        (
            vec![("key", "nope"), ("username", "A"), ("email", "a@b.co")],
            StatusCode::NOT_FOUND,
            2,
            "no portal has this widget key",
        ),
    ];
    for (query, status, r, msg) in cases {
        let (got_status, body) = live_chat_token(&server, &query).await;
        assert_eq!(
            (got_status, &body["r"], &body["msg"]),
            (status, &json!(r), &json!(msg)),
            "{query:?}"
        );
    }
    server.stop().await;
}

async fn login(server: &TestServer, body: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/v1/agent/login", server.url))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn an_agent_signs_in_with_email_and_password_and_gets_a_token_for_their_user_id() {
    let server = TestServer::start().await;
    let alice = &server.facts.agents[0];
    let body = json!({"email": alice.email.to_uppercase(), "password": alice.password}).to_string();
    let (status, answer) = login(&server, &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["r"], 0);
    assert_eq!(answer["userId"], json!(alice.user_id));
    let claims = claims_of(&server, answer["access_token"].as_str().unwrap()).await;
    assert_eq!(claims.user_id, alice.user_id);
    server.stop().await;
}

#[tokio::test]
async fn wrong_credentials_and_malformed_bodies_are_refused() {
    let server = TestServer::start().await;
    let alice = &server.facts.agents[0];
    let wrong = json!({"email": alice.email, "password": "wrong"}).to_string();
    let unknown = json!({"email": "nobody@example.com", "password": alice.password}).to_string();
    for body in [wrong, unknown] {
        let (status, answer) = login(&server, &body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer, json!({"r": 4, "msg": "email or password is wrong"}));
    }
    for body in ["{", r#"{"email": 5}"#, "[]"] {
        let (status, answer) = login(&server, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer["r"], 1, "{body}");
    }
    let (status, answer) = login(&server, &json!({"email": alice.email}).to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["msg"], "parameter `password` is required");
    server.stop().await;
}
