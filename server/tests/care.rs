//! After the chat starts: transfer with confirmation, joining, continuing, rating, the
//! transcript by mail, profile updates, users' info and custom messages, over real sockets.

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::journey::{agent, push_of, visitor};
use crate::socket::Client;

/// A visitor's chat in Sales, accepted by agent 0 (Alice). Returns (visitor, alice, bob, conv).
pub async fn accepted_chat(server: &TestServer) -> (Client, Client, Client, String) {
    let sales = server.facts.queues[0].id.clone();
    let mut alice = agent(server, 0).await;
    let bob = agent(server, 1).await;
    let (mut ann, _) = visitor(server, "browser-ann").await;
    let conv = ann.request(41, json!({"name": sales})).await["convId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(push_of(&mut alice, 64).await["convId"], json!(conv));
    let accepted = alice
        .request(65, json!({"convId": conv, "answer": true}))
        .await;
    assert_eq!(accepted["r"], 0, "{accepted}");
    // The visitor is told Alice joined; later pushes are what each test looks at.
    assert_eq!(push_of(&mut ann, 45).await["type"], 100);
    (ann, alice, bob, conv)
}

/// The next push of `service` whose body has `field` equal to `value`, skipping others.
async fn push_with(client: &mut Client, service: u64, field: &str, value: Value) -> Value {
    loop {
        let body = push_of(client, service).await;
        if body[field] == value {
            return body;
        }
    }
}

fn text(conv: &str, content: &str) -> Value {
    json!({"convId": conv, "type": 1, "message": {"content": content}})
}

#[tokio::test]
async fn a_transfer_confirmed_by_the_receiver_hands_the_chat_over_and_the_visitor_goes_on() {
    let server = TestServer::start().await;
    let (alice_id, bob_id) = (
        server.facts.agents[0].user_id.clone(),
        server.facts.agents[1].user_id.clone(),
    );
    let (mut ann, mut alice, mut bob, conv) = accepted_chat(&server).await;

    // Only the chat's agent may transfer it.
    let stolen = bob
        .request(77, json!({"convId": conv, "toUserId": bob_id}))
        .await;
    assert_eq!(stolen["r"], 404, "bob is not a member: {stolen}");

    // Alice asks Bob; he sees the request, also among his chat requests (type 1).
    let asked = alice
        .request(77, json!({"convId": conv, "toUserId": bob_id}))
        .await;
    assert_eq!(asked["r"], 0, "{asked}");
    let request = push_of(&mut bob, 79).await;
    assert_eq!(
        (
            request["convId"].clone(),
            request["from"].clone(),
            request["customerName"].clone()
        ),
        (json!(conv), json!(alice_id), json!("Ann Visitor"))
    );
    let pending = bob.request(99, json!({})).await;
    assert_eq!(pending["chatRequests"][0]["type"], 1, "{pending}");

    // A first refusal: Alice is told, and keeps the chat.
    let refused = bob
        .request(78, json!({"convId": conv, "answer": false}))
        .await;
    assert_eq!(refused["r"], 0);
    let told = push_of(&mut alice, 78).await;
    assert_eq!(
        (told["answer"].clone(), told["toUserId"].clone()),
        (json!(false), json!(bob_id))
    );
    assert_eq!(alice.request(42, text(&conv, "Still me")).await["r"], 0);

    // Asked again, Bob accepts: he is the chat's agent, Alice has left it.
    alice
        .request(77, json!({"convId": conv, "toUserId": bob_id}))
        .await;
    push_of(&mut bob, 79).await;
    let taken = bob
        .request(78, json!({"convId": conv, "answer": true}))
        .await;
    assert_eq!(
        (taken["r"].clone(), taken["agentId"].clone()),
        (json!(0), json!(bob_id))
    );
    let told = push_of(&mut alice, 78).await;
    assert_eq!(told["answer"], true);
    // The visitor sees who joined and who left, as stored messages.
    let mut events = Vec::new();
    while events.len() < 2 {
        let pushed = push_of(&mut ann, 45).await;
        if pushed["type"] == 100 {
            events.push((
                pushed["message"]["type"].clone(),
                pushed["message"]["participants"][0]["userId"].clone(),
            ));
        }
    }
    assert_eq!(
        events,
        [(json!(1), json!(bob_id)), (json!(2), json!(alice_id))]
    );

    // The visitor keeps chatting, now with Bob; Alice can no longer write or read.
    ann.request(42, text(&conv, "Thanks!")).await;
    let pushed = push_with(&mut bob, 45, "type", json!(1)).await;
    assert_eq!(pushed["message"]["content"], "Thanks!");
    assert_eq!(alice.request(42, text(&conv, "me again")).await["r"], 404);
    assert_eq!(bob.request(42, text(&conv, "Bob here")).await["r"], 0);
    assert_eq!(
        push_with(&mut ann, 45, "type", json!(1)).await["from"],
        json!(bob_id)
    );
    server.stop().await;
}

#[tokio::test]
async fn a_transfer_to_someone_offline_or_unknown_is_refused() {
    let server = TestServer::start().await;
    let bob_id = server.facts.agents[1].user_id.clone();
    let (_ann, mut alice, bob, conv) = accepted_chat(&server).await;
    drop(bob);
    // Bob's socket closing reaches routing a moment later.
    let mut answer = Value::Null;
    for _ in 0..50 {
        answer = alice
            .request(77, json!({"convId": conv, "toUserId": bob_id}))
            .await;
        if answer["r"] == 409 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(answer["r"], 409, "{answer}");
    let unknown = alice
        .request(77, json!({"convId": conv, "toUserId": "agent-nobody"}))
        .await;
    assert_eq!(unknown["r"], 404);
    server.stop().await;
}

#[tokio::test]
async fn a_colleague_joins_and_the_agent_continues_an_ended_chat() {
    let server = TestServer::start().await;
    let bob_id = server.facts.agents[1].user_id.clone();
    let (mut ann, mut alice, mut bob, conv) = accepted_chat(&server).await;

    let joined = bob.request(74, json!({"convId": conv})).await;
    assert_eq!(joined["r"], 0, "{joined}");
    let pushed = push_of(&mut ann, 45).await;
    assert_eq!(
        pushed["message"]["participants"][0]["userId"],
        json!(bob_id)
    );
    assert_eq!(ann.request(42, text(&conv, "hello both")).await["r"], 0);
    assert_eq!(
        push_with(&mut bob, 45, "type", json!(1)).await["message"]["content"],
        "hello both"
    );

    // The visitor ends the chat; its agent takes it up again.
    assert_eq!(ann.request(68, json!({"convId": conv})).await["r"], 0);
    assert_eq!(
        bob.request(82, json!({"convId": conv})).await["r"],
        403,
        "bob is not its agent"
    );
    let resumed = alice.request(82, json!({"convId": conv})).await;
    assert_eq!(
        (resumed["r"].clone(), resumed["chatStatus"].clone()),
        (json!(0), json!("active"))
    );
    assert_eq!(ann.request(42, text(&conv, "I'm back")).await["r"], 0);
    assert_eq!(alice.request(82, json!({"convId": conv})).await["r"], 409);
    server.stop().await;
}

#[tokio::test]
async fn the_visitor_rates_the_chat_and_mails_the_transcript() {
    let server = TestServer::start().await;
    let (mut ann, mut alice, _bob, conv) = accepted_chat(&server).await;
    ann.request(42, text(&conv, "Where is my <b>order</b>?"))
        .await;
    alice.request(42, text(&conv, "On its way.")).await;
    assert_eq!(
        alice
            .request(69, json!({"convId": conv, "rating": 1}))
            .await["r"],
        403
    );
    assert_eq!(
        ann.request(69, json!({"convId": conv, "rating": 7})).await["r"],
        400
    );
    assert_eq!(ann.request(68, json!({"convId": conv})).await["r"], 0);

    let rated = ann
        .request(
            69,
            json!({"convId": conv, "rating": 1, "comment": "Quick and kind"}),
        )
        .await;
    assert_eq!(rated["r"], 0, "{rated}");
    let pushed = push_with(&mut alice, 45, "type", json!(14)).await;
    assert_eq!(pushed["message"]["rating"], 1);

    assert_eq!(
        ann.request(71, json!({"convId": conv, "email": "not-an-address"}))
            .await["r"],
        400
    );
    let mailed = ann
        .request(
            71,
            json!({"convId": conv, "email": "ann@example.com", "domain": "shop.example.com"}),
        )
        .await;
    assert_eq!(mailed["r"], 0, "{mailed}");
    let outbox = server.outbox();
    assert_eq!(outbox.len(), 1);
    let mail = &outbox[0];
    assert!(mail.contains("To: ann@example.com"), "{mail}");
    assert!(
        mail.contains("Ann Visitor: Where is my <b>order</b>?"),
        "{mail}"
    );
    assert!(mail.contains("Alice: On its way."), "{mail}");
    assert!(
        mail.contains("Ann Visitor rated the chat good: Quick and kind"),
        "{mail}"
    );
    // Only members get transcripts.
    let (mut eve, _) = visitor(&server, "browser-eve").await;
    assert_eq!(
        eve.request(71, json!({"convId": conv, "email": "eve@example.com"}))
            .await["r"],
        404
    );
    assert_eq!(server.outbox().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn profile_updates_reach_the_agent_and_users_info_respects_who_asks() {
    let server = TestServer::start().await;
    let alice_id = server.facts.agents[0].user_id.clone();
    let (mut ann, mut alice, _bob, conv) = accepted_chat(&server).await;
    let ann_id = ann.request(50, json!({"convId": conv, "limit": 1})).await["msgs"][0]["from"]
        .as_str()
        .unwrap()
        .to_string();

    let updated = ann
        .request(70, json!({"display_name": "Ann Smith", "phone": "+84 90 000", "browser": "Chromium", "pageUrl": "https://shop.example.com/cart"}))
        .await;
    assert_eq!(updated["r"], 0, "{updated}");
    let changed = push_of(&mut alice, 81).await;
    assert_eq!(
        (
            changed["userId"].clone(),
            changed["display_name"].clone(),
            changed["details"]["pageUrl"].clone()
        ),
        (
            json!(ann_id),
            json!("Ann Smith"),
            json!("https://shop.example.com/cart")
        )
    );
    // The new name is the one typing shows.
    ann.request(84, json!({"convId": conv})).await;
    assert_eq!(push_of(&mut alice, 86).await["displayName"], "Ann Smith");
    assert_eq!(ann.request(70, json!({"email": "nope"})).await["r"], 400);
    assert_eq!(
        alice.request(70, json!({"display_name": "X"})).await["r"],
        403
    );

    // The agent sees the visitor in full; the visitor sees the agent by name only.
    let info = alice.request(56, json!({"userIds": ann_id})).await;
    assert_eq!(info["users"][0]["phone"], "+84 90 000", "{info}");
    let info = ann
        .request(56, json!({"userIds": format!("{alice_id},{ann_id}")}))
        .await;
    assert_eq!(info["users"][0]["name"], "Alice");
    assert!(info["users"][0].get("email").is_none(), "{info}");
    // Another visitor is invisible to Ann.
    let (_eve, eve_id) = visitor(&server, "browser-eve").await;
    let info = ann.request(56, json!({"userIds": eve_id})).await;
    assert_eq!(info["users"], json!([]));
    server.stop().await;
}

#[tokio::test]
async fn custom_messages_go_between_chat_members_only() {
    let server = TestServer::start().await;
    let alice_id = server.facts.agents[0].user_id.clone();
    let (mut ann, mut alice, _bob, _conv) = accepted_chat(&server).await;
    let sent = ann
        .request(
            54,
            json!({"toUser": alice_id, "message": {"kind": "cobrowse", "url": "/cart"}}),
        )
        .await;
    assert_eq!(
        (sent["r"].clone(), sent["delivered"].clone()),
        (json!(0), json!(1))
    );
    let pushed = push_of(&mut alice, 55).await;
    assert_eq!(pushed["message"]["kind"], "cobrowse");
    let (mut eve, _) = visitor(&server, "browser-eve").await;
    assert_eq!(
        eve.request(54, json!({"toUser": alice_id, "message": "hi"}))
            .await["r"],
        404
    );
    server.stop().await;
}
