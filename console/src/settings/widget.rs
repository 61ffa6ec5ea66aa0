//! Settings › Widget: the name, colour, logo, language, corner and texts visitors see, with a
//! live preview and the embed snippet.

use leptos::prelude::*;
use parlor_ui::{listen, text_value};
use serde_json::json;

use super::{Ctx, text};

/// The widget page.
#[component]
pub fn Widget(ctx: Ctx) -> impl IntoView {
    let portal = ctx.portal.get_untracked();
    let name = RwSignal::new(text(&portal, "name"));
    let color = RwSignal::new(text(&portal, "color"));
    let logo = RwSignal::new(text(&portal, "logo_url"));
    let language = RwSignal::new(text(&portal, "language"));
    let position = RwSignal::new(text(&portal, "position"));
    let greeting = RwSignal::new(text(&portal, "greeting"));
    let reply_time = RwSignal::new(text(&portal, "reply_time_text"));
    let offline = RwSignal::new(text(&portal, "offline_message"));
    let key = text(&portal, "widget_key");
    let origin = js_sys::Reflect::get(&js_sys::global(), &"location".into())
        .and_then(|location| js_sys::Reflect::get(&location, &"origin".into()))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let snippet = format!(
        "<script src=\"{origin}/widget/parlor.js\" data-widget-key=\"{key}\" async></script>"
    );
    let copied = RwSignal::new(false);
    let copy = {
        let snippet = snippet.clone();
        move |_| {
            copy_text(&snippet);
            copied.set(true);
        }
    };
    let save = move |ev: web_sys::Event| {
        ev.prevent_default();
        ctx.save_portal(json!({
            "name": name.get_untracked(),
            "color": color.get_untracked(),
            "logo_url": logo.get_untracked(),
            "language": language.get_untracked(),
            "position": position.get_untracked(),
            "greeting": greeting.get_untracked(),
            "reply_time_text": reply_time.get_untracked(),
            "offline_message": offline.get_untracked(),
        }));
    };
    let shade =
        move || parlor_client::theme::readable_shade(&color.get()).unwrap_or_else(|| color.get());
    view! {
        <h1>"Widget"</h1>
        <div class="settings__split">
            <form {..listen("submit", save)} class="form">
                <label for="w-name">"Name in the widget's header"</label>
                <input id="w-name" required maxlength="100" {..text_value(name)} />
                <label for="w-color">"Brand colour"</label>
                <input id="w-color" type="color" class="color" {..text_value(color)} />
                <label for="w-logo">"Logo URL (https://…, optional)"</label>
                <input id="w-logo" type="url" {..text_value(logo)} />
                <label for="w-language">"Language"</label>
                <select id="w-language" {..text_value(language)}>
                    <option value="en">"English"</option>
                    <option value="vi">"Tiếng Việt"</option>
                </select>
                <label for="w-position">"Launcher corner"</label>
                <select id="w-position" {..text_value(position)}>
                    <option value="right">"Bottom right"</option>
                    <option value="left">"Bottom left"</option>
                </select>
                <label for="w-greeting">"Greeting, shown when the widget opens"</label>
                <textarea id="w-greeting" maxlength="500" {..text_value(greeting)}></textarea>
                <label for="w-reply">"Reply time, under the name"</label>
                <input id="w-reply" maxlength="500" placeholder="We usually reply in a few minutes" {..text_value(reply_time)} />
                <label for="w-offline">"Message when nobody is available"</label>
                <textarea id="w-offline" maxlength="500" {..text_value(offline)}></textarea>
                <button type="submit">"Save"</button>
            </form>
            <section class="preview" aria-label="Preview">
                <h2>"Preview"</h2>
                <div class="preview__panel">
                    <div class="preview__header" style:background=shade>
                        <strong>{move || name.get()}</strong>
                        <span>{move || reply_time.get()}</span>
                    </div>
                    <p class="preview__bubble">
                        {move || if greeting.get().trim().is_empty() {
                            if language.get() == "vi" { "Xin chào! Chúng tôi có thể giúp gì cho bạn?".to_string() } else { "Hi! How can we help?".to_string() }
                        } else {
                            greeting.get()
                        }}
                    </p>
                    <span class="preview__button" style:background=shade>
                        {move || if language.get() == "vi" { "Bắt đầu trò chuyện" } else { "Start chat" }}
                    </span>
                </div>
                <p class="muted">
                    {move || if shade() != color.get().to_lowercase() {
                        "This colour is too light for white text: the widget uses a darker shade of it."
                    } else {
                        ""
                    }}
                </p>
                <h2>"Embed snippet"</h2>
                <p>"Paste this before </body> on every page of your site."</p>
                <pre class="snippet"><code>{snippet.clone()}</code></pre>
                <button type="button" {..listen("click", copy)}>
                    {move || if copied.get() { "Copied" } else { "Copy snippet" }}
                </button>
            </section>
        </div>
    }
}

/// Copies `text` to the clipboard (in a secure context; elsewhere nothing happens and the
/// snippet stays selectable).
fn copy_text(text: &str) {
    let Ok(navigator) = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()) else {
        return;
    };
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return;
    };
    if let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into())
        && let Ok(write) = wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(write)
    {
        let _ = write.call1(&clipboard, &text.into());
    }
}
