//! The Search page: every conversation of the portal by words (in messages, the visitor's name
//! and email, the chat's ticket) and filters, newest first, a page at a time. A result opens
//! the chat below, the message that matched highlighted and scrolled to.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::ClientConfig;
use parlor_client::admin::Admin;
use parlor_ui::{listen, shown_if, text_value, watch};
use serde_json::Value;
use wasm_bindgen::JsCast;

use crate::marks::marked;

fn text(value: &Value, name: &str) -> String {
    value[name].as_str().unwrap_or_default().to_string()
}

/// Milliseconds at local midnight of `YYYY-MM-DD`, `days` later; `None` when empty.
fn midnight(day: &str, days: u32) -> Option<i64> {
    if day.is_empty() {
        return None;
    }
    let date = js_sys::Date::new(&format!("{day}T00:00").into());
    date.set_date(date.get_date() + days);
    let ms = date.get_time();
    (!ms.is_nan()).then_some(ms as i64)
}

/// `YYYY-MM-DD HH:MM` (local) of a time in milliseconds.
fn when(ms: &Value) -> String {
    let date = js_sys::Date::new(&ms.as_f64().unwrap_or(0.0).into());
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// Text with the searched words marked.
fn highlighted(line: &str, words: &[String]) -> impl IntoView + use<> {
    marked(line, words)
        .into_iter()
        .map(|(part, hit)| {
            if hit {
                view! { <mark>{part}</mark> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

/// A `<select>` of `(value, label)` choices, "Any" first.
fn choice(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    choices: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <select id={id} {..text_value(value)}>
            <option value="">"Any"</option>
            {move || choices.get().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
        </select>
    }
}

/// Pairs `(id, name)` of a list reply.
fn pairs(list: &Value, id: &str, name: &str) -> Vec<(String, String)> {
    list.as_array()
        .map(|items| items.iter().map(|i| (text(i, id), text(i, name))).collect())
        .unwrap_or_default()
}

/// The Search page.
#[component]
pub fn Search(token: String) -> impl IntoView {
    let api = StoredValue::new(Admin::new(ClientConfig::new(""), &token));
    let queues = RwSignal::new(Vec::<(String, String)>::new());
    let agents = RwSignal::new(Vec::<(String, String)>::new());
    let labels = RwSignal::new(Vec::<(String, String)>::new());
    spawn_local(async move {
        let api = api.get_value();
        if let Ok(list) = api.get("/v1/agent/queues", "queues").await {
            queues.set(pairs(&list, "id", "name"));
        }
        if let Ok(list) = api.get("/v1/agent/agents", "agents").await {
            agents.set(pairs(&list, "userId", "name"));
        }
        if let Ok(list) = api.get("/v1/labels", "labels").await {
            labels.set(pairs(&list, "id", "name"));
        }
    });
    let words = RwSignal::new(String::new());
    let (queue, agent, label, rating, status) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let page = RwSignal::new(1_i64);
    let reply = RwSignal::new(None::<Value>);
    let outcome = RwSignal::new(String::new());
    let opened = RwSignal::new(None::<Value>);
    let run = move |at: i64| {
        let mut query = vec![("q", words.get_untracked()), ("page", at.to_string())];
        for (name, value) in [
            ("queue", queue),
            ("agent", agent),
            ("label", label),
            ("rating", rating),
            ("status", status),
        ] {
            query.push((name, value.get_untracked()));
        }
        if let Some(ms) = midnight(&from.get_untracked(), 0) {
            query.push(("from", ms.to_string()));
        }
        if let Some(ms) = midnight(&to.get_untracked(), 1) {
            query.push(("to", ms.to_string()));
        }
        let search = query
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", String::from(js_sys::encode_uri_component(&v))))
            .collect::<Vec<_>>()
            .join("&");
        outcome.set("Searching…".into());
        spawn_local(async move {
            match api
                .get_value()
                .get(&format!("/v1/agent/search?{search}"), "")
                .await
            {
                Ok(found) => {
                    let count = found["results"].as_array().map_or(0, Vec::len);
                    outcome.set(match (count, at) {
                        (0, 1) => "No chat matches.".into(),
                        (n, 1) if found["more"] == true => {
                            format!("More than {n} chats; the newest first.")
                        }
                        (1, 1) => "1 chat.".into(),
                        (n, 1) => format!("{n} chats."),
                        (n, p) => format!("Page {p}: {n} chats."),
                    });
                    page.set(at);
                    opened.set(None);
                    reply.set(Some(found));
                }
                Err(e) => outcome.set(format!("Search failed: {}", e.message)),
            }
        });
    };
    let submit = move |ev: web_sys::Event| {
        ev.prevent_default();
        run(1);
    };
    let name_of = move |list: RwSignal<Vec<(String, String)>>, id: &str| {
        list.with_untracked(|l| l.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone()))
            .unwrap_or_default()
    };
    let found_words = move || -> Vec<String> {
        reply.with(|r| {
            r.as_ref()
                .and_then(|r| r["words"].as_array())
                .map(|w| {
                    w.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        })
    };
    let ratings = Signal::derive(|| {
        vec![
            ("good".into(), "Good".into()),
            ("bad".into(), "Bad".into()),
            ("none".into(), "Not rated".into()),
        ]
    });
    let statuses = Signal::derive(|| {
        [
            ("queued", "Waiting"),
            ("active", "Open"),
            ("ended", "Ended"),
            ("missed", "Missed"),
        ]
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .to_vec()
    });
    view! {
        <main class="search">
            <h1>"Search"</h1>
            <form role="search" class="form search__form" {..listen("submit", submit)}>
                <label for="search-words">"Words"</label>
                <input id="search-words" type="search" maxlength="200" placeholder="refund, ann@example.com…" {..text_value(words)} />
                {choice("search-queue", "Queue", queue, queues.into())}
                {choice("search-agent", "Agent", agent, agents.into())}
                {choice("search-label", "Label", label, labels.into())}
                {choice("search-rating", "Rating", rating, ratings)}
                {choice("search-status", "Status", status, statuses)}
                <label for="search-from">"From"</label>
                <input id="search-from" type="date" {..text_value(from)} />
                <label for="search-to">"To"</label>
                <input id="search-to" type="date" {..text_value(to)} />
                <button type="submit">"Search"</button>
            </form>
            <p class="status" role="status">{move || outcome.get()}</p>
            <ol class="list search__results" aria-label="Results">
                {move || {
                    let words = found_words();
                    reply.get()?["results"].as_array().cloned().map(|results| {
                        results.into_iter().map(|hit| {
                            let rating = match hit["rating"].as_i64() {
                                Some(1) => " · rated good",
                                Some(_) => " · rated bad",
                                None => "",
                            };
                            let about = format!(
                                "{} · {} · {}{}{rating}",
                                when(&hit["created"]),
                                name_of(queues, hit["queueId"].as_str().unwrap_or_default()),
                                text(&hit, "status"),
                                hit["agentId"].as_str().map(|a| format!(" · {}", name_of(agents, a))).unwrap_or_default(),
                            );
                            let who = format!("{} {}", text(&hit, "visitorName"), text(&hit, "visitorEmail"));
                            let snippet = text(&hit, "hitText");
                            let open = hit.clone();
                            view! {
                                <li class="search__result">
                                    <button type="button" class="chat-link" {..listen("click", move |_| opened.set(Some(open.clone())))}>
                                        <strong>{highlighted(who.trim(), &words)}</strong>
                                        <span class="muted">" · "{about}</span>
                                    </button>
                                    {(!snippet.is_empty()).then(|| view! { <p class="search__snippet">{highlighted(&snippet, &words)}</p> })}
                                </li>
                            }
                        }).collect_view()
                    })
                }}
            </ol>
            <div class="search__pages">
                {shown_if(move || { page.get() > 1 }, move || view! {
                    <button type="button" class="small secondary" {..listen("click", move |_| run(page.get_untracked() - 1))}>"Newer"</button>
                }.into_any())}
                {shown_if(move || reply.with(|r| r.as_ref().is_some_and(|r| r["more"] == true)), move || view! {
                    <button type="button" class="small secondary" {..listen("click", move |_| run(page.get_untracked() + 1))}>"Older"</button>
                }.into_any())}
            </div>
            {move || opened.get().map(|hit| view! { <Opened api hit words=found_words() /> })}
        </main>
    }
}

/// One found chat, opened: its messages and notes in order, the matching message marked.
#[component]
fn Opened(api: StoredValue<Admin>, hit: Value, words: Vec<String>) -> impl IntoView {
    let conv = text(&hit, "convId");
    let hit_seq = hit["hitSeq"].as_i64();
    // Fetched once into a signal: a `LocalResource` per type weighs some KB of wasm.
    let transcript = RwSignal::new(None);
    let admin = api.get_value();
    leptos::task::spawn_local(async move {
        let path = format!("/v1/agent/conversations/{conv}/messages");
        transcript.set(Some(admin.get(&path, "").await.ok()));
    });
    // Once shown, the matching message is scrolled to.
    watch(move || {
        if transcript.get().flatten().is_some() {
            request_animation_frame(|| {
                if let Some(hit) = document()
                    .get_element_by_id("search-hit")
                    .and_then(|hit| hit.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    hit.scroll_into_view();
                }
            });
        }
    });
    let title = format!("Chat with {}", text(&hit, "visitorName"));
    let label = title.clone();
    view! {
        <section class="search__opened" aria-label=label>
            <h2>{title}</h2>
            {move || {
                let reply = transcript.get().flatten()?;
                let lines = crate::transcript::lines(&reply);
                let words = words.clone();
                Some(view! {
                    <ol class="history__transcript" tabindex="0" aria-label="Messages">
                        {lines.into_iter().map(|line| {
                            let hit = line.seq.is_some() && line.seq == hit_seq;
                            // One class string rather than `class:` toggles: each toggle is code
                            // of its own (docs/performance.md, "Widget size").
                            let class = match (line.note, hit) {
                                (true, true) => "note hit",
                                (true, false) => "note",
                                (false, true) => "hit",
                                (false, false) => "",
                            };
                            view! {
                                <li class=class id=hit.then_some("search-hit")>
                                    {if hit { highlighted(&line.text, &words).into_any() } else { line.text.into_any() }}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                })
            }}
        </section>
    }
}
