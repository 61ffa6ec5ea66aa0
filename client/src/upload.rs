//! Uploading a file with progress and a way to cancel it. `fetch` reports no upload progress,
//! so this is `XMLHttpRequest`: [`Chat::upload`] starts it, [`Upload::finish`] waits for the
//! server's answer (the path a message's `filePath` carries), and an [`UploadCancel`] taken
//! before stops it. [`accept_files`] takes files dropped or pasted on an element.

use std::cell::Cell;
use std::rc::Rc;

use futures_channel::oneshot;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{ProgressEvent, XmlHttpRequest};

use crate::{Chat, Error};

/// An upload under way.
pub struct Upload {
    xhr: XmlHttpRequest,
    cancelled: Rc<Cell<bool>>,
    done: oneshot::Receiver<()>,
    // Kept alive until the upload is over.
    _on_progress: Closure<dyn FnMut(ProgressEvent)>,
    _on_end: Closure<dyn FnMut()>,
}

/// Stops an upload; its [`Upload::finish`] then answers [`Error::CANCELLED`].
#[derive(Clone)]
pub struct UploadCancel {
    xhr: XmlHttpRequest,
    cancelled: Rc<Cell<bool>>,
}

impl UploadCancel {
    /// Stops the upload (nothing happens once it is over).
    pub fn cancel(&self) {
        self.cancelled.set(true);
        let _ = self.xhr.abort();
    }
}

impl Chat {
    /// Starts uploading `file` with `token` (Stringee's upload call); `progress` hears the
    /// percent sent, 0 to 100, as the browser reports it.
    pub fn upload(
        &self,
        token: &str,
        file: &web_sys::File,
        progress: impl Fn(u32) + 'static,
    ) -> Result<Upload, Error> {
        let failed = |what: &str| Error::new(Error::INVALID_VALUE, what);
        let form = web_sys::FormData::new().map_err(|_| failed("no FormData in this browser"))?;
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(|_| failed("the file cannot be read"))?;
        let xhr = XmlHttpRequest::new().map_err(|_| failed("no XMLHttpRequest in this browser"))?;
        let url = format!(
            "{}/v1/file/upload?uploadType=multipart",
            self.config.api_base
        );
        xhr.open("POST", &url)
            .and_then(|()| xhr.set_request_header("X-STRINGEE-AUTH", token))
            .map_err(|_| failed("the upload cannot be opened"))?;
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                progress((ev.loaded() * 100.0 / ev.total()).min(100.0) as u32);
            }
        });
        if let Ok(target) = xhr.upload() {
            target.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        let (sender, done) = oneshot::channel();
        let mut sender = Some(sender);
        let on_end = Closure::<dyn FnMut()>::new(move || {
            if let Some(sender) = sender.take() {
                let _ = sender.send(());
            }
        });
        xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
        xhr.send_with_opt_form_data(Some(&form))
            .map_err(|_| Error::new(Error::NOT_CONNECTED, "the upload could not start"))?;
        Ok(Upload {
            xhr,
            cancelled: Rc::new(Cell::new(false)),
            done,
            _on_progress: on_progress,
            _on_end: on_end,
        })
    }
}

impl Upload {
    /// What stops this upload.
    pub fn canceller(&self) -> UploadCancel {
        UploadCancel {
            xhr: self.xhr.clone(),
            cancelled: self.cancelled.clone(),
        }
    }

    /// Waits for the server's answer: the uploaded file's path.
    pub async fn finish(self) -> Result<String, Error> {
        let _ = self.done.await;
        if self.cancelled.get() {
            return Err(Error::new(Error::CANCELLED, "the upload was cancelled"));
        }
        let status = self.xhr.status().unwrap_or(0);
        if status == 0 {
            return Err(Error::new(
                Error::NOT_CONNECTED,
                "the server could not be reached",
            ));
        }
        let text = self.xhr.response_text().ok().flatten().unwrap_or_default();
        let body = crate::json::parse(&text).ok_or_else(|| {
            Error::new(
                Error::INVALID_VALUE,
                format!("the server answered HTTP {status} without JSON"),
            )
        })?;
        let body = crate::chat::check(body)?;
        parlor_protocol::read::some_text(&body, "filename").ok_or_else(crate::chat::unexpected)
    }
}

/// Listens for files dropped on an element or pasted into a field within it, until dropped
/// (then the listeners are taken off the element).
pub struct FileDrops {
    target: web_sys::EventTarget,
    listener: Closure<dyn Fn(web_sys::Event)>,
}

/// The events [`FileDrops`] listens to: `dragover` (to allow the drop), `drop` and `paste`.
const DROP_EVENTS: [&str; 3] = ["dragover", "drop", "paste"];

impl Drop for FileDrops {
    fn drop(&mut self) {
        for kind in DROP_EVENTS {
            let _ = self
                .target
                .remove_event_listener_with_callback(kind, self.listener.as_ref().unchecked_ref());
        }
    }
}

/// Hands `upload` the file dropped on `root`, or pasted into a field within it, for as long
/// as the answer is kept: one listener for the three events.
pub fn accept_files(
    root: &web_sys::EventTarget,
    upload: impl Fn(web_sys::File) + 'static,
) -> FileDrops {
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let files = if let Some(drag) = ev.dyn_ref::<web_sys::DragEvent>() {
            drag.data_transfer()
        } else {
            ev.dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(web_sys::ClipboardEvent::clipboard_data)
        }
        .and_then(|data| data.files());
        let file = files.and_then(|f| f.get(0));
        // A drag over is allowed; a drop or paste with a file is the widget's, not the page's.
        if ev.type_() == "dragover" || file.is_some() {
            ev.prevent_default();
        }
        if let Some(file) = file.filter(|_| ev.type_() != "dragover") {
            upload(file);
        }
    });
    for kind in DROP_EVENTS {
        let _ = root.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
    }
    FileDrops {
        target: root.clone(),
        listener,
    }
}
