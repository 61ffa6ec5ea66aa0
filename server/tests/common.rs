//! A real server on `127.0.0.1:0` for each test, with its own data folder and demo portal.

use std::path::Path;
use std::sync::Arc;

use parlor_server::assets::Bundle;
use parlor_server::seed::{self, DATABASE_FILE, InitReport};
use parlor_server::store::{Database, Store};
use parlor_server::{AppState, serve};
use tokio::sync::oneshot;

pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// What `parlor init` reported for the demo portal.
    pub facts: InitReport,
    /// Kept so the data folder lives as long as the server.
    pub data: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The server's own store.
    store: Arc<dyn Store>,
    /// The PostgreSQL database made for this server, if it runs on one.
    _database: Option<crate::backends::TestDatabase>,
}

impl TestServer {
    /// Initialises a data folder and serves it; `widget_dir` holds whatever the test put there.
    pub async fn start() -> Self {
        Self::start_with(|state| state).await
    }

    /// Like [`TestServer::start`], with the state adjusted first (settings, mailer).
    pub async fn start_with(adjust: impl FnOnce(AppState) -> AppState) -> Self {
        let data = tempfile::tempdir().unwrap();
        let database = Database::Sqlite(data.path().join(DATABASE_FILE));
        let facts = seed::init(data.path()).await.unwrap();
        Self::serve(data, facts, &database, adjust).await
    }

    /// Like [`TestServer::start`] on a new PostgreSQL database; `None` when there is no
    /// PostgreSQL to be had (and it is not required: see `backends`).
    pub async fn start_on_postgres(test: &str) -> Option<Self> {
        let created = crate::backends::TestDatabase::create(test).await?;
        let data = tempfile::tempdir().unwrap();
        let database = Database::Postgres(created.url.clone());
        let facts = seed::init_in(data.path(), &database).await.unwrap();
        let mut server = Self::serve(data, facts, &database, |state| state).await;
        server._database = Some(created);
        Some(server)
    }

    /// Serves a data folder that a stopped server left, on `database` (made by the test).
    pub async fn restart_on(
        data: tempfile::TempDir,
        facts: InitReport,
        database: crate::backends::TestDatabase,
    ) -> Self {
        let on = Database::Postgres(database.url.clone());
        let mut server = Self::serve(data, facts, &on, |state| state).await;
        server._database = Some(database);
        server
    }

    async fn serve(
        data: tempfile::TempDir,
        facts: InitReport,
        database: &Database,
        adjust: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let store = database.open().await.unwrap();
        let widget_dir = data.path().join("widget");
        let console_dir = data.path().join("console");
        std::fs::create_dir_all(&widget_dir).unwrap();
        std::fs::create_dir_all(&console_dir).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = adjust(AppState::new(
            store.clone(),
            data.path(),
            Bundle::Dir(widget_dir),
            Bundle::Dir(console_dir),
        ));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Self {
            url,
            facts,
            data,
            store,
            _database: None,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The `.eml` files in the outbox, oldest first.
    pub fn outbox(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.data.path().join("outbox")) else {
            return Vec::new();
        };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    /// Calls the REST API with an optional bearer token and JSON body; answers the status and
    /// the JSON body (`Null` when the body is not JSON).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or_default())
    }

    /// The secret of the key the demo portal's own tokens are signed with (not the site's API
    /// key that `parlor init` reports).
    pub async fn signing_secret(&self) -> String {
        let store = self.store().await;
        let portal = store.first_portal().await.unwrap().unwrap();
        store.api_keys(&portal.id).await.unwrap()[0].secret.clone()
    }

    /// The server's database, to change what `parlor configure` would.
    pub async fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    /// Closes the server's database connections, as if the database had gone away.
    pub async fn close_store(&self) {
        self.store.close().await;
    }

    pub fn widget_dir(&self) -> std::path::PathBuf {
        self.data.path().join("widget")
    }

    /// Stops the server gracefully and waits until it has.
    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
    }

    /// Stops the server, keeping its data folder and facts for another.
    pub async fn stop_keeping_data(mut self) -> (tempfile::TempDir, InitReport) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
        self.store.close().await;
        (self.data, self.facts)
    }
}

pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// The files of the data folder holding `needle`, case aside.
pub fn files_holding(folder: &Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if std::fs::read(&path)
                .unwrap()
                .to_ascii_lowercase()
                .windows(needle.len())
                .any(|w| w == needle.to_ascii_lowercase().as_bytes())
            {
                found.push(path);
            }
        }
    }
    found
}
