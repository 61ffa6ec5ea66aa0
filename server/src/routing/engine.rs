//! The routing engine: which agent is offered which chat, and when offers and waits time out.
//!
//! It is a plain state machine: no I/O, no clock of its own. Every call takes `now` and returns
//! the [`Effect`]s the caller must carry out (pushes, database updates), and
//! [`Engine::next_deadline`] says when to call [`Engine::tick`] next. That makes every timeout
//! testable with made-up instants, and keeps the rules in one place.
//!
//! The rules:
//! - an agent is available to their queues while at least one of their sockets is open and they
//!   have not set themselves away;
//! - a chat is offered to one agent at a time: among available agents of its queue with spare
//!   capacity (active chats + the offer in hand < maximum), the least busy, then the longest idle,
//!   and never one who rejected this chat;
//! - an agent holds at most one offer at a time;
//! - an offer not answered within the queue's answer timeout is withdrawn (the agent is told)
//!   and moves on to the next agent; when every agent has had a turn, the round starts again;
//! - a chat nobody accepted within the queue timeout is missed (the visitor is told);
//! - an agent who goes away or disconnects mid-offer loses the offer, which moves on at once;
//! - an ended chat frees its agent's capacity, and waiting chats are offered again.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

mod position;
mod staff;
mod transfer;

pub use position::{QueueLength, QueueMove};
pub use transfer::{Transfer, TransferError};

use tokio::time::Instant;

/// Something the caller must do because the engine decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Offer the chat to the agent (push CHAT_ROUTE_TO_AGENT); they have `answer_within`.
    Offer {
        agent: String,
        chat: ChatRef,
        answer_within: Duration,
    },
    /// The agent's offer was withdrawn: it timed out (push TIMEOUT_ROUTE_TO_AGENT).
    OfferTimedOut { agent: String, conv_id: String },
    /// Nobody took the chat in time (mark it missed, push TIMEOUT_ROUTE_TO_QUEUE to the visitor).
    Missed { chat: ChatRef },
    /// A transfer request lapsed because its receiver went offline (tell the sender: push
    /// CHAT_CONFIRM_TRANSFER_REQUEST with `answer: false`).
    TransferDropped {
        from: String,
        to: String,
        conv_id: String,
    },
}

/// What identifies a waiting chat to an agent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChatRef {
    pub conv_id: String,
    pub queue_id: String,
    /// The queue's name, shown to agents.
    pub queue_name: String,
    pub visitor_id: String,
    pub visitor_name: String,
}

/// Why an answer was refused.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize,
)]
pub enum AnswerError {
    /// The chat is not waiting (taken, ended, missed or unknown).
    #[error("this chat is no longer waiting for an agent")]
    NotWaiting,
    /// The chat is waiting, but this agent does not hold its offer (it timed out or moved on).
    #[error("this chat is not offered to you (the offer may have timed out)")]
    NotOffered,
}

/// Timeouts of a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Timeouts {
    /// How long one agent has to answer an offer.
    pub answer: Duration,
    /// How long a chat may wait for any agent.
    pub queue: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            answer: Duration::from_secs(15),
            queue: Duration::from_secs(60),
        }
    }
}

#[derive(Debug)]
struct Agent {
    queues: HashSet<String>,
    max_chats: usize,
    sockets: usize,
    away: bool,
    active: HashSet<String>,
    offer: Option<String>,
    idle_since: Instant,
}

impl Agent {
    fn available(&self) -> bool {
        self.sockets > 0 && !self.away
    }

    fn has_room(&self) -> bool {
        self.offer.is_none() && self.active.len() < self.max_chats
    }
}

#[derive(Debug)]
struct Waiting {
    chat: ChatRef,
    timeouts: Timeouts,
    enqueued: Instant,
    deadline: Instant,
    offer: Option<(String, Instant)>,
    rejected: HashSet<String>,
    had_turn: HashSet<String>,
}

