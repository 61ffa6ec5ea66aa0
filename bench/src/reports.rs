//! `parlor-bench reports`: how fast a year of a busy portal's report answers. A store is made
//! (SQLite in a scratch folder; PostgreSQL too when one answers on the local server), seeded
//! through plain SQL with a year of chats (200,000 by default, spread over the day's hours as
//! real traffic is) and their tickets, then reports are computed as the admin API computes
//! them: the store's rows, then the figures. Writes `reports.json`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parlor_server::report::{Period, Range, compute, gather};
use parlor_server::store::Store;
use serde::{Deserialize, Serialize};
use sqlx::Executor;

use crate::search::{Draw, PORTAL, drop_database, portal, postgres_database};

/// What one backend measured.
#[derive(Debug, Serialize, Deserialize)]
pub struct Backend {
    pub name: String,
    pub chats: usize,
    pub seed_seconds: f64,
    pub reports: Vec<Timing>,
}

/// One report, run `runs` times.
#[derive(Debug, Serialize, Deserialize)]
pub struct Timing {
    pub report: String,
    pub chats: u64,
    pub median_ms: f64,
    pub p95_ms: f64,
}

const RUNS: usize = 11;
const BATCH: usize = 500;
/// The year's first day, in the report's zone.
const YEAR: &str = "2025-01-01";
const ZONE: &str = "Europe/Berlin";

