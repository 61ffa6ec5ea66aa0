//! A whole live chat over real sockets, visitor and agent, speaking only the protocol page.

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::socket::{Client, agent_token, visitor_token};

/// Reads frames until one of `service` arrives (skipping pings and other pushes).
pub async fn push_of(client: &mut Client, service: u64) -> Value {
    loop {
        let frame = client.next_frame().await;
        if frame["service"] == service {
            return frame["body"].clone();
        }
    }
}

pub async fn visitor(server: &TestServer, browser: &str) -> (Client, String) {
    let mut client = Client::connect(server).await;
    let reply = client.authen(&visitor_token(server, browser).await).await;
    assert_eq!(reply["r"], 0, "{reply}");
    (client, reply["userId"].as_str().unwrap().to_string())
}

pub async fn agent(server: &TestServer, index: usize) -> Client {
    let mut client = Client::connect(server).await;
    assert_eq!(
        client.authen(&agent_token(server, index).await).await["r"],
        0
    );
    client
}

#[tokio::test]
async fn a_visitor_and_an_agent_chat_from_request_to_end() {
    chat_from_request_to_end(TestServer::start().await).await;
}

#[tokio::test]
async fn a_visitor_and_an_agent_chat_from_request_to_end_on_postgres() {
    if let Some(server) = TestServer::start_on_postgres("journey").await {
        chat_from_request_to_end(server).await;
    }
}

