//! The console's root component: sign-in (or an invitation's first password), then the
//! signed-in shell: the workspace, Visitors, Search, and for admins Reports and Settings;
//! everyone's Account.

use leptos::prelude::*;
use parlor_client::{Agent, AgentSession, ClientConfig};
use parlor_ui::{listen, text_value, watch};

use crate::account::Account;
use crate::invite::{Invitation, invitation_token};
use crate::reports::Reports;
use crate::search::Search;
use crate::settings::Settings;
use crate::visitors::Visitors;
use crate::workspace::Workspace;

/// What the signed-in agent looks at; the workspace stays connected behind the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Chats,
    Visitors,
    Search,
    Reports,
    Settings,
    Account,
}

/// The console: signed out, the sign-in form; signed in, the agent's workspace.
#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(None::<(String, AgentSession)>);
    let page = RwSignal::new(Page::Chats);
    let notice = RwSignal::new(None::<String>);
    let invite = RwSignal::new(invitation_token());
    let sign_out = move |why: Option<String>| {
        session.set(None);
        page.set(Page::Chats);
        notice.set(why);
    };
    let nav = move |target: Page, label: &'static str| {
        view! {
            <button
                type="button"
                class="topbar__nav"
                aria-current=move || (page.get() == target).to_string()
                {..listen("click", move |_| page.set(target))}
            >
                {label}
            </button>
        }
    };
    view! {
        <header class="topbar">
            <span class="topbar__brand">"Parlor"</span>
            <span class="topbar__title">"Agent console"</span>
            {move || {
                session
                    .get()
                    .map(|(email, agent)| {
                        let admin = agent.role == "admin";
                        view! {
                            <nav class="topbar__pages" aria-label="Console">
                                {nav(Page::Chats, "Chats")}
                                {nav(Page::Visitors, "Visitors")}
                                {nav(Page::Search, "Search")}
                                {admin.then(|| nav(Page::Reports, "Reports"))}
                                {admin.then(|| nav(Page::Settings, "Settings"))}
                                {nav(Page::Account, "Account")}
                            </nav>
                            <span class="topbar__who">{email}</span>
                            <button type="button" class="topbar__signout" {..listen("click", move |_| sign_out(None))}>
                                "Sign out"
                            </button>
                        }
                    })
            }}
        </header>
        {move || match (session.get(), invite.get()) {
            (None, Some(token)) => view! {
                <Invitation token on_done=Callback::new(move |email: String| {
                    invite.set(None);
                    notice.set(Some(format!("Your password is set. Sign in as {email}.")));
                }) />
            }
            .into_any(),
            (None, None) => view! {
                <SignIn notice on_signed_in=Callback::new(move |s| {
                    notice.set(None);
                    session.set(Some(s));
                }) />
            }
            .into_any(),
            (Some((email, agent)), _) => {
                let token = agent.access_token.clone();
                let signed_out = Callback::new(move |why: String| {
                    sign_out(Some(format!("You were signed out: {why}.")))
                });
                view! {
                    <div hidden=move || page.get() != Page::Chats>
                        <Workspace email agent signed_out />
                    </div>
                    {move || match page.get() {
                        Page::Chats => ().into_any(),
                        Page::Visitors => view! { <Visitors token=token.clone() /> }.into_any(),
                        Page::Search => view! { <Search token=token.clone() /> }.into_any(),
                        Page::Reports => view! { <Reports token=token.clone() /> }.into_any(),
                        Page::Settings => view! { <Settings token=token.clone() /> }.into_any(),
                        Page::Account => view! { <Account token=token.clone() /> }.into_any(),
                    }}
                }
                .into_any()
            }
        }}
    }
}

/// The sign-in form. Calls `on_signed_in` with the email and the session.
#[component]
fn SignIn(
    notice: RwSignal<Option<String>>,
    on_signed_in: Callback<(String, AgentSession)>,
) -> impl IntoView {
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
    watch(move || match login.value().get() {
        Some(Ok(signed_in)) => on_signed_in.run(signed_in),
        Some(Err(e)) => error.set(Some(match e.code {
            4 => "That email and password do not match an agent.".to_string(),
            5 => "Too many wrong passwords: wait a moment, then try again.".to_string(),
            _ => format!("Signing in failed: {}", e.message),
        })),
        None => {}
    });
    let submit = move |ev: web_sys::Event| {
        ev.prevent_default();
        error.set(None);
        login.dispatch((email.get_untracked(), password.get_untracked()));
    };
    view! {
        <main class="signin">
            <h1>"Sign in"</h1>
            <p>"Agents sign in with the email and password they were given."</p>
            <p class="notice" role="status">{move || notice.get()}</p>
            <form {..listen("submit", submit)}>
                <label for="email">"Email"</label>
                <input id="email" type="email" autocomplete="username" required {..text_value(email)} />
                <label for="password">"Password"</label>
                <input id="password" type="password" autocomplete="current-password" required {..text_value(password)} />
                <p class="error" role="alert">{move || error.get()}</p>
                <button type="submit" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
