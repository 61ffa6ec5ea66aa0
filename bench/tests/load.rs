//! The benchmark's load part, small: worker processes on two source addresses drive real
//! chats on a real `parlor serve` and on the relay, and every message arrives once.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

#[test]
fn a_small_load_delivers_every_message_once_on_parlor_and_on_the_relay() {
    let bench = PathBuf::from(env!("CARGO_BIN_EXE_parlor-bench"));
    // Cargo builds the server's binary beside this one when it tests the workspace.
    let parlor = bench.with_file_name("parlor");
    assert!(
        parlor.exists(),
        "{} is missing: `cargo build -p parlor-server` first (or test the whole workspace)",
        parlor.display()
    );
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(&bench)
        .args(["load", "--parlor"])
        .arg(&parlor)
        .arg("--out")
        .arg(out.path())
        .args([
            "--visitors",
            "12",
            "--agents",
            "3",
            "--processes",
            "2",
            "--addresses",
            "2",
        ])
        .args(["--levels", "24", "--seconds", "2"])
        .status()
        .unwrap();
    assert!(status.success());

    let load: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("load.json")).unwrap()).unwrap();
    let runs = load["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for run in runs {
        let target = &run["target"];
        assert_eq!(run["chats"], 12, "{target}");
        assert_eq!(run["connections_held"], 15, "{target}");
        assert_eq!(run["setup_errors"], 0, "{target}");
        let level = &run["levels"][0];
        let sent = level["sent"].as_u64().unwrap();
        assert!(sent >= 24, "{target}: only {sent} sent");
        assert_eq!(level["delivered"].as_u64(), Some(sent), "{target}: {level}");
        assert_eq!(
            (&level["lost"], &level["duplicates"], &level["errors"]),
            (&Value::from(0), &Value::from(0), &Value::from(0)),
            "{target}: {level}"
        );
        // Both directions were measured, every delivered message once.
        let (to_agent, to_visitor) = (&level["to_agent"]["count"], &level["to_visitor"]["count"]);
        assert!(to_agent.as_u64().unwrap() > 0 && to_visitor.as_u64().unwrap() > 0);
        assert_eq!(
            to_agent.as_u64().unwrap() + to_visitor.as_u64().unwrap(),
            sent,
            "{target}"
        );
        assert!(run["rss_per_connection_bytes"].as_u64().unwrap() > 0);
    }
    assert_eq!(runs[0]["target"], "parlor");
    assert!(load["ratios"][0]["p50"].as_f64().unwrap() > 0.0);

    // The report brings it together: tables, the ratios and the plot.
    let report = Command::new(&bench)
        .args(["report", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(report.status.success());
    let markdown = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(markdown.contains("Parlor / relay, same run"), "{markdown}");
    let svg = std::fs::read_to_string(out.path().join("latency.svg")).unwrap();
    assert_eq!(svg.matches("<polyline").count(), 4, "{svg}");
}