/// The routing state of one node.
#[derive(Debug, Default)]
pub struct Engine {
    agents: HashMap<String, Agent>,
    waiting: HashMap<String, Waiting>,
    /// Active chat → its agent, to free capacity when it ends.
    serving: HashMap<String, String>,
    /// Chat → the transfer waiting for its receiver's answer.
    transfers: HashMap<String, Transfer>,
    /// The waits of each queue's recently answered chats, for the estimates.
    answer_times: position::AnswerTimes,
    /// Waiting chat → the place and estimate its visitor was last told.
    reported: HashMap<String, (usize, Option<Duration>)>,
    /// The queue lengths the online agents were last told, and those agents (sorted).
    told_lengths: Vec<QueueLength>,
    told_agents: Vec<String>,
}

impl Engine {
    /// A socket of `agent` opened; `queues` are the queues they serve.
    pub fn agent_connected(
        &mut self,
        agent: &str,
        queues: HashSet<String>,
        max_chats: usize,
        now: Instant,
    ) -> Vec<Effect> {
        let entry = self.agent_entry(agent, max_chats, now);
        entry.queues = queues;
        entry.max_chats = max_chats.max(1);
        entry.sockets += 1;
        // A new socket (another console tab) is told the queue lengths too.
        self.told_agents.retain(|a| a != agent);
        self.dispatch(now)
    }

    /// Records chats `agent` already serves (from the database, after a restart), so that they
    /// count against the agent's capacity. Call before [`Engine::agent_connected`].
    pub fn restore_chats(&mut self, agent: &str, chats: &[String], max_chats: usize, now: Instant) {
        let entry = self.agent_entry(agent, max_chats, now);
        entry.active.extend(chats.iter().cloned());
        for chat in chats {
            self.serving.insert(chat.clone(), agent.to_string());
        }
    }

    fn agent_entry(&mut self, agent: &str, max_chats: usize, now: Instant) -> &mut Agent {
        self.agents
            .entry(agent.to_string())
            .or_insert_with(|| Agent {
                queues: HashSet::new(),
                max_chats,
                sockets: 0,
                away: false,
                active: HashSet::new(),
                offer: None,
                idle_since: now,
            })
    }

    /// A socket of `agent` closed; when it was the last, their offer moves on.
    pub fn agent_disconnected(&mut self, agent: &str, now: Instant) -> Vec<Effect> {
        let Some(entry) = self.agents.get_mut(agent) else {
            return Vec::new();
        };
        entry.sockets = entry.sockets.saturating_sub(1);
        if entry.sockets > 0 {
            return Vec::new();
        }
        self.withdraw_offer(agent);
        let dropped: Vec<String> = self
            .transfers
            .iter()
            .filter(|(_, t)| t.to == agent)
            .map(|(conv, _)| conv.clone())
            .collect();
        let mut effects: Vec<Effect> = dropped
            .into_iter()
            .filter_map(|conv| self.transfers.remove(&conv))
            .map(|t| Effect::TransferDropped {
                from: t.from,
                to: t.to,
                conv_id: t.chat.conv_id,
            })
            .collect();
        effects.extend(self.dispatch(now));
        effects
    }

    /// An ended chat is active again with `agent` (AGENT_CONTINUE_CHATTING).
    pub fn chat_resumed(&mut self, conv_id: &str, agent: &str) {
        self.serving.insert(conv_id.to_string(), agent.to_string());
        if let Some(entry) = self.agents.get_mut(agent) {
            entry.active.insert(conv_id.to_string());
        }
    }

    /// The agents with at least one socket open (away or not), in no order.
    pub fn online_agents(&self) -> Vec<String> {
        self.agents
            .iter()
            .filter(|(_, agent)| agent.sockets > 0)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// How many chats wait in each queue now (queues with none left out).
    pub fn waiting_per_queue(&self) -> std::collections::BTreeMap<String, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for waiting in self.waiting.values() {
            *counts.entry(waiting.chat.queue_id.clone()).or_default() += 1;
        }
        counts
    }

    /// How many agents are available to each queue now (for the chat profile).
    pub fn available_per_queue(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for agent in self.agents.values().filter(|a| a.available()) {
            for queue in &agent.queues {
                *counts.entry(queue.clone()).or_default() += 1;
            }
        }
        counts
    }

