//! The Reports page, for admins: a range of days (in the portal's time zone) by day or week;
//! the overall figures, chats per period and the busiest hours as charts, each with its table
//! beside it, tables per queue and per agent, the ratings' comments; every table downloads as
//! CSV. All from `GET /v1/admin/reports`.

mod chart;
mod table;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::ClientConfig;
use parlor_client::admin::Admin;
use serde_json::Value;

use chart::{HoursChart, PeriodChart};
use parlor_ui::{listen, text_value};
use table::{Table, TableView, cell, figures_table, hours_table};

/// Today's date and that of six days before, `YYYY-MM-DD`, on the browser's calendar.
fn last_week() -> (String, String) {
    let day = |ms: f64| {
        let date = js_sys::Date::new(&ms.into());
        format!(
            "{:04}-{:02}-{:02}",
            date.get_full_year(),
            date.get_month() + 1,
            date.get_date()
        )
    };
    let now = js_sys::Date::now();
    (day(now - 6.0 * 86_400_000.0), day(now))
}

/// The Reports page.
#[component]
pub fn Reports(token: String) -> impl IntoView {
    let api = StoredValue::new(Admin::new(ClientConfig::new(""), &token));
    let (week_ago, today) = last_week();
    let from = RwSignal::new(week_ago);
    let to = RwSignal::new(today);
    let by = RwSignal::new("day".to_string());
    let report = RwSignal::new(None::<Value>);
    let status = RwSignal::new(String::new());
    let load = move || {
        let path = format!(
            "/v1/admin/reports?from={}&to={}&by={}",
            from.get_untracked(),
            to.get_untracked(),
            by.get_untracked()
        );
        status.set("Loading…".into());
        spawn_local(async move {
            match api.get_value().get(&path, "").await {
                Ok(r) => {
                    status.set(String::new());
                    report.set(Some(r));
                }
                Err(e) => status.set(format!("The report could not be made: {}", e.message)),
            }
        });
    };
    load();
    let show = move |ev: web_sys::Event| {
        ev.prevent_default();
        load();
    };
    view! {
        <main class="reports">
            <h1>"Reports"</h1>
            <form class="form form--inline" {..listen("submit", show)}>
                <label for="report-from">"From"</label>
                <input id="report-from" type="date" required {..text_value(from)} />
                <label for="report-to">"To"</label>
                <input id="report-to" type="date" required {..text_value(to)} />
                <label for="report-by">"By"</label>
                <select id="report-by" {..text_value(by)}>
                    <option value="day">"Day"</option>
                    <option value="week">"Week"</option>
                </select>
                <button type="submit">"Show"</button>
            </form>
            <p class="status" role="status">{move || status.get()}</p>
            {move || report.get().map(|r| view! { <Figures report=r /> })}
        </main>
    }
}

/// A name for each id of a report's `queues` or `agents`.
fn named(report: &Value, list: &str) -> Vec<(String, Value)> {
    report[list]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|q| {
                    (
                        q["name"].as_str().unwrap_or_default().to_string(),
                        q.clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One report: the totals, the charts with their tables, the other tables, the comments.
#[component]
fn Figures(report: Value) -> impl IntoView {
    let by = report["by"].as_str().unwrap_or("day").to_string();
    let periods = report["periods"].as_array().cloned().unwrap_or_default();
    let overall = report["overall"].clone();
    let zone = report["zone"].as_str().unwrap_or("UTC").to_string();
    let period_rows: Vec<(String, Value)> = periods
        .iter()
        .map(|p| {
            (
                p["start"].as_str().unwrap_or_default().to_string(),
                p.clone(),
            )
        })
        .collect();
    let first = if by == "week" { "Week of" } else { "Day" };
    let period_table = figures_table(
        &format!("Figures per {by}"),
        &format!("report-per-{by}.csv"),
        first,
        &period_rows,
    );
    let overall_row = vec![("All".to_string(), overall.clone())];
    let overall_table = figures_table(
        "All chats in the range",
        "report-overall.csv",
        "Range",
        &overall_row,
    );
    let queue_rows = named(&report, "queues");
    let queue_table = figures_table("Per queue", "report-per-queue.csv", "Queue", &queue_rows);
    let agent_rows = named(&report, "agents");
    let agent_table = figures_table(
        "Per agent (the chats they first accepted)",
        "report-per-agent.csv",
        "Agent",
        &agent_rows,
    );
    let comments = Table {
        caption: "Rating comments, newest first".into(),
        file: "report-comments.csv".into(),
        headers: vec!["Conversation".into(), "Rating".into(), "Comment".into()],
        rows: report["comments"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|c| {
                        ["conversation_id", "rating", "comment"]
                            .iter()
                            .map(|k| c[*k].as_str().unwrap_or_default().to_string())
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    let tiles = [
        ("Chats", "chats"),
        ("Answered", "answered"),
        ("Missed", "missed"),
        ("Tickets", "tickets"),
        ("Median wait (s)", "wait_median_ms"),
        ("Median first response (s)", "first_response_median_ms"),
        ("Good ratings (%)", "good_share"),
    ];
    view! {
        <p class="muted">{format!("{} to {}, in {zone}.", report["from"].as_str().unwrap_or_default(), report["to"].as_str().unwrap_or_default())}</p>
        <dl class="tiles">
            {tiles.iter().map(|(label, key)| view! {
                <div class="tile"><dt>{*label}</dt><dd>{cell(&overall, key)}</dd></div>
            }).collect_view()}
        </dl>
        <TableView table=overall_table />
        <h2>{format!("Chats per {by}")}</h2>
        <PeriodChart periods=periods.clone() by=by.clone() />
        <TableView table=period_table />
        <h2>"Busiest hours"</h2>
        <HoursChart hours=report["hours"].clone() />
        <TableView table=hours_table(&report["hours"]) />
        <h2>"Queues and agents"</h2>
        <TableView table=queue_table />
        <TableView table=agent_table />
        <h2>"Ratings"</h2>
        <TableView table=comments />
    }
}
