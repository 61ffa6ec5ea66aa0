//! A webhook receiver on loopback, as a site's own system would run one: it records every
//! request and answers with the status the test sets.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::net::TcpListener;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub event: String,
    pub delivery: String,
    pub signature: String,
    pub body: String,
}

impl Hit {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    /// Whether the signature is the HMAC-SHA256 of the raw body with `secret`.
    pub fn signed_with(&self, secret: &str) -> bool {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(self.body.as_bytes());
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.signature == format!("sha256={hex}")
    }
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    /// Listens on a new loopback port.
    pub async fn start() -> Self {
        Self::on(TcpListener::bind("127.0.0.1:0").await.unwrap()).await
    }

    /// Listens on `listener` (a port the test chose earlier, to bring a receiver "back up").
    pub async fn on(listener: TcpListener) -> Self {
        let url = format!("http://{}/hooks/parlor", listener.local_addr().unwrap());
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let status = Arc::new(AtomicU16::new(200));
        let app = axum::Router::new()
            .route("/hooks/parlor", axum::routing::post(record))
            .with_state((hits.clone(), status.clone()));
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, hits, status }
    }

    /// From now on, answers with `status`.
    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Waits (up to 20 s) until `enough` holds of the requests so far; answers them.
    pub async fn until(&self, enough: impl Fn(&[Hit]) -> bool) -> Vec<Hit> {
        let until = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let hits = self.hits();
            if enough(&hits) {
                return hits;
            }
            assert!(
                tokio::time::Instant::now() < until,
                "the receiver got only {:#?}",
                hits.iter().map(|h| &h.event).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

type Shared = (Arc<Mutex<Vec<Hit>>>, Arc<AtomicU16>);

async fn record(
    State((hits, status)): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    hits.lock().unwrap().push(Hit {
        event: header("x-parlor-event"),
        delivery: header("x-parlor-delivery"),
        signature: header("x-parlor-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap()
}
