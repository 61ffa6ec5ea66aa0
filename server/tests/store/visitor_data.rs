//! One visitor's data: exported by email or id, then erased, another's kept.

use std::sync::Arc;

use parlor_server::store::{AuditNote, NewTicket, Person, Store, Visitor};
use serde_json::json;

use super::*;

fn person(visitor_id: &str, email: &str) -> Person {
    Person {
        portal_id: "portal-a".into(),
        visitor_id: visitor_id.into(),
        email: email.into(),
    }
}

pub async fn a_visitor_s_data_is_exported_then_erased(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    for (id, email) in [
        ("laptop", "ann@example.com"),
        ("phone", "Ann@Example.com"),
        ("ben", "ben@example.com"),
    ] {
        store
            .upsert_visitor(&Visitor {
                name: "Someone".into(),
                email: email.into(),
                ..Visitor::new(id, "portal-a")
            })
            .await
            .unwrap();
    }
    // An endpoint that hears of everything: its deliveries hold the visitors' words.
    store
        .save_webhook(&endpoint(
            "wh-all",
            &parlor_server::store::webhook::EVENTS,
            true,
        ))
        .await
        .unwrap();
    let ann = chat(&store, "a", "laptop").await;
    let ben = chat(&store, "a", "ben").await;
    store
        .append_message(&text(&ann, "laptop", "1", "Ann's secret"))
        .await
        .unwrap();
    store
        .append_message(&text(&ben, "ben", "2", "Ben's words"))
        .await
        .unwrap();
    store
        .create_ticket(&NewTicket {
            portal_id: "portal-a".into(),
            visitor_id: None,
            conv_id: None,
            queue_id: None,
            name: "Ann".into(),
            email: "ANN@example.com".into(),
            phone: String::new(),
            note: "Call me".into(),
            fields: "[]".into(),
        })
        .await
        .unwrap();

    let data = store
        .visitor_data(&person("", "ann@EXAMPLE.com"))
        .await
        .unwrap();
    let mut ids: Vec<&str> = data.visitors.iter().map(|v| v.user_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["laptop", "phone"]);
    assert_eq!(data.chats.len(), 1);
    // Every message of the chat: its creation's and Ann's.
    assert_eq!(data.messages.len(), 2);
    assert!(
        data.messages
            .iter()
            .any(|m| m.content.contains("Ann's secret"))
    );
    assert_eq!(data.tickets.len(), 1);
    // By id: that visitor only (Ben's, here).
    let bens = store.visitor_data(&person("ben", "")).await.unwrap();
    assert_eq!(
        (bens.visitors.len(), bens.messages.len(), bens.tickets.len()),
        (1, 2, 0)
    );

    store.assign_agent(&ann, "agent-bob-a").await.unwrap();
    store
        .rate_conversation(&ann, 1, "Ann's thanks")
        .await
        .unwrap();
    let told = |deliveries: &[parlor_server::store::Delivery], what: &str| {
        deliveries.iter().filter(|d| d.data.contains(what)).count()
    };
    let before = store.deliveries("wh-all", 100).await.unwrap();
    assert!(told(&before, "Ann's secret") == 1 && told(&before, "Call me") == 1);
    assert!(told(&before, "Ann's thanks") == 1 && told(&before, "Ben's words") == 1);

    let note = AuditNote::new("agent-ann-a", "visitor.erase", "laptop,phone", json!({}));
    let erased = store
        .erase_visitor(&person("", "ann@example.com"), &note)
        .await
        .unwrap();
    assert_eq!(
        (
            erased.visitors,
            erased.chats,
            erased.messages,
            erased.tickets
        ),
        (2, 1, 2, 1)
    );
    let after = store
        .visitor_data(&person("", "ann@example.com"))
        .await
        .unwrap();
    assert_eq!(after, Default::default());
    // The deliveries that told of Ann's chat and ticket are gone, and the erasure itself
    // tells of nothing; Ben's stay.
    let left = store.deliveries("wh-all", 100).await.unwrap();
    assert!(left.iter().all(|d| !d.data.contains(&ann)), "{left:?}");
    assert_eq!(told(&left, "Call me") + told(&left, "Ann"), 0);
    assert_eq!(told(&left, "Ben's words"), 1);
    // The chat stays, as counts; Ben keeps everything.
    assert!(store.conversation(&ann).await.unwrap().is_some());
    assert_eq!(store.visitor_data(&person("ben", "")).await.unwrap(), bens);
    let log = store.audit_log("portal-a", None, 10).await.unwrap();
    assert!(log.iter().any(|e| e.action == "visitor.erase"));
}
