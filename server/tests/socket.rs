//! The socket gateway over a real WebSocket: AUTHEN and its codes, pings, and bad input that
//! gets an error reply without hurting anyone's session.

use futures_util::{SinkExt, StreamExt};
use parlor_server::seed::InitReport;
use parlor_server::token;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::common::TestServer;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A client speaking the protocol from the protocol page: JSON frames, `requestId` counter.
pub struct Client {
    socket: Socket,
    next_request: u64,
}

impl Client {
    pub async fn connect(server: &TestServer) -> Self {
        let url = format!("{}/ws", server.url.replacen("http", "ws", 1));
        let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Self {
            socket,
            next_request: 0,
        }
    }

    /// Wraps a socket opened some other way (with extra headers, say).
    pub fn from_socket(socket: Socket) -> Self {
        Self {
            socket,
            next_request: 0,
        }
    }

    pub async fn send_text(&mut self, text: &str) {
        self.socket.send(Message::Text(text.into())).await.unwrap();
    }

    /// Sends a request and returns its reply (pushes that arrive first are skipped).
    pub async fn request(&mut self, service: u16, mut body: Value) -> Value {
        self.next_request += 1;
        let id = self.next_request;
        body["requestId"] = json!(id);
        self.send_text(&json!({"service": service, "body": body}).to_string())
            .await;
        loop {
            let frame = self.next_frame().await;
            if frame["service"] == service && frame["body"]["requestId"] == id {
                return frame["body"].clone();
            }
        }
    }

    /// The next frame from the server.
    pub async fn next_frame(&mut self) -> Value {
        loop {
            match self.socket.next().await.expect("socket closed").unwrap() {
                Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
                Message::Close(_) => panic!("socket closed"),
                _ => continue,
            }
        }
    }

    /// The next frame, or `None` once the server closed the socket.
    pub async fn try_next_frame(&mut self) -> Option<Value> {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(text))) => return serde_json::from_str(text.as_str()).ok(),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Reads until the server closes the socket; answers the close frame's code, if it sent one.
    pub async fn close_code(&mut self) -> Option<u16> {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Err(_)) | None => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    pub async fn authen(&mut self, access_token: &str) -> Value {
        let body = json!({"accesstoken": access_token, "deviceId": "test", "platform": 3, "sdkVersion": "test"});
        self.request(2, body).await
    }
}

/// A visitor's token, from the live chat token call.
pub async fn visitor_token(server: &TestServer, client_id: &str) -> String {
    visitor_token_at(&server.url, &server.facts, client_id).await
}

