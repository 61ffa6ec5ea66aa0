//! Retention: finished chats older than the portal's days go, with what is theirs; the sweep
//! runs on a clock the test sets.

use std::sync::Arc;

use parlor_server::store::{NewTicket, Status, Store, StoredFile};

use super::*;

pub async fn finished_chats_past_retention_are_deleted_with_their_files(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    store
        .save_webhook(&endpoint(
            "wh-all",
            &parlor_server::store::webhook::EVENTS,
            true,
        ))
        .await
        .unwrap();
    let ended = chat(&store, "a", "ann").await;
    let missed = chat(&store, "a", "ben").await;
    let open = chat(&store, "a", "cat").await;
    store
        .append_message(&text(&ended, "ann", "1", "old words"))
        .await
        .unwrap();
    store
        .finish_conversation(&ended, Status::Ended, "ann")
        .await
        .unwrap();
    store
        .finish_conversation(&missed, Status::Missed, "system")
        .await
        .unwrap();
    for (id, conv) in [("file-old", &ended), ("file-open", &open)] {
        store
            .create_file(&StoredFile {
                id: id.into(),
                portal_id: "portal-a".into(),
                uploader: "ann".into(),
                name: "a.png".into(),
                content_type: "image/png".into(),
                size: 1,
                created_at: 1,
            })
            .await
            .unwrap();
        store.link_file(id, conv).await.unwrap();
    }
    store
        .create_ticket(&NewTicket {
            portal_id: "portal-a".into(),
            visitor_id: Some("ben".into()),
            conv_id: Some(missed.clone()),
            queue_id: None,
            name: "Ben".into(),
            email: "ben@example.com".into(),
            phone: String::new(),
            note: "Call me".into(),
            fields: "[]".into(),
        })
        .await
        .unwrap();

    // Nothing is older than the epoch.
    assert_eq!(
        store.delete_chats_before("portal-a", 0).await.unwrap(),
        (0, vec![])
    );
    let later = store.conversation(&open).await.unwrap().unwrap().created_at + 60_000;
    // Another portal's cutoff touches nothing here.
    assert_eq!(
        store
            .delete_chats_before("portal-b", later)
            .await
            .unwrap()
            .0,
        0
    );
    let (deleted, files) = store.delete_chats_before("portal-a", later).await.unwrap();
    assert_eq!((deleted, files), (2, vec!["file-old".to_string()]));
    assert!(store.conversation(&ended).await.unwrap().is_none());
    assert!(store.conversation(&missed).await.unwrap().is_none());
    assert!(
        store.conversation(&open).await.unwrap().is_some(),
        "an open chat stays"
    );
    assert!(store.file("file-old").await.unwrap().is_none());
    assert!(store.file("file-open").await.unwrap().is_some());
    assert!(store.tickets("portal-a", 10).await.unwrap().is_empty());
    // What the webhooks were told of the deleted chats (and their ticket) goes with them.
    let left = store.deliveries("wh-all", 100).await.unwrap();
    assert!(!left.is_empty());
    assert!(left.iter().all(|d| d.data.contains(&open)), "{left:?}");
}

pub async fn the_sweep_follows_each_portal_s_days(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    store.create_portal(&new_portal("b")).await.unwrap();
    let ended = chat(&store, "a", "ann").await;
    store
        .finish_conversation(&ended, Status::Ended, "ann")
        .await
        .unwrap();
    let created = store
        .conversation(&ended)
        .await
        .unwrap()
        .unwrap()
        .created_at;
    let files = tempfile::tempdir().unwrap();
    let day = 86_400_000;
    // Keep (0 days, the default): nothing goes, however late.
    let sweep = |now| parlor_server::retention::sweep(store.as_ref(), files.path(), now);
    assert_eq!(sweep(created + 400 * day).await.unwrap(), 0);
    let mut portal = store.portal("portal-a").await.unwrap().unwrap();
    portal.retention_days = 30;
    store
        .update_portal(&portal, &note("portal.update"))
        .await
        .unwrap();
    assert_eq!(
        sweep(created + 29 * day).await.unwrap(),
        0,
        "not yet 30 days"
    );
    assert_eq!(sweep(created + 31 * day).await.unwrap(), 1);
    assert!(store.conversation(&ended).await.unwrap().is_none());
}
