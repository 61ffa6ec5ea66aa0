//! The chat itself: the messages (following new ones while the visitor is at the bottom), who
//! is typing, the composer with its attachment button, and ending the chat.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::Client;
use parlor_client::model::kind;
use wasm_bindgen::JsCast;

use crate::context::Ctx;
use crate::i18n::with_name;
use crate::journey::Stage;
use crate::message::MessageView;
use crate::upload::{UploadStatus, Uploads};
use crate::waiting::Waiting;
use parlor_ui::{ElementRef, attr, attr_with, listen, shown, shown_if, text_value, watch};

/// Least time between two drafts sent for the typing preview.
const DRAFT_EVERY_MS: f64 = 300.0;

/// What the conversation keeps between events, in one stored value (each value type of a
/// stored value is code of its own in the wasm): read whole, written whole.
#[derive(Clone, Copy)]
struct Kept {
    /// Follow new messages: the visitor is at the bottom of the list.
    stick: bool,
    /// When the agents were last told the visitor is typing (ms).
    typing_at: f64,
    /// When the last draft went for the typing preview (ms), and whether one is due.
    draft_at: f64,
    draft_due: bool,
    /// The newest seq told read.
    marked: i64,
}

/// The messages and the composer.
#[component]
pub(crate) fn Conversation(ctx: Ctx) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let uploads = Uploads::new();
    let confirm_end = RwSignal::new(false);
    let list_ref = ElementRef::new();
    let composer_ref = ElementRef::new();
    let file_ref = ElementRef::new();
    // Follows new messages only while the visitor is at the bottom: reading back is not
    // interrupted.
    let kept = StoredValue::new(Kept {
        stick: true,
        typing_at: 0.0,
        draft_at: 0.0,
        draft_due: false,
        marked: 0,
    });
    // Typing preview, when the portal has it on: the draft goes to the agents at most every
    // 300 ms (a trailing send carries the latest text). Off, no draft leaves the browser.
    let preview = move || {
        ctx.portal
            .with(|p| p.as_ref().is_some_and(|p| p.typing_preview == 1))
    };
    watch(move || {
        ctx.messages.track();
        ctx.typing.track();
        if kept.get_value().stick
            && let Some(list) = list_ref.get()
        {
            list.set_scroll_top(list.scroll_height());
        }
    });
    watch(move || {
        if let Some(composer) = composer_ref.get() {
            let _ = composer.focus();
        }
    });
    // What the visitor has on screen is read: the agent sees it marked so.
    watch(move || {
        let newest = ctx
            .messages
            .with(|list| list.iter().map(|m| m.seq).max().unwrap_or(0));
        let k = kept.get_value();
        if !ctx.controls.open.get() || newest <= k.marked {
            return;
        }
        kept.set_value(Kept {
            marked: newest,
            ..k
        });
        if let Some(conv) = ctx.conv.get_untracked() {
            ctx.client().conversation(&conv).tell_read(newest);
        }
    });
    let on_scroll = move |_| {
        if let Some(list) = list_ref.get() {
            let stick = list.scroll_height() - list.scroll_top() - list.client_height() < 48;
            kept.set_value(Kept {
                stick,
                ..kept.get_value()
            });
        }
    };
    let conversation = move || {
        ctx.conv
            .get_untracked()
            .map(|conv| ctx.client().conversation(&conv))
    };

    let share_draft = move || {
        let k = kept.get_value();
        if k.draft_due || !preview() {
            return;
        }
        kept.set_value(Kept {
            draft_due: true,
            ..k
        });
        let wait = (k.draft_at + DRAFT_EVERY_MS - js_sys::Date::now()).max(0.0);
        set_timeout(
            move || {
                kept.set_value(Kept {
                    draft_at: js_sys::Date::now(),
                    draft_due: false,
                    ..kept.get_value()
                });
                if let Some(conversation) = conversation() {
                    conversation.send_draft(&draft.get_untracked());
                }
            },
            std::time::Duration::from_millis(wait as u64),
        );
    };
    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let Some(conversation) = conversation() else {
            return;
        };
        draft.set(String::new());
        share_draft();
        kept.set_value(Kept {
            stick: true,
            typing_at: 0.0,
            ..kept.get_value()
        });
        conversation.tell_typing(false);
        spawn_local(async move {
            if let Err(error) = conversation.send_text(text.trim_end()).await {
                ctx.show_error(&error);
            }
        });
    };
    let on_keydown = move |ev: web_sys::Event| {
        let Some(ev) = ev.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    let on_input = move |_| {
        share_draft();
        let now = js_sys::Date::now();
        let k = kept.get_value();
        if now - k.typing_at > 3_000.0
            && let Some(conversation) = conversation()
        {
            kept.set_value(Kept {
                typing_at: now,
                ..k
            });
            conversation.tell_typing(true);
        }
    };
    let upload = move |file: web_sys::File| {
        if let Some(conversation) = conversation() {
            uploads.start(ctx, conversation, file);
        }
    };
    let on_file = move |_| {
        let Some(input) = file_ref
            .get()
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        upload(file);
    };
    // A file dropped on the conversation, or an image pasted into the composer, is sent too:
    // one listener for the three events, on the conversation's element.
    let root_ref = ElementRef::new();
    let drops = StoredValue::new_local(None);
    watch(move || {
        if let Some(root) = root_ref.get() {
            drops.set_value(Some(parlor_client::accept_files(&root, upload)));
        }
    });
    let end = move |_| {
        confirm_end.set(false);
        let Some(conversation) = conversation() else {
            return;
        };
        spawn_local(async move {
            match conversation.end_chat().await {
                Ok(()) => {
                    ctx.emit("chatEnded", &[("convId", conversation.id())]);
                    ctx.stage.set(Stage::Ended);
                }
                Err(error) => ctx.show_error(&error),
            }
        });
    };
    let t = move || ctx.t();
    let me = move || {
        ctx.client
            .with_value(|c| c.as_ref().and_then(Client::user_id))
            .unwrap_or_default()
    };

    view! {
        <div class="conversation" node_ref=root_ref>
            {shown_if(move || ctx.stage.get() == Stage::Waiting, move || view! { <Waiting ctx /> }.into_any())}
            // Focusable, so that a keyboard can scroll back through a long history (a scrollable
            // region without focusable content is out of a keyboard's reach).
            <ol class="messages" {..attr("tabindex", "0")} node_ref={list_ref} {..listen("scroll", on_scroll)} {..attr_with("aria-label", move || t().messages_label)}>
                {move || {
                    let me = me();
                    let list = ctx.messages.get();
                    ctx.marks.track();
                    let mut previous: Option<String> = None;
                    list.into_iter()
                        .filter(|m| m.kind != kind::CREATED)
                        .map(|message| {
                            let first_of_group = previous.as_deref() != Some(message.from.as_str())
                                || message.kind == kind::NOTIFICATION;
                            previous = Some(message.from.clone());
                            view! { <MessageView ctx message me=me.clone() first_of_group /> }
                        })
                        .collect_view()
                }}
            </ol>
            <p class="typing" {..attr("aria-hidden", "true")}>
                {move || ctx.typing.get().map(|name| with_name(t().typing, &name)).unwrap_or_default()}
            </p>
            <UploadStatus ctx uploads />
            {shown_if(preview, move || view! {
                <p class="muted preview-notice">{move || t().preview_notice}</p>
            }.into_any())}
            {shown(
                move || confirm_end.get(),
                move || view! {
                    <div class="confirm" role="alertdialog" {..attr("aria-labelledby", "parlor-end-q")}>
                        <p id="parlor-end-q">{move || t().end_confirm}</p>
                        <button type="button" class="primary" {..listen("click", end)}>{move || t().end_yes}</button>
                        <button type="button" {..listen("click", move |_| confirm_end.set(false))}>{move || t().end_no}</button>
                    </div>
                }.into_any(),
                move || view! {
                    <div class="composer">
                        <label for="parlor-composer" class="sr-only">{move || t().composer_label}</label>
                        <textarea
                            id="parlor-composer"
                            {..text_value(draft)}
                            {..attr("rows", "2")}
                            {..attr("maxlength", "5000")}
                            {..attr_with("placeholder", move || t().composer_placeholder)}
                            node_ref={composer_ref}
                            {..listen("keydown", on_keydown)}
                            {..listen("input", on_input)}
                        ></textarea>
                        <input type="file" class="sr-only" id="parlor-file" {..attr("tabindex", "-1")} {..attr_with("aria-label", move || t().attach)} node_ref={file_ref} {..listen("change", on_file)} />
                        <button
                            type="button"
                            class="icon-button"
                            {..attr_with("aria-label", move || t().attach)}
                            {..listen("click", move |_| {
                                if let Some(input) = file_ref.get() {
                                    input.click();
                                }
                            })}
                        >
                            "+"
                        </button>
                        <button type="button" class="primary" {..listen("click", move |_| send())}>{move || t().send}</button>
                    </div>
                    <button type="button" class="link-button" {..listen("click", move |_| confirm_end.set(true))}>
                        {move || t().end_chat}
                    </button>
                }.into_any(),
            )}
        </div>
    }
}
