//! The page an invitation link opens (`/console/#invite=TOKEN`): the invited agent chooses
//! their password, then signs in.

use leptos::prelude::*;
use parlor_client::ClientConfig;

/// The invitation token in the page's address, if it carries one.
pub fn invitation_token() -> Option<String> {
    let hash = web_sys_hash()?;
    hash.strip_prefix("#invite=")
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .map(str::to_string)
}

fn web_sys_hash() -> Option<String> {
    let location = js_sys::Reflect::get(&js_sys::global(), &"location".into()).ok()?;
    js_sys::Reflect::get(&location, &"hash".into())
        .ok()?
        .as_string()
}

/// Forgets the token in the address bar, so that a reload or a shared screen does not keep it.
fn clear_hash() {
    if let Ok(history) = js_sys::Reflect::get(&js_sys::global(), &"history".into())
        && let Ok(replace) = js_sys::Reflect::get(&history, &"replaceState".into())
        && let Ok(replace) = replace.dyn_into::<js_sys::Function>()
    {
        let _ = replace.call3(
            &history,
            &wasm_bindgen::JsValue::NULL,
            &"".into(),
            &"/console/".into(),
        );
    }
}

use parlor_ui::{listen, text_value, watch};
use wasm_bindgen::JsCast;

/// Sets the first password of an invited agent; calls `on_done` with their email.
#[component]
pub fn Invitation(token: String, on_done: Callback<String>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let token = StoredValue::new(token);
    let accept = Action::new_local(move |password: &String| {
        let password = password.clone();
        async move {
            parlor_client::admin::accept_invitation(
                &ClientConfig::new(""),
                &token.get_value(),
                &password,
            )
            .await
        }
    });
    watch(move || match accept.value().get() {
        Some(Ok(email)) => {
            clear_hash();
            on_done.run(email);
        }
        Some(Err(e)) => error.set(Some(e.message)),
        None => {}
    });
    let submit = move |ev: web_sys::Event| {
        ev.prevent_default();
        error.set(None);
        let chosen = password.get_untracked();
        if chosen.chars().count() < 10 {
            error.set(Some("Choose at least 10 characters.".into()));
        } else if chosen != again.get_untracked() {
            error.set(Some("The two passwords differ.".into()));
        } else {
            accept.dispatch(chosen);
        }
    };
    view! {
        <main class="signin">
            <h1>"Welcome to Parlor"</h1>
            <p>"Choose the password you will sign in with."</p>
            <form {..listen("submit", submit)}>
                <label for="new-password">"Password (at least 10 characters)"</label>
                <input id="new-password" type="password" autocomplete="new-password" required {..text_value(password)} />
                <label for="new-password-again">"The same password again"</label>
                <input id="new-password-again" type="password" autocomplete="new-password" required {..text_value(again)} />
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" disabled=move || accept.pending().get()>"Set password"</button>
            </form>
        </main>
    }
}