    /// The agent sets themselves away (`false`) or available (`true`).
    pub fn set_available(&mut self, agent: &str, available: bool, now: Instant) -> Vec<Effect> {
        let Some(entry) = self.agents.get_mut(agent) else {
            return Vec::new();
        };
        entry.away = !available;
        if available {
            entry.idle_since = entry.idle_since.min(now);
        } else {
            self.withdraw_offer(agent);
        }
        self.dispatch(now)
    }

    /// A new chat waits in its queue.
    pub fn enqueue(&mut self, chat: ChatRef, timeouts: Timeouts, now: Instant) -> Vec<Effect> {
        self.enqueue_waited(chat, timeouts, Duration::ZERO, now)
    }

    /// Like [`Engine::enqueue`] for a chat that has waited `waited` already (a routing node
    /// taking over the queue from one that stopped): it keeps its place among the waiting and
    /// what is left of its queue timeout.
    pub fn enqueue_waited(
        &mut self,
        chat: ChatRef,
        timeouts: Timeouts,
        waited: Duration,
        now: Instant,
    ) -> Vec<Effect> {
        self.waiting.entry(chat.conv_id.clone()).or_insert(Waiting {
            chat,
            timeouts,
            enqueued: now.checked_sub(waited).unwrap_or(now),
            deadline: now + timeouts.queue.saturating_sub(waited),
            offer: None,
            rejected: HashSet::new(),
            had_turn: HashSet::new(),
        });
        self.dispatch(now)
    }

    /// The agent accepts (`true`) or rejects the chat offered to them. On acceptance the chat
    /// is theirs (the caller records it); on rejection it moves on.
    pub fn answer(
        &mut self,
        agent: &str,
        conv_id: &str,
        accept: bool,
        now: Instant,
    ) -> Result<(ChatRef, Vec<Effect>), AnswerError> {
        let waiting = self
            .waiting
            .get_mut(conv_id)
            .ok_or(AnswerError::NotWaiting)?;
        if waiting.offer.as_ref().map(|(a, _)| a.as_str()) != Some(agent) {
            return Err(AnswerError::NotOffered);
        }
        waiting.offer = None;
        let chat = waiting.chat.clone();
        if let Some(entry) = self.agents.get_mut(agent) {
            entry.offer = None;
        }
        if accept {
            if let Some(waiting) = self.waiting.remove(conv_id) {
                let waited = now.saturating_duration_since(waiting.enqueued);
                self.answer_times.record(&waiting.chat.queue_id, waited);
            }
            self.serving.insert(conv_id.to_string(), agent.to_string());
            if let Some(entry) = self.agents.get_mut(agent) {
                entry.active.insert(conv_id.to_string());
            }
        } else {
            waiting.rejected.insert(agent.to_string());
        }
        Ok((chat, self.dispatch(now)))
    }

    /// The chat ended (or was transferred away from its agent): capacity is freed.
    pub fn chat_ended(&mut self, conv_id: &str, now: Instant) -> Vec<Effect> {
        self.transfers.remove(conv_id);
        if let Some(waiting) = self.waiting.remove(conv_id)
            && let Some((agent, _)) = waiting.offer
            && let Some(entry) = self.agents.get_mut(&agent)
        {
            entry.offer = None;
        }
        if let Some(agent) = self.serving.remove(conv_id)
            && let Some(entry) = self.agents.get_mut(&agent)
        {
            entry.active.remove(conv_id);
            entry.idle_since = now;
        }
        self.dispatch(now)
    }

    /// The chats currently offered to `agent` (for CHAT_REQUEST_LOAD).
    pub fn offers_of(&self, agent: &str) -> Vec<ChatRef> {
        self.agents
            .get(agent)
            .and_then(|a| a.offer.as_ref())
            .and_then(|conv| self.waiting.get(conv))
            .map(|w| vec![w.chat.clone()])
            .unwrap_or_default()
    }

    /// How many chats `agent` serves now.
    pub fn load_of(&self, agent: &str) -> usize {
        self.agents.get(agent).map_or(0, |a| a.active.len())
    }

