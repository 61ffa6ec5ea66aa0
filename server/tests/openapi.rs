//! The OpenAPI document: served, OpenAPI 3.1, and in step with the routes: every documented
//! operation reaches a handler (which answers in the API's own shape), and the calls every
//! client relies on are documented.

use reqwest::Method;
use serde_json::Value;

use crate::common::TestServer;

#[tokio::test]
async fn every_documented_operation_is_routed_and_every_family_is_documented() {
    let server = TestServer::start().await;
    let (status, document) = server
        .call(Method::GET, "/v1/openapi.json", None, None)
        .await;
    assert_eq!(status, 200);
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{document}"
    );
    let paths = document["paths"].as_object().unwrap();
    for expected in [
        parlor_protocol::rest::CHAT_PROFILE_PATH,
        "/v1/chatcustomer",
        "/v1/chatcustomer/generateticket",
        "/v2/getStringeeServerAddress",
        "/v1/agent/login",
        "/v1/agent/me",
        "/v1/agent/invitation",
        "/v1/file/upload",
        "/v1/file/{id}",
        "/v1/admin/portal",
        "/v1/admin/queues/{id}",
        "/v1/admin/agents/{user_id}",
        "/v1/admin/api-keys/{sid}",
        "/v1/admin/audit",
    ] {
        assert!(paths.contains_key(expected), "{expected} is not documented");
    }
    let mut operations = 0;
    for (path, item) in paths {
        // A made-up id for each path parameter: the handler answers that it does not exist,
        // or that a token is needed; the router alone would answer 404 or 405 with no body.
        let concrete: String = path
            .split('/')
            .map(|part| {
                if part.starts_with('{') {
                    "made-up"
                } else {
                    part
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = reqwest::Client::new()
                .request(method.clone(), format!("{}{concrete}", server.url))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert_ne!(status, 405, "{method} {path}");
            assert!(
                body.get("r").is_some() && body["msg"] != parlor_server::http::NO_ROUTE,
                "{method} {path}: no handler answered ({status} {body})"
            );
            operations += 1;
        }
    }
    assert!(operations >= 25, "{operations} operations documented");

    // A path no route takes answers in the API's shape too.
    let (status, body) = server
        .call(Method::GET, "/v1/admin/nothing-here", None, None)
        .await;
    assert_eq!(
        (status, body["msg"].clone()),
        (404, serde_json::json!(parlor_server::http::NO_ROUTE))
    );
}
