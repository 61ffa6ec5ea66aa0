//! The widget's logic in a real (headless) browser: the pre-chat validation, the journey's
//! transitions on each client event, links, and hostile text staying text.

use parlor_client::model::MessageState;
use parlor_client::{Error, Event, Message, ObjectChange};
use parlor_widget::i18n::Lang;
use parlor_widget::journey::{Stage, TicketReason};
use parlor_widget::text::{Segment, linkify, looks_like_email};
use parlor_widget::validate;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_form_needs_a_name_and_a_plausible_email_in_the_visitors_language() {
    assert_eq!(validate("Ann", "ann@example.com", Lang::En), (None, None));
    assert_eq!(
        validate("  ", "", Lang::En),
        (
            Some("Please enter your name."),
            Some("Please enter your email.")
        )
    );
    assert_eq!(
        validate("Ann", "ann@example", Lang::Vi).1,
        Some(Lang::Vi.texts().email_invalid)
    );
    for bad in [
        "ann",
        "@example.com",
        "ann@.com",
        "a b@example.com",
        "ann@example.com,eve@x.io",
    ] {
        assert!(!looks_like_email(bad), "{bad}");
    }
}

#[wasm_bindgen_test]
fn the_language_follows_the_tag_and_falls_back_to_english() {
    assert_eq!(Lang::from_tag("vi-VN"), Lang::Vi);
    assert_eq!(Lang::from_tag("VI"), Lang::Vi);
    assert_eq!(Lang::from_tag("fr-FR"), Lang::En);
    assert_eq!(Lang::from_tag("vi_VN"), Lang::Vi);
    assert_eq!(Lang::from_tag("Vi"), Lang::Vi);
    // Only the primary subtag counts, whole.
    assert_eq!(Lang::from_tag("vie"), Lang::En);
    assert_eq!(Lang::from_tag("en-VI"), Lang::En);
    assert_eq!(Lang::from_tag("v"), Lang::En);
    assert_eq!(Lang::from_tag(""), Lang::En);
    assert_ne!(Lang::Vi.texts().start_chat, Lang::En.texts().start_chat);
}

fn message(conv: &str, kind: i64, content: serde_json::Value) -> Message {
    Message {
        id: "m".into(),
        conv_id: conv.into(),
        seq: 3,
        from: "agent-1".into(),
        kind,
        content,
        created: 0,
        local_db_id: None,
        state: MessageState::Sent,
    }
}

#[wasm_bindgen_test]
fn the_journey_moves_on_client_events_for_the_visitors_chat_only() {
    let joined = Event::ObjectChange(ObjectChange::MessageInserted(message(
        "c1",
        100,
        json!({"type": 1, "participants": [{"userId": "agent-1"}]}),
    )));
    assert_eq!(Stage::Waiting.on_event(&joined, "c1"), Some(Stage::Chat));
    assert_eq!(Stage::Waiting.on_event(&joined, "other"), None);
    let text = Event::ObjectChange(ObjectChange::MessageInserted(message(
        "c1",
        1,
        json!({"content": "hi"}),
    )));
    assert_eq!(Stage::Waiting.on_event(&text, "c1"), None);

    let missed = Event::TimeoutInQueue {
        conv_id: "c1".into(),
    };
    assert_eq!(
        Stage::Waiting.on_event(&missed, "c1"),
        Some(Stage::Ticket(TicketReason::NoAnswer))
    );
    assert_eq!(
        Stage::Chat.on_event(&missed, "c1"),
        None,
        "a taken chat is not missed"
    );

    let ended = Event::ConversationEnded {
        conv_id: "c1".into(),
        ended_by: "agent-1".into(),
    };
    assert_eq!(Stage::Chat.on_event(&ended, "c1"), Some(Stage::Ended));
    assert_eq!(Stage::Waiting.on_event(&ended, "c1"), Some(Stage::Ended));
    assert_eq!(Stage::Ended.on_event(&ended, "c1"), None);

    for quiet in [
        Event::Disconnected,
        Event::Failed(Error::new(6, "expired")),
        Event::RequestAccessToken,
    ] {
        assert_eq!(Stage::Chat.on_event(&quiet, "c1"), None);
    }
}

#[wasm_bindgen_test]
fn the_first_screen_depends_on_the_queues_and_who_is_online() {
    assert_eq!(Stage::start(2, None), Stage::PickQueue);
    assert_eq!(
        Stage::start(1, Some(2)),
        Stage::PreChat,
        "one queue: no picker"
    );
    assert_eq!(
        Stage::start(1, Some(0)),
        Stage::Ticket(TicketReason::Nobody)
    );
    assert_eq!(
        Stage::after_pick(Some(0)),
        Stage::Ticket(TicketReason::Nobody)
    );
    assert_eq!(
        Stage::after_pick(None),
        Stage::PreChat,
        "unknown (StringeeX) means try"
    );
    assert_eq!(Stage::of_status("active"), Stage::Chat);
    assert_eq!(
        Stage::of_status("missed"),
        Stage::Ticket(TicketReason::NoAnswer)
    );
}

#[wasm_bindgen_test]
fn only_http_links_become_links_and_markup_stays_text() {
    assert_eq!(
        linkify("See https://example.com/a?b=1. Thanks"),
        [
            Segment::Text("See ".into()),
            Segment::Link("https://example.com/a?b=1".into()),
            Segment::Text(". Thanks".into()),
        ]
    );
    for inert in [
        "javascript:alert(1)",
        "<a href=https://x.io>x</a>",
        "data:text/html,<script>",
    ] {
        assert!(
            linkify(inert).iter().all(|s| matches!(s, Segment::Text(_))),
            "{inert}"
        );
    }
}

#[wasm_bindgen_test]
fn the_place_in_line_reads_naturally_in_both_languages() {
    let en = |position, estimate| Lang::En.place_in_line(position, estimate);
    assert_eq!(en(1, None), "You are 1st in line");
    assert_eq!(
        en(2, Some(20_000)),
        "You are 2nd in line · less than a minute"
    );
    assert_eq!(
        en(3, Some(100_000)),
        "You are 3rd in line · about 2 minutes"
    );
    assert_eq!(
        en(11, Some(60_000)),
        "You are 11th in line · about a minute"
    );
    assert_eq!(en(22, None), "You are 22nd in line");
    assert_eq!(
        Lang::Vi.place_in_line(3, Some(150_000)),
        "Bạn đang ở vị trí thứ 3 · khoảng 3 phút"
    );
}
