//! Portals, queues, agents, API keys and visitors.

use std::sync::Arc;

use parlor_server::store::{ApiKey, ChangeError, Role, Store, Visitor};
use serde_json::json;

use super::*;

pub async fn portals_queues_agents_and_keys(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    store.create_portal(&new_portal("b")).await.unwrap();
    let first = store.first_portal().await.unwrap().unwrap();
    assert_eq!(first.id, "portal-a");
    assert_eq!(first.agent_max_serve, 3);
    assert!(first.enabled && !first.identity_verification);
    assert!(
        !first.visitor_secret.is_empty(),
        "a visitor secret is always made"
    );
    assert_eq!(
        store
            .portal_by_widget_key("key-b")
            .await
            .unwrap()
            .unwrap()
            .id,
        "portal-b"
    );
    assert!(store.portal("portal-zz").await.unwrap().is_none());
    assert_eq!(store.portals().await.unwrap().len(), 2);

    let queues = store.queues("portal-a").await.unwrap();
    assert_eq!(
        queues.iter().map(|q| q.name.as_str()).collect::<Vec<_>>(),
        ["Sales", "Support"]
    );
    let sales = store.queue("portal-a", "sales-a").await.unwrap().unwrap();
    assert_eq!(
        (sales.answer_timeout_ms, sales.queue_timeout_ms),
        (15_000, 60_000)
    );
    assert!(
        store.queue("portal-b", "sales-a").await.unwrap().is_none(),
        "another portal's"
    );

    let agents = store.agents("portal-a").await.unwrap();
    assert_eq!(
        agents
            .iter()
            .map(|a| a.display_name.as_str())
            .collect::<Vec<_>>(),
        ["ann", "bob"]
    );
    assert_eq!(agents[0].role, Role::Admin);
    assert!(agents[0].is_admin() && !agents[1].is_admin());
    let bob = store
        .agent_by_email("BOB@a.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bob.user_id, "agent-bob-a");
    let (queues, max) = store.agent_queues("agent-bob-a").await.unwrap();
    assert_eq!((queues.len(), max), (2, 3));

    // The portal's own signing key comes first; the site's key after it.
    let keys = store.api_keys("portal-a").await.unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[1].sid, "SKa");
    let (key, portal) = store.api_key("SKa").await.unwrap().unwrap();
    assert_eq!(
        (key.secret.as_str(), portal.as_str()),
        ("secret", "portal-a")
    );
    assert_eq!(
        store.api_key_list("portal-a").await.unwrap().len(),
        1,
        "the signing key is not listed"
    );
    store
        .revoke_api_key("portal-a", "SKa", &note("key.revoke"))
        .await
        .unwrap();
    assert!(store.api_key("SKa").await.unwrap().is_none());
    assert!(matches!(
        store
            .revoke_api_key("portal-b", "SKb-none", &note("key.revoke"))
            .await,
        Err(ChangeError::NotFound)
    ));
    store
        .create_api_key(
            "portal-a",
            &ApiKey {
                sid: "SKnew".into(),
                secret: "s2".into(),
            },
            &note("key.create"),
        )
        .await
        .unwrap();
    let listed = store.api_key_list("portal-a").await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .any(|k| k.sid == "SKa" && k.revoked_at.is_some())
    );

    store
        .configure_portal("portal-a", "Mon-Fri 09:00-17:00 UTC", "https://a.example")
        .await
        .unwrap();
    store
        .configure_queue("sales-a", 20_000, 90_000)
        .await
        .unwrap();
    let portal = store.portal("portal-a").await.unwrap().unwrap();
    assert_eq!(portal.allowed_origins, "https://a.example");
    let sales = store.queue("portal-a", "sales-a").await.unwrap().unwrap();
    assert_eq!(
        (sales.answer_timeout_ms, sales.queue_timeout_ms),
        (20_000, 90_000)
    );
}

pub async fn visitors_are_created_once_and_updated(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    let mut ann = Visitor::new("visitor-1", "portal-a");
    ann.name = "Ann".into();
    ann.email = "ann@example.com".into();
    store.ensure_visitor(&ann).await.unwrap();
    store
        .ensure_visitor(&Visitor::new("visitor-1", "portal-a"))
        .await
        .unwrap();
    assert_eq!(
        store.visitor("visitor-1").await.unwrap().unwrap().name,
        "Ann",
        "ensure keeps"
    );
    ann.name = "Ann B".into();
    store.upsert_visitor(&ann).await.unwrap();
    ann.phone = "+84 1".into();
    ann.details = json!({ "browser": "Firefox" }).to_string();
    store.update_visitor(&ann).await.unwrap();
    let stored = store.visitor("visitor-1").await.unwrap().unwrap();
    assert_eq!(stored, ann);
    assert!(store.visitor("visitor-2").await.unwrap().is_none());
}
