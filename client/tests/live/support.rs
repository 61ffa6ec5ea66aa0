//! What the live tests share: the server under test, its facts, clients signed in as a
//! visitor or an agent, waiting for events, tokens a site's backend would mint.

use futures_channel::mpsc::UnboundedReceiver;
use futures_util::{FutureExt, StreamExt};
use parlor_client::{Agent, Chat, Client, ClientConfig, Event, ObjectChange};
use serde_json::Value;
use wasm_bindgen::JsCast;

pub(crate) fn server() -> String {
    match option_env!("PARLOR_TEST_SERVER") {
        Some(url) => url.to_string(),
        None => panic!("run these tests with `cargo xtask test wasm`, which starts the server"),
    }
}

pub(crate) fn facts() -> Value {
    serde_json::from_str(match option_env!("PARLOR_TEST_FACTS") {
        Some(facts) => facts,
        None => panic!("run these tests with `cargo xtask test wasm`, which starts the server"),
    })
    .unwrap()
}

pub(crate) fn config(storage: &str) -> ClientConfig {
    ClientConfig::new(server()).with_storage(storage)
}

/// A name no other test (or earlier run against the same server) uses.
pub(crate) fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}",
        js_sys::Math::random().to_string().trim_start_matches("0.")
    )
}

pub(crate) async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window: web_sys::Window = js_sys::global().unchecked_into();
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits (at most 10 s) for the first event `pick` accepts, and returns what it made of it.
pub(crate) async fn wait_for<T>(
    events: &mut UnboundedReceiver<Event>,
    what: &str,
    mut pick: impl FnMut(&Event) -> Option<T>,
) -> T {
    let deadline = js_sys::Date::now() + 10_000.0;
    let mut skipped = Vec::new();
    loop {
        let remaining = (deadline - js_sys::Date::now()).max(0.0) as i32;
        let next = events.next().fuse();
        let timeout = sleep(remaining).fuse();
        futures_util::pin_mut!(next, timeout);
        let event = futures_util::select! {
            event = next => event.expect("the client is gone"),
            () = timeout => panic!("no {what} within 10 s; events meanwhile: {skipped:#?}"),
        };
        if let Some(found) = pick(&event) {
            return found;
        }
        skipped.push(event);
    }
}

pub(crate) fn inserted_text(event: &Event) -> Option<String> {
    match event {
        Event::ObjectChange(ObjectChange::MessageInserted(m)) if m.kind == 1 => {
            m.text().map(str::to_string)
        }
        _ => None,
    }
}

/// Like [`inserted_text`], for messages from someone other than `me`.
pub(crate) fn text_from_others(me: &str) -> impl FnMut(&Event) -> Option<String> + '_ {
    move |event| match event {
        Event::ObjectChange(ObjectChange::MessageInserted(m)) if m.from != me => {
            inserted_text(event)
        }
        _ => None,
    }
}

pub(crate) async fn visitor(
    storage: &str,
    browser: &str,
) -> (Client, UnboundedReceiver<Event>, String) {
    let key = facts()["widget_key"].as_str().unwrap().to_string();
    let token = Chat::new(config(storage))
        .get_live_chat_token(&key, "Ann Visitor", "ann@example.com", browser)
        .await
        .unwrap();
    let client = Client::new(config(storage));
    let mut events = client.events();
    client.connect(&token);
    let user = wait_for(&mut events, "visitor connected", |e| match e {
        Event::Connected { user_id, .. } => Some(user_id.clone()),
        _ => None,
    })
    .await;
    (client, events, user)
}

pub(crate) async fn agent(index: usize) -> (Client, UnboundedReceiver<Event>, String) {
    let facts = facts();
    let login = &facts["agents"][index];
    let session = Agent::new(config("agent"))
        .login(
            login["email"].as_str().unwrap(),
            login["password"].as_str().unwrap(),
        )
        .await
        .unwrap();
    let client = Client::new(config(&unique("agent")));
    let mut events = client.events();
    client.connect(&session.access_token);
    wait_for(&mut events, "agent connected", |e| {
        matches!(e, Event::Connected { agent: true, .. }).then_some(())
    })
    .await;
    (client, events, session.user_id)
}

/// The visitor starts a chat that `taker` accepts, with `other` (the other agent) away; the
/// test sets `other` available again at its end.
pub(crate) async fn chat_taken_by(
    visitor: &Client,
    taker: &Client,
    taker_events: &mut UnboundedReceiver<Event>,
    other: &Client,
) -> parlor_client::Conversation {
    other.set_available(false).await.unwrap();
    let (conversation, _) = visitor
        .create_live_chat_conversation(&queue(), None)
        .await
        .unwrap();
    wait_for(taker_events, "offer", |e| {
        matches!(e, Event::ChatRequest(_)).then_some(())
    })
    .await;
    taker
        .answer_chat_request(conversation.id(), true)
        .await
        .unwrap();
    conversation
}

pub(crate) fn queue() -> String {
    facts()["queues"][0]["id"].as_str().unwrap().to_string()
}

/// A token the site's backend would mint (identity verification), expired or not.
pub(crate) fn site_token(user_id: &str, expired: bool) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::{Hmac, KeyInit, Mac};
    let facts = facts();
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let header = URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT","alg":"HS256","cty":"stringee-api;v=1"}"#);
    let claims = serde_json::json!({
        "jti": unique("jti"), "iss": facts["api_key_sid"], "userId": user_id,
        "exp": if expired { now - 60 } else { now + 3600 },
    });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(facts["api_key_secret"].as_str().unwrap().as_bytes())
            .unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}
