//! The pre-chat form: name, email and phone (checked here), the portal's own fields, then the
//! chat starts (token, connection, profile, conversation).

use leptos::prelude::*;
#[cfg(feature = "chat")]
use leptos::task::spawn_local;
#[cfg(feature = "chat")]
use parlor_client::UserInfo;
#[cfg(feature = "chat")]
use serde_json::json;

use crate::context::Ctx;
use crate::fields::{CustomFields, Greeting};
use crate::i18n::Lang;
#[cfg(feature = "chat")]
use crate::journey::{Stage, TicketReason};
use crate::pairs::{self, Pairs};
use crate::text::looks_like_email;
use parlor_ui::{ElementRef, attr, attr_owned, attr_with, listen, prop_with, text_value, watch};

/// Checks the pre-chat form: the message for each field that is wrong, by field.
pub fn validate(
    name: &str,
    email: &str,
    lang: Lang,
) -> (Option<&'static str>, Option<&'static str>) {
    let t = lang.texts();
    let name_error = name.trim().is_empty().then_some(t.name_required);
    let email_error = if email.trim().is_empty() {
        Some(t.email_required)
    } else if !looks_like_email(email.trim()) {
        Some(t.email_invalid)
    } else {
        None
    };
    (name_error, email_error)
}

/// What is wrong in a form, shown under each field: the message by field (`name`, `email`,
/// and the ticket form's `note`). Pairs, as the answers and the agents' names are: each
/// distinct value type of a signal is code of its own in the wasm.
pub(crate) type FormErrors = RwSignal<Pairs>;

