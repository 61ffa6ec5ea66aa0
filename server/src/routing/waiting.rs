//! What the routing task tells about the queues after each step: every waiting visitor their
//! place in line and estimated wait, every online agent the queues' lengths (Parlor's services
//! 1005 and 1006). The engine says what changed; this sends it.

use parlor_protocol::socket::{Frame, service};
use serde_json::json;

use super::engine::Engine;
use crate::hub::Hub;

/// Pushes what changed in the queues since the last call.
pub(super) fn tell(engine: &mut Engine, hub: &Hub) {
    if let Some((agents, lengths)) = engine.queue_lengths() {
        let frame = Frame {
            service: service::QUEUE_LENGTHS,
            body: json!({
                "queues": lengths
                    .iter()
                    .map(|l| json!({
                        "queueId": l.queue_id,
                        "queueName": l.queue_name,
                        "waiting": l.waiting,
                    }))
                    .collect::<Vec<_>>(),
            }),
        };
        for agent in agents {
            hub.push(&agent, &frame);
        }
    }
    for moved in engine.queue_moves() {
        hub.push(
            &moved.chat.visitor_id,
            &Frame {
                service: service::QUEUE_POSITION,
                body: json!({
                    "convId": moved.chat.conv_id,
                    "queueId": moved.chat.queue_id,
                    "position": moved.position,
                    "estimateMs": moved.estimate.map(|e| e.as_millis() as u64),
                }),
            },
        );
    }
}
