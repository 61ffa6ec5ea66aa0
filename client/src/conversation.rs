//! One conversation's calls (Stringee's `Conversation`): messages, typing, marks, transcript,
//! end, rating, and the agent's transfer and continue.

use parlor_protocol::socket::service;
use serde_json::{Value, json};

use crate::Error;
use crate::client::Client;
use crate::model::{ConversationInfo, Message, Note, kind};

/// A rating of a chat (Stringee's values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    /// Not satisfied.
    Bad = 0,
    /// Satisfied.
    Good = 1,
}

/// A handle on one conversation of a [`Client`]; cheap to clone.
#[derive(Debug, Clone)]
pub struct Conversation {
    client: Client,
    id: String,
}

impl Conversation {
    pub(crate) fn new(client: Client, id: &str) -> Self {
        Self {
            client,
            id: id.to_string(),
        }
    }

    /// The conversation's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Sends a text message. It goes through the outbox: see [`Conversation::send_message`].
    pub async fn send_text(&self, text: &str) -> Result<Message, Error> {
        self.send_message(kind::TEXT, json!({ "content": text }))
            .await
    }

    /// Sends a message of any type (`message` as Stringee shapes it: `{"content"}`,
    /// `{"photo": {"filePath", …}}`, `{"location": {"lat", "lon"}}`…). It is kept in the outbox
    /// (and `localStorage`) until the server stores it, across lost connections and reloads,
    /// and completes then with its seq; or with the server's error if it refused it for good.
    pub async fn send_message(&self, kind: i64, message: Value) -> Result<Message, Error> {
        if kind == kind::TEXT
            && message
                .get("content")
                .and_then(Value::as_str)
                .is_none_or(|t| t.trim().is_empty())
        {
            return Err(Error::new(Error::INVALID_VALUE, "a text message is empty"));
        }
        self.client.send_message(&self.id, kind, message).await
    }

    /// Uploads a file (with `token`, through `chat`'s server) and sends it as a photo, video,
    /// audio or file message according to its type.
    pub async fn send_file(
        &self,
        chat: &crate::Chat,
        token: &str,
        file: &web_sys::File,
    ) -> Result<Message, Error> {
        let uploaded = chat.upload_file(token, file).await?;
        self.send_uploaded(file, &uploaded).await
    }

    /// Sends `file`, uploaded to `uploaded` (see [`crate::Chat::upload`]), as a photo, video,
    /// audio or file message according to its type.
    pub async fn send_uploaded(
        &self,
        file: &web_sys::File,
        uploaded: &str,
    ) -> Result<Message, Error> {
        let mime = file.type_();
        let (kind, field) = if mime.starts_with("image/") {
            (kind::PHOTO, "photo")
        } else if mime.starts_with("video/") {
            (kind::VIDEO, "video")
        } else if mime.starts_with("audio/") {
            (kind::AUDIO, "audio")
        } else {
            (kind::FILE, "file")
        };
        let mut attachment =
            json!({ "filePath": uploaded, "filename": file.name(), "length": file.size() });
        if kind == kind::PHOTO {
            attachment["thumbnail"] = json!(uploaded);
        }
        let message = crate::json::object(vec![(field, attachment)]);
        self.send_message(kind, message).await
    }

    /// Loads messages and notes them as seen: the application has them now, so a catch-up
    /// after a reconnect does not report them again.
    async fn load(&self, body: Value) -> Result<Vec<Message>, Error> {
        let messages = self.load_unrecorded(body).await?;
        for message in &messages {
            self.client.record_seen(message);
        }
        Ok(messages)
    }

