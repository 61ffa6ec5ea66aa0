//! A visitor's history over REST: an agent of the portal lists the visitor's earlier chats
//! with their rating and opens one, notes included; visitors and other ids get nothing.

use reqwest::Method;
use serde_json::json;

use crate::care::accepted_chat;
use crate::socket::{agent_token, visitor_token};

#[tokio::test]
async fn agents_see_a_visitor_s_earlier_chats_and_open_them() {
    let server = crate::common::TestServer::start().await;
    let (mut ann, mut alice, _bob, conv) = accepted_chat(&server).await;
    let ann_id = ann.request(50, json!({"convId": conv, "limit": 1})).await["msgs"][0]["from"]
        .as_str()
        .unwrap()
        .to_string();
    let text = |content: &str| json!({"convId": conv, "type": 1, "message": {"content": content}});
    assert_eq!(ann.request(42, text("My order is late")).await["r"], 0);
    assert_eq!(
        alice
            .request(
                1002,
                json!({"convId": conv, "text": "Second time this month"})
            )
            .await["r"],
        0
    );
    assert_eq!(ann.request(68, json!({"convId": conv})).await["r"], 0);
    assert_eq!(
        ann.request(69, json!({"convId": conv, "rating": 0, "comment": "Slow"}))
            .await["r"],
        0
    );

    // Bob, who never served Ann, sees her history and opens the chat.
    let bob = agent_token(&server, 1).await;
    let path = format!("/v1/agent/visitors/{ann_id}/history");
    let (status, history) = server.call(Method::GET, &path, Some(&bob), None).await;
    assert_eq!(status, 200, "{history}");
    let chat = &history["chats"][0];
    assert_eq!(
        (
            chat["convId"].clone(),
            chat["status"].clone(),
            chat["rating"].clone(),
            chat["ratingComment"].clone()
        ),
        (json!(conv), json!("ended"), json!(0), json!("Slow"))
    );
    let open = format!("/v1/agent/conversations/{conv}/messages");
    let (status, opened) = server.call(Method::GET, &open, Some(&bob), None).await;
    assert_eq!(status, 200, "{opened}");
    assert!(opened["msgs"].to_string().contains("My order is late"));
    assert_eq!(opened["notes"][0]["text"], "Second time this month");

    // Not for visitors, not without a token, not for ids that are not the portal's.
    let visitor = visitor_token(&server, "browser-ann").await;
    for (path, token) in [
        (&path, Some(visitor.as_str())),
        (&open, Some(visitor.as_str())),
        (&path, None),
    ] {
        let (status, _) = server.call(Method::GET, path, token, None).await;
        assert!(status == 401 || status == 403, "{path}: {status}");
    }
    for path in [
        "/v1/agent/visitors/nobody/history",
        "/v1/agent/conversations/nothing/messages",
    ] {
        assert_eq!(
            server.call(Method::GET, path, Some(&bob), None).await.0,
            404
        );
    }
    server.stop().await;
}
