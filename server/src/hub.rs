//! Who is connected, and how to reach them: each user's open sockets on this node.
//!
//! A user may hold several sockets at once (two tabs, a phone and a laptop); a push to the user
//! goes to all of them. Each socket has a bounded send queue, so a client too slow to drain it
//! cannot grow the server's memory: when a push does not fit, the socket is closed through its
//! own close signal, and its client, reconnecting, reloads what it missed by seq.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use parlor_protocol::socket::Frame;
use tokio::sync::{Notify, mpsc};

use crate::bus::Envelope;

/// How many frames may wait for one socket before it counts as stalled.
pub const SEND_QUEUE: usize = 256;

/// What the writer task of one socket receives.
#[derive(Debug)]
pub enum Outgoing {
    /// A frame to send.
    Frame(String),
    /// Close the socket with this close code and reason, after the frames queued before it.
    Close(u16, String),
}

/// The WebSocket close code of a socket closed because its user was signed out: 4000 plus
/// the AUTHEN code a new AUTHEN would get (9, authentication failed), so that clients stop
/// reconnecting with the same token.
pub const SIGNED_OUT_CLOSE_CODE: u16 = 4009;

/// How the hub reaches one socket: its send queue, and a signal that closes it even when the
/// queue is full.
#[derive(Debug, Clone)]
pub struct SocketHandle {
    pub sender: mpsc::Sender<Outgoing>,
    pub close: Arc<Notify>,
}

type Sockets = HashMap<String, HashMap<u64, SocketHandle>>;

/// The registry of open, authenticated sockets.
#[derive(Debug, Default)]
pub struct Hub {
    next_id: AtomicU64,
    // A std Mutex: it is held only to clone handles or edit the map, never across an `.await`.
    users: Mutex<Sockets>,
    /// Where what this hub delivers goes to reach the other nodes (see [`crate::bus`]).
    bus: std::sync::OnceLock<mpsc::UnboundedSender<Envelope>>,
}

impl Hub {
    /// A fresh id for a new connection.
    pub fn connection_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Adds an authenticated socket of `user`.
    pub fn register(&self, user: &str, connection: u64, socket: SocketHandle) {
        self.lock()
            .entry(user.to_string())
            .or_default()
            .insert(connection, socket);
    }

    /// Closes every socket (at shutdown).
    pub fn close_all(&self) {
        for socket in self.lock().values().flat_map(HashMap::values) {
            socket.close.notify_one();
        }
    }

    /// Closes every socket of `user` with [`SIGNED_OUT_CLOSE_CODE`] and `reason` (an agent
    /// deactivated or deleted). Returns how many sockets were told.
    pub fn sign_out(&self, user: &str, reason: &str) -> usize {
        self.to_other_nodes(Envelope::SignOut {
            user: user.to_string(),
            reason: reason.to_string(),
        });
        self.sign_out_here(user, reason)
    }

    /// [`Hub::sign_out`] on this node's sockets only.
    fn sign_out_here(&self, user: &str, reason: &str) -> usize {
        let sockets: Vec<SocketHandle> = self
            .lock()
            .get(user)
            .map(|s| s.values().cloned().collect())
            .unwrap_or_default();
        for socket in &sockets {
            let close = Outgoing::Close(SIGNED_OUT_CLOSE_CODE, reason.to_string());
            if socket.sender.try_send(close).is_err() {
                socket.close.notify_one();
            }
        }
        sockets.len()
    }

    /// Removes a socket; returns whether the user has no socket left.
    pub fn unregister(&self, user: &str, connection: u64) -> bool {
        let mut users = self.lock();
        let Some(sockets) = users.get_mut(user) else {
            return true;
        };
        sockets.remove(&connection);
        if sockets.is_empty() {
            users.remove(user);
            true
        } else {
            false
        }
    }

    /// Whether `user` has at least one open socket here.
    pub fn is_online(&self, user: &str) -> bool {
        self.lock().contains_key(user)
    }

