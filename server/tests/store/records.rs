//! Missed chats, tickets and files.

use std::sync::Arc;

use parlor_server::store::{NewTicket, Store, StoredFile};
use serde_json::json;

use super::*;

pub async fn missed_chats_tickets_and_files(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    let waiting = chat(&store, "a", "visitor-1").await;
    let taken = chat(&store, "a", "visitor-2").await;
    store.assign_agent(&taken, "agent-bob-a").await.unwrap();
    let waiting_now = store.waiting_chats().await.unwrap();
    assert_eq!(waiting_now.len(), 1);
    assert_eq!(
        (
            waiting_now[0].conv_id.as_str(),
            waiting_now[0].queue_name.as_str(),
            waiting_now[0].visitor_id.as_str()
        ),
        (waiting.as_str(), "Sales", "visitor-1")
    );
    assert_eq!(
        (
            waiting_now[0].answer_timeout_ms,
            waiting_now[0].queue_timeout_ms
        ),
        (15_000, 60_000)
    );
    assert_eq!(store.miss_waiting_chats().await.unwrap(), 1);
    assert_eq!(
        store
            .last_missed_conversation("visitor-1")
            .await
            .unwrap()
            .unwrap()
            .id,
        waiting
    );
    assert!(
        store
            .last_missed_conversation("visitor-2")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .missed_conversations("portal-a", 10)
            .await
            .unwrap()
            .len(),
        1
    );

    let ticket = store
        .create_ticket(&NewTicket {
            portal_id: "portal-a".into(),
            visitor_id: Some("visitor-1".into()),
            conv_id: Some(waiting.clone()),
            queue_id: Some("sales-a".into()),
            name: "Ann".into(),
            email: "ann@example.com".into(),
            phone: String::new(),
            note: "Call me back".into(),
            fields: json!([{ "label": "Order", "value": "42" }]).to_string(),
        })
        .await
        .unwrap();
    assert_eq!(store.tickets("portal-a", 10).await.unwrap(), [ticket]);

    let file = StoredFile {
        id: "file-1".into(),
        portal_id: "portal-a".into(),
        uploader: "visitor-2".into(),
        name: "photo.png".into(),
        content_type: "image/png".into(),
        size: 1234,
        created_at: 1_700_000_000_000,
    };
    store.create_file(&file).await.unwrap();
    assert_eq!(store.file("file-1").await.unwrap().unwrap(), file);
    assert!(
        store.file_readable_by("file-1", "visitor-2").await.unwrap(),
        "its uploader"
    );
    assert!(
        !store
            .file_readable_by("file-1", "agent-bob-a")
            .await
            .unwrap(),
        "not sent yet"
    );
    store.link_file("file-1", &taken).await.unwrap();
    store.link_file("file-1", &taken).await.unwrap();
    assert!(
        store
            .file_readable_by("file-1", "agent-bob-a")
            .await
            .unwrap(),
        "a member"
    );
    assert!(
        !store.file_readable_by("file-1", "visitor-1").await.unwrap(),
        "not a member"
    );
}
