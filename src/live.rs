//! The chat's live side, in the chat module only: the socket client made on first use, and how
//! its events move the journey on and fill the conversation.

use futures_util::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::model::kind;
use parlor_client::{Client, Event, Message, ObjectChange};

use crate::context::Ctx;
use crate::i18n::with_name;
use crate::journey::Stage;
use crate::pairs;

impl Ctx {
    /// The socket client, made (and connected with the saved token) on first use.
    pub(crate) fn client(&self) -> Client {
        if let Some(client) = self.client.get_value() {
            return client;
        }
        let client = Client::new(self.config());
        let ctx = *self;
        client.set_token_provider(move || async move {
            let saved = ctx.controls.saved.get_value();
            let token = ctx
                .chat()
                .get_live_chat_token(&ctx.key(), &saved.name, &saved.email, &saved.browser_id)
                .await?;
            ctx.save(|s| s.token = token.clone());
            Ok(token)
        });
        let mut events = client.events();
        spawn_local(async move {
            while let Some(event) = events.next().await {
                ctx.on_event(event);
            }
        });
        client.connect(&self.controls.saved.get_value().token);
        self.client.set_value(Some(client.clone()));
        client
    }

    pub(crate) fn show_error(&self, error: &parlor_client::Error) {
        self.controls.error.set(Some(format!(
            "{}{} ({})",
            self.t().error,
            error.message,
            error.code
        )));
    }

    pub(crate) fn on_event(&self, event: Event) {
        let conv = self.conv.get_untracked().unwrap_or_default();
        if let Some(next) = self.stage.get_untracked().on_event(&event, &conv) {
            if next == Stage::Ended {
                self.emit("chatEnded", &[("convId", &conv)]);
            }
            self.stage.set(next);
        }
        match event {
            Event::Connected { .. } => {
                self.online.set(true);
                self.refresh();
            }
            Event::Disconnected => self.online.set(false),
            Event::ObjectChange(ObjectChange::MessageInserted(message))
                if message.conv_id == conv =>
            {
                self.typing.set(None);
                let own = self
                    .client
                    .with_value(|c| c.as_ref().and_then(Client::user_id))
                    == Some(message.from.clone());
                if !own && message.kind == kind::TEXT {
                    let name = self.name_of(&message.from);
                    let text = message.text().unwrap_or_default().to_string();
                    self.announce.set(format!(
                        "{}{text}",
                        with_name(self.t().new_message_from, &name)
                    ));
                    if !self.controls.open.get_untracked() {
                        self.unread.update(|n| *n += 1);
                        if self.setup.with_value(|(o, _)| o.sound) {
                            parlor_client::alert::chime_once(&message.id);
                        }
                    }
                    self.emit("message", &[("from", &name), ("text", &text)]);
                }
                if message.kind == kind::NOTIFICATION {
                    self.learn_names(&message);
                }
                self.messages.update(|list| merge(list, message));
            }
            Event::ObjectChange(ObjectChange::MessageState { conv_id, .. }) if conv_id == conv => {
                let pending = self.client.with_value(|c| {
                    c.as_ref()
                        .map(|c| c.pending_messages(&conv))
                        .unwrap_or_default()
                });
                self.messages.update(|list| {
                    list.retain(|m| m.seq > 0);
                    list.extend(pending);
                });
            }
            Event::ObjectChange(ObjectChange::Report { .. }) => {
                self.marks.update(|n| *n = n.wrapping_add(1))
            }
            Event::UserBeginTyping {
                conv_id,
                display_name,
                ..
            } if conv_id == conv => {
                self.typing.set(Some(display_name));
            }
            Event::UserEndTyping { conv_id, .. } if conv_id == conv => self.typing.set(None),
            Event::QueuePosition {
                conv_id,
                position,
                estimate_ms,
            } => self
                .place
                .set(Some((conv_id, position as usize, estimate_ms))),
            _ => {}
        }
    }

    /// Learns agents' names from "joined" notifications, to label their messages.
    pub(crate) fn learn_names(&self, message: &Message) {
        if let Some(list) = message
            .content
            .get("participants")
            .and_then(|p| p.as_array())
        {
            self.names.update(|names| {
                for p in list {
                    if let (Some(id), Some(name)) = (
                        p.get("userId").and_then(|v| v.as_str()),
                        p.get("displayName").and_then(|v| v.as_str()),
                    ) {
                        pairs::set(names, id.to_string(), name.to_string());
                    }
                }
            });
        }
    }

