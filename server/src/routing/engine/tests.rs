//! The routing engine's rules, with made-up instants.

use super::*;

const ANSWER: Duration = Duration::from_secs(15);
const QUEUE: Duration = Duration::from_secs(60);

fn chat(id: &str, queue: &str) -> ChatRef {
    ChatRef {
        conv_id: id.into(),
        queue_id: queue.into(),
        queue_name: queue.to_uppercase(),
        visitor_id: format!("visitor-{id}"),
        visitor_name: "Ann".into(),
    }
}

fn queues(names: &[&str]) -> HashSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn offer(agent: &str, conv: &str, queue: &str) -> Effect {
    Effect::Offer {
        agent: agent.into(),
        chat: chat(conv, queue),
        answer_within: ANSWER,
    }
}

fn timeouts() -> Timeouts {
    Timeouts {
        answer: ANSWER,
        queue: QUEUE,
    }
}

#[test]
fn a_chat_taken_over_keeps_its_place_and_what_is_left_of_its_queue_timeout() {
    let t0 = Instant::now() + Duration::from_secs(100);
    let mut engine = Engine::default();
    // Restored in the wrong order: the one that waited longer is still first in line.
    engine.enqueue_waited(chat("new", "sales"), timeouts(), Duration::from_secs(5), t0);
    engine.enqueue_waited(
        chat("old", "sales"),
        timeouts(),
        Duration::from_secs(50),
        t0,
    );
    let effects = engine.agent_connected("ann", queues(&["sales"]), 1, t0);
    assert_eq!(effects, [offer("ann", "old", "sales")]);
    // Ten seconds were left of the old chat's minute; the new one has 55.
    let at = |secs| t0 + Duration::from_secs(secs);
    assert!(engine.tick(at(9)).is_empty());
    let missed = engine.tick(at(10));
    assert!(
        missed.contains(&Effect::Missed {
            chat: chat("old", "sales")
        }),
        "{missed:?}"
    );
    assert!(
        !engine
            .tick(at(54))
            .iter()
            .any(|e| matches!(e, Effect::Missed { .. }))
    );
    assert!(engine.tick(at(55)).contains(&Effect::Missed {
        chat: chat("new", "sales")
    }));
}

#[test]
fn a_chat_goes_to_the_least_busy_then_longest_idle_agent() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.agent_connected("bob", queues(&["sales"]), 3, t0 + Duration::from_secs(5));
    engine.agent_connected("alice", queues(&["sales"]), 3, t0);
    let effects = engine.enqueue(
        chat("c1", "sales"),
        timeouts(),
        t0 + Duration::from_secs(10),
    );
    assert_eq!(
        effects,
        [offer("alice", "c1", "sales")],
        "alice has been idle longest"
    );
    engine
        .answer("alice", "c1", true, t0 + Duration::from_secs(11))
        .unwrap();
    let effects = engine.enqueue(
        chat("c2", "sales"),
        timeouts(),
        t0 + Duration::from_secs(12),
    );
    assert_eq!(
        effects,
        [offer("bob", "c2", "sales")],
        "bob serves fewer chats"
    );
}

#[test]
fn an_unanswered_offer_times_out_for_that_agent_and_moves_to_the_next() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.agent_connected("alice", queues(&["sales"]), 3, t0);
    engine.agent_connected("bob", queues(&["sales"]), 3, t0 + Duration::from_secs(1));
    assert_eq!(
        engine.enqueue(chat("c1", "sales"), timeouts(), t0),
        [offer("alice", "c1", "sales")]
    );
    assert_eq!(engine.next_deadline(), Some(t0 + ANSWER));
    assert_eq!(engine.tick(t0 + ANSWER - Duration::from_millis(1)), []);
    let effects = engine.tick(t0 + ANSWER);
    assert_eq!(
        effects,
        [
            Effect::OfferTimedOut {
                agent: "alice".into(),
                conv_id: "c1".into()
            },
            offer("bob", "c1", "sales"),
        ]
    );
    assert_eq!(
        engine.answer("alice", "c1", true, t0 + ANSWER),
        Err(AnswerError::NotOffered)
    );
    assert!(engine.answer("bob", "c1", true, t0 + ANSWER).is_ok());
}

