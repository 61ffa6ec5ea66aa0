//! `cargo xtask bench`: Parlor's benchmark (see `docs/performance.md`).
//!
//! Five parts, written as JSON under `target/bench/` and then brought together in `report.md`,
//! `report.json` and `latency.svg`:
//! the bundle's sizes and the browser timings (`e2e/bench.mjs`, headless Chromium on the demo
//! page), the server load (`parlor-bench load`, Parlor then a bare relay), search over a
//! seeded history of 100,000 messages (`parlor-bench search`) and reports over a year of
//! 200,000 chats (`parlor-bench reports`), each on SQLite and, when it answers, the local
//! PostgreSQL. Figures are reported, never asserted.

use crate::root;
use crate::setup::{self, CHROMIUM};
use crate::shell::{self, Failure, command};

/// A part of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// The widget bundle's sizes.
    Bundle,
    /// Browser timings on the demo page.
    Browser,
    /// Server load against a bare relay.
    Load,
    /// Search over a busy portal's history (100,000 messages).
    Search,
    /// Reports over a year of a busy portal (200,000 chats).
    Reports,
}

/// `cargo xtask bench`'s options. The load and browser options go to their parts as they are;
/// their defaults live there.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// The parts to run (comma-separated; default: all five).
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Part>,
    /// load: simulated visitors [default: 2000].
    #[arg(long, help_heading = "Load")]
    visitors: Option<u32>,
    /// load: simulated agents [default: visitors / 4].
    #[arg(long, help_heading = "Load")]
    agents: Option<u32>,
    /// load: client processes [default: 2].
    #[arg(long, help_heading = "Load")]
    processes: Option<u32>,
    /// load: loopback addresses the clients spread over [default: 4].
    #[arg(long, help_heading = "Load")]
    addresses: Option<u32>,
    /// load: offered rates in messages per second, comma-separated.
    #[arg(long, help_heading = "Load")]
    levels: Option<String>,
    /// load: seconds per level [default: 8].
    #[arg(long, help_heading = "Load")]
    seconds: Option<u32>,
    /// load: also run Parlor on this many nodes (local PostgreSQL and NATS) [default: 1].
    #[arg(long, help_heading = "Load")]
    nodes: Option<u32>,
    /// browser: page loads measured [default: 5].
    #[arg(long, help_heading = "Browser")]
    runs: Option<u32>,
    /// browser: messages each way [default: 100].
    #[arg(long, help_heading = "Browser")]
    messages: Option<u32>,
}

/// `--name value` for each option given.
fn pass_on(pairs: &[(&str, Option<String>)]) -> Vec<String> {
    pairs
        .iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| [format!("--{name}"), v.clone()]))
        .flatten()
        .collect()
}

pub fn run(options: &Options) -> Result<(), Failure> {
    let text = |v: Option<u32>| v.map(|v| v.to_string());
    let load_args = pass_on(&[
        ("visitors", text(options.visitors)),
        ("agents", text(options.agents)),
        ("processes", text(options.processes)),
        ("addresses", text(options.addresses)),
        ("levels", options.levels.clone()),
        ("seconds", text(options.seconds)),
        ("nodes", text(options.nodes)),
    ]);
    let browser_args = pass_on(&[
        ("runs", text(options.runs)),
        ("messages", text(options.messages)),
    ]);
    let parts = if options.only.is_empty() {
        vec![
            Part::Bundle,
            Part::Browser,
            Part::Load,
            Part::Search,
            Part::Reports,
        ]
    } else {
        options.only.clone()
    };
    let wants = |part: &str| {
        parts
            .iter()
            .any(|p| clap::ValueEnum::to_possible_value(p).is_some_and(|v| v.get_name() == part))
    };
    let root = root();
    let out = root.join("target/bench");
    // The report holds this run's figures only.
    for name in [
        "bundle.json",
        "browser.json",
        "load.json",
        "search.json",
        "reports.json",
        "report.md",
        "report.json",
        "latency.svg",
    ] {
        let _ = std::fs::remove_file(out.join(name));
    }
    std::fs::create_dir_all(&out).map_err(|e| Failure::new(format!("target/bench: {e}")))?;

    setup::run()?;
    if wants("bundle") || wants("browser") {
        crate::bundle::widget(crate::bundle::Profile::Release)?;
        crate::bundle::console()?;
    }
    // Measured builds are release builds.
    shell::cargo(&[
        "build",
        "--release",
        "--package",
        "parlor-server",
        "--package",
        "parlor-bench",
        "--bins",
    ])?;
    let parlor = root.join("target/release/parlor");
    let bench = root.join("target/release/parlor-bench");

    let browser_parts: Vec<&str> = ["bundle", "browser"]
        .into_iter()
        .filter(|p| wants(p))
        .collect();
    if !browser_parts.is_empty() {
        shell::run(
            command("node")
                .arg(root.join("e2e/bench.mjs"))
                .args(["--parts", &browser_parts.join(",")])
                .arg("--out")
                .arg(&out)
                .args(&browser_args)
                .env("PARLOR_BIN", &parlor)
                .env("PARLOR_WIDGET_DIR", root.join("pkg"))
                .env("PARLOR_CONSOLE_DIR", root.join("console/dist"))
                .env("CHROMIUM", CHROMIUM),
        )?;
    }
    if wants("load") {
        shell::run(
            command(&bench)
                .arg("load")
                .arg("--parlor")
                .arg(&parlor)
                .arg("--out")
                .arg(&out)
                .args(&load_args),
        )?;
    }
    if wants("search") {
        shell::run(command(&bench).arg("search").arg("--out").arg(&out))?;
    }
    if wants("reports") {
        shell::run(command(&bench).arg("reports").arg("--out").arg(&out))?;
    }
    shell::run(command(&bench).arg("report").arg("--out").arg(&out))?;
    println!(
        "\nbench: wrote {0}/report.md, {0}/report.json{1}",
        out.display(),
        if wants("load") {
            format!(" and {}/latency.svg", out.display())
        } else {
            String::new()
        }
    );
    Ok(())
}
