//! Settings › Security: the origins allowed to embed the widget, identity verification, the
//! typing preview, and the API keys a site's backend signs visitors' tokens with.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_ui::{listen, prop_with, text_value};
use serde_json::{Value, json};

use super::{Ctx, lines_of, list_of};

/// The security page.
#[component]
pub fn Security(ctx: Ctx) -> impl IntoView {
    let portal = ctx.portal.get_untracked();
    let origins = RwSignal::new(lines_of(&portal, "allowed_origins"));
    let verify = RwSignal::new(portal["identity_verification"].as_bool().unwrap_or(false));
    let preview = RwSignal::new(portal["typing_preview"].as_bool().unwrap_or(false));
    let save = move |ev: web_sys::Event| {
        ev.prevent_default();
        let list = list_of(&origins.get_untracked());
        ctx.save_portal(json!({
            "allowed_origins": list,
            "identity_verification": verify.get_untracked(),
            "typing_preview": preview.get_untracked(),
        }));
    };
    let keys = RwSignal::new(Vec::<Value>::new());
    let secret = RwSignal::new(None::<(String, String)>);
    let reload = move || {
        spawn_local(async move {
            if let Ok(Value::Array(list)) = ctx
                .api
                .get_value()
                .get("/v1/admin/api-keys", "api_keys")
                .await
            {
                keys.set(list);
            }
        });
    };
    reload();
    let create = move |_| {
        spawn_local(async move {
            match ctx
                .api
                .get_value()
                .post("/v1/admin/api-keys", &json!({}))
                .await
            {
                Ok(reply) => {
                    let key = &reply["api_key"];
                    secret.set(Some((
                        key["sid"].as_str().unwrap_or_default().to_string(),
                        key["secret"].as_str().unwrap_or_default().to_string(),
                    )));
                    ctx.status
                        .set("Key created: copy its secret now, it is not shown again.".into());
                    reload();
                }
                Err(e) => ctx.status.set(format!("Not done: {}", e.message)),
            }
        });
    };
    view! {
        <h1>"Security"</h1>
        <form {..listen("submit", save)} class="form">
            <label for="s-origins">"Sites allowed to embed the widget, one origin per line (empty: any)"</label>
            <textarea id="s-origins" rows="4" placeholder="https://shop.example.com" {..text_value(origins)}></textarea>
            <label class="check">
                <input type="checkbox" {..prop_with("checked", move || verify.get())} {..listen("change", move |ev| verify.set(event_target_checked(&ev)))} />
                "Identity verification: only visitors' tokens minted by our site's backend with an API key"
            </label>
            <label class="check">
                <input type="checkbox" {..prop_with("checked", move || preview.get())} {..listen("change", move |ev| preview.set(event_target_checked(&ev)))} />
                "Typing preview: agents see what visitors type before they send it (the widget tells visitors; drafts are never stored)"
            </label>
            <button type="submit">"Save"</button>
        </form>
        <h2>"API keys"</h2>
        <p class="muted">"Your site's backend signs visitors' tokens with a key's secret (see the embedding guide)."</p>
        {move || secret.get().map(|(sid, secret)| view! {
            <div class="card" role="region" aria-label="New key">
                <p><strong>"SID: "</strong><code>{sid}</code></p>
                <p><strong>"Secret (shown once): "</strong><code>{secret}</code></p>
            </div>
        })}
        <button type="button" {..listen("click", create)}>"Create a key"</button>
        <table class="table">
            <caption class="sr-only">"API keys"</caption>
            <thead><tr><th scope="col">"SID"</th><th scope="col">"Created"</th><th scope="col">"State"</th></tr></thead>
            <tbody>
                <For each=move || keys.get() key=|k| k.to_string() let:key>
                    {
                        let sid = key["sid"].as_str().unwrap_or_default().to_string();
                        let revoked = !key["revoked_at"].is_null();
                        let created = date(&key["created_at"]);
                        let path = format!("/v1/admin/api-keys/{sid}");
                        let revoke = move |_| {
                            let path = path.clone();
                            spawn_local(async move {
                                let outcome = ctx.api.get_value().delete(&path).await;
                                if ctx.report(outcome, "Key revoked: tokens it signed are refused.") {
                                    reload();
                                }
                            });
                        };
                        view! {
                            <tr>
                                <td><code>{sid.clone()}</code></td>
                                <td>{created}</td>
                                <td>
                                    {if revoked {
                                        view! { <span>"revoked"</span> }.into_any()
                                    } else {
                                        view! { <button type="button" class="small secondary" aria-label=format!("Revoke {sid}") {..listen("click", revoke)}>"Revoke"</button> }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}

/// A stored time (ms) as the browser's local date and time.
pub fn date(ms: &Value) -> String {
    let date = js_sys::Date::new(&ms.as_f64().unwrap_or_default().into());
    String::from(date.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED))
}
