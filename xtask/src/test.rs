//! `cargo xtask test`: every test tier, in order, each run even if an earlier one failed, with a
//! summary at the end. The tiers:
//!
//! - `lint`:    rustfmt and clippy (native crates, then the browser crates for wasm32);
//! - `native`:  unit and integration tests of the native crates (real server on port 0);
//! - `cluster`: three `parlor serve` processes on the local PostgreSQL and NATS;
//! - `wasm`:    wasm-bindgen-test component tests in headless Chromium;
//! - `preview`: `trunk build` of the preview page, so that `trunk serve` keeps working;
//! - `e2e`:     the built bundles served by a real `parlor serve`, driven in headless Chromium.

use std::time::Instant;

use crate::root;
use crate::setup::{self, CHROMEDRIVER, CHROMIUM};
use crate::shell::{self, Failure, cargo, cargo_command, command};

/// A test tier, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tier {
    /// rustfmt and clippy.
    Lint,
    /// Unit and integration tests of the native crates.
    Native,
    /// Three `parlor serve` processes on the local PostgreSQL and NATS.
    Cluster,
    /// wasm-bindgen-test component tests in headless Chromium.
    Wasm,
    /// `trunk build` of the preview page.
    Preview,
    /// The built bundles served by a real `parlor serve`, driven in headless Chromium.
    E2e,
}

impl Tier {
    const ALL: [Tier; 6] = [
        Tier::Lint,
        Tier::Native,
        Tier::Cluster,
        Tier::Wasm,
        Tier::Preview,
        Tier::E2e,
    ];

    fn name(self) -> &'static str {
        match self {
            Tier::Lint => "lint",
            Tier::Native => "native",
            Tier::Cluster => "cluster",
            Tier::Wasm => "wasm",
            Tier::Preview => "preview",
            Tier::E2e => "e2e",
        }
    }
}

/// Native crates compiled for the host in the `native` and `lint` tiers.
const NATIVE_EXCLUDES: &[&str] = &[
    "--exclude",
    "parlor-widget",
    "--exclude",
    "parlor-console",
    "--exclude",
    "parlor-ui",
];
/// Crates that only make sense in a browser.
const WASM_PACKAGES: &[&str] = &[
    "-p",
    "parlor-widget",
    "-p",
    "parlor-client",
    "-p",
    "parlor-console",
    "-p",
    "parlor-ui",
];

pub fn run(tiers: &[Tier]) -> Result<(), Failure> {
    let chosen: Vec<Tier> = if tiers.is_empty() {
        Tier::ALL.to_vec()
    } else {
        tiers.to_vec()
    };
    setup::run()?;

    let mut results = Vec::new();
    for tier in chosen {
        let name = tier.name();
        eprintln!("\n=== xtask test: {name} ===");
        let started = Instant::now();
        let result = match tier {
            Tier::Lint => lint(),
            Tier::Native => native(),
            Tier::Cluster => cluster(),
            Tier::Wasm => wasm(),
            Tier::Preview => preview(),
            Tier::E2e => e2e(),
        };
        if let Err(failure) = &result {
            eprintln!("xtask: tier {name} failed: {failure}");
        }
        results.push((name, result.is_ok(), started.elapsed()));
    }

    println!("\nxtask test summary");
    for (tier, ok, took) in &results {
        println!(
            "  {:<8} {:<6} {:>6.1} s",
            tier,
            if *ok { "ok" } else { "FAILED" },
            took.as_secs_f64()
        );
    }
    let failed = results.iter().filter(|(_, ok, _)| !ok).count();
    println!(
        "tiers: {} passed, {} failed",
        results.len() - failed,
        failed
    );
    if failed == 0 {
        Ok(())
    } else {
        Err(Failure::new(format!("{failed} test tier(s) failed")))
    }
}

fn lint() -> Result<(), Failure> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    let mut native = vec!["clippy", "--workspace", "--all-targets"];
    native.extend(NATIVE_EXCLUDES);
    native.extend(["--", "-D", "warnings"]);
    cargo(&native)?;
    let mut wasm = vec![
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
    ];
    wasm.extend(WASM_PACKAGES);
    wasm.extend(["--", "-D", "warnings"]);
    cargo(&wasm)?;
    // The widget's front: the crate without its `chat` feature (see `bundle::widget`).
    cargo(&[
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--package",
        "parlor-widget",
        "--lib",
        "--no-default-features",
        "--",
        "-D",
        "warnings",
    ])?;
    // Sizes are deterministic, unlike timings: the bundle's weight is checked here.
    crate::bundle::check_budget(crate::bundle::widget(crate::bundle::Profile::Release)?)
}

fn native() -> Result<(), Failure> {
    let mut args = vec!["test", "--workspace"];
    args.extend(NATIVE_EXCLUDES);
    // The cluster's tests have a tier of their own.
    args.extend(["--", "--skip", CLUSTER_TESTS]);
    cargo(&args)
}

