//! The ticket form, when nobody can chat (outside business hours, nobody online, nobody
//! answered): name and email prefilled, the portal's own fields, a description.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::TicketRequest;

use crate::context::Ctx;
use crate::fields::CustomFields;
use crate::journey::{Stage, TicketReason};
use crate::prechat::{ContactFields, FormErrors, error_of, invalid, set_errors, validate};
use parlor_ui::{ElementRef, attr, attr_with, listen, prop_with, text_value, watch};

/// The ticket form: name and email prefilled, a description; stored and mailed to the team.
#[component]
pub(crate) fn TicketForm(ctx: Ctx, reason: TicketReason) -> impl IntoView {
    let saved = ctx.controls.saved.get_value();
    let name = RwSignal::new(saved.name);
    let email = RwSignal::new(saved.email);
    let phone = RwSignal::new(saved.phone);
    let note = RwSignal::new(String::new());
    let errors: FormErrors = RwSignal::new(Vec::new());
    let busy = RwSignal::new(false);
    let first_ref = ElementRef::new();
    watch(move || {
        if let Some(input) = first_ref.get() {
            let _ = input.focus();
        }
    });
    // A visitor sent here before any chat answers the portal's own fields here; after a chat
    // nobody took, the server has their answers from the pre-chat form.
    let form = match reason {
        TicketReason::NoAnswer => Default::default(),
        TicketReason::Closed | TicketReason::Nobody => ctx
            .portal
            .with_untracked(|p| p.as_ref().map(|p| p.prechat.clone()))
            .unwrap_or_default(),
    };
    let answers = RwSignal::new(Vec::new());
    let field_error = RwSignal::new(Vec::new());
    let checked_form = form.clone();
    let submit = move |ev: web_sys::Event| {
        ev.prevent_default();
        let lang = ctx.controls.lang.get_untracked();
        let (name_error, email_error) =
            validate(&name.get_untracked(), &email.get_untracked(), lang);
        let note_error = note
            .get_untracked()
            .trim()
            .is_empty()
            .then_some(lang.chat_texts().description_required);
        if set_errors(
            errors,
            &[
                ("name", name_error),
                ("email", email_error),
                ("note", note_error),
            ],
        ) {
            return;
        }
        if ctx.fields_missing(&checked_form, answers, field_error) {
            return;
        }
        busy.set(true);
        let has_fields = !checked_form.fields.is_empty() || checked_form.consent.is_some();
        let request = TicketRequest {
            name: name.get_untracked().trim().to_string(),
            email: email.get_untracked().trim().to_string(),
            phone: phone.get_untracked().trim().to_string(),
            note: note.get_untracked().trim().to_string(),
            browser_id: ctx.controls.saved.get_value().browser_id,
            queue_id: ctx.queue.get_untracked(),
            fields: has_fields.then(|| {
                parlor_client::json::stringify(&answers.with_untracked(crate::fields::to_json))
            }),
        };
        spawn_local(async move {
            let result = ctx
                .chat()
                .create_live_chat_ticket(&ctx.key(), &request)
                .await;
            busy.set(false);
            match result {
                Ok(ticket) => {
                    ctx.save(|s| {
                        s.name = request.name.clone();
                        s.email = request.email.clone();
                    });
                    ctx.forget_chat();
                    ctx.emit("ticketCreated", &[("ticketId", &ticket)]);
                    ctx.stage.set(Stage::TicketSent);
                }
                Err(error) => ctx.show_error(&error),
            }
        });
    };
    let t = move || ctx.t();
    // The portal's own words for "nobody is here", when it has them.
    let offline = ctx
        .portal
        .with_untracked(|p| p.as_ref().map(|p| p.offline_message.clone()))
        .filter(|text| !text.trim().is_empty());
    let intro = move || match (reason, offline.clone()) {
        (TicketReason::NoAnswer, _) => t().ticket_no_answer.to_string(),
        (TicketReason::Closed | TicketReason::Nobody, Some(text)) => text,
        (TicketReason::Closed, None) => t().ticket_closed.to_string(),
        (TicketReason::Nobody, None) => t().ticket_nobody.to_string(),
    };
    view! {
        <form class="form" {..listen("submit", submit)} {..attr("novalidate", "")}>
            <p class="form__intro" role="status">{intro}</p>
            <ContactFields
                ctx
                prefix="parlor-ticket"
                name
                email
                phone
                errors
                name_ref=first_ref
                email_ref=ElementRef::new()
            />
            <CustomFields form answers error=field_error lang=ctx.controls.lang />
            <label for="parlor-ticket-note">{move || t().description}</label>
            <textarea id="parlor-ticket-note" {..attr("rows", "4")} {..attr("maxlength", "5000")} {..attr("required", "")}
                {..attr_with("aria-invalid", move || invalid(errors, "note"))} {..attr("aria-describedby", "parlor-ticket-note-error")}
                {..text_value(note)}></textarea>
            <p class="form__error" id="parlor-ticket-note-error">{move || error_of(errors, "note")}</p>
            <button type="submit" class="primary" {..prop_with("disabled", move || busy.get())}>{move || t().send_ticket}</button>
        </form>
    }
}
