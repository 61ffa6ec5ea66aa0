//! `cargo xtask setup`: every tool the project needs, installed from the package registries
//! only (crates.io, npm, Debian's packages), each step skipped when its tool is present.
//!
//! Versions are pinned where a mismatch breaks the build (see `docs/operations.md`):
//! - trunk 0.21.14: later releases need a newer rustc than this project's;
//! - wasm-bindgen CLI: exactly the `wasm-bindgen` version in `Cargo.lock`;
//! - wasm-opt from the npm package `binaryen` 132 (Debian's binaryen produces modules that
//!   crash in the browser), installed by `npm ci` with the rest of `package.json`.
//!
//! Besides the wasm32 target, rustup adds the standard library's source (`rust-src`), which
//! the shipped bundles are built with (`bundle::lean_std`).

use std::path::Path;

use crate::root;
use crate::shell::{self, Failure, cargo_command, command, output};

/// The trunk release the project is tested with.
pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian's Chromium and its WebDriver, used by the wasm and end-to-end tiers.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn run() -> Result<(), Failure> {
    // The wasm32 target, and the standard library's source: the shipped bundles build it
    // tuned for size (`bundle::lean_std`).
    rustup("target", "wasm32-unknown-unknown")?;
    rustup("component", "rust-src")?;
    wasm_bindgen_cli()?;
    trunk()?;
    npm_packages()?;
    chromium()?;
    eprintln!("xtask: tools ready");
    Ok(())
}

/// Adds rustup's `kind` (`target` or `component`) called `name` unless it is installed.
fn rustup(kind: &str, name: &str) -> Result<(), Failure> {
    let installed = output(command("rustup").args([kind, "list", "--installed"]));
    if installed.is_some_and(|list| list.lines().any(|l| l.trim() == name)) {
        return Ok(());
    }
    shell::run(command("rustup").args([kind, "add", name]))
}

/// The `wasm-bindgen` version locked in `Cargo.lock`.
pub fn locked_wasm_bindgen() -> Result<String, Failure> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| Failure::new(format!("Cargo.lock: {e}")))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "name = \"wasm-bindgen\"" {
            continue;
        }
        if let Some(version) = lines
            .next()
            .and_then(|l| l.trim().strip_prefix("version = \""))
            .and_then(|v| v.strip_suffix('"'))
        {
            return Ok(version.to_string());
        }
    }
    Err(Failure::new("Cargo.lock has no wasm-bindgen package"))
}

fn wasm_bindgen_cli() -> Result<(), Failure> {
    let version = locked_wasm_bindgen()?;
    let present = |tool: &str| {
        output(command(tool).arg("--version"))
            .is_some_and(|v| v.split_whitespace().nth(1) == Some(&version))
    };
    if present("wasm-bindgen") && present("wasm-bindgen-test-runner") {
        return Ok(());
    }
    // Not `--locked`: one of the CLI's locked dependencies is no longer on the registry.
    shell::run(cargo_command().args(["install", "wasm-bindgen-cli", "--version", &version]))
}

fn trunk() -> Result<(), Failure> {
    let present = output(command("trunk").arg("--version"))
        .is_some_and(|v| v.split_whitespace().nth(1) == Some(TRUNK_VERSION));
    if present {
        return Ok(());
    }
    shell::run(cargo_command().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

fn npm_packages() -> Result<(), Failure> {
    let root = root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    // npm rewrites node_modules/.package-lock.json on every install: if it is newer than the
    // project's lock file and the tools are there, the install is current.
    let current = modified(&installed)
        .zip(modified(&lock))
        .is_some_and(|(installed, wanted)| installed >= wanted)
        && root.join("node_modules/.bin/wasm-opt").exists()
        && root.join("node_modules/.bin/terser").exists()
        && root.join("node_modules/playwright-core").exists()
        && root.join("node_modules/axe-core").exists();
    if current {
        return Ok(());
    }
    shell::run(command("npm").args(["ci", "--no-audit", "--no-fund"]))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn chromium() -> Result<(), Failure> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let root_user = output(command("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        if root_user {
            shell::run(command("apt-get").args(args))
        } else {
            shell::run(command("sudo").arg("-n").arg("apt-get").args(args))
        }
    };
    apt(&["update"])?;
    apt(&[
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ])
    .map_err(|e| {
        Failure::new(format!(
            "{e}\nChromium and ChromeDriver are needed by the browser tests; install the Debian \
             packages `chromium` and `chromium-driver` as root"
        ))
    })
}
