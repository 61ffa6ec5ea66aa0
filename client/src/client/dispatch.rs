//! The client's inside: requests out and their replies matched, the socket's pushes turned
//! into events (each message once), the outbox sent, and the catch-up after a reconnect.

use std::rc::Rc;

use futures_channel::oneshot;
use parlor_protocol::socket::{Frame, service};
use serde_json::{Value, json};

use super::connection::encode;
use super::{CATCH_UP_PAGE, Client, Inner};
use crate::Error;
use crate::events::{Event, ObjectChange};
use crate::model::{Message, MessageState};
use crate::time::sleep;

impl Inner {
    pub(super) fn emit(&self, event: Event) {
        let mut state = self.state.borrow_mut();
        state
            .subscribers
            .retain(|subscriber| subscriber.unbounded_send(event.clone()).is_ok());
    }

    pub(super) fn record_seen(&self, message: &Message) -> bool {
        self.state
            .borrow_mut()
            .seen
            .entry(message.conv_id.clone())
            .insert(message.seq)
    }

    pub(super) fn send_request(
        &self,
        service: u16,
        mut body: Value,
    ) -> Result<oneshot::Receiver<Value>, Error> {
        let mut state = self.state.borrow_mut();
        let Some(link) = state.link.as_ref() else {
            return Err(Error::new(Error::NOT_CONNECTED, "not connected"));
        };
        let frames = link.frames.clone();
        state.next_request += 1;
        let id = state.next_request;
        body["requestId"] = json!(id);
        let (sender, receiver) = oneshot::channel();
        state.pending.insert(id, sender);
        drop(state);
        let text = encode(service, body);
        frames
            .unbounded_send(text)
            .map_err(|_| Error::new(Error::NOT_CONNECTED, "not connected"))?;
        Ok(receiver)
    }

    /// Sends the outbox, oldest first, one message at a time, unless a flush is running or the
    /// socket is down (the next connect flushes).
    pub(super) fn flush(self: Rc<Self>) {
        {
            let mut state = self.state.borrow_mut();
            if state.flushing || state.link.is_none() {
                return;
            }
            state.flushing = true;
        }
        wasm_bindgen_futures::spawn_local(async move {
            let client = Client {
                inner: self.clone(),
            };
            loop {
                let Some(entry) = self.state.borrow().outbox.first().cloned() else {
                    break;
                };
                let body = crate::json::object(vec![
                    ("convId", Value::from(entry.conv_id.as_str())),
                    ("type", Value::from(entry.kind)),
                    ("localDbId", Value::from(entry.local_db_id.as_str())),
                    ("message", entry.message.clone()),
                ]);
                match client.request(service::CHAT_MESSAGE, body).await {
                    Ok(reply) => {
                        let message = Message {
                            id: reply
                                .get("msgId")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string(),
                            conv_id: entry.conv_id.clone(),
                            seq: reply.get("seq").and_then(Value::as_i64).unwrap_or_default(),
                            from: client.user_id().unwrap_or_default(),
                            kind: entry.kind,
                            content: entry.message.clone(),
                            created: reply
                                .get("created")
                                .and_then(Value::as_i64)
                                .unwrap_or(entry.created),
                            local_db_id: Some(entry.local_db_id.clone()),
                            state: MessageState::Sent,
                        };
                        self.settle(&entry.local_db_id, Ok(message.clone()));
                        client.report_new(std::slice::from_ref(&message));
                    }
                    Err(error) if error.code < 0 => break, // connection lost: the next connect resumes
                    Err(error) if error.code == 429 => sleep(1_000).await,
                    Err(error) => {
                        self.emit(Event::ObjectChange(ObjectChange::MessageState {
                            conv_id: entry.conv_id.clone(),
                            local_db_id: entry.local_db_id.clone(),
                            state: MessageState::Failed,
                        }));
                        self.settle(&entry.local_db_id, Err(error));
                    }
                }
            }
            self.state.borrow_mut().flushing = false;
        });
    }

