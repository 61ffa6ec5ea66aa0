//! Administration: every change written with its audit note, or not at all.

use std::sync::Arc;

use parlor_server::store::{Agent, ChangeError, NewAgent, QueueDetails, Role, Store};
use serde_json::json;

use super::*;

pub async fn administration_changes_are_audited_together(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    let mut portal = store.portal("portal-a").await.unwrap().unwrap();
    portal.greeting = "Hi!".into();
    portal.agent_max_serve = 5;
    portal.identity_verification = true;
    store
        .update_portal(&portal, &note("portal.update"))
        .await
        .unwrap();
    assert_eq!(store.portal("portal-a").await.unwrap().unwrap(), portal);

    let billing = QueueDetails {
        id: "billing-a".into(),
        name: "Billing".into(),
        position: 2,
        answer_timeout_ms: 10_000,
        queue_timeout_ms: 30_000,
        members: vec!["agent-bob-a".into()],
    };
    store
        .create_queue("portal-a", &billing, &note("queue.create"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_queue("portal-a", &billing, &note("queue.create"))
            .await,
        Err(ChangeError::Taken)
    ));
    let stranger = QueueDetails {
        members: vec!["agent-nobody".into()],
        ..billing.clone()
    };
    assert!(matches!(
        store
            .update_queue("portal-a", &stranger, &note("queue.update"))
            .await,
        Err(ChangeError::NotFound)
    ));
    let details = store.queue_details("portal-a").await.unwrap();
    assert_eq!(
        details.iter().find(|q| q.id == "billing-a").unwrap(),
        &billing,
        "the refused change left it as it was"
    );
    store
        .delete_queue("portal-a", "billing-a", &note("queue.delete"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .delete_queue("portal-a", "billing-a", &note("queue.delete"))
            .await,
        Err(ChangeError::NotFound)
    ));

    let carol = Agent {
        max_chats: 2,
        ..Agent::new("agent-carol-a", "portal-a", "carol@a.example", "Carol")
    };
    store
        .create_agent(
            &NewAgent {
                agent: carol.clone(),
                queues: vec!["sales-a".into()],
            },
            &note("agent.create"),
        )
        .await
        .unwrap();
    let taken = Agent {
        user_id: "agent-carol2".into(),
        ..carol.clone()
    };
    assert!(matches!(
        store
            .create_agent(
                &NewAgent {
                    agent: taken,
                    queues: vec![]
                },
                &note("agent.create")
            )
            .await,
        Err(ChangeError::Taken)
    ));
    assert_eq!(
        store.agent_queues("agent-carol-a").await.unwrap(),
        (vec!["sales-a".to_string()], 2)
    );
    let promoted = Agent {
        role: Role::Admin,
        active: false,
        ..carol.clone()
    };
    store
        .update_agent(
            &promoted,
            Some(&["support-a".to_string()]),
            &note("agent.update"),
        )
        .await
        .unwrap();
    assert_eq!(
        store.agent("agent-carol-a").await.unwrap().unwrap(),
        promoted
    );
    assert_eq!(
        store.agent_queues("agent-carol-a").await.unwrap().0,
        ["support-a"]
    );

    store
        .create_invitation("hash-1", "agent-carol-a", 2_000)
        .await
        .unwrap();
    assert!(
        store
            .redeem_invitation("hash-1", 3_000)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    store
        .create_invitation("hash-2", "agent-carol-a", 2_000)
        .await
        .unwrap();
    assert_eq!(
        store
            .redeem_invitation("hash-2", 1_000)
            .await
            .unwrap()
            .as_deref(),
        Some("agent-carol-a")
    );
    assert!(
        store
            .redeem_invitation("hash-2", 1_000)
            .await
            .unwrap()
            .is_none(),
        "single use"
    );

    store
        .delete_agent("portal-a", "agent-carol-a", &note("agent.delete"))
        .await
        .unwrap();
    assert!(
        store
            .agents("portal-a")
            .await
            .unwrap()
            .iter()
            .all(|a| a.user_id != "agent-carol-a")
    );
    let gone = store.agent("agent-carol-a").await.unwrap().unwrap();
    assert!(!gone.active);
    assert!(
        store
            .agent_by_email("carol@a.example")
            .await
            .unwrap()
            .is_none(),
        "email released"
    );

    store
        .audit("portal-a", &note("operator.note"))
        .await
        .unwrap();
    let log = store.audit_log("portal-a", None, 100).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "operator.note",
            "agent.delete",
            "agent.update",
            "agent.create",
            "queue.delete",
            "queue.create",
            "portal.update"
        ],
        "newest first, refused changes unlogged"
    );
    let page = store
        .audit_log("portal-a", Some(log[2].id), 2)
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["agent.create", "queue.delete"]
    );
    assert_eq!(log[0].detail, json!({ "why": "test" }).to_string());
}
