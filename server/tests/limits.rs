//! A portal's rules and the server's limits: allowed origins on REST and at AUTHEN, sockets per
//! address, business hours, the server address call, and agents online in the chat profile.

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::journey::agent;
use crate::socket::{Client, visitor_token};

async fn get(server: &TestServer, path: &str, origin: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(format!("{}{path}", server.url));
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn only_allowed_origins_use_the_widget_over_rest_and_the_socket() {
    let server = TestServer::start().await;
    let store = server.store().await;
    let portal = store.first_portal().await.unwrap().unwrap();
    store
        .configure_portal(&portal.id, "", "https://shop.example.com")
        .await
        .unwrap();
    let profile = format!(
        "/v1/chatcustomer/getsettingandqueues?key={}",
        server.facts.widget_key
    );
    assert_eq!(
        get(&server, &profile, Some("https://shop.example.com"))
            .await
            .0,
        200
    );
    let (status, body) = get(&server, &profile, Some("https://evil.example.net")).await;
    assert_eq!((status, body["r"].clone()), (403, json!(3)), "{body}");

    // The socket: the Origin of the upgrade is checked at AUTHEN.
    let token = visitor_token(&server, "browser-ann").await;
    let url = format!("{}/ws", server.url.replacen("http", "ws", 1));
    for (origin, expected) in [
        ("https://evil.example.net", 9),
        ("https://shop.example.com", 0),
    ] {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = url.as_str().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Origin", origin.parse().unwrap());
        let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut client = Client::from_socket(socket);
        assert_eq!(client.authen(&token).await["r"], expected, "{origin}");
    }
    server.stop().await;
}

#[tokio::test]
async fn one_address_holds_only_so_many_sockets() {
    let server = TestServer::start_with(|state| {
        state.with_settings(parlor_server::Settings {
            max_connections_per_address: 2,
            ..Default::default()
        })
    })
    .await;
    let first = Client::connect(&server).await;
    let _second = Client::connect(&server).await;
    let url = format!("{}/ws", server.url.replacen("http", "ws", 1));
    let refused = tokio_tungstenite::connect_async(url.as_str()).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429)
        }
        other => panic!("expected HTTP 429, got {other:?}"),
    }
    // A closed socket frees its place.
    drop(first);
    let mut admitted = false;
    for _ in 0..50 {
        if tokio_tungstenite::connect_async(url.as_str()).await.is_ok() {
            admitted = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(admitted);
    server.stop().await;
}

#[tokio::test]
async fn outside_business_hours_no_chat_starts_and_the_profile_says_nobody_is_there() {
    let server = TestServer::start().await;
    let sales = server.facts.queues[0].id.clone();
    let _alice = agent(&server, 0).await;
    let profile = format!(
        "/v1/chatcustomer/getsettingandqueues?key={}",
        server.facts.widget_key
    );
    // Routing learns of the agent just after AUTHEN answered: allow it a moment.
    let mut body = Value::Null;
    for _ in 0..50 {
        body = get(&server, &profile, None).await.1;
        if body["queues"][0]["agents_online"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(body["queues"][0]["agents_online"], 1, "{body}");

    // Hours that exclude now: a one-minute window twelve hours away.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let (_, _, _, h, m) = parlor_server::hours::utc_date_time(now + 12 * 3_600_000);
    let hours = format!("Mon-Sun {h:02}:{m:02}-{h:02}:{:02}", m + 1);
    let hours = if m == 59 {
        "Mon-Sun 00:00-00:01".to_string()
    } else {
        hours
    };
    // Set by the portal's admin (the first demo agent): it applies at once.
    let admin = crate::socket::agent_token(&server, 0).await;
    let (status, _) = server
        .call(
            reqwest::Method::PATCH,
            "/v1/admin/portal",
            Some(&admin),
            Some(json!({ "business_hours": hours })),
        )
        .await;
    assert_eq!(status, 200);

    let (_, body) = get(&server, &profile, None).await;
    assert_eq!(body["chatProfile"]["hour"], json!(hours));
    assert_eq!(body["queues"][0]["agents_online"], 0);
    let mut ann = Client::connect(&server).await;
    ann.authen(&visitor_token(&server, "browser-ann").await)
        .await;
    let refused = ann.request(41, json!({"name": sales})).await;
    assert_eq!(refused["r"], 423, "{refused}");
    server.stop().await;
}

#[tokio::test]
async fn the_server_address_call_names_this_socket() {
    let server = TestServer::start().await;
    let token = visitor_token(&server, "browser-ann").await;
    let (status, body) = get(
        &server,
        &format!("/v2/getStringeeServerAddress?access_token={token}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let web = &body["data"]["stringeeServerAddrs"]["web"][0];
    let expected = format!("{}/ws", server.url.replacen("http", "ws", 1));
    assert_eq!(web["url"], json!(expected), "{body}");
    assert_eq!(
        web["port"],
        json!(
            server
                .url
                .rsplit(':')
                .next()
                .unwrap()
                .parse::<u16>()
                .unwrap()
        )
    );
    let (status, _) = get(
        &server,
        "/v2/getStringeeServerAddress?access_token=junk",
        None,
    )
    .await;
    assert_eq!(status, 401);
    server.stop().await;
}

#[tokio::test]
async fn the_server_address_call_lists_every_node_it_is_given() {
    let server = TestServer::start_with(|state| {
        let settings = parlor_server::Settings {
            public_socket_url: Some("wss://a.example/ws, wss://b.example:8443/ws".into()),
            ..parlor_server::Settings::default()
        };
        state.with_settings(settings)
    })
    .await;
    let token = visitor_token(&server, "browser-ann").await;
    let (_, body) = get(
        &server,
        &format!("/v2/getStringeeServerAddress?access_token={token}"),
        None,
    )
    .await;
    assert_eq!(
        body["data"]["stringeeServerAddrs"]["web"],
        json!([
            {"ip": "a.example", "port": 443, "url": "wss://a.example/ws"},
            {"ip": "b.example", "port": 8443, "url": "wss://b.example:8443/ws"},
        ])
    );
    // Parlor's SDK sends the token in a header, keeping it out of the URL.
    let by_header = reqwest::Client::new()
        .get(format!("{}/v2/getStringeeServerAddress", server.url))
        .header("X-STRINGEE-AUTH", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), 200);
    let listed: serde_json::Value = by_header.json().await.unwrap();
    assert_eq!(
        listed["data"]["stringeeServerAddrs"]["web"][1]["port"],
        8443
    );
    server.stop().await;
}

#[tokio::test]
async fn customer_calls_are_limited_per_address_with_a_retry_after() {
    let server = TestServer::start_with(|state| {
        state.with_settings(parlor_server::Settings {
            customer_requests_per_minute: 3,
            ..parlor_server::Settings::default()
        })
    })
    .await;
    let profile = format!(
        "/v1/chatcustomer/getsettingandqueues?key={}",
        server.facts.widget_key
    );
    for _ in 0..3 {
        assert_eq!(get(&server, &profile, None).await.0, 200);
    }
    let response = reqwest::get(format!("{}{profile}", server.url))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["r"], 5);
    // The token and ticket calls share the address's allowance.
    let token = format!(
        "/v1/chatcustomer?key={}&username=Ann&email=ann@example.com",
        server.facts.widget_key
    );
    assert_eq!(get(&server, &token, None).await.0, 429);
    // Agents' calls are not customer calls.
    let (status, _) = server
        .call(reqwest::Method::GET, "/v1/openapi.json", None, None)
        .await;
    assert_eq!(status, 200);
}
