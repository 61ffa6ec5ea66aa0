//! The report: whatever parts ran (`bundle.json` and `browser.json` from the browser script,
//! `load.json` from the load part) become `report.md`, `report.json` and, with a load part,
//! `latency.svg` (latency against load, Parlor and the relay).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::load;

/// Reads the parts found in `dir` and writes the report files beside them; answers the
/// markdown.
pub fn write(dir: &Path) -> Result<String, String> {
    let read = |name: &str| -> Result<Option<Value>, String> {
        match std::fs::read(dir.join(name)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| format!("{name}: {e}")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{name}: {e}")),
        }
    };
    let bundle = read("bundle.json")?;
    let browser = read("browser.json")?;
    let load: Option<load::Report> = read("load.json")?
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| format!("load.json: {e}"))?;

    let search: Option<Vec<crate::search::Backend>> = read("search.json")?
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| format!("search.json: {e}"))?;
    let reports: Option<Vec<crate::reports::Backend>> = read("reports.json")?
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| format!("reports.json: {e}"))?;

    let mut md = String::from("# Parlor benchmark\n\n");
    let _ = writeln!(md, "{}\n", machine_line());
    if let Some(bundle) = &bundle {
        md.push_str(&bundle_table(bundle));
    }
    if let Some(browser) = &browser {
        md.push_str(&browser_tables(browser));
    }
    if let Some(load) = &load {
        md.push_str(&load_tables(load));
        std::fs::write(dir.join("latency.svg"), plot(load))
            .map_err(|e| format!("latency.svg: {e}"))?;
        md.push_str("![Latency against load](latency.svg)\n");
    }
    if let Some(search) = &search {
        md.push_str(&crate::search::table(search));
    }
    if let Some(reports) = &reports {
        md.push_str(&crate::reports::table(reports));
    }
    let combined = json!({
        "machine": machine_line(),
        "search": search,
        "reports": reports,
        "bundle": bundle,
        "browser": browser,
        "load": load,
    });
    std::fs::write(
        dir.join("report.json"),
        serde_json::to_vec_pretty(&combined).map_err(|e| e.to_string())?,
    )
    .map_err(|e| format!("report.json: {e}"))?;
    std::fs::write(dir.join("report.md"), &md).map_err(|e| format!("report.md: {e}"))?;
    Ok(md)
}

/// CPUs and their model, from `/proc/cpuinfo`.
fn machine_line() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("Machine: {cpus} CPUs ({model}); every process of the run shares them.")
}

fn number(value: &Value) -> String {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 => format!("{n:.0}"),
        Some(n) => format!("{n:.2}"),
        None => "–".into(),
    }
}

fn kb(bytes: &Value) -> String {
    bytes
        .as_f64()
        .map_or("–".into(), |b| format!("{:.1} KB", b / 1000.0))
}

fn bundle_table(bundle: &Value) -> String {
    let mut md = String::from(
        "## Bundle\n\nWhat a visitor's browser downloads to open the widget and reach the \
         pre-chat form (`gzip -9 -n`, brotli quality 11); budget 100 KB gzip.\n\n",
    );
    md.push_str(&files_table(bundle));
    if bundle["chat"].is_object() {
        md.push_str(
            "The widget's chat module, fetched once the panel opens and taking over when the \
             visitor goes past the form (not in the budget):\n\n",
        );
        md.push_str(&files_table(&bundle["chat"]));
    }
    if bundle["console"].is_object() {
        md.push_str("The agent console, for comparison (no budget):\n\n");
        md.push_str(&files_table(&bundle["console"]));
    }
    if let Some(history) = bundle["history"].as_array().filter(|h| !h.is_empty()) {
        md.push_str(
            "Sizes of every benchmarked commit (`bench/sizes.csv`), gzip:\n\n\
             | Date | Commit | Widget | Chat module | Console |\n|---|---|---:|---:|---:|\n",
        );
        for row in history {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                row["date"].as_str().unwrap_or("?"),
                row["commit"].as_str().unwrap_or("?"),
                kb(&row["widget_gzip"]),
                kb(&row["chat_gzip"]),
                kb(&row["console_gzip"])
            );
        }
        md.push('\n');
    }
    md
}

/// One bundle's files and their total.
fn files_table(bundle: &Value) -> String {
    let mut md = String::from("| File | Raw | gzip | brotli |\n|---|---:|---:|---:|\n");
    for file in bundle["files"].as_array().into_iter().flatten() {
        let _ = writeln!(
            md,
            "| {} ({}) | {} | {} | {} |",
            file["name"].as_str().unwrap_or("?"),
            file["role"].as_str().unwrap_or("?"),
            kb(&file["raw"]),
            kb(&file["gzip"]),
            kb(&file["brotli"])
        );
    }
    let total = &bundle["total"];
    let _ = writeln!(
        md,
        "| **Total** | **{}** | **{}** | **{}** |\n",
        kb(&total["raw"]),
        kb(&total["gzip"]),
        kb(&total["brotli"])
    );
    md
}

