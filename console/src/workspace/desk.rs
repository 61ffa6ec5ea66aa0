//! The workspace's state, shared by its columns: the agent's connection, chat requests, chats,
//! messages and visitors, and what the socket's events do to them.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::{ChatRequest, Client, Event, Message, Note, ObjectChange};
use serde_json::Value;

/// AUTHEN's answer to an agent whose account was deactivated or deleted.
const AUTHENTICATION_FAILED: i32 =
    parlor_client::protocol::socket::authen_code::AUTHENTICATION_FAILED;

/// A chat this agent serves (or served).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ChatItem {
    pub(super) conv_id: String,
    pub(super) customer_id: String,
    pub(super) customer_name: String,
    pub(super) queue_name: String,
    /// Seconds the visitor waited before this agent took the chat, when known.
    pub(super) waited: Option<u64>,
    pub(super) unread: usize,
    pub(super) ended: bool,
}

#[derive(Clone, Copy)]
pub(super) struct Desk {
    pub(super) client: StoredValue<Client, LocalStorage>,
    pub(super) me: StoredValue<String>,
    pub(super) token: StoredValue<String>,
    pub(super) connected: RwSignal<bool>,
    pub(super) available: RwSignal<bool>,
    pub(super) requests: RwSignal<Vec<ChatRequest>>,
    pub(super) chats: RwSignal<Vec<ChatItem>>,
    pub(super) selected: RwSignal<Option<String>>,
    pub(super) messages: RwSignal<HashMap<String, Vec<Message>>>,
    /// Bumped by the canned responses' shortcut: the open chat's reply box starts with `/`.
    pub(super) canned_wanted: RwSignal<u32>,
    /// How many chats wait in each queue (name, count), queues with none left out.
    pub(super) queue_lengths: RwSignal<Vec<(String, usize)>>,
    /// Each chat's private notes, oldest first.
    pub(super) notes: RwSignal<HashMap<String, Vec<Note>>>,
    pub(super) typing: RwSignal<HashMap<String, String>>,
    /// Each chat's visitor's draft, while the portal's typing preview is on (never stored).
    pub(super) drafts: RwSignal<HashMap<String, String>>,
    pub(super) visitors: RwSignal<HashMap<String, Value>>,
    pub(super) error: RwSignal<Option<String>>,
    pub(super) show_tickets: RwSignal<bool>,
    /// Per chat, where its transfer stands ("Waiting for Bob…", "Bob declined").
    pub(super) transfers: RwSignal<HashMap<String, String>>,
    /// When each request arrived (ms), for its countdown.
    pub(super) asked_at: RwSignal<HashMap<String, f64>>,
    /// The clock, ticking every second while requests wait.
    pub(super) now: RwSignal<f64>,
    /// Bumped when delivered/read marks change, so message states re-render.
    pub(super) marks: RwSignal<u32>,
    /// The portal's labels and each chat's.
    pub(super) labels: super::labels::Labels,
    /// Called when the server refuses this agent (deactivated, deleted): the console signs out.
    pub(super) signed_out: Callback<String>,
}

impl Desk {
    pub(super) fn fail(&self, error: &parlor_client::Error) {
        self.error
            .set(Some(format!("{} (code {})", error.message, error.code)));
    }