#[test]
fn a_chat_nobody_takes_is_missed_at_the_queue_timeout() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.agent_connected("alice", queues(&["sales"]), 3, t0);
    engine.enqueue(chat("c1", "sales"), timeouts(), t0);
    let mut now = t0;
    let mut offers_to_alice = 1;
    while now < t0 + QUEUE {
        now = engine.next_deadline().unwrap();
        for effect in engine.tick(now) {
            match effect {
                Effect::Offer { .. } => offers_to_alice += 1,
                Effect::Missed { chat: missed } => {
                    assert_eq!(missed, chat("c1", "sales"));
                    assert_eq!(now, t0 + QUEUE);
                }
                Effect::OfferTimedOut { .. } => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(
        offers_to_alice, 4,
        "the only agent gets a new turn every answer timeout"
    );
    assert_eq!(engine.next_deadline(), None);
    assert_eq!(
        engine.answer("alice", "c1", true, now),
        Err(AnswerError::NotWaiting)
    );
}

#[test]
fn a_chat_waits_when_nobody_is_available_and_is_offered_when_someone_comes() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    assert_eq!(engine.enqueue(chat("c1", "sales"), timeouts(), t0), []);
    assert_eq!(
        engine.agent_connected("carol", queues(&["support"]), 3, t0),
        [],
        "wrong queue"
    );
    let effects =
        engine.agent_connected("alice", queues(&["sales"]), 3, t0 + Duration::from_secs(3));
    assert_eq!(effects, [offer("alice", "c1", "sales")]);
}

#[test]
fn rejecting_moves_the_offer_on_and_the_rejecter_is_not_asked_again() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.agent_connected("alice", queues(&["sales"]), 3, t0);
    engine.agent_connected("bob", queues(&["sales"]), 3, t0 + Duration::from_secs(1));
    engine.enqueue(chat("c1", "sales"), timeouts(), t0);
    let (_, effects) = engine.answer("alice", "c1", false, t0).unwrap();
    assert_eq!(effects, [offer("bob", "c1", "sales")]);
    let effects = engine.tick(t0 + ANSWER);
    assert_eq!(
        effects,
        [
            Effect::OfferTimedOut {
                agent: "bob".into(),
                conv_id: "c1".into()
            },
            offer("bob", "c1", "sales")
        ]
    );
}

#[test]
fn an_agent_who_disconnects_or_goes_away_mid_offer_does_not_strand_the_chat() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.agent_connected("alice", queues(&["sales"]), 3, t0);
    engine.agent_connected("alice", queues(&["sales"]), 3, t0); // a second tab
    engine.agent_connected("bob", queues(&["sales"]), 3, t0 + Duration::from_secs(1));
    engine.enqueue(chat("c1", "sales"), timeouts(), t0);
    assert_eq!(
        engine.agent_disconnected("alice", t0),
        [],
        "one tab of two closed: still there"
    );
    assert_eq!(
        engine.agent_disconnected("alice", t0),
        [offer("bob", "c1", "sales")]
    );
    assert_eq!(engine.set_available("bob", false, t0), []);
    assert_eq!(
        engine.set_available("bob", true, t0),
        [offer("bob", "c1", "sales")]
    );
}

#[test]
fn capacity_limits_offers_and_an_ended_chat_frees_it() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.agent_connected("alice", queues(&["sales"]), 1, t0);
    engine.enqueue(chat("c1", "sales"), timeouts(), t0);
    engine.answer("alice", "c1", true, t0).unwrap();
    assert_eq!(engine.load_of("alice"), 1);
    assert_eq!(
        engine.enqueue(chat("c2", "sales"), timeouts(), t0),
        [],
        "alice is full"
    );
    assert_eq!(
        engine.chat_ended("c1", t0 + Duration::from_secs(2)),
        [offer("alice", "c2", "sales")]
    );
    assert_eq!(engine.offers_of("alice"), [chat("c2", "sales")]);
}

#[test]
fn an_agent_holds_one_offer_at_a_time_and_chats_are_offered_oldest_first() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.agent_connected("alice", queues(&["sales"]), 3, t0);
    engine.enqueue(chat("c1", "sales"), timeouts(), t0);
    assert_eq!(
        engine.enqueue(chat("c2", "sales"), timeouts(), t0 + Duration::from_secs(1)),
        []
    );
    let (_, effects) = engine
        .answer("alice", "c1", true, t0 + Duration::from_secs(2))
        .unwrap();
    assert_eq!(effects, [offer("alice", "c2", "sales")]);
}

