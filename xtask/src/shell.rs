//! Running the tools: commands with the project's tool folders on `PATH`, and their failures.

use std::ffi::OsStr;
use std::fmt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::root;

/// Why an xtask step failed, as a sentence for the person at the terminal.
#[derive(Debug)]
pub struct Failure(String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// `PATH` with the project's npm binaries (wasm-opt) and cargo's binaries (trunk, wasm-bindgen)
/// first, so that the pinned versions win over anything else installed.
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![root().join("node_modules/.bin"), cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH entries contain no separator")
}

/// A command for `program`, run from the workspace root with [`tool_path`].
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", tool_path());
    command
}

/// A `cargo` command (the same cargo that runs xtask).
pub fn cargo_command() -> Command {
    command(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `cargo` with `args`, failing if it does.
pub fn cargo(args: &[&str]) -> Result<(), Failure> {
    run(cargo_command().args(args))
}

/// Runs a command with inherited output, failing if it cannot start or exits non-zero.
pub fn run(command: &mut Command) -> Result<(), Failure> {
    let shown = describe(command);
    eprintln!("$ {shown}");
    let status = command
        .status()
        .map_err(|e| Failure::new(format!("cannot start `{shown}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::new(format!("`{shown}` failed ({status})")))
    }
}

/// Runs a command as [`run`] does, but returns its standard output (its errors still show).
pub fn capture(command: &mut Command) -> Result<String, Failure> {
    let shown = describe(command);
    eprintln!("$ {shown}");
    let out = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::new(format!("cannot start `{shown}`: {e}")))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(Failure::new(format!("`{shown}` failed ({})", out.status)))
    }
}

/// Runs a command quietly and returns its standard output, or `None` if it is missing or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
