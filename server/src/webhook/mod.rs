//! Webhooks: sending the outbox. The database writes a delivery with each event (see
//! [`crate::store::WebhookStore`]); every node claims the due ones for a short lease, POSTs
//! them, signed, and records how it went. A delivery that fails (a non-2xx answer, no answer
//! within [`TIMEOUT`], no connection) is retried with exponential backoff and jitter for a day,
//! then marked failed. Deliveries of one conversation go in order: the next waits until the one
//! before it is delivered or failed. A node killed while sending leaves its claim to expire
//! (or, alone, takes it back when it starts again), and the delivery is sent again with the
//! same id.

pub mod address;
pub mod sign;

use std::collections::HashMap;
use std::time::Duration;

use crate::AppState;
use crate::store::{Delivery, Outcome, Store, StoreError, Webhook};

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claim holds a delivery: an attempt and some room.
const LEASE_MS: i64 = 30_000;
/// Deliveries one pass sends at most (concurrently: each is a different conversation's).
const BATCH: i64 = 32;
/// The longest wait between two attempts.
const MAX_DELAY_MS: i64 = 3_600_000;
/// How long delivered and failed deliveries are kept, to be shown in Settings.
const KEEP_MS: i64 = 7 * 24 * 3_600_000;

/// Sends deliveries.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    /// The wait before the second attempt; each next one waits twice as long (jittered).
    first_retry_ms: i64,
    /// Whether non-public addresses may be sent to.
    allow_private: bool,
}

impl Sender {
    /// A sender whose client refuses non-public addresses unless `allow_private`.
    pub fn new(allow_private: bool, first_retry: Duration) -> Self {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(std::sync::Arc::new(address::GuardedResolver {
                allow_private,
            }))
            .user_agent(concat!("Parlor-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the webhook client builds");
        Self {
            client,
            first_retry_ms: first_retry.as_millis() as i64,
            allow_private,
        }
    }

    /// Sends every delivery due at `now_ms` (several passes while there are more); answers
    /// how many attempts were made.
    pub async fn run_once(&self, store: &dyn Store, now_ms: i64) -> Result<usize, StoreError> {
        let mut attempts = 0;
        // Most seconds nothing is due: a read says so without taking the writer.
        if !store.deliveries_due(now_ms).await? {
            return Ok(0);
        }
        loop {
            let claimed = store
                .claim_deliveries(now_ms, now_ms + LEASE_MS, BATCH)
                .await?;
            if claimed.is_empty() {
                return Ok(attempts);
            }
            attempts += claimed.len();
            let mut endpoints: HashMap<String, Vec<Webhook>> = HashMap::new();
            for d in &claimed {
                if !endpoints.contains_key(&d.portal_id) {
                    let list = store.webhooks(&d.portal_id).await?;
                    endpoints.insert(d.portal_id.clone(), list);
                }
            }
            let sends = claimed.iter().map(|d| {
                let endpoint = endpoints
                    .get(&d.portal_id)
                    .and_then(|list| list.iter().find(|w| w.id == d.webhook_id));
                self.attempt(endpoint, d)
            });
            let results = futures_util::future::join_all(sends).await;
            for (d, result) in claimed.iter().zip(results) {
                let outcome = match result {
                    Ok(status) => Outcome::Delivered { status },
                    Err((status, error)) => Outcome::Failed {
                        status,
                        error,
                        next_at: now_ms + self.delay_ms(d.attempts).max(1),
                    },
                };
                store.finish_delivery(&d.id, &outcome, now_ms).await?;
            }
            // Another pass: the next delivery of each conversation just delivered is due too.
        }
    }

    /// The wait after the `attempts`-th failed attempt: doubling from the first retry's, at
    /// most an hour, times a random factor between 0.75 and 1.25.
    fn delay_ms(&self, attempts: i64) -> i64 {
        let doubled = self
            .first_retry_ms
            .saturating_mul(1i64 << (attempts - 1).clamp(0, 30));
        let base = doubled.min(MAX_DELAY_MS);
        let mut byte = [0u8; 2];
        getrandom::fill(&mut byte).unwrap_or_default();
        let factor = 750 + (u16::from_le_bytes(byte) % 501) as i64;
        base * factor / 1000
    }

    /// One attempt: the answer's status when 2xx; otherwise the status (0 for none) and why.
    async fn attempt(
        &self,
        endpoint: Option<&Webhook>,
        delivery: &Delivery,
    ) -> Result<i64, (i64, String)> {
        let Some(endpoint) = endpoint else {
            return Err((0, "the endpoint is gone".into()));
        };
        address::check_url(&endpoint.url, self.allow_private).map_err(|e| (0, e))?;
        let body = body(delivery);
        let signature = sign::signature(&endpoint.secret, body.as_bytes());
        let answer = self
            .client
            .post(&endpoint.url)
            .header("Content-Type", "application/json")
            .header("X-Parlor-Event", &delivery.event)
            .header("X-Parlor-Delivery", &delivery.id)
            .header("X-Parlor-Signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| (0, describe(&e)))?;
        let status = answer.status();
        if status.is_success() {
            Ok(status.as_u16() as i64)
        } else {
            Err((
                status.as_u16() as i64,
                format!("the receiver answered {status}"),
            ))
        }
    }
}

/// Why a request got no answer, in words for the admin (the resolver's refusal included).
fn describe(error: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    let mut deepest = error.to_string();
    while let Some(e) = source {
        deepest = e.to_string();
        source = e.source();
    }
    if error.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if error.is_connect() {
        format!("could not connect: {deepest}")
    } else {
        deepest
    }
}

/// A delivery's body, the same on every attempt: `{"id","event","created_at","portal_id",
/// "data"}`, `data` as stored.
pub fn body(d: &Delivery) -> String {
    let text = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    format!(
        "{{\"id\":{},\"event\":{},\"created_at\":{},\"portal_id\":{},\"data\":{}}}",
        text(&d.id),
        text(&d.event),
        d.created_at,
        text(&d.portal_id),
        d.data
    )
}

/// Sends the outbox every second, and prunes old deliveries hourly, for as long as the
/// server runs. A node alone (no cluster) first takes back the claims a killed process left,
/// so what it was sending goes at once rather than when the lease ends.
pub async fn run(state: AppState) {
    if state.bus.is_none() {
        match state.store.release_claims().await {
            Ok(0) => {}
            Ok(released) => tracing::info!(
                released,
                "webhook deliveries claimed before a restart are due again"
            ),
            Err(error) => tracing::warn!(%error, "releasing webhook claims failed"),
        }
    }
    let settings = &state.settings;
    let sender = Sender::new(settings.webhook_allow_private, settings.webhook_first_retry);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_prune = 0;
    loop {
        tick.tick().await;
        let now = crate::hours::now_ms();
        if let Err(error) = sender.run_once(state.store.as_ref(), now).await {
            tracing::warn!(%error, "sending webhooks failed");
        }
        if now - last_prune > 3_600_000 {
            last_prune = now;
            if let Err(error) = state.store.prune_deliveries(now - KEEP_MS).await {
                tracing::warn!(%error, "pruning webhook deliveries failed");
            }
        }
    }
}