/// The errors found, by field, as [`FormErrors`] hold them; says whether there is one.
pub(crate) fn set_errors(errors: FormErrors, found: &[(&str, Option<&'static str>)]) -> bool {
    let list: Pairs = found
        .iter()
        .filter_map(|(field, error)| error.map(|e| (field.to_string(), e.to_string())))
        .collect();
    let any = !list.is_empty();
    errors.set(list);
    any
}

/// `aria-invalid` of `field`: whether `errors` has one for it.
pub(crate) fn invalid(errors: FormErrors, field: &str) -> &'static str {
    if errors.with(|e| pairs::value(e, field).is_some()) {
        "true"
    } else {
        "false"
    }
}

/// The error of `field` in `errors`, empty when there is none.
pub(crate) fn error_of(errors: FormErrors, field: &str) -> String {
    errors.with(|e| pairs::value(e, field).unwrap_or_default().to_string())
}

/// Name, email (required) and phone; then the chat starts.
#[component]
pub(crate) fn PreChat(ctx: Ctx) -> impl IntoView {
    let saved = ctx.controls.saved.get_value();
    let name = RwSignal::new(saved.name);
    let email = RwSignal::new(saved.email);
    let phone = RwSignal::new(saved.phone);
    let errors: FormErrors = RwSignal::new(Vec::new());
    let busy = RwSignal::new(false);
    let name_ref = ElementRef::new();
    let email_ref = ElementRef::new();
    let form = ctx
        .portal
        .with_untracked(|p| p.as_ref().map(|p| p.prechat.clone()))
        .unwrap_or_default();
    let answers = RwSignal::new(Vec::new());
    let field_error = RwSignal::new(Vec::new());
    let checked_form = form.clone();
    watch(move || {
        if let Some(input) = name_ref.get() {
            let _ = input.focus();
        }
    });
    let send = move || {
        let found = validate(
            &name.get_untracked(),
            &email.get_untracked(),
            ctx.controls.lang.get_untracked(),
        );
        set_errors(errors, &[("name", found.0), ("email", found.1)]);
        match found {
            (Some(_), _) => {
                if let Some(input) = name_ref.get() {
                    let _ = input.focus();
                }
                return;
            }
            (_, Some(_)) => {
                if let Some(input) = email_ref.get() {
                    let _ = input.focus();
                }
                return;
            }
            _ => {}
        }
        if ctx.fields_missing(&checked_form, answers, field_error) {
            return;
        }
        // A portal that verifies identity takes only tokens from the site's backend
        // (`Parlor.setUser({token})`): without one, say so rather than fail on the token call.
        let verified_only = ctx
            .portal
            .with_untracked(|p| p.as_ref().is_some_and(|p| p.identity_verification == 1));
        if verified_only && ctx.controls.saved.with_value(|s| s.page_token.is_empty()) {
            ctx.controls
                .error
                .set(Some(ctx.t().sign_in_first.to_string()));
            return;
        }
        busy.set(true);
        ctx.controls.error.set(None);
        let (name, email, phone) = (
            name.get_untracked().trim().to_string(),
            email.get_untracked().trim().to_string(),
            phone.get_untracked().trim().to_string(),
        );
        // What the visitor typed is remembered at once, whatever comes of the chat.
        ctx.save(|s| {
            s.name = name.clone();
            s.email = email.clone();
            s.phone = phone.clone();
        });
        // The front hands the form over to the chat module, which sends it again.
        #[cfg(not(feature = "chat"))]
        answers.with_untracked(|a| ctx.hand_over("start", Some(a)));
        #[cfg(feature = "chat")]
        let fields = (!checked_form.fields.is_empty() || checked_form.consent.is_some())
            .then(|| answers.with_untracked(crate::fields::to_json));
        #[cfg(feature = "chat")]
        spawn_local(async move {
            let result = start_chat(ctx, name, email, phone, fields).await;
            busy.set(false);
            if let Err(error) = result {
                if error.code == parlor_client::protocol::socket::code::OUTSIDE_BUSINESS_HOURS {
                    ctx.stage.set(Stage::Ticket(TicketReason::Closed));
                } else {
                    ctx.show_error(&error);
                }
            }
        });
    };
    // Handed the form by the front: the visitor's answers, sent at once.
    #[cfg(feature = "chat")]
    if let Some(given) = ctx.take_start() {
        answers.set(given);
        send();
    }
    // The front's hand-over failed: the form is the visitor's again.
    #[cfg(not(feature = "chat"))]
    watch(move || {
        if ctx.controls.error.with(Option::is_some) {
            busy.set(false);
        }
    });
    let submit = move |ev: web_sys::Event| {
        ev.prevent_default();
        send();
    };
    let t = move || ctx.t();
    view! {
        <form class="form" {..listen("submit", submit)} {..attr("novalidate", "")}>
            <Greeting portal=ctx.portal lang=ctx.controls.lang />
            <p class="form__intro">{move || t().prechat_intro.to_string()}</p>
            <ContactFields
                ctx
                prefix="parlor"
                name
                email
                phone
                errors
                name_ref
                email_ref
            />
            <CustomFields form answers error=field_error lang=ctx.controls.lang />
            <button type="submit" class="primary" {..prop_with("disabled", move || busy.get())}>
                {move || if busy.get() { t().starting } else { t().start_chat }.to_string()}
            </button>
        </form>
    }
}

/// Name and email (required, with their errors: `name` and `email` of `errors`) and phone
/// (optional): the fields the pre-chat form and the ticket form share. Ids are
/// `{prefix}-name`, `{prefix}-email`, `{prefix}-phone`.
#[component]
pub(crate) fn ContactFields(
    ctx: Ctx,
    prefix: &'static str,
    name: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    errors: FormErrors,
    name_ref: ElementRef,
    email_ref: ElementRef,
) -> impl IntoView {
    let t = move || ctx.t();
    let id = move |field: &str| format!("{prefix}-{field}");
    view! {
        <label for=id("name")>{move || t().name.to_string()}</label>
        <input
            id=id("name")
            type="text"
            {..attr("autocomplete", "name")}
            {..attr("maxlength", "100")}
            {..attr("required", "")}
            node_ref={name_ref}
            {..attr_with("aria-invalid", move || invalid(errors, "name"))}
            {..attr_owned("aria-describedby", id("name-error"))}
            {..text_value(name)}
        />
        <p class="form__error" id=id("name-error")>{move || error_of(errors, "name")}</p>
        <label for=id("email")>{move || t().email.to_string()}</label>
        <input
            id=id("email")
            type="email"
            {..attr("autocomplete", "email")}
            {..attr("maxlength", "254")}
            {..attr("required", "")}
            node_ref={email_ref}
            {..attr_with("aria-invalid", move || invalid(errors, "email"))}
            {..attr_owned("aria-describedby", id("email-error"))}
            {..text_value(email)}
        />
        <p class="form__error" id=id("email-error")>{move || error_of(errors, "email")}</p>
        <label for=id("phone")>{move || t().phone.to_string()} " " <span class="muted">{move || t().optional.to_string()}</span></label>
        <input id=id("phone") type="tel" {..attr("autocomplete", "tel")} {..attr("maxlength", "40")} {..text_value(phone)} />
    }
}

/// Token, connection, profile, conversation: the chat starts.
#[cfg(feature = "chat")]
async fn start_chat(
    ctx: Ctx,
    name: String,
    email: String,
    phone: String,
    fields: Option<serde_json::Value>,
) -> Result<(), parlor_client::Error> {
    let saved = ctx.controls.saved.get_value();
    let token = if saved.page_token.is_empty() {
        ctx.chat()
            .get_live_chat_token(&ctx.key(), &name, &email, &saved.browser_id)
            .await?
    } else {
        saved.page_token
    };
    ctx.save(|s| s.token = token.clone());
    let client = ctx.client();
    if !client.is_connected() {
        client.connect(&token);
    }
    client.until_connected(15_000).await?;
    let window = web_sys::window();
    let page = window.as_ref().and_then(|w| w.location().href().ok());
    let agent = window
        .as_ref()
        .and_then(|w| w.navigator().user_agent().ok());
    client
        .update_user_info(&UserInfo {
            display_name: Some(name),
            email: Some(email),
            phone: (!phone.is_empty()).then_some(phone),
            page_url: page.clone(),
            page_title: Some(document().title()),
            useragent: agent,
            language: Some(ctx.controls.lang.get_untracked().tag().to_string()),
            fields,
            ..UserInfo::default()
        })
        .await?;
    let queue = ctx.queue.get_untracked().unwrap_or_default();
    let (conversation, info) = client
        .create_live_chat_conversation(&queue, Some(json!({ "pageUrl": page })))
        .await?;
    let conv = conversation.id().to_string();
    ctx.save(|s| {
        s.conv_id = Some(conv.clone());
        s.queue_id = Some(queue.clone());
    });
    ctx.conv.set(Some(conv.clone()));
    ctx.messages.set(Vec::new());
    ctx.stage.set(Stage::of_status(&info.status));
    ctx.emit("chatStarted", &[("convId", &conv), ("queueId", &queue)]);
    Ok(())
}
