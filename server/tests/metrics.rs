//! `/metrics` and `/health`: what an operator's monitoring reads off a node while people chat.

use serde_json::json;

use crate::common::TestServer;
use crate::journey::{agent, push_of, visitor};

/// The value of the one sample line that starts with `series` (name and labels).
fn sample(page: &str, series: &str) -> f64 {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{series}` in\n{page}"))
}

async fn metrics(server: &TestServer) -> String {
    let response = reqwest::get(format!("{}/metrics", server.url))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_follow_sockets_waiting_chats_offers_and_messages() {
    let server = TestServer::start().await;
    let node = format!("node=\"{}\"", parlor_server::Settings::default().node_id);
    let sales = server.facts.queues[0].id.clone();

    let before = metrics(&server).await;
    assert_eq!(
        sample(
            &before,
            &format!(
                "parlor_node_info{{{node},version=\"{}\"}}",
                env!("CARGO_PKG_VERSION")
            )
        ),
        1.0
    );
    assert_eq!(
        sample(
            &before,
            &format!("parlor_sockets_open{{{node},role=\"visitor\"}}")
        ),
        0.0
    );
    assert!(!before.contains("parlor_chats_waiting{"), "{before}");

    // A visitor waits in Sales while no agent is connected.
    let (mut ann, _) = visitor(&server, "browser-ann").await;
    let created = ann
        .request(41, json!({"name": sales, "localDbId": "c1"}))
        .await;
    let conv = created["convId"].as_str().unwrap().to_string();
    let waiting = metrics(&server).await;
    assert_eq!(
        sample(
            &waiting,
            &format!("parlor_sockets_open{{{node},role=\"visitor\"}}")
        ),
        1.0
    );
    assert_eq!(
        sample(
            &waiting,
            &format!("parlor_chats_waiting{{{node},queue=\"{sales}\"}}")
        ),
        1.0
    );
    assert_eq!(
        sample(&waiting, &format!("parlor_offers_total{{{node}}}")),
        0.0
    );

    // Alice connects, is offered the chat and takes it; two messages are stored, one twice.
    let mut alice = agent(&server, 0).await;
    push_of(&mut alice, 64).await;
    let accepted = alice
        .request(65, json!({"convId": conv, "answer": true}))
        .await;
    assert_eq!(accepted["r"], 0, "{accepted}");
    let stored_before = sample(
        &metrics(&server).await,
        &format!("parlor_messages_stored_total{{{node}}}"),
    );
    for local in ["m1", "m1", "m2"] {
        let sent = ann.request(42, json!({"convId": conv, "type": 1, "localDbId": local, "message": {"content": "hi"}})).await;
        assert_eq!(sent["r"], 0, "{sent}");
    }
    let chatting = metrics(&server).await;
    assert_eq!(
        sample(
            &chatting,
            &format!("parlor_sockets_open{{{node},role=\"agent\"}}")
        ),
        1.0
    );
    assert_eq!(
        sample(&chatting, &format!("parlor_offers_total{{{node}}}")),
        1.0
    );
    assert!(
        !chatting.contains("parlor_chats_waiting{"),
        "taken:\n{chatting}"
    );
    assert_eq!(
        sample(
            &chatting,
            &format!("parlor_messages_stored_total{{{node}}}")
        ),
        stored_before + 2.0,
        "a resent message is not stored again"
    );
    assert!(
        sample(
            &chatting,
            &format!("parlor_store_seconds_count{{{node},op=\"append_message\"}}")
        ) >= 3.0
    );

    // Sockets that close are no longer counted.
    drop(ann);
    drop(alice);
    let mut closed = String::new();
    for _ in 0..100 {
        closed = metrics(&server).await;
        if sample(
            &closed,
            &format!("parlor_sockets_open{{{node},role=\"visitor\"}}"),
        ) == 0.0
            && sample(
                &closed,
                &format!("parlor_sockets_open{{{node},role=\"agent\"}}"),
            ) == 0.0
        {
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        sample(
            &closed,
            &format!("parlor_sockets_open{{{node},role=\"agent\"}}")
        ),
        0.0,
        "{closed}"
    );
    server.stop().await;
}

#[tokio::test]
async fn health_is_ok_while_the_store_answers_and_503_once_it_does_not() {
    let server = TestServer::start().await;
    let ok = reqwest::get(format!("{}/health", server.url))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );

    server.close_store().await;
    let down = reqwest::get(format!("{}/health", server.url))
        .await
        .unwrap();
    assert_eq!(down.status(), 503);
    assert_eq!(
        down.json::<serde_json::Value>().await.unwrap()["status"],
        "unavailable"
    );
    server.stop().await;
}

#[tokio::test]
async fn with_log_format_json_every_log_line_is_one_json_object() {
    use std::io::{BufRead, Read};
    let data = tempfile::tempdir().unwrap();
    parlor_server::seed::init(data.path()).await.unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_parlor"))
        .args([
            "serve",
            "--log-format",
            "json",
            "--node-id",
            "node-7",
            "--addr",
            "127.0.0.1:0",
            "--data",
        ])
        .arg(data.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("parlor listening on ")
        .expect("listening")
        .to_string();
    let health: serde_json::Value = reqwest::get(format!("{url}/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["node"], "node-7");
    child.kill().unwrap();
    child.wait().unwrap();
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let listening = lines
        .iter()
        .find(|l| {
            l["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("listening on http://"))
        })
        .unwrap_or_else(|| panic!("{logs}"));
    assert_eq!(listening["node"], "node-7");
    assert_eq!(listening["level"], "INFO");
}
