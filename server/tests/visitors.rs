//! The Visitors list over REST: who has a chat open, waiting or with an agent, and their page.

use reqwest::Method;
use serde_json::json;

use crate::admin::other_portal;
use crate::care::accepted_chat;
use crate::journey::visitor;
use crate::socket::{agent_token, visitor_token};

#[tokio::test]
async fn agents_see_who_has_a_chat_open_and_where_they_are() {
    let server = crate::common::TestServer::start().await;
    let (mut ann, _alice, _bob, conv) = accepted_chat(&server).await;
    let page = json!({"display_name": "Ann", "pageUrl": "https://shop.example.com/cart", "pageTitle": "Cart"});
    assert_eq!(ann.request(70, page).await["r"], 0);
    let sales = server.facts.queues[0].id.clone();
    let (mut ben, _) = visitor(&server, "browser-ben").await;
    let waiting = ben.request(41, json!({"name": sales})).await["convId"]
        .as_str()
        .unwrap()
        .to_string();

    let bob = agent_token(&server, 1).await;
    let (status, list) = server
        .call(Method::GET, "/v1/agent/visitors", Some(&bob), None)
        .await;
    assert_eq!(status, 200, "{list}");
    let visitors = list["visitors"].as_array().unwrap();
    assert_eq!(visitors.len(), 2, "{list}");
    let of = |conv: &str| {
        visitors
            .iter()
            .find(|v| v["convId"] == conv)
            .unwrap()
            .clone()
    };
    let ann_row = of(&conv);
    assert_eq!(
        (
            ann_row["status"].clone(),
            ann_row["agentName"].clone(),
            ann_row["pageTitle"].clone(),
            ann_row["pageUrl"].clone()
        ),
        (
            json!("active"),
            json!("Alice"),
            json!("Cart"),
            json!("https://shop.example.com/cart")
        )
    );
    let ben_row = of(&waiting);
    assert_eq!(
        (
            ben_row["status"].clone(),
            ben_row["queueName"].clone(),
            ben_row["agentName"].clone()
        ),
        (json!("queued"), json!("Sales"), json!(null))
    );

    // Ann ends her chat: she leaves the list.
    assert_eq!(ann.request(68, json!({"convId": conv})).await["r"], 0);
    let (_, list) = server
        .call(Method::GET, "/v1/agent/visitors", Some(&bob), None)
        .await;
    assert_eq!(list["visitors"].as_array().unwrap().len(), 1);

    // Not for visitors, nor another portal's agents.
    let token = visitor_token(&server, "browser-ann").await;
    assert_eq!(
        server
            .call(Method::GET, "/v1/agent/visitors", Some(&token), None)
            .await
            .0,
        403
    );
    let (_, other) = other_portal(&server).await;
    let (_, theirs) = server
        .call(Method::GET, "/v1/agent/visitors", Some(&other), None)
        .await;
    assert_eq!(theirs["visitors"], json!([]));
    server.stop().await;
}
