//! The admin API over HTTP: who may call it (the matrix of callers on every route), queues,
//! agents' fields, API keys and the audit log (the portal's settings are in `settings.rs`).

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::journey::{push_of, visitor};
use crate::socket::{Client, agent_token, visitor_token};
use parlor_server::seed::{self, DATABASE_FILE, PortalReport};

/// Every admin route, with an id of the caller's own portal filled in where it takes one.
fn routes(
    queue: &str,
    agent: &str,
    key: &str,
    email: &str,
) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, "/v1/admin/portal".into(), None),
        (
            Method::PATCH,
            "/v1/admin/portal".into(),
            Some(json!({"greeting": "Hi"})),
        ),
        (Method::GET, "/v1/admin/queues".into(), None),
        (
            Method::POST,
            "/v1/admin/queues".into(),
            Some(json!({"name": "Billing"})),
        ),
        (
            Method::PATCH,
            format!("/v1/admin/queues/{queue}"),
            Some(json!({"position": 5})),
        ),
        (Method::DELETE, format!("/v1/admin/queues/{queue}"), None),
        (Method::GET, "/v1/admin/agents".into(), None),
        (
            Method::POST,
            "/v1/admin/agents".into(),
            Some(json!({ "email": email })),
        ),
        (
            Method::PATCH,
            format!("/v1/admin/agents/{agent}"),
            Some(json!({"max_chats": 2})),
        ),
        (Method::DELETE, format!("/v1/admin/agents/{agent}"), None),
        (Method::GET, "/v1/admin/api-keys".into(), None),
        (Method::POST, "/v1/admin/api-keys".into(), None),
        (Method::DELETE, format!("/v1/admin/api-keys/{key}"), None),
        (Method::GET, "/v1/admin/audit".into(), None),
    ]
}

