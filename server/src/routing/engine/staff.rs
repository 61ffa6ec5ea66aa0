//! What an admin's changes mean to routing: an agent's queues and capacity change, an agent
//! leaves (deactivated or deleted), a queue is deleted.

use std::collections::HashSet;

use tokio::time::Instant;

use super::{Effect, Engine};

impl Engine {
    /// `agent`'s queues or capacity changed: they apply at once. An offer from a queue they no
    /// longer serve is withdrawn (the agent is told, as for a timeout) and moves on.
    pub fn agent_changed(
        &mut self,
        agent: &str,
        queues: HashSet<String>,
        max_chats: usize,
        now: Instant,
    ) -> Vec<Effect> {
        let Some(entry) = self.agents.get_mut(agent) else {
            return Vec::new();
        };
        entry.queues = queues;
        entry.max_chats = max_chats.max(1);
        let mut effects = Vec::new();
        let offered = entry.offer.clone();
        if let Some(conv_id) = offered
            && self
                .waiting
                .get(&conv_id)
                .is_some_and(|w| !entry.queues.contains(&w.chat.queue_id))
        {
            self.withdraw_offer(agent);
            effects.push(Effect::OfferTimedOut {
                agent: agent.to_string(),
                conv_id,
            });
        }
        effects.extend(self.dispatch(now));
        effects
    }

    /// `agent` no longer works for the portal: they leave routing at once, whatever sockets
    /// they hold. Returns the chats they were serving, for the caller to put back in their
    /// queues, and the effects (their offer moves on; transfers to them lapse).
    pub fn agent_removed(&mut self, agent: &str, now: Instant) -> (Vec<String>, Vec<Effect>) {
        self.withdraw_offer(agent);
        let Some(entry) = self.agents.remove(agent) else {
            return (Vec::new(), self.dispatch(now));
        };
        let mut effects = Vec::new();
        let lapsed: Vec<String> = self
            .transfers
            .iter()
            .filter(|(_, t)| t.to == agent || t.from == agent)
            .map(|(conv, _)| conv.clone())
            .collect();
        for conv in lapsed {
            let transfer = self.transfers.remove(&conv).expect("listed above");
            if transfer.to == agent {
                effects.push(Effect::TransferDropped {
                    from: transfer.from,
                    to: transfer.to,
                    conv_id: conv,
                });
            }
        }
        let mut chats: Vec<String> = entry.active.into_iter().collect();
        chats.sort();
        for chat in &chats {
            self.serving.remove(chat);
        }
        effects.extend(self.dispatch(now));
        (chats, effects)
    }

    /// The queue was deleted: each chat waiting in it is missed at once (the visitor gets the
    /// ticket form), and an offer of one is withdrawn.
    pub fn queue_deleted(&mut self, queue_id: &str, now: Instant) -> Vec<Effect> {
        let mut effects = Vec::new();
        let mut gone: Vec<(std::time::Duration, String)> = self
            .waiting
            .iter()
            .filter(|(_, w)| w.chat.queue_id == queue_id)
            .map(|(id, w)| (now.duration_since(w.enqueued), id.clone()))
            .collect();
        // Longest waiting first, as a timeout would have found them.
        gone.sort_by(|a, b| b.cmp(a));
        for (_, conv_id) in gone {
            effects.extend(self.miss(&conv_id));
        }
        for agent in self.agents.values_mut() {
            agent.queues.remove(queue_id);
        }
        effects.extend(self.dispatch(now));
        effects
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{ChatRef, Timeouts};
    use super::*;

    fn chat(id: &str, queue: &str) -> ChatRef {
        ChatRef {
            conv_id: id.into(),
            queue_id: queue.into(),
            queue_name: queue.into(),
            visitor_id: format!("v-{id}"),
            visitor_name: "Visitor".into(),
        }
    }

    fn queues(names: &[&str]) -> HashSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_deleted_queue_misses_its_waiting_chats_at_once_and_withdraws_their_offer() {
        let now = Instant::now();
        let mut engine = Engine::default();
        engine.agent_connected("ann", queues(&["sales"]), 1, now);
        let offered = engine.enqueue(chat("c1", "sales"), Timeouts::default(), now);
        assert!(matches!(&offered[..], [Effect::Offer { agent, .. }] if agent == "ann"));
        engine.enqueue(chat("c2", "support"), Timeouts::default(), now);

        let effects = engine.queue_deleted("sales", now + Duration::from_secs(1));
        assert_eq!(
            effects,
            vec![
                Effect::OfferTimedOut {
                    agent: "ann".into(),
                    conv_id: "c1".into()
                },
                Effect::Missed {
                    chat: chat("c1", "sales")
                },
            ]
        );
        // The other queue's chat still waits, and nothing of the deleted queue is offered.
        assert!(engine.offers_of("ann").is_empty());
        assert_eq!(
            engine.next_deadline(),
            Some(now + Timeouts::default().queue)
        );
    }

    #[test]
    fn a_removed_agent_hands_back_their_chats_and_their_offer_moves_on() {
        let now = Instant::now();
        let mut engine = Engine::default();
        engine.agent_connected("ann", queues(&["sales"]), 2, now);
        engine.enqueue(chat("c1", "sales"), Timeouts::default(), now);
        engine.answer("ann", "c1", true, now).unwrap();
        engine.enqueue(chat("c2", "sales"), Timeouts::default(), now);
        assert_eq!(engine.offers_of("ann"), vec![chat("c2", "sales")]);
        engine.agent_connected("bob", queues(&["sales"]), 2, now);

        let (chats, effects) = engine.agent_removed("ann", now);
        assert_eq!(chats, vec!["c1".to_string()]);
        // The offer Ann held goes to Bob.
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Offer { agent, chat, .. } if agent == "bob" && chat.conv_id == "c2"))
        );
        assert_eq!(engine.load_of("ann"), 0);
        assert!(engine.available_per_queue().get("sales") == Some(&1));
    }

    #[test]
    fn an_agent_taken_off_a_queue_loses_its_offer_and_no_longer_gets_its_chats() {
        let now = Instant::now();
        let mut engine = Engine::default();
        engine.agent_connected("ann", queues(&["sales", "support"]), 1, now);
        engine.enqueue(chat("c1", "sales"), Timeouts::default(), now);
        let effects = engine.agent_changed("ann", queues(&["support"]), 1, now);
        assert_eq!(
            effects,
            vec![Effect::OfferTimedOut {
                agent: "ann".into(),
                conv_id: "c1".into()
            }]
        );
        assert!(engine.offers_of("ann").is_empty());
        // Put back on the queue, she is offered the chat again.
        let effects = engine.agent_changed("ann", queues(&["sales"]), 1, now);
        assert!(matches!(&effects[..], [Effect::Offer { agent, .. }] if agent == "ann"));
    }
}
