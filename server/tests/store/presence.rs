//! Who has a chat open.

use std::sync::Arc;

use parlor_server::store::{Status, Store, Visitor};
use serde_json::json;

use super::*;

pub async fn open_chats_list_waiting_and_active_ones_with_their_visitor(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    let mut ann = Visitor::new("ann", "portal-a");
    ann.name = "Ann".into();
    ann.email = "ann@example.com".into();
    ann.details =
        json!({ "pageUrl": "https://shop.example/cart", "pageTitle": "Cart" }).to_string();
    store.upsert_visitor(&ann).await.unwrap();
    store.update_visitor(&ann).await.unwrap();
    let waiting = chat(&store, "a", "ann").await;
    let active = chat(&store, "a", "ben").await;
    store.assign_agent(&active, "agent-bob-a").await.unwrap();
    let ended = chat(&store, "a", "cat").await;
    store
        .finish_conversation(&ended, Status::Ended, "cat")
        .await
        .unwrap();

    let open = store.open_chats("portal-a", 10).await.unwrap();
    let mut ids: Vec<&str> = open.iter().map(|c| c.conv_id.as_str()).collect();
    ids.sort();
    let mut expected = [waiting.as_str(), active.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    let ann_chat = open.iter().find(|c| c.conv_id == waiting).unwrap();
    assert_eq!(
        (
            ann_chat.status.as_str(),
            ann_chat.name.as_deref(),
            ann_chat.visitor_id.as_str()
        ),
        ("queued", Some("Ann"), "ann")
    );
    assert!(ann_chat.details.as_deref().unwrap().contains("Cart"));
    let ben_chat = open.iter().find(|c| c.conv_id == active).unwrap();
    assert_eq!(
        (
            ben_chat.status.as_str(),
            ben_chat.agent_id.as_deref(),
            ben_chat.name.as_deref()
        ),
        ("active", Some("agent-bob-a"), None)
    );
    assert!(store.open_chats("portal-b", 10).await.unwrap().is_empty());
    assert_eq!(store.open_chats("portal-a", 1).await.unwrap().len(), 1);
}
