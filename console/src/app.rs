//! The console's root component: sign-in, then the signed-in shell.

use leptos::prelude::*;
use parlor_client::{Agent, AgentSession, ClientConfig};

use crate::workspace::Workspace;

/// The console: signed out, the sign-in form; signed in, the agent's workspace.
#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(None::<(String, AgentSession)>);
    view! {
        <header class="topbar">
            <span class="topbar__brand">"Parlor"</span>
            <span class="topbar__title">"Agent console"</span>
            {move || {
                session
                    .get()
                    .map(|(email, _)| {
                        view! {
                            <span class="topbar__who">{email}</span>
                            <button type="button" class="topbar__signout" on:click=move |_| session.set(None)>
                                "Sign out"
                            </button>
                        }
                    })
            }}
        </header>
        {move || match session.get() {
            None => view! { <SignIn on_signed_in=Callback::new(move |s| session.set(Some(s))) /> }.into_any(),
            Some((email, agent)) => view! { <Workspace email agent /> }.into_any(),
        }}
    }
}

/// The sign-in form. Calls `on_signed_in` with the email and the session.
#[component]
fn SignIn(on_signed_in: Callback<(String, AgentSession)>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let login = Action::new_local(move |(email, password): &(String, String)| {
        let (email, password) = (email.clone(), password.clone());
        async move {
            let agent = Agent::new(ClientConfig::new(""));
            agent
                .login(&email, &password)
                .await
                .map(|session| (email, session))
        }
    });
    Effect::new(move || match login.value().get() {
        Some(Ok(signed_in)) => on_signed_in.run(signed_in),
        Some(Err(e)) => error.set(Some(if e.code == 4 {
            "That email and password do not match an agent.".to_string()
        } else {
            format!("Signing in failed: {}", e.message)
        })),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        login.dispatch((email.get_untracked(), password.get_untracked()));
    };
    view! {
        <main class="signin">
            <h1>"Sign in"</h1>
            <p>"Agents sign in with the email and password they were given."</p>
            <form on:submit=submit>
                <label for="email">"Email"</label>
                <input id="email" type="email" autocomplete="username" required bind:value=email />
                <label for="password">"Password"</label>
                <input id="password" type="password" autocomplete="current-password" required bind:value=password />
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