/// Seeds `chats` chats over the year on `pool` (placeholders written by `mark`).
async fn seed<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    chats: usize,
    start_ms: i64,
    mark: fn(usize) -> String,
) -> Result<(), String>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let columns = [
        "id",
        "portal_id",
        "queue_id",
        "name",
        "creator",
        "status",
        "agent_id",
        "accepted_by",
        "created_at",
        "updated_at",
        "accepted_at",
        "first_response_at",
        "ended_at",
        "rating",
        "rating_comment",
        "transfers",
        "messages",
    ];
    let mut draw = Draw(0x2545_f491_4f6c_dd1d);
    let year_ms = 365 * 86_400_000_i64;
    for first in (0..chats).step_by(BATCH) {
        let count = BATCH.min(chats - first);
        let mut n = 0;
        let rows: Vec<String> = (0..count)
            .map(|_| {
                let marks: Vec<String> = columns
                    .iter()
                    .map(|_| {
                        n += 1;
                        mark(n)
                    })
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO conversations ({}) VALUES {}",
            columns.join(", "),
            rows.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for i in first..first + count {
            // Evenly through the year, moved into the day's busy hours (8–20) mostly.
            let day = (i as i64 * year_ms / chats as i64) / 86_400_000 * 86_400_000;
            let hour = if draw.below(5) == 0 {
                draw.below(24)
            } else {
                8 + draw.below(12)
            };
            let created = start_ms + day + hour as i64 * 3_600_000 + draw.below(3_600_000) as i64;
            let answered = draw.below(10) < 8;
            let agent = format!("{PORTAL}-agent{}", draw.below(4));
            let accepted = created + 5_000 + draw.below(240_000) as i64;
            let rating = match draw.below(4) {
                0 => Some(1),
                1 if answered => Some(0),
                _ => None,
            };
            query = query
                .bind(format!("c{i}"))
                .bind(PORTAL.to_string())
                .bind(format!("{PORTAL}-q{}", i % 2))
                .bind(format!("{PORTAL}-q{}", i % 2))
                .bind(format!("v{i}"))
                .bind(if answered { "ended" } else { "missed" }.to_string())
                .bind(answered.then(|| agent.clone()))
                .bind(answered.then_some(agent))
                .bind(created)
                .bind(created)
                .bind(answered.then_some(accepted))
                .bind(answered.then_some(accepted + 2_000 + draw.below(60_000) as i64))
                .bind(Some(if answered {
                    accepted + 60_000 + draw.below(1_800_000) as i64
                } else {
                    created + 300_000
                }))
                .bind(rating)
                .bind(rating.map(|r| {
                    if r == 1 {
                        "Thanks".to_string()
                    } else {
                        "Slow".to_string()
                    }
                }))
                .bind((draw.below(20) == 0) as i64)
                .bind(2 + draw.below(20) as i64);
        }
        query.execute(pool).await.map_err(|e| e.to_string())?;
    }
    let tickets = format!(
        "INSERT INTO tickets (id, portal_id, conv_id, queue_id, name, email, note, created_at) \
         SELECT 't' || id, portal_id, id, queue_id, 'Visitor', 'v@example.com', 'Call me', \
         ended_at FROM conversations WHERE status = 'missed' AND portal_id = {}",
        mark(1)
    );
    sqlx::query(sqlx::AssertSqlSafe(tickets))
        .bind(PORTAL.to_string())
        .execute(pool)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn range(days: i64, by: Period) -> Range {
    let from: jiff::civil::Date = YEAR.parse().unwrap();
    let to = from.checked_add(jiff::Span::new().days(days - 1)).unwrap();
    Range {
        from,
        to,
        zone: jiff::tz::TimeZone::get(ZONE).unwrap(),
        by,
    }
}

/// One report as the admin API makes it: the store's rows, then the figures.
async fn report(store: &Arc<dyn Store>, range: &Range) -> Result<u64, String> {
    let facts = gather(store.as_ref(), PORTAL, range.bounds_ms()?)
        .await
        .map_err(|e| e.to_string())?;
    Ok(compute(range, &facts).overall.chats)
}

async fn measure(store: &Arc<dyn Store>) -> Result<Vec<Timing>, String> {
    let mut timings = Vec::new();
    for (name, range) in [
        ("a year, by week", range(365, Period::Week)),
        ("a year, by day", range(365, Period::Day)),
        ("a month, by day", range(30, Period::Day)),
        ("a week, by day", range(7, Period::Day)),
    ] {
        let mut took = Vec::with_capacity(RUNS);
        let mut chats = 0;
        for _ in 0..RUNS {
            let began = Instant::now();
            chats = report(store, &range).await?;
            took.push(began.elapsed());
        }
        took.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        timings.push(Timing {
            report: name.to_string(),
            chats,
            median_ms: ms(took[RUNS / 2]),
            p95_ms: ms(took[(RUNS * 95).div_ceil(100) - 1]),
        });
    }
    Ok(timings)
}

/// Seeds and measures SQLite in `scratch`, and PostgreSQL at `postgres` when it answers.
pub async fn run(
    chats: usize,
    scratch: &std::path::Path,
    postgres: Option<&str>,
) -> Result<Vec<Backend>, String> {
    let start_ms = range(1, Period::Day).bounds_ms()?.0;
    let mut backends = Vec::new();
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).map_err(|e| e.to_string())?;
    let path = scratch.join("reports.db");
    let store = parlor_server::store::sqlite::SqliteStore::open(&path)
        .await
        .map_err(|e| e.to_string())?;
    let store: Arc<dyn Store> = Arc::new(store);
    store
        .create_portal(&portal())
        .await
        .map_err(|e| e.to_string())?;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
        .await
        .map_err(|e| e.to_string())?;
    let began = Instant::now();
    seed(&pool, chats, start_ms, |_| "?".into()).await?;
    let seed_seconds = began.elapsed().as_secs_f64();
    pool.close().await;
    backends.push(Backend {
        name: "SQLite".into(),
        chats,
        seed_seconds,
        reports: measure(&store).await?,
    });
    store.close().await;

    if let Some(admin_url) = postgres {
        match postgres_database(admin_url).await {
            Some((url, name)) => {
                let outcome = async {
                    let store = parlor_server::store::postgres::PostgresStore::open(&url)
                        .await
                        .map_err(|e| e.to_string())?;
                    let pool = store.pool().clone();
                    let store: Arc<dyn Store> = Arc::new(store);
                    store
                        .create_portal(&portal())
                        .await
                        .map_err(|e| e.to_string())?;
                    let began = Instant::now();
                    seed(&pool, chats, start_ms, |n| format!("${n}")).await?;
                    pool.execute("ANALYZE").await.map_err(|e| e.to_string())?;
                    let seed_seconds = began.elapsed().as_secs_f64();
                    let reports = measure(&store).await?;
                    store.close().await;
                    Ok::<_, String>(Backend {
                        name: "PostgreSQL".into(),
                        chats,
                        seed_seconds,
                        reports,
                    })
                }
                .await;
                drop_database(admin_url, &name).await;
                backends.push(outcome?);
            }
            None => eprintln!("reports: no PostgreSQL at {admin_url}; SQLite only"),
        }
    }
    Ok(backends)
}

/// The report's section.
pub fn table(backends: &[Backend]) -> String {
    let mut md = String::from("## Reports\n\n");
    for backend in backends {
        md.push_str(&format!(
            "{}: a year of {} chats (seeded in {:.1} s), {RUNS} runs of each report through the \
             store and the report code, as the admin API calls them ({ZONE}).\n\n",
            backend.name, backend.chats, backend.seed_seconds
        ));
        md.push_str("| Report | Chats | Median | p95 |\n|---|---:|---:|---:|\n");
        for t in &backend.reports {
            md.push_str(&format!(
                "| {} | {} | {:.0} ms | {:.0} ms |\n",
                t.report, t.chats, t.median_ms, t.p95_ms
            ));
        }
        md.push('\n');
    }
    md
}
