//! The bus between nodes: when several `parlor serve` processes share one database, a push for
//! a user reaches that user's sockets on every node, over NATS (`--nats`).
//!
//! Each node publishes what its [`Hub`] delivers (pushes, sign-outs) to one subject,
//! `<prefix>.hub`, and delivers what the other nodes publish there to its own sockets. A node
//! skips its own envelopes, which it has already delivered. Without a bus, the hub is this
//! node's only (the embedded default).

use std::sync::Arc;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::hub::Hub;
use crate::metrics::Metrics;

/// What one node tells the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Envelope {
    /// A frame (serialized) for every socket of `user`.
    Push { user: String, frame: String },
    /// Close every socket of `user` (deactivated or deleted agent).
    SignOut { user: String, reason: String },
}

/// One envelope on the wire, with the node it came from.
#[derive(Debug, Serialize, Deserialize)]
struct Wire {
    node: String,
    #[serde(flatten)]
    envelope: Envelope,
}

/// Why the bus could not start.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("cannot reach NATS at {url}: {source}")]
    Connect {
        url: String,
        source: async_nats::ConnectError,
    },
    #[error("cannot subscribe to {subject}: {source}")]
    Subscribe {
        subject: String,
        source: async_nats::SubscribeError,
    },
}

/// A node's connection to the others.
#[derive(Debug, Clone)]
pub struct Bus {
    client: async_nats::Client,
}

impl Bus {
    /// Connects to NATS at `url`, delivers the other nodes' envelopes on `prefix` to `hub`,
    /// and has `hub` publish its own there.
    pub async fn connect(
        url: &str,
        prefix: &str,
        node: &str,
        hub: Arc<Hub>,
        metrics: Arc<Metrics>,
    ) -> Result<Self, BusError> {
        let client = async_nats::connect(url)
            .await
            .map_err(|source| BusError::Connect {
                url: url.to_string(),
                source,
            })?;
        let subject = format!("{prefix}.hub");
        let mut incoming =
            client
                .subscribe(subject.clone())
                .await
                .map_err(|source| BusError::Subscribe {
                    subject: subject.clone(),
                    source,
                })?;
        // Make sure the subscription is in place before this node publishes or serves.
        let _ = client.flush().await;

        let (outgoing, mut to_publish) = mpsc::unbounded_channel::<Envelope>();
        hub.connect_bus(outgoing);

        let me = node.to_string();
        let deliver_to = hub.clone();
        tokio::spawn(async move {
            while let Some(message) = incoming.next().await {
                match serde_json::from_slice::<Wire>(&message.payload) {
                    Ok(wire) if wire.node == me => {}
                    Ok(wire) => deliver_to.deliver(&wire.envelope),
                    Err(error) => tracing::warn!(%error, "bus: an envelope that does not parse"),
                }
            }
        });

        let publisher = client.clone();
        let me = node.to_string();
        tokio::spawn(async move {
            while let Some(envelope) = to_publish.recv().await {
                let wire = Wire {
                    node: me.clone(),
                    envelope,
                };
                let payload = serde_json::to_vec(&wire).expect("envelopes serialize");
                let sent = metrics
                    .bus(
                        "publish",
                        publisher.publish(subject.clone(), payload.into()),
                    )
                    .await;
                if let Err(error) = sent {
                    tracing::warn!(%error, "bus: publish failed");
                }
            }
        });
        Ok(Self { client })
    }

    /// The connection, for the cluster's routing requests.
    pub fn client(&self) -> async_nats::Client {
        self.client.clone()
    }

    /// Whether NATS answers now (for `/health`).
    pub async fn answers(&self) -> bool {
        matches!(
            tokio::time::timeout(std::time::Duration::from_secs(2), self.client.flush()).await,
            Ok(Ok(()))
        )
    }
}
