//! The webhooks' outbox survives the server: killed (SIGKILL) with deliveries pending, some of
//! them claimed, the `parlor` binary sends each of them once it is back, with the ids they had.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

use parlor_server::store::WebhookStore;
use parlor_server::store::sqlite::SqliteStore;
use serde_json::{Value, json};

use crate::receiver::Receiver;
use crate::socket::agent_token_at;

const SECRET: &str = "a-secret-of-sixteen-or-more";

/// A `parlor serve` process on the data folder; answers it and its URL.
fn serve(data: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parlor"))
        .args(["serve", "--addr", "127.0.0.1:0", "--webhook-allow-private"])
        .args(["--webhook-first-retry-ms", "200", "--data"])
        .arg(data)
        .env("PARLOR_LOG", "parlor_server=warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("parlor listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    (child, url)
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn deliveries_pending_when_the_server_is_killed_are_sent_when_it_is_back() {
    let data = tempfile::tempdir().unwrap();
    let facts = parlor_server::seed::init(data.path()).await.unwrap();
    // The receiver is down: its port has nobody listening.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = port.local_addr().unwrap();
    drop(port);

    let (child, url) = serve(data.path());
    let mut server = Killed(child);
    let admin = agent_token_at(&url, &facts, 0).await;
    let client = reqwest::Client::new();
    let made: Value = client
        .post(format!("{url}/v1/admin/webhooks"))
        .bearer_auth(&admin)
        .json(&json!({
            "url": format!("http://{address}/hooks/parlor"),
            "events": ["ticket.created"],
            "secret": SECRET,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = made["webhook"]["id"].as_str().unwrap().to_string();
    for name in ["Ann", "Ben", "Cat"] {
        let answer = client
            .get(format!("{url}/v1/chatcustomer/generateticket"))
            .query(&[
                ("key", facts.widget_key.as_str()),
                ("username", name),
                ("email", "someone@example.com"),
                ("note", "Please call"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    // Each is tried (and fails) before the kill.
    let deliveries = format!("{url}/v1/admin/webhooks/{id}/deliveries");
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let pending: Vec<String> = loop {
        let list: Value = client
            .get(&deliveries)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let list = list["deliveries"].as_array().unwrap().clone();
        if list.len() == 3 && list.iter().all(|d| d["attempts"].as_i64() >= Some(1)) {
            assert!(list.iter().all(|d| d["status"] == "pending"), "{list:?}");
            break list
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_string())
                .collect();
        }
        assert!(tokio::time::Instant::now() < until, "{list:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    // Killed in the middle of a pass, it would have left claims: an hour's, here, to be sure
    // the server back takes them back rather than waiting them out.
    {
        let store = SqliteStore::open(&data.path().join(parlor_server::seed::DATABASE_FILE))
            .await
            .unwrap();
        let now = parlor_server::hours::now_ms();
        let held = store
            .claim_deliveries(now + 60_000, now + 3_600_000, 100)
            .await
            .unwrap();
        assert!(!held.is_empty());
        store.close().await;
    }

    let receiver = Receiver::on(tokio::net::TcpListener::bind(address).await.unwrap()).await;
    let (child, _) = serve(data.path());
    let _server = Killed(child);
    let hits = receiver
        .until(|hits| {
            pending
                .iter()
                .all(|id| hits.iter().any(|h| &h.delivery == id))
        })
        .await;
    // Nothing lost, nothing new: a repeat could only be the same delivery again.
    for hit in &hits {
        assert!(pending.contains(&hit.delivery), "{hit:?}");
        assert_eq!(hit.event, "ticket.created");
        assert!(hit.signed_with(SECRET));
    }
}