/// The server's tests that start several nodes (`server/tests/cluster/`).
const CLUSTER_TESTS: &str = "cluster::";

/// The services the cluster tier needs, where CI machines run them.
const CLUSTER_SERVICES: &[(&str, &str)] =
    &[("PostgreSQL", "127.0.0.1:5432"), ("NATS", "127.0.0.1:4222")];

/// Three `parlor serve` processes per test on the local PostgreSQL and NATS. Without them the
/// tier says so and passes, unless `PARLOR_REQUIRE_CLUSTER=1` (CI) makes that a failure.
fn cluster() -> Result<(), Failure> {
    let missing: Vec<String> = CLUSTER_SERVICES
        .iter()
        .filter(|(_, address)| {
            let address = address.parse().expect("a socket address");
            std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_secs(2))
                .is_err()
        })
        .map(|(name, address)| format!("no {name} at {address}"))
        .collect();
    if !missing.is_empty() {
        let why = missing.join(", ");
        if std::env::var("PARLOR_REQUIRE_CLUSTER").is_ok_and(|v| v == "1") {
            return Err(Failure::new(format!(
                "{why}, and PARLOR_REQUIRE_CLUSTER=1 requires them"
            )));
        }
        eprintln!(
            "xtask: cluster tier SKIPPED: {why} (PARLOR_REQUIRE_CLUSTER=1 makes this a failure)"
        );
        return Ok(());
    }
    // One test at a time: each starts three servers, and two cores are shared.
    cargo(&[
        "test",
        "--package",
        "parlor-server",
        "--test",
        "tests",
        CLUSTER_TESTS,
        "--",
        "--test-threads=1",
    ])
}

/// The browser crates' tests in headless Chromium. The client's tests talk to a real
/// `parlor serve` on a free port with a fresh demo portal: its URL and `parlor init`'s facts
/// reach them at compile time (`PARLOR_TEST_SERVER`, `PARLOR_TEST_FACTS`).
fn wasm() -> Result<(), Failure> {
    cargo(&["build", "--package", "parlor-server", "--bin", "parlor"])?;
    let server = TestServer::start()?;
    let result = shell::run(
        cargo_command()
            .args([
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "parlor-widget",
                "-p",
                "parlor-client",
            ])
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env(
                "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
                root().join("webdriver.json"),
            )
            // The runner picks geckodriver over chromedriver when both are installed.
            .env_remove("GECKODRIVER")
            .env("PARLOR_TEST_SERVER", &server.url)
            .env("PARLOR_TEST_FACTS", &server.facts),
    );
    drop(server);
    result
}

/// `parlor serve` on `127.0.0.1:0` with a new data folder; stopped when dropped.
struct TestServer {
    url: String,
    facts: String,
    child: std::process::Child,
    data: std::path::PathBuf,
}

impl TestServer {
    fn start() -> Result<Self, Failure> {
        use std::io::BufRead;
        let bin = root().join("target/debug/parlor");
        let data = std::env::temp_dir().join(format!("parlor-wasm-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let init = std::process::Command::new(&bin)
            .args(["init", "--json", "--data"])
            .arg(&data)
            .output()
            .map_err(|e| Failure::new(format!("parlor init: {e}")))?;
        if !init.status.success() {
            return Err(Failure::new("parlor init failed"));
        }
        let facts = String::from_utf8_lossy(&init.stdout).trim().to_string();
        let mut child = std::process::Command::new(&bin)
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(&data)
            .env("PARLOR_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| Failure::new(format!("parlor serve: {e}")))?;
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| Failure::new(format!("parlor serve: {e}")))?;
        let url = line
            .trim()
            .strip_prefix("parlor listening on ")
            .ok_or_else(|| Failure::new(format!("parlor serve said: {line}")))?
            .to_string();
        Ok(Self {
            url,
            facts,
            child,
            data,
        })
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn preview() -> Result<(), Failure> {
    let dist = root().join("target/preview");
    shell::run(
        command("trunk")
            .args(["build", "--offline", "--skip-version-check", "--dist"])
            .arg(&dist),
    )
}

fn e2e() -> Result<(), Failure> {
    crate::build_all()?;
    let root = root();
    // Screenshots of failing journeys are this run's only.
    let _ = std::fs::remove_dir_all(root.join("target/e2e-screenshots"));
    let mut files: Vec<_> = std::fs::read_dir(root.join("e2e"))
        .map_err(|e| Failure::new(format!("e2e/: {e}")))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    shell::run(
        command("node")
            .args(["--test", "--test-concurrency=1"])
            .args(&files)
            .env("PARLOR_BIN", root.join("target/debug/parlor"))
            .env("PARLOR_WIDGET_DIR", root.join("pkg"))
            .env("PARLOR_CONSOLE_DIR", root.join("console/dist"))
            .env("CHROMIUM", CHROMIUM),
    )
}
