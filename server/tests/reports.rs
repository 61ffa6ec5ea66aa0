//! Reports against figures computed by hand, on a history seeded in the portal's zone
//! (Europe/Berlin) across midnight and the spring daylight-saving change (2026-03-29, 02:00
//! becomes 03:00): a chat at 00:15 local belongs to the next day though it is the day before in
//! UTC, and one at 03:30 local is in hour 3, not 2.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::socket::agent_token;
use parlor_server::store::{NewConversation, NewTicket, Store};

const S: i64 = 1_000;

/// `2026-03-DDTHH:MM:00Z` in ms.
fn utc(day: u32, hour: u32, minute: u32) -> i64 {
    let text = format!("2026-03-{day:02}T{hour:02}:{minute:02}:00Z");
    text.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

/// One seeded chat: when, where, who, and how it went.
struct Seed {
    id: &'static str,
    created: i64,
    queue: usize,
    /// The agent (index) who accepted, after how long; the first reply and the end after that.
    accepted: Option<(usize, i64, i64, i64)>,
    status: &'static str,
    rating: Option<(i64, &'static str, i64)>,
    transfers: i64,
    messages: i64,
}

async fn seed(server: &TestServer, store: &dyn Store, chats: &[Seed]) {
    let portal = store.first_portal().await.unwrap().unwrap();
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite:{}",
        server.data.path().join("parlor.db").display()
    ))
    .await
    .unwrap();
    for chat in chats {
        let queue = &server.facts.queues[chat.queue].id;
        store
            .create_conversation(&NewConversation {
                id: chat.id.into(),
                portal_id: portal.id.clone(),
                queue_id: queue.clone(),
                creator: format!("visitor-{}", chat.id),
                create_local_id: None,
                custom_data: String::new(),
            })
            .await
            .unwrap();
        let accepted = chat.accepted.map(|(agent, wait, first, end)| {
            let at = chat.created + wait;
            (
                server.facts.agents[agent].user_id.clone(),
                at,
                at + first,
                at + end,
            )
        });
        sqlx::query(
            "UPDATE conversations SET created_at = ?, status = ?, accepted_by = ?, \
             accepted_at = ?, first_response_at = ?, ended_at = ?, rating = ?, \
             rating_comment = ?, rated_at = ?, transfers = ?, messages = ? WHERE id = ?",
        )
        .bind(chat.created)
        .bind(chat.status)
        .bind(accepted.as_ref().map(|a| a.0.clone()))
        .bind(accepted.as_ref().map(|a| a.1))
        .bind(accepted.as_ref().map(|a| a.2))
        .bind(
            accepted
                .as_ref()
                .map(|a| a.3)
                .or((chat.status != "active").then_some(chat.created + 90 * S)),
        )
        .bind(chat.rating.map(|r| r.0))
        .bind(chat.rating.map(|r| r.1))
        .bind(chat.rating.map(|r| r.2))
        .bind(chat.transfers)
        .bind(chat.messages)
        .bind(chat.id)
        .execute(&db)
        .await
        .unwrap();
    }
    db.close().await;
}

fn history() -> Vec<Seed> {
    let chat = |id, created, queue, status| Seed {
        id,
        created,
        queue,
        accepted: None,
        status,
        rating: None,
        transfers: 0,
        messages: 1,
    };
    vec![
        // 23:30 on the 27th, local: before the range.
        chat("f-before", utc(27, 22, 30), 0, "missed"),
        // Saturday 23:30 local.
        Seed {
            accepted: Some((0, 60 * S, 20 * S, 600 * S)),
            rating: Some((1, "Great", utc(28, 23, 0))),
            messages: 4,
            ..chat("a", utc(28, 22, 30), 0, "ended")
        },
        // Sunday 00:15 local (still Saturday in UTC).
        Seed {
            accepted: Some((1, 120 * S, 40 * S, 300 * S)),
            rating: Some((0, "Slow", utc(28, 23, 30))),
            messages: 2,
            ..chat("b", utc(28, 23, 15), 0, "ended")
        },
        // Sunday 03:30 local, just after the clocks moved on: missed.
        chat("c", utc(29, 1, 30), 1, "missed"),
        // Sunday 23:45 local, transferred once.
        Seed {
            accepted: Some((0, 30 * S, 10 * S, 1200 * S)),
            transfers: 1,
            messages: 6,
            ..chat("d", utc(29, 21, 45), 1, "ended")
        },
        // Monday 00:10 local: the visitor left while waiting.
        chat("e", utc(29, 22, 10), 0, "ended"),
        // Tuesday 00:30 local: after the range.
        chat("g-after", utc(30, 22, 30), 0, "missed"),
    ]
}

fn figures(v: &Value) -> Vec<Value> {
    [
        "chats",
        "answered",
        "missed",
        "tickets",
        "wait_median_ms",
        "wait_p90_ms",
        "first_response_median_ms",
        "first_response_p90_ms",
        "duration_median_ms",
        "duration_p90_ms",
        "transfers",
        "rated_good",
        "rated_bad",
        "good_share",
    ]
    .iter()
    .map(|k| v[*k].clone())
    .collect()
}