/// A visitor's token from the server at `url` (any node of a cluster).
pub async fn visitor_token_at(url: &str, facts: &InitReport, client_id: &str) -> String {
    let body: Value = reqwest::Client::new()
        .get(format!("{url}/v1/chatcustomer"))
        .query(&[
            ("key", facts.widget_key.as_str()),
            ("username", "Ann Visitor"),
            ("email", "ann@example.com"),
            ("userId", client_id),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

/// An agent's token, from sign-in.
pub async fn agent_token(server: &TestServer, index: usize) -> String {
    agent_token_at(&server.url, &server.facts, index).await
}

/// The demo agent `index`'s token from the server at `url` (any node of a cluster).
pub async fn agent_token_at(url: &str, facts: &InitReport, index: usize) -> String {
    let agent = &facts.agents[index];
    let body: Value = reqwest::Client::new()
        .post(format!("{url}/v1/agent/login"))
        .json(&json!({"email": agent.email, "password": agent.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_visitor_and_an_agent_authenticate_and_learn_who_they_are() {
    let server = TestServer::start().await;
    let mut visitor = Client::connect(&server).await;
    let reply = visitor
        .authen(&visitor_token(&server, "browser-1").await)
        .await;
    assert_eq!(reply["r"], 0, "{reply}");
    assert!(reply["userId"].as_str().unwrap().starts_with("visitor-"));
    assert_eq!(reply["chatAgent"], false);
    assert!(reply["ping_after_ms"].as_u64().unwrap() > 0);
    assert!(
        reply["clients"].is_array() && reply["ice_servers"].is_array(),
        "Stringee's SDK iterates both"
    );

    let mut agent = Client::connect(&server).await;
    let reply = agent.authen(&agent_token(&server, 0).await).await;
    assert_eq!(reply["r"], 0, "{reply}");
    assert_eq!(reply["userId"], json!(server.facts.agents[0].user_id));
    assert_eq!(reply["chatAgent"], true);
    server.stop().await;
}

#[tokio::test]
async fn each_bad_token_gets_stringees_authen_code() {
    let server = TestServer::start().await;
    let good = visitor_token(&server, "browser-1").await;
    let secret = server.signing_secret().await;
    let claims = token::decode(&good).unwrap().verify(&secret, 0).unwrap();
    let expired = token::sign(
        &token::Claims {
            exp: token::now_secs() - 1,
            ..claims.clone()
        },
        &secret,
    );
    let unknown_key = token::sign(
        &token::Claims {
            iss: "SKnobody".into(),
            ..claims.clone()
        },
        "whatever",
    );
    let wrong_secret = token::sign(&claims, "not-the-secret");
    for (token, code) in [
        ("", 1),
        ("garbage", 2),
        (unknown_key.as_str(), 5),
        (expired.as_str(), 6),
        (wrong_secret.as_str(), 10),
    ] {
        let mut client = Client::connect(&server).await;
        let reply = client.authen(token).await;
        assert_eq!(reply["r"], code, "{token}: {reply}");
        // The connection is still usable: a good token now succeeds.
        assert_eq!(client.authen(&good).await["r"], 0);
    }
    server.stop().await;
}

#[tokio::test]
async fn bad_frames_get_error_replies_and_the_session_and_others_carry_on() {
    let server = TestServer::start().await;
    let token = visitor_token(&server, "browser-1").await;
    let mut bystander = Client::connect(&server).await;
    assert_eq!(bystander.authen(&token).await["r"], 0);

    let mut client = Client::connect(&server).await;
    // Before AUTHEN, nothing else is served.
    assert_eq!(client.request(42, json!({"convId": "c"})).await["r"], 401);
    assert_eq!(client.authen(&token).await["r"], 0);

    client.send_text("{not json").await;
    let frame = client.next_frame().await;
    assert_eq!(frame["body"]["r"], 400, "{frame}");
    assert!(
        frame["body"]["message"]
            .as_str()
            .unwrap()
            .starts_with("malformed frame")
    );

    client.send_text(r#"{"service": "two", "body": {}}"#).await;
    assert_eq!(client.next_frame().await["body"]["r"], 400);

    client.send_text(r#"{"service": 42, "body": [1, 2]}"#).await;
    assert_eq!(client.next_frame().await["body"]["r"], 400);

    assert_eq!(client.request(9999, json!({})).await["r"], 501);
    assert_eq!(
        client.authen(&token).await["r"],
        409,
        "one AUTHEN per connection"
    );

    let huge = json!({"service": 42, "body": {"requestId": 77, "message": {"content": "x".repeat(70_000)}}});
    client.send_text(&huge.to_string()).await;
    let frame = client.next_frame().await;
    assert_eq!(frame["body"]["r"], 413, "{frame}");

    // Still alive, both of them.
    assert_eq!(client.request(9999, json!({})).await["r"], 501);
    assert_eq!(bystander.request(9999, json!({})).await["r"], 501);
    server.stop().await;
}

#[tokio::test]
async fn a_flood_of_requests_is_slowed_down_not_served() {
    let server = TestServer::start().await;
    let mut client = Client::connect(&server).await;
    assert_eq!(
        client
            .authen(&visitor_token(&server, "browser-1").await)
            .await["r"],
        0
    );
    let mut codes = Vec::new();
    for _ in 0..60 {
        codes.push(client.request(9999, json!({})).await["r"].as_i64().unwrap());
    }
    assert!(codes.contains(&429), "{codes:?}");
    assert!(
        codes.iter().filter(|c| **c == 501).count() >= 39,
        "the burst is served: {codes:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_server_pings_an_idle_socket_every_ping_interval() {
    let server = TestServer::start().await;
    let mut client = Client::connect(&server).await;
    let reply = client
        .authen(&visitor_token(&server, "browser-1").await)
        .await;
    let every = std::time::Duration::from_millis(reply["ping_after_ms"].as_u64().unwrap());
    // The database's own timeouts need real time, so the clock stops only now that the server
    // has nothing left to do but wait for its next ping.
    tokio::time::pause();
    let started = tokio::time::Instant::now();
    let frame = client.next_frame().await;
    assert_eq!(frame, json!({"service": 1, "body": {}}));
    // Paused time only moves when everything waits: the ping came at the interval, not before.
    assert!(
        started.elapsed() >= every - std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    server.stop().await;
}
