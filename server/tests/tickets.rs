//! Tickets over REST, with their notices in the outbox or through a real SMTP listener on
//! loopback, and the agents' lists of tickets and missed chats.

use parlor_server::mail::{MailSettings, Mailer};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::common::TestServer;
use crate::journey::push_of;
use crate::socket::{Client, agent_token, visitor_token};

async fn ticket(server: &TestServer, params: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}/v1/chatcustomer/generateticket", server.url))
        .query(params)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn agent_get(server: &TestServer, path: &str, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", server.url))
        .header("X-STRINGEE-AUTH", token)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_missed_chat_becomes_a_ticket_that_is_stored_mailed_and_listed_for_agents() {
    let server = TestServer::start().await;
    let store = server.store().await;
    let sales = server.facts.queues[0].id.clone();
    parlor_server::store::PortalStore::configure_queue(store.as_ref(), &sales, 1_000, 1_500)
        .await
        .unwrap();
    // Nobody is online: the chat waits out the (short) queue timeout and is missed.
    let mut ann = Client::connect(&server).await;
    ann.authen(&visitor_token(&server, "browser-ann").await)
        .await;
    let conv = ann.request(41, json!({"name": sales})).await["convId"].clone();
    assert_eq!(push_of(&mut ann, 67).await["convId"], conv);

    let key = server.facts.widget_key.clone();
    let (status, body) = ticket(
        &server,
        &[
            ("key", &key),
            ("username", "Ann <script>x</script>"),
            ("email", "ann@example.com"),
            ("userId", "browser-ann"),
            ("note", "Please call me back about my order."),
            ("phone", "+84 90 000"),
        ],
    )
    .await;
    assert_eq!((status, body["r"].clone()), (200, json!(0)), "{body}");

    let outbox = server.outbox();
    assert_eq!(outbox.len(), 1, "one notice for the agents");
    let mail = &outbox[0];
    for agent in &server.facts.agents {
        assert!(mail.contains(&agent.email), "{mail}");
    }
    assert!(mail.contains("Reply-To: ann@example.com"), "{mail}");
    assert!(
        mail.contains("Please call me back about my order."),
        "{mail}"
    );
    assert!(mail.contains("Queue: Sales"), "{mail}");

    let token = agent_token(&server, 0).await;
    let (status, list) = agent_get(&server, "/v1/agent/tickets", &token).await;
    assert_eq!(status, 200);
    let stored = &list["tickets"][0];
    assert_eq!(
        stored["name"], "Ann <script>x</script>",
        "kept as text, as typed"
    );
    assert_eq!(stored["convId"], conv, "linked to the missed chat");
    assert_eq!(stored["phone"], "+84 90 000");
    let (_, missed) = agent_get(&server, "/v1/agent/missedchats", &token).await;
    assert_eq!(missed["missedChats"][0]["convId"], conv);

    // Visitors and strangers see no tickets.
    let visitor = visitor_token(&server, "browser-eve").await;
    assert_eq!(
        agent_get(&server, "/v1/agent/tickets", &visitor).await.0,
        403
    );
    let (status, body) = agent_get(&server, "/v1/agent/tickets", "junk").await;
    assert_eq!((status, body["r"].clone()), (401, json!(4)));
    server.stop().await;
}

#[tokio::test]
async fn bad_tickets_get_a_clear_error_and_nothing_is_stored() {
    let server = TestServer::start().await;
    let key = server.facts.widget_key.clone();
    let long = "x".repeat(5_001);
    for (params, says) in [
        (
            vec![
                ("key", key.as_str()),
                ("username", "Ann"),
                ("email", "ann@example.com"),
            ],
            "note",
        ),
        (
            vec![
                ("key", key.as_str()),
                ("username", "Ann"),
                ("email", "nope"),
                ("note", "hi"),
            ],
            "email",
        ),
        (
            vec![
                ("key", key.as_str()),
                ("email", "ann@example.com"),
                ("note", "hi"),
            ],
            "username",
        ),
        (
            vec![
                ("key", key.as_str()),
                ("username", "Ann"),
                ("email", "ann@example.com"),
                ("note", long.as_str()),
            ],
            "note",
        ),
    ] {
        let (status, body) = ticket(&server, &params).await;
        assert_eq!((status, body["r"].clone()), (400, json!(1)), "{body}");
        assert!(body["msg"].as_str().unwrap().contains(says), "{body}");
    }
    let (status, body) = ticket(
        &server,
        &[
            ("key", "no-such-key"),
            ("username", "Ann"),
            ("email", "ann@example.com"),
            ("note", "hi"),
        ],
    )
    .await;
    assert_eq!((status, body["r"].clone()), (404, json!(2)));
    assert!(server.outbox().is_empty());
    server.stop().await;
}

/// A minimal SMTP server on loopback: accepts one session and hands over the DATA it got.
async fn smtp_listener() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let (sender, received) = mpsc::channel(4);
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let sender = sender.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            let _ = sender.send(data.take().unwrap()).await;
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (url, received)
}

/// A server whose mail goes to the SMTP server at `url` (the outbox only when that fails).
async fn with_smtp(url: String) -> TestServer {
    TestServer::start_with(|state| {
        let outbox = state.files_dir.with_file_name("outbox");
        state.with_mailer(
            Mailer::new(&MailSettings {
                smtp_url: Some(url),
                from: "Parlor <chat@example.com>".into(),
                outbox,
            })
            .unwrap(),
        )
    })
    .await
}

#[tokio::test]
async fn with_smtp_configured_the_notice_goes_to_the_smtp_server() {
    let (url, mut received) = smtp_listener().await;
    let server = with_smtp(url).await;
    let key = server.facts.widget_key.clone();
    let (status, _) = ticket(
        &server,
        &[
            ("key", &key),
            ("username", "Ann"),
            ("email", "ann@example.com"),
            ("note", "By SMTP, please"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .expect("the SMTP server got a mail")
        .unwrap();
    assert!(mail.contains("From: Parlor <chat@example.com>"), "{mail}");
    assert!(mail.contains("By SMTP, please"), "{mail}");
    assert!(
        server.outbox().is_empty(),
        "nothing fell back to the outbox"
    );
    server.stop().await;
}

#[tokio::test]
async fn when_smtp_is_down_the_notice_falls_back_to_the_outbox() {
    // A port that refuses connections: bind one, then free it.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = with_smtp(format!("smtp://127.0.0.1:{port}")).await;
    let key = server.facts.widget_key.clone();
    let (status, _) = ticket(
        &server,
        &[
            ("key", &key),
            ("username", "Ann"),
            ("email", "ann@example.com"),
            ("note", "Kept safe"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let outbox = server.outbox();
    assert_eq!(outbox.len(), 1);
    assert!(outbox[0].contains("Kept safe"));
    server.stop().await;
}

#[tokio::test]
async fn agents_see_their_colleagues_and_who_is_online() {
    let server = TestServer::start().await;
    let token = agent_token(&server, 0).await;
    let mut bob = Client::connect(&server).await;
    bob.authen(&agent_token(&server, 1).await).await;
    let (status, body) = agent_get(&server, "/v1/agent/agents", &token).await;
    assert_eq!(status, 200);
    let online: Vec<(Value, Value)> = body["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].clone(), a["online"].clone()))
        .collect();
    assert_eq!(
        online,
        [(json!("Alice"), json!(false)), (json!("Bob"), json!(true))]
    );
    let visitor = visitor_token(&server, "browser-ann").await;
    assert_eq!(
        agent_get(&server, "/v1/agent/agents", &visitor).await.0,
        403
    );
    server.stop().await;
}