fn transfer(conv: &str, from: &str, to: &str) -> Transfer {
    Transfer {
        chat: chat(conv, "sales"),
        from: from.into(),
        to: to.into(),
    }
}

#[test]
fn a_transfer_moves_the_chat_and_its_capacity_once_the_receiver_accepts() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.agent_connected("alice", queues(&["sales"]), 1, t0);
    engine.agent_connected("bob", queues(&["sales"]), 1, t0);
    engine.enqueue(chat("c1", "sales"), timeouts(), t0);
    let offered = engine.offers_of("alice").len() + engine.offers_of("bob").len();
    assert_eq!(offered, 1);
    let (from, to) = if engine.offers_of("alice").is_empty() {
        ("bob", "alice")
    } else {
        ("alice", "bob")
    };
    engine.answer(from, "c1", true, t0).unwrap();
    assert_eq!(
        engine.request_transfer(transfer("c1", to, from)),
        Err(TransferError::NotYours),
        "only the chat's agent transfers it"
    );
    engine.request_transfer(transfer("c1", from, to)).unwrap();
    assert_eq!(engine.transfers_to(to).len(), 1);
    assert_eq!(
        engine.answer_transfer(from, "c1", true, t0).unwrap_err(),
        TransferError::NotOffered
    );
    engine.answer_transfer(to, "c1", true, t0).unwrap();
    assert_eq!((engine.load_of(from), engine.load_of(to)), (0, 1));
    assert!(engine.transfers_to(to).is_empty());
    // Capacity is full on the receiver now: a transfer back to them is refused.
    engine.enqueue(chat("c2", "sales"), timeouts(), t0);
    engine.answer(from, "c2", true, t0).unwrap();
    assert_eq!(
        engine.request_transfer(transfer("c2", from, to)),
        Err(TransferError::Unavailable)
    );
}

#[test]
fn a_transfer_to_an_agent_who_leaves_is_dropped_and_the_sender_told() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.agent_connected("alice", queues(&["sales"]), 3, t0);
    engine.enqueue(chat("c1", "sales"), timeouts(), t0);
    engine.answer("alice", "c1", true, t0).unwrap();
    engine.agent_connected("bob", queues(&["sales"]), 3, t0);
    engine
        .request_transfer(transfer("c1", "alice", "bob"))
        .unwrap();
    let effects = engine.agent_disconnected("bob", t0);
    assert_eq!(
        effects,
        [Effect::TransferDropped {
            from: "alice".into(),
            to: "bob".into(),
            conv_id: "c1".into()
        }]
    );
    assert_eq!(engine.load_of("alice"), 1, "the chat stays with alice");
}

#[test]
fn chats_restored_after_a_restart_count_against_capacity() {
    let t0 = Instant::now();
    let mut engine = Engine::default();
    engine.restore_chats("alice", &["old".to_string()], 1, t0);
    engine.agent_connected("alice", queues(&["sales"]), 1, t0);
    assert_eq!(engine.load_of("alice"), 1);
    assert_eq!(engine.enqueue(chat("c1", "sales"), timeouts(), t0), []);
    engine.chat_ended("old", t0);
    assert_eq!(engine.offers_of("alice"), [chat("c1", "sales")]);
}

/// The moves, as (chat, place, estimate in seconds), by chat.
fn places(mut moves: Vec<QueueMove>) -> Vec<(String, usize, Option<u64>)> {
    moves.sort_by(|a, b| a.chat.conv_id.cmp(&b.chat.conv_id));
    moves
        .into_iter()
        .map(|m| (m.chat.conv_id, m.position, m.estimate.map(|e| e.as_secs())))
        .collect()
}

fn place(conv: &str, position: usize, estimate: Option<u64>) -> (String, usize, Option<u64>) {
    (conv.to_string(), position, estimate)
}