/// A second portal on the same server, and its admin's token.
pub async fn other_portal(server: &TestServer) -> (PortalReport, String) {
    let database = parlor_server::store::Database::Sqlite(server.data.path().join(DATABASE_FILE));
    let report = seed::init_portal(
        server.data.path(),
        &database,
        "Acme Tea",
        "owner@acme.example",
        None,
    )
    .await
    .unwrap();
    let (status, body) = server
        .call(
            Method::POST,
            "/v1/agent/login",
            None,
            Some(json!({"email": report.admin.email, "password": report.admin.password})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap().to_string();
    (report, token)
}

#[tokio::test]
async fn only_the_portals_admins_reach_its_admin_routes() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let agent = agent_token(&server, 1).await;
    let visitor = visitor_token(&server, "browser-matrix").await;
    let (_other, other_admin) = other_portal(&server).await;
    let queue = server.facts.queues[1].id.clone();
    let bob = server.facts.agents[1].user_id.clone();
    let key = server.facts.api_key_sid.clone();

    for (method, path, body) in routes(&queue, &bob, &key, "tried@example.com") {
        let (status, answer) = server.call(method.clone(), &path, None, body.clone()).await;
        assert_eq!(
            (status, answer["r"].clone()),
            (401, json!(4)),
            "{method} {path} without token"
        );
        let (status, answer) = server
            .call(method.clone(), &path, Some("not.a.token"), body.clone())
            .await;
        assert_eq!(status, 401, "{method} {path} with garbage: {answer}");
        for (who, token) in [("agent", &agent), ("visitor", &visitor)] {
            let (status, answer) = server
                .call(method.clone(), &path, Some(token), body.clone())
                .await;
            assert_eq!(
                (status, answer["r"].clone()),
                (403, json!(6)),
                "{method} {path} as {who}: {answer}"
            );
        }
        // Another portal's admin: the demo portal's ids do not exist for them.
        let (status, answer) = server
            .call(method.clone(), &path, Some(&other_admin), body.clone())
            .await;
        if path.ends_with(&queue) || path.ends_with(&bob) || path.ends_with(&key) {
            assert_eq!(status, 404, "{method} {path} from another portal: {answer}");
        } else {
            assert!(
                status < 300,
                "{method} {path} on their own portal: {answer}"
            );
            assert!(!answer.to_string().contains(&server.facts.widget_key));
            assert!(!answer.to_string().contains(&server.facts.agents[0].email));
        }
    }
    // Nothing the others tried changed the demo portal; its own admin still gets everything.
    let (status, portal) = server
        .call(Method::GET, "/v1/admin/portal", Some(&admin), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(portal["portal"]["name"], "Parlor Demo");
    assert_eq!(portal["portal"]["greeting"], "");
    let (_, queues) = server
        .call(Method::GET, "/v1/admin/queues", Some(&admin), None)
        .await;
    assert_eq!(queues["queues"].as_array().unwrap().len(), 2, "{queues}");
    for (method, path, body) in routes(&queue, &bob, &key, "new@example.com") {
        let (status, answer) = server.call(method.clone(), &path, Some(&admin), body).await;
        assert!(status < 300, "{method} {path} as admin: {answer}");
    }
}

#[tokio::test]
async fn queues_are_added_changed_and_deleted_and_a_waiting_chat_gets_the_ticket_form_at_once() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let alice = server.facts.agents[0].user_id.clone();
    let (status, created) = server
        .call(
            Method::POST,
            "/v1/admin/queues",
            Some(&admin),
            Some(json!({"name": "Billing", "members": [alice], "answer_timeout_ms": 20000})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let billing = created["queue"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["queue"]["position"], 2);
    assert_eq!(created["queue"]["queue_timeout_ms"], 60000);

    // Names are unique; members must be the portal's agents; timeouts have bounds.
    for (body, status) in [
        (json!({"name": "billing"}), 201),
        (json!({"name": "Billing"}), 409),
        (json!({"name": "Other", "members": ["agent-nobody"]}), 422),
        (json!({"name": "Other", "answer_timeout_ms": 10}), 422),
        (json!({"position": 1}), 400),
    ] {
        let (got, answer) = server
            .call(
                Method::POST,
                "/v1/admin/queues",
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(got, status, "{body}: {answer}");
    }

    // The profile lists the new queue; a visitor waits in it.
    let profile_path = format!(
        "/v1/chatcustomer/getsettingandqueues?key={}",
        server.facts.widget_key
    );
    let (_, profile) = server.call(Method::GET, &profile_path, None, None).await;
    assert!(
        profile["queues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["name"] == "Billing")
    );
    let (mut ann, _) = visitor(&server, "browser-billing").await;
    let chat = ann
        .request(41, json!({"name": billing, "localDbId": "c1"}))
        .await;
    assert_eq!(chat["r"], 0, "{chat}");
    let conv = chat["convId"].clone();

    // Renaming and moving members keeps the queue.
    let (status, changed) = server
        .call(
            Method::PATCH,
            &format!("/v1/admin/queues/{billing}"),
            Some(&admin),
            Some(json!({"name": "Invoices", "members": []})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["queue"]["members"], json!([]));

    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/v1/admin/queues/{billing}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200);
    // The visitor is told at once, as for a queue timeout (long before the queue's 60 s).
    let told = tokio::time::timeout(std::time::Duration::from_secs(5), push_of(&mut ann, 67))
        .await
        .expect("the waiting visitor is sent to the ticket form");
    assert_eq!(told["convId"], conv);
    // The chat's history stays.
    let loaded = ann
        .request(50, json!({"convId": conv, "seqGreater": 0, "count": 10}))
        .await;
    assert_eq!(loaded["r"], 0, "{loaded}");
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/v1/admin/queues/{billing}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_api_keys_secret_shows_once_and_a_revoked_key_signs_nothing() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let (status, created) = server
        .call(Method::POST, "/v1/admin/api-keys", Some(&admin), None)
        .await;
    assert_eq!(status, 201);
    let sid = created["api_key"]["sid"].as_str().unwrap().to_string();
    let secret = created["api_key"]["secret"].as_str().unwrap().to_string();
    let (_, list) = server
        .call(Method::GET, "/v1/admin/api-keys", Some(&admin), None)
        .await;
    assert_eq!(list["api_keys"].as_array().unwrap().len(), 2);
    assert!(!list.to_string().contains(&secret));
    assert!(!list.to_string().contains(&server.facts.api_key_secret));

    // A site's backend signs a visitor's token with the new key: it works...
    let minted = parlor_server::token::issue("site-user-1", &sid, &secret, 600);
    let mut client = Client::connect(&server).await;
    assert_eq!(client.authen(&minted).await["r"], 0);
    // ...until the key is revoked.
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/v1/admin/api-keys/{sid}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let mut client = Client::connect(&server).await;
    assert_eq!(client.authen(&minted).await["r"], 5, "key SID not found");
    let (status, _) = server
        .call(Method::GET, "/v1/agent/me", Some(&minted), None)
        .await;
    assert_eq!(status, 401);
    // Revoking the site's first key too leaves Parlor's own sessions alone: they are signed
    // with a key of Parlor's, which is not in the list.
    let key = &server.facts.api_key_sid;
    let (status, answer) = server
        .call(
            Method::DELETE,
            &format!("/v1/admin/api-keys/{key}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = server
        .call(Method::GET, "/v1/admin/audit", Some(&admin), None)
        .await;
    assert_eq!(status, 200);
    let mut visitor = Client::connect(&server).await;
    let token = visitor_token(&server, "browser-after-revoke").await;
    assert_eq!(visitor.authen(&token).await["r"], 0);
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/v1/admin/api-keys/{key}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 404, "revoked already");
}

#[tokio::test]
async fn the_audit_log_says_who_changed_what_newest_first() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let alice = server.facts.agents[0].user_id.clone();
    server
        .call(
            Method::PATCH,
            "/v1/admin/portal",
            Some(&admin),
            Some(json!({"name": "Shop"})),
        )
        .await;
    server
        .call(
            Method::POST,
            "/v1/admin/queues",
            Some(&admin),
            Some(json!({"name": "Returns"})),
        )
        .await;
    server
        .call(Method::POST, "/v1/admin/api-keys", Some(&admin), None)
        .await;
    // A refused change leaves no entry.
    server
        .call(
            Method::PATCH,
            "/v1/admin/portal",
            Some(&admin),
            Some(json!({"color": "no"})),
        )
        .await;
    let (status, log) = server
        .call(Method::GET, "/v1/admin/audit?limit=10", Some(&admin), None)
        .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["api_key.create", "queue.create", "portal.update"]);
    assert_eq!(log["entries"][2]["actor"], json!(alice));
    assert_eq!(log["entries"][2]["detail"]["name"], "Shop");
    assert!(!log.to_string().contains("secret"));
    let before = log["entries"][0]["id"].as_i64().unwrap();
    let (_, older) = server
        .call(
            Method::GET,
            &format!("/v1/admin/audit?before={before}&limit=1"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(older["entries"][0]["action"], "queue.create");
}

#[tokio::test]
async fn bad_queue_and_agent_fields_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let queue = server.facts.queues[0].id.clone();
    let bob = server.facts.agents[1].user_id.clone();
    let path = format!("/v1/admin/queues/{queue}");
    let (_, before) = server
        .call(Method::GET, "/v1/admin/queues", Some(&admin), None)
        .await;
    for (body, status) in [
        (json!({"name": ""}), 422),
        (json!({"name": "x".repeat(61)}), 422),
        (json!({"name": "Support"}), 409),
        (json!({"position": -1}), 422),
        (json!({"position": "first"}), 400),
        (json!({"members": ["agent-nobody"]}), 422),
        (json!({"members": "everyone"}), 400),
        (json!({"answer_timeout_ms": 999}), 422),
        (json!({"answer_timeout_ms": 3_600_001}), 422),
        (json!({"queue_timeout_ms": 0}), 422),
        (json!({"queue_timeout_ms": 86_400_001}), 422),
        (json!({"colour": "red"}), 400),
    ] {
        let (got, answer) = server
            .call(Method::PATCH, &path, Some(&admin), Some(body.clone()))
            .await;
        assert_eq!(got, status, "{body}: {answer}");
        assert_ne!(answer["r"], 0);
    }
    let (_, after) = server
        .call(Method::GET, "/v1/admin/queues", Some(&admin), None)
        .await;
    assert_eq!(before, after);

    let path = format!("/v1/admin/agents/{bob}");
    let (_, before) = server
        .call(Method::GET, "/v1/admin/agents", Some(&admin), None)
        .await;
    for (body, status) in [
        (json!({"display_name": ""}), 422),
        (json!({"display_name": "x".repeat(101)}), 422),
        (json!({"role": "owner"}), 400),
        (json!({"max_chats": 0}), 422),
        (json!({"max_chats": 51}), 422),
        (json!({"queues": ["q-nowhere"]}), 422),
        (json!({"active": "no"}), 400),
        (json!({"email": "new@example.com"}), 400),
    ] {
        let (got, answer) = server
            .call(Method::PATCH, &path, Some(&admin), Some(body.clone()))
            .await;
        assert_eq!(got, status, "{body}: {answer}");
    }
    for (body, status) in [
        (json!({}), 400),
        (json!({"email": "not an email"}), 422),
        (json!({"email": "bob@example.com"}), 409),
        (
            json!({"email": "new@example.com", "queues": ["q-nowhere"]}),
            422,
        ),
        (json!({"email": "new@example.com", "active": false}), 400),
    ] {
        let (got, answer) = server
            .call(
                Method::POST,
                "/v1/admin/agents",
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(got, status, "{body}: {answer}");
    }
    let (_, after) = server
        .call(Method::GET, "/v1/admin/agents", Some(&admin), None)
        .await;
    // Nothing changed (who is online aside, which no call here changes).
    assert_eq!(before, after);
}
