//! Webhooks against a real receiver on loopback: every event of a chat driven through the
//! protocol arrives signed and in order; a receiver that is down, then failing, then up gets
//! every delivery (time set by the test); a server killed with deliveries pending sends them
//! when it is back; addresses that are not public are refused before any connection.

use std::time::Duration;

use parlor_server::Settings;
use parlor_server::store::{Database, Webhook};
use parlor_server::webhook::Sender;
use reqwest::Method;
use serde_json::{Value, json};

use crate::care::accepted_chat;
use crate::common::TestServer;
use crate::journey::visitor;
use crate::receiver::{Hit, Receiver};
use crate::socket::agent_token;

const SECRET: &str = "a-secret-of-sixteen-or-more";

fn text(conv: &str, content: &str) -> Value {
    json!({"convId": conv, "type": 1, "message": {"content": content}})
}

/// A server whose webhooks may go to loopback, retrying after 100 ms.
async fn server_for_webhooks() -> TestServer {
    TestServer::start_with(|state| {
        state.with_settings(Settings {
            webhook_allow_private: true,
            webhook_first_retry: Duration::from_millis(100),
            ..Settings::default()
        })
    })
    .await
}

async fn register(server: &TestServer, url: &str, events: Value) -> (u16, Value) {
    let admin = agent_token(server, 0).await;
    let body = json!({"url": url, "events": events, "secret": SECRET});
    server
        .call(Method::POST, "/v1/admin/webhooks", Some(&admin), Some(body))
        .await
}

fn events_of(hits: &[Hit], conv: &str) -> Vec<String> {
    hits.iter()
        .filter(|h| h.json()["data"]["conversation_id"] == json!(conv))
        .map(|h| h.event.clone())
        .collect()
}

