//! Labels and the conversations that carry them.

use std::sync::Arc;

use parlor_server::store::{Label, Store};

use super::*;

fn label(id: &str, portal: &str, name: &str) -> Label {
    Label {
        id: id.into(),
        portal_id: format!("portal-{portal}"),
        name: name.into(),
        color: "#336699".into(),
        created_at: 1_000,
    }
}

pub async fn labels_are_put_on_conversations_and_taken_off(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    store.create_portal(&new_portal("b")).await.unwrap();
    for l in [
        label("l-vip", "a", "VIP"),
        label("l-bug", "a", "Bug"),
        label("l-other", "b", "Billing"),
    ] {
        store.save_label(&l).await.unwrap();
    }
    let names = |list: Vec<Label>| list.into_iter().map(|l| l.name).collect::<Vec<_>>();
    assert_eq!(
        names(store.labels("portal-a").await.unwrap()),
        ["Bug", "VIP"]
    );
    // Saving again renames and recolours.
    let mut renamed = label("l-vip", "a", "Priority");
    renamed.color = "#aa0000".into();
    store.save_label(&renamed).await.unwrap();
    assert_eq!(
        store.labels("portal-a").await.unwrap(),
        [label("l-bug", "a", "Bug"), renamed]
    );

    let conv = chat(&store, "a", "ann").await;
    store
        .set_conversation_labels(&conv, &["l-vip".into(), "l-bug".into()])
        .await
        .unwrap();
    assert_eq!(
        store.conversation_labels(&conv).await.unwrap(),
        ["l-bug", "l-vip"]
    );
    store
        .set_conversation_labels(&conv, &["l-vip".into()])
        .await
        .unwrap();
    assert_eq!(store.conversation_labels(&conv).await.unwrap(), ["l-vip"]);
    // Another portal's id does not delete; deleting takes the label off its conversations.
    assert!(!store.delete_label("portal-b", "l-vip").await.unwrap());
    assert!(store.delete_label("portal-a", "l-vip").await.unwrap());
    assert!(store.conversation_labels(&conv).await.unwrap().is_empty());
    assert_eq!(names(store.labels("portal-a").await.unwrap()), ["Bug"]);
}
