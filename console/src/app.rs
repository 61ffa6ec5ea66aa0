//! The console's root component.

use leptos::prelude::*;

/// The console: a header, then the sign-in form.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="topbar">
            <span class="topbar__brand">"Parlor"</span>
            <span class="topbar__title">"Agent console"</span>
        </header>
        <main class="signin">
            <h1>"Sign in"</h1>
            <p>"Agents sign in with the email and password they were given."</p>
        </main>
    }
}