    async fn load_unrecorded(&self, body: Value) -> Result<Vec<Message>, Error> {
        let reply = self
            .client
            .request(service::CHAT_MESSAGES_LOAD, body)
            .await?;
        Ok(reply
            .get("msgs")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Message::from_wire).collect())
            .unwrap_or_default())
    }

    /// Messages after `seq`, not noted as seen: for the catch-up after a reconnect, which
    /// reports those the client had not seen.
    pub(crate) async fn missed_after(&self, seq: i64, count: u32) -> Result<Vec<Message>, Error> {
        self.load_unrecorded(
            json!({ "convId": self.id, "seqGreater": seq, "limit": count, "sort": "ASC" }),
        )
        .await
    }

    /// The last `count` messages, oldest first.
    pub async fn last_messages(&self, count: u32) -> Result<Vec<Message>, Error> {
        let mut messages = self
            .load(json!({ "convId": self.id, "limit": count, "sort": "DESC" }))
            .await?;
        messages.reverse();
        Ok(messages)
    }

    /// Up to `count` messages before seq `seq`, oldest first.
    pub async fn messages_before(&self, seq: i64, count: u32) -> Result<Vec<Message>, Error> {
        let mut messages = self
            .load(json!({ "convId": self.id, "seqSmaller": seq, "limit": count, "sort": "DESC" }))
            .await?;
        messages.reverse();
        Ok(messages)
    }

    /// Up to `count` messages after seq `seq`, oldest first.
    pub async fn messages_after(&self, seq: i64, count: u32) -> Result<Vec<Message>, Error> {
        self.load(json!({ "convId": self.id, "seqGreater": seq, "limit": count, "sort": "ASC" }))
            .await
    }

    /// Tells the others the user started typing.
    pub async fn begin_typing(&self) -> Result<(), Error> {
        self.call(service::BEGIN_TYPING, json!({}))
            .await
            .map(|_| ())
    }

    /// Tells the others the user stopped typing.
    pub async fn end_typing(&self) -> Result<(), Error> {
        self.call(service::END_TYPING, json!({})).await.map(|_| ())
    }

    /// Sends the user's draft to the conversation's agents (Parlor's typing preview; call it
    /// only when the chat profile's `typing_preview` is 1, at most every 300 ms; empty text
    /// when the box is cleared or sent). Nobody waits for the answer: a draft is worth nothing
    /// once the next one is typed. The server refuses it when the portal has the preview off.
    pub fn send_draft(&self, text: &str) {
        self.client
            .tell(service::DRAFT, json!({ "convId": self.id, "text": text }));
    }

    /// Tells the others the user started (`true`) or stopped typing, without waiting for the
    /// server's answer (what a typing indicator needs; [`Self::begin_typing`] waits).
    pub fn tell_typing(&self, typing: bool) {
        let service = if typing {
            service::BEGIN_TYPING
        } else {
            service::END_TYPING
        };
        self.client.tell(service, json!({ "convId": self.id }));
    }

    /// Marks the conversation read up to `seq` without waiting for the server's answer.
    pub fn tell_read(&self, seq: i64) {
        self.client.tell(
            service::CHAT_MESSAGE_REPORT,
            json!({ "convId": self.id, "lastMsgSeq": seq, "status": 2 }),
        );
    }

    /// Marks the conversation read up to `seq` (Stringee's `markAsRead`).
    pub async fn mark_as_read(&self, seq: i64) -> Result<(), Error> {
        self.call(
            service::CHAT_MESSAGE_REPORT,
            json!({ "lastMsgSeq": seq, "status": 2 }),
        )
        .await
        .map(|_| ())
    }

    /// Marks the conversation received up to `seq`.
    pub async fn mark_as_delivered(&self, seq: i64) -> Result<(), Error> {
        self.call(
            service::CHAT_MESSAGE_REPORT,
            json!({ "lastMsgSeq": seq, "status": 1 }),
        )
        .await
        .map(|_| ())
    }

    /// Mails the transcript to `email` (`domain`: the site the chat happened on).
    pub async fn send_chat_transcript(&self, email: &str, domain: &str) -> Result<(), Error> {
        self.call(
            service::SEND_EMAIL_TRANSCRIPT,
            json!({ "email": email, "domain": domain }),
        )
        .await
        .map(|_| ())
    }

    /// Ends the chat.
    pub async fn end_chat(&self) -> Result<(), Error> {
        self.call(service::END_CHAT, json!({})).await.map(|_| ())
    }

    /// Rates the chat (the visitor), with an optional comment.
    pub async fn rate_chat(&self, rating: Rating, comment: &str) -> Result<(), Error> {
        self.call(
            service::RATE_CHAT,
            json!({ "rating": rating as i64, "comment": comment }),
        )
        .await
        .map(|_| ())
    }

    /// Asks another agent to take this chat over (the agent serving it); they confirm.
    pub async fn transfer_to(&self, agent_user_id: &str) -> Result<(), Error> {
        self.call(
            service::CHAT_TRANSFER_TO_ANOTHER_AGENT,
            json!({ "toUserId": agent_user_id }),
        )
        .await
        .map(|_| ())
    }

    /// Takes up this ended chat again (its agent).
    pub async fn continue_chatting(&self) -> Result<ConversationInfo, Error> {
        let reply = self
            .call(service::AGENT_CONTINUE_CHATTING, json!({}))
            .await?;
        ConversationInfo::from_wire(&reply)
            .ok_or_else(|| Error::new(Error::INVALID_VALUE, "the server answered no conversation"))
    }

    /// Adds a private note (agents): the conversation's other agents are told; visitors never
    /// see it.
    pub async fn add_note(&self, text: &str) -> Result<Note, Error> {
        let reply = self
            .call(service::NOTE_ADD, json!({ "text": text }))
            .await?;
        reply
            .get("note")
            .and_then(Note::from_wire)
            .ok_or_else(|| Error::new(Error::INVALID_VALUE, "the server answered no note"))
    }

    /// The conversation's private notes, oldest first (agents).
    pub async fn notes(&self) -> Result<Vec<Note>, Error> {
        let reply = self.call(service::NOTES_LOAD, json!({})).await?;
        Ok(reply
            .get("notes")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Note::from_wire).collect())
            .unwrap_or_default())
    }

    /// The conversation's facts now.
    pub async fn info(&self) -> Result<ConversationInfo, Error> {
        self.client
            .get_conversations_by_ids(&[&self.id])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::new(Error::NOT_FOUND, "no such conversation"))
    }

    async fn call(&self, service: u16, mut body: Value) -> Result<Value, Error> {
        body["convId"] = json!(self.id);
        self.client.request(service, body).await
    }
}
