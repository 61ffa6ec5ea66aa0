//! The store suite: every operation of the [`Store`] trait as the server uses it, run against
//! both backends with the same assertions (`on_both_backends!` at the end).

use std::sync::Arc;

use parlor_server::store::{
    Agent, ApiKey, AuditNote, ChangeError, MessageQuery, NewAgent, NewConversation, NewMessage,
    NewPortal, NewTicket, Portal, Queue, QueueDetails, Role, Status, Store, StoredFile, Visitor,
};
use serde_json::json;

/// A portal with two queues and two agents (Ann the admin, Bob), both serving both queues.
pub fn new_portal(tag: &str) -> NewPortal {
    let portal_id = format!("portal-{tag}");
    let agent = |name: &str, role| Agent {
        role,
        password_hash: "hash".into(),
        ..Agent::new(
            &format!("agent-{name}-{tag}"),
            &portal_id,
            &format!("{name}@{tag}.example"),
            name,
        )
    };
    NewPortal {
        portal: Portal::new(&portal_id, &format!("key-{tag}"), &format!("Portal {tag}")),
        api_key: ApiKey {
            sid: format!("SK{tag}"),
            secret: "secret".into(),
        },
        queues: vec![
            Queue {
                id: format!("sales-{tag}"),
                name: "Sales".into(),
            },
            Queue {
                id: format!("support-{tag}"),
                name: "Support".into(),
            },
        ],
        agents: vec![agent("ann", Role::Admin), agent("bob", Role::Agent)],
    }
}

fn note(action: &str) -> AuditNote {
    AuditNote::new("agent-ann-a", action, "target", json!({ "why": "test" }))
}

async fn chat(store: &Arc<dyn Store>, tag: &str, visitor: &str) -> String {
    let id = format!("conv-{tag}-{visitor}");
    let (conversation, new) = store
        .create_conversation(&NewConversation {
            id: id.clone(),
            portal_id: "portal-a".into(),
            queue_id: "sales-a".into(),
            creator: visitor.into(),
            create_local_id: Some(format!("local-{id}")),
            custom_data: String::new(),
        })
        .await
        .unwrap();
    assert!(new);
    conversation.id
}

fn text(conv_id: &str, sender: &str, local: &str, content: &str) -> NewMessage {
    NewMessage {
        conv_id: conv_id.into(),
        sender: sender.into(),
        kind: 1,
        content: json!({ "content": content }).to_string(),
        local_db_id: Some(local.into()),
    }
}