    /// Sends `frame` to every socket of `user`; returns to how many it was queued. A socket whose
    /// queue is full is told to close.
    pub fn push(&self, user: &str, frame: &Frame) -> usize {
        self.push_except(user, 0, frame)
    }

    /// Like [`Hub::push`], but skips the socket `connection` (the one a request came from, which
    /// gets a reply instead). Connection ids start at 1, so 0 skips none.
    pub fn push_except(&self, user: &str, connection: u64, frame: &Frame) -> usize {
        let text = serde_json::to_string(frame).expect("frames serialize");
        self.to_other_nodes(Envelope::Push {
            user: user.to_string(),
            frame: text.clone(),
        });
        self.push_here(user, connection, text)
    }

    /// Has the pushes and sign-outs of this hub published to the other nodes from now on.
    pub fn connect_bus(&self, outgoing: mpsc::UnboundedSender<Envelope>) {
        let _ = self.bus.set(outgoing);
    }

    /// Delivers what another node published to this node's sockets.
    pub fn deliver(&self, envelope: &Envelope) {
        match envelope {
            Envelope::Push { user, frame } => {
                self.push_here(user, 0, frame.clone());
            }
            Envelope::SignOut { user, reason } => {
                self.sign_out_here(user, reason);
            }
        }
    }

    fn to_other_nodes(&self, envelope: Envelope) {
        if let Some(bus) = self.bus.get() {
            let _ = bus.send(envelope);
        }
    }

    /// Queues a serialized frame on this node's sockets of `user` but `connection`.
    fn push_here(&self, user: &str, connection: u64, text: String) -> usize {
        let sockets: Vec<SocketHandle> = match self.lock().get(user) {
            Some(sockets) => sockets
                .iter()
                .filter(|(id, _)| **id != connection)
                .map(|(_, socket)| socket.clone())
                .collect(),
            None => return 0,
        };
        let mut queued = 0;
        for socket in sockets {
            match socket.sender.try_send(Outgoing::Frame(text.clone())) {
                Ok(()) => queued += 1,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    // The client is not reading. Dropping this frame silently would leave a gap
                    // it never learns of; closing the socket makes it reconnect and reload by seq.
                    tracing::warn!(user, "send queue full: socket closed");
                    socket.close.notify_one();
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        queued
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sockets> {
        self.users
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn socket(capacity: usize) -> (SocketHandle, mpsc::Receiver<Outgoing>) {
        let (sender, receiver) = mpsc::channel(capacity);
        let close = Arc::new(Notify::new());
        (SocketHandle { sender, close }, receiver)
    }

    #[tokio::test]
    async fn a_push_reaches_every_socket_of_the_user_and_nobody_else() {
        let hub = Hub::default();
        let (a1, mut r1) = socket(4);
        let (a2, mut r2) = socket(4);
        let (b, mut rb) = socket(4);
        hub.register("ann", 1, a1);
        hub.register("ann", 2, a2);
        hub.register("bob", 3, b);
        let frame = Frame {
            service: 45,
            body: serde_json::json!({"x": 1}),
        };
        assert_eq!(hub.push("ann", &frame), 2);
        assert!(matches!(r1.try_recv(), Ok(Outgoing::Frame(_))));
        assert!(matches!(r2.try_recv(), Ok(Outgoing::Frame(_))));
        assert!(rb.try_recv().is_err());
        assert!(!hub.unregister("ann", 1));
        assert!(hub.unregister("ann", 2));
        assert!(!hub.is_online("ann"));
        assert_eq!(hub.push("ann", &frame), 0);
    }

    #[tokio::test]
    async fn a_socket_that_does_not_read_is_told_to_close() {
        let hub = Hub::default();
        let (slow, _unread) = socket(1);
        let close = slow.close.clone();
        hub.register("ann", 1, slow);
        let frame = Frame {
            service: 45,
            body: serde_json::json!({}),
        };
        assert_eq!(hub.push("ann", &frame), 1);
        assert_eq!(hub.push("ann", &frame), 0, "the queue is full");
        tokio::time::timeout(std::time::Duration::from_secs(1), close.notified())
            .await
            .expect("the close signal fired");
    }
}
