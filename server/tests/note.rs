//! Private notes (services 1002–1004): agents see them, pushed and loaded; a visitor, trying
//! everything a visitor can ask of the server, never sees one.

use serde_json::{Value, json};

use crate::care::accepted_chat;
use crate::journey::{push_of, visitor};

const NOTE_ADD: u16 = 1002;
const NOTE_FROM_SERVER: u64 = 1003;
const NOTES_LOAD: u16 = 1004;
const SECRET: &str = "VIP: offer the 10% code";

fn text(conv: &str, content: &str) -> Value {
    json!({"convId": conv, "type": 1, "message": {"content": content}})
}

#[tokio::test]
async fn a_note_reaches_the_agents_and_nothing_a_visitor_can_load() {
    let server = crate::common::TestServer::start().await;
    let (mut ann, mut alice, mut bob, conv) = accepted_chat(&server).await;

    // Bob is not in the chat: no notes for him, as if it did not exist.
    let outsider = bob.request(NOTES_LOAD, json!({"convId": conv})).await;
    assert_eq!(outsider["r"], 404, "{outsider}");
    assert_eq!(bob.request(74, json!({"convId": conv})).await["r"], 0);

    // Checked input: empty, too long, not a string.
    for (body, code) in [
        (json!({"convId": conv, "text": "  "}), 400),
        (json!({"convId": conv, "text": "x".repeat(5_001)}), 413),
        (json!({"convId": conv, "text": 5}), 400),
    ] {
        assert_eq!(alice.request(NOTE_ADD, body).await["r"], code);
    }
    let added = alice
        .request(NOTE_ADD, json!({"convId": conv, "text": SECRET}))
        .await;
    assert_eq!(added["r"], 0, "{added}");
    assert_eq!(
        (
            added["note"]["text"].clone(),
            added["note"]["authorName"].clone()
        ),
        (json!(SECRET), json!("Alice"))
    );
    // The other agent of the chat has it pushed, and both load it.
    let pushed = push_of(&mut bob, NOTE_FROM_SERVER).await;
    assert_eq!(pushed["note"], added["note"]);
    for agent in [&mut alice, &mut bob] {
        let loaded = agent.request(NOTES_LOAD, json!({"convId": conv})).await;
        assert_eq!(loaded["notes"], json!([added["note"]]), "{loaded}");
    }

    // Nothing was pushed to the visitor: of what reached them up to Alice's next message (Bob
    // joining, say), nothing is a note or holds its text.
    assert_eq!(alice.request(42, text(&conv, "Here you go")).await["r"], 0);
    loop {
        let frame = ann.next_frame().await;
        assert_ne!(frame["service"], NOTE_FROM_SERVER, "{frame}");
        assert!(!frame.to_string().contains("VIP"), "{frame}");
        if frame["service"] == 45 && frame["body"]["content"]["content"] == "Here you go" {
            break;
        }
    }
    // The visitor may neither write nor read notes.
    for service in [NOTE_ADD, NOTES_LOAD] {
        let refused = ann
            .request(service, json!({"convId": conv, "text": "let me see"}))
            .await;
        assert_eq!(refused["r"], 403, "{refused}");
    }
    // Nor is it in anything the visitor loads: history, conversation lists and infos.
    for (service, body) in [
        (50, json!({"convId": conv, "limit": 100})),
        (50, json!({"convId": conv, "limit": 100, "sort": "DESC"})),
        (48, json!({"limit": 50})),
        (57, json!({"convIds": conv})),
    ] {
        let reply = ann.request(service, body).await;
        assert_eq!(reply["r"], 0, "{reply}");
        assert!(!reply.to_string().contains("VIP"), "{service}: {reply}");
    }
    // Nor in the transcript mailed at the end.
    assert_eq!(ann.request(68, json!({"convId": conv})).await["r"], 0);
    let mailed = ann
        .request(
            71,
            json!({"convId": conv, "email": "ann@example.com", "domain": "shop.example.com"}),
        )
        .await;
    assert_eq!(mailed["r"], 0, "{mailed}");
    let outbox = server.outbox();
    assert_eq!(outbox.len(), 1);
    assert!(outbox[0].contains("Here you go"), "{}", outbox[0]);
    assert!(!outbox[0].contains("VIP"), "{}", outbox[0]);

    // Another visitor guessing the conversation id gets nothing either.
    let (mut eve, _) = visitor(&server, "browser-eve").await;
    assert_eq!(
        eve.request(NOTES_LOAD, json!({"convId": conv})).await["r"],
        403
    );
    server.stop().await;
}
