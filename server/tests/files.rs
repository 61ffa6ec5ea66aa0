//! Attachments: upload with a token, limits on size and type, and reading confined to the
//! uploader and the members of the conversation the file was sent in.

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::journey::{agent, push_of, visitor};
use crate::socket::visitor_token;

pub async fn upload(
    server: &TestServer,
    token: &str,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let boundary = "parlor-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n"
    )
    .into_bytes();
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let response = reqwest::Client::new()
        .post(format!(
            "{}/v1/file/upload?uploadType=multipart",
            server.url
        ))
        .header("X-STRINGEE-AUTH", token)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn download(
    server: &TestServer,
    path: &str,
    token: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", server.url))
        .header("X-STRINGEE-AUTH", token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_photo_sent_in_a_chat_is_readable_by_its_members_only() {
    let server = TestServer::start().await;
    let sales = server.facts.queues[0].id.clone();
    let mut alice = agent(&server, 0).await;
    let (mut ann, _) = visitor(&server, "browser-ann").await;
    let ann_token = visitor_token(&server, "browser-ann").await;
    let conv = ann.request(41, json!({"name": sales})).await["convId"].clone();
    push_of(&mut alice, 64).await;
    alice
        .request(65, json!({"convId": conv, "answer": true}))
        .await;

    let png = b"\x89PNG\r\n\x1a\nnot really a png".to_vec();
    let (status, uploaded) = upload(&server, &ann_token, "cat.png", "image/png", png.clone()).await;
    assert_eq!(
        (status, uploaded["r"].clone()),
        (200, json!(0)),
        "{uploaded}"
    );
    let path = uploaded["filename"].as_str().unwrap().to_string();
    assert!(path.starts_with("/v1/file/file-"), "{path}");

    // Before it is sent, only its uploader reads it.
    let alice_token = crate::socket::agent_token(&server, 0).await;
    assert_eq!(download(&server, &path, &alice_token).await.0, 404);
    let (status, headers, bytes) = download(&server, &path, &ann_token).await;
    assert_eq!((status, bytes), (200, png.clone()));
    assert_eq!(headers["x-content-type-options"], "nosniff");

    let sent = ann
        .request(42, json!({"convId": conv, "type": 2, "message": {"photo": {"filePath": path, "ratio": 1.0}}}))
        .await;
    assert_eq!(sent["r"], 0, "{sent}");
    let (status, _, bytes) = download(&server, &path, &alice_token).await;
    assert_eq!((status, bytes), (200, png));
    // Another visitor, and someone with no token, do not.
    let eve = visitor_token(&server, "browser-eve").await;
    assert_eq!(download(&server, &path, &eve).await.0, 404);
    assert_eq!(download(&server, &path, "").await.0, 401);

    // Nobody can attach someone else's upload to their own chat.
    let (mut eve_socket, _) = visitor(&server, "browser-eve").await;
    let eve_conv = eve_socket.request(41, json!({"name": sales})).await["convId"].clone();
    let borrowed = eve_socket
        .request(
            42,
            json!({"convId": eve_conv, "type": 2, "message": {"photo": {"filePath": path}}}),
        )
        .await;
    assert_eq!(borrowed["r"], 400, "{borrowed}");
    assert_eq!(download(&server, &path, &eve).await.0, 404);
    server.stop().await;
}

#[tokio::test]
async fn uploads_are_limited_in_type_and_size_and_need_a_token() {
    let server = TestServer::start().await;
    let token = visitor_token(&server, "browser-ann").await;
    let (status, body) = upload(
        &server,
        &token,
        "page.html",
        "text/html",
        b"<script>alert(1)</script>".to_vec(),
    )
    .await;
    assert_eq!((status, body["r"].clone()), (400, json!(1)), "{body}");
    let big = vec![0u8; 10 * 1024 * 1024 + 1];
    let (status, _) = upload(&server, &token, "big.pdf", "application/pdf", big).await;
    assert_eq!(status, 413);
    let (status, body) = upload(
        &server,
        "not-a-token",
        "a.txt",
        "text/plain",
        b"hi".to_vec(),
    )
    .await;
    assert_eq!((status, body["r"].clone()), (401, json!(4)));
    let (status, _) = upload(&server, &token, "a.txt", "text/plain", b"hi".to_vec()).await;
    assert_eq!(status, 200);
    server.stop().await;
}