    pub(crate) fn name_of(&self, user_id: &str) -> String {
        self.names
            .with_untracked(|n| pairs::value(n, user_id).map(str::to_string))
            .unwrap_or_else(|| self.t().agent.to_string())
    }

    /// After (re)connecting: the chat's state and history from the server.
    pub(crate) fn refresh(&self) {
        let Some(conv) = self.conv.get_untracked() else {
            return;
        };
        let ctx = *self;
        let client = self.client();
        spawn_local(async move {
            let conversation = client.conversation(&conv);
            match conversation.info().await {
                Ok(info) => {
                    let stage = Stage::of_status(&info.status);
                    if ctx.stage.get_untracked() != stage
                        && !matches!(ctx.stage.get_untracked(), Stage::Ended | Stage::TicketSent)
                    {
                        ctx.stage.set(stage);
                    }
                }
                Err(error) if error.code == 404 => {
                    ctx.forget_chat();
                    return;
                }
                Err(_) => return,
            }
            if let Ok(history) = conversation.last_messages(100).await {
                for message in &history {
                    if message.kind == kind::NOTIFICATION {
                        ctx.learn_names(message);
                    }
                }
                let pending = client.pending_messages(&conv);
                ctx.messages.update(|list| {
                    for message in history.into_iter().chain(pending) {
                        merge(list, message);
                    }
                });
            }
        });
    }

    pub(crate) fn forget_chat(&self) {
        self.save(|s| {
            s.conv_id = None;
            s.queue_id = None;
        });
        self.conv.set(None);
        self.messages.set(Vec::new());
        self.typing.set(None);
        self.place.set(None);
    }
}

/// Adds `message` to `list` in seq order: once per seq, and replacing its own pending copy.
pub(crate) fn merge(list: &mut Vec<Message>, message: Message) {
    if message.seq > 0 && list.iter().any(|m| m.seq == message.seq) {
        return;
    }
    if let Some(local) = &message.local_db_id {
        list.retain(|m| !(m.seq == 0 && m.local_db_id.as_ref() == Some(local)));
    }
    if message.seq == 0
        && list
            .iter()
            .any(|m| m.seq == 0 && m.local_db_id == message.local_db_id)
    {
        return;
    }
    // The list is kept in order, so the message goes in after the last one not later than it
    // (what a stable sort would do, without a sort's code in the bundle); pending ones last.
    let order = |m: &Message| if m.seq == 0 { i64::MAX } else { m.seq };
    let at = list
        .iter()
        .rposition(|m| order(m) <= order(&message))
        .map_or(0, |i| i + 1);
    list.insert(at, message);
}

#[cfg(test)]
mod tests {
    use parlor_client::{Message, MessageState};
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::merge;

    fn message(seq: i64, local: &str) -> Message {
        Message {
            id: format!("m{seq}"),
            conv_id: "c".into(),
            seq,
            from: "v".into(),
            kind: 1,
            content: serde_json::json!({ "content": local }),
            created: 0,
            local_db_id: (!local.is_empty()).then(|| local.to_string()),
            state: MessageState::Sent,
        }
    }

    fn order(list: &[Message]) -> Vec<(i64, Option<&str>)> {
        list.iter()
            .map(|m| (m.seq, m.local_db_id.as_deref()))
            .collect()
    }

    #[wasm_bindgen_test]
    fn messages_stay_in_seq_order_once_each_with_pending_ones_last() {
        let mut list = Vec::new();
        merge(&mut list, message(0, "a"));
        merge(&mut list, message(3, ""));
        merge(&mut list, message(1, ""));
        merge(&mut list, message(0, "b"));
        merge(&mut list, message(2, ""));
        merge(&mut list, message(3, ""));
        assert_eq!(
            order(&list),
            [
                (1, None),
                (2, None),
                (3, None),
                (0, Some("a")),
                (0, Some("b"))
            ]
        );
        // The server's copy of a pending message takes its place, at its seq.
        merge(&mut list, message(4, "b"));
        merge(&mut list, message(0, "a"));
        assert_eq!(
            order(&list),
            [
                (1, None),
                (2, None),
                (3, None),
                (4, Some("b")),
                (0, Some("a"))
            ]
        );
    }
}
