//! `parlor-bench search`: how fast search answers over a busy portal's history. A store is
//! made (SQLite in a scratch folder; PostgreSQL too when one answers on the local server),
//! seeded through plain SQL with conversations, visitors and text messages drawn from a
//! vocabulary with a few very common words and many rare ones (the store's own triggers and
//! generated columns index them), then typical searches run through the store trait, as the
//! server calls it. Writes `search.json`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parlor_server::store::search::words;
use parlor_server::store::{Agent, ApiKey, NewPortal, Portal, Queue, Rating, SearchQuery, Store};
use serde::{Deserialize, Serialize};
use sqlx::{Connection, Executor};

/// What one backend measured.
#[derive(Debug, Serialize, Deserialize)]
pub struct Backend {
    pub name: String,
    pub messages: usize,
    pub conversations: usize,
    pub seed_seconds: f64,
    pub queries: Vec<Timing>,
}

/// One search, run `runs` times.
#[derive(Debug, Serialize, Deserialize)]
pub struct Timing {
    pub search: String,
    pub results: usize,
    pub median_ms: f64,
    pub p95_ms: f64,
}

pub(crate) const PORTAL: &str = "bench-portal";
const RUNS: usize = 21;
/// Messages per conversation.
const PER_CHAT: usize = 10;
/// Rows per seeding `INSERT`.
const BATCH: usize = 500;

/// A small deterministic generator (xorshift): the same history every run.
pub(crate) struct Draw(pub(crate) u64);

