//! One visitor's data on request: an admin exports it, then erases it, and nothing of the
//! visitor's text is left in the database or the files folder; another visitor keeps theirs,
//! and the erased chat stays, empty, for reports.

use reqwest::Method;
use serde_json::json;

use crate::care::accepted_chat;
use crate::files::upload;
use crate::journey::visitor;
use crate::socket::{agent_token, visitor_token};

const SECRET: &str = "My address is 12 Rose Street";
const FILE_TEXT: &str = "Invoice for 12 Rose Street";

fn text(conv: &str, content: &str) -> serde_json::Value {
    json!({"convId": conv, "type": 1, "message": {"content": content}})
}

#[tokio::test]
async fn an_admin_exports_then_erases_a_visitor_and_nothing_of_their_text_is_left() {
    let server = crate::common::TestServer::start().await;
    // An endpoint that hears of everything (on a loopback port this server may not send to:
    // its deliveries stay pending, holding the visitor's words).
    let store = server.store().await;
    let portal = store.first_portal().await.unwrap().unwrap();
    store
        .save_webhook(&parlor_server::store::Webhook {
            id: "wh-all".into(),
            portal_id: portal.id.clone(),
            url: "http://127.0.0.1:9/hooks".into(),
            events: parlor_server::store::Webhook::events_text(
                &parlor_server::store::webhook::EVENTS,
            ),
            secret: "a-secret-of-sixteen".into(),
            enabled: true,
            created_at: 1,
        })
        .await
        .unwrap();
    let (mut ann, mut alice, _bob, conv) = accepted_chat(&server).await;
    assert_eq!(ann.request(42, text(&conv, SECRET)).await["r"], 0);
    let ann_token = visitor_token(&server, "browser-ann").await;
    let (status, uploaded) = upload(
        &server,
        &ann_token,
        "invoice.txt",
        "text/plain",
        FILE_TEXT.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 200, "{uploaded}");
    let file = json!({"convId": conv, "type": 5, "message": {"file": {"filePath": uploaded["filename"], "filename": "invoice.txt"}}});
    assert_eq!(ann.request(42, file).await["r"], 0);
    assert_eq!(
        alice
            .request(
                1002,
                json!({"convId": conv, "text": "Lives at 12 Rose Street"})
            )
            .await["r"],
        0
    );
    assert_eq!(
        ann.request(
            69,
            json!({"convId": conv, "rating": 1, "comment": "Rose Street thanks"})
        )
        .await["r"],
        0
    );
    // Ben, another visitor with an email of his own, keeps everything.
    let (mut ben, ben_id) = visitor(&server, "browser-ben").await;
    assert_eq!(
        ben.request(70, json!({"email": "ben@example.com"})).await["r"],
        0
    );
    let sales = server.facts.queues[0].id.clone();
    let ben_conv = ben.request(41, json!({"name": sales})).await["convId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        ben.request(42, text(&ben_conv, "Ben's own words")).await["r"],
        0
    );

    let admin = agent_token(&server, 0).await;
    let agent = agent_token(&server, 1).await;
    // Retention is a portal setting in days (0 keeps chats), checked.
    for (days, status) in [
        (json!(30), 200),
        (json!(-1), 422),
        (json!(5000), 422),
        (json!(0), 200),
    ] {
        let (got, answer) = server
            .call(
                Method::PATCH,
                "/v1/admin/portal",
                Some(&admin),
                Some(json!({"retention_days": days})),
            )
            .await;
        assert_eq!(got, status, "{days}: {answer}");
    }
    let (_, portal) = server
        .call(Method::GET, "/v1/admin/portal", Some(&admin), None)
        .await;
    assert_eq!(portal["portal"]["retention_days"], 0);
    let export = "/v1/admin/visitor-data?email=ANN@example.com";
    // Admins only, one of email and visitor_id.
    assert_eq!(
        server.call(Method::GET, export, Some(&agent), None).await.0,
        403
    );
    assert_eq!(
        server
            .call(Method::GET, "/v1/admin/visitor-data", Some(&admin), None)
            .await
            .0,
        400
    );
    let (status, data) = server.call(Method::GET, export, Some(&admin), None).await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(data["chats"][0]["convId"], json!(conv));
    assert_eq!(data["chats"][0]["ratingComment"], "Rose Street thanks");
    let dump = data.to_string();
    assert!(
        dump.contains(SECRET) && dump.contains("invoice.txt"),
        "{dump}"
    );
    assert!(!dump.contains("Ben's own words"));

    let pending = store.deliveries("wh-all", 100).await.unwrap();
    assert!(pending.iter().any(|d| d.data.contains(SECRET)));
    let (status, erased) = server
        .call(
            Method::POST,
            "/v1/admin/visitor-data/erase",
            Some(&admin),
            Some(json!({"email": "ann@example.com"})),
        )
        .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(
        (
            erased["erased"]["chats"].clone(),
            erased["erased"]["files"].clone(),
            erased["erased"]["visitors"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    let (_, after) = server.call(Method::GET, export, Some(&admin), None).await;
    for part in ["visitors", "chats", "messages", "tickets", "files"] {
        assert_eq!(after[part], json!([]), "{part}: {after}");
    }
    // The chat stays for reports, empty; Ben's is untouched.
    let open = |id: &str| format!("/v1/agent/conversations/{id}/messages");
    let (status, kept) = server
        .call(Method::GET, &open(&conv), Some(&agent), None)
        .await;
    assert_eq!(
        (status, kept["msgs"].clone(), kept["notes"].clone()),
        (200, json!([]), json!([]))
    );
    let (_, bens) = server
        .call(Method::GET, &open(&ben_conv), Some(&agent), None)
        .await;
    assert!(bens["msgs"].to_string().contains("Ben's own words"));
    let ben_data = format!("/v1/admin/visitor-data?visitor_id={ben_id}");
    let (_, ben_export) = server
        .call(Method::GET, &ben_data, Some(&admin), None)
        .await;
    assert_eq!(ben_export["visitors"][0]["email"], "ben@example.com");
    // Both requests are in the audit log.
    let (_, log) = server
        .call(Method::GET, "/v1/admin/audit", Some(&admin), None)
        .await;
    let log = log.to_string();
    assert!(
        log.contains("visitor.export") && log.contains("visitor.erase"),
        "{log}"
    );

    // Nothing of Ann's text is left anywhere in the data folder.
    server.close_store().await;
    for needle in ["Rose Street", "ann@example.com"] {
        let found = crate::common::files_holding(server.data.path(), needle);
        assert!(found.is_empty(), "{needle} is still in {found:?}");
    }
    server.stop().await;
}
