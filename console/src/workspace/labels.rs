//! Labels in the workspace: the portal's labels, which of them each chat carries (chips in the
//! chat list, checkboxes in the details column) and the chat list's label filter.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::ClientConfig;
use parlor_client::admin::Admin;
use parlor_ui::{listen, prop_with, shown_if};
use serde_json::{Value, json};

use super::desk::Desk;

/// What the workspace knows of labels.
#[derive(Clone, Copy)]
pub(super) struct Labels {
    /// The portal's labels: `(id, name, colour)`, by name.
    pub(super) all: RwSignal<Vec<(String, String, String)>>,
    /// The label ids on each chat, once loaded.
    pub(super) on: RwSignal<HashMap<String, Vec<String>>>,
    /// The chat list shows only chats with this label (empty: every chat).
    pub(super) filter: RwSignal<String>,
}

impl Labels {
    pub(super) fn new() -> Self {
        Self {
            all: RwSignal::new(Vec::new()),
            on: RwSignal::new(HashMap::new()),
            filter: RwSignal::new(String::new()),
        }
    }

    /// Whether `conv` passes the chat list's filter.
    pub(super) fn shown(&self, conv: &str) -> bool {
        let filter = self.filter.get();
        filter.is_empty()
            || self
                .on
                .with(|on| on.get(conv).is_some_and(|ids| ids.contains(&filter)))
    }
}

fn api(desk: Desk) -> Admin {
    Admin::new(ClientConfig::new(""), &desk.token.get_value())
}

/// Loads the portal's labels (again: an admin may have changed them since).
fn load_all(desk: Desk) {
    spawn_local(async move {
        if let Ok(Value::Array(list)) = api(desk).get("/v1/labels", "labels").await {
            let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
            desk.labels.all.set(
                list.iter()
                    .map(|l| (text(l, "id"), text(l, "name"), text(l, "color")))
                    .collect(),
            );
        }
    });
}

/// Loads the portal's labels, and each chat's as chats arrive.
pub(super) fn watch(desk: Desk) {
    load_all(desk);
    parlor_ui::watch(move || {
        let unknown: Vec<String> = desk.chats.with(|chats| {
            desk.labels.on.with_untracked(|on| {
                chats
                    .iter()
                    .filter(|c| !on.contains_key(&c.conv_id))
                    .map(|c| c.conv_id.clone())
                    .collect()
            })
        });
        for conv in unknown {
            desk.labels.on.update_untracked(|on| {
                on.insert(conv.clone(), Vec::new());
            });
            spawn_local(async move {
                let path = format!("/v1/agent/conversations/{conv}/labels");
                if let Ok(Value::Array(ids)) = api(desk).get(&path, "labels").await {
                    let ids = ids
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect();
                    desk.labels.on.update(|on| {
                        on.insert(conv, ids);
                    });
                }
            });
        }
    });
}

/// The chips of `conv`'s labels.
#[component]
pub(super) fn Chips(desk: Desk, conv: String) -> impl IntoView {
    move || {
        let ids = desk
            .labels
            .on
            .with(|on| on.get(&conv).cloned().unwrap_or_default());
        let chips: Vec<(String, String)> = desk.labels.all.with(|all| {
            all.iter()
                .filter(|(id, ..)| ids.contains(id))
                .map(|(_, name, color)| (name.clone(), color.clone()))
                .collect()
        });
        (!chips.is_empty()).then(|| {
            view! {
                <ul class="labels" aria-label="Labels">
                    {chips.into_iter().map(|(name, color)| view! {
                        <li class="label-chip">
                            <span class="label-chip__dot" aria-hidden="true" style:background-color=color></span>
                            {name}
                        </li>
                    }).collect_view()}
                </ul>
            }
        })
    }
}

/// The chat list's filter by label.
#[component]
pub(super) fn Filter(desk: Desk) -> impl IntoView {
    view! {
        {shown_if(move || desk.labels.all.with(|all| !all.is_empty()), move || view! {
            <label for="label-filter" class="small">"Show"</label>
            <select id="label-filter" {..listen("change", move |ev| desk.labels.filter.set(event_target_value(&ev)))}>
                <option value="">"Every chat"</option>
                {move || desk.labels.all.get().into_iter().map(|(id, name, _)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
        }.into_any())}
    }
}

/// The selected chat's labels, as checkboxes: checking one puts it on the chat. The portal's
/// labels are loaded again each time a chat is opened.
#[component]
pub(super) fn Picker(desk: Desk, conv: String) -> impl IntoView {
    load_all(desk);
    let conv = StoredValue::new(conv);
    let toggle = move |id: String, on: bool| {
        let conv = conv.get_value();
        let mut ids = desk
            .labels
            .on
            .with_untracked(|all| all.get(&conv).cloned().unwrap_or_default());
        ids.retain(|i| *i != id);
        if on {
            ids.push(id);
        }
        spawn_local(async move {
            let path = format!("/v1/agent/conversations/{conv}/labels");
            match api(desk).put(&path, &json!({ "labels": ids })).await {
                Ok(reply) => {
                    let ids = reply["labels"]
                        .as_array()
                        .map(|l| {
                            l.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default();
                    desk.labels.on.update(|all| {
                        all.insert(conv, ids);
                    });
                }
                Err(error) => desk.fail(&error),
            }
        });
    };
    view! {
        {shown_if(move || desk.labels.all.with(|all| !all.is_empty()), move || view! {
            <fieldset class="label-picker">
                <legend>"Labels"</legend>
                {move || desk.labels.all.get().into_iter().map(|(id, name, color)| {
                    let checked = desk.labels.on.with(|on| on.get(&conv.get_value()).is_some_and(|ids| ids.contains(&id)));
                    view! {
                        <label class="label-chip">
                            <input type="checkbox" {..prop_with("checked", move || checked)}
                                {..listen("change", move |ev| toggle(id.clone(), event_target_checked(&ev)))} />
                            <span class="label-chip__dot" aria-hidden="true" style:background-color=color></span>
                            {name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }.into_any())}
    }
}
