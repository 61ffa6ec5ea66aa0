//! What one socket of a worker reads: AUTHEN and creation answers, offers (accepted at once,
//! as an agent would), and the load's messages, whose latency it records and whose
//! duplicates and stragglers it counts.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{Event, Role, Socket, Worker, now_micros};
use crate::relay::JOIN_SERVICE;

pub(super) struct Reader<'a> {
    pub(super) socket: &'a Arc<Socket>,
    pub(super) worker: &'a Arc<Worker>,
    pub(super) events: mpsc::UnboundedSender<Event>,
    /// An offer's accept request id → its conversation.
    pub(super) offers: HashMap<u64, String>,
    /// The last request id this reader used (its own range, above the set-up's).
    pub(super) next_request: u64,
    /// Per sender tag: the level and counter of the last message seen.
    pub(super) last_seen: HashMap<String, (u32, u64)>,
}

impl Reader<'_> {
    pub(super) fn frame(&mut self, text: &str) {
        let Ok(frame) = serde_json::from_str::<Value>(text) else {
            self.socket.error(format!("not JSON: {text:.80}"));
            return;
        };
        let body = &frame["body"];
        let r = body["r"].as_i64();
        match frame["service"].as_u64() {
            Some(2) => {
                let _ = self.events.send(Event::Authen(r.unwrap_or(-1)));
            }
            Some(41) => {
                let created = match (r, body["convId"].as_str()) {
                    (Some(0), Some(conv)) => Ok(conv.to_string()),
                    _ => Err(body.to_string()),
                };
                let _ = self.events.send(Event::Created(created));
            }
            Some(JOIN_SERVICE) => {
                let _ = self.events.send(Event::Joined);
            }
            Some(42) if r != Some(0) => self.socket.error(format!("message refused: {body}")),
            Some(45) => self.message(body),
            Some(64) if self.socket.role == Role::Agent => {
                let conv = body["convId"].as_str().unwrap_or_default().to_string();
                self.next_request += 1;
                let id = self.next_request;
                self.offers.insert(id, conv.clone());
                self.socket.send(
                    65,
                    json!({"convId": conv, "answer": true, "channelType": 1, "requestId": id}),
                );
            }
            Some(65) => {
                let conv = body["requestId"]
                    .as_u64()
                    .and_then(|id| self.offers.remove(&id));
                match (r, conv) {
                    (Some(0), Some(conv)) => {
                        self.socket.conversations.lock().expect("lock").push(conv)
                    }
                    _ => self.socket.error(format!("accept refused: {body}")),
                }
            }
            _ => {}
        }
    }

    fn message(&mut self, body: &Value) {
        let content = body["message"]["content"].as_str().unwrap_or_default();
        let Some(rest) = content.strip_prefix("pb|") else {
            // Parlor's own notices: type 100 tells the visitor an agent joined.
            if self.socket.role == Role::Visitor && body["type"] == 100 {
                let _ = self.events.send(Event::Joined);
            }
            return;
        };
        let now = now_micros();
        let mut fields = rest.splitn(5, '|');
        let (Some(level), Some(tag), Some(counter), Some(sent)) = (
            fields.next().and_then(|f| f.parse::<u32>().ok()),
            fields.next(),
            fields.next().and_then(|f| f.parse::<u64>().ok()),
            fields.next().and_then(|f| f.parse::<u64>().ok()),
        ) else {
            self.socket
                .error(format!("unreadable message {content:.80}"));
            return;
        };
        let mut tally = self.socket.tally.lock().expect("lock");
        if level != self.worker.level.load(Ordering::Relaxed) {
            tally.late += 1;
            return;
        }
        let seen = self.last_seen.entry(tag.to_string()).or_insert((level, 0));
        if seen.0 == level && seen.1 >= counter {
            tally.duplicates += 1;
            return;
        }
        *seen = (level, counter);
        tally.received += 1;
        let latency = now.saturating_sub(sent);
        match self.socket.role {
            Role::Agent => tally.to_agent.record(latency),
            Role::Visitor => tally.to_visitor.record(latency),
        }
    }
}
