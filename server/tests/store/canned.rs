//! Canned responses.

use std::sync::Arc;

use parlor_server::store::{Canned, Store};

use super::*;

fn canned(id: &str, owner: Option<&str>, shortcut: &str) -> Canned {
    Canned {
        id: id.into(),
        portal_id: "portal-a".into(),
        owner: owner.map(str::to_string),
        shortcut: shortcut.into(),
        text: format!("text of {shortcut}"),
        created_at: 1_000,
    }
}

pub async fn canned_responses_are_shared_or_personal(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    store.create_portal(&new_portal("b")).await.unwrap();
    for c in [
        canned("c1", None, "welcome"),
        canned("c2", Some("agent-bob-a"), "bobs"),
        canned("c3", Some("agent-ann-a"), "anns"),
    ] {
        store.save_canned(&c).await.unwrap();
    }
    let names = |list: Vec<Canned>| list.into_iter().map(|c| c.shortcut).collect::<Vec<_>>();
    assert_eq!(
        names(store.canned_for("portal-a", "agent-bob-a").await.unwrap()),
        ["bobs", "welcome"]
    );
    assert_eq!(
        names(store.canned_for("portal-b", "agent-bob-a").await.unwrap()),
        Vec::<String>::new()
    );
    // Saving again replaces the text and shortcut, not the owner.
    let mut changed = canned("c2", Some("agent-bob-a"), "refund");
    changed.text = "Refunds take 5 days.".into();
    store.save_canned(&changed).await.unwrap();
    assert_eq!(store.canned("portal-a", "c2").await.unwrap(), Some(changed));
    assert_eq!(store.canned("portal-b", "c2").await.unwrap(), None);
    assert!(!store.delete_canned("portal-b", "c1").await.unwrap());
    assert!(store.delete_canned("portal-a", "c1").await.unwrap());
    assert_eq!(
        names(store.canned_for("portal-a", "agent-ann-a").await.unwrap()),
        ["anns"]
    );
}
