//! The coordinator's side of the load's worker processes (`worker.rs` is the process
//! itself): starting one with its share of the visitors and agents, sending it commands,
//! reading its answers, and stopping it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::worker::{Command as WorkerCommand, Plan, Tally};

/// A running worker process.
pub(crate) struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: std::sync::mpsc::Receiver<String>,
}

impl Worker {
    /// Starts a worker process with its share of the load.
    pub(crate) fn start(plan: &Plan) -> Result<Self, String> {
        let me = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(me)
            .args([
                "worker",
                &serde_json::to_string(plan).map_err(|e| e.to_string())?,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout: ChildStdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, answers) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Self {
            child,
            stdin,
            answers,
        })
    }

    pub(crate) fn send(&mut self, command: &WorkerCommand) -> Result<(), String> {
        let line = serde_json::to_string(command).map_err(|e| e.to_string())?;
        writeln!(self.stdin, "{line}").map_err(|e| format!("a worker is gone: {e}"))
    }

    pub(crate) fn answer(&mut self, timeout: Duration) -> Result<Value, String> {
        let line = self
            .answers
            .recv_timeout(timeout)
            .map_err(|_| "a worker did not answer in time".to_string())?;
        serde_json::from_str(&line).map_err(|e| format!("a worker's answer {line:?}: {e}"))
    }

    /// Tells it to stop, and ends it if it has not within 10 s.
    pub(crate) fn quit(&mut self) {
        let _ = self.send(&WorkerCommand::Quit);
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Sends `command` to every worker at once and collects their answers.
pub(crate) fn all(
    workers: &mut [Worker],
    command: &WorkerCommand,
    timeout: Duration,
) -> Result<Vec<Value>, String> {
    for worker in workers.iter_mut() {
        worker.send(command)?;
    }
    workers.iter_mut().map(|w| w.answer(timeout)).collect()
}

/// The workers' counts, added up.
pub(crate) fn tally(workers: &mut [Worker]) -> Result<Tally, String> {
    let mut total = Tally::default();
    for answer in all(workers, &WorkerCommand::Tally, Duration::from_secs(30))? {
        let tally: Tally = serde_json::from_value(answer).map_err(|e| e.to_string())?;
        total.merge(&tally);
    }
    Ok(total)
}
