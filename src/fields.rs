//! What a portal adds to the widget's first screens: its greeting, and its own pre-chat fields
//! and consent box (Settings › Pre-chat form), rendered and checked here, answered to the
//! server with the visitor's profile.

use leptos::prelude::*;
use parlor_client::protocol::prechat::{FieldKind, PrechatForm};
use parlor_client::protocol::rest::ChatProfile;
use serde_json::{Map, Value};

use crate::i18n::{Lang, with_name};
use crate::pairs::{self, Pairs};
use parlor_ui::{attr, attr_owned, attr_with, listen, prop_with};

/// The portal's greeting, or the widget's own, at the top of the first screen.
#[component]
pub fn Greeting(portal: RwSignal<Option<ChatProfile>>, lang: RwSignal<Lang>) -> impl IntoView {
    let text = move || {
        portal
            .with(|p| p.as_ref().map(|p| p.greeting.clone()))
            .filter(|g| !g.trim().is_empty())
            .unwrap_or_else(|| lang.get().texts().greeting.to_string())
    };
    view! { <p class="greeting">{text}</p> }
}

/// The visitor's answers: field id → text (`"true"` for a ticked box, `consent` for consent).
pub type Answers = RwSignal<Pairs>;

/// The form's own fields and consent box, after name, email and phone.
#[component]
pub fn CustomFields(
    form: PrechatForm,
    answers: Answers,
    /// The message of the first field found wrong, by field id (one pair at most: pairs, as
    /// the forms' other errors, rather than a signal type of its own).
    error: RwSignal<Pairs>,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    let error_of = move |id: &str| {
        let id = id.to_string();
        move || error.with(|e| pairs::value(e, &id).unwrap_or_default().to_string())
    };
    let value_of = move |id: &str| {
        let id = id.to_string();
        move || answers.with(|a| pairs::value(a, &id).unwrap_or_default().to_string())
    };
    let set = move |id: &str| {
        let id = id.to_string();
        move |value: String| {
            answers.update(|a| {
                pairs::set(a, id.clone(), value);
            })
        }
    };
    let fields = form
        .fields
        .into_iter()
        .map(|field| {
            let id = format!("parlor-field-{}", field.id);
            let error_id = format!("{id}-error");
            let label = field.label.clone();
            let text = move || label.get(lang.get().tag()).to_string();
            let invalid = {
                let error_of = error_of(&field.id);
                move || (!error_of().is_empty()).to_string()
            };
            let (value, set) = (value_of(&field.id), set(&field.id));
            let optional = move || if field.required { "" } else { lang.get().texts().optional }.to_string();
            let input = match field.kind {
                FieldKind::Text => view! {
                    <input id=id.clone() type="text" {..attr("maxlength", "500")} {..attr_with("aria-invalid", invalid)} {..attr_owned("aria-describedby", error_id.clone())}
                        {..prop_with("value", value)} {..listen("input", move |ev| set(event_target_value(&ev)))} />
                }
                .into_any(),
                FieldKind::Select => {
                    let options = field.options.clone();
                    view! {
                        <select id=id.clone() {..attr_with("aria-invalid", invalid)} {..attr_owned("aria-describedby", error_id.clone())}
                            {..prop_with("value", value)} {..listen("change", move |ev| set(event_target_value(&ev)))}>
                            <option value="">"—"</option>
                            {options.into_iter().map(|o| view! { <option {..attr_owned("value", o.clone())}>{o.clone()}</option> }).collect_view()}
                        </select>
                    }
                    .into_any()
                }
                FieldKind::Checkbox => {
                    return view! {
                        <label class="check">
                            <input id=id.clone() type="checkbox" {..attr_with("aria-invalid", invalid)} {..attr_owned("aria-describedby", error_id.clone())}
                                {..prop_with("checked", move || value() == "true")}
                                {..listen("change", move |ev| set(event_target_checked(&ev).to_string()))} />
                            {text} " " <span class="muted">{optional}</span>
                        </label>
                        <p class="form__error" id=error_id>{error_of(&field.id)}</p>
                    }
                    .into_any();
                }
            };
            view! {
                <label for=id>{text} " " <span class="muted">{optional}</span></label>
                {input}
                <p class="form__error" id=error_id>{error_of(&field.id)}</p>
            }
            .into_any()
        })
        .collect_view();
    let consent = form.consent.map(|labels| {
        let text = move || labels.get(lang.get().tag()).to_string();
        let (value, set) = (value_of("consent"), set("consent"));
        view! {
            <label class="check">
                <input id="parlor-consent" type="checkbox" {..attr_with("aria-invalid", move || (!error_of("consent")().is_empty()).to_string())}
                    {..attr("aria-describedby", "parlor-consent-error")}
                    {..prop_with("checked", move || value() == "true")}
                    {..listen("change", move |ev| set(event_target_checked(&ev).to_string()))} />
                {text}
            </label>
            <p class="form__error" id="parlor-consent-error">{error_of("consent")}</p>
        }
    });
    view! { {fields} {consent} }
}

/// The first field the visitor must still answer, with its message; `None` when all is well.
pub fn missing(form: &PrechatForm, answers: &Pairs, lang: Lang) -> Option<(String, String)> {
    let answered =
        |id: &str| pairs::value(answers, id).is_some_and(|v| !v.trim().is_empty() && v != "false");
    for field in &form.fields {
        if field.required && !answered(&field.id) {
            let label = field.label.get(lang.tag());
            return Some((
                field.id.clone(),
                with_name(lang.texts().field_required, label),
            ));
        }
    }
    if form.consent.is_some() && !answered("consent") {
        return Some(("consent".into(), lang.texts().consent_required.to_string()));
    }
    None
}

/// The answers as the server takes them (`UPDATE_USER_INFO`'s `fields`).
pub fn to_json(answers: &Pairs) -> Value {
    // Inserted one by one: collecting into a map sorts first, and brings a sort routine.
    let mut map = Map::new();
    for (key, value) in answers.iter().filter(|(_, v)| !v.trim().is_empty()) {
        map.insert(key.clone(), Value::String(value.clone()));
    }
    Value::Object(map)
}
