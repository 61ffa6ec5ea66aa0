//! Settings › Visitor data: how long finished chats are kept, and one visitor's data on
//! request, by email (every browser they used) or visitor id: export it as JSON, or erase it
//! (messages, notes, tickets, files and their records; each chat stays as counts for
//! reports). Both are audited.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_ui::{listen, shown, text_value};
use serde_json::json;

use super::Ctx;

/// `email` or `visitor_id`, by the look of what was typed.
fn who(typed: &str) -> (&'static str, String) {
    let typed = typed.trim().to_string();
    if typed.contains('@') {
        ("email", typed)
    } else {
        ("visitor_id", typed)
    }
}

/// The visitor data page.
#[component]
pub fn VisitorData(ctx: Ctx) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let days = RwSignal::new(
        ctx.portal.get_untracked()["retention_days"]
            .as_i64()
            .unwrap_or(0)
            .to_string(),
    );
    let keep = move |ev: web_sys::Event| {
        ev.prevent_default();
        let days = days.get_untracked().trim().parse::<i64>().unwrap_or(-1);
        ctx.save_portal(json!({ "retention_days": days }));
    };
    let exported = RwSignal::new(None::<(String, String)>);
    let confirming = RwSignal::new(false);
    let export = move |ev: web_sys::Event| {
        ev.prevent_default();
        let (field, value) = who(&typed.get_untracked());
        let path = format!(
            "/v1/admin/visitor-data?{field}={}",
            String::from(js_sys::encode_uri_component(&value))
        );
        confirming.set(false);
        spawn_local(async move {
            match ctx.api.get_value().get(&path, "").await {
                Ok(data) => {
                    let chats = data["chats"].as_array().map_or(0, Vec::len);
                    let text = serde_json::to_string_pretty(&data).unwrap_or_default();
                    let href = format!(
                        "data:application/json;charset=utf-8,{}",
                        String::from(js_sys::encode_uri_component(&text))
                    );
                    exported.set(Some((href, format!("visitor-data-{value}.json"))));
                    ctx.status
                        .set(format!("Found {chats} chat(s): download the export below."));
                }
                Err(e) => ctx.status.set(format!("Not exported: {}", e.message)),
            }
        });
    };
    let erase = move |_| {
        let (field, value) = who(&typed.get_untracked());
        confirming.set(false);
        exported.set(None);
        spawn_local(async move {
            let body = json!({ field: value });
            match ctx
                .api
                .get_value()
                .post("/v1/admin/visitor-data/erase", &body)
                .await
            {
                Ok(reply) => {
                    let n = |k: &str| reply["erased"][k].as_u64().unwrap_or(0);
                    ctx.status.set(format!(
                        "Erased: {} chat(s) emptied, {} message(s), {} ticket(s), {} file(s), {} visitor record(s).",
                        n("chats"), n("messages"), n("tickets"), n("files"), n("visitors")
                    ));
                }
                Err(e) => ctx.status.set(format!("Not erased: {}", e.message)),
            }
        });
    };
    view! {
        <h1>"Visitor data"</h1>
        <p class="muted">
            "A visitor's data on request: by email (every browser they used, and tickets left with it) or by visitor id. Both are written to the audit log."
        </p>
        <form class="form" {..listen("submit", export)}>
            <label for="vd-who">"Email or visitor id"</label>
            <input id="vd-who" required maxlength="200" {..text_value(typed)} />
            <button type="submit">"Export"</button>
        </form>
        {move || exported.get().map(|(href, name)| view! {
            <p><a href=href download=name.clone()>{format!("Download {name}")}</a></p>
        })}
        <h2>"Retention"</h2>
        <form class="form form--inline" {..listen("submit", keep)}>
            <label for="vd-days">"Delete finished chats after this many days (0 keeps them)"</label>
            <input id="vd-days" type="number" min="0" max="3650" required {..text_value(days)} />
            <button type="submit">"Save"</button>
        </form>
        <h2>"Erase"</h2>
        <p class="muted">"Removes their messages, private notes, tickets, files and visitor records for good; each chat stays as counts for reports."</p>
        {shown(
            move || confirming.get(),
            move || view! {
                <div role="alertdialog" aria-labelledby="vd-confirm" class="card">
                    <p id="vd-confirm">{move || format!("Erase everything of {} for good?", typed.get())}</p>
                    <button type="button" class="danger" {..listen("click", erase)}>"Erase for good"</button>
                    <button type="button" class="secondary" {..listen("click", move |_| confirming.set(false))}>"Keep"</button>
                </div>
            }.into_any(),
            move || view! {
                <button type="button" class="secondary" {..listen("click", move |_| confirming.set(true))}>"Erase…"</button>
            }.into_any(),
        )}
    }
}
