//! Conversations and their messages: seqs, resends, reports, transfers, concurrency.

use std::sync::Arc;

use parlor_server::store::{MessageQuery, NewConversation, Status, Store};

use super::*;

pub async fn a_conversation_from_queue_to_end(store: Arc<dyn Store>) {
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

pub async fn concurrent_messages_take_distinct_consecutive_seqs(store: Arc<dyn Store>) {
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
