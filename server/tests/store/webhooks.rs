//! The webhooks' outbox: each event is written, in the transaction of its change, for the
//! enabled endpoints that asked for it; claims go in order per conversation, one node at a
//! time; attempts are recorded, retried, given up after a day, sent again on request.

use std::sync::Arc;

use parlor_server::store::webhook::EVENTS;
use parlor_server::store::{NewMessage, NewTicket, Outcome, Status, Store};
use serde_json::Value;

use super::*;

pub async fn the_outbox_holds_each_event_for_the_endpoints_that_asked_and_sends_in_order(
    store: Arc<dyn Store>,
) {
    store.create_portal(&new_portal("a")).await.unwrap();
    store
        .save_webhook(&endpoint("wh-all", &EVENTS, true))
        .await
        .unwrap();
    store
        .save_webhook(&endpoint("wh-tickets", &["ticket.created"], true))
        .await
        .unwrap();
    store
        .save_webhook(&endpoint("wh-off", &EVENTS, false))
        .await
        .unwrap();
    assert_eq!(
        store.webhooks("portal-a").await.unwrap()[0].event_list(),
        EVENTS.to_vec()
    );

    // A chat from start to rating, and one nobody took, with a ticket after it.
    let served = chat(&store, "a", "ann").await;
    store.assign_agent(&served, "agent-bob-a").await.unwrap();
    for (sender, local, content) in [("ann", "1", "Hello"), ("agent-bob-a", "2", "Hi Ann")] {
        store
            .append_message(&text(&served, sender, local, content))
            .await
            .unwrap();
    }
    // A notification (type 100) is not a message anyone wrote.
    store
        .append_message(&NewMessage {
            kind: 100,
            local_db_id: None,
            ..text(&served, "agent-bob-a", "", "{}")
        })
        .await
        .unwrap();
    store
        .transfer_conversation(&served, "agent-bob-a", "agent-ann-a")
        .await
        .unwrap();
    store
        .finish_conversation(&served, Status::Ended, "ann")
        .await
        .unwrap();
    store.rate_conversation(&served, 1, "Quick").await.unwrap();
    let missed = chat(&store, "a", "ben").await;
    store
        .finish_conversation(&missed, Status::Missed, "system")
        .await
        .unwrap();
    store
        .create_ticket(&NewTicket {
            portal_id: "portal-a".into(),
            visitor_id: Some("ben".into()),
            conv_id: Some(missed.clone()),
            queue_id: Some("sales-a".into()),
            name: "Ben".into(),
            email: "ben@example.com".into(),
            phone: String::new(),
            note: "Call me".into(),
            fields: "[]".into(),
        })
        .await
        .unwrap();

    let mut all = store.deliveries("wh-all", 50).await.unwrap();
    all.reverse();
    let events: Vec<(&str, &str)> = all
        .iter()
        .map(|d| (d.event.as_str(), d.data.as_str()))
        .map(|(e, data)| {
            let data: Value = serde_json::from_str(data).unwrap();
            let conv = data["conversation_id"].as_str().unwrap_or_default();
            (e, if conv == served { "served" } else { "missed" })
        })
        .collect();
    assert_eq!(
        events,
        [
            ("chat.created", "served"),
            ("chat.accepted", "served"),
            ("message.created", "served"),
            ("message.created", "served"),
            ("chat.transferred", "served"),
            ("chat.ended", "served"),
            ("chat.rated", "served"),
            ("chat.created", "missed"),
            ("chat.missed", "missed"),
            ("ticket.created", "missed"),
        ]
    );
    let data = |i: usize| -> Value { serde_json::from_str(&all[i].data).unwrap() };
    assert_eq!(data(1)["agent"]["id"], "agent-bob-a");
    assert_eq!(data(1)["agent"]["name"], "bob");
    assert_eq!(data(2)["message"]["from"], "visitor");
    assert_eq!(data(2)["message"]["content"]["content"], "Hello");
    assert_eq!(data(3)["message"]["from"], "agent");
    assert_eq!(data(4)["from_agent_id"], "agent-bob-a");
    assert_eq!(data(4)["agent"]["id"], "agent-ann-a");
    assert_eq!(data(5)["answered"], true);
    assert_eq!(
        (data(6)["rating"].clone(), data(6)["comment"].clone()),
        ("good".into(), "Quick".into())
    );
    assert_eq!(data(8)["answered"], false);
    assert_eq!(data(9)["note"], "Call me");
    assert!(all.iter().all(|d| d.status == "pending" && d.attempts == 0));
    let tickets = store.deliveries("wh-tickets", 50).await.unwrap();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].event, "ticket.created");
    assert!(store.deliveries("wh-off", 50).await.unwrap().is_empty());

    // Claims: the oldest pending delivery of each endpoint and conversation only.
    let now = all.last().unwrap().created_at + 1_000;
    assert!(store.deliveries_due(now).await.unwrap());
    assert!(!store.deliveries_due(all[0].created_at - 1).await.unwrap());
    let claimed = store
        .claim_deliveries(now, now + 30_000, 100)
        .await
        .unwrap();
    let mut heads: Vec<(&str, &str)> = claimed
        .iter()
        .map(|d| (d.webhook_id.as_str(), d.event.as_str()))
        .collect();
    heads.sort();
    assert_eq!(
        heads,
        [
            ("wh-all", "chat.created"),
            ("wh-all", "chat.created"),
            ("wh-tickets", "ticket.created"),
        ]
    );
    assert!(claimed.iter().all(|d| d.attempts == 1));
    // Claimed, they are another node's until the lease ends; the rest waits behind them.
    assert!(
        store
            .claim_deliveries(now, now + 30_000, 100)
            .await
            .unwrap()
            .is_empty()
    );
    // A node alone, starting, takes back the claims a killed process left: due again at once.
    assert_eq!(store.release_claims().await.unwrap(), claimed.len() as u64);
    let retaken = store
        .claim_deliveries(now, now + 30_000, 100)
        .await
        .unwrap();
    assert_eq!(
        retaken
            .iter()
            .map(|d| (&d.id, d.attempts))
            .collect::<Vec<_>>(),
        claimed.iter().map(|d| (&d.id, 2)).collect::<Vec<_>>()
    );
    let first = claimed
        .iter()
        .find(|d| d.webhook_id == "wh-all" && d.data.contains(&served))
        .unwrap();
    store
        .finish_delivery(&first.id, &Outcome::Delivered { status: 204 }, now)
        .await
        .unwrap();
    let next = store
        .claim_deliveries(now, now + 30_000, 100)
        .await
        .unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].event, "chat.accepted");
    // A failure waits for its next attempt, and holds the chat's later events back.
    store
        .finish_delivery(
            &next[0].id,
            &Outcome::Failed {
                status: 503,
                error: "the receiver answered 503".into(),
                next_at: now + 10_000,
            },
            now,
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_deliveries(now + 5_000, now + 35_000, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_deliveries(now + 10_000, now + 40_000, 100)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].id.as_str(), again[0].attempts),
        (next[0].id.as_str(), 2)
    );
    // Past a day of retries it is marked failed, and the chat's next event goes.
    let day_later = next[0].created_at + 24 * 3_600_000;
    store
        .finish_delivery(
            &again[0].id,
            &Outcome::Failed {
                status: 0,
                error: "could not connect".into(),
                next_at: day_later + 1,
            },
            now + 10_000,
        )
        .await
        .unwrap();
    let failed = store.deliveries("wh-all", 50).await.unwrap();
    let failed = failed.iter().find(|d| d.id == next[0].id).unwrap();
    assert_eq!(
        (
            failed.status.as_str(),
            failed.last_status,
            failed.last_error.as_str()
        ),
        ("failed", 0, "could not connect")
    );
    let after = store
        .claim_deliveries(now + 20_000, now + 50_000, 100)
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].event, "message.created");
    // Sent again on request: pending, the same id, for another day.
    assert!(
        store
            .redeliver("wh-all", &failed.id, now + 30_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .redeliver("wh-tickets", &failed.id, now)
            .await
            .unwrap()
    );
    let resent = store.deliveries("wh-all", 50).await.unwrap();
    let resent = resent.iter().find(|d| d.id == failed.id).unwrap();
    assert_eq!(resent.status, "pending");
    assert_eq!(resent.expires_at, now + 30_000 + 24 * 3_600_000);
    // Deliveries are dropped with their endpoint.
    assert!(
        store
            .delete_webhook("portal-a", "wh-tickets")
            .await
            .unwrap()
    );
    assert!(store.deliveries("wh-tickets", 50).await.unwrap().is_empty());
    // Old finished ones are pruned; pending ones stay.
    assert_eq!(store.prune_deliveries(i64::MAX).await.unwrap(), 1);
    assert!(
        store
            .deliveries("wh-all", 50)
            .await
            .unwrap()
            .iter()
            .all(|d| d.status == "pending")
    );
}
