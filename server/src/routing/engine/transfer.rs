//! Transfers between agents: the chat's agent asks a colleague, who accepts or refuses; on
//! acceptance the chat and its share of capacity move to them.

use tokio::time::Instant;

use super::{ChatRef, Effect, Engine};

/// A transfer waiting for the receiving agent's confirmation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Transfer {
    /// The chat, as the receiving agent is shown it.
    pub chat: ChatRef,
    /// The agent handing it over.
    pub from: String,
    /// The agent asked to take it.
    pub to: String,
}

/// Why a transfer request or answer was refused.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize,
)]
pub enum TransferError {
    /// The caller is not the chat's agent (or the chat is not active).
    #[error("you are not serving this chat")]
    NotYours,
    /// The receiving agent is offline, away, full, or the caller themselves.
    #[error("that agent cannot take a chat now (offline, away or at capacity)")]
    Unavailable,
    /// No transfer of this chat waits for the caller.
    #[error("no transfer of this chat waits for you")]
    NotOffered,
}

impl Engine {
    /// The chat's agent asks `transfer.to` to take it over; it waits for their answer.
    pub fn request_transfer(&mut self, transfer: Transfer) -> Result<(), TransferError> {
        if self.serving.get(&transfer.chat.conv_id) != Some(&transfer.from) {
            return Err(TransferError::NotYours);
        }
        let receiver_can = self.agents.get(&transfer.to).is_some_and(|a| {
            a.available() && a.active.len() < a.max_chats && transfer.to != transfer.from
        });
        if !receiver_can {
            return Err(TransferError::Unavailable);
        }
        self.transfers
            .insert(transfer.chat.conv_id.clone(), transfer);
        Ok(())
    }

    /// The receiving agent answers a transfer; on acceptance the chat (and its share of
    /// capacity) moves to them.
    pub fn answer_transfer(
        &mut self,
        agent: &str,
        conv_id: &str,
        accept: bool,
        now: Instant,
    ) -> Result<(Transfer, Vec<Effect>), TransferError> {
        if self.transfers.get(conv_id).is_none_or(|t| t.to != agent) {
            return Err(TransferError::NotOffered);
        }
        let transfer = self.transfers.remove(conv_id).expect("checked above");
        if !accept {
            return Ok((transfer, Vec::new()));
        }
        if let Some(from) = self.agents.get_mut(&transfer.from) {
            from.active.remove(conv_id);
            from.idle_since = now;
        }
        if let Some(to) = self.agents.get_mut(agent) {
            to.active.insert(conv_id.to_string());
        }
        self.serving.insert(conv_id.to_string(), agent.to_string());
        Ok((transfer, self.dispatch(now)))
    }

    /// Transfers waiting for `agent`'s answer (for CHAT_REQUEST_LOAD).
    pub fn transfers_to(&self, agent: &str) -> Vec<Transfer> {
        self.transfers
            .values()
            .filter(|t| t.to == agent)
            .cloned()
            .collect()
    }
}
