//! The end of a chat: the rating with its comment, the transcript by email, and a new chat.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::Rating;

use crate::context::Ctx;
use crate::i18n::with_name;
use crate::journey::Stage;
use crate::text::looks_like_email;
use parlor_ui::{attr, attr_with, listen, prop_with, shown, text_value};

/// The end of a chat: a rating with a comment, and the transcript by email.
#[component]
pub(crate) fn Ended(ctx: Ctx) -> impl IntoView {
    // The rating chosen: whether one is, and whether it is Good (two flags, rather than a
    // signal of a type of its own in the wasm).
    let chosen = RwSignal::new(false);
    let good = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let rated = RwSignal::new(false);
    let email = RwSignal::new(ctx.controls.saved.get_value().email);
    let mailed = RwSignal::new(None::<String>);
    let conversation = move || {
        ctx.conv
            .get_untracked()
            .map(|conv| ctx.client().conversation(&conv))
    };
    let rate = move |ev: web_sys::Event| {
        ev.prevent_default();
        let Some(conversation) = conversation().filter(|_| chosen.get_untracked()) else {
            return;
        };
        let rating = if good.get_untracked() {
            Rating::Good
        } else {
            Rating::Bad
        };
        let comment = comment.get_untracked();
        spawn_local(async move {
            match conversation.rate_chat(rating, comment.trim()).await {
                Ok(()) => {
                    rated.set(true);
                    ctx.refocus();
                }
                Err(error) => ctx.show_error(&error),
            }
        });
    };
    let mail = move |ev: web_sys::Event| {
        ev.prevent_default();
        let address = email.get_untracked().trim().to_string();
        if !looks_like_email(&address) {
            ctx.controls
                .error
                .set(Some(ctx.t().email_invalid.to_string()));
            return;
        }
        let Some(conversation) = conversation() else {
            return;
        };
        let domain = web_sys::window()
            .and_then(|w| w.location().host().ok())
            .unwrap_or_default();
        spawn_local(async move {
            match conversation.send_chat_transcript(&address, &domain).await {
                Ok(()) => {
                    mailed.set(Some(address));
                    ctx.refocus();
                }
                Err(error) => ctx.show_error(&error),
            }
        });
    };
    let t = move || ctx.t();
    let choice = move |value: bool, label: &'static str| {
        view! {
            <button
                type="button"
                class="choice"
                {..attr_with("aria-pressed", move || (chosen.get() && good.get() == value).to_string())}
                {..listen("click", move |_| {
                    good.set(value);
                    chosen.set(true);
                })}
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="ended">
            <p class="status" role="status">{move || t().ended}</p>
            {shown(
                move || rated.get(),
                move || view! { <p class="status" role="status">{move || t().rating_thanks}</p> }.into_any(),
                move || view! {
                    <form class="form" {..listen("submit", rate)}>
                        <fieldset>
                            <legend>{move || t().rate_prompt}</legend>
                            {choice(true, t().good)}
                            {choice(false, t().bad)}
                        </fieldset>
                        <label for="parlor-comment">{move || t().comment} " " <span class="muted">{move || t().optional}</span></label>
                        <textarea id="parlor-comment" {..attr("rows", "2")} {..attr("maxlength", "1000")} {..text_value(comment)}></textarea>
                        <button type="submit" class="primary" {..prop_with("disabled", move || !chosen.get())}>{move || t().send_rating}</button>
                    </form>
                }.into_any(),
            )}
            {shown(
                move || mailed.get().is_some(),
                move || view! {
                    <p class="status" role="status">{move || with_name(t().transcript_sent, &mailed.get().unwrap_or_default())}</p>
                }.into_any(),
                move || view! {
                    <form class="form" {..listen("submit", mail)}>
                        <label for="parlor-transcript">{move || t().transcript_prompt}</label>
                        <input id="parlor-transcript" type="email" {..attr("autocomplete", "email")} {..text_value(email)} />
                        <button type="submit">{move || t().send_transcript}</button>
                    </form>
                }.into_any(),
            )}
            <NewChatButton ctx />
        </div>
    }
}

/// Starts over: the queue picker (or the form, with one queue).
#[component]
pub(crate) fn NewChatButton(ctx: Ctx) -> impl IntoView {
    view! {
        <button
            type="button"
            class="link-button"
            {..listen("click", move |_| {
                ctx.forget_chat();
                ctx.controls.error.set(None);
                ctx.stage.set(Stage::PickQueue);
            })}
        >
            {move || ctx.t().new_chat}
        </button>
    }
}
