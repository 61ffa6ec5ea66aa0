//! The report's tables, as text cells (the same the page shows and the CSV holds), and their
//! CSV download.

use leptos::prelude::*;
use serde_json::Value;

/// A table: a caption, its column headers and its rows, every cell as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub caption: String,
    /// The CSV file's name.
    pub file: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The figures' columns after the first (what the row is): header, and the cell of a figures
/// object.
const FIGURES: [(&str, &str); 15] = [
    ("Chats", "chats"),
    ("Answered", "answered"),
    ("Missed", "missed"),
    ("Tickets", "tickets"),
    ("Wait median (s)", "wait_median_ms"),
    ("Wait p90 (s)", "wait_p90_ms"),
    ("First response median (s)", "first_response_median_ms"),
    ("First response p90 (s)", "first_response_p90_ms"),
    ("Duration median (s)", "duration_median_ms"),
    ("Duration p90 (s)", "duration_p90_ms"),
    ("Messages", "messages"),
    ("Transfers", "transfers"),
    ("Rated good", "rated_good"),
    ("Rated bad", "rated_bad"),
    ("Good (%)", "good_share"),
];

/// A figure as shown: counts as they are, milliseconds as seconds (one decimal when needed),
/// the share as a percentage, "–" when there is none.
pub fn cell(figures: &Value, key: &str) -> String {
    let value = &figures[key];
    if value.is_null() {
        return "–".into();
    }
    if key.ends_with("_ms") {
        let ms = value.as_i64().unwrap_or_default();
        return if ms % 1000 == 0 {
            (ms / 1000).to_string()
        } else {
            format!("{:.1}", ms as f64 / 1000.0)
        };
    }
    if key == "good_share" {
        return format!("{:.0}", value.as_f64().unwrap_or_default() * 100.0);
    }
    value.to_string()
}

/// A table of figures, one row per item of `list`, named by `name`.
pub fn figures_table(caption: &str, file: &str, first: &str, list: &[(String, Value)]) -> Table {
    let mut headers = vec![first.to_string()];
    headers.extend(FIGURES.iter().map(|(h, _)| h.to_string()));
    let rows = list
        .iter()
        .map(|(name, figures)| {
            let mut row = vec![name.clone()];
            row.extend(FIGURES.iter().map(|(_, key)| cell(figures, key)));
            row
        })
        .collect();
    Table {
        caption: caption.into(),
        file: file.into(),
        headers,
        rows,
    }
}

/// The weekday × hour grid as a table.
pub fn hours_table(hours: &Value) -> Table {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let mut headers = vec!["Weekday".to_string()];
    headers.extend((0..24).map(|h| format!("{h:02}")));
    let rows = DAYS
        .iter()
        .enumerate()
        .map(|(d, day)| {
            let mut row = vec![day.to_string()];
            row.extend((0..24).map(|h| hours[d][h].as_u64().unwrap_or_default().to_string()));
            row
        })
        .collect();
    Table {
        caption: "Chats started, by weekday and hour".into(),
        file: "busiest-hours.csv".into(),
        headers,
        rows,
    }
}

/// One CSV cell: quoted when it holds a comma, quote or line break; text that a spreadsheet
/// would run as a formula is kept as text.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The table as CSV (CRLF line ends).
pub fn csv(table: &Table) -> String {
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| csv_cell(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = line(&table.headers);
    for row in &table.rows {
        out.push_str("\r\n");
        out.push_str(&line(row));
    }
    out.push_str("\r\n");
    out
}

/// A table, with its CSV download link.
#[component]
pub fn TableView(table: Table) -> impl IntoView {
    let href = format!(
        "data:text/csv;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&csv(&table)))
    );
    let label = format!("Download CSV: {}", table.caption);
    view! {
        <div class="report-table">
            <table class="table">
                <caption>{table.caption.clone()}</caption>
                <thead><tr>
                    {table.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {table.rows.iter().map(|row| view! {
                        <tr>
                            <th scope="row">{row[0].clone()}</th>
                            {row[1..].iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <a class="csv" href=href download=table.file.clone() aria-label=label>"Download CSV"</a>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_csv_are_what_a_spreadsheet_reads() {
        let figures = serde_json::json!({"wait_median_ms": 75000, "wait_p90_ms": 1500,
            "good_share": 0.5, "chats": 3, "duration_median_ms": null});
        assert_eq!(cell(&figures, "wait_median_ms"), "75");
        assert_eq!(cell(&figures, "wait_p90_ms"), "1.5");
        assert_eq!(cell(&figures, "good_share"), "50");
        assert_eq!(cell(&figures, "chats"), "3");
        assert_eq!(cell(&figures, "duration_median_ms"), "–");
        let table = Table {
            caption: "c".into(),
            file: "f.csv".into(),
            headers: vec!["When".into(), "Comment".into()],
            rows: vec![
                vec!["2026-03-29".into(), "Slow, \"very\"\nslow".into()],
                vec!["x".into(), "=HYPERLINK(\"x\")".into()],
            ],
        };
        assert_eq!(
            csv(&table),
            "When,Comment\r\n2026-03-29,\"Slow, \"\"very\"\"\nslow\"\r\nx,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
    }
}
