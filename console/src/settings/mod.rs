//! Settings, for a portal's admins: one page per concern, each on the admin REST API (the same
//! calls scripts make; see `docs/administration.md`).

mod agents;
mod audit;
mod hours;
mod labels;
mod prechat;
mod queues;
mod security;
mod visitor_data;
mod webhooks;
mod widget;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::ClientConfig;
use parlor_client::admin::Admin;
use parlor_ui::listen;
use serde_json::Value;

use crate::canned::CannedResponses;

/// The pages, in the order of the menu.
const PAGES: [(&str, &str); 11] = [
    ("widget", "Widget"),
    ("queues", "Queues"),
    ("agents", "Agents"),
    ("canned", "Canned responses"),
    ("labels", "Labels"),
    ("hours", "Business hours"),
    ("prechat", "Pre-chat form"),
    ("security", "Security"),
    ("visitor-data", "Visitor data"),
    ("webhooks", "Webhooks"),
    ("audit", "Audit log"),
];

/// What every settings page shares: the API, the portal as last loaded, and a status line.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub api: StoredValue<Admin>,
    /// The portal (`GET /v1/admin/portal`'s `portal`), `Null` until loaded.
    pub portal: RwSignal<Value>,
    /// "Saved." or what went wrong, announced politely.
    pub status: RwSignal<String>,
}

impl Ctx {
    /// Changes the portal's settings and reloads what the server answered.
    pub fn save_portal(&self, change: Value) {
        let ctx = *self;
        ctx.status.set("Saving…".into());
        spawn_local(async move {
            match ctx.api.get_value().patch("/v1/admin/portal", &change).await {
                Ok(reply) => {
                    ctx.portal.set(reply["portal"].clone());
                    ctx.status.set("Saved.".into());
                }
                Err(e) => ctx.status.set(format!("Not saved: {}", e.message)),
            }
        });
    }

    /// Reports the outcome of a call on the status line.
    pub fn report(&self, outcome: Result<Value, parlor_client::Error>, done: &str) -> bool {
        match outcome {
            Ok(_) => {
                self.status.set(done.to_string());
                true
            }
            Err(e) => {
                self.status.set(format!("Not done: {}", e.message));
                false
            }
        }
    }
}

/// A list of the portal's (`portal[name]`: origins, dates) as text, one item a line.
pub fn lines_of(portal: &Value, name: &str) -> String {
    portal[name]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Text with one item a line back to a list, blank lines left out.
pub fn list_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A text field of the portal (`portal[name]`), as a string.
pub fn text(portal: &Value, name: &str) -> String {
    portal[name].as_str().unwrap_or_default().to_string()
}

/// The Settings area: a menu of pages and the chosen one.
#[component]
pub fn Settings(token: String) -> impl IntoView {
    let canned_token = token.clone();
    let ctx = Ctx {
        api: StoredValue::new(Admin::new(ClientConfig::new(""), &token)),
        portal: RwSignal::new(Value::Null),
        status: RwSignal::new(String::new()),
    };
    let page = RwSignal::new("widget");
    spawn_local(async move {
        match ctx.api.get_value().get("/v1/admin/portal", "portal").await {
            Ok(portal) => ctx.portal.set(portal),
            Err(e) => ctx
                .status
                .set(format!("Settings could not be loaded: {}", e.message)),
        }
    });
    view! {
        <div class="settings">
            <nav class="settings__menu" aria-label="Settings">
                <ul class="list">
                    {PAGES
                        .into_iter()
                        .map(|(id, label)| {
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="chat-link"
                                        aria-current=move || (page.get() == id).to_string()
                                        {..listen("click", move |_| {
                                            ctx.status.set(String::new());
                                            page.set(id);
                                        })}
                                    >
                                        {label}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <main class="settings__page">
                <p class="status" role="status">{move || ctx.status.get()}</p>
                {move || {
                    if ctx.portal.get().is_null() {
                        return view! { <p class="muted">"Loading…"</p> }.into_any();
                    }
                    match page.get() {
                        "queues" => view! { <queues::Queues ctx /> }.into_any(),
                        "agents" => view! { <agents::Agents ctx /> }.into_any(),
                        "canned" => view! { <CannedResponses token=canned_token.clone() shared=true /> }.into_any(),
                        "labels" => view! { <labels::Labels ctx /> }.into_any(),
                        "hours" => view! { <hours::Hours ctx /> }.into_any(),
                        "prechat" => view! { <prechat::Prechat ctx /> }.into_any(),
                        "security" => view! { <security::Security ctx /> }.into_any(),
                        "audit" => view! { <audit::Audit ctx /> }.into_any(),
                        "visitor-data" => view! { <visitor_data::VisitorData ctx /> }.into_any(),
                        "webhooks" => view! { <webhooks::Webhooks ctx /> }.into_any(),
                        _ => view! { <widget::Widget ctx /> }.into_any(),
                    }
                }}
            </main>
        </div>
    }
}