fn browser_tables(browser: &Value) -> String {
    let mut md = format!(
        "## Browser\n\nHeadless Chromium on the demo page, against a real `parlor serve`; \
         medians of {} page loads (min–max). The slow link is Chromium's network emulation at \
         1.6 Mbit/s down, 750 kbit/s up and 150 ms round trip.\n\n\
         | Measure | Median | Min–max |\n|---|---:|---:|\n",
        number(&browser["runs"])
    );
    for (key, label) in [
        (
            "launcher_painted_ms",
            "Loader start → launcher painted (ms)",
        ),
        (
            "widget_ready_ms",
            "Loader start → widget ready, loaded when idle (ms)",
        ),
        (
            "open_cold_ms",
            "Click → pre-chat form usable, cold cache (ms)",
        ),
        (
            "open_warm_ms",
            "Click → pre-chat form usable, warm cache (ms)",
        ),
        (
            "open_slow_link_ms",
            "Click → pre-chat form usable, slow link, cold cache (ms)",
        ),
        (
            "open_slow_link_cpu4_ms",
            "Click → pre-chat form usable, slow link and 4× slower CPU, cold cache (ms)",
        ),
    ] {
        let m = &browser[key];
        let _ = writeln!(
            md,
            "| {label} | {} | {}–{} |",
            number(&m["median"]),
            number(&m["min"]),
            number(&m["max"])
        );
    }
    md.push_str(
        "\nMain-thread long tasks (over 50 ms), summed over the page loads:\n\n\
         | When | Count | Total (ms) | Longest (ms) |\n|---|---:|---:|---:|\n",
    );
    for (key, label) in [
        ("control", "Demo page without the widget"),
        (
            "before_open",
            "With the widget, load until ready (not opened)",
        ),
        (
            "after_open",
            "With the widget, click until the form is usable",
        ),
    ] {
        let t = &browser["long_tasks"][key];
        let _ = writeln!(
            md,
            "| {label} | {} | {} | {} |",
            number(&t["count"]),
            number(&t["total_ms"]),
            number(&t["max_ms"])
        );
    }
    md.push_str(
        "\nMessage latency through the server, widget ↔ console, from the sender's key press \
         to the text on the other screen:\n\n\
         | Direction | Messages | Median (ms) | p99 (ms) | Max (ms) |\n|---|---:|---:|---:|---:|\n",
    );
    for (key, label) in [
        ("to_agent", "Visitor → agent"),
        ("to_visitor", "Agent → visitor"),
    ] {
        let l = &browser["latency"][key];
        let _ = writeln!(
            md,
            "| {label} | {} | {} | {} | {} |",
            number(&l["count"]),
            number(&l["median"]),
            number(&l["p99"]),
            number(&l["max"])
        );
    }
    md.push('\n');
    md
}

fn opt(value: Option<f64>) -> String {
    value.map_or("–".into(), |v| format!("{v}"))
}

fn load_tables(load: &load::Report) -> String {
    let o = &load.options;
    let mut md = format!(
        "## Server load\n\n{} visitors and {} agents in {} live chats, from {} worker processes \
         on {} source addresses (127.0.0.2 and up), over loopback; each level sends for {} s, \
         messages of about {} bytes. Parlor and the bare relay take the same load in the same \
         run.\n\n",
        o.visitors,
        o.agents,
        o.visitors,
        o.processes,
        o.addresses,
        o.seconds,
        o.message_bytes + 40
    );
    md.push_str(
        "| Server | Sockets held | Chats | Set-up (s) | RSS idle (MiB) | RSS held (MiB) | RSS per socket (KiB) | Set-up failures |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for run in &load.runs {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {} |",
            server_name(run),
            run.connections_held,
            run.chats,
            run.setup_seconds,
            run.rss_idle_kib as f64 / 1024.0,
            run.rss_held_kib as f64 / 1024.0,
            run.rss_per_connection_bytes as f64 / 1024.0,
            run.setup_errors
        );
    }
    md.push_str(
        "\n| Server | Offered (msg/s) | Sent (msg/s) | Delivered (msg/s) | p50 (ms) | p99 (ms) | Max (ms) | Lost | Duplicates | Errors | Server CPU (% of a core) |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for run in &load.runs {
        for l in &run.levels {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                server_name(run),
                l.offered_per_sec,
                l.sent_per_sec,
                l.delivered_per_sec,
                opt(l.latency.p50_ms),
                opt(l.latency.p99_ms),
                opt(l.latency.max_ms),
                l.lost,
                l.duplicates,
                l.errors,
                l.server_cpu_percent
            );
        }
    }
    md.push_str(
        "\nParlor / relay, same run (above 1 is Parlor slower or heavier):\n\n\
         | Offered (msg/s) | p50 | p99 | Delivered/s | Server CPU |\n|---:|---:|---:|---:|---:|\n",
    );
    for r in &load.ratios {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} |",
            r.offered_per_sec,
            opt(r.p50),
            opt(r.p99),
            opt(r.delivered_per_sec),
            opt(r.server_cpu)
        );
    }
    let _ = writeln!(
        md,
        "\nMemory per socket, Parlor / relay: {}\n",
        opt(load.rss_per_connection_ratio)
    );
    if let Some(nodes) = load.runs.get(2).map(|run| run.nodes) {
        let _ = write!(
            md,
            "Parlor on {nodes} nodes / Parlor on one, same run (the nodes share this machine's \
             cores, so this is what several nodes cost, not what they gain; CPU and memory are \
             summed over the nodes):\n\n\
             | Offered (msg/s) | p50 | p99 | Delivered/s | Server CPU |\n|---:|---:|---:|---:|---:|\n"
        );
        for r in &load.cluster_ratios {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                r.offered_per_sec,
                opt(r.p50),
                opt(r.p99),
                opt(r.delivered_per_sec),
                opt(r.server_cpu)
            );
        }
        md.push('\n');
    }
    md
}