    /// Takes an entry out of the outbox and answers whoever waits for it.
    pub(super) fn settle(&self, local_db_id: &str, result: Result<Message, Error>) {
        let waiter = {
            let mut state = self.state.borrow_mut();
            state.outbox.remove(local_db_id);
            state.waiters.remove(local_db_id)
        };
        if let Some(waiter) = waiter {
            let _ = waiter.send(result);
        }
    }

    pub(super) fn socket_url(&self) -> String {
        let state = self.state.borrow();
        match state.nodes.len() {
            0 => self.config.socket_url_at(state.socket_turn),
            n => state.nodes[state.socket_turn % n].clone(),
        }
    }

    /// Learns the nodes the server lists, while connected (a node that has died cannot be
    /// asked), so that a reconnect can try another. Only for a configuration that names no
    /// socket: one that does (a StringeeX portal) keeps to what it names.
    pub(super) fn learn_nodes(self: &Rc<Self>, token: &str) {
        if self.config.socket.is_some()
            || !self.config.sockets.is_empty()
            || !self.state.borrow().nodes.is_empty()
        {
            return;
        }
        let inner = self.clone();
        let token = token.to_string();
        wasm_bindgen_futures::spawn_local(async move {
            let chat = crate::chat::Chat::new(inner.config.clone());
            if let Ok(nodes) = chat.get_server_addresses(&token).await
                && nodes.len() > 1
            {
                let mut state = inner.state.borrow_mut();
                // Start from the node this socket is on, if it is listed.
                let here = inner.config.socket_url();
                state.socket_turn = nodes.iter().position(|n| *n == here).unwrap_or(0);
                state.nodes = nodes;
            }
        });
    }