    pub(super) fn add_message(&self, message: Message) {
        let conv = message.conv_id.clone();
        self.messages.update(|all| {
            let list = all.entry(conv.clone()).or_default();
            if message.seq > 0 && list.iter().any(|m| m.seq == message.seq) {
                return;
            }
            list.push(message);
            list.sort_by_key(|m| m.seq);
        });
        if self.selected.get_untracked().as_deref() != Some(conv.as_str()) {
            self.chats.update(|chats| {
                if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv) {
                    chat.unread += 1;
                }
            });
        }
    }

    pub(super) fn add_note(&self, note: Note) {
        self.notes.update(|all| {
            super::note::insert(all.entry(note.conv_id.clone()).or_default(), note);
        });
    }

    pub(super) fn on_event(&self, event: Event) {
        match event {
            Event::Connected { .. } => {
                self.connected.set(true);
                self.load();
            }
            Event::Disconnected => self.connected.set(false),
            Event::Failed(error) if error.code == AUTHENTICATION_FAILED => {
                self.signed_out.run(error.message)
            }
            Event::Failed(error) => self.fail(&error),
            Event::ChatRequest(request) | Event::TransferChatRequest(request) => {
                let title = if request.transfer {
                    "Transfer request"
                } else {
                    "Chat request"
                };
                let about = if request.queue_name.is_empty() {
                    request.customer_name.clone()
                } else {
                    format!("{} · {}", request.customer_name, request.queue_name)
                };
                super::alerts::notify(*self, title, &about, &request.conv_id, false);
                self.asked_at.update(|at| {
                    at.insert(request.conv_id.clone(), js_sys::Date::now());
                });
                parlor_client::alert::chime_once(&request.conv_id);
                self.requests.update(|list| {
                    if !list.iter().any(|r| r.conv_id == request.conv_id) {
                        list.push(request);
                    }
                });
            }
            Event::TimeoutAnswerChat { conv_id } => {
                self.requests
                    .update(|list| list.retain(|r| r.conv_id != conv_id));
            }
            Event::ConversationEnded { conv_id, .. } => {
                self.requests
                    .update(|list| list.retain(|r| r.conv_id != conv_id));
                self.chats.update(|chats| {
                    if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv_id) {
                        chat.ended = true;
                    }
                });
            }
            Event::ObjectChange(ObjectChange::Report { .. }) => self.marks.update(|n| *n += 1),
            Event::ObjectChange(ObjectChange::MessageInserted(message)) => {
                self.typing.update(|t| {
                    t.remove(&message.conv_id);
                });
                if message.from != self.me.get_value() {
                    self.drafts.update(|d| {
                        d.remove(&message.conv_id);
                    });
                }
                if message.from != self.me.get_value()
                    && let Some(text) = message.text()
                {
                    let who = self.chats.with_untracked(|chats| {
                        chats
                            .iter()
                            .find(|c| c.conv_id == message.conv_id)
                            .map(|c| c.customer_name.clone())
                            .filter(|name| !name.is_empty())
                            .unwrap_or_else(|| "New message".to_string())
                    });
                    super::alerts::notify(*self, &who, text, &message.conv_id, true);
                }
                self.add_message(message);
            }
            Event::UserBeginTyping {
                conv_id,
                display_name,
                ..
            } => self.typing.update(|t| {
                t.insert(conv_id, display_name);
            }),
            Event::UserEndTyping { conv_id, .. } => self.typing.update(|t| {
                t.remove(&conv_id);
            }),
            Event::Draft { conv_id, text, .. } => self.drafts.update(|d| {
                if text.is_empty() {
                    d.remove(&conv_id);
                } else {
                    d.insert(conv_id, text);
                }
            }),
            Event::TransferAnswered {
                conv_id, accepted, ..
            } => {
                let note = if accepted {
                    "Transferred: your colleague has the chat now."
                } else {
                    "Your colleague declined the transfer; the chat stays with you."
                };
                self.transfers.update(|t| {
                    t.insert(conv_id.clone(), note.to_string());
                });
                if accepted {
                    self.chats.update(|chats| {
                        if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv_id) {
                            chat.ended = true;
                        }
                    });
                }
            }
            Event::NoteAdded(note) => self.add_note(note),
            Event::QueueLengths(lengths) => self.queue_lengths.set(lengths),
            Event::UserInfoChanged(info) => {
                if let Some(id) = info.get("userId").and_then(Value::as_str) {
                    let id = id.to_string();
                    self.visitors.update(|v| {
                        v.insert(id, info);
                    });
                }
            }
            _ => {}
        }
    }

    /// After (re)connecting: pending requests and the chats this agent serves.
    pub(super) fn load(&self) {
        let desk = *self;
        let client = self.client.get_value();
        spawn_local(async move {
            if let Ok(requests) = client.get_chat_requests().await {
                desk.requests.set(requests);
            }
            let Ok(conversations) = client.get_conversations(50).await else {
                return;
            };
            let me = desk.me.get_value();
            for info in conversations
                .into_iter()
                .filter(|c| c.status == "active" && c.agent_id.as_deref() == Some(me.as_str()))
            {
                desk.open_chat(&info.id, &info.creator, None);
            }
        });
    }

    /// Adds a chat to the list (once), loads its history and its visitor.
    pub(super) fn open_chat(
        &self,
        conv_id: &str,
        customer_id: &str,
        request: Option<&ChatRequest>,
    ) {
        let known = self
            .chats
            .with_untracked(|chats| chats.iter().any(|c| c.conv_id == conv_id));
        if !known {
            self.chats.update(|chats| {
                let waited = self.asked_at.with_untracked(|at| {
                    at.get(conv_id)
                        .map(|asked| ((js_sys::Date::now() - asked) / 1000.0) as u64)
                });
                chats.push(ChatItem {
                    conv_id: conv_id.to_string(),
                    customer_id: customer_id.to_string(),
                    customer_name: request.map(|r| r.customer_name.clone()).unwrap_or_default(),
                    queue_name: request.map(|r| r.queue_name.clone()).unwrap_or_default(),
                    waited,
                    unread: 0,
                    ended: false,
                })
            });
        }
        let desk = *self;
        let client = self.client.get_value();
        let (conv_id, customer_id) = (conv_id.to_string(), customer_id.to_string());
        spawn_local(async move {
            if let Ok(history) = client.conversation(&conv_id).last_messages(100).await {
                for message in history {
                    desk.add_message(message);
                }
            }
            if let Ok(notes) = client.conversation(&conv_id).notes().await {
                for note in notes {
                    desk.add_note(note);
                }
            }
            if let Ok(users) = client.get_users_info(&[&customer_id]).await
                && let Some(user) = users.into_iter().next()
            {
                let name = user
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                desk.chats.update(|chats| {
                    if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv_id)
                        && chat.customer_name.is_empty()
                    {
                        chat.customer_name = name;
                    }
                });
                desk.visitors.update(|v| {
                    v.insert(customer_id, user);
                });
            }
        });
    }

    pub(super) fn select(&self, conv_id: &str) {
        self.selected.set(Some(conv_id.to_string()));
        self.chats.update(|chats| {
            if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv_id) {
                chat.unread = 0;
            }
        });
    }

    pub(super) fn answer(&self, request: ChatRequest, accept: bool) {
        let desk = *self;
        let client = self.client.get_value();
        spawn_local(async move {
            let result = if request.transfer {
                client.answer_transfer(&request.conv_id, accept).await
            } else {
                client.answer_chat_request(&request.conv_id, accept).await
            };
            desk.requests
                .update(|list| list.retain(|r| r.conv_id != request.conv_id));
            match result {
                Ok(_) if accept => {
                    desk.open_chat(&request.conv_id, &request.customer_id, Some(&request));
                    desk.select(&request.conv_id);
                }
                Ok(_) => {}
                Err(error) => desk.fail(&error),
            }
        });
    }
}
