//! The SDK in a real (headless) browser against a real `parlor serve`, which `cargo xtask test
//! wasm` starts with a fresh demo portal and names in `PARLOR_TEST_SERVER` / `PARLOR_TEST_FACTS`.

#![cfg(target_arch = "wasm32")]

use futures_util::{FutureExt, StreamExt};
use parlor_client::{Chat, Client, Event, ObjectChange, Rating, TicketRequest, UserInfo};
use wasm_bindgen_test::*;

#[path = "live/support.rs"]
mod support;

use support::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_visitor_goes_from_profile_to_a_rated_chat_and_a_transcript() {
    let key = facts()["widget_key"].as_str().unwrap().to_string();
    let profile = Chat::new(config("x")).get_chat_profile(&key).await.unwrap();
    assert_eq!(profile.queues[0].name, "Sales");
    let (alice, mut alice_events, alice_id) = agent(0).await;
    let (bob, _bob_events, _) = agent(1).await;
    bob.set_available(false).await.unwrap();

    let (ann, mut ann_events, ann_id) = visitor(&unique("visitor"), &unique("browser")).await;
    ann.update_user_info(&UserInfo {
        page_url: Some("https://shop.example.com/cart".into()),
        ..UserInfo::default()
    })
    .await
    .unwrap();
    let (conversation, info) = ann
        .create_live_chat_conversation(&queue(), None)
        .await
        .unwrap();
    assert_eq!(info.status, "queued");

    let request = wait_for(&mut alice_events, "chat request", |e| match e {
        Event::ChatRequest(r) => Some(r.clone()),
        _ => None,
    })
    .await;
    assert_eq!(
        (request.conv_id.as_str(), request.customer_id.as_str()),
        (conversation.id(), ann_id.as_str())
    );
    let accepted = alice
        .answer_chat_request(&request.conv_id, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(accepted.status, "active");

    let sent = conversation.send_text("Where is my order?").await.unwrap();
    assert!(sent.seq > 0);
    let got = wait_for(
        &mut alice_events,
        "visitor's message",
        text_from_others(&alice_id),
    )
    .await;
    assert_eq!(got, "Where is my order?");

    let theirs = alice.conversation(conversation.id());
    theirs.begin_typing().await.unwrap();
    let typing = wait_for(&mut ann_events, "typing", |e| match e {
        Event::UserBeginTyping {
            user_id,
            display_name,
            ..
        } => Some((user_id.clone(), display_name.clone())),
        _ => None,
    })
    .await;
    assert_eq!(typing, (alice_id.clone(), "Alice".to_string()));
    let reply = theirs.send_text("On its way!").await.unwrap();
    assert_eq!(
        wait_for(&mut ann_events, "agent's reply", text_from_others(&ann_id)).await,
        "On its way!"
    );
    conversation.mark_as_read(reply.seq).await.unwrap();
    let read = wait_for(&mut alice_events, "read mark", |e| match e {
        Event::ObjectChange(ObjectChange::Report {
            seq, read: true, ..
        }) => Some(*seq),
        _ => None,
    })
    .await;
    assert_eq!(read, reply.seq);
    assert_eq!(alice.state_of(&reply), parlor_client::MessageState::Read);
    assert_eq!(
        ann.state_of(&sent),
        parlor_client::MessageState::Sent,
        "alice reported nothing yet"
    );
    theirs.mark_as_delivered(sent.seq).await.unwrap();
    wait_for(&mut ann_events, "delivered mark", |e| match e {
        Event::ObjectChange(ObjectChange::Report { read: false, .. }) => Some(()),
        _ => None,
    })
    .await;
    assert_eq!(ann.state_of(&sent), parlor_client::MessageState::Delivered);

    theirs.end_chat().await.unwrap();
    let ended_by = wait_for(&mut ann_events, "chat ended", |e| match e {
        Event::ConversationEnded { ended_by, .. } => Some(ended_by.clone()),
        _ => None,
    })
    .await;
    assert_eq!(ended_by, alice_id);
    conversation.rate_chat(Rating::Good, "Quick").await.unwrap();
    conversation
        .send_chat_transcript("ann@example.com", "shop.example.com")
        .await
        .unwrap();
    let history = conversation.last_messages(50).await.unwrap();
    let texts: Vec<_> = history.iter().filter_map(|m| m.text()).collect();
    assert_eq!(texts, ["Where is my order?", "On its way!"]);
    assert_eq!(
        history.last().unwrap().kind,
        14,
        "the rating closes the history"
    );

    let bad = conversation.send_text("too late").await.unwrap_err();
    assert_eq!(bad.code, 409);
    let ticket = Chat::new(config("x"))
        .create_live_chat_ticket(
            &key,
            &TicketRequest {
                name: "Ann".into(),
                email: "ann@example.com".into(),
                note: "Call me".into(),
                ..TicketRequest::default()
            },
        )
        .await
        .unwrap();
    assert!(ticket.starts_with("ticket-"));
    bob.set_available(true).await.unwrap();
    ann.disconnect();
    alice.disconnect();
    bob.disconnect();
}

#[wasm_bindgen_test]
async fn agents_reject_accept_and_transfer_with_confirmation() {
    let (alice, mut alice_events, alice_id) = agent(0).await;
    let (bob, mut bob_events, bob_id) = agent(1).await;
    let (ann, mut ann_events, _) = visitor(&unique("visitor"), &unique("browser")).await;
    let (conversation, _) = ann
        .create_live_chat_conversation(&queue(), None)
        .await
        .unwrap();

    // Whoever is offered it first rejects; it moves to the other, who accepts.
    let (first, second, first_events, second_events, second_id, first_id) = {
        let offered_to_alice = futures_util::select! {
            _ = wait_for(&mut alice_events, "offer", |e| matches!(e, Event::ChatRequest(_)).then_some(())).fuse() => true,
            _ = wait_for(&mut bob_events, "offer", |e| matches!(e, Event::ChatRequest(_)).then_some(())).fuse() => false,
        };
        if offered_to_alice {
            (
                &alice,
                &bob,
                &mut alice_events,
                &mut bob_events,
                bob_id.clone(),
                alice_id.clone(),
            )
        } else {
            (
                &bob,
                &alice,
                &mut bob_events,
                &mut alice_events,
                alice_id.clone(),
                bob_id.clone(),
            )
        }
    };
    first
        .answer_chat_request(conversation.id(), false)
        .await
        .unwrap();
    wait_for(second_events, "the offer moved on", |e| {
        matches!(e, Event::ChatRequest(_)).then_some(())
    })
    .await;
    assert_eq!(
        first
            .answer_chat_request(conversation.id(), true)
            .await
            .unwrap_err()
            .code,
        409
    );
    second
        .answer_chat_request(conversation.id(), true)
        .await
        .unwrap();

    // The serving agent hands it to the first, who confirms; the visitor goes on with them.
    second
        .conversation(conversation.id())
        .transfer_to(&first_id)
        .await
        .unwrap();
    let request = wait_for(first_events, "transfer request", |e| match e {
        Event::TransferChatRequest(r) => Some(r.clone()),
        _ => None,
    })
    .await;
    assert_eq!(
        (request.from.clone(), request.transfer),
        (Some(second_id.clone()), true)
    );
    let taken = first
        .answer_transfer(conversation.id(), true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.agent_id.as_deref(), Some(first_id.as_str()));
    let answered = wait_for(second_events, "transfer answered", |e| match e {
        Event::TransferAnswered { accepted, .. } => Some(*accepted),
        _ => None,
    })
    .await;
    assert!(answered);
    conversation.send_text("Still there?").await.unwrap();
    assert_eq!(
        wait_for(
            first_events,
            "message to the new agent",
            text_from_others(&first_id)
        )
        .await,
        "Still there?"
    );
    assert_eq!(
        second
            .conversation(conversation.id())
            .send_text("me?")
            .await
            .unwrap_err()
            .code,
        404
    );
    first
        .conversation(conversation.id())
        .end_chat()
        .await
        .unwrap();
    wait_for(&mut ann_events, "ended", |e| {
        matches!(e, Event::ConversationEnded { .. }).then_some(())
    })
    .await;
    ann.disconnect();
    alice.disconnect();
    bob.disconnect();
}

#[wasm_bindgen_test]
async fn messages_written_while_the_socket_is_down_arrive_once_and_in_order() {
    let (alice, mut alice_events, alice_id) = agent(0).await;
    let (bob, _bob_events, _) = agent(1).await;
    let (ann, mut ann_events, ann_id) = visitor(&unique("visitor"), &unique("browser")).await;
    let conversation = chat_taken_by(&ann, &alice, &mut alice_events, &bob).await;

    // The network drops; the visitor keeps typing, and the agent writes meanwhile.
    ann.drop_connection();
    wait_for(&mut ann_events, "disconnected", |e| {
        matches!(e, Event::Disconnected).then_some(())
    })
    .await;
    let sends: Vec<_> = ["one", "two", "three"]
        .iter()
        .map(|text| {
            let conversation = conversation.clone();
            let text = text.to_string();
            async move { conversation.send_text(&text).await }
        })
        .collect();
    let pending = futures_util::future::join_all(sends);
    let theirs = alice.conversation(conversation.id());
    let agents_line = theirs.send_text("Are you still there?");
    let (sent, agents) = futures_util::future::join(pending, agents_line).await;
    agents.unwrap();
    let seqs: Vec<i64> = sent.into_iter().map(|m| m.unwrap().seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");

    // The agent sees each once, in order; the visitor gets the agent's line once, by catch-up.
    let mut seen = Vec::new();
    while seen.len() < 3 {
        seen.push(
            wait_for(
                &mut alice_events,
                "resent message",
                text_from_others(&alice_id),
            )
            .await,
        );
    }
    assert_eq!(seen, ["one", "two", "three"]);
    assert_eq!(
        wait_for(&mut ann_events, "missed line", text_from_others(&ann_id)).await,
        "Are you still there?"
    );
    let history = conversation.last_messages(50).await.unwrap();
    let texts: Vec<_> = history.iter().filter_map(|m| m.text()).collect();
    assert_eq!(texts, ["Are you still there?", "one", "two", "three"]);
    // Nothing more comes: no duplicate of anything.
    sleep(500).await;
    while let Some(Some(event)) = ann_events.next().now_or_never() {
        assert!(
            text_from_others(&ann_id)(&event).is_none(),
            "a duplicate: {event:?}"
        );
    }
    conversation.end_chat().await.unwrap();
    bob.set_available(true).await.unwrap();
    ann.disconnect();
    alice.disconnect();
    bob.disconnect();
}

#[wasm_bindgen_test]
async fn an_expired_token_is_renewed_through_the_token_provider() {
    let user = unique("site-user");
    let client = Client::new(config(&unique("renewal")));
    let mut events = client.events();
    let renewed_for = user.clone();
    client.set_token_provider(move || {
        let token = site_token(&renewed_for, false);
        async move { Ok(token) }
    });
    client.connect(&site_token(&user, true));
    wait_for(&mut events, "request for a token", |e| {
        matches!(e, Event::RequestAccessToken).then_some(())
    })
    .await;
    let connected = wait_for(&mut events, "connected", |e| match e {
        Event::Connected { user_id, .. } => Some(user_id.clone()),
        Event::Failed(error) => panic!("failed: {error}"),
        _ => None,
    })
    .await;
    assert_eq!(connected, user);
    client.disconnect();

    // Without a provider, an expired token ends in a failure with Stringee's code 6.
    let stuck = Client::new(config(&unique("renewal")));
    let mut events = stuck.events();
    stuck.connect(&site_token(&user, true));
    let code = wait_for(&mut events, "failure", |e| match e {
        Event::Failed(error) => Some(error.code),
        _ => None,
    })
    .await;
    assert_eq!(code, 6);
}

#[wasm_bindgen_test]
async fn the_outbox_survives_a_new_page_and_is_sent_once_connected() {
    let (alice, mut alice_events, alice_id) = agent(0).await;
    let (bob, _bob_events, _) = agent(1).await;
    let storage = unique("reload");
    let browser = unique("browser");
    let (ann, _ann_events, _) = visitor(&storage, &browser).await;
    let conversation = chat_taken_by(&ann, &alice, &mut alice_events, &bob).await;

    // Written while offline, then the page goes away before it could be sent.
    ann.disconnect();
    let unsent = ann.conversation(conversation.id());
    let abandoned = unsent.send_text("typed before the reload");
    futures_util::pin_mut!(abandoned);
    assert!(
        (&mut abandoned).now_or_never().is_none(),
        "it waits in the outbox"
    );
    drop(ann);

    // A new page: before it connects, the same storage shows the message as sending...
    let waiting = Client::new(config(&storage));
    let pending: Vec<_> = waiting
        .pending_messages(conversation.id())
        .iter()
        .map(|m| (m.text().map(str::to_string), m.state))
        .collect();
    assert_eq!(
        pending,
        [(
            Some("typed before the reload".to_string()),
            parlor_client::MessageState::Sending
        )]
    );
    drop(waiting);
    // ...and once connected, sends it.
    let (again, _again_events, _) = visitor(&storage, &browser).await;
    assert_eq!(
        wait_for(
            &mut alice_events,
            "message after reload",
            text_from_others(&alice_id)
        )
        .await,
        "typed before the reload"
    );
    sleep(300).await;
    assert!(again.pending_messages(conversation.id()).is_empty());
    again
        .conversation(conversation.id())
        .end_chat()
        .await
        .unwrap();
    bob.set_available(true).await.unwrap();
    again.disconnect();
    alice.disconnect();
    bob.disconnect();
}

#[wasm_bindgen_test]
async fn a_client_given_several_nodes_skips_one_that_cannot_be_reached() {
    let key = facts()["widget_key"].as_str().unwrap().to_string();
    let storage = unique("nodes");
    let token = Chat::new(config(&storage))
        .get_live_chat_token(&key, "Ann Visitor", "ann@example.com", &unique("browser"))
        .await
        .unwrap();
    // The first node listed is down (nothing listens there); the second is the test server.
    let live = format!("{}/ws", server().replacen("http", "ws", 1));
    // What the server lists (one node here), asked with the token in a header.
    let listed = Chat::new(config(&storage))
        .get_server_addresses(&token)
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&live));
    let nodes = vec!["ws://127.0.0.2:59999/ws".to_string(), live];
    let client = Client::new(config(&storage).with_sockets(nodes));
    let mut events = client.events();
    client.connect(&token);
    wait_for(&mut events, "connected through the second node", |e| {
        matches!(e, Event::Connected { .. }).then_some(())
    })
    .await;
    client.disconnect();
}