    /// Handles one frame from the server.
    pub(super) fn dispatch(self: &Rc<Self>, frame: Frame) {
        let body = frame.body;
        if let Some(id) = body.get("requestId").and_then(Value::as_u64) {
            let waiter = self.state.borrow_mut().pending.remove(&id);
            if let Some(waiter) = waiter {
                let _ = waiter.send(body);
            }
            return;
        }
        let text = |name: &str| {
            body.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let event = match frame.service {
            service::PING => {
                self.send_raw(service::PING, json!({}));
                return;
            }
            service::CHAT_MESSAGE_FROM_SERVER => {
                let Some(message) = Message::from_wire(&body) else {
                    return;
                };
                if !self.record_seen(&message) {
                    return;
                }
                Event::ObjectChange(ObjectChange::MessageInserted(message))
            }
            service::CHAT_MESSAGE_REPORT_FROM_SERVER => {
                let seq = body
                    .get("lastMsgSeq")
                    .and_then(Value::as_i64)
                    .unwrap_or_default();
                let read = body.get("status").and_then(Value::as_i64) == Some(2);
                let mut state = self.state.borrow_mut();
                // The user's own reports (from another tab) say nothing about the others.
                let own = state
                    .session
                    .as_ref()
                    .is_some_and(|s| s.user_id == text("from"));
                if !own {
                    let marks = state.marks.entry(text("convId"));
                    marks.0 = marks.0.max(seq);
                    if read {
                        marks.1 = marks.1.max(seq);
                    }
                }
                drop(state);
                Event::ObjectChange(ObjectChange::Report {
                    conv_id: text("convId"),
                    user_id: text("from"),
                    seq: body
                        .get("lastMsgSeq")
                        .and_then(Value::as_i64)
                        .unwrap_or_default(),
                    read: body.get("status").and_then(Value::as_i64) == Some(2),
                })
            }
            service::CUSTOM_MESSAGE_FROM_SERVER => Event::CustomMessage {
                from_user_id: text("fromUserId"),
                message: body.get("message").cloned().unwrap_or(Value::Null),
            },
            #[cfg(feature = "agent")]
            service::CHAT_ROUTE_TO_AGENT => {
                Event::ChatRequest(crate::model::ChatRequest::from_wire(&body, false))
            }
            #[cfg(feature = "agent")]
            service::CHAT_TRANSFER_REQUEST_FROM_ANOTHER_AGENT => {
                Event::TransferChatRequest(crate::model::ChatRequest::from_wire(&body, true))
            }
            #[cfg(feature = "agent")]
            service::CHAT_CONFIRM_TRANSFER_REQUEST => Event::TransferAnswered {
                conv_id: text("convId"),
                to_user_id: text("toUserId"),
                accepted: body.get("answer").and_then(Value::as_bool).unwrap_or(false),
            },
            #[cfg(feature = "agent")]
            service::TIMEOUT_ROUTE_TO_AGENT => Event::TimeoutAnswerChat {
                conv_id: text("convId"),
            },
            service::TIMEOUT_ROUTE_TO_QUEUE => Event::TimeoutInQueue {
                conv_id: text("convId"),
            },
            service::CONVERSATION_ENDED | service::END_CHAT => Event::ConversationEnded {
                conv_id: text("convId"),
                ended_by: text("endedby"),
            },
            service::USER_BEGIN_TYPING => Event::UserBeginTyping {
                conv_id: text("convId"),
                user_id: text("userId"),
                display_name: text("displayName"),
            },
            service::USER_END_TYPING => Event::UserEndTyping {
                conv_id: text("convId"),
                user_id: text("userId"),
                display_name: text("displayName"),
            },
            service::USER_INFO_CHANGED => Event::UserInfoChanged(body),
            service::QUEUE_POSITION => Event::QueuePosition {
                conv_id: text("convId"),
                position: body.get("position").and_then(Value::as_u64).unwrap_or(0) as u32,
                estimate_ms: body.get("estimateMs").and_then(Value::as_u64),
            },
            #[cfg(feature = "agent")]
            service::QUEUE_LENGTHS => Event::QueueLengths(
                super::list(&body, "queues")
                    .iter()
                    .map(|q| {
                        (
                            q.get("queueName")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string(),
                            q.get("waiting").and_then(Value::as_u64).unwrap_or(0) as usize,
                        )
                    })
                    .collect(),
            ),
            #[cfg(feature = "agent")]
            service::NOTE_FROM_SERVER => {
                match body.get("note").and_then(crate::model::Note::from_wire) {
                    Some(note) => Event::NoteAdded(note),
                    None => return,
                }
            }
            #[cfg(feature = "agent")]
            service::DRAFT_FROM_SERVER => {
                let text = |name: &str| {
                    body.get(name)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                Event::Draft {
                    conv_id: text("convId"),
                    user_id: text("userId"),
                    text: text("text"),
                }
            }
            _ => return,
        };
        self.emit(event);
    }

    pub(super) fn send_raw(&self, service: u16, body: Value) {
        if let Some(link) = self.state.borrow().link.as_ref() {
            let text = encode(service, body);
            let _ = link.frames.unbounded_send(text);
        }
    }

    /// Loads what each known conversation missed while the socket was down, by seq.
    pub(super) async fn catch_up(self: &Rc<Self>) {
        let client = Client {
            inner: self.clone(),
        };
        let known: Vec<(String, i64)> = self
            .state
            .borrow()
            .seen
            .iter()
            .filter_map(|(conv, seqs)| seqs.last().map(|last| (conv.clone(), *last)))
            .collect();
        for (conv_id, mut after) in known {
            loop {
                let page = client
                    .conversation(&conv_id)
                    .missed_after(after, CATCH_UP_PAGE as u32)
                    .await;
                let Ok(page) = page else { break };
                client.report_new(&page);
                match page.last() {
                    Some(last) if page.len() as i64 == CATCH_UP_PAGE => after = last.seq,
                    _ => break,
                }
            }
        }
    }
}
