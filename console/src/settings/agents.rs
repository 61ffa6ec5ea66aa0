//! Settings › Agents: who answers chats, their role and capacity, who is online now, and
//! invitations by email.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_ui::{listen, text_value};
use serde_json::{Value, json};

use super::Ctx;

/// The agents page.
#[component]
pub fn Agents(ctx: Ctx) -> impl IntoView {
    let agents = RwSignal::new(Vec::<Value>::new());
    let reload = move || {
        spawn_local(async move {
            if let Ok(Value::Array(list)) =
                ctx.api.get_value().get("/v1/admin/agents", "agents").await
            {
                agents.set(list);
            }
        });
    };
    reload();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("agent".to_string());
    let invite = move |ev: web_sys::Event| {
        ev.prevent_default();
        let mut body = json!({ "email": email.get_untracked(), "role": role.get_untracked() });
        if !name.get_untracked().trim().is_empty() {
            body["display_name"] = json!(name.get_untracked());
        }
        spawn_local(async move {
            let outcome = ctx.api.get_value().post("/v1/admin/agents", &body).await;
            if ctx.report(outcome, "Invitation sent: the link works once, for 7 days.") {
                email.set(String::new());
                name.set(String::new());
                reload();
            }
        });
    };
    let change = move |user: String, body: Value, done: &'static str| {
        spawn_local(async move {
            let path = format!("/v1/admin/agents/{user}");
            let outcome = ctx.api.get_value().patch(&path, &body).await;
            if ctx.report(outcome, done) {
                reload();
            }
        });
    };
    view! {
        <h1>"Agents"</h1>
        <form {..listen("submit", invite)} class="form form--inline">
            <label for="a-email">"Invite by email"</label>
            <input id="a-email" type="email" required {..text_value(email)} />
            <label for="a-name">"Name (optional)"</label>
            <input id="a-name" maxlength="100" {..text_value(name)} />
            <label for="a-role">"Role"</label>
            <select id="a-role" {..text_value(role)}>
                <option value="agent">"Agent"</option>
                <option value="admin">"Admin"</option>
            </select>
            <button type="submit">"Send invitation"</button>
        </form>
        <table class="table">
            <caption class="sr-only">"The portal's agents"</caption>
            <thead>
                <tr><th scope="col">"Agent"</th><th scope="col">"Role"</th><th scope="col">"Now"</th><th scope="col">"Max chats"</th><th scope="col">"Account"</th></tr>
            </thead>
            <tbody>
                <For each=move || agents.get() key=|a| a.to_string() let:agent>
                    {
                        let user = agent["user_id"].as_str().unwrap_or_default().to_string();
                        let name = agent["display_name"].as_str().unwrap_or_default().to_string();
                        let active = agent["active"].as_bool().unwrap_or(true);
                        let admin = agent["role"] == "admin";
                        let now = if !active { "deactivated".to_string() }
                            else if agent["invited"] == true { "invited".to_string() }
                            else if agent["online"] == true { format!("online, {} chat(s)", agent["chats"]) }
                            else { "offline".to_string() };
                        let (u1, u2, u3) = (user.clone(), user.clone(), user.clone());
                        view! {
                            <tr>
                                <td>{name.clone()}<br/><span class="muted">{agent["email"].as_str().unwrap_or_default().to_string()}</span></td>
                                <td>
                                    <select aria-label=format!("Role of {name}") prop:value=if admin { "admin" } else { "agent" }
                                        {..listen("change", move |ev| change(u1.clone(), json!({"role": event_target_value(&ev)}), "Role changed."))}>
                                        <option value="agent">"Agent"</option>
                                        <option value="admin">"Admin"</option>
                                    </select>
                                </td>
                                <td>{now}</td>
                                <td>
                                    <input type="number" min="1" max="50" aria-label=format!("Most chats {name} serves at once")
                                        prop:value=agent["max_chats"].to_string()
                                        {..listen("change", move |ev| change(u2.clone(), json!({"max_chats": event_target_value(&ev).parse::<i64>().unwrap_or(0)}), "Capacity changed."))} />
                                </td>
                                <td>
                                    <button type="button" class="small secondary"
                                        {..listen("click", move |_| change(u3.clone(), json!({"active": !active}), if active { "Deactivated: signed out, their chats went back to their queues." } else { "Activated." }))}>
                                        {if active { "Deactivate" } else { "Activate" }}
                                    </button>
                                </td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}
