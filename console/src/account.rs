//! Account: the signed-in agent's own name and password, and their own canned responses.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::ClientConfig;
use parlor_client::admin::Admin;
use parlor_ui::{listen, text_value};
use serde_json::json;

use crate::canned::CannedResponses;

/// The agent's own account page.
#[component]
pub fn Account(token: String) -> impl IntoView {
    let canned_token = token.clone();
    let api = StoredValue::new(Admin::new(ClientConfig::new(""), &token));
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    spawn_local(async move {
        if let Ok(me) = api.get_value().get("/v1/agent/me", "agent").await {
            name.set(me["display_name"].as_str().unwrap_or_default().to_string());
            email.set(me["email"].as_str().unwrap_or_default().to_string());
        }
    });
    let save = move |ev: web_sys::Event| {
        ev.prevent_default();
        let mut body = json!({ "display_name": name.get_untracked() });
        if !new.get_untracked().is_empty() {
            body["password"] = json!(new.get_untracked());
            body["old_password"] = json!(old.get_untracked());
        }
        status.set("Saving…".into());
        spawn_local(async move {
            match api.get_value().patch("/v1/agent/me", &body).await {
                Ok(_) => {
                    old.set(String::new());
                    new.set(String::new());
                    status.set("Saved.".into());
                }
                Err(e) => status.set(format!("Not saved: {}", e.message)),
            }
        });
    };
    view! {
        <main class="page">
            <h1>"Account"</h1>
            <p class="muted">{move || email.get()}</p>
            <form {..listen("submit", save)} class="form">
                <label for="me-name">"Name shown to visitors"</label>
                <input id="me-name" required {..text_value(name)} />
                <label for="me-old">"Current password (to change it)"</label>
                <input id="me-old" type="password" autocomplete="current-password" {..text_value(old)} />
                <label for="me-new">"New password"</label>
                <input id="me-new" type="password" autocomplete="new-password" {..text_value(new)} />
                <button type="submit">"Save"</button>
                <p role="status">{move || status.get()}</p>
            </form>
            <CannedResponses token=canned_token shared=false />
        </main>
    }
}
