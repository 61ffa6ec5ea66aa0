//! `cargo xtask bench`: Parlor's benchmark (see `docs/performance.md`).
//!
//! Three parts, each measured against a baseline in the same run, written as JSON under
//! `target/bench/` and then brought together in `report.md`, `report.json` and `latency.svg`:
//! the bundle's sizes and the browser timings (`e2e/bench.mjs`, headless Chromium on the demo
//! page), and the server load (`parlor-bench load`, Parlor then a bare relay). Figures are
//! reported, never asserted.

use crate::root;
use crate::setup::{self, CHROMIUM};
use crate::shell::{self, Failure, command};

const PARTS: [&str; 3] = ["bundle", "browser", "load"];

pub const USAGE: &str = "\
  bench [--only PART[,PART]] [load and browser options]
                     measure: bundle sizes, browser timings, server load against a bare relay;
                     writes target/bench/report.md, report.json and latency.svg
                     PART: bundle, browser, load (default: all three)
                     load: --visitors N (2000) --agents M (N/4) --processes P (2)
                           --addresses K (4) --levels A,B,.. (msg/s) --seconds S (8)
                     browser: --runs R (5 page loads) --messages N (100 each way)
";

pub fn run(args: &[String]) -> Result<(), Failure> {
    let mut parts: Vec<String> = PARTS.iter().map(|p| p.to_string()).collect();
    let mut load_args: Vec<String> = Vec::new();
    let mut browser_args: Vec<String> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || shell::option_value(&mut args, arg);
        match arg.as_str() {
            "--only" => {
                parts = value()?.split(',').map(str::to_string).collect();
                if let Some(bad) = parts.iter().find(|p| !PARTS.contains(&p.as_str())) {
                    return Err(Failure::new(format!(
                        "bench: unknown part `{bad}` (bundle, browser, load)"
                    )));
                }
            }
            "--visitors" | "--agents" | "--processes" | "--addresses" | "--levels"
            | "--seconds" => {
                load_args.push(arg.clone());
                load_args.push(value()?);
            }
            "--runs" | "--messages" => {
                browser_args.push(arg.clone());
                browser_args.push(value()?);
            }
            other => {
                return Err(Failure::new(format!(
                    "bench: unknown option `{other}`\n{USAGE}"
                )));
            }
        }
    }
    let wants = |part: &str| parts.iter().any(|p| p == part);
    let root = root();
    let out = root.join("target/bench");
    // The report holds this run's figures only.
    for name in [
        "bundle.json",
        "browser.json",
        "load.json",
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
    }
    if wants("browser") {
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
