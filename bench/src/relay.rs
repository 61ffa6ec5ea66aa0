//! The baseline: a bare WebSocket fan-out relay, the least a chat server must do.
//!
//! It speaks just enough of Parlor's frames for the load generator to drive it the same way:
//! AUTHEN (service 2) is answered without a check, a bench-only `join` (service
//! [`JOIN_SERVICE`]) puts the socket in a conversation's room, and a message (service 42) is
//! parsed, acknowledged to its sender and pushed (service 45) to the room's other sockets.
//! Nothing is stored, routed, authenticated or limited: the ratio of Parlor's figures to these
//! is the price of everything Parlor does beyond moving bytes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// The bench-only service that joins a socket to a conversation's room: `{"convId"}`.
pub const JOIN_SERVICE: u64 = 9001;

type Outbox = mpsc::UnboundedSender<Message>;

#[derive(Default)]
struct Rooms {
    members: Mutex<HashMap<String, Vec<(u64, Outbox)>>>,
    next_socket: AtomicU64,
}

/// Serves the relay on `listener` until the process ends.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    let rooms = Arc::new(Rooms::default());
    loop {
        let (stream, _) = listener.accept().await?;
        let rooms = rooms.clone();
        tokio::spawn(async move {
            let _ = connection(stream, rooms).await;
        });
    }
}

async fn connection(
    stream: TcpStream,
    rooms: Arc<Rooms>,
) -> Result<(), Box<dyn std::error::Error>> {
    stream.set_nodelay(true)?;
    let socket = tokio_tungstenite::accept_async(stream).await?;
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut queue) = mpsc::unbounded_channel::<Message>();
    let writer = tokio::spawn(async move {
        while let Some(message) = queue.recv().await {
            if sink.send(message).await.is_err() {
                break;
            }
        }
    });
    let id = rooms.next_socket.fetch_add(1, Ordering::Relaxed);
    let mut joined: Vec<String> = Vec::new();
    while let Some(message) = stream.next().await {
        let Message::Text(text) = message? else {
            continue;
        };
        let Ok(frame) = serde_json::from_str::<Value>(text.as_str()) else {
            continue;
        };
        let body = &frame["body"];
        let reply = |service: u64, mut reply: Value| {
            reply["requestId"] = body["requestId"].clone();
            let text = json!({"service": service, "body": reply}).to_string();
            let _ = outbox.send(Message::Text(text.into()));
        };
        match frame["service"].as_u64() {
            Some(2) => reply(2, json!({"r": 0, "userId": format!("relay-{id}")})),
            Some(JOIN_SERVICE) => {
                let conv = body["convId"].as_str().unwrap_or_default().to_string();
                let mut members = rooms.members.lock().expect("rooms lock");
                members
                    .entry(conv.clone())
                    .or_default()
                    .push((id, outbox.clone()));
                joined.push(conv);
                drop(members);
                reply(JOIN_SERVICE, json!({"r": 0}));
            }
            Some(42) => {
                let conv = body["convId"].as_str().unwrap_or_default();
                let push = json!({"service": 45, "body": {
                    "convId": conv,
                    "type": body["type"],
                    "message": body["message"],
                    "from": format!("relay-{id}"),
                }})
                .to_string();
                let members = rooms.members.lock().expect("rooms lock");
                for (member, other) in members.get(conv).into_iter().flatten() {
                    if *member != id {
                        let _ = other.send(Message::Text(push.clone().into()));
                    }
                }
                drop(members);
                reply(42, json!({"r": 0, "convId": conv}));
            }
            _ => reply(0, json!({"r": 1, "message": "unknown service"})),
        }
    }
    let mut members = rooms.members.lock().expect("rooms lock");
    for conv in joined {
        if let Some(list) = members.get_mut(&conv) {
            list.retain(|(member, _)| *member != id);
        }
    }
    drop(members);
    writer.abort();
    Ok(())
}
