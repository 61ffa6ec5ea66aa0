//! The cluster under test: `parlor serve` processes sharing a database made for the test,
//! a data folder and a NATS subject prefix.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use parlor_server::seed::InitReport;

use crate::backends::{TestDatabase, nats_here, nats_url};
use crate::socket::{Client, agent_token_at, visitor_token_at};

/// One node: its process and its address.
struct Node {
    child: Child,
    url: String,
}

/// A cluster of `parlor serve` processes sharing a database, a data folder and a NATS prefix.
pub struct Cluster {
    nodes: Vec<Option<Node>>,
    data: tempfile::TempDir,
    database: TestDatabase,
    prefix: String,
    pub facts: InitReport,
}

impl Cluster {
    /// `count` nodes, the demo portal, and `configure` applied first (queue timeouts); `None`
    /// when PostgreSQL or NATS is not there (and not required).
    pub async fn start(test: &str, count: usize, configure: &[&[&str]]) -> Option<Self> {
        let database = TestDatabase::create(test).await?;
        if !nats_here(test).await {
            return None;
        }
        let data = tempfile::tempdir().unwrap();
        let init = parlor(&["init", "--json"], &data, &database)
            .output()
            .unwrap();
        assert!(
            init.status.success(),
            "{}",
            String::from_utf8_lossy(&init.stderr)
        );
        let facts: InitReport = serde_json::from_slice(&init.stdout).unwrap();
        for args in configure {
            let mut all = vec!["configure"];
            all.extend_from_slice(args);
            let done = parlor(&all, &data, &database).output().unwrap();
            assert!(
                done.status.success(),
                "{}",
                String::from_utf8_lossy(&done.stderr)
            );
        }
        let mut cluster = Self {
            nodes: Vec::new(),
            data,
            database,
            prefix: format!("parlor-test-{}", parlor_server::ids::random_hex(6)),
            facts,
        };
        for i in 0..count {
            let node = cluster.spawn(i);
            cluster.nodes.push(Some(node));
        }
        Some(cluster)
    }

    fn spawn(&self, i: usize) -> Node {
        let mut child = parlor(
            &[
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--nats",
                &nats_url(),
                "--nats-prefix",
                &self.prefix,
                "--node-id",
                &format!("node-{}", i + 1),
            ],
            &self.data,
            &self.database,
        )
        .env("PARLOR_LOG", "parlor_server=warn")
        // Webhooks go to the tests' receivers on loopback.
        .env("PARLOR_WEBHOOK_ALLOW_PRIVATE", "true")
        .env("PARLOR_WEBHOOK_FIRST_RETRY_MS", "200")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let url = line
            .trim()
            .strip_prefix("parlor listening on ")
            .unwrap_or_else(|| panic!("node {i}: {line}"))
            .to_string();
        Node { child, url }
    }

    /// The address of node `i` (0-based).
    pub fn url(&self, i: usize) -> &str {
        &self.nodes[i].as_ref().expect("node running").url
    }

    /// A protocol client on node `i`.
    pub async fn client(&self, i: usize) -> Client {
        let url = format!("{}/ws", self.url(i).replacen("http", "ws", 1));
        let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        Client::from_socket(socket)
    }

    /// Kills node `i` with SIGKILL: no goodbye to anyone.
    pub fn kill(&mut self, i: usize) {
        let mut node = self.nodes[i].take().expect("node running");
        node.child.kill().unwrap();
        node.child.wait().unwrap();
    }

    /// Stops node `i` gracefully (SIGTERM) and starts it again.
    pub fn restart(&mut self, i: usize) {
        let mut node = self.nodes[i].take().expect("node running");
        // The standard library sends only SIGKILL; `kill` sends SIGTERM, a graceful stop.
        let _ = Command::new("kill")
            .arg(node.child.id().to_string())
            .status();
        node.child.wait().unwrap();
        self.nodes[i] = Some(self.spawn(i));
    }

    /// Starts node `i` again after a kill.
    pub fn start_again(&mut self, i: usize) {
        self.nodes[i] = Some(self.spawn(i));
    }

    /// The running node that routes now, waiting up to `within` for one to.
    pub async fn router(&self, within: Duration) -> usize {
        let until = tokio::time::Instant::now() + within;
        loop {
            for (i, node) in self.nodes.iter().enumerate() {
                let Some(node) = node else { continue };
                let Ok(page) = reqwest::get(format!("{}/metrics", node.url)).await else {
                    continue;
                };
                let page = page.text().await.unwrap_or_default();
                if page
                    .lines()
                    .any(|l| l.starts_with("parlor_routes{") && l.ends_with(" 1"))
                {
                    return i;
                }
            }
            assert!(tokio::time::Instant::now() < until, "no node routes");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A visitor's token, from node `i`.
    pub async fn visitor_token(&self, i: usize, browser: &str) -> String {
        visitor_token_at(self.url(i), &self.facts, browser).await
    }

    /// An agent's token, from node `i`.
    pub async fn agent_token(&self, i: usize, agent: usize) -> String {
        agent_token_at(self.url(i), &self.facts, agent).await
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in self.nodes.iter_mut().flatten() {
            let _ = node.child.kill();
            let _ = node.child.wait();
        }
    }
}

fn parlor(args: &[&str], data: &tempfile::TempDir, database: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_parlor"));
    command
        .args(args)
        .arg("--data")
        .arg(data.path())
        .arg("--database")
        .arg(&database.url);
    command
}
