//! The store suite: every operation of the [`Store`] trait as the server uses it, run against
//! both backends with the same assertions (`on_both_backends!` at the end), one module per
//! kind of record; the helpers they share are here.

mod admin;
mod canned;
mod conversations;
mod history;
mod labels;
mod notes;
mod portals;
mod presence;
mod records;
mod reports;
mod retention;
mod search;
mod visitor_data;
mod webhooks;

use admin::administration_changes_are_audited_together;
use canned::canned_responses_are_shared_or_personal;
use conversations::{
    a_conversation_from_queue_to_end, concurrent_messages_take_distinct_consecutive_seqs,
};
use history::a_visitor_s_history_follows_their_email_across_browsers;
use labels::labels_are_put_on_conversations_and_taken_off;
use notes::notes_are_kept_per_conversation_oldest_first;
use portals::{portals_queues_agents_and_keys, visitors_are_created_once_and_updated};
use presence::open_chats_list_waiting_and_active_ones_with_their_visitor;
use records::missed_chats_tickets_and_files;
use reports::each_chat_records_the_moments_and_counts_reports_need;
use retention::{
    finished_chats_past_retention_are_deleted_with_their_files,
    the_sweep_follows_each_portal_s_days,
};
use search::search_finds_words_in_messages_visitors_and_tickets;
use visitor_data::a_visitor_s_data_is_exported_then_erased;
use webhooks::the_outbox_holds_each_event_for_the_endpoints_that_asked_and_sends_in_order;

use std::sync::Arc;

use parlor_server::store::{
    Agent, ApiKey, AuditNote, NewConversation, NewMessage, NewPortal, Portal, Queue, Role, Store,
    Webhook,
};
use serde_json::json;

/// A portal with two queues and two agents (Ann the admin, Bob), both serving both queues.
pub fn new_portal(tag: &str) -> NewPortal {
    let portal_id = format!("portal-{tag}");
    let agent = |name: &str, role| Agent {
        role,
        password_hash: "hash".into(),
        ..Agent::new(
            &format!("agent-{name}-{tag}"),
            &portal_id,
            &format!("{name}@{tag}.example"),
            name,
        )
    };
    NewPortal {
        portal: Portal::new(&portal_id, &format!("key-{tag}"), &format!("Portal {tag}")),
        api_key: ApiKey {
            sid: format!("SK{tag}"),
            secret: "secret".into(),
        },
        queues: vec![
            Queue {
                id: format!("sales-{tag}"),
                name: "Sales".into(),
            },
            Queue {
                id: format!("support-{tag}"),
                name: "Support".into(),
            },
        ],
        agents: vec![agent("ann", Role::Admin), agent("bob", Role::Agent)],
    }
}

pub fn note(action: &str) -> AuditNote {
    AuditNote::new("agent-ann-a", action, "target", json!({ "why": "test" }))
}

pub async fn chat(store: &Arc<dyn Store>, tag: &str, visitor: &str) -> String {
    let id = format!("conv-{tag}-{visitor}");
    let (conversation, new) = store
        .create_conversation(&NewConversation {
            id: id.clone(),
            portal_id: "portal-a".into(),
            queue_id: "sales-a".into(),
            creator: visitor.into(),
            create_local_id: Some(format!("local-{id}")),
            custom_data: String::new(),
        })
        .await
        .unwrap();
    assert!(new);
    conversation.id
}

/// A webhook endpoint of portal a for `events` (the store's tests never send to it).
pub fn endpoint(id: &str, events: &[&str], enabled: bool) -> Webhook {
    Webhook {
        id: id.into(),
        portal_id: "portal-a".into(),
        url: "https://hooks.example.com/parlor".into(),
        events: Webhook::events_text(events),
        secret: "a-secret-of-sixteen".into(),
        enabled,
        created_at: 1,
    }
}

pub fn text(conv_id: &str, sender: &str, local: &str, content: &str) -> NewMessage {
    NewMessage {
        conv_id: conv_id.into(),
        sender: sender.into(),
        kind: 1,
        content: json!({ "content": content }).to_string(),
        local_db_id: Some(local.into()),
    }
}

crate::on_both_backends!(
    portals_queues_agents_and_keys,
    visitors_are_created_once_and_updated,
    a_conversation_from_queue_to_end,
    concurrent_messages_take_distinct_consecutive_seqs,
    missed_chats_tickets_and_files,
    administration_changes_are_audited_together,
    notes_are_kept_per_conversation_oldest_first,
    canned_responses_are_shared_or_personal,
    a_visitor_s_history_follows_their_email_across_browsers,
    labels_are_put_on_conversations_and_taken_off,
    search_finds_words_in_messages_visitors_and_tickets,
    open_chats_list_waiting_and_active_ones_with_their_visitor,
    a_visitor_s_data_is_exported_then_erased,
    finished_chats_past_retention_are_deleted_with_their_files,
    the_sweep_follows_each_portal_s_days,
    the_outbox_holds_each_event_for_the_endpoints_that_asked_and_sends_in_order,
    each_chat_records_the_moments_and_counts_reports_need,
);
