//! Search over REST: an agent finds a chat by a word its visitor wrote, with the message that
//! matched; filters narrow it; visitors and other portals find nothing.

use reqwest::Method;
use serde_json::json;

use crate::admin::other_portal;
use crate::care::accepted_chat;
use crate::socket::{agent_token, visitor_token};

#[tokio::test]
async fn agents_find_chats_by_their_words_and_filters() {
    let server = crate::common::TestServer::start().await;
    let (mut ann, _alice, _bob, conv) = accepted_chat(&server).await;
    let text = |content: &str| json!({"convId": conv, "type": 1, "message": {"content": content}});
    let sent = ann.request(42, text("My parcel 88121 never arrived")).await;
    assert_eq!(sent["r"], 0, "{sent}");
    let bob = agent_token(&server, 1).await;
    let get = |path: String, token: String| {
        let server = &server;
        async move { server.call(Method::GET, &path, Some(&token), None).await }
    };

    let (status, found) = get("/v1/agent/search?q=PARCEL%2088".into(), bob.clone()).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["words"], json!(["parcel", "88"]));
    let hit = &found["results"][0];
    assert_eq!(
        (
            hit["convId"].clone(),
            hit["hitText"].clone(),
            hit["status"].clone()
        ),
        (
            json!(conv),
            json!("My parcel 88121 never arrived"),
            json!("active")
        )
    );
    assert_eq!(hit["hitSeq"], sent["seq"]);
    assert_eq!(found["more"], false);
    // Filters narrow; words that are nowhere find nothing.
    for (query, count) in [
        ("q=parcel&status=active", 1),
        ("q=parcel&status=ended", 0),
        ("q=parcel&rating=none", 1),
        ("q=parcel&rating=good", 0),
        ("q=umbrella", 0),
        ("status=active&page=2", 0),
    ] {
        let (status, found) = get(format!("/v1/agent/search?{query}"), bob.clone()).await;
        assert_eq!(status, 200, "{query}: {found}");
        assert_eq!(found["results"].as_array().unwrap().len(), count, "{query}");
    }
    // Bad parameters say what is wrong.
    for query in ["rating=great", "status=open", "page=0", "colour=red"] {
        let (status, answer) = get(format!("/v1/agent/search?{query}"), bob.clone()).await;
        assert!(status == 400 || status == 422, "{query}: {status} {answer}");
    }
    // The filters' choices: the portal's queues.
    let (_, queues) = get("/v1/agent/queues".into(), bob.clone()).await;
    assert_eq!(queues["queues"][0]["name"], "Sales");
    let sales = queues["queues"][0]["id"].as_str().unwrap().to_string();
    let (_, found) = get(
        format!("/v1/agent/search?q=parcel&queue={sales}"),
        bob.clone(),
    )
    .await;
    assert_eq!(found["results"][0]["convId"], json!(conv));

    // Not for visitors; another portal's agents find nothing of this one.
    let visitor = visitor_token(&server, "browser-ann").await;
    assert_eq!(
        get("/v1/agent/search?q=parcel".into(), visitor).await.0,
        403
    );
    let (_, other) = other_portal(&server).await;
    let (_, theirs) = get("/v1/agent/search?q=parcel".into(), other).await;
    assert_eq!(theirs["results"], json!([]));
    server.stop().await;
}
