//! What reports read: each chat's moments and counts, recorded by the database as the chat
//! goes, and tickets' times.

use std::sync::Arc;

use parlor_server::store::{NewMessage, NewTicket, Status, Store};

use super::*;

pub async fn each_chat_records_the_moments_and_counts_reports_need(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    let served = chat(&store, "a", "ann").await;
    let missed = chat(&store, "a", "ben").await;
    store
        .append_message(&text(&served, "ann", "1", "Hello?"))
        .await
        .unwrap();
    store.assign_agent(&served, "agent-bob-a").await.unwrap();
    // The join notice (type 100) is not a reply.
    store
        .append_message(&NewMessage {
            kind: 100,
            local_db_id: None,
            ..text(&served, "agent-bob-a", "", "{}")
        })
        .await
        .unwrap();
    let (reply, _) = store
        .append_message(&text(&served, "agent-bob-a", "2", "Hi"))
        .await
        .unwrap();
    store
        .append_message(&text(&served, "agent-bob-a", "3", "Still there?"))
        .await
        .unwrap();
    store
        .transfer_conversation(&served, "agent-bob-a", "agent-ann-a")
        .await
        .unwrap();
    store
        .finish_conversation(&served, Status::Ended, "ann")
        .await
        .unwrap();
    store.rate_conversation(&served, 0, "Slow").await.unwrap();
    store
        .finish_conversation(&missed, Status::Missed, "system")
        .await
        .unwrap();
    store
        .create_ticket(&NewTicket {
            portal_id: "portal-a".into(),
            visitor_id: Some("ben".into()),
            conv_id: Some(missed.clone()),
            queue_id: Some("support-a".into()),
            name: "Ben".into(),
            email: "ben@example.com".into(),
            phone: String::new(),
            note: "Later".into(),
            fields: "[]".into(),
        })
        .await
        .unwrap();

    let facts = store.chat_facts("portal-a", 0, i64::MAX).await.unwrap();
    assert_eq!(facts.len(), 2);
    let served_id = served;
    let served = facts.iter().find(|f| f.accepted_by.is_some()).unwrap();
    assert_eq!(served.accepted_by.as_deref(), Some("agent-bob-a"));
    let accepted = served.accepted_at.unwrap();
    assert!(accepted >= served.created_at);
    assert_eq!(served.first_response_at, Some(reply.created_at));
    assert!(served.ended_at.unwrap() >= accepted);
    assert_eq!((served.transfers, served.messages), (1, 3));
    assert_eq!(served.rating, Some(0));
    let comments = store
        .rating_comments("portal-a", 0, i64::MAX, 10)
        .await
        .unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(
        (
            comments[0].conversation_id.as_str(),
            comments[0].rating,
            comments[0].comment.as_str(),
            comments[0].agent_id.as_deref()
        ),
        (served_id.as_str(), 0, "Slow", Some("agent-bob-a"))
    );
    assert!(comments[0].rated_at.is_some());
    assert!(
        store
            .rating_comments("portal-a", 0, i64::MAX, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(served.status, "ended");
    let missed = facts.iter().find(|f| f.accepted_by.is_none()).unwrap();
    assert_eq!(
        (
            missed.accepted_at,
            missed.first_response_at,
            missed.status.as_str()
        ),
        (None, None, "missed")
    );
    // The range is by creation, end excluded.
    let first = facts.iter().map(|f| f.created_at).min().unwrap();
    assert!(
        store
            .chat_facts("portal-a", 0, first)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .chat_facts("portal-b", 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    let tickets = store.ticket_facts("portal-a", 0, i64::MAX).await.unwrap();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].queue_id.as_deref(), Some("support-a"));
}
