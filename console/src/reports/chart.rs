//! The report's charts, drawn as SVG by the console itself: chats per period (answered and
//! missed, stacked) and the busiest hours (a weekday × hour grid). Each is an image with a
//! text alternative; the table beside it holds every figure for screen readers.

use leptos::prelude::*;
use serde_json::Value;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 24.0;

/// Answered and missed chats per period, as stacked bars.
#[component]
pub fn PeriodChart(periods: Vec<Value>, by: String) -> impl IntoView {
    let count = |p: &Value, key: &str| p[key].as_u64().unwrap_or_default();
    let most = periods
        .iter()
        .map(|p| count(p, "answered") + count(p, "missed"))
        .max()
        .unwrap_or(0)
        .max(1);
    let total: u64 = periods.iter().map(|p| count(p, "chats")).sum();
    let slot = (WIDTH - LEFT) / periods.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let scale = (HEIGHT - BOTTOM - 8.0) / most as f64;
    // At most about 12 labels along the bottom.
    let every = periods.len().div_ceil(12).max(1);
    let bars = periods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = LEFT + i as f64 * slot + (slot - bar) / 2.0;
            let answered = count(p, "answered") as f64 * scale;
            let missed = count(p, "missed") as f64 * scale;
            let base = HEIGHT - BOTTOM;
            let start = p["start"].as_str().unwrap_or_default().to_string();
            let label = (i % every == 0).then(|| {
                let short = start.get(5..).unwrap_or(&start).to_string();
                view! {
                    <text x=x + bar / 2.0 y=HEIGHT - 6.0 class="chart__label" text-anchor="middle">{short}</text>
                }
            });
            view! {
                <rect class="chart__answered" x=x y=base - answered width=bar height=answered />
                <rect class="chart__missed" x=x y=base - answered - missed width=bar height=missed />
                {label}
            }
        })
        .collect_view();
    let summary = format!(
        "Chats per {by}: {total} in all over {} {by}s, at most {most} in one; answered in \
         blue, missed in red. The table below has every figure.",
        periods.len()
    );
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=summary>
            <line class="chart__axis" x1=LEFT y1=HEIGHT - BOTTOM x2=WIDTH y2=HEIGHT - BOTTOM />
            <text x=LEFT - 6.0 y=14.0 class="chart__label" text-anchor="end">{most}</text>
            <text x=LEFT - 6.0 y=HEIGHT - BOTTOM class="chart__label" text-anchor="end">"0"</text>
            {bars}
        </svg>
        <p class="chart__key" aria-hidden="true">
            <span class="chart__swatch chart__answered"></span>"Answered "
            <span class="chart__swatch chart__missed"></span>"Missed"
        </p>
    }
}

/// Chats started by weekday and hour, darker where there were more.
#[component]
pub fn HoursChart(hours: Value) -> impl IntoView {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let at = |d: usize, h: usize| hours[d][h].as_u64().unwrap_or_default();
    let most = (0..7)
        .flat_map(|d| (0..24).map(move |h| (d, h)))
        .map(|(d, h)| at(d, h))
        .max()
        .unwrap_or(0);
    let (busiest_day, busiest_hour) = (0..7)
        .flat_map(|d| (0..24).map(move |h| (d, h)))
        .max_by_key(|&(d, h)| (at(d, h), std::cmp::Reverse((d, h))))
        .unwrap_or((0, 0));
    let cell = (WIDTH - LEFT) / 24.0;
    let row = 22.0;
    let cells = (0..7)
        .flat_map(|d| (0..24).map(move |h| (d, h)))
        .map(|(d, h)| {
            let share = if most == 0 {
                0.0
            } else {
                at(d, h) as f64 / most as f64
            };
            view! {
                <rect
                    class="chart__cell"
                    x=LEFT + h as f64 * cell + 1.0
                    y=d as f64 * row + 1.0
                    width=cell - 2.0
                    height=row - 2.0
                    fill-opacity=format!("{:.2}", 0.06 + share * 0.94)
                />
            }
        })
        .collect_view();
    let summary = if most == 0 {
        "Busiest hours: no chats in this range.".to_string()
    } else {
        format!(
            "Busiest hours: most chats ({most}) started on {} at {busiest_hour:02}:00. The table \
             below has every hour.",
            DAYS[busiest_day]
        )
    };
    let height = 7.0 * row + BOTTOM;
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=summary>
            {DAYS.iter().enumerate().map(|(d, day)| view! {
                <text x=LEFT - 6.0 y=d as f64 * row + 15.0 class="chart__label" text-anchor="end">{*day}</text>
            }).collect_view()}
            {(0..24).step_by(3).map(|h| view! {
                <text x=LEFT + h as f64 * cell + cell / 2.0 y=height - 6.0 class="chart__label" text-anchor="middle">{format!("{h:02}")}</text>
            }).collect_view()}
            {cells}
        </svg>
    }
}
