//! Search over a portal's conversations: full text over their messages, their visitor's name
//! and email and the text of their tickets, with filters, newest first, paged. Each backend
//! matches words with its own full-text index (SQLite FTS5, PostgreSQL `tsvector`); the
//! filters and the words' sanitising are shared here.

use async_trait::async_trait;

use super::StoreError;

/// Most words of a search that count; the rest are ignored.
pub const MAX_WORDS: usize = 8;
/// Longest word, in characters.
const MAX_WORD_CHARS: usize = 64;

/// What to look for. `words` empty means every conversation that passes the filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub portal_id: String,
    /// Lowercase words of letters and digits (see [`words`]); each must appear, as a word or
    /// the start of one.
    pub words: Vec<String>,
    pub queue_id: Option<String>,
    pub agent_id: Option<String>,
    pub label_id: Option<String>,
    pub rating: Option<Rating>,
    /// `queued`, `active`, `ended` or `missed`.
    pub status: Option<String>,
    /// Created at or after, in milliseconds since the epoch.
    pub from: Option<i64>,
    /// Created before, in milliseconds since the epoch.
    pub to: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// The rating filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    Good,
    Bad,
    /// Not rated.
    None,
}

/// A conversation found, with where the words matched.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SearchHit {
    pub conv_id: String,
    pub queue_id: Option<String>,
    pub status: String,
    pub agent_id: Option<String>,
    pub visitor_id: String,
    pub visitor_name: Option<String>,
    pub visitor_email: Option<String>,
    pub rating: Option<i64>,
    pub created_at: i64,
    /// The seq of the first message that matched, if a message did.
    pub hit_seq: Option<i64>,
    /// That message's text, or else the matching ticket's, if one did.
    pub hit_text: Option<String>,
}

/// Searching conversations.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// The conversations that match `query`, newest first, `query.limit` from `query.offset`.
    async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, StoreError>;
}

/// The words of what someone typed: runs of letters and digits, lowercased, at most
/// [`MAX_WORDS`]. Nothing else reaches a full-text query, so its syntax cannot be injected.
pub fn words(typed: &str) -> Vec<String> {
    typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .take(MAX_WORD_CHARS)
                .collect::<String>()
                .to_lowercase()
        })
        .take(MAX_WORDS)
        .collect()
}

/// A value bound to a search's SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    Text(String),
    Int(i64),
}

/// The filters of `query` as SQL conditions on `c` (conversations), with their values, the
/// first numbered `first`; `mark(n)` writes placeholder `n` in the backend's style.
pub fn filters(
    query: &SearchQuery,
    first: usize,
    mark: fn(usize) -> String,
) -> (String, Vec<Bind>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut add = |condition: &str, bind: Option<Bind>| {
        let mut condition = condition.to_string();
        if let Some(bind) = bind {
            condition = condition.replace('#', &mark(first + binds.len()));
            binds.push(bind);
        }
        sql.push_str(" AND ");
        sql.push_str(&condition);
    };
    if let Some(queue) = &query.queue_id {
        add("c.queue_id = #", Some(Bind::Text(queue.clone())));
    }
    if let Some(agent) = &query.agent_id {
        add(
            "c.id IN (SELECT conv_id FROM participants WHERE role = 'agent' AND user_id = #)",
            Some(Bind::Text(agent.clone())),
        );
    }
    if let Some(label) = &query.label_id {
        add(
            "c.id IN (SELECT conv_id FROM conversation_labels WHERE label_id = #)",
            Some(Bind::Text(label.clone())),
        );
    }
    match query.rating {
        Some(Rating::Good) => add("c.rating = 1", None),
        Some(Rating::Bad) => add("c.rating = 0", None),
        Some(Rating::None) => add("c.rating IS NULL", None),
        None => {}
    }
    if let Some(status) = &query.status {
        add("c.status = #", Some(Bind::Text(status.clone())));
    }
    if let Some(from) = query.from {
        add("c.created_at >= #", Some(Bind::Int(from)));
    }
    if let Some(to) = query.to {
        add("c.created_at < #", Some(Bind::Int(to)));
    }
    (sql, binds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_letters_and_digits_only() {
        assert_eq!(
            words(r#"Refund "order" #123* OR x:y NEAR(ă)"#),
            ["refund", "order", "123", "or", "x", "y", "near", "ă"]
        );
        assert_eq!(words("ann@Example.com"), ["ann", "example", "com"]);
        assert!(words("  !!  ").is_empty());
        assert_eq!(words(&"w ".repeat(20)).len(), MAX_WORDS);
    }

    #[test]
    fn filters_number_their_placeholders_in_order() {
        let query = SearchQuery {
            queue_id: Some("sales".into()),
            rating: Some(Rating::Bad),
            from: Some(5),
            ..SearchQuery::default()
        };
        let (sql, binds) = filters(&query, 3, |n| format!("${n}"));
        assert_eq!(
            sql,
            " AND c.queue_id = $3 AND c.rating = 0 AND c.created_at >= $4"
        );
        assert_eq!(binds, [Bind::Text("sales".into()), Bind::Int(5)]);
    }
}
