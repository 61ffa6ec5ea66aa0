//! [`SearchStore`] on PostgreSQL, with its `tsvector` indexes (migration `0005_search.sql`).

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::StoreError;
use crate::store::search::{Bind, SearchHit, SearchQuery, SearchStore, filters};

/// The `tsquery` of `words`: each a prefix, all required.
fn ts_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("{w}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

#[async_trait]
impl SearchStore for PostgresStore {
    async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
        // $1 portal, $2 limit, $3 offset, $4 the words (when there are some), then filters.
        let mut binds = vec![
            Bind::Text(query.portal_id.clone()),
            Bind::Int(query.limit),
            Bind::Int(query.offset),
        ];
        let (hits, matched, hit_text) = if query.words.is_empty() {
            ("", "", "NULL::BIGINT AS hit_seq, NULL::TEXT AS hit_text")
        } else {
            binds.push(Bind::Text(ts_query(&query.words)));
            (
                "WITH hit AS (SELECT conv_id, min(seq) AS seq FROM messages \
                 WHERE search @@ to_tsquery('simple', $4) GROUP BY conv_id) ",
                " AND (c.id IN (SELECT conv_id FROM hit) \
                 OR c.creator IN (SELECT user_id FROM visitors WHERE portal_id = $1 AND \
                 to_tsvector('simple', name || ' ' || translate(email, '@.', '  ')) \
                 @@ to_tsquery('simple', $4)) \
                 OR c.id IN (SELECT conv_id FROM tickets WHERE portal_id = $1 AND \
                 to_tsvector('simple', name || ' ' || translate(email, '@.', '  ') || ' ' || note) \
                 @@ to_tsquery('simple', $4)))",
                "h.seq AS hit_seq, coalesce(m.content::jsonb ->> 'content', \
                 (SELECT t.note FROM tickets t WHERE t.conv_id = c.id AND \
                 to_tsvector('simple', t.name || ' ' || translate(t.email, '@.', '  ') || ' ' || t.note) \
                 @@ to_tsquery('simple', $4) LIMIT 1)) AS hit_text",
            )
        };
        let joins = if query.words.is_empty() {
            ""
        } else {
            "LEFT JOIN hit h ON h.conv_id = c.id \
             LEFT JOIN messages m ON m.conv_id = c.id AND m.seq = h.seq "
        };
        let (filtered, more) = filters(query, binds.len() + 1, |n| format!("${n}"));
        binds.extend(more);
        let sql = format!(
            "{hits}SELECT c.id AS conv_id, c.queue_id, c.status, c.agent_id, \
             c.creator AS visitor_id, v.name AS visitor_name, v.email AS visitor_email, c.rating, \
             c.created_at, {hit_text} FROM conversations c \
             LEFT JOIN visitors v ON v.user_id = c.creator {joins}\
             WHERE c.portal_id = $1{matched}{filtered} \
             ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3"
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
