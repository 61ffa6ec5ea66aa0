//! `parlor migrate`: a SQLite server's records moved into PostgreSQL, every row as it was, and
//! the same people carrying on there.

use parlor_server::migrate::{self, MigrateError};
use parlor_server::operator;
use parlor_server::seed::DATABASE_FILE;
use parlor_server::store::{MessageQuery, NewTicket, StoredFile};
use serde_json::json;

use crate::backends::TestDatabase;
use crate::common::TestServer;
use crate::journey::{agent, push_of, visitor};

const ALL: MessageQuery = MessageQuery {
    seq_greater: None,
    seq_smaller: None,
    limit: 1000,
    ascending: true,
};

#[tokio::test]
async fn a_populated_sqlite_server_moves_to_postgres_and_carries_on() {
    let Some(target) = TestDatabase::create("migrate").await else {
        return;
    };
    // A server on SQLite with a chat, a file sent in it, a ticket and an audited change.
    let server = TestServer::start().await;
    let sales = server.facts.queues[0].id.clone();
    let mut alice = agent(&server, 0).await;
    let (mut ann, ann_id) = visitor(&server, "browser-ann").await;
    let created = ann
        .request(41, json!({"name": sales, "localDbId": "c1"}))
        .await;
    let conv = created["convId"].as_str().unwrap().to_string();
    push_of(&mut alice, 64).await;
    assert_eq!(
        alice
            .request(65, json!({"convId": conv, "answer": true}))
            .await["r"],
        0
    );
    for (i, text) in ["hello", "an order question", "thanks"].iter().enumerate() {
        let sent = ann.request(42, json!({"convId": conv, "type": 1, "localDbId": format!("m{i}"), "message": {"content": text}})).await;
        assert_eq!(sent["r"], 0, "{sent}");
    }
    alice.request(42, json!({"convId": conv, "type": 1, "localDbId": "a1", "message": {"content": "Happy to help"}})).await;
    let store = server.store().await;
    let portal = store.first_portal().await.unwrap().unwrap();
    store
        .create_file(&StoredFile {
            id: "file-1".into(),
            portal_id: portal.id.clone(),
            uploader: ann_id.clone(),
            name: "receipt.pdf".into(),
            content_type: "application/pdf".into(),
            size: 10,
            created_at: 1,
        })
        .await
        .unwrap();
    store.link_file("file-1", &conv).await.unwrap();
    store
        .create_ticket(&NewTicket {
            portal_id: portal.id.clone(),
            visitor_id: Some(ann_id.clone()),
            conv_id: None,
            queue_id: Some(sales.clone()),
            name: "Ann".into(),
            email: "ann@example.com".into(),
            phone: String::new(),
            note: "Call me".into(),
            fields: "[]".into(),
        })
        .await
        .unwrap();
    operator::add_agent(store.as_ref(), &portal.id, "carol@example.com", false)
        .await
        .unwrap();
    let before_messages = store.messages(&conv, ALL).await.unwrap();
    let before_agents = store.agents(&portal.id).await.unwrap();
    let before_tickets = store.tickets(&portal.id, 10).await.unwrap();
    let before_audit = store.audit_log(&portal.id, None, 100).await.unwrap();
    drop((ann, alice));
    let (data, facts) = server.stop_keeping_data().await;

    // Moved: every table counted equal on both sides.
    let counts = migrate::sqlite_to_postgres(&data.path().join(DATABASE_FILE), &target.url)
        .await
        .unwrap();
    let count = |table: &str| counts.iter().find(|(t, _)| *t == table).unwrap().1;
    assert_eq!(count("messages"), before_messages.len() as i64);
    assert_eq!(
        (
            count("portals"),
            count("agents"),
            count("tickets"),
            count("files"),
            count("file_links")
        ),
        (1, 3, 1, 1, 1)
    );
    assert_eq!(count("audit_log"), before_audit.len() as i64);
    // Never into a database that holds a server already.
    assert!(matches!(
        migrate::sqlite_to_postgres(&data.path().join(DATABASE_FILE), &target.url).await,
        Err(MigrateError::NotEmpty(1))
    ));

    // The same server, now on PostgreSQL: the same rows, and people carry on where they were.
    let server = TestServer::restart_on(data, facts, target).await;
    let store = server.store().await;
    assert_eq!(
        store.messages(&conv, ALL).await.unwrap(),
        before_messages,
        "ids, seqs, times, contents"
    );
    assert_eq!(store.agents(&portal.id).await.unwrap(), before_agents);
    assert_eq!(store.tickets(&portal.id, 10).await.unwrap(), before_tickets);
    assert_eq!(
        store.audit_log(&portal.id, None, 100).await.unwrap(),
        before_audit
    );
    assert!(
        store
            .file_readable_by("file-1", &facts_agent(&server))
            .await
            .unwrap()
    );

    let mut alice = agent(&server, 0).await; // her password hash came along
    let (mut ann, same_ann) = visitor(&server, "browser-ann").await;
    assert_eq!(
        same_ann, ann_id,
        "the visitor's id is derived from the copied secret"
    );
    let sent = ann.request(42, json!({"convId": conv, "type": 1, "localDbId": "m9", "message": {"content": "still there?"}})).await;
    assert_eq!(
        sent["seq"],
        before_messages.last().unwrap().seq + 1,
        "{sent}"
    );
    assert_eq!(
        push_of(&mut alice, 45).await["message"]["content"],
        "still there?"
    );
    // A new audited change gets an id after the copied ones.
    operator::add_agent(store.as_ref(), &portal.id, "dave@example.com", false)
        .await
        .unwrap();
    let log = store.audit_log(&portal.id, None, 1).await.unwrap();
    assert!(log[0].id > before_audit[0].id);
    server.stop().await;
}

/// The demo's first agent, who took the chat.
fn facts_agent(server: &TestServer) -> String {
    server.facts.agents[0].user_id.clone()
}
