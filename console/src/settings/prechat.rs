//! Settings › Pre-chat form: name and email are always asked (phone is optional); admins add
//! their own fields (text, select, checkbox; labels in English and Vietnamese) and a consent
//! checkbox.

use leptos::prelude::*;
use parlor_client::protocol::prechat::{Field, FieldKind, Labels, PrechatForm};
use parlor_ui::{listen, prop_with, shown_if, text_value};
use serde_json::json;

use super::Ctx;

/// One editable field: every input a signal of its own.
#[derive(Clone, Copy)]
struct Row {
    key: usize,
    id: RwSignal<String>,
    kind: RwSignal<String>,
    en: RwSignal<String>,
    vi: RwSignal<String>,
    required: RwSignal<bool>,
    options: RwSignal<String>,
}

impl Row {
    fn new(key: usize, field: Option<&Field>) -> Self {
        let kind = match field.map(|f| f.kind) {
            Some(FieldKind::Select) => "select",
            Some(FieldKind::Checkbox) => "checkbox",
            _ => "text",
        };
        Self {
            key,
            id: RwSignal::new(field.map(|f| f.id.clone()).unwrap_or_default()),
            kind: RwSignal::new(kind.to_string()),
            en: RwSignal::new(field.map(|f| f.label.en.clone()).unwrap_or_default()),
            vi: RwSignal::new(field.map(|f| f.label.vi.clone()).unwrap_or_default()),
            required: RwSignal::new(field.is_some_and(|f| f.required)),
            options: RwSignal::new(field.map(|f| f.options.join(", ")).unwrap_or_default()),
        }
    }

    fn field(&self) -> Field {
        Field {
            id: self.id.get_untracked().trim().to_string(),
            kind: match self.kind.get_untracked().as_str() {
                "select" => FieldKind::Select,
                "checkbox" => FieldKind::Checkbox,
                _ => FieldKind::Text,
            },
            label: Labels {
                en: self.en.get_untracked(),
                vi: self.vi.get_untracked(),
            },
            required: self.required.get_untracked(),
            options: self
                .options
                .get_untracked()
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

/// The pre-chat form page.
#[component]
pub fn Prechat(ctx: Ctx) -> impl IntoView {
    let form: PrechatForm =
        serde_json::from_value(ctx.portal.get_untracked()["prechat_fields"].clone())
            .unwrap_or_default();
    let next = StoredValue::new(form.fields.len());
    let rows = RwSignal::new(
        form.fields
            .iter()
            .enumerate()
            .map(|(i, f)| Row::new(i, Some(f)))
            .collect::<Vec<_>>(),
    );
    let consent = RwSignal::new(form.consent.is_some());
    let consent_en = RwSignal::new(
        form.consent
            .as_ref()
            .map(|c| c.en.clone())
            .unwrap_or_default(),
    );
    let consent_vi = RwSignal::new(
        form.consent
            .as_ref()
            .map(|c| c.vi.clone())
            .unwrap_or_default(),
    );
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| r.push(Row::new(key, None)));
    };
    let save = move |ev: web_sys::Event| {
        ev.prevent_default();
        let form = PrechatForm {
            fields: rows.get_untracked().iter().map(Row::field).collect(),
            consent: consent.get_untracked().then(|| Labels {
                en: consent_en.get_untracked(),
                vi: consent_vi.get_untracked(),
            }),
        };
        if let Err(problem) = form.validate() {
            ctx.status.set(format!("Not saved: {problem}"));
            return;
        }
        ctx.save_portal(json!({ "prechat_fields": form }));
    };
    view! {
        <h1>"Pre-chat form"</h1>
        <p class="muted">"Name and email are always asked, phone is optional. Your fields follow, in this order; visitors' answers show in the chat's details and on tickets."</p>
        <form {..listen("submit", save)} class="form">
            <For each=move || rows.get() key=|r| r.key let:row>
                <fieldset class="card">
                    <legend>{move || format!("Field {}", row.id.get())}</legend>
                    <label for=format!("f{}-id", row.key)>"Key (a-z, 0-9, _)"</label>
                    <input id=format!("f{}-id", row.key) required pattern="[a-z0-9_]{1,32}" {..text_value(row.id)} />
                    <label for=format!("f{}-kind", row.key)>"Type"</label>
                    <select id=format!("f{}-kind", row.key) {..text_value(row.kind)}>
                        <option value="text">"Text"</option>
                        <option value="select">"Choice"</option>
                        <option value="checkbox">"Checkbox"</option>
                    </select>
                    <label for=format!("f{}-en", row.key)>"Label (English)"</label>
                    <input id=format!("f{}-en", row.key) required {..text_value(row.en)} />
                    <label for=format!("f{}-vi", row.key)>"Label (Vietnamese)"</label>
                    <input id=format!("f{}-vi", row.key) {..text_value(row.vi)} />
                    {shown_if(move || row.kind.get() == "select", move || view! {
                        <label for=format!("f{}-options", row.key)>"Choices, separated by commas"</label>
                        <input id=format!("f{}-options", row.key) {..text_value(row.options)} />
                    }.into_any())}
                    <label class="check">
                        <input type="checkbox" {..prop_with("checked", move || row.required.get())} {..listen("change", move |ev| row.required.set(event_target_checked(&ev)))} />
                        "Required"
                    </label>
                    <button type="button" class="small secondary" {..listen("click", move |_| rows.update(|r| r.retain(|x| x.key != row.key)))}>
                        "Remove field"
                    </button>
                </fieldset>
            </For>
            <button type="button" class="secondary" {..listen("click", add)}>"Add a field"</button>
            <label class="check">
                <input type="checkbox" {..prop_with("checked", move || consent.get())} {..listen("change", move |ev| consent.set(event_target_checked(&ev)))} />
                "Ask for consent before the chat"
            </label>
            {shown_if(move || consent.get(), move || view! {
                <label for="consent-en">"Consent text (English)"</label>
                <input id="consent-en" required {..text_value(consent_en)} />
                <label for="consent-vi">"Consent text (Vietnamese)"</label>
                <input id="consent-vi" {..text_value(consent_vi)} />
            }.into_any())}
            <button type="submit">"Save"</button>
        </form>
    }
}