#[tokio::test]
async fn reports_match_figures_computed_by_hand_across_midnight_and_daylight_saving() {
    let server = TestServer::start().await;
    let store = server.store().await;
    let portal = store.first_portal().await.unwrap().unwrap();
    store
        .configure_portal(&portal.id, "Mon-Sun 00:00-24:00 Europe/Berlin", "")
        .await
        .unwrap();
    seed(&server, store.as_ref(), &history()).await;
    let support = server.facts.queues[1].id.clone();
    let ticket = store
        .create_ticket(&NewTicket {
            portal_id: portal.id.clone(),
            visitor_id: None,
            conv_id: None,
            queue_id: Some(support.clone()),
            name: "Cat".into(),
            email: "cat@example.com".into(),
            phone: String::new(),
            note: "Call me".into(),
            fields: "[]".into(),
        })
        .await
        .unwrap();
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite:{}",
        server.data.path().join("parlor.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("UPDATE tickets SET created_at = ? WHERE id = ?")
        .bind(utc(29, 8, 0))
        .bind(&ticket.id)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;

    let admin = agent_token(&server, 0).await;
    let agent = agent_token(&server, 1).await;
    let path = "/v1/admin/reports?from=2026-03-28&to=2026-03-30";
    assert_eq!(
        server.call(Method::GET, path, Some(&agent), None).await.0,
        403
    );
    let (status, report) = server.call(Method::GET, path, Some(&admin), None).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["zone"], "Europe/Berlin");
    let n = Value::Null;
    // chats, answered, missed, tickets, wait median/p90, first response median/p90,
    // duration median/p90, transfers, good, bad, share good.
    assert_eq!(
        figures(&report["overall"]),
        [
            json!(5),
            json!(3),
            json!(2),
            json!(1),
            json!(60_000),
            json!(120_000),
            json!(20_000),
            json!(40_000),
            json!(600_000),
            json!(1_200_000),
            json!(1),
            json!(1),
            json!(1),
            json!(0.5)
        ]
    );
    assert_eq!(report["overall"]["messages"], 4 + 2 + 1 + 6 + 1);
    let days: Vec<(Value, Vec<Value>)> = report["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["start"].clone(), figures(p)))
        .collect();
    assert_eq!(
        days,
        [
            (
                json!("2026-03-28"),
                vec![
                    json!(1),
                    json!(1),
                    json!(0),
                    json!(0),
                    json!(60_000),
                    json!(60_000),
                    json!(20_000),
                    json!(20_000),
                    json!(600_000),
                    json!(600_000),
                    json!(0),
                    json!(1),
                    json!(0),
                    json!(1.0)
                ]
            ),
            (
                json!("2026-03-29"),
                vec![
                    json!(3),
                    json!(2),
                    json!(1),
                    json!(1),
                    json!(75_000),
                    json!(120_000),
                    json!(25_000),
                    json!(40_000),
                    json!(750_000),
                    json!(1_200_000),
                    json!(1),
                    json!(0),
                    json!(1),
                    json!(0.0)
                ]
            ),
            (
                json!("2026-03-30"),
                vec![
                    json!(1),
                    json!(0),
                    json!(1),
                    json!(0),
                    n.clone(),
                    n.clone(),
                    n.clone(),
                    n.clone(),
                    n.clone(),
                    n.clone(),
                    json!(0),
                    json!(0),
                    json!(0),
                    n.clone()
                ]
            ),
        ]
    );
    // Chats started, by weekday (Monday first) and local hour.
    let mut grid = vec![[0u64; 24]; 7];
    grid[5][23] += 1; // a: Saturday 23:30
    grid[6][0] += 1; // b: Sunday 00:15
    grid[6][3] += 1; // c: Sunday 03:30 (summer time)
    grid[6][23] += 1; // d: Sunday 23:45
    grid[0][0] += 1; // e: Monday 00:10
    assert_eq!(report["hours"], json!(grid));
    let named = |list: &Value| -> Vec<(Value, Value, Value, Value, Value)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|q| {
                (
                    q["name"].clone(),
                    q["chats"].clone(),
                    q["answered"].clone(),
                    q["missed"].clone(),
                    q["tickets"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        named(&report["queues"]),
        [
            (json!("Sales"), json!(3), json!(2), json!(1), json!(0)),
            (json!("Support"), json!(2), json!(1), json!(1), json!(1)),
        ]
    );
    assert_eq!(
        named(&report["agents"]),
        [
            (json!("Alice"), json!(2), json!(2), json!(0), json!(0)),
            (json!("Bob"), json!(1), json!(1), json!(0), json!(0)),
        ]
    );
    assert_eq!(report["agents"][0]["first_response_median_ms"], 15_000);
    let comments: Vec<(Value, Value)> = report["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["comment"].clone(), c["rating"].clone()))
        .collect();
    assert_eq!(
        comments,
        [
            (json!("Slow"), json!("bad")),
            (json!("Great"), json!("good"))
        ]
    );

    // By week (Monday to Sunday): the week of the 23rd, then that of the 30th.
    let (_, weeks) = server
        .call(
            Method::GET,
            "/v1/admin/reports?from=2026-03-28&to=2026-03-30&by=week",
            Some(&admin),
            None,
        )
        .await;
    let weeks: Vec<(Value, Value, Value)> = weeks["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["start"].clone(), p["chats"].clone(), p["tickets"].clone()))
        .collect();
    assert_eq!(
        weeks,
        [
            (json!("2026-03-23"), json!(4), json!(1)),
            (json!("2026-03-30"), json!(1), json!(0))
        ]
    );

    // Bad ranges get a clear error.
    for (query, says) in [
        ("from=2026-03-30&to=2026-03-28", "after"),
        ("from=2026-3-1", "not a date"),
        ("by=month", "`by`"),
        ("from=2025-01-01&to=2026-03-01", "at most"),
    ] {
        let (status, body) = server
            .call(
                Method::GET,
                &format!("/v1/admin/reports?{query}"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body["msg"].as_str().unwrap().contains(says), "{body}");
    }
}
