//! Canned responses in the reply box: `/` opens a list filtered as the agent types; arrows move
//! through it, Enter puts the chosen one in the box with its placeholders filled in (to edit
//! before sending), Escape closes it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::ClientConfig;
use parlor_client::admin::Admin;
use parlor_ui::listen;
use serde_json::Value;

/// The list's element id, which the reply box points at.
pub(super) const LIST_ID: &str = "canned-list";

/// A canned response as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Item {
    pub(super) shortcut: String,
    pub(super) text: String,
}

/// The picker's state, cheap to copy into closures.
#[derive(Clone, Copy)]
pub(super) struct Picker {
    /// Every canned response the agent may use, loaded with the chat and again when the list
    /// opens; `None` until first loaded.
    items: RwSignal<Option<Vec<Item>>>,
    /// What `{agent.name}` and `{portal.name}` become.
    names: RwSignal<(String, String)>,
    /// The highlighted match.
    at: RwSignal<usize>,
    /// Closed with Escape: stays closed until the box no longer starts with `/`.
    dismissed: RwSignal<bool>,
    draft: RwSignal<String>,
}

impl Picker {
    pub(super) fn new(draft: RwSignal<String>) -> Self {
        Self {
            items: RwSignal::new(None),
            names: RwSignal::new((String::new(), String::new())),
            at: RwSignal::new(0),
            dismissed: RwSignal::new(false),
            draft,
        }
    }

    /// What follows the `/` the box starts with, if it does (and is one word).
    fn query(&self) -> Option<String> {
        self.draft.with(|d| {
            d.strip_prefix('/')
                .filter(|q| !q.contains(char::is_whitespace))
                .map(str::to_lowercase)
        })
    }

    /// Whether the list shows.
    pub(super) fn open(&self) -> bool {
        self.query().is_some() && !self.dismissed.get()
    }

    /// The canned responses matching what was typed: shortcuts that start with it first, then
    /// those whose text holds it.
    pub(super) fn matches(&self) -> Vec<Item> {
        let Some(query) = self.query() else {
            return Vec::new();
        };
        self.items.with(|items| {
            let items = items.as_deref().unwrap_or_default();
            let starts = items.iter().filter(|i| i.shortcut.starts_with(&query));
            let holds = items.iter().filter(|i| {
                !i.shortcut.starts_with(&query) && i.text.to_lowercase().contains(&query)
            });
            starts.chain(holds).cloned().collect()
        })
    }

    /// The highlighted option's element id.
    pub(super) fn active_id(&self) -> Option<String> {
        (self.open() && !self.matches().is_empty()).then(|| option_id(self.at.get()))
    }

    /// After the box changed: opens the list (loading the canned responses) when it starts
    /// with `/`, and forgets an Escape once it does not.
    pub(super) fn on_input(&self, token: &str) {
        let starting = self.draft.with_untracked(|d| d == "/");
        if !self.draft.with_untracked(|d| d.starts_with('/')) {
            self.dismissed.set(false);
        }
        self.at.set(0);
        if starting {
            self.load(token);
        }
    }

    /// Loads the canned responses the agent may use.
    pub(super) fn load(&self, token: &str) {
        let picker = *self;
        let api = Admin::new(ClientConfig::new(""), token);
        spawn_local(async move {
            let Ok(reply) = api.get("/v1/canned", "").await else {
                return;
            };
            let text = |v: &Value, name: &str| v[name].as_str().unwrap_or_default().to_string();
            let items = reply["canned"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .map(|c| Item {
                            shortcut: text(c, "shortcut"),
                            text: text(c, "text"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            picker.items.set(Some(items));
            let names = &reply["placeholders"];
            picker
                .names
                .set((text(names, "agent.name"), text(names, "portal.name")));
        });
    }

    /// Handles a key of the reply box while the list is open; answers whether it did (the box
    /// then does nothing more with it: Enter does not send).
    pub(super) fn on_keydown(&self, ev: &leptos::ev::KeyboardEvent, visitor: &str) -> bool {
        if !self.open() {
            return false;
        }
        let count = self.matches().len();
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => self.at.update(|at| *at = (*at + 1) % count),
            "ArrowUp" if count > 0 => self.at.update(|at| *at = (*at + count - 1) % count),
            "Enter" if count > 0 => {
                let at = self.at.get_untracked().min(count - 1);
                self.choose(&self.matches()[at], visitor);
            }
            "Escape" => self.dismissed.set(true),
            _ => return false,
        }
        ev.prevent_default();
        ev.stop_propagation();
        true
    }

    /// Puts `item` in the reply box, placeholders filled in.
    pub(super) fn choose(&self, item: &Item, visitor: &str) {
        let (agent, portal) = self.names.get_untracked();
        self.draft.set(fill(&item.text, visitor, &agent, &portal));
        self.dismissed.set(false);
    }
}

fn option_id(at: usize) -> String {
    format!("canned-{at}")
}

/// `text` with `{visitor.name}`, `{agent.name}` and `{portal.name}` replaced.
pub(super) fn fill(text: &str, visitor: &str, agent: &str, portal: &str) -> String {
    text.replace("{visitor.name}", visitor)
        .replace("{agent.name}", agent)
        .replace("{portal.name}", portal)
}

/// The list under the reply box, while it is open.
#[component]
pub(super) fn CannedOptions(picker: Picker, visitor: Signal<String>) -> impl IntoView {
    move || {
        if !picker.open() {
            return None;
        }
        let matches = picker.matches();
        let at = picker.at.get();
        let options = if picker.items.with(Option::is_none) {
            view! { <li class="canned__none">"Loading…"</li> }.into_any()
        } else if matches.is_empty() {
            view! { <li class="canned__none">"No canned response matches."</li> }.into_any()
        } else {
            matches
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let chosen = item.clone();
                    view! {
                        <li
                            role="option"
                            id=option_id(i)
                            class="canned__option"
                            aria-selected=(i == at).to_string()
                            {..listen("mousedown", move |ev| {
                                ev.prevent_default();
                                picker.choose(&chosen, &visitor.get_untracked());
                            })}
                        >
                            <span class="canned__shortcut">"/" {item.shortcut}</span>
                            " "
                            <span class="canned__text">{item.text}</span>
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        };
        Some(view! {
            <ul id=LIST_ID class="canned" role="listbox" aria-label="Canned responses">
                {options}
            </ul>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn placeholders_are_filled_and_other_braces_kept() {
        assert_eq!(
            fill(
                "Hi {visitor.name}, {agent.name} of {portal.name} here {x}",
                "Ann",
                "Bob",
                "Acme"
            ),
            "Hi Ann, Bob of Acme here {x}"
        );
    }
}
