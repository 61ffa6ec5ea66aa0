//! [`SearchStore`] on SQLite, with its FTS5 tables (migration `0010_search.sql`).

use async_trait::async_trait;

use super::SqliteStore;
use crate::store::StoreError;
use crate::store::search::{Bind, SearchHit, SearchQuery, SearchStore, filters};

/// The FTS5 query of `words`: each a quoted prefix, all required.
fn fts_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[async_trait]
impl SearchStore for SqliteStore {
    async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
        // ?1 portal, ?2 limit, ?3 offset, ?4 the words (when there are some), then filters.
        let mut binds = vec![
            Bind::Text(query.portal_id.clone()),
            Bind::Int(query.limit),
            Bind::Int(query.offset),
        ];
        let (hits, matched) = if query.words.is_empty() {
            ("", "")
        } else {
            binds.push(Bind::Text(fts_query(&query.words)));
            (
                "WITH hit AS (SELECT conv_id, min(seq) AS seq FROM message_search \
                 WHERE message_search MATCH ?4 GROUP BY conv_id) ",
                " AND (c.id IN (SELECT conv_id FROM hit) \
                 OR c.creator IN (SELECT user_id FROM visitor_search WHERE visitor_search MATCH ?4) \
                 OR c.id IN (SELECT conv_id FROM ticket_search WHERE ticket_search MATCH ?4))",
            )
        };
        let (filtered, more) = filters(query, binds.len() + 1, |n| format!("?{n}"));
        binds.extend(more);
        let hit_text = if query.words.is_empty() {
            "NULL AS hit_seq, NULL AS hit_text"
        } else {
            "(SELECT seq FROM hit WHERE hit.conv_id = c.id) AS hit_seq, \
             coalesce((SELECT json_extract(m.content, '$.content') FROM messages m \
             WHERE m.conv_id = c.id AND m.seq = (SELECT seq FROM hit WHERE hit.conv_id = c.id)), \
             (SELECT t.note FROM tickets t WHERE t.conv_id = c.id AND t.rowid IN \
             (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?4) LIMIT 1)) AS hit_text"
        };
        let sql = format!(
            "{hits}SELECT c.id AS conv_id, c.queue_id, c.status, c.agent_id, \
             c.creator AS visitor_id, v.name AS visitor_name, v.email AS visitor_email, c.rating, \
             c.created_at, {hit_text} FROM conversations c \
             LEFT JOIN visitors v ON v.user_id = c.creator \
             WHERE c.portal_id = ?1{matched}{filtered} \
             ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 OFFSET ?3"
        );
        let mut select = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for bind in binds {
            select = match bind {
                Bind::Text(text) => select.bind(text),
                Bind::Int(int) => select.bind(int),
            };
        }
        Ok(select.fetch_all(&self.pool).await?)
    }
}
