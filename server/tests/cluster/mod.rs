//! Several nodes: three `parlor serve` processes on one PostgreSQL database (made for the test)
//! and one NATS server (under a subject prefix of the test's own), and clients speaking the
//! protocol to whichever node they like. Run by `cargo xtask test cluster`.

mod harness;
mod webhooks;

use std::time::Duration;

use serde_json::{Value, json};

use crate::socket::Client;
use harness::Cluster;

/// Reads frames until one of `service` arrives, for at most `within`.
async fn push_within(client: &mut Client, service: u64, within: Duration) -> Value {
    tokio::time::timeout(within, crate::journey::push_of(client, service))
        .await
        .unwrap_or_else(|_| panic!("no push {service} within {within:?}"))
}

const SOON: Duration = Duration::from_secs(10);

async fn authen(client: &mut Client, token: &str) -> Value {
    let reply = client.authen(token).await;
    assert_eq!(reply["r"], 0, "{reply}");
    reply
}

#[tokio::test]
async fn a_visitor_on_one_node_and_an_agent_on_another_chat_both_ways() {
    let Some(cluster) = Cluster::start("cluster_chat", 3, &[]).await else {
        return;
    };
    let sales = cluster.facts.queues[0].id.clone();
    let mut alice = cluster.client(2).await;
    let alice_token = cluster.agent_token(2, 0).await;
    authen(&mut alice, &alice_token).await;
    // Every node knows who is online, wherever their socket is.
    let agents: Value = reqwest::Client::new()
        .get(format!("{}/v1/agent/agents", cluster.url(0)))
        .header("X-STRINGEE-AUTH", &alice_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let online: Vec<(Value, Value)> = agents["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].clone(), a["online"].clone()))
        .collect();
    assert_eq!(
        online,
        [(json!("Alice"), json!(true)), (json!("Bob"), json!(false))],
        "{agents}"
    );
    let mut ann = cluster.client(0).await;
    let ann_id =
        authen(&mut ann, &cluster.visitor_token(0, "browser-ann").await).await["userId"].clone();

    let created = ann
        .request(41, json!({"name": sales, "localDbId": "c1"}))
        .await;
    assert_eq!(created["r"], 0, "{created}");
    let conv = created["convId"].clone();
    let offer = push_within(&mut alice, 64, SOON).await;
    assert_eq!(
        (offer["convId"].clone(), offer["customerId"].clone()),
        (conv.clone(), ann_id)
    );
    assert_eq!(
        alice
            .request(65, json!({"convId": conv, "answer": true}))
            .await["r"],
        0
    );
    assert_eq!(
        push_within(&mut ann, 45, SOON).await["type"],
        100,
        "agent joined"
    );

    // Messages both ways, typing both ways, and reports.
    let sent = ann.request(42, json!({"convId": conv, "type": 1, "localDbId": "m1", "message": {"content": "Hello from node 1"}})).await;
    let pushed = push_within(&mut alice, 45, SOON).await;
    assert_eq!(
        (pushed["message"]["content"].clone(), pushed["seq"].clone()),
        (json!("Hello from node 1"), sent["seq"].clone())
    );
    alice.request(84, json!({"convId": conv})).await;
    assert_eq!(push_within(&mut ann, 86, SOON).await["convId"], conv);
    let reply = alice.request(42, json!({"convId": conv, "type": 1, "localDbId": "a1", "message": {"content": "Hi from node 3"}})).await;
    assert_eq!(
        push_within(&mut ann, 45, SOON).await["message"]["content"],
        "Hi from node 3"
    );
    ann.request(85, json!({"convId": conv})).await;
    assert_eq!(push_within(&mut alice, 87, SOON).await["convId"], conv);
    ann.request(
        46,
        json!({"convId": conv, "lastMsgSeq": reply["seq"], "status": 2}),
    )
    .await;
    let seen = push_within(&mut alice, 47, SOON).await;
    assert_eq!(
        (seen["lastMsgSeq"].clone(), seen["status"].clone()),
        (reply["seq"].clone(), json!(2))
    );
}

#[tokio::test]
async fn an_offer_nobody_answers_moves_to_an_agent_on_another_node() {
    let Some(cluster) = Cluster::start(
        "cluster_offer",
        3,
        &[&[
            "--queue",
            "Sales",
            "--answer-timeout",
            "2",
            "--queue-timeout",
            "60",
        ]],
    )
    .await
    else {
        return;
    };
    let sales = cluster.facts.queues[0].id.clone();
    let mut alice = cluster.client(1).await;
    authen(&mut alice, &cluster.agent_token(1, 0).await).await;
    let mut ann = cluster.client(0).await;
    authen(&mut ann, &cluster.visitor_token(0, "browser-ann").await).await;
    let conv = ann
        .request(41, json!({"name": sales, "localDbId": "c1"}))
        .await["convId"]
        .clone();
    assert_eq!(push_within(&mut alice, 64, SOON).await["convId"], conv);
    // Bob comes online on node 3 while Alice lets her offer run out.
    let mut bob = cluster.client(2).await;
    authen(&mut bob, &cluster.agent_token(2, 1).await).await;
    assert_eq!(
        push_within(&mut alice, 66, SOON).await["convId"],
        conv,
        "withdrawn from Alice"
    );
    assert_eq!(
        push_within(&mut bob, 64, SOON).await["convId"],
        conv,
        "offered to Bob"
    );
    assert_eq!(
        bob.request(65, json!({"convId": conv, "answer": true}))
            .await["r"],
        0
    );
    assert_eq!(
        push_within(&mut ann, 45, SOON).await["message"]["participants"][0]["displayName"],
        "Bob"
    );
}

#[tokio::test]
async fn when_the_routing_node_dies_another_takes_over_the_waiting_chats_and_the_offers() {
    let Some(mut cluster) = Cluster::start(
        "cluster_takeover",
        3,
        &[
            &[
                "--queue",
                "Sales",
                "--answer-timeout",
                "60",
                "--queue-timeout",
                "120",
            ],
            &[
                "--queue",
                "Support",
                "--answer-timeout",
                "60",
                "--queue-timeout",
                "9",
            ],
        ],
    )
    .await
    else {
        return;
    };
    let router = cluster.router(SOON).await;
    let others: Vec<usize> = (0..3).filter(|i| *i != router).collect();
    let (sales, support) = (
        cluster.facts.queues[0].id.clone(),
        cluster.facts.queues[1].id.clone(),
    );

    // Alice (on a node that does not route) is offered a Sales chat and holds the offer; a
    // Support chat waits behind it (an agent holds one offer at a time).
    let mut alice = cluster.client(others[0]).await;
    authen(&mut alice, &cluster.agent_token(others[0], 0).await).await;
    let mut ann = cluster.client(others[1]).await;
    authen(
        &mut ann,
        &cluster.visitor_token(others[1], "browser-ann").await,
    )
    .await;
    let in_sales = ann
        .request(41, json!({"name": sales, "localDbId": "c1"}))
        .await["convId"]
        .clone();
    assert_eq!(push_within(&mut alice, 64, SOON).await["convId"], in_sales);
    let mut ben = cluster.client(others[1]).await;
    authen(
        &mut ben,
        &cluster.visitor_token(others[1], "browser-ben").await,
    )
    .await;
    let started = tokio::time::Instant::now();
    let in_support = ben
        .request(41, json!({"name": support, "localDbId": "c1"}))
        .await;
    assert_eq!(in_support["chatStatus"], "queued", "{in_support}");

    cluster.kill(router);
    let next = cluster.router(SOON).await;
    assert_ne!(next, router);
    // The offer in flight is made again by the new routing node, oldest chat first.
    assert_eq!(push_within(&mut alice, 64, SOON).await["convId"], in_sales);
    // The Support chat kept its place and its queue timeout: missed about 9 s after it
    // started, not 9 s after the takeover.
    push_within(&mut ben, 67, SOON).await;
    let missed_after = started.elapsed();
    assert!(
        missed_after >= Duration::from_secs(8) && missed_after < Duration::from_secs(13),
        "missed after {missed_after:?}"
    );
    // Alice takes the Sales chat through the new routing node.
    assert_eq!(
        alice
            .request(65, json!({"convId": in_sales, "answer": true}))
            .await["r"],
        0
    );
    assert_eq!(push_within(&mut ann, 45, SOON).await["type"], 100);
}

/// A chat between Ann (visitor, on node `ann_on`) and Alice (agent, on node `alice_on`).
async fn chatting(
    cluster: &Cluster,
    ann_on: usize,
    alice_on: usize,
) -> (Client, String, Client, Value) {
    let sales = cluster.facts.queues[0].id.clone();
    let mut alice = cluster.client(alice_on).await;
    authen(&mut alice, &cluster.agent_token(alice_on, 0).await).await;
    let token = cluster.visitor_token(ann_on, "browser-ann").await;
    let mut ann = cluster.client(ann_on).await;
    authen(&mut ann, &token).await;
    let conv = ann
        .request(41, json!({"name": sales, "localDbId": "c1"}))
        .await["convId"]
        .clone();
    push_within(&mut alice, 64, SOON).await;
    assert_eq!(
        alice
            .request(65, json!({"convId": conv, "answer": true}))
            .await["r"],
        0
    );
    (ann, token, alice, conv)
}

fn text(conv: &Value, local: &str) -> Value {
    json!({"convId": conv, "type": 1, "localDbId": local, "message": {"content": local}})
}

/// The conversation's messages as a client that reconnected loads them: by seq.
async fn history(client: &mut Client, conv: &Value) -> Vec<Value> {
    let loaded = client
        .request(
            50,
            json!({"convId": conv, "seqGreater": 0, "limit": 500, "sort": "ASC"}),
        )
        .await;
    loaded["msgs"].as_array().cloned().unwrap_or_default()
}

/// Every message once, seqs 1, 2, 3… with none missing, and exactly these localDbIds.
fn exactly_once(messages: &[Value], sender_locals: &[String]) {
    let seqs: Vec<i64> = messages
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "seqs in order, no gap"
    );
    for local in sender_locals {
        let count = messages
            .iter()
            .filter(|m| m["message"]["content"] == json!(local))
            .count();
        assert_eq!(count, 1, "{local} stored {count} times");
    }
}

#[tokio::test]
async fn a_node_killed_under_a_conversation_loses_nothing_acknowledged_and_doubles_nothing() {
    let Some(mut cluster) = Cluster::start("cluster_kill", 3, &[]).await else {
        return;
    };
    let (mut ann, token, mut alice, conv) = chatting(&cluster, 1, 2).await;
    let mut sent: Vec<String> = Vec::new();
    for i in 0..10 {
        let local = format!("ann-{i}");
        assert_eq!(ann.request(42, text(&conv, &local)).await["r"], 0);
        sent.push(local);
    }
    // Three more go out and the node dies before (or while) answering: unacknowledged.
    for i in 10..13 {
        let local = format!("ann-{i}");
        let mut frame = json!({"service": 42, "body": text(&conv, &local)});
        frame["body"]["requestId"] = json!(1000 + i);
        ann.send_text(&frame.to_string()).await;
        sent.push(local);
    }
    cluster.kill(1);

    // Ann's client reconnects to another node, resends what was not acknowledged, loads.
    let mut ann = cluster.client(0).await;
    authen(&mut ann, &token).await;
    for local in &sent[10..] {
        let again = ann.request(42, text(&conv, local)).await;
        assert_eq!(again["r"], 0, "{again}");
    }
    let stored = history(&mut ann, &conv).await;
    exactly_once(&stored, &sent);
    // Alice, whose node lived, was pushed each of Ann's messages at most once; what a push did
    // not bring (the dead node may have stored one without telling), she loads by seq.
    let mut pushed: Vec<String> = Vec::new();
    while let Ok(frame) = tokio::time::timeout(
        Duration::from_millis(500),
        crate::journey::push_of(&mut alice, 45),
    )
    .await
    {
        if let Some(local) = frame["message"]["content"].as_str() {
            pushed.push(local.to_string());
        }
    }
    let mut unique = pushed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        pushed.len(),
        "no message pushed twice: {pushed:?}"
    );
    exactly_once(&history(&mut alice, &conv).await, &sent);
    cluster.start_again(1);
}

