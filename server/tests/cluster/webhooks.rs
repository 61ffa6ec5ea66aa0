//! Webhooks with several nodes: every node sends the one outbox, and each delivery reaches
//! the receiver once.

use std::time::Duration;

use serde_json::{Value, json};

use super::harness::Cluster;
use crate::receiver::Receiver;

#[tokio::test]
async fn three_nodes_send_each_delivery_once() {
    let Some(cluster) = Cluster::start("cluster_webhooks", 3, &[]).await else {
        return;
    };
    let receiver = Receiver::start().await;
    let admin = cluster.agent_token(0, 0).await;
    let client = reqwest::Client::new();
    let made: Value = client
        .post(format!("{}/v1/admin/webhooks", cluster.url(0)))
        .bearer_auth(&admin)
        .json(&json!({"url": receiver.url, "events": ["ticket.created"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = made["webhook"]["secret"].as_str().unwrap().to_string();
    const TICKETS: usize = 30;
    for i in 0..TICKETS {
        let answer = client
            .get(format!(
                "{}/v1/chatcustomer/generateticket",
                cluster.url(i % 3)
            ))
            .query(&[
                ("key", cluster.facts.widget_key.as_str()),
                ("username", &format!("Visitor {i}")),
                ("email", "someone@example.com"),
                ("note", "Please call"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    receiver.until(|hits| hits.len() >= TICKETS).await;
    // Every node polls each second: give a repeat the time to show.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let hits = receiver.hits();
    let mut ids: Vec<&str> = hits.iter().map(|h| h.delivery.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((ids.len(), hits.len()), (TICKETS, TICKETS));
    assert!(hits.iter().all(|h| h.signed_with(&secret)));
}
