//! A visitor's history.

use std::sync::Arc;

use parlor_server::store::{NewTicket, Store, Visitor};

use super::*;

fn visitor(id: &str, email: &str) -> Visitor {
    Visitor {
        name: "Ann".into(),
        email: email.into(),
        ..Visitor::new(id, "portal-a")
    }
}

fn ticket(visitor: Option<&str>, email: &str, note: &str) -> NewTicket {
    NewTicket {
        portal_id: "portal-a".into(),
        visitor_id: visitor.map(str::to_string),
        conv_id: None,
        queue_id: None,
        name: "Ann".into(),
        email: email.into(),
        phone: String::new(),
        note: note.into(),
        fields: "[]".into(),
    }
}

pub async fn a_visitor_s_history_follows_their_email_across_browsers(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    // Ann on her laptop and her phone (the same email, written differently); Eve elsewhere;
    // Max gave no email.
    for v in [
        visitor("laptop", "ann@example.com"),
        visitor("phone", "Ann@Example.com"),
        visitor("eve", "eve@example.com"),
        visitor("max", ""),
        visitor("mia", ""),
    ] {
        store.upsert_visitor(&v).await.unwrap();
    }
    let first = chat(&store, "a", "laptop").await;
    store.assign_agent(&first, "agent-bob-a").await.unwrap();
    store.rate_conversation(&first, 1, "Quick").await.unwrap();
    chat(&store, "a", "phone").await;
    chat(&store, "a", "eve").await;
    chat(&store, "a", "max").await;
    chat(&store, "a", "mia").await;
    store
        .create_ticket(&ticket(Some("phone"), "ann@example.com", "From the phone"))
        .await
        .unwrap();
    store
        .create_ticket(&ticket(None, "ANN@example.com", "Without a browser"))
        .await
        .unwrap();
    store
        .create_ticket(&ticket(Some("eve"), "eve@example.com", "Eve's"))
        .await
        .unwrap();

    let (chats, tickets) = store
        .visitor_history("portal-a", "phone", 50)
        .await
        .unwrap();
    let mut ids: Vec<&str> = chats.iter().map(|c| c.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["conv-a-laptop", "conv-a-phone"]);
    let rated = chats.iter().find(|c| c.id == first).unwrap();
    assert_eq!(
        (
            rated.rating,
            rated.rating_comment.as_deref(),
            rated.agent_id.as_deref()
        ),
        (Some(1), Some("Quick"), Some("agent-bob-a"))
    );
    let mut notes: Vec<&str> = tickets.iter().map(|t| t.note.as_str()).collect();
    notes.sort();
    assert_eq!(notes, ["From the phone", "Without a browser"]);

    // Without an email, a visitor's history is their own browser's only.
    let (chats, tickets) = store.visitor_history("portal-a", "max", 50).await.unwrap();
    assert_eq!(
        chats.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["conv-a-max"]
    );
    assert!(tickets.is_empty());
    // Another portal's id finds nothing; the limit holds.
    assert!(
        store
            .visitor_history("portal-b", "phone", 50)
            .await
            .unwrap()
            .0
            .is_empty()
    );
    assert_eq!(
        store
            .visitor_history("portal-a", "laptop", 1)
            .await
            .unwrap()
            .0
            .len(),
        1
    );
}