async fn chat_from_request_to_end(server: TestServer) {
    let sales = server.facts.queues[0].id.clone();
    let alice_id = server.facts.agents[0].user_id.clone();
    let mut alice = agent(&server, 0).await;
    let (mut ann, ann_id) = visitor(&server, "browser-ann").await;

    // The visitor starts a chat in Sales; a resent create is the same chat.
    let created = ann.request(41, json!({"isGroup": true, "distinct": false, "name": sales, "participants": [], "localDbId": "c1"})).await;
    assert_eq!(created["r"], 0, "{created}");
    let conv = created["convId"].as_str().unwrap().to_string();
    assert_eq!(created["chatStatus"], "queued");
    let again = ann
        .request(41, json!({"name": sales, "localDbId": "c1"}))
        .await;
    assert_eq!(again["convId"], json!(conv));

    // The agent is offered it, and sees it among their chat requests.
    let offer = push_of(&mut alice, 64).await;
    assert_eq!(offer["convId"], json!(conv));
    assert_eq!(offer["customerId"], json!(ann_id));
    assert_eq!(offer["customerName"], "Ann Visitor");
    assert_eq!(offer["answerTimeoutMs"], 15_000, "the console's countdown");
    assert_eq!(offer["queueName"], "Sales");
    let requests = alice.request(99, json!({})).await;
    assert_eq!(requests["chatRequests"][0]["convId"], json!(conv));

    // The conversation opens with Stringee's "created" message, seq 1.
    assert_eq!(
        (
            created["lastMsg"]["seq"].clone(),
            created["lastMsg"]["type"].clone()
        ),
        (json!(1), json!(7))
    );

    // The visitor writes while waiting: stored with seq 2.
    let sent = ann.request(42, json!({"convId": conv, "type": 1, "localDbId": "m1", "message": {"content": "Hello, anyone there?"}})).await;
    assert_eq!(
        (sent["r"].clone(), sent["seq"].clone()),
        (json!(0), json!(2)),
        "{sent}"
    );
    let first_msg_id = sent["msgId"].clone();

    // The agent accepts; the visitor is told who joined, by a stored notification.
    let accepted = alice
        .request(
            65,
            json!({"convId": conv, "answer": true, "channelType": 1}),
        )
        .await;
    assert_eq!(accepted["r"], 0, "{accepted}");
    assert_eq!(accepted["chatStatus"], "active");
    let joined = push_of(&mut ann, 45).await;
    assert_eq!(
        (joined["type"].clone(), joined["seq"].clone()),
        (json!(100), json!(3))
    );
    assert_eq!(joined["message"]["participants"][0]["displayName"], "Alice");

    // The agent reads the history, the visitor's first message included.
    let history = alice
        .request(
            50,
            json!({"convId": conv, "seqGreater": 0, "limit": 50, "sort": "ASC"}),
        )
        .await;
    let texts: Vec<Value> = history["msgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].clone())
        .collect();
    assert_eq!(texts, [json!(1), json!(2), json!(3)]);
    assert_eq!(
        history["msgs"][1]["message"]["content"],
        "Hello, anyone there?"
    );

    // Typing, both ways named.
    alice.request(84, json!({"convId": conv})).await;
    let typing = push_of(&mut ann, 86).await;
    assert_eq!(
        (typing["userId"].clone(), typing["displayName"].clone()),
        (json!(alice_id), json!("Alice"))
    );

    // The agent answers; the visitor gets it pushed.
    let reply = alice.request(42, json!({"convId": conv, "type": 1, "localDbId": "a1", "message": {"content": "Hi Ann, Alice here."}})).await;
    assert_eq!(reply["seq"], 4);
    let pushed = push_of(&mut ann, 45).await;
    assert_eq!(
        (pushed["from"].clone(), pushed["seq"].clone()),
        (json!(alice_id), json!(4))
    );
    assert_eq!(pushed["message"]["content"], "Hi Ann, Alice here.");

    // A resent message (same localDbId) is the original, not a second copy...
    let resent = ann.request(42, json!({"convId": conv, "type": 1, "localDbId": "m1", "message": {"content": "Hello, anyone there?"}})).await;
    assert_eq!(
        (resent["msgId"].clone(), resent["seq"].clone()),
        (first_msg_id, json!(2))
    );
    // ...so the next thing the agent receives is the next message, seq 5.
    ann.request(42, json!({"convId": conv, "type": 1, "localDbId": "m2", "message": {"content": "I need a quote."}})).await;
    let next = push_of(&mut alice, 45).await;
    assert_eq!(
        (next["seq"].clone(), next["message"]["content"].clone()),
        (json!(5), json!("I need a quote."))
    );

    // Read marks reach the other side.
    ann.request(46, json!({"convId": conv, "lastMsgSeq": 4, "status": 2}))
        .await;
    let seen = push_of(&mut alice, 47).await;
    assert_eq!(
        (
            seen["from"].clone(),
            seen["lastMsgSeq"].clone(),
            seen["status"].clone()
        ),
        (json!(ann_id), json!(4), json!(2))
    );

    // The visitor ends the chat: the agent is told, and nothing more can be sent.
    let ended = ann.request(68, json!({"convId": conv})).await;
    assert_eq!(ended["r"], 0);
    let pushed = push_of(&mut alice, 98).await;
    assert_eq!(
        (pushed["convId"].clone(), pushed["endedby"].clone()),
        (json!(conv), json!(ann_id))
    );
    let late = ann
        .request(
            42,
            json!({"convId": conv, "type": 1, "message": {"content": "one more"}}),
        )
        .await;
    assert_eq!(late["r"], 409);
    assert_eq!(ann.request(68, json!({"convId": conv})).await["r"], 409);
    server.stop().await;
}

#[tokio::test]
async fn visitors_reach_only_their_own_conversations_and_agents_only_theirs() {
    let server = TestServer::start().await;
    let sales = server.facts.queues[0].id.clone();
    let (mut ann, _) = visitor(&server, "browser-ann").await;
    let (mut eve, _) = visitor(&server, "browser-eve").await;
    let mut alice = agent(&server, 0).await;
    let mut bob = agent(&server, 1).await;
    let conv = ann.request(41, json!({"name": sales})).await["convId"]
        .as_str()
        .unwrap()
        .to_string();
    // Alice has been idle longest: the offer is hers, not Bob's.
    assert_eq!(push_of(&mut alice, 64).await["convId"], json!(conv));

    for (service, body) in [
        (50, json!({"convId": conv})),
        (
            42,
            json!({"convId": conv, "type": 1, "message": {"content": "hi"}}),
        ),
        (46, json!({"convId": conv, "lastMsgSeq": 1, "status": 2})),
        (84, json!({"convId": conv})),
        (68, json!({"convId": conv})),
    ] {
        assert_eq!(
            eve.request(service, body.clone()).await["r"],
            404,
            "eve, service {service}"
        );
    }
    // Bob was offered nothing, yet he tries to take it and to read it.
    let taken = bob
        .request(65, json!({"convId": conv, "answer": true}))
        .await;
    assert_eq!(taken["r"], 409, "{taken}");
    assert_eq!(bob.request(50, json!({"convId": conv})).await["r"], 404);
    // Roles: visitors do not answer chat requests; agents do not create live chats.
    assert_eq!(
        eve.request(65, json!({"convId": conv, "answer": true}))
            .await["r"],
        403
    );
    assert_eq!(bob.request(41, json!({"name": sales})).await["r"], 403);
    // Unknown queue; bad fields.
    assert_eq!(
        ann.request(41, json!({"name": "no-such-queue"})).await["r"],
        404
    );
    assert_eq!(
        ann.request(42, json!({"convId": conv, "type": 1, "message": "text"}))
            .await["r"],
        400
    );
    assert_eq!(
        ann.request(42, json!({"convId": conv, "type": 14, "message": {}}))
            .await["r"],
        400
    );
    let long = "x".repeat(5_001);
    assert_eq!(
        ann.request(
            42,
            json!({"convId": conv, "type": 1, "message": {"content": long}})
        )
        .await["r"],
        413
    );
    // The owner still chats normally.
    assert_eq!(
        ann.request(
            42,
            json!({"convId": conv, "type": 1, "message": {"content": "hi"}})
        )
        .await["r"],
        0
    );
    server.stop().await;
}

#[tokio::test]
async fn an_offer_nobody_answers_times_out_moves_on_and_the_visitor_is_told_at_the_queue_timeout() {
    let server = TestServer::start().await;
    let sales = server.facts.queues[0].id.clone();
    let mut alice = agent(&server, 0).await;
    let mut bob = agent(&server, 1).await;
    let (mut ann, _) = visitor(&server, "browser-ann").await;
    let conv = ann.request(41, json!({"name": sales})).await["convId"].clone();

    // Alice connected first, so she has been idle longest: the offer is hers.
    let offer = push_of(&mut alice, 64).await;
    assert_eq!(offer["convId"], conv);
    // From here on the server only waits, so the clock can be controlled. Across real sockets
    // the paused clock also jumps ahead while a frame is in flight, so only lower bounds hold
    // here; the exact timings are pinned by the routing engine's own tests.
    tokio::time::pause();
    let started = tokio::time::Instant::now();
    let timed_out = push_of(&mut alice, 66).await;
    assert_eq!(timed_out["convId"], conv);
    let secs = started.elapsed().as_secs_f64();
    assert!(secs >= 14.0, "answer timeout after {secs} s");
    let moved = push_of(&mut bob, 64).await;
    assert_eq!(moved["convId"], conv);

    let missed = push_of(&mut ann, 67).await;
    assert_eq!(missed["convId"], conv);
    let secs = started.elapsed().as_secs_f64();
    assert!(secs >= 59.0, "queue timeout after {secs} s");
    tokio::time::resume();

    // The missed chat is over: nobody can take it any more.
    assert_eq!(
        alice
            .request(65, json!({"convId": conv, "answer": true}))
            .await["r"],
        409
    );
    server.stop().await;
}

#[tokio::test]
async fn a_graceful_stop_closes_sockets_and_keeps_every_acknowledged_message() {
    let server = TestServer::start().await;
    let sales = server.facts.queues[0].id.clone();
    let (mut ann, _) = visitor(&server, "browser-ann").await;
    let conv = ann.request(41, json!({"name": sales})).await["convId"]
        .as_str()
        .unwrap()
        .to_string();
    let mut acknowledged = Vec::new();
    for n in 0..20 {
        let reply = ann
            .request(42, json!({"convId": conv, "type": 1, "localDbId": format!("m{n}"), "message": {"content": format!("message {n}")}}))
            .await;
        assert_eq!(reply["r"], 0);
        acknowledged.push(reply["seq"].as_i64().unwrap());
    }
    let store = server.store().await;
    // The socket is closed by the server on shutdown, so the client can reconnect elsewhere.
    let stopping = tokio::spawn(server.stop());
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if ann.try_next_frame().await.is_none() {
                break;
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the socket was closed by the server");
    stopping.await.unwrap();

    let stored: Vec<i64> = parlor_server::store::Store::messages(
        store.as_ref(),
        &conv,
        parlor_server::store::MessageQuery {
            seq_greater: Some(1),
            seq_smaller: None,
            limit: 100,
            ascending: true,
        },
    )
    .await
    .unwrap()
    .iter()
    .map(|m| m.seq)
    .collect();
    assert_eq!(stored, acknowledged);
}
