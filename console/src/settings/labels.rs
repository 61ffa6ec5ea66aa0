//! Settings › Labels: the names and colours agents put on conversations, to sort them and to
//! find them again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_ui::{listen, text_value};
use serde_json::{Value, json};

use super::Ctx;

/// The labels page.
#[component]
pub fn Labels(ctx: Ctx) -> impl IntoView {
    let labels = RwSignal::new(Vec::<Value>::new());
    let reload = move || {
        spawn_local(async move {
            if let Ok(Value::Array(list)) = ctx.api.get_value().get("/v1/labels", "labels").await {
                labels.set(list);
            }
        });
    };
    reload();
    let name = RwSignal::new(String::new());
    let color = RwSignal::new("#2563eb".to_string());
    let add = move |ev: web_sys::Event| {
        ev.prevent_default();
        let body = json!({ "name": name.get_untracked(), "color": color.get_untracked() });
        spawn_local(async move {
            let outcome = ctx.api.get_value().post("/v1/admin/labels", &body).await;
            if ctx.report(outcome, "Label added.") {
                name.set(String::new());
                reload();
            }
        });
    };
    view! {
        <h1>"Labels"</h1>
        <p class="muted">"Agents put these on conversations; search finds chats by them."</p>
        <form {..listen("submit", add)} class="form form--inline">
            <label for="label-new">"New label"</label>
            <input id="label-new" required maxlength="40" placeholder="VIP" {..text_value(name)} />
            <label for="label-new-color">"Colour"</label>
            <input id="label-new-color" type="color" {..text_value(color)} />
            <button type="submit">"Add label"</button>
        </form>
        <ul class="list">
            <For each=move || labels.get() key=|l| l.to_string() let:label>
                <LabelRow ctx label reload=Callback::new(move |()| reload()) />
            </For>
        </ul>
    }
}

/// One label: rename, recolour, delete.
#[component]
fn LabelRow(ctx: Ctx, label: Value, reload: Callback<()>) -> impl IntoView {
    let id = label["id"].as_str().unwrap_or_default().to_string();
    let shown = label["name"].as_str().unwrap_or_default().to_string();
    let name = RwSignal::new(shown.clone());
    let color = RwSignal::new(label["color"].as_str().unwrap_or("#000000").to_string());
    let path = StoredValue::new(format!("/v1/admin/labels/{id}"));
    let save = move |ev: web_sys::Event| {
        ev.prevent_default();
        let body = json!({ "name": name.get_untracked(), "color": color.get_untracked() });
        spawn_local(async move {
            let outcome = ctx.api.get_value().patch(&path.get_value(), &body).await;
            if ctx.report(outcome, "Label saved.") {
                reload.run(());
            }
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            let outcome = ctx.api.get_value().delete(&path.get_value()).await;
            if ctx.report(outcome, "Label deleted.") {
                reload.run(());
            }
        });
    };
    let name_id = format!("label-{id}-name");
    let color_id = format!("label-{id}-color");
    view! {
        <li>
            <form class="form form--inline" {..listen("submit", save)}>
                <span class="label-chip">
                    <span class="label-chip__dot" aria-hidden="true" style:background-color=move || color.get()></span>
                    {shown.clone()}
                </span>
                <label for=name_id.clone() class="sr-only">{format!("Name of {shown}")}</label>
                <input id=name_id required maxlength="40" {..text_value(name)} />
                <label for=color_id.clone() class="sr-only">{format!("Colour of {shown}")}</label>
                <input id=color_id type="color" {..text_value(color)} />
                <button type="submit" class="small">"Save"</button>
                <button type="button" class="small secondary" aria-label=format!("Delete {shown}") {..listen("click", remove)}>
                    "Delete"
                </button>
            </form>
        </li>
    }
}
