//! Canned responses over REST: shared ones are the admins', personal ones their agent's, and
//! nobody else's.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::socket::{agent_token, visitor_token};

fn shortcuts(list: &Value) -> Vec<String> {
    list["canned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["shortcut"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn admins_share_canned_responses_and_each_agent_keeps_their_own() {
    let server = TestServer::start().await;
    let alice = agent_token(&server, 0).await; // admin
    let bob = agent_token(&server, 1).await;
    let post = |token: String, body: Value| {
        let server = &server;
        async move {
            server
                .call(Method::POST, "/v1/canned", Some(&token), Some(body))
                .await
        }
    };

    let (status, shared) = post(
        alice.clone(),
        json!({"shortcut": "Hello", "text": "Hi {visitor.name}, I am {agent.name}.", "shared": true}),
    )
    .await;
    assert_eq!(status, 201, "{shared}");
    assert_eq!(
        (
            shared["canned"]["shortcut"].clone(),
            shared["canned"]["shared"].clone()
        ),
        (json!("hello"), json!(true))
    );
    // An agent may not share, only keep their own.
    let (status, _) = post(
        bob.clone(),
        json!({"shortcut": "bye", "text": "Bye", "shared": true}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, own) = post(
        bob.clone(),
        json!({"shortcut": "refund", "text": "Refunds take 5 days."}),
    )
    .await;
    assert_eq!(status, 201, "{own}");
    // Bad input answers what is wrong.
    for body in [
        json!({"shortcut": "two words", "text": "x"}),
        json!({"shortcut": "x", "text": "  "}),
        json!({"shortcut": "x", "text": "y".repeat(5_001)}),
    ] {
        assert_eq!(post(bob.clone(), body).await.0, 422);
    }
    assert_eq!(post(bob.clone(), json!({"text": "x"})).await.0, 400);

    // Each sees the shared ones and their own.
    let (_, bobs) = server
        .call(Method::GET, "/v1/canned", Some(&bob), None)
        .await;
    assert_eq!(shortcuts(&bobs), ["hello", "refund"]);
    assert_eq!(bobs["placeholders"]["agent.name"], "Bob");
    let (_, alices) = server
        .call(Method::GET, "/v1/canned", Some(&alice), None)
        .await;
    assert_eq!(shortcuts(&alices), ["hello"]);

    // Bob cannot change the shared one, nor Alice his: his is not even there for her.
    let shared_path = format!("/v1/canned/{}", shared["canned"]["id"].as_str().unwrap());
    let own_path = format!("/v1/canned/{}", own["canned"]["id"].as_str().unwrap());
    let edit = json!({"text": "changed"});
    assert_eq!(
        server
            .call(Method::PATCH, &shared_path, Some(&bob), Some(edit.clone()))
            .await
            .0,
        403
    );
    assert_eq!(
        server
            .call(Method::DELETE, &own_path, Some(&alice), None)
            .await
            .0,
        404
    );
    let (status, changed) = server
        .call(Method::PATCH, &own_path, Some(&bob), Some(edit))
        .await;
    assert_eq!(
        (status, changed["canned"]["text"].clone()),
        (200, json!("changed"))
    );
    assert_eq!(
        server
            .call(Method::DELETE, &shared_path, Some(&alice), None)
            .await
            .0,
        200
    );
    let (_, bobs) = server
        .call(Method::GET, "/v1/canned", Some(&bob), None)
        .await;
    assert_eq!(shortcuts(&bobs), ["refund"]);
    // The shared one's life is in the audit log; Bob's own is not.
    let (_, log) = server
        .call(Method::GET, "/v1/admin/audit", Some(&alice), None)
        .await;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("canned."))
        .collect();
    assert_eq!(actions, ["canned.delete", "canned.create"], "{log}");

    // Visitors have none, and no token is no access.
    let visitor = visitor_token(&server, "browser-ann").await;
    assert_eq!(
        server
            .call(Method::GET, "/v1/canned", Some(&visitor), None)
            .await
            .0,
        403
    );
    assert_eq!(
        server.call(Method::GET, "/v1/canned", None, None).await.0,
        401
    );
    server.stop().await;
}