#[test]
fn waiting_chats_are_told_their_place_and_an_estimate_from_the_queue_s_recent_answers() {
    let t0 = Instant::now() + Duration::from_secs(100);
    let at = |s: u64| t0 + Duration::from_secs(s);
    let mut engine = Engine::default();
    engine.enqueue(chat("c1", "sales"), timeouts(), at(0));
    engine.enqueue(chat("c2", "sales"), timeouts(), at(1));
    engine.enqueue(chat("c3", "support"), timeouts(), at(2));
    engine.enqueue(chat("c4", "sales"), timeouts(), at(3));
    // Places count within each queue, oldest first; no answer yet, so no estimate.
    assert_eq!(
        places(engine.queue_moves()),
        [
            place("c1", 1, None),
            place("c2", 2, None),
            place("c3", 1, None),
            place("c4", 3, None)
        ]
    );
    // Nothing changed, nothing to tell.
    assert!(engine.queue_moves().is_empty());
    // Unless a visitor's socket is back (a reload): their place is told again, theirs only.
    engine.retell_places("visitor-c2");
    assert_eq!(places(engine.queue_moves()), [place("c2", 2, None)]);
    engine.retell_places("visitor-nobody");
    assert!(engine.queue_moves().is_empty());

    // Alice comes at 20 s and takes c1, which waited 20 s; c2 is offered to her next, and an
    // offered chat still waits in line.
    let effects = engine.agent_connected("alice", queues(&["sales"]), 3, at(20));
    assert_eq!(effects, vec![offer("alice", "c1", "sales")]);
    assert!(engine.queue_moves().is_empty());
    let (_, effects) = engine.answer("alice", "c1", true, at(20)).unwrap();
    assert_eq!(effects, vec![offer("alice", "c2", "sales")]);
    // Sales moved up, with the median wait of its answers (20 s) per place; support did not.
    assert_eq!(
        places(engine.queue_moves()),
        [place("c2", 1, Some(20)), place("c4", 2, Some(40))]
    );

    // c2 is taken after 41 s: the median of 20 and 41 is 41 (the upper one of two).
    engine.answer("alice", "c2", true, at(42)).unwrap();
    assert_eq!(places(engine.queue_moves()), [place("c4", 1, Some(41))]);

    // A chat that leaves the queue (missed at its timeout) moves the others up too.
    engine.enqueue(chat("c5", "support"), timeouts(), at(50));
    assert_eq!(places(engine.queue_moves()), [place("c5", 2, None)]);
    engine.tick(at(62));
    assert_eq!(places(engine.queue_moves()), [place("c5", 1, None)]);
}

#[test]
fn agents_are_told_the_queue_lengths_when_they_change_and_when_they_come_online() {
    let t0 = Instant::now() + Duration::from_secs(100);
    let at = |s: u64| t0 + Duration::from_secs(s);
    let lengths = |told: Option<(Vec<String>, Vec<QueueLength>)>| {
        told.map(|(to, lengths)| {
            let lengths: Vec<(String, usize)> = lengths
                .into_iter()
                .map(|l| (l.queue_name, l.waiting))
                .collect();
            (to, lengths)
        })
    };
    let mut engine = Engine::default();
    // Nobody online: nobody to tell.
    engine.enqueue(chat("c1", "sales"), timeouts(), at(0));
    assert_eq!(lengths(engine.queue_lengths()), None);
    // Bob comes (serving support only, so sales keeps waiting): he is told.
    engine.agent_connected("bob", queues(&["support"]), 3, at(1));
    assert_eq!(
        lengths(engine.queue_lengths()),
        Some((vec!["bob".to_string()], vec![("SALES".to_string(), 1)]))
    );
    assert_eq!(lengths(engine.queue_lengths()), None);
    // Two more chats: every online agent is told, queues by name.
    engine.enqueue(chat("c2", "support"), timeouts(), at(2));
    engine.answer("bob", "c2", true, at(3)).unwrap();
    engine.enqueue(chat("c3", "sales"), timeouts(), at(4));
    assert_eq!(
        lengths(engine.queue_lengths()),
        Some((vec!["bob".to_string()], vec![("SALES".to_string(), 2)]))
    );
    // Alice comes: only she needs telling; then the queue empties and both are told.
    engine.agent_connected("alice", queues(&["sales"]), 3, at(5));
    assert_eq!(
        lengths(engine.queue_lengths()),
        Some((vec!["alice".to_string()], vec![("SALES".to_string(), 2)]))
    );
    // Another console tab of Alice's: she is told again.
    engine.agent_connected("alice", queues(&["sales"]), 3, at(5));
    assert_eq!(
        lengths(engine.queue_lengths()),
        Some((vec!["alice".to_string()], vec![("SALES".to_string(), 2)]))
    );
    engine.answer("alice", "c1", true, at(6)).unwrap();
    engine.answer("alice", "c3", true, at(7)).unwrap();
    assert_eq!(
        lengths(engine.queue_lengths()),
        Some((vec!["alice".to_string(), "bob".to_string()], vec![]))
    );
}