    /// When [`Engine::tick`] has something to do next.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.waiting
            .values()
            .flat_map(|w| [Some(w.deadline), w.offer.as_ref().map(|(_, d)| *d)])
            .flatten()
            .min()
    }

    /// Applies every timeout due at `now`.
    pub fn tick(&mut self, now: Instant) -> Vec<Effect> {
        let mut effects = Vec::new();
        let missed: Vec<String> = self
            .waiting
            .iter()
            .filter(|(_, w)| w.deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for conv_id in missed {
            effects.extend(self.miss(&conv_id));
        }
        for waiting in self.waiting.values_mut() {
            let Some((agent, deadline)) = waiting.offer.clone() else {
                continue;
            };
            if deadline <= now {
                waiting.offer = None;
                if let Some(entry) = self.agents.get_mut(&agent) {
                    entry.offer = None;
                }
                effects.push(Effect::OfferTimedOut {
                    agent,
                    conv_id: waiting.chat.conv_id.clone(),
                });
            }
        }
        effects.extend(self.dispatch(now));
        effects
    }

    /// The waiting chat is missed now: its offer, if any, is withdrawn (the agent is told) and
    /// the visitor is told.
    fn miss(&mut self, conv_id: &str) -> Vec<Effect> {
        let Some(waiting) = self.waiting.remove(conv_id) else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        if let Some((agent, _)) = waiting.offer {
            if let Some(entry) = self.agents.get_mut(&agent) {
                entry.offer = None;
            }
            effects.push(Effect::OfferTimedOut {
                agent,
                conv_id: conv_id.to_string(),
            });
        }
        effects.push(Effect::Missed { chat: waiting.chat });
        effects
    }

    fn withdraw_offer(&mut self, agent: &str) {
        let Some(conv) = self.agents.get_mut(agent).and_then(|a| a.offer.take()) else {
            return;
        };
        if let Some(waiting) = self.waiting.get_mut(&conv) {
            waiting.offer = None;
        }
    }

    /// Offers every waiting chat without an offer to the best free agent, oldest chat first.
    fn dispatch(&mut self, now: Instant) -> Vec<Effect> {
        let mut order: Vec<(Instant, String)> = self
            .waiting
            .iter()
            .filter(|(_, w)| w.offer.is_none())
            .map(|(id, w)| (w.enqueued, id.clone()))
            .collect();
        order.sort();
        let mut effects = Vec::new();
        for (_, conv_id) in order {
            let waiting = self.waiting.get_mut(&conv_id).expect("listed above");
            let eligible = |name: &String, agent: &Agent| {
                agent.available()
                    && agent.has_room()
                    && agent.queues.contains(&waiting.chat.queue_id)
                    && !waiting.rejected.contains(name)
            };
            let pick = |agents: &HashMap<String, Agent>, had_turn: &HashSet<String>| {
                agents
                    .iter()
                    .filter(|(name, agent)| eligible(name, agent) && !had_turn.contains(*name))
                    .min_by_key(|(name, agent)| {
                        (agent.active.len(), agent.idle_since, (*name).clone())
                    })
                    .map(|(name, _)| name.clone())
            };
            let chosen = match pick(&self.agents, &waiting.had_turn) {
                Some(agent) => Some(agent),
                // Everyone eligible has had a turn: start a new round.
                None if !waiting.had_turn.is_empty() => {
                    waiting.had_turn.clear();
                    pick(&self.agents, &waiting.had_turn)
                }
                None => None,
            };
            let Some(agent) = chosen else {
                continue;
            };
            waiting.had_turn.insert(agent.clone());
            waiting.offer = Some((agent.clone(), now + waiting.timeouts.answer));
            self.agents
                .get_mut(&agent)
                .expect("picked from agents")
                .offer = Some(conv_id.clone());
            effects.push(Effect::Offer {
                agent,
                chat: waiting.chat.clone(),
                answer_within: waiting.timeouts.answer,
            });
        }
        effects
    }
}

#[cfg(test)]
mod tests;
