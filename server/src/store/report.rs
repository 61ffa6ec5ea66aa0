//! What reports are computed from: each chat's recorded moments (created, first accepted and
//! by whom, first agent reply, ended, rated) and counts (messages, transfers), kept by the
//! database as the chat goes (migrations `*_reports.sql`), and the tickets' times. See
//! [`crate::report`] for the figures.
//!
//! A year of a busy portal is hundreds of thousands of chats, and the SQLite driver hands over
//! rows one at a time at several microseconds each (a second and more for 200,000). So the
//! chats' and tickets' facts come packed, one string for the whole range (`string_agg`, in
//! both databases), with control characters between fields and rows, and are unpacked here:
//! the one place rows are not mapped by `FromRow`. Rating comments, which are free text, come
//! as rows.
//!
//! The SQL is written once here with `$n` parameters; the SQLite backend numbers them `?n`.

use async_trait::async_trait;

use super::StoreError;

/// Between a packed row's fields.
pub const FIELD: &str = "\u{1f}";
/// Between packed rows.
pub const ROW: &str = "\u{1e}";

/// One chat, as reports see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChatFacts {
    pub queue_id: Option<String>,
    /// The agent who first accepted it.
    pub accepted_by: Option<String>,
    /// `queued`, `active`, `ended`, `missed`.
    pub status: String,
    /// Milliseconds since the epoch, as every time here.
    pub created_at: i64,
    pub accepted_at: Option<i64>,
    pub first_response_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// 1 good, 0 bad.
    pub rating: Option<i64>,
    pub transfers: i64,
    pub messages: i64,
}

/// One ticket, as reports see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketFacts {
    pub queue_id: Option<String>,
    pub created_at: i64,
}

/// A rated chat with a comment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RatingComment {
    pub conversation_id: String,
    /// 1 good, 0 bad.
    pub rating: i64,
    pub comment: String,
    pub rated_at: Option<i64>,
    pub queue_id: Option<String>,
    pub agent_id: Option<String>,
}

