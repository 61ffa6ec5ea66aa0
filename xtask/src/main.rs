//! `cargo xtask`: the project's own automation, so that a fresh machine needs nothing but Rust,
//! Node.js and the package registries.
//!
//! - `setup`: installs every tool the build and the tests use, skipping what is present.
//! - `dist`:  builds the embeddable widget bundle into `pkg/` and prints its sizes.
//! - `build`: `dist`, plus the agent console (`console/dist/`) and the server binary.
//! - `run`:   setup + build + `parlor init` + `parlor serve` on 127.0.0.1:8080.
//! - `test`:  setup + every test tier: lint, native, wasm (headless Chromium), browser end to end.
//! - `bench`: setup + release builds + the benchmark's report under `target/bench/`.
//!
//! It uses only the standard library: it compiles in seconds, before anything else is built.

mod bench;
mod bundle;
mod setup;
mod shell;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use shell::Failure;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup              install the tools the project needs (idempotent)
  dist [--dev]       build the widget bundle into pkg/ and print its sizes
                     (--dev: unoptimised and quick, for `trunk serve`)
  build              dist + the agent console + the server binary
  run [--addr A] [--data DIR]
                     setup, build, create the demo data, and serve (default 127.0.0.1:8080, ./data)
  test [TIER ...]    setup, then run the test tiers (default: all of lint native wasm preview e2e)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}{}", bench::USAGE);
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "setup" => setup::run(),
        "dist" => dist(rest),
        "build" => setup::run().and_then(|()| build_all()),
        "run" => run(rest),
        "test" => test::run(rest),
        "bench" => bench::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}{}", bench::USAGE);
            Ok(())
        }
        other => Err(Failure::new(format!(
            "unknown command `{other}`\n{USAGE}{}",
            bench::USAGE
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("xtask: {failure}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (this crate lives in `<root>/xtask`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn dist(args: &[String]) -> Result<(), Failure> {
    let profile = match args {
        [] => bundle::Profile::Release,
        [flag] if flag == "--dev" => bundle::Profile::Dev,
        _ => {
            return Err(Failure::new(format!(
                "dist: unexpected arguments {args:?}\n{USAGE}"
            )));
        }
    };
    setup::run()?;
    bundle::widget(profile).map(|_| ())
}

/// Builds everything `parlor serve` serves: the widget bundle, the console, the server.
pub fn build_all() -> Result<(), Failure> {
    bundle::widget(bundle::Profile::Release)?;
    bundle::console()?;
    shell::cargo(&["build", "--package", "parlor-server", "--bin", "parlor"])
}

fn run(args: &[String]) -> Result<(), Failure> {
    let mut addr = "127.0.0.1:8080".to_string();
    let mut data = root().join("data");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || shell::option_value(&mut args, arg);
        match arg.as_str() {
            "--addr" => addr = value()?,
            "--data" => data = PathBuf::from(value()?),
            other => return Err(Failure::new(format!("run: unknown option `{other}`"))),
        }
    }
    setup::run()?;
    build_all()?;
    let parlor = root().join("target/debug/parlor");
    let data_arg = data.to_string_lossy().into_owned();
    shell::run(shell::command(&parlor).args(["init", "--data", &data_arg]))?;
    let base = format!("http://{addr}");
    println!();
    println!("Demo page (a site with the widget): {base}/");
    println!("Agent console:                      {base}/console/");
    println!("Sign in to the console with an agent's email and password above. Ctrl-C stops.");
    println!();
    shell::run(shell::command(&parlor).args([
        "serve",
        "--data",
        &data_arg,
        "--addr",
        &addr,
        "--widget-dir",
        &root().join("pkg").to_string_lossy(),
        "--console-dir",
        &root().join("console/dist").to_string_lossy(),
    ]))
}
