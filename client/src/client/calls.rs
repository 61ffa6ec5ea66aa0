//! The calls made over the socket: a visitor's (start a live chat, profile, conversations)
//! and an agent's (chat requests, transfers, joining, presence).

use parlor_protocol::socket::service;
use serde_json::{Value, json};

use super::{Client, list, local_id};
use crate::Error;
use crate::conversation::Conversation;
use crate::model::{ChatRequest, ConversationInfo, UserInfo};

impl Client {
    /// Starts a live chat in `queue_id` (Stringee's `createLiveChatConversation`);
    /// `custom_data` goes to the agent (page URL, cart…).
    pub async fn create_live_chat_conversation(
        &self,
        queue_id: &str,
        custom_data: Option<Value>,
    ) -> Result<(Conversation, ConversationInfo), Error> {
        let body = json!({
            "isGroup": true, "distinct": false, "name": queue_id, "participants": [],
            "customData": custom_data.map(|d| crate::json::stringify(&d)), "localDbId": local_id(),
        });
        let reply = self
            .request(service::CHAT_CREATE_CONVERSATION, body)
            .await?;
        let info = ConversationInfo::from_wire(&reply).ok_or_else(|| {
            Error::new(Error::INVALID_VALUE, "the server answered no conversation")
        })?;
        if let Some(last) = &info.last_message {
            self.record_seen(last);
        }
        Ok((self.conversation(&info.id), info))
    }

    /// Completes or corrects the user's profile (Stringee's `updateUserInfo`).
    pub async fn update_user_info(&self, info: &UserInfo) -> Result<Value, Error> {
        let body = info.to_json();
        self.request(service::UPDATE_USER_INFO, body).await
    }

    /// Sends a profile change nobody waits for (the page the visitor is on, as they move).
    pub fn tell_user_info(&self, info: &UserInfo) {
        let body = info.to_json();
        self.tell(service::UPDATE_USER_INFO, body);
    }

    /// The user's conversations, most recent first.
    pub async fn get_conversations(&self, limit: u32) -> Result<Vec<ConversationInfo>, Error> {
        let reply = self
            .request(service::CHAT_CONVERSATION_LOAD, json!({ "limit": limit }))
            .await?;
        Ok(list(&reply, "listConvs")
            .iter()
            .filter_map(ConversationInfo::from_wire)
            .collect())
    }

    /// Conversations by id (only the user's own are answered).
    pub async fn get_conversations_by_ids(
        &self,
        ids: &[&str],
    ) -> Result<Vec<ConversationInfo>, Error> {
        let reply = self
            .request(
                service::CHAT_GET_CONVERSATIONS_INFO,
                json!({ "convIds": ids.join(",") }),
            )
            .await?;
        Ok(list(&reply, "listConvs")
            .iter()
            .filter_map(ConversationInfo::from_wire)
            .collect())
    }

    /// Users' public details (`CHAT_GET_USERS_INFO`).
    pub async fn get_users_info(&self, user_ids: &[&str]) -> Result<Vec<Value>, Error> {
        let reply = self
            .request(
                service::CHAT_GET_USERS_INFO,
                json!({ "userIds": user_ids.join(",") }),
            )
            .await?;
        Ok(list(&reply, "users").to_vec())
    }

    /// Sends an application's own payload to another user's open sockets; answers how many
    /// it reached.
    pub async fn send_custom_message(&self, to_user: &str, message: Value) -> Result<u64, Error> {
        let reply = self
            .request(
                service::CUSTOM_MESSAGE,
                json!({ "toUser": to_user, "message": message }),
            )
            .await?;
        Ok(reply.get("delivered").and_then(Value::as_u64).unwrap_or(0))
    }

    // ----- agent calls -----

    /// The chats offered to this agent now, and the transfers waiting for their answer.
    pub async fn get_chat_requests(&self) -> Result<Vec<ChatRequest>, Error> {
        let reply = self.request(service::CHAT_REQUEST_LOAD, json!({})).await?;
        Ok(list(&reply, "chatRequests")
            .iter()
            .map(|r| ChatRequest::from_wire(r, false))
            .collect())
    }

    /// Accepts (`true`) or rejects a chat request; an accepted chat's facts come back.
    pub async fn answer_chat_request(
        &self,
        conv_id: &str,
        accept: bool,
    ) -> Result<Option<ConversationInfo>, Error> {
        let reply = self
            .request(
                service::CHAT_AGENT_RESPONSE,
                json!({ "convId": conv_id, "answer": accept, "channelType": 1 }),
            )
            .await?;
        Ok(if accept {
            ConversationInfo::from_wire(&reply)
        } else {
            None
        })
    }

    /// Accepts or refuses a transfer another agent asked of this one.
    pub async fn answer_transfer(
        &self,
        conv_id: &str,
        accept: bool,
    ) -> Result<Option<ConversationInfo>, Error> {
        let reply = self
            .request(
                service::CHAT_CONFIRM_TRANSFER_REQUEST,
                json!({ "convId": conv_id, "answer": accept }),
            )
            .await?;
        Ok(if accept {
            ConversationInfo::from_wire(&reply)
        } else {
            None
        })
    }

    /// Joins a colleague's chat in progress to help.
    pub async fn join_chat(&self, conv_id: &str) -> Result<ConversationInfo, Error> {
        let reply = self
            .request(
                service::JOIN_CHAT_CUSTOMER_CARE,
                json!({ "convId": conv_id }),
            )
            .await?;
        ConversationInfo::from_wire(&reply)
            .ok_or_else(|| Error::new(Error::INVALID_VALUE, "the server answered no conversation"))
    }

    /// Sets this agent available for new chats, or away (Parlor's presence service).
    pub async fn set_available(&self, available: bool) -> Result<(), Error> {
        let status = if available { "available" } else { "away" };
        self.request(service::AGENT_SET_PRESENCE, json!({ "status": status }))
            .await
            .map(|_| ())
    }
}