async fn portals_queues_agents_and_keys(store: Arc<dyn Store>) {
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

async fn visitors_are_created_once_and_updated(store: Arc<dyn Store>) {
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

async fn a_conversation_from_queue_to_end(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    let conv = chat(&store, "a", "visitor-1").await;
    // A resent create answers the same conversation.
    let (again, new) = store
        .create_conversation(&NewConversation {
            id: "conv-other".into(),
            portal_id: "portal-a".into(),
            queue_id: "sales-a".into(),
            creator: "visitor-1".into(),
            create_local_id: Some(format!("local-{conv}")),
            custom_data: String::new(),
        })
        .await
        .unwrap();
    assert_eq!((again.id.as_str(), new), (conv.as_str(), false));
    assert_eq!(
        (again.status, again.last_seq),
        (Status::Queued, 1),
        "opens with seq 1"
    );

    // Messages take the next seq; a resend is the stored message, not a new one.
    let (first, new) = store
        .append_message(&text(&conv, "visitor-1", "m1", "hello"))
        .await
        .unwrap();
    assert_eq!((first.seq, new), (2, true));
    let (resent, new) = store
        .append_message(&text(&conv, "visitor-1", "m1", "hello"))
        .await
        .unwrap();
    assert_eq!((resent.id, resent.seq, new), (first.id.clone(), 2, false));
    let (second, _) = store
        .append_message(&text(&conv, "visitor-1", "m2", "anyone?"))
        .await
        .unwrap();
    assert_eq!(second.seq, 3, "a resend used up no seq");
    assert!(
        store
            .append_message(&text("conv-none", "visitor-1", "m1", "x"))
            .await
            .is_err()
    );

    store.assign_agent(&conv, "agent-bob-a").await.unwrap();
    let (conversation, members) = store
        .conversation_and_participants(&conv)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (conversation.status, conversation.agent_id.as_deref()),
        (Status::Active, Some("agent-bob-a"))
    );
    assert_eq!(conversation.last_seq, 3);
    assert_eq!(
        members
            .iter()
            .map(|m| (m.user_id.as_str(), m.role.as_str(), m.left))
            .collect::<Vec<_>>(),
        [
            ("visitor-1", "visitor", false),
            ("agent-bob-a", "agent", false)
        ]
    );
    assert_eq!(
        store.active_chats_of("agent-bob-a").await.unwrap(),
        std::slice::from_ref(&conv)
    );

    // Reports never move backwards; read implies delivered.
    store.report(&conv, "agent-bob-a", 3, true).await.unwrap();
    store.report(&conv, "agent-bob-a", 2, false).await.unwrap();
    let bob = store
        .participants(&conv)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.user_id == "agent-bob-a")
        .unwrap();
    assert_eq!((bob.last_delivered_seq, bob.last_read_seq), (3, 3));

    // History by seq, both ways, with bounds and a limit.
    let all = |ascending, seq_greater, seq_smaller, limit| MessageQuery {
        seq_greater,
        seq_smaller,
        limit,
        ascending,
    };
    let seqs = |messages: Vec<parlor_server::store::Message>| {
        messages.iter().map(|m| m.seq).collect::<Vec<_>>()
    };
    assert_eq!(
        seqs(
            store
                .messages(&conv, all(true, None, None, 50))
                .await
                .unwrap()
        ),
        [1, 2, 3]
    );
    assert_eq!(
        seqs(
            store
                .messages(&conv, all(false, None, None, 2))
                .await
                .unwrap()
        ),
        [3, 2]
    );
    assert_eq!(
        seqs(
            store
                .messages(&conv, all(true, Some(1), Some(3), 50))
                .await
                .unwrap()
        ),
        [2]
    );
    let loaded = store
        .messages(&conv, all(true, Some(1), None, 1))
        .await
        .unwrap();
    assert_eq!(loaded[0], first, "a message reads back as it was stored");

    // Transfer: Bob leaves with his history, Ann becomes the agent; then a helper joins.
    store
        .transfer_conversation(&conv, "agent-bob-a", "agent-ann-a")
        .await
        .unwrap();
    store.join_conversation(&conv, "agent-bob-a").await.unwrap();
    let (conversation, members) = store
        .conversation_and_participants(&conv)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(conversation.agent_id.as_deref(), Some("agent-ann-a"));
    assert_eq!(members.len(), 3);
    assert!(members.iter().all(|m| !m.left), "joining again clears left");
    assert_eq!(
        store
            .conversations_of("agent-bob-a", 10)
            .await
            .unwrap()
            .len(),
        1
    );

    // End, rate, reopen.
    assert!(
        store
            .finish_conversation(&conv, Status::Ended, "visitor-1")
            .await
            .unwrap()
    );
    assert!(
        !store
            .finish_conversation(&conv, Status::Ended, "visitor-1")
            .await
            .unwrap(),
        "once"
    );
    store.rate_conversation(&conv, 1, "thanks").await.unwrap();
    let ended = store.conversation(&conv).await.unwrap().unwrap();
    assert_eq!(
        (ended.status, ended.ended_by.as_deref()),
        (Status::Ended, Some("visitor-1"))
    );
    assert!(store.reopen_conversation(&conv).await.unwrap());
    assert_eq!(
        store.conversation(&conv).await.unwrap().unwrap().status,
        Status::Active
    );
    assert!(store.conversation("conv-none").await.unwrap().is_none());
    assert!(
        store
            .conversation_and_participants("conv-none")
            .await
            .unwrap()
            .is_none()
    );

    // An active chat goes back to its queue when its agent is removed.
    assert!(store.return_to_queue(&conv, "agent-ann-a").await.unwrap());
    assert!(!store.return_to_queue(&conv, "agent-ann-a").await.unwrap());
    assert_eq!(
        store.conversation(&conv).await.unwrap().unwrap().status,
        Status::Queued
    );
}

async fn concurrent_messages_take_distinct_consecutive_seqs(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    let conv = chat(&store, "a", "visitor-1").await;
    let writers = (0..40).map(|i| {
        let store = store.clone();
        let conv = conv.clone();
        tokio::spawn(async move {
            let sender = if i % 2 == 0 {
                "visitor-1"
            } else {
                "agent-bob-a"
            };
            // Every message is also resent at once, as a client retrying would.
            let message = text(&conv, sender, &format!("m{i}"), &format!("message {i}"));
            let (a, b) = tokio::join!(
                store.append_message(&message),
                store.append_message(&message)
            );
            let (a, b) = (a.unwrap(), b.unwrap());
            assert_eq!(a.0.seq, b.0.seq, "a resend is the same message");
            assert!(a.1 ^ b.1, "stored once");
            a.0.seq
        })
    });
    let mut seqs: Vec<i64> = futures_util::future::join_all(writers)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (2..42).collect::<Vec<_>>());
    let stored = store
        .messages(
            &conv,
            MessageQuery {
                seq_greater: None,
                seq_smaller: None,
                limit: 100,
                ascending: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), 41);
    assert_eq!(
        store.conversation(&conv).await.unwrap().unwrap().last_seq,
        41
    );
}

async fn missed_chats_tickets_and_files(store: Arc<dyn Store>) {
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

async fn administration_changes_are_audited_together(store: Arc<dyn Store>) {
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

crate::on_both_backends!(
    portals_queues_agents_and_keys,
    visitors_are_created_once_and_updated,
    a_conversation_from_queue_to_end,
    concurrent_messages_take_distinct_consecutive_seqs,
    missed_chats_tickets_and_files,
    administration_changes_are_audited_together,
);
