//! Typing preview (services 1007–1008): off, a visitor's draft is refused and reaches nobody;
//! on, it reaches the chat's agents as it is typed, and is never stored.

use reqwest::Method;
use serde_json::json;

use crate::care::accepted_chat;
use crate::journey::push_of;
use crate::socket::agent_token;

const DRAFT: u16 = 1007;
const DRAFT_FROM_SERVER: u64 = 1008;
const DRAFT_TEXT: &str = "My card number is 4111 and";

#[tokio::test]
async fn a_draft_reaches_the_agents_only_while_the_portal_allows_it_and_is_never_stored() {
    let server = crate::common::TestServer::start().await;
    let (mut ann, mut alice, _bob, conv) = accepted_chat(&server).await;
    let draft = |text: &str| json!({"convId": conv, "text": text});
    let profile = format!(
        "/v1/chatcustomer/getsettingandqueues?key={}",
        server.facts.widget_key
    );

    // Off by default: the widget is told, and a draft is refused.
    let (_, settings) = server.call(Method::GET, &profile, None, None).await;
    assert_eq!(settings["chatProfile"]["typing_preview"], 0, "{settings}");
    let refused = ann.request(DRAFT, draft(DRAFT_TEXT)).await;
    assert_eq!(refused["r"], 403, "{refused}");
    // Alice's next frame is Ann's message, not a draft.
    assert_eq!(
        ann.request(
            42,
            json!({"convId": conv, "type": 1, "message": {"content": "Hi"}})
        )
        .await["r"],
        0
    );
    let next = alice.next_frame().await;
    assert_ne!(next["service"], DRAFT_FROM_SERVER, "{next}");

    // An admin turns it on: the profile says so, and drafts reach Alice as typed.
    let admin = agent_token(&server, 0).await;
    let (status, _) = server
        .call(
            Method::PATCH,
            "/v1/admin/portal",
            Some(&admin),
            Some(json!({"typing_preview": true})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, settings) = server.call(Method::GET, &profile, None, None).await;
    assert_eq!(settings["chatProfile"]["typing_preview"], 1);
    for text in ["My card", DRAFT_TEXT, ""] {
        assert_eq!(ann.request(DRAFT, draft(text)).await["r"], 0);
        let pushed = push_of(&mut alice, DRAFT_FROM_SERVER).await;
        assert_eq!(
            (pushed["convId"].clone(), pushed["text"].clone()),
            (json!(conv), json!(text))
        );
    }
    // Checked: too long, not text, agents' own, another's chat.
    assert_eq!(
        ann.request(DRAFT, draft(&"x".repeat(5_001))).await["r"],
        413
    );
    assert_eq!(
        ann.request(DRAFT, json!({"convId": conv, "text": 5})).await["r"],
        400
    );
    assert_eq!(alice.request(DRAFT, draft("agents do not")).await["r"], 403);
    assert_eq!(
        ann.request(DRAFT, json!({"convId": "nope", "text": "x"}))
            .await["r"],
        404
    );

    // Never stored: not in the database, its journal or anything else of the data folder.
    server.close_store().await;
    let found = crate::common::files_holding(server.data.path(), DRAFT_TEXT);
    assert!(found.is_empty(), "the draft is stored in {found:?}");
    server.stop().await;
}
