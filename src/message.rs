//! One message of the conversation: its bubble (text with links made clickable, never HTML),
//! its attachment, its time and, for the visitor's own, its state.

use leptos::prelude::*;
use parlor_client::model::kind;
use parlor_client::{Message, MessageState};

use crate::context::Ctx;
use crate::i18n::with_name;
use crate::text::{Segment, clock, linkify};
use parlor_ui::{attr, attr_owned};

/// One message: a bubble with its text (links clickable, nothing as HTML), attachment, time
/// and, for the visitor's own, its state.
#[component]
pub(crate) fn MessageView(
    ctx: Ctx,
    message: Message,
    me: String,
    first_of_group: bool,
) -> impl IntoView {
    let t = ctx.t();
    let own = message.from == me || message.seq == 0;
    if message.kind == kind::NOTIFICATION {
        let who = message
            .content
            .get("participants")
            .and_then(|p| p.get(0))
            .and_then(|p| p.get("displayName").or_else(|| p.get("userId")))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| ctx.name_of(&message.from));
        let text = match message.content.get("type").and_then(|v| v.as_i64()) {
            Some(1) => with_name(t.joined, &who),
            Some(2) => with_name(t.left, &ctx.name_of(&who)),
            Some(4) => t.ended.to_string(),
            _ => return ().into_any(),
        };
        return view! { <li class="event">{text}</li> }.into_any();
    }
    if message.kind == kind::RATING {
        return ().into_any();
    }
    let sender = if own {
        t.you.to_string()
    } else {
        ctx.name_of(&message.from)
    };
    let state = ctx
        .client
        .with_value(|c| c.as_ref().map(|c| c.state_of(&message)))
        .unwrap_or(MessageState::Sending);
    let state_text = match state {
        MessageState::Sending => t.sending,
        MessageState::Sent => t.sent,
        MessageState::Delivered => t.delivered,
        MessageState::Read => t.read,
        MessageState::Failed => t.failed,
    };
    let body = match message.kind {
        kind::TEXT | kind::LINK => {
            let text = message.text().unwrap_or_default().to_string();
            linkify(&text)
                .into_iter()
                .map(|segment| match segment {
                    // A text node: no element of its own needed (a text, never HTML).
                    Segment::Text(text) => text.into_any(),
                    Segment::Link(url) => view! {
                        <a {..attr_owned("href", url.clone())} {..attr("target", "_blank")} {..attr("rel", "noopener noreferrer nofollow")}>{url.clone()}</a>
                    }
                    .into_any(),
                })
                .collect_view()
                .into_any()
        }
        kind::PHOTO | kind::VIDEO | kind::AUDIO | kind::FILE => {
            let field = match message.kind {
                kind::PHOTO => "photo",
                kind::VIDEO => "video",
                kind::AUDIO => "audio",
                _ => "file",
            };
            let attachment = message.content.get(field).cloned().unwrap_or_default();
            let path = attachment
                .get("filePath")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            let name = attachment
                .get("filename")
                .and_then(|v| v.as_str())
                .unwrap_or(field)
                .to_string();
            view! { <Attachment ctx path name image=message.kind == kind::PHOTO /> }.into_any()
        }
        _ => view! { <span class="muted">"…"</span> }.into_any(),
    };
    // One class string rather than `class:` toggles: each toggle is code of its own.
    let class = match (own, first_of_group) {
        (true, true) => "message message--own message--first",
        (true, false) => "message message--own",
        (false, true) => "message message--first",
        (false, false) => "message",
    };
    view! {
        <li class=class>
            {first_of_group.then(|| view! { <span class="message__sender">{sender}</span> })}
            <div class="bubble">{body}</div>
            <span class="message__meta">
                <time>{if message.created > 0 { clock(message.created) } else { String::new() }}</time>
                {own.then(|| view! { <span class="message__state">{" · "}{state_text}</span> })}
            </span>
        </li>
    }
    .into_any()
}

/// A file of a message: fetched with the visitor's token (tokens never go in URLs) and shown
/// from a local object URL; images as a preview.
#[component]
fn Attachment(ctx: Ctx, path: String, name: String, image: bool) -> impl IntoView {
    let token = ctx.controls.saved.get_value().token;
    // Until it is fetched, or if it cannot be, the name alone shows.
    let object_url = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        object_url.set(ctx.chat().open_file(&token, &path).await.ok());
    });
    let label = with_name(ctx.t().open_attachment, &name);
    view! {
        {move || match object_url.get() {
            Some(href) if image => {
                let src = href.clone();
                view! {
                    <a {..attr_owned("href", href)} {..attr("target", "_blank")} {..attr("rel", "noopener")} {..attr_owned("aria-label", label.clone())}>
                        <img class="attachment__image" {..attr_owned("src", src)} {..attr_owned("alt", name.clone())} />
                    </a>
                }
                .into_any()
            }
            Some(href) => view! {
                <a {..attr_owned("href", href)} {..attr_owned("download", name.clone())}>{name.clone()}</a>
            }
            .into_any(),
            None => view! { <span class="muted">{name.clone()}</span> }.into_any(),
        }}
    }
}
