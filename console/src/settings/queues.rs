//! Settings › Queues: the queues visitors pick from, who serves each, and their timeouts.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_ui::{listen, prop_with, text_value};
use serde_json::{Value, json};

use super::Ctx;

/// The queues page.
#[component]
pub fn Queues(ctx: Ctx) -> impl IntoView {
    let queues = RwSignal::new(Vec::<Value>::new());
    let agents = RwSignal::new(Vec::<Value>::new());
    let reload = move || {
        spawn_local(async move {
            let api = ctx.api.get_value();
            if let Ok(Value::Array(list)) = api.get("/v1/admin/queues", "queues").await {
                queues.set(list);
            }
            if let Ok(Value::Array(list)) = api.get("/v1/admin/agents", "agents").await {
                agents.set(list);
            }
        });
    };
    reload();
    let new_name = RwSignal::new(String::new());
    let add = move |ev: web_sys::Event| {
        ev.prevent_default();
        let body = json!({ "name": new_name.get_untracked() });
        spawn_local(async move {
            let outcome = ctx.api.get_value().post("/v1/admin/queues", &body).await;
            if ctx.report(outcome, "Queue added.") {
                new_name.set(String::new());
                reload();
            }
        });
    };
    view! {
        <h1>"Queues"</h1>
        <p class="muted">"Visitors pick one of these; its agents are offered the chat."</p>
        <form {..listen("submit", add)} class="form form--inline">
            <label for="q-new">"New queue"</label>
            <input id="q-new" required maxlength="60" placeholder="Billing" {..text_value(new_name)} />
            <button type="submit">"Add queue"</button>
        </form>
        <ul class="cards">
            <For each=move || queues.get() key=|q| q.to_string() let:queue>
                <QueueCard ctx queue agents reload=Callback::new(move |()| reload()) />
            </For>
        </ul>
    }
}

#[component]
fn QueueCard(
    ctx: Ctx,
    queue: Value,
    agents: RwSignal<Vec<Value>>,
    reload: Callback<()>,
) -> impl IntoView {
    let id = queue["id"].as_str().unwrap_or_default().to_string();
    let name = RwSignal::new(queue["name"].as_str().unwrap_or_default().to_string());
    let answer =
        RwSignal::new((queue["answer_timeout_ms"].as_i64().unwrap_or(15_000) / 1000).to_string());
    let wait =
        RwSignal::new((queue["queue_timeout_ms"].as_i64().unwrap_or(60_000) / 1000).to_string());
    let members = RwSignal::new(
        queue["members"]
            .as_array()
            .map(|m| {
                m.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let path = StoredValue::new(format!("/v1/admin/queues/{id}"));
    let save = move |ev: web_sys::Event| {
        ev.prevent_default();
        let seconds =
            |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().unwrap_or(0) * 1000;
        let body = json!({
            "name": name.get_untracked(),
            "answer_timeout_ms": seconds(answer),
            "queue_timeout_ms": seconds(wait),
            "members": members.get_untracked(),
        });
        spawn_local(async move {
            let outcome = ctx.api.get_value().patch(&path.get_value(), &body).await;
            if ctx.report(outcome, "Queue saved.") {
                reload.run(());
            }
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            let outcome = ctx.api.get_value().delete(&path.get_value()).await;
            if ctx.report(outcome, "Queue deleted; its chats keep their history.") {
                reload.run(());
            }
        });
    };
    let field = |suffix: &str| format!("q-{id}-{suffix}");
    view! {
        <li class="card">
            <form {..listen("submit", save)} class="form">
                <label for=field("name")>"Name"</label>
                <input id=field("name") required maxlength="60" {..text_value(name)} />
                <label for=field("answer")>"Seconds an agent has to answer"</label>
                <input id=field("answer") type="number" min="1" max="3600" {..text_value(answer)} />
                <label for=field("wait")>"Seconds a visitor waits before the ticket form"</label>
                <input id=field("wait") type="number" min="1" max="86400" {..text_value(wait)} />
                <fieldset>
                    <legend>"Agents who serve it"</legend>
                    {move || agents.get().into_iter().map(|agent| {
                        let user = agent["user_id"].as_str().unwrap_or_default().to_string();
                        let label = agent["display_name"].as_str().unwrap_or_default().to_string();
                        let checked = { let user = user.clone(); move || members.get().contains(&user) };
                        let toggle = { let user = user.clone(); move |_| members.update(|m| {
                            if let Some(at) = m.iter().position(|u| *u == user) { m.remove(at); } else { m.push(user.clone()); }
                        }) };
                        view! {
                            <label class="check">
                                <input type="checkbox" {..prop_with("checked", checked)} {..listen("change", toggle)} />
                                {label}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="actions">
                    <button type="submit">"Save"</button>
                    <button type="button" class="secondary" {..listen("click", remove)}>"Delete queue"</button>
                </div>
            </form>
        </li>
    }
}
