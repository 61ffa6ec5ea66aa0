//! Where each waiting chat stands in its queue, and about how long it has left to wait, for the
//! visitor's waiting screen.
//!
//! The place is the chat's rank among its queue's waiting chats, oldest first (a chat offered
//! to an agent still waits). The estimate is the place times the median wait of the queue's
//! last answered chats (none before the first answer): simple, and honest about being rough.
//! [`Engine::queue_moves`] reports only what changed since it was last called, and what a
//! visitor back on line asked to hear again ([`Engine::retell_places`]).

use std::collections::VecDeque;
use std::time::Duration;

use super::{ChatRef, Engine};

/// How many answered chats of a queue the estimate looks at.
const RECENT_ANSWERS: usize = 20;

/// A waiting chat's place changed (or its estimate did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueMove {
    pub chat: ChatRef,
    /// 1 for the next chat to be answered.
    pub position: usize,
    /// About how long until an agent answers, when the queue has answered chats lately.
    pub estimate: Option<Duration>,
}

/// The answered chats' waits of each queue, the newest last.
#[derive(Debug, Default)]
pub(super) struct AnswerTimes {
    per_queue: std::collections::HashMap<String, VecDeque<Duration>>,
}

impl AnswerTimes {
    /// A chat of `queue` was answered after waiting `waited`.
    pub(super) fn record(&mut self, queue: &str, waited: Duration) {
        let recent = self.per_queue.entry(queue.to_string()).or_default();
        if recent.len() == RECENT_ANSWERS {
            recent.pop_front();
        }
        recent.push_back(waited);
    }

    /// The median wait of the queue's recent answers.
    fn median(&self, queue: &str) -> Option<Duration> {
        let recent = self.per_queue.get(queue).filter(|r| !r.is_empty())?;
        let mut sorted: Vec<Duration> = recent.iter().copied().collect();
        sorted.sort();
        Some(sorted[sorted.len() / 2])
    }
}

impl Engine {
    /// The waiting chats whose place or estimate changed since the last call, in no particular
    /// order; chats no longer waiting are forgotten.
    pub fn queue_moves(&mut self) -> Vec<QueueMove> {
        let mut order: Vec<(&str, tokio::time::Instant, &str)> = self
            .waiting
            .iter()
            .map(|(id, w)| (w.chat.queue_id.as_str(), w.enqueued, id.as_str()))
            .collect();
        order.sort();
        let mut moves = Vec::new();
        let mut position = 0;
        let mut queue = "";
        for (queue_id, _, conv_id) in order {
            if queue_id != queue {
                queue = queue_id;
                position = 0;
            }
            position += 1;
            // Rounded to whole seconds, so that a told estimate is not told again.
            let estimate = self
                .answer_times
                .median(queue_id)
                .map(|median| Duration::from_secs(median.as_secs() * position as u64));
            if self.reported.get(conv_id) != Some(&(position, estimate)) {
                moves.push(QueueMove {
                    chat: self.waiting[conv_id].chat.clone(),
                    position,
                    estimate,
                });
            }
        }
        self.reported
            .retain(|conv_id, _| self.waiting.contains_key(conv_id));
        for moved in &moves {
            self.reported
                .insert(moved.chat.conv_id.clone(), (moved.position, moved.estimate));
        }
        moves
    }

    /// `visitor`'s socket is (back) up: their waiting chats' places are told again at the next
    /// [`Engine::queue_moves`], since a reload or a lost connection missed the last telling.
    pub fn retell_places(&mut self, visitor: &str) {
        let waiting = &self.waiting;
        self.reported.retain(|conv_id, _| {
            waiting
                .get(conv_id)
                .is_none_or(|w| w.chat.visitor_id != visitor)
        });
    }
}

/// How many chats wait in a queue, for the agents' console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueLength {
    pub queue_id: String,
    pub queue_name: String,
    pub waiting: usize,
}

impl Engine {
    /// The queues' lengths (queues with nobody waiting left out), and the online agents to tell
    /// them to: every online agent when a length changed, else those who opened a socket since
    /// the last call. `None` when nobody needs telling.
    pub fn queue_lengths(&mut self) -> Option<(Vec<String>, Vec<QueueLength>)> {
        let mut lengths: Vec<QueueLength> = Vec::new();
        for waiting in self.waiting.values() {
            match lengths
                .iter_mut()
                .find(|l| l.queue_id == waiting.chat.queue_id)
            {
                Some(length) => length.waiting += 1,
                None => lengths.push(QueueLength {
                    queue_id: waiting.chat.queue_id.clone(),
                    queue_name: waiting.chat.queue_name.clone(),
                    waiting: 1,
                }),
            }
        }
        lengths.sort_by(|a, b| a.queue_name.cmp(&b.queue_name));
        let mut online = self.online_agents();
        online.sort();
        let changed = lengths != self.told_lengths;
        let to: Vec<String> = if changed {
            online.clone()
        } else {
            online
                .iter()
                .filter(|a| self.told_agents.binary_search(a).is_err())
                .cloned()
                .collect()
        };
        self.told_agents = online;
        self.told_lengths = lengths.clone();
        (!to.is_empty()).then_some((to, lengths))
    }
}