#[tokio::test]
async fn a_receiver_gets_every_event_of_a_chat_signed_and_in_order() {
    let server = server_for_webhooks().await;
    let receiver = Receiver::start().await;
    let all = json!(parlor_server::store::webhook::EVENTS);
    let (status, made) = register(&server, &receiver.url, all).await;
    assert_eq!(status, 201, "{made}");
    let agent = agent_token(&server, 1).await;
    let (status, _) = server
        .call(Method::GET, "/v1/admin/webhooks", Some(&agent), None)
        .await;
    assert_eq!(status, 403, "agents do not see webhooks");

    let bob_id = server.facts.agents[1].user_id.clone();
    let (mut ann, mut alice, mut bob, conv) = accepted_chat(&server).await;
    assert_eq!(
        ann.request(42, text(&conv, "Where is my order?")).await["r"],
        0
    );
    assert_eq!(alice.request(42, text(&conv, "Let me look")).await["r"], 0);
    assert_eq!(
        alice
            .request(77, json!({"convId": conv, "toUserId": bob_id}))
            .await["r"],
        0
    );
    crate::journey::push_of(&mut bob, 79).await;
    assert_eq!(
        bob.request(78, json!({"convId": conv, "answer": true}))
            .await["r"],
        0
    );
    assert_eq!(bob.request(42, text(&conv, "It ships today")).await["r"], 0);
    assert_eq!(ann.request(68, json!({"convId": conv})).await["r"], 0);
    assert_eq!(
        ann.request(
            69,
            json!({"convId": conv, "rating": 1, "comment": "Thanks"})
        )
        .await["r"],
        0
    );
    // A chat nobody takes (the server restarts with it waiting), then a ticket.
    let (mut cat, _) = visitor(&server, "browser-cat").await;
    let sales = server.facts.queues[0].id.clone();
    let waiting = cat.request(41, json!({"name": sales})).await["convId"]
        .as_str()
        .unwrap()
        .to_string();
    server.store().await.miss_waiting_chats().await.unwrap();
    let ticket = reqwest::Client::new()
        .get(format!("{}/v1/chatcustomer/generateticket", server.url))
        .query(&[
            ("key", server.facts.widget_key.as_str()),
            ("username", "Cat"),
            ("email", "cat@example.com"),
            ("note", "Please call me back"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ticket.status(), 200);

    let hits = receiver
        .until(|hits| {
            hits.iter().any(|h| h.event == "ticket.created")
                && events_of(hits, &waiting).len() >= 2
                && events_of(hits, &conv).contains(&"chat.rated".to_string())
                // Three texts and the rating's own message (type 14).
                && events_of(hits, &conv)
                    .iter()
                    .filter(|e| *e == "message.created")
                    .count()
                    == 4
        })
        .await;
    let chat: Vec<String> = events_of(&hits, &conv);
    let without_messages: Vec<&str> = chat
        .iter()
        .map(String::as_str)
        .filter(|e| *e != "message.created")
        .collect();
    assert_eq!(
        without_messages,
        [
            "chat.created",
            "chat.accepted",
            "chat.transferred",
            "chat.ended",
            "chat.rated"
        ]
    );
    // Visitor and agent messages, in the chat's order, between acceptance and end; the
    // rating's own message (type 14) is one too, after the end.
    let messages: Vec<(String, String)> = hits
        .iter()
        .filter(|h| {
            h.event == "message.created" && h.json()["data"]["conversation_id"] == json!(conv)
        })
        .map(|h| {
            let m = &h.json()["data"]["message"];
            (
                m["from"].as_str().unwrap().to_string(),
                m["content"]["content"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        messages[..3],
        [
            ("visitor".to_string(), "Where is my order?".to_string()),
            ("agent".to_string(), "Let me look".to_string()),
            ("agent".to_string(), "It ships today".to_string()),
        ]
    );
    let position = |event: &str| chat.iter().position(|e| e == event).unwrap();
    assert!(position("chat.accepted") < position("message.created"));
    assert_eq!(events_of(&hits, &waiting), ["chat.created", "chat.missed"]);
    let rated = hits
        .iter()
        .find(|h| h.event == "chat.rated")
        .unwrap()
        .json();
    assert_eq!(rated["data"]["rating"], "good");
    assert_eq!(rated["data"]["comment"], "Thanks");
    let transferred = hits
        .iter()
        .find(|h| h.event == "chat.transferred")
        .unwrap()
        .json();
    assert_eq!(transferred["data"]["agent"]["id"], json!(bob_id));
    let ticket = hits
        .iter()
        .find(|h| h.event == "ticket.created")
        .unwrap()
        .json();
    assert_eq!(ticket["data"]["note"], "Please call me back");
    // Every delivery: signed with the secret, its headers match its body, once each.
    let portal = server.store().await.first_portal().await.unwrap().unwrap();
    let mut ids = Vec::new();
    for hit in &hits {
        assert!(hit.signed_with(SECRET), "{hit:?}");
        assert!(!hit.signed_with("another-secret-entirely"));
        let body = hit.json();
        assert_eq!(body["id"], json!(hit.delivery));
        assert_eq!(body["event"], json!(hit.event));
        assert_eq!(body["portal_id"], json!(portal.id));
        assert!(body["created_at"].as_i64().unwrap() > 0);
        ids.push(hit.delivery.clone());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), hits.len(), "each delivery once");

    // Settings list them as delivered; a test event goes to this endpoint alone.
    let admin = agent_token(&server, 0).await;
    let id = made["webhook"]["id"].as_str().unwrap();
    let (_, list) = server
        .call(
            Method::GET,
            &format!("/v1/admin/webhooks/{id}/deliveries"),
            Some(&admin),
            None,
        )
        .await;
    let list = list["deliveries"].as_array().unwrap().clone();
    assert_eq!(list.len(), hits.len());
    assert!(
        list.iter()
            .all(|d| d["status"] == "delivered" && d["last_status"] == 200)
    );
    let (status, test) = server
        .call(
            Method::POST,
            &format!("/v1/admin/webhooks/{id}/test"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 201, "{test}");
    let got = receiver
        .until(|h| h.iter().any(|h| h.event == "webhook.test"))
        .await;
    assert_eq!(
        got.last().unwrap().delivery,
        test["delivery"].as_str().unwrap()
    );
    // "Send again" repeats a delivery with its id.
    let first = list.last().unwrap()["id"].as_str().unwrap().to_string();
    let (status, _) = server
        .call(
            Method::POST,
            &format!("/v1/admin/webhooks/{id}/deliveries/{first}/redeliver"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200);
    receiver
        .until(|h| h.iter().filter(|h| h.delivery == first).count() == 2)
        .await;
    // Switched off, an endpoint gets nothing new.
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/v1/admin/webhooks/{id}"),
            Some(&admin),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(status, 200);
    let before = receiver.hits().len();
    let (mut dan, _) = visitor(&server, "browser-dan").await;
    dan.request(41, json!({"name": sales})).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(receiver.hits().len(), before);
}

#[tokio::test]
async fn endpoints_are_checked_and_private_addresses_refused_unless_the_operator_allows() {
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    for (url, says) in [
        (receiver.url.as_str(), "--webhook-allow-private"),
        ("http://localhost:9/x", "--webhook-allow-private"),
        ("https://10.0.0.7/x", "not a public address"),
        ("https://192.168.1.1/x", "not a public address"),
        (
            "https://169.254.169.254/latest/meta-data",
            "not a public address",
        ),
        ("https://[::1]/x", "not a public address"),
        ("http://hooks.example.com/x", "must be https"),
        ("ftp://hooks.example.com/x", "must be https"),
        ("nonsense", "not a URL"),
    ] {
        let (status, body) = register(&server, url, json!(["chat.created"])).await;
        assert_eq!(status, 422, "{url}: {body}");
        assert!(
            body["msg"].as_str().unwrap().contains(says),
            "{url}: {body}"
        );
    }
    let (status, body) =
        register(&server, "https://hooks.example.com/x", json!(["chat.nope"])).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = register(&server, "https://hooks.example.com/x", json!([])).await;
    assert_eq!(status, 422, "{body}");
    // An endpoint that got in by another way (the URL's name now points home) is refused at
    // sending time, before any connection: the receiver hears nothing.
    let store = server.store().await;
    let portal = store.first_portal().await.unwrap().unwrap();
    store
        .save_webhook(&Webhook {
            id: "wh-home".into(),
            portal_id: portal.id.clone(),
            url: receiver.url.replace("127.0.0.1", "localhost"),
            events: Webhook::events_text(&["chat.created"]),
            secret: SECRET.into(),
            enabled: true,
            created_at: 1,
        })
        .await
        .unwrap();
    let (mut ann, _) = visitor(&server, "browser-ann").await;
    let sales = server.facts.queues[0].id.clone();
    ann.request(41, json!({"name": sales})).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(10);
    let delivery = loop {
        let list = store.deliveries("wh-home", 5).await.unwrap();
        // An attempt counts from its claim; its outcome is written when it ends.
        if let Some(d) = list
            .first()
            .filter(|d| d.attempts > 0 && !d.last_error.is_empty())
        {
            break d.clone();
        }
        assert!(tokio::time::Instant::now() < until, "no attempt ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        delivery.last_error.contains("--webhook-allow-private"),
        "{delivery:?}"
    );
    assert!(receiver.hits().is_empty());
}

#[tokio::test]
async fn deliveries_are_retried_while_the_receiver_is_down_then_failing_until_it_answers() {
    let data = tempfile::tempdir().unwrap();
    parlor_server::seed::init(data.path()).await.unwrap();
    let store = Database::Sqlite(data.path().join(parlor_server::seed::DATABASE_FILE))
        .open()
        .await
        .unwrap();
    let portal = store.first_portal().await.unwrap().unwrap();
    // A port with nobody listening: the receiver is down.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = port.local_addr().unwrap();
    drop(port);
    store
        .save_webhook(&Webhook {
            id: "wh-1".into(),
            portal_id: portal.id.clone(),
            url: format!("http://{address}/hooks/parlor"),
            events: Webhook::events_text(&parlor_server::store::webhook::EVENTS),
            secret: SECRET.into(),
            enabled: true,
            created_at: 1,
        })
        .await
        .unwrap();
    let queue = store.queues(&portal.id).await.unwrap()[0].id.clone();
    let mut convs = Vec::new();
    for visitor in ["ann", "ben"] {
        let (conv, _) = store
            .create_conversation(&parlor_server::store::NewConversation {
                id: format!("conv-{visitor}"),
                portal_id: portal.id.clone(),
                queue_id: queue.clone(),
                creator: visitor.into(),
                create_local_id: None,
                custom_data: String::new(),
            })
            .await
            .unwrap();
        store
            .finish_conversation(&conv.id, parlor_server::store::Status::Ended, visitor)
            .await
            .unwrap();
        convs.push(conv.id);
    }
    let sender = Sender::new(true, Duration::from_secs(10));
    let t0 = parlor_server::hours::now_ms() + 1_000;
    // Down: the first of each chat is tried and fails; the second waits behind it.
    assert_eq!(sender.run_once(store.as_ref(), t0).await.unwrap(), 2);
    let pending = store.deliveries("wh-1", 10).await.unwrap();
    assert!(pending.iter().all(|d| d.status == "pending"));
    let tried: Vec<_> = pending.iter().filter(|d| d.attempts == 1).collect();
    assert_eq!(tried.len(), 2);
    assert!(tried[0].last_error.contains("connect"), "{:?}", tried[0]);
    // Backoff: nothing before the next attempt is due (10 s ± 25 %).
    assert_eq!(
        sender.run_once(store.as_ref(), t0 + 7_000).await.unwrap(),
        0
    );
    // Up, but failing: 503 is tried again later, as the doubled wait says.
    let receiver = Receiver::on(tokio::net::TcpListener::bind(address).await.unwrap()).await;
    receiver.answer(503);
    assert_eq!(
        sender.run_once(store.as_ref(), t0 + 13_000).await.unwrap(),
        2
    );
    assert_eq!(receiver.hits().len(), 2);
    let failing = store.deliveries("wh-1", 10).await.unwrap();
    assert!(
        failing
            .iter()
            .filter(|d| d.attempts == 2)
            .all(|d| d.last_status == 503)
    );
    assert_eq!(
        sender.run_once(store.as_ref(), t0 + 20_000).await.unwrap(),
        0
    );
    // Answering again: both chats' events arrive, each chat's in order, in one pass.
    receiver.answer(204);
    assert_eq!(
        sender.run_once(store.as_ref(), t0 + 40_000).await.unwrap(),
        4
    );
    let delivered: Vec<Hit> = receiver.hits().into_iter().skip(2).collect();
    for conv in &convs {
        assert_eq!(events_of(&delivered, conv), ["chat.created", "chat.ended"]);
    }
    let all = store.deliveries("wh-1", 10).await.unwrap();
    assert!(
        all.iter()
            .all(|d| d.status == "delivered" && d.last_status == 204)
    );
    // The same delivery kept its id on every attempt.
    let hits = receiver.hits();
    assert!(
        hits[..2]
            .iter()
            .all(|first| delivered.iter().any(|h| h.delivery == first.delivery))
    );

    // A receiver that never comes back: after a day of retries, the delivery fails.
    receiver.answer(500);
    store
        .finish_conversation("conv-ann", parlor_server::store::Status::Ended, "ann")
        .await
        .unwrap();
    store
        .rate_conversation("conv-ann", 0, "slow")
        .await
        .unwrap();
    let mut now = t0 + 60_000;
    let mut attempts = 0;
    while now < t0 + 26 * 3_600_000 {
        attempts += sender.run_once(store.as_ref(), now).await.unwrap();
        now += 600_000;
    }
    let rated = store.deliveries("wh-1", 1).await.unwrap().remove(0);
    assert_eq!(
        (rated.event.as_str(), rated.status.as_str()),
        ("chat.rated", "failed")
    );
    assert_eq!(rated.attempts as usize, attempts);
    // Doubling from 10 s up to an hour: about 30 attempts in a day, not thousands.
    assert!((20..=40).contains(&attempts), "{attempts} attempts");
    store.close().await;
}
