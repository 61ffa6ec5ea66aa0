//! The middle column: one conversation, its history, composer, end and transfer.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::model::kind;
use parlor_client::{Agent, Chat, ClientConfig};
use parlor_ui::{attr_with, listen, shown_if, text_value, watch};
use serde_json::Value;
use wasm_bindgen::JsCast;

use super::canned::{CannedOptions, LIST_ID, Picker};
use super::desk::Desk;
use super::note::{Line, NoteLine, interleave};

/// One conversation: history and private notes, typing, composer, end.
#[component]
pub(super) fn ChatPane(desk: Desk, conv: String) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    // Writing a private note rather than a reply.
    let noting = RwSignal::new(false);
    let picker = Picker::new(draft);
    picker.load(&desk.token.get_value());
    // The shortcut for canned responses: the list opens in the reply box.
    Effect::new(move |seen: Option<u32>| {
        let wanted = desk.canned_wanted.get();
        if seen.is_some_and(|seen| seen != wanted) {
            draft.set("/".into());
            super::keys::focus_reply();
        }
        wanted
    });
    watch(move || {
        draft.track();
        picker.on_input(&desk.token.get_value());
    });
    let visitor = {
        let conv = conv.clone();
        Signal::derive(move || {
            desk.chats.with(|chats| {
                chats
                    .iter()
                    .find(|c| c.conv_id == conv)
                    .map(|c| c.customer_name.clone())
                    .unwrap_or_default()
            })
        })
    };
    let me = desk.me.get_value();
    let conversation = move |conv: &str| desk.client.get_value().conversation(conv);
    let send = {
        let conv = conv.clone();
        move || {
            let text = draft.get_untracked();
            if text.trim().is_empty() {
                return;
            }
            draft.set(String::new());
            let conversation = conversation(&conv);
            if noting.get_untracked() {
                spawn_local(async move {
                    match conversation.add_note(text.trim_end()).await {
                        Ok(note) => desk.add_note(note),
                        Err(error) => {
                            // What the agent wrote stays in the box to try again.
                            draft.set(text);
                            desk.fail(&error);
                        }
                    }
                });
                return;
            }
            spawn_local(async move {
                if let Err(error) = conversation.send_text(text.trim_end()).await {
                    desk.fail(&error);
                }
            });
        }
    };
    let last_typing = StoredValue::new(0.0f64);
    let on_input = {
        let conv = conv.clone();
        move |_| {
            let now = js_sys::Date::now();
            // A note being written is nobody's business but the agents'.
            if !noting.get_untracked() && now - last_typing.get_value() > 3_000.0 {
                last_typing.set_value(now);
                let conversation = conversation(&conv);
                spawn_local(async move {
                    let _ = conversation.begin_typing().await;
                });
            }
        }
    };
    let send_on_enter = {
        let send = send.clone();
        move |ev: web_sys::Event| {
            let Some(ev) = ev.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            if picker.on_keydown(ev, &visitor.get_untracked()) {
                return;
            }
            if ev.key() == "Enter" && !ev.shift_key() {
                ev.prevent_default();
                send();
            }
        }
    };
    let end = {
        let conv = conv.clone();
        move |_| {
            let conversation = conversation(&conv);
            let conv = conv.clone();
            spawn_local(async move {
                match conversation.end_chat().await {
                    // The server tells the other members; this agent learns it from the reply.
                    Ok(()) => desk.chats.update(|chats| {
                        if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv) {
                            chat.ended = true;
                        }
                    }),
                    Err(error) => desk.fail(&error),
                }
            });
        }
    };
    // The newest message is marked read while the chat is open.
    {
        let conv = conv.clone();
        watch(move || {
            let last = desk
                .messages
                .with(|all| all.get(&conv).and_then(|l| l.last().map(|m| m.seq)));
            if let Some(seq) = last {
                let conversation = conversation(&conv);
                spawn_local(async move {
                    let _ = conversation.mark_as_read(seq).await;
                });
            }
        });
    }
    let list_conv = conv.clone();
    let typing_conv = conv.clone();
    let draft_conv = conv.clone();
    let attach_conv = conv.clone();
    let uploading = super::upload::Uploading::new();
    let ended_conv = conv.clone();
    let note_conv = conv.clone();
    let transfer_conv = conv.clone();
    let colleagues = RwSignal::new(Vec::<(String, String)>::new());
    let target = RwSignal::new(String::new());
    let load_colleagues = move |_| {
        let token = desk.token.get_value();
        let me = desk.me.get_value();
        spawn_local(async move {
            match Agent::new(ClientConfig::new("")).agents(&token).await {
                Ok(agents) => colleagues.set(
                    agents
                        .iter()
                        .filter(|a| a.get("online").and_then(Value::as_bool) == Some(true))
                        .filter_map(|a| {
                            let id = a.get("userId")?.as_str()?.to_string();
                            let name = a.get("name")?.as_str()?.to_string();
                            (id != me).then_some((id, name))
                        })
                        .collect(),
                ),
                Err(error) => desk.fail(&error),
            }
        });
    };
    let transfer = move |_| {
        let to = target.get_untracked();
        if to.is_empty() {
            return;
        }
        let name = colleagues.with_untracked(|c| {
            c.iter()
                .find(|(id, _)| *id == to)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        });
        let conversation = conversation(&transfer_conv);
        let conv = transfer_conv.clone();
        spawn_local(async move {
            match conversation.transfer_to(&to).await {
                Ok(()) => desk.transfers.update(|t| {
                    t.insert(conv, format!("Waiting for {name} to accept the transfer…"));
                }),
                Err(error) => desk.fail(&error),
            }
        });
    };
    view! {
        <section class="pane" aria-label="Conversation">
            <ol class="pane__messages" tabindex="0" aria-label="Messages">
                {move || {
                    let me = me.clone();
                    let notes = desk.notes.with(|all| all.get(&list_conv).cloned().unwrap_or_default());
                    desk.messages.with(|all| {
                        let messages = all.get(&list_conv).cloned().unwrap_or_default();
                        interleave(messages, &notes)
                            .into_iter()
                            .filter(|line| !matches!(line, Line::Message(m) if m.kind == kind::CREATED))
                            .map(|line| {
                                let m = match line {
                                    Line::Note(note) => return view! { <NoteLine note /> }.into_any(),
                                    Line::Message(m) => m,
                                };
                                let own = m.from == me;
                                let text = match m.kind {
                                    kind::NOTIFICATION => match m.content.get("type").and_then(Value::as_i64) {
                                        Some(1) => {
                                            let who = m.content.pointer("/participants/0/displayName").and_then(Value::as_str).unwrap_or_default();
                                            if who.is_empty() { "An agent joined the chat".to_string() } else { format!("{who} joined the chat") }
                                        }
                                        Some(2) => "left the chat".to_string(),
                                        Some(4) => "The chat ended.".to_string(),
                                        _ => String::new(),
                                    },
                                    kind::RATING => format!(
                                        "Rated {}{}",
                                        if m.content.get("rating").and_then(Value::as_i64) == Some(1) { "good" } else { "bad" },
                                        m.content.get("comment").and_then(Value::as_str).filter(|c| !c.is_empty()).map(|c| format!(": {c}")).unwrap_or_default()
                                    ),
                                    _ => m.text().map(str::to_string).unwrap_or_default(),
                                };
                                let file = [("photo", kind::PHOTO), ("video", kind::VIDEO), ("audio", kind::AUDIO), ("file", kind::FILE)]
                                    .iter()
                                    .find(|(_, k)| *k == m.kind)
                                    .and_then(|(field, _)| m.content.get(*field))
                                    .map(|f| {
                                        let path = f.get("filePath").and_then(Value::as_str).unwrap_or_default().to_string();
                                        let name = f.get("filename").and_then(Value::as_str).unwrap_or("attachment").to_string();
                                        view! { <FileLink desk path name /> }
                                    });
                                let class = if m.kind == kind::NOTIFICATION || m.kind == kind::RATING { "event" } else if own { "msg msg--own" } else { "msg" };
                                let state = (own && class != "event").then(|| {
                                    desk.marks.track();
                                    match desk.client.get_value().state_of(&m) {
                                        parlor_client::MessageState::Read => "Read",
                                        parlor_client::MessageState::Delivered => "Delivered",
                                        parlor_client::MessageState::Sending => "Sending",
                                        parlor_client::MessageState::Failed => "Not sent",
                                        parlor_client::MessageState::Sent => "Sent",
                                    }
                                });
                                view! {
                                    <li class=class>
                                        {text}
                                        {file}
                                        {state.map(|s| view! { <span class="msg__state">{s}</span> })}
                                    </li>
                                }
                                .into_any()
                            })
                            .collect_view()
                    })
                }}
            </ol>
            <p class="muted typing">{move || desk.typing.with(|t| t.get(&typing_conv).map(|name| format!("{name} is typing…")))}</p>
            // The visitor's draft (typing preview), as text; it is not announced as it changes.
            {move || desk.drafts.with(|d| d.get(&draft_conv).cloned()).map(|draft| view! {
                <p class="draft-preview"><span class="muted">"Draft: "</span>{draft}</p>
            })}
            <p class="muted" role="status">{move || desk.transfers.with(|t| t.get(&note_conv).cloned())}</p>
            {move || {
                let ended = desk.chats.with(|c| c.iter().any(|c| c.conv_id == ended_conv && c.ended));
                if ended {
                    view! { <p class="muted">"This chat has ended."</p> }.into_any()
                } else {
                    let send = send.clone();
                    let send_on_enter = send_on_enter.clone();
                    let end = end.clone();
                    let transfer = transfer.clone();
                    let on_input = on_input.clone();
                    view! {
                        <div {..attr_with("class", move || if noting.get() { "composer composer--note" } else { "composer" })}>
                            <label for="reply" class="sr-only">{move || if noting.get() { "Private note" } else { "Reply" }}</label>
                            <textarea
                                id="reply"
                                rows="2"
                                placeholder=move || if noting.get() { "Private note: only agents see it…" } else { "Reply… (/ for canned responses)" }
                                aria-autocomplete="list"
                                aria-controls=move || picker.open().then_some(LIST_ID)
                                aria-activedescendant=move || picker.active_id()
                                {..text_value(draft)}
                                {..listen("keydown", send_on_enter)}
                                {..listen("input", on_input)}
                            ></textarea>
                            <button type="button" {..listen("click", move |_| send())}>{move || if noting.get() { "Add note" } else { "Send" }}</button>
                            <button type="button" class="secondary" {..listen("click", end)}>"End chat"</button>
                        </div>
                        <CannedOptions picker visitor />
                        <super::upload::Attach desk conv=attach_conv.clone() uploading />
                        <button
                            type="button"
                            class="small secondary"
                            aria-pressed=move || noting.get().to_string()
                            {..listen("click", move |_| noting.update(|n| *n = !*n))}
                        >
                            "Private note"
                        </button>
                        <div class="transfer">
                            <button type="button" class="small secondary" {..listen("click", load_colleagues)}>"Transfer…"</button>
                            {shown_if(move || !colleagues.with(Vec::is_empty), move || view! {
                                <label for="transfer-to">"Transfer to"</label>
                                <select id="transfer-to" {..listen("change", move |ev| target.set(event_target_value(&ev)))}>
                                    <option value="">"Choose a colleague"</option>
                                    {move || colleagues.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                </select>
                                <button type="button" class="small" {..listen("click", transfer.clone())}>"Transfer"</button>
                            }.into_any())}
                        </div>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// An attachment: fetched with the agent's token, offered as a download (images previewed).
#[component]
pub(super) fn FileLink(desk: Desk, path: String, name: String) -> impl IntoView {
    let token = desk.token.get_value();
    let image = [".png", ".jpg", ".jpeg", ".gif", ".webp"]
        .iter()
        .any(|ext| name.to_ascii_lowercase().ends_with(ext));
    let url = RwSignal::new(None);
    let (file, token) = (path.clone(), token.clone());
    leptos::task::spawn_local(async move {
        let opened = Chat::new(ClientConfig::new(""))
            .open_file(&token, &file)
            .await
            .ok();
        url.set(Some(opened));
    });
    view! {
        {move || match url.get().flatten() {
            Some(href) if image => {
                let src = href.clone();
                view! { <a href=href download=name.clone()><img class="file__image" src=src alt=name.clone() /></a> }.into_any()
            }
            Some(href) => view! { <a href=href download=name.clone()>{name.clone()}</a> }.into_any(),
            None => view! { <span>{name.clone()}</span> }.into_any(),
        }}
    }
}
