//! Private notes in the conversation pane: kept per chat, placed among the messages by time,
//! drawn apart from them.

use leptos::prelude::*;
use parlor_client::{Message, Note};

/// A line of the conversation pane.
pub(super) enum Line {
    Message(Message),
    Note(Note),
}

/// The messages (in seq order) with the notes placed among them by time; notes newer than
/// every stored message, and messages still being sent, come last in their own order.
pub(super) fn interleave(messages: Vec<Message>, notes: &[Note]) -> Vec<Line> {
    let mut notes = notes.iter().cloned().peekable();
    let mut lines = Vec::with_capacity(messages.len() + notes.len());
    for message in messages {
        while let Some(note) =
            notes.next_if(|n| message.created > 0 && n.created <= message.created)
        {
            lines.push(Line::Note(note));
        }
        lines.push(Line::Message(message));
    }
    lines.extend(notes.map(Line::Note));
    lines
}

/// Adds `note` to its chat's list, once, in time order.
pub(super) fn insert(list: &mut Vec<Note>, note: Note) {
    if list.iter().any(|n| n.id == note.id) {
        return;
    }
    list.push(note);
    list.sort_by_key(|n| n.created);
}

/// One note: who wrote it, and that only agents see it.
#[component]
pub(super) fn NoteLine(note: Note) -> impl IntoView {
    view! {
        <li class="note">
            <span class="note__label">"Private note · " {note.author_name}</span>
            {note.text}
        </li>
    }
}
