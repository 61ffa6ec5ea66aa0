//! What an admin's change does beyond the store: an agent signed out and their chats put back
//! in their queues, routing told of new queues and capacities, invitations mailed.

use std::collections::HashSet;
use std::time::Duration;

use parlor_protocol::socket::{Frame, service};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::hours::now_ms;
use crate::mail::Mail;
use crate::message::message_json;
use crate::routing::Timeouts;
use crate::store::{Agent, NewMessage, Portal, StoreError};

/// How long an invitation link works.
pub const INVITATION_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

/// `agent` was deactivated or deleted: their sockets close with
/// [`crate::hub::SIGNED_OUT_CLOSE_CODE`], they leave routing, and each chat they served goes
/// back to its queue, where the visitor waits for the next agent with the queue's timeouts.
pub async fn sign_out_agent(state: &AppState, agent: &Agent) -> Result<(), StoreError> {
    state
        .hub
        .sign_out(&agent.user_id, "signed out: the account was deactivated");
    let mut chats = state.routing.agent_removed(&agent.user_id).await;
    // Routing knows the chats of agents who are connected; the store knows them all.
    for conv_id in state.store.active_chats_of(&agent.user_id).await? {
        if !chats.contains(&conv_id) {
            chats.push(conv_id);
        }
    }
    for conv_id in chats {
        if !state
            .store
            .return_to_queue(&conv_id, &agent.user_id)
            .await?
        {
            continue;
        }
        let Some((conversation, members)) =
            state.store.conversation_and_participants(&conv_id).await?
        else {
            continue;
        };
        // The visitor (and any helping agent) sees the agent leave, as after a transfer.
        let (left, _) = crate::chat::store_message(
            state,
            &NewMessage {
                conv_id: conv_id.clone(),
                sender: agent.user_id.clone(),
                kind: 100,
                content: json!({ "type": 2, "participants": [{ "userId": agent.user_id }] })
                    .to_string(),
                local_db_id: None,
            },
        )
        .await?;
        let frame = Frame {
            service: service::CHAT_MESSAGE_FROM_SERVER,
            body: message_json(&left),
        };
        for member in members.iter().filter(|m| !m.left) {
            state.hub.push(&member.user_id, &frame);
        }
        let Some(queue) = state
            .store
            .queue(
                &conversation.portal_id,
                conversation.queue_id.as_deref().unwrap_or(""),
            )
            .await?
        else {
            continue;
        };
        let chat = match crate::care::chat_ref(state, &conversation).await {
            Ok(chat) => chat,
            Err(refusal) => {
                tracing::error!(conv_id, refusal.message, "chat not returned to its queue");
                continue;
            }
        };
        state.routing.enqueue(
            chat,
            Timeouts {
                answer: Duration::from_millis(queue.answer_timeout_ms.max(1) as u64),
                queue: Duration::from_millis(queue.queue_timeout_ms.max(1) as u64),
            },
        );
    }
    Ok(())
}

/// The queues or capacity of `user_id` changed: routing applies them at once.
pub async fn agent_changed(state: &AppState, user_id: &str) -> Result<(), StoreError> {
    let (queues, max_chats) = state.store.agent_queues(user_id).await?;
    state.routing.agent_changed(
        user_id,
        queues.into_iter().collect::<HashSet<_>>(),
        max_chats as usize,
    );
    Ok(())
}

/// The SHA-256 of an invitation token, as the store keeps it.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes an invitation for `agent` and mails its link (`{base}/console/#invite=TOKEN`); the
/// link works once, for [`INVITATION_LIFETIME_MS`].
pub async fn invite(
    state: &AppState,
    portal: &Portal,
    agent: &Agent,
    invited_by: &str,
    base_url: &str,
) -> Result<(), StoreError> {
    let token = crate::ids::random_hex(24);
    state
        .store
        .create_invitation(
            &token_hash(&token),
            &agent.user_id,
            now_ms() + INVITATION_LIFETIME_MS,
        )
        .await?;
    let link = format!("{}/console/#invite={token}", base_url.trim_end_matches('/'));
    let mail = Mail {
        to: vec![agent.email.clone()],
        reply_to: None,
        subject: format!("You are invited to answer chats for {}", portal.name),
        text: format!(
            "Hello {},\n\n{invited_by} invited you to answer live chats for {} on Parlor.\n\n\
             Set your password here (the link works once, for 7 days):\n\n{link}\n\n\
             Then sign in at {}/console/ with this email address.\n",
            agent.display_name,
            portal.name,
            base_url.trim_end_matches('/'),
        ),
    };
    if let Err(error) = state.mailer.send(&mail).await {
        // The invitation stands; the admin can send another from Settings.
        tracing::error!(%error, "invitation not sent");
    }
    Ok(())
}
