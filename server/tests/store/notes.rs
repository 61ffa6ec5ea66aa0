//! Private notes.

use std::sync::Arc;

use parlor_server::store::{Note, Store};

use super::*;

fn note(conv_id: &str, id: &str, text: &str, created_at: i64) -> Note {
    Note {
        id: id.into(),
        conv_id: conv_id.into(),
        author: "agent-bob-a".into(),
        author_name: "Bob".into(),
        text: text.into(),
        created_at,
    }
}

pub async fn notes_are_kept_per_conversation_oldest_first(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    let first = chat(&store, "a", "visitor-1").await;
    let other = chat(&store, "a", "visitor-2").await;
    store
        .add_note(&note(&first, "note-2", "Asked twice already", 2_000))
        .await
        .unwrap();
    store
        .add_note(&note(&first, "note-1", "VIP customer", 1_000))
        .await
        .unwrap();
    store
        .add_note(&note(&other, "note-3", "Elsewhere", 1_500))
        .await
        .unwrap();
    let notes = store.notes(&first).await.unwrap();
    assert_eq!(
        notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
        ["VIP customer", "Asked twice already"]
    );
    assert_eq!(notes[0], note(&first, "note-1", "VIP customer", 1_000));
    // Notes are not messages: the conversation's history does not hold them.
    let history = store
        .messages(
            &first,
            parlor_server::store::MessageQuery {
                seq_greater: None,
                seq_smaller: None,
                limit: 100,
                ascending: true,
            },
        )
        .await
        .unwrap();
    assert!(history.iter().all(|m| !m.content.contains("VIP")));
    assert!(store.notes("conv-none").await.unwrap().is_empty());
}
