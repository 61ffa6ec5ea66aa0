//! One connection's life: open the socket, AUTHEN, serve frames both ways, and reconnect
//! with backoff until the client is dropped, disconnected, or connected anew.

use std::rc::{Rc, Weak};

use futures_channel::{mpsc, oneshot};
use futures_util::{FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::Message as WsMessage;
use gloo_net::websocket::futures::WebSocket;
use parlor_protocol::read::FromJson;
use parlor_protocol::socket::{Frame, service};
use serde_json::{Value, json};

use super::{AUTHEN_TIMEOUT_MS, Inner, Link, Outcome, Session, WATCHDOG_GRACE_MS};
use crate::Error;
use crate::events::Event;
use crate::time::{backoff_ms, random, sleep};

/// The connection task of one `connect`: opens, authenticates, serves, and reconnects until
/// the client is dropped, disconnected, or connected anew.
pub(super) async fn run(weak: Weak<Inner>, generation: u64) {
    let mut attempt = 0u32;
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let (token, current) = {
            let state = inner.state.borrow();
            (
                state.token.clone(),
                state.wanted && state.generation == generation,
            )
        };
        let Some(token) = token.filter(|_| current) else {
            return;
        };
        match serve(&inner, &token, generation).await {
            Outcome::Closed => {
                inner.emit(Event::Disconnected);
                attempt = 0;
            }
            // The next attempt tries the next address, when there are several.
            Outcome::Unreachable => {
                inner.state.borrow_mut().socket_turn += 1;
            }
            Outcome::TokenExpired => {
                inner.emit(Event::RequestAccessToken);
                let provider = inner.state.borrow().token_provider.clone();
                let Some(provider) = provider else {
                    inner.state.borrow_mut().wanted = false;
                    inner.emit(Event::Failed(Error::new(6, "the access token expired")));
                    return;
                };
                drop(inner);
                let fresh = provider().await;
                let Some(inner) = weak.upgrade() else { return };
                match fresh {
                    Ok(token) => {
                        inner.state.borrow_mut().token = Some(token);
                        continue;
                    }
                    Err(error) => {
                        inner.state.borrow_mut().wanted = false;
                        inner.emit(Event::Failed(error));
                        return;
                    }
                }
            }
            Outcome::Refused(error) => {
                inner.state.borrow_mut().wanted = false;
                inner.emit(Event::Failed(error));
                return;
            }
        }
        // Wait before the next attempt, or less if the browser says it is back online.
        let (wake, woken) = oneshot::channel();
        inner.state.borrow_mut().wake = Some(wake);
        drop(inner);
        let delay = sleep(backoff_ms(attempt, random())).fuse();
        let woken = woken.fuse();
        futures_util::pin_mut!(delay, woken);
        futures_util::select! {
            () = delay => {},
            _ = woken => {},
        }
        attempt = attempt.saturating_add(1);
    }
}

/// One socket's life: open, AUTHEN, then frames both ways until it ends.
async fn serve(inner: &Rc<Inner>, token: &str, generation: u64) -> Outcome {
    let Ok(socket) = WebSocket::open(&inner.socket_url()) else {
        return Outcome::Unreachable;
    };
    let (mut sink, mut stream) = socket.split();
    let authen = json!({
        "service": service::AUTHEN,
        "body": {
            "accesstoken": token, "requestId": 0, "platform": 3, "sdkVersion": "parlor-client",
            "deviceId": inner.config.storage_prefix(),
        },
    });
    if sink
        .send(WsMessage::Text(crate::json::stringify(&authen)))
        .await
        .is_err()
    {
        return Outcome::Unreachable;
    }
    let reply = {
        let timeout = sleep(AUTHEN_TIMEOUT_MS).fuse();
        futures_util::pin_mut!(timeout);
        loop {
            let next = stream.next().fuse();
            futures_util::pin_mut!(next);
            let frame = futures_util::select! {
                frame = next => frame,
                () = timeout => return Outcome::Unreachable,
            };
            let Some(Ok(WsMessage::Text(text))) = frame else {
                return Outcome::Unreachable;
            };
            if let Some(frame) = decode(&text)
                && frame.service == service::AUTHEN
            {
                break frame.body;
            }
        }
    };
    let code = reply.get("r").and_then(Value::as_i64).unwrap_or(-1);
    match code {
        0 => {}
        6 => return Outcome::TokenExpired,
        _ => {
            let message = reply
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("refused");
            return Outcome::Refused(Error::new(code as i32, message));
        }
    }
    let session = Session {
        user_id: reply
            .get("userId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        agent: reply
            .get("chatAgent")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    };
    let ping_after = reply
        .get("ping_after_ms")
        .and_then(Value::as_u64)
        .unwrap_or(25_000)
        .min(600_000) as u32;
    let (frames, mut outgoing) = mpsc::unbounded::<String>();
    let (stop, mut stopped) = oneshot::channel::<()>();
    {
        let mut state = inner.state.borrow_mut();
        if state.generation != generation || !state.wanted {
            return Outcome::Closed;
        }
        state.link = Some(Link {
            frames,
            stop: Some(stop),
        });
        state.session = Some(session.clone());
    }
    inner.learn_nodes(token);
    // Before anything is reported as connected: load what was missed, then resend the outbox.
    {
        let inner = inner.clone();
        wasm_bindgen_futures::spawn_local(async move {
            inner.catch_up().await;
            inner.emit(Event::Connected {
                user_id: session.user_id,
                agent: session.agent,
            });
            inner.clone().flush();
        });
    }
    loop {
        let watchdog = sleep(ping_after.saturating_add(WATCHDOG_GRACE_MS)).fuse();
        let next = stream.next().fuse();
        futures_util::pin_mut!(watchdog, next);
        futures_util::select! {
            frame = next => match frame {
                Some(Ok(WsMessage::Text(text))) => {
                    if let Some(frame) = decode(&text) {
                        inner.dispatch(frame);
                    }
                }
                Some(Ok(WsMessage::Bytes(_))) => {}
                Some(Err(_)) | None => break,
            },
            text = outgoing.next() => match text {
                Some(text) => {
                    if sink.send(WsMessage::Text(text)).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            _ = stopped => break,
            () = watchdog => break,
        }
    }
    // The socket is gone: requests in flight fail, and will be retried where that is safe.
    let mut state = inner.state.borrow_mut();
    if state.generation == generation {
        state.link = None;
    }
    state.pending.clear();
    Outcome::Closed
}

/// A frame as text for the socket (`JSON.stringify`: see [`crate::json`]).
pub(super) fn encode(service: u16, body: Value) -> String {
    crate::json::stringify(&crate::json::object(vec![
        ("service", Value::from(service)),
        ("body", body),
    ]))
}

/// A frame from the socket's text; `None` when it is not one.
pub(super) fn decode(text: &str) -> Option<Frame> {
    Frame::from_json(&crate::json::parse(text)?)
}
