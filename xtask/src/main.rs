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
//! Its command line is parsed by clap: `cargo xtask --help` and `cargo xtask <command> --help`
//! describe every option; an unknown option exits with status 2 and the usage.

mod bench;
mod bundle;
mod css;
mod exports;
mod names;
mod setup;
mod shell;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use shell::Failure;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Parlor's automation: tools, builds, tests, benchmark"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install the tools the project needs, skipping what is present.
    Setup,
    /// Build the widget bundle into pkg/ and print its sizes.
    Dist {
        /// Unoptimised and quick, for `trunk serve`.
        #[arg(long)]
        dev: bool,
    },
    /// `dist`, plus the agent console (console/dist/) and the server binary.
    Build,
    /// Set up, build, create the demo data, and serve.
    Run {
        /// The address to serve on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// The data folder (default: ./data in the workspace).
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Set up, then run the test tiers (default: all of them, in order).
    Test {
        /// Tiers to run.
        #[arg(value_enum)]
        tiers: Vec<test::Tier>,
    },
    /// Measure bundle sizes, browser timings and server load; write target/bench/report.md,
    /// report.json and latency.svg.
    Bench(bench::Options),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Setup => setup::run(),
        Command::Dist { dev } => setup::run().and_then(|()| {
            let profile = if dev {
                bundle::Profile::Dev
            } else {
                bundle::Profile::Release
            };
            bundle::widget(profile).map(drop)
        }),
        Command::Build => setup::run().and_then(|()| build_all()),
        Command::Run { addr, data } => run(&addr, data.unwrap_or_else(|| root().join("data"))),
        Command::Test { tiers } => test::run(&tiers),
        Command::Bench(options) => bench::run(&options),
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

/// Builds everything `parlor serve` serves: the widget bundle, the console, the server.
pub fn build_all() -> Result<(), Failure> {
    bundle::widget(bundle::Profile::Release)?;
    bundle::console()?;
    shell::cargo(&["build", "--package", "parlor-server", "--bin", "parlor"])
}

fn run(addr: &str, data: PathBuf) -> Result<(), Failure> {
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
    // A development server: webhooks may go to a receiver on this machine.
    shell::run(shell::command(&parlor).args([
        "serve",
        "--data",
        &data_arg,
        "--addr",
        addr,
        "--webhook-allow-private",
    ]))
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{Cli, Command};

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn unknown_options_and_tiers_are_usage_errors() {
        for args in [
            &["xtask", "bench", "--bogus"][..],
            &["xtask", "test", "nope"],
            &["xtask", "bench", "--only", "load,nope"],
            &["xtask"],
        ] {
            let error = Cli::try_parse_from(args).err().expect("refused");
            assert_eq!(error.exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn tiers_and_parts_parse() {
        let Command::Test { tiers } = Cli::parse_from(["xtask", "test", "native", "e2e"]).command
        else {
            panic!("test");
        };
        assert_eq!(tiers, [crate::test::Tier::Native, crate::test::Tier::E2e]);
        assert!(matches!(
            Cli::parse_from([
                "xtask",
                "bench",
                "--only",
                "bundle,load",
                "--visitors",
                "10"
            ])
            .command,
            Command::Bench(_)
        ));
    }
}
