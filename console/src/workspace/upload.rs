//! Sending a file from the console: the Attach button, a file dropped on the conversation or
//! pasted into the reply box; the upload shows its progress in percent and can be cancelled.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::{ClientConfig, Error, UploadCancel};
use parlor_ui::{ElementRef, listen, watch};
use wasm_bindgen::JsCast;

use super::desk::Desk;

/// A chat pane's upload under way: kept by the pane, so that it outlives a redraw of the
/// composer.
#[derive(Clone, Copy)]
pub(super) struct Uploading {
    name: RwSignal<Option<String>>,
    percent: RwSignal<u32>,
    cancel: StoredValue<Option<UploadCancel>, LocalStorage>,
}

impl Uploading {
    pub(super) fn new() -> Self {
        Self {
            name: RwSignal::new(None),
            percent: RwSignal::new(0),
            cancel: StoredValue::new_local(None),
        }
    }
}

/// The conversation pane's attachments: the Attach button and the upload under way.
#[component]
pub(super) fn Attach(desk: Desk, conv: String, uploading: Uploading) -> impl IntoView {
    let Uploading {
        name,
        percent,
        cancel,
    } = uploading;
    let conv = StoredValue::new(conv);
    let upload = move |file: web_sys::File| {
        if name.get_untracked().is_some() {
            return;
        }
        let chat = parlor_client::Chat::new(ClientConfig::new(""));
        let token = desk.token.get_value();
        let started = match chat.upload(&token, &file, move |p| percent.set(p)) {
            Ok(started) => started,
            Err(error) => return desk.fail(&error),
        };
        percent.set(0);
        name.set(Some(file.name()));
        cancel.set_value(Some(started.canceller()));
        let conversation = desk.client.get_value().conversation(&conv.get_value());
        spawn_local(async move {
            let result = match started.finish().await {
                Ok(path) => conversation.send_uploaded(&file, &path).await.map(drop),
                Err(error) => Err(error),
            };
            name.set(None);
            cancel.set_value(None);
            match result {
                Err(error) if error.code != Error::CANCELLED => desk.fail(&error),
                _ => {}
            }
        });
    };
    // Drops and pastes anywhere in the pane.
    let drops = StoredValue::new_local(None);
    watch(move || {
        if let Some(pane) = document().query_selector(".pane").ok().flatten() {
            drops.set_value(Some(parlor_client::accept_files(&pane, upload)));
        }
    });
    let input = ElementRef::new();
    let picked = move |_| {
        let Some(element) = input
            .get()
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = element.files().and_then(|files| files.get(0)) {
            element.set_value("");
            upload(file);
        }
    };
    view! {
        <input type="file" id="attach-file" class="sr-only" tabindex="-1" aria-label="Attach a file" node_ref={input} {..listen("change", picked)} />
        <button type="button" class="small secondary" {..listen("click", move |_| if let Some(i) = input.get() { i.click() })}>
            "Attach…"
        </button>
        {move || name.get().map(|file| view! {
            <div class="upload">
                <span role="status">{format!("Uploading {file}…")}</span>
                <progress max="100" prop:value=move || percent.get() aria-label="Upload"></progress>
                <span aria-hidden="true">{move || format!("{}%", percent.get())}</span>
                <button type="button" class="small secondary" {..listen("click", move |_| cancel.with_value(|c| if let Some(c) = c { c.cancel() }))}>
                    "Cancel upload"
                </button>
            </div>
        })}
    }
}
