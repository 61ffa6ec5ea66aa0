//! Settings › Business hours: a weekly schedule in the portal's time zone, and closed dates.

use leptos::prelude::*;
use parlor_ui::{listen, text_value};
use serde_json::json;

use super::{Ctx, lines_of, list_of, text};

/// The hours page.
#[component]
pub fn Hours(ctx: Ctx) -> impl IntoView {
    let portal = ctx.portal.get_untracked();
    let hours = RwSignal::new(text(&portal, "business_hours"));
    let closed = RwSignal::new(lines_of(&portal, "closed_dates"));
    let save = move |ev: web_sys::Event| {
        ev.prevent_default();
        let dates = list_of(&closed.get_untracked());
        ctx.save_portal(json!({ "business_hours": hours.get_untracked(), "closed_dates": dates }));
    };
    view! {
        <h1>"Business hours"</h1>
        <p class="muted">
            "Outside these hours visitors leave a ticket. Days and spans, then the time zone, e.g. "
            <code>"Mon-Fri 09:00-17:00, Sat 10:00-14:00 Europe/Berlin"</code>
            ". Empty: always open."
        </p>
        <form {..listen("submit", save)} class="form">
            <label for="h-hours">"Weekly hours and time zone"</label>
            <input id="h-hours" {..text_value(hours)} />
            <label for="h-closed">"Closed dates, one per line (YYYY-MM-DD)"</label>
            <textarea id="h-closed" rows="5" {..text_value(closed)}></textarea>
            <button type="submit">"Save"</button>
        </form>
    }
}