impl Draw {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The vocabulary: 40 common words, then 5,000 made-up rare ones.
fn vocabulary() -> Vec<String> {
    let common = "hello hi thanks please order refund delivery parcel invoice account password \
        help question price shipping return broken size colour today tomorrow week email phone \
        address card payment discount code app login error page cart checkout stock store \
        time agent chat";
    let mut words: Vec<String> = common.split_whitespace().map(str::to_string).collect();
    let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po"];
    for i in 0..5_000usize {
        let mut word = String::new();
        let mut n = i + 100;
        while n > 0 {
            word.push_str(syllables[n % 10]);
            n /= 10;
        }
        words.push(word);
    }
    words
}

/// A message of 6 to 20 words: mostly common ones, one in five rare.
fn sentence(draw: &mut Draw, vocabulary: &[String]) -> String {
    let length = 6 + draw.below(15);
    (0..length)
        .map(|_| {
            if draw.below(5) == 0 {
                vocabulary[40 + draw.below(vocabulary.len() - 40)].as_str()
            } else {
                vocabulary[draw.below(40)].as_str()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Seeds `messages` messages on `pool` (placeholders written by `mark`).
async fn seed<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    messages: usize,
    mark: fn(usize) -> String,
) -> Result<(), String>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let vocabulary = vocabulary();
    let mut draw = Draw(0x9e37_79b9_7f4a_7c15);
    let chats = messages / PER_CHAT;
    let start = 1_700_000_000_000_i64;
    let statuses = ["ended", "ended", "ended", "missed", "active"];
    let insert = |table: &str, columns: &[&str], rows: usize| {
        let mut n = 0;
        let values: Vec<String> = (0..rows)
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
        format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            values.join(", ")
        )
    };
    let visitor_columns = [
        "user_id",
        "portal_id",
        "name",
        "email",
        "created_at",
        "updated_at",
    ];
    let conv_columns = [
        "id",
        "portal_id",
        "queue_id",
        "name",
        "creator",
        "status",
        "agent_id",
        "created_at",
        "updated_at",
        "rating",
    ];
    let message_columns = [
        "id",
        "conv_id",
        "seq",
        "sender",
        "type",
        "content",
        "created_at",
    ];
    for first in (0..chats).step_by(BATCH) {
        let count = BATCH.min(chats - first);
        let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
        let sql = insert("visitors", &visitor_columns, count);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for i in first..first + count {
            let at = start + i as i64 * 60_000;
            query = query
                .bind(format!("v{i}"))
                .bind(PORTAL.to_string())
                .bind(format!("Visitor {}", vocabulary[40 + i % 5_000]))
                .bind(format!("visitor{i}@example.com"))
                .bind(at)
                .bind(at);
        }
        query.execute(&mut *tx).await.map_err(|e| e.to_string())?;
        let sql = insert("conversations", &conv_columns, count);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for i in first..first + count {
            let at = start + i as i64 * 60_000;
            let status = statuses[i % statuses.len()];
            query = query
                .bind(format!("c{i}"))
                .bind(PORTAL.to_string())
                .bind(format!("{PORTAL}-q{}", i % 2))
                .bind(format!("{PORTAL}-q{}", i % 2))
                .bind(format!("v{i}"))
                .bind(status.to_string())
                .bind(format!("{PORTAL}-agent{}", i % 4))
                .bind(at)
                .bind(at)
                .bind(if i % 3 == 0 {
                    Some((i % 2) as i64)
                } else {
                    None
                });
        }
        query.execute(&mut *tx).await.map_err(|e| e.to_string())?;
        let rows = count * PER_CHAT;
        for part in (0..rows).step_by(BATCH) {
            let part_rows = BATCH.min(rows - part);
            let sql = insert("messages", &message_columns, part_rows);
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in part..part + part_rows {
                let (i, seq) = (first + r / PER_CHAT, r % PER_CHAT + 1);
                let content = serde_json::json!({ "content": sentence(&mut draw, &vocabulary) });
                query = query
                    .bind(format!("m{i}-{seq}"))
                    .bind(format!("c{i}"))
                    .bind(seq as i64)
                    .bind(if seq % 2 == 1 {
                        format!("v{i}")
                    } else {
                        format!("{PORTAL}-agent{}", i % 4)
                    })
                    .bind(1_i64)
                    .bind(content.to_string())
                    .bind(start + i as i64 * 60_000 + seq as i64 * 1_000);
            }
            query.execute(&mut *tx).await.map_err(|e| e.to_string())?;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The searches an agent makes, by name.
fn searches() -> Vec<(&'static str, SearchQuery)> {
    let query = |typed: &str| SearchQuery {
        portal_id: PORTAL.into(),
        words: words(typed),
        limit: 21,
        ..SearchQuery::default()
    };
    let vocabulary = vocabulary();
    let rare = vocabulary[40 + 1234].clone();
    vec![
        ("newest chats, no words", query("")),
        ("a rare word", query(&rare)),
        ("a common word", query("refund")),
        ("two common words", query("parcel delivery")),
        ("a prefix", query("deliv")),
        ("a visitor's email", query("visitor4242@example.com")),
        ("a word, rated bad, one queue", {
            let mut q = query("invoice");
            q.rating = Some(Rating::Bad);
            q.queue_id = Some(format!("{PORTAL}-q0"));
            q
        }),
        ("a word nowhere", query("zzzzunknown")),
    ]
}

async fn measure(store: &Arc<dyn Store>) -> Result<Vec<Timing>, String> {
    let mut timings = Vec::new();
    for (name, query) in searches() {
        let mut took = Vec::with_capacity(RUNS);
        let mut results = 0;
        for _ in 0..RUNS {
            let began = Instant::now();
            results = store.search(&query).await.map_err(|e| e.to_string())?.len();
            took.push(began.elapsed());
        }
        took.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        timings.push(Timing {
            search: name.to_string(),
            results,
            median_ms: ms(took[RUNS / 2]),
            p95_ms: ms(took[(RUNS * 95).div_ceil(100) - 1]),
        });
    }
    Ok(timings)
}

/// The benchmark's portal: two queues, four agents.
pub(crate) fn portal() -> NewPortal {
    let agent = |n: usize| {
        Agent::new(
            &format!("{PORTAL}-agent{n}"),
            PORTAL,
            &format!("agent{n}@bench.example"),
            &format!("Agent {n}"),
        )
    };
    NewPortal {
        portal: Portal::new(PORTAL, "bench-search-key", "Search bench"),
        api_key: ApiKey {
            sid: "SKsearchbench".into(),
            secret: "secret".into(),
        },
        queues: (0..2)
            .map(|q| Queue {
                id: format!("{PORTAL}-q{q}"),
                name: format!("Queue {q}"),
            })
            .collect(),
        agents: (0..4).map(agent).collect(),
    }
}

/// A database of the run's own on the PostgreSQL whose admin URL is given: its URL and name,
/// or `None` when that server does not answer.
pub(crate) async fn postgres_database(admin: &str) -> Option<(String, String)> {
    let mut connection = sqlx::PgConnection::connect(admin).await.ok()?;
    let name = format!("parlor_bench_{}", parlor_server::ids::random_hex(6));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut connection)
        .await
        .ok()?;
    let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
    Some((format!("{base}/{name}"), name))
}

pub(crate) async fn drop_database(admin: &str, name: &str) {
    if let Ok(mut connection) = sqlx::PgConnection::connect(admin).await {
        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
            .execute(&mut connection)
            .await;
    }
}

/// Seeds and measures SQLite in `scratch`, and PostgreSQL at `postgres` when it answers.
pub async fn run(
    messages: usize,
    scratch: &std::path::Path,
    postgres: Option<&str>,
) -> Result<Vec<Backend>, String> {
    let mut backends = Vec::new();
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).map_err(|e| e.to_string())?;
    let path = scratch.join("search.db");
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
    seed(&pool, messages, |_| "?".into()).await?;
    let seed_seconds = began.elapsed().as_secs_f64();
    pool.close().await;
    backends.push(Backend {
        name: "SQLite (FTS5)".into(),
        messages,
        conversations: messages / PER_CHAT,
        seed_seconds,
        queries: measure(&store).await?,
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
                    seed(&pool, messages, |n| format!("${n}")).await?;
                    pool.execute("ANALYZE").await.map_err(|e| e.to_string())?;
                    let seed_seconds = began.elapsed().as_secs_f64();
                    let queries = measure(&store).await?;
                    store.close().await;
                    Ok::<_, String>(Backend {
                        name: "PostgreSQL (tsvector)".into(),
                        messages,
                        conversations: messages / PER_CHAT,
                        seed_seconds,
                        queries,
                    })
                }
                .await;
                drop_database(admin_url, &name).await;
                backends.push(outcome?);
            }
            None => eprintln!("search: no PostgreSQL at {admin_url}; SQLite only"),
        }
    }
    Ok(backends)
}

/// The report's section.
pub fn table(backends: &[Backend]) -> String {
    let mut md = String::from("## Search\n\n");
    for backend in backends {
        md.push_str(&format!(
            "{}: {} messages in {} conversations (seeded in {:.1} s), {RUNS} runs of each search \
             through the store, as the server calls it.\n\n",
            backend.name, backend.messages, backend.conversations, backend.seed_seconds
        ));
        md.push_str("| Search | Results (page of 21) | Median | p95 |\n|---|---:|---:|---:|\n");
        for t in &backend.queries {
            md.push_str(&format!(
                "| {} | {} | {:.1} ms | {:.1} ms |\n",
                t.search, t.results, t.median_ms, t.p95_ms
            ));
        }
        md.push('\n');
    }
    md
}