/// Reading what reports need.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The chats of `portal_id` created in `[from_ms, to_ms)`, in no particular order.
    async fn chat_facts(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<ChatFacts>, StoreError>;

    /// The tickets of `portal_id` created in `[from_ms, to_ms)`, in no particular order.
    async fn ticket_facts(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<TicketFacts>, StoreError>;

    /// The comments of the chats of `portal_id` created in `[from_ms, to_ms)`, the latest
    /// rated first, at most `limit`.
    async fn rating_comments(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
        limit: i64,
    ) -> Result<Vec<RatingComment>, StoreError>;
}

/// The chats, packed: $1 portal, $2 from, $3 to, $4 [`FIELD`], $5 [`ROW`].
pub const CHATS: &str = "SELECT COALESCE(string_agg(\
     COALESCE(queue_id, '') || $4 || COALESCE(accepted_by, '') || $4 || status || $4 || \
     CAST(created_at AS TEXT) || $4 || COALESCE(CAST(accepted_at AS TEXT), '') || $4 || \
     COALESCE(CAST(first_response_at AS TEXT), '') || $4 || \
     COALESCE(CAST(ended_at AS TEXT), '') || $4 || COALESCE(CAST(rating AS TEXT), '') || $4 || \
     CAST(transfers AS TEXT) || $4 || CAST(messages AS TEXT), $5), '') \
     FROM conversations WHERE portal_id = $1 AND created_at >= $2 AND created_at < $3";

/// The tickets, packed: as [`CHATS`].
pub const TICKETS: &str = "SELECT COALESCE(string_agg(\
     COALESCE(queue_id, '') || $4 || CAST(created_at AS TEXT), $5), '') \
     FROM tickets WHERE portal_id = $1 AND created_at >= $2 AND created_at < $3";

/// The comments: $1 portal, $2 from, $3 to, $4 limit.
pub const COMMENTS: &str = "SELECT id AS conversation_id, rating, rating_comment AS comment, \
     rated_at, queue_id, accepted_by AS agent_id FROM conversations \
     WHERE portal_id = $1 AND created_at >= $2 AND created_at < $3 AND rating IS NOT NULL \
     AND rating_comment IS NOT NULL AND rating_comment <> '' \
     ORDER BY rated_at DESC, id LIMIT $4";

fn text(field: Option<&str>) -> Option<String> {
    field.filter(|f| !f.is_empty()).map(str::to_string)
}

fn number(field: Option<&str>) -> Option<i64> {
    field.and_then(|f| f.parse().ok())
}

/// The chats of [`CHATS`]'s packed text.
pub fn unpack_chats(packed: &str) -> Vec<ChatFacts> {
    packed
        .split(ROW)
        .filter(|row| !row.is_empty())
        .map(|row| {
            let mut f = row.split(FIELD);
            ChatFacts {
                queue_id: text(f.next()),
                accepted_by: text(f.next()),
                status: f.next().unwrap_or_default().to_string(),
                created_at: number(f.next()).unwrap_or_default(),
                accepted_at: number(f.next()),
                first_response_at: number(f.next()),
                ended_at: number(f.next()),
                rating: number(f.next()),
                transfers: number(f.next()).unwrap_or_default(),
                messages: number(f.next()).unwrap_or_default(),
            }
        })
        .collect()
}

/// The tickets of [`TICKETS`]'s packed text.
pub fn unpack_tickets(packed: &str) -> Vec<TicketFacts> {
    packed
        .split(ROW)
        .filter(|row| !row.is_empty())
        .map(|row| {
            let mut f = row.split(FIELD);
            TicketFacts {
                queue_id: text(f.next()),
                created_at: number(f.next()).unwrap_or_default(),
            }
        })
        .collect()
}

/// Implements [`ReportStore`] for a backend, from the SQL above: `$store` (its full path), the
/// pool it reads with, and how `$n` parameters are written for it. Both backends are this one
/// text.
macro_rules! report_store {
    ($store:path, $read:ident, $number:expr) => {
        use $crate::store::StoreError;
        use $crate::store::report::{
            CHATS, COMMENTS, ChatFacts, FIELD, ROW, RatingComment, ReportStore, TICKETS,
            TicketFacts, unpack_chats, unpack_tickets,
        };

        /// The shared SQL with this backend's parameters.
        fn sql(text: &str) -> sqlx::AssertSqlSafe<String> {
            let number: fn(&str) -> String = $number;
            sqlx::AssertSqlSafe(number(text))
        }

        impl $store {
            /// The packed text of [`CHATS`] or [`TICKETS`] for a portal and range.
            async fn packed(
                &self,
                query: &str,
                portal_id: &str,
                from_ms: i64,
                to_ms: i64,
            ) -> Result<String, StoreError> {
                Ok(sqlx::query_scalar(sql(query))
                    .bind(portal_id)
                    .bind(from_ms)
                    .bind(to_ms)
                    .bind(FIELD)
                    .bind(ROW)
                    .fetch_one(&self.$read)
                    .await?)
            }
        }

        #[async_trait::async_trait]
        impl ReportStore for $store {
            async fn chat_facts(
                &self,
                portal_id: &str,
                from_ms: i64,
                to_ms: i64,
            ) -> Result<Vec<ChatFacts>, StoreError> {
                Ok(unpack_chats(
                    &self.packed(CHATS, portal_id, from_ms, to_ms).await?,
                ))
            }

            async fn ticket_facts(
                &self,
                portal_id: &str,
                from_ms: i64,
                to_ms: i64,
            ) -> Result<Vec<TicketFacts>, StoreError> {
                Ok(unpack_tickets(
                    &self.packed(TICKETS, portal_id, from_ms, to_ms).await?,
                ))
            }

            async fn rating_comments(
                &self,
                portal_id: &str,
                from_ms: i64,
                to_ms: i64,
                limit: i64,
            ) -> Result<Vec<RatingComment>, StoreError> {
                Ok(sqlx::query_as(sql(COMMENTS))
                    .bind(portal_id)
                    .bind(from_ms)
                    .bind(to_ms)
                    .bind(limit)
                    .fetch_all(&self.$read)
                    .await?)
            }
        }
    };
}
pub(crate) use report_store;