/// A run's server as the tables name it: `Parlor`, `Parlor ×3`, `Relay`.
fn server_name(run: &load::Run) -> String {
    if run.nodes > 1 {
        format!("{:?} ×{}", run.target, run.nodes)
    } else {
        format!("{:?}", run.target)
    }
}

/// Latency (log scale) against offered load: p50 and p99 of Parlor and of the relay.
pub fn plot(load: &load::Report) -> String {
    let (width, height) = (720.0, 440.0);
    let (left, right, top, bottom) = (70.0, 180.0, 30.0, 60.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let max_x = load.options.levels.iter().cloned().fold(1.0_f64, f64::max);
    let values: Vec<f64> = load
        .runs
        .iter()
        .flat_map(|r| &r.levels)
        .flat_map(|l| [l.latency.p50_ms, l.latency.p99_ms])
        .flatten()
        .filter(|v| *v > 0.0)
        .collect();
    let lo = values.iter().cloned().fold(f64::MAX, f64::min).max(0.01);
    let hi = values
        .iter()
        .cloned()
        .fold(0.0_f64, f64::max)
        .max(lo * 10.0);
    let (lo_exp, hi_exp) = (lo.log10().floor(), hi.log10().ceil());
    let x = |v: f64| left + v / max_x * plot_w;
    let y = |v: f64| top + plot_h - (v.log10() - lo_exp) / (hi_exp - lo_exp) * plot_h;

    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">Message latency against load ({} chats)</text>\n",
        left + plot_w / 2.0,
        load.options.visitors
    );
    // Axes, grid and ticks.
    let mut exp = lo_exp;
    while exp <= hi_exp {
        let v = 10f64.powf(exp);
        let _ = writeln!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left + plot_w,
            left - 6.0,
            y(v) + 4.0,
            if v < 1.0 {
                format!("{v}")
            } else {
                format!("{v:.0}")
            },
            y0 = y(v)
        );
        exp += 1.0;
    }
    for &level in &load.options.levels {
        let _ = writeln!(
            svg,
            "<line x1=\"{x0:.1}\" x2=\"{x0:.1}\" y1=\"{top}\" y2=\"{}\" stroke=\"#eee\"/>\
             <text x=\"{x0:.1}\" y=\"{}\" text-anchor=\"middle\">{level}</text>",
            top + plot_h,
            top + plot_h + 16.0,
            x0 = x(level)
        );
    }
    let _ = writeln!(
        svg,
        "<rect x=\"{left}\" y=\"{top}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" stroke=\"#333\"/>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">offered load (messages/s)</text>\n\
         <text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">latency (ms, log scale)</text>",
        left + plot_w / 2.0,
        height - 20.0,
        top + plot_h / 2.0
    );
    // Series.
    let series = [
        ("Parlor p99", 0, true, "#dc2626", ""),
        ("Parlor p50", 0, false, "#dc2626", "6 4"),
        ("relay p99", 1, true, "#2563eb", ""),
        ("relay p50", 1, false, "#2563eb", "6 4"),
    ];
    for (i, (name, run, p99, color, dash)) in series.iter().enumerate() {
        let Some(run) = load.runs.get(*run) else {
            continue;
        };
        let points: Vec<(f64, f64)> = run
            .levels
            .iter()
            .filter_map(|l| {
                let v = if *p99 {
                    l.latency.p99_ms
                } else {
                    l.latency.p50_ms
                };
                v.filter(|v| *v > 0.0).map(|v| (x(l.offered_per_sec), y(v)))
            })
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(a, b)| format!("{a:.1},{b:.1}"))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>",
            path.join(" ")
        );
        for (a, b) in &points {
            let _ = writeln!(
                svg,
                "<circle cx=\"{a:.1}\" cy=\"{b:.1}\" r=\"3\" fill=\"{color}\"/>"
            );
        }
        let ly = top + 10.0 + i as f64 * 20.0;
        let lx = left + plot_w + 16.0;
        let _ = writeln!(
            svg,
            "<line x1=\"{lx}\" x2=\"{}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>\
             <text x=\"{}\" y=\"{}\">{name}</text>",
            lx + 28.0,
            lx + 34.0,
            ly + 4.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}