#[tokio::test]
async fn a_rolling_restart_of_every_node_keeps_the_conversation_going() {
    let Some(mut cluster) = Cluster::start("cluster_rolling", 3, &[]).await else {
        return;
    };
    let (mut ann, ann_token, mut alice, conv) = chatting(&cluster, 0, 1).await;
    let alice_token = cluster.agent_token(1, 0).await;
    let (mut ann_on, mut alice_on) = (0, 1);
    let mut sent = Vec::new();
    for restarted in 0..3 {
        cluster.restart(restarted);
        // Clients of the restarted node reconnect to the next one.
        if ann_on == restarted {
            ann_on = (restarted + 1) % 3;
            ann = cluster.client(ann_on).await;
            authen(&mut ann, &ann_token).await;
        }
        if alice_on == restarted {
            alice_on = (restarted + 1) % 3;
            alice = cluster.client(alice_on).await;
            authen(&mut alice, &alice_token).await;
        }
        let from_ann = format!("ann-after-{restarted}");
        assert_eq!(ann.request(42, text(&conv, &from_ann)).await["r"], 0);
        assert_eq!(
            push_within(&mut alice, 45, SOON).await["message"]["content"],
            json!(from_ann)
        );
        let from_alice = format!("alice-after-{restarted}");
        assert_eq!(alice.request(42, text(&conv, &from_alice)).await["r"], 0);
        assert_eq!(
            push_within(&mut ann, 45, SOON).await["message"]["content"],
            json!(from_alice)
        );
        sent.extend([from_ann, from_alice]);
    }
    exactly_once(&history(&mut ann, &conv).await, &sent);
}
