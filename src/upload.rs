//! Sending a file: from the attach button, dropped on the conversation, or pasted into the
//! composer; the upload shows its progress in percent and can be cancelled.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::{Conversation, Error, UploadCancel};

use crate::context::Ctx;
use crate::i18n::with_name;
use parlor_ui::{attr, listen, prop_with};

/// The upload under way, if any.
#[derive(Clone, Copy)]
pub(crate) struct Uploads {
    /// The file's name while it uploads.
    name: RwSignal<Option<String>>,
    percent: RwSignal<usize>,
    cancel: StoredValue<Option<UploadCancel>, LocalStorage>,
}

impl Uploads {
    pub(crate) fn new() -> Self {
        Self {
            name: RwSignal::new(None),
            percent: RwSignal::new(0),
            cancel: StoredValue::new_local(None),
        }
    }

    /// Uploads `file` and sends it in `conversation` (one at a time: another waits its turn
    /// with the visitor, who sees the one under way).
    pub(crate) fn start(self, ctx: Ctx, conversation: Conversation, file: web_sys::File) {
        if self.name.get_untracked().is_some() {
            return;
        }
        let token = ctx.controls.saved.get_value().token;
        let percent = self.percent;
        let upload = match ctx
            .chat()
            .upload(&token, &file, move |p| percent.set(p as usize))
        {
            Ok(upload) => upload,
            Err(error) => return ctx.show_error(&error),
        };
        percent.set(0);
        self.name.set(Some(file.name()));
        self.cancel.set_value(Some(upload.canceller()));
        spawn_local(async move {
            let result = match upload.finish().await {
                Ok(path) => conversation.send_uploaded(&file, &path).await.map(drop),
                Err(error) => Err(error),
            };
            self.name.set(None);
            self.cancel.set_value(None);
            match result {
                Err(error) if error.code != Error::CANCELLED => ctx.show_error(&error),
                _ => {}
            }
        });
    }
}

/// The upload's name, percent, progress bar and Cancel button.
#[component]
pub(crate) fn UploadStatus(ctx: Ctx, uploads: Uploads) -> impl IntoView {
    let t = move || ctx.t();
    move || {
        uploads.name.get().map(|name| {
            view! {
                <div class="upload">
                    <span role="status">{with_name(t().uploading, &name)}</span>
                    <progress {..attr("max", "100")} {..prop_with("value", move || uploads.percent.get().to_string())} {..attr("aria-label", t().attach)}></progress>
                    <span {..attr("aria-hidden", "true")}>{move || format!("{}%", uploads.percent.get())}</span>
                    <button
                        type="button"
                        class="link-button"
                        {..listen("click", move |_| uploads.cancel.with_value(|c| if let Some(c) = c { c.cancel() }))}
                    >
                        {t().cancel_upload}
                    </button>
                </div>
            }
        })
    }
}
