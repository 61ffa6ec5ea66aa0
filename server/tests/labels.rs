//! Labels over REST: admins define them, any agent of the portal puts them on its
//! conversations, and search filters by them; nobody else sees or changes any of it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::admin::other_portal;
use crate::care::accepted_chat;
use crate::socket::{agent_token, visitor_token};

fn names(list: &Value) -> Vec<String> {
    list["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn admins_define_labels_and_agents_put_them_on_chats() {
    let server = crate::common::TestServer::start().await;
    let (_ann, _alice, _bob, conv) = accepted_chat(&server).await;
    let alice = agent_token(&server, 0).await; // admin
    let bob = agent_token(&server, 1).await;
    let create = |token: String, body: Value| {
        let server = &server;
        async move {
            server
                .call(Method::POST, "/v1/admin/labels", Some(&token), Some(body))
                .await
        }
    };

    let (status, vip) = create(alice.clone(), json!({"name": "VIP", "color": "#AA0000"})).await;
    assert_eq!(status, 201, "{vip}");
    assert_eq!(vip["label"]["color"], "#aa0000");
    let vip = vip["label"]["id"].as_str().unwrap().to_string();
    let (_, bug) = create(alice.clone(), json!({"name": "Bug", "color": "#0000aa"})).await;
    let bug = bug["label"]["id"].as_str().unwrap().to_string();
    // Only admins define labels; names are unique, case aside; bad input says what is wrong.
    assert_eq!(
        create(bob.clone(), json!({"name": "Mine", "color": "#000000"}))
            .await
            .0,
        403
    );
    assert_eq!(
        create(alice.clone(), json!({"name": "vip", "color": "#000000"}))
            .await
            .0,
        409
    );
    assert_eq!(
        create(alice.clone(), json!({"name": "X", "color": "red"}))
            .await
            .0,
        422
    );
    assert_eq!(create(alice.clone(), json!({"name": "X"})).await.0, 400);
    // Every agent lists them, by name.
    let (_, listed) = server
        .call(Method::GET, "/v1/labels", Some(&bob), None)
        .await;
    assert_eq!(names(&listed), ["Bug", "VIP"]);

    // Bob (not in the chat) labels it; unknown ids are refused whole.
    let on = format!("/v1/agent/conversations/{conv}/labels");
    let (status, put) = server
        .call(
            Method::PUT,
            &on,
            Some(&bob),
            Some(json!({"labels": [vip, bug]})),
        )
        .await;
    assert_eq!(status, 200, "{put}");
    assert_eq!(put["labels"], json!([bug, vip]));
    let (status, _) = server
        .call(
            Method::PUT,
            &on,
            Some(&bob),
            Some(json!({"labels": [vip, "nope"]})),
        )
        .await;
    assert_eq!(status, 422);
    let (_, got) = server.call(Method::GET, &on, Some(&alice), None).await;
    assert_eq!(got["labels"], json!([bug, vip]));

    // Search filters by label.
    let search = |label: &str| format!("/v1/agent/search?label={label}");
    let (_, found) = server
        .call(Method::GET, &search(&vip), Some(&bob), None)
        .await;
    assert_eq!(found["results"][0]["convId"], json!(conv));

    // Renaming keeps it on the chat; deleting takes it off; both are audited.
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/v1/admin/labels/{vip}"),
            Some(&alice),
            Some(json!({"name": "Priority"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/v1/admin/labels/{bug}"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (_, got) = server.call(Method::GET, &on, Some(&bob), None).await;
    assert_eq!(got["labels"], json!([vip]));
    let (_, found) = server
        .call(Method::GET, &search(&bug), Some(&bob), None)
        .await;
    assert_eq!(found["results"], json!([]));
    let (_, log) = server
        .call(Method::GET, "/v1/admin/audit", Some(&alice), None)
        .await;
    let log = log.to_string();
    for action in ["label.create", "label.update", "label.delete"] {
        assert!(log.contains(action), "{action} in {log}");
    }

    // Not for visitors; another portal's admin and agents find nothing of this portal's.
    let visitor = visitor_token(&server, "browser-ann").await;
    assert_eq!(
        server
            .call(Method::GET, "/v1/labels", Some(&visitor), None)
            .await
            .0,
        403
    );
    assert_eq!(
        server
            .call(
                Method::PUT,
                &on,
                Some(&visitor),
                Some(json!({"labels": []}))
            )
            .await
            .0,
        403
    );
    let (_, other) = other_portal(&server).await;
    let (_, theirs) = server
        .call(Method::GET, "/v1/labels", Some(&other), None)
        .await;
    assert_eq!(theirs["labels"], json!([]));
    for (method, path, body) in [
        (Method::GET, on.clone(), None),
        (Method::PUT, on.clone(), Some(json!({"labels": []}))),
        (
            Method::PATCH,
            format!("/v1/admin/labels/{vip}"),
            Some(json!({"name": "Mine"})),
        ),
        (Method::DELETE, format!("/v1/admin/labels/{vip}"), None),
    ] {
        let (status, answer) = server.call(method.clone(), &path, Some(&other), body).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
    }
    server.stop().await;
}
