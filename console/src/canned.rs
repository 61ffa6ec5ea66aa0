//! Managing canned responses: every agent their own (Account), admins also the portal's shared
//! ones (Settings). Placeholders `{visitor.name}`, `{agent.name}` and `{portal.name}` are
//! filled in when one is used.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::ClientConfig;
use parlor_client::admin::Admin;
use parlor_ui::{listen, text_value};
use serde_json::{Value, json};

/// The canned responses the agent may use, with a form to add one. `shared`: whether new
/// ones are the portal's (an admin in Settings) rather than the agent's own.
#[component]
pub fn CannedResponses(token: String, shared: bool) -> impl IntoView {
    let api = StoredValue::new(Admin::new(ClientConfig::new(""), &token));
    let list = RwSignal::new(Vec::<Value>::new());
    let status = RwSignal::new(String::new());
    let shortcut = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let load = move || {
        spawn_local(async move {
            match api.get_value().get("/v1/canned", "canned").await {
                Ok(Value::Array(items)) => list.set(items),
                Ok(_) => list.set(Vec::new()),
                Err(e) => status.set(format!("Not loaded: {}", e.message)),
            }
        });
    };
    load();
    let add = move |ev: web_sys::Event| {
        ev.prevent_default();
        let body = json!({
            "shortcut": shortcut.get_untracked(),
            "text": text.get_untracked(),
            "shared": shared,
        });
        spawn_local(async move {
            match api.get_value().post("/v1/canned", &body).await {
                Ok(_) => {
                    shortcut.set(String::new());
                    text.set(String::new());
                    status.set("Added.".into());
                    load();
                }
                Err(e) => status.set(format!("Not added: {}", e.message)),
            }
        });
    };
    let remove = move |id: String| {
        spawn_local(async move {
            match api.get_value().delete(&format!("/v1/canned/{id}")).await {
                Ok(_) => {
                    status.set("Deleted.".into());
                    load();
                }
                Err(e) => status.set(format!("Not deleted: {}", e.message)),
            }
        });
    };
    let mine = move |item: &Value| item["shared"].as_bool() != Some(true) || shared;
    view! {
        <section class="canned-admin" aria-labelledby="canned-title">
            <h2 id="canned-title">"Canned responses"</h2>
            <p class="muted">
                "Type / in the reply box to use one. {visitor.name}, {agent.name} and {portal.name} are filled in."
            </p>
            <ul class="list">
                {move || {
                    list.get()
                        .into_iter()
                        .map(|item| {
                            let id = item["id"].as_str().unwrap_or_default().to_string();
                            let short = item["shortcut"].as_str().unwrap_or_default().to_string();
                            let can_delete = mine(&item);
                            view! {
                                <li class="canned-admin__item">
                                    <strong>"/" {short.clone()}</strong>
                                    {(item["shared"].as_bool() == Some(true)).then_some(" (shared)")}
                                    " "
                                    <span>{item["text"].as_str().unwrap_or_default().to_string()}</span>
                                    {can_delete.then(|| {
                                        let id = id.clone();
                                        view! {
                                            <button
                                                type="button"
                                                class="small secondary"
                                                aria-label=format!("Delete /{short}")
                                                {..listen("click", move |_| remove(id.clone()))}
                                            >
                                                "Delete"
                                            </button>
                                        }
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <form class="form" {..listen("submit", add)}>
                <label for="canned-shortcut">"Shortcut"</label>
                <input id="canned-shortcut" required maxlength="40" {..text_value(shortcut)} />
                <label for="canned-text">
                    {if shared { "Text (every agent of the portal can use it)" } else { "Text (only you can use it)" }}
                </label>
                <textarea id="canned-text" rows="3" required maxlength="5000" {..text_value(text)}></textarea>
                <button type="submit">"Add"</button>
                <p role="status">{move || status.get()}</p>
            </form>
        </section>
    }
}
