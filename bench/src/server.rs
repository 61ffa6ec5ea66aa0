//! The servers under load: Parlor seeded with the benchmark's portal, or the bare relay, each a
//! child process ended when dropped; and their memory and CPU time, read from `/proc`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use parlor_server::seed::DATABASE_FILE;
use parlor_server::store::sqlite::SqliteStore;
use parlor_server::store::{Agent, ApiKey, NewPortal, Portal, PortalStore, Queue};

use crate::load::Options;

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
    pub(crate) path: &'static str,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What workers need to know of the portal.
pub(crate) struct Keys {
    pub(crate) key_sid: String,
    pub(crate) key_secret: String,
    pub(crate) queue: String,
}

/// The benchmark's portal: one queue, `options.agents` agents each allowed enough chats, and
/// an API key that the workers mint their tokens with (as a site's backend would).
pub(crate) fn bench_portal(options: &Options) -> (NewPortal, Keys) {
    let portal = Keys {
        key_sid: format!("SK{}", parlor_server::ids::random_hex(16)),
        key_secret: parlor_server::ids::random_hex(32),
        queue: "q-bench".to_string(),
    };
    let chats_per_agent = options.visitors.div_ceil(options.agents) as u32;
    let new = NewPortal {
        portal: Portal {
            agent_max_serve: chats_per_agent,
            visitor_secret: portal.key_secret.clone(),
            ..Portal::new("portal-bench", &parlor_server::ids::random_hex(16), "Bench")
        },
        api_key: ApiKey {
            sid: portal.key_sid.clone(),
            secret: portal.key_secret.clone(),
        },
        queues: vec![Queue {
            id: portal.queue.clone(),
            name: "Bench".into(),
        }],
        // Tokens are minted with the API key: no password is needed, nor set.
        agents: (0..options.agents)
            .map(|i| {
                Agent::new(
                    &format!("bench-agent-{i}"),
                    "",
                    &format!("agent{i}@bench.invalid"),
                    &format!("Agent {i}"),
                )
            })
            .collect(),
    };
    (new, portal)
}

/// Seeds a portal with `options.agents` agents, each allowed enough chats, and serves it.
pub(crate) fn start_parlor(
    options: &Options,
    parlor_bin: &Path,
    scratch: &Path,
) -> Result<(Server, Keys), String> {
    let data = scratch.join("parlor-data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let (new, portal) = bench_portal(options);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let store = SqliteStore::open(&data.join(DATABASE_FILE))
            .await
            .map_err(|e| e.to_string())?;
        store.create_portal(&new).await.map_err(|e| e.to_string())?;
        store.close().await;
        Ok::<_, String>(())
    })?;
    let data_arg = data.to_string_lossy().into_owned();
    let child = Command::new(parlor_bin)
        .args([
            "serve",
            "--data",
            &data_arg,
            "--addr",
            "127.0.0.1:0",
            "--widget-dir",
            &data_arg,
            "--console-dir",
            &data_arg,
            "--max-connections-per-address",
            "1000000",
        ])
        .env("PARLOR_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", parlor_bin.display()))?;
    let (child, addr) = listening(child, "parlor listening on http://")?;
    Ok((
        Server {
            child,
            addr,
            path: "/ws",
        },
        portal,
    ))
}

pub(crate) fn start_relay() -> Result<(Server, Keys), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let child = Command::new(me)
        .args(["relay", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let (child, addr) = listening(child, "relay listening on ")?;
    let portal = Keys {
        key_sid: "relay".into(),
        key_secret: "relay".into(),
        queue: "relay".into(),
    };
    Ok((
        Server {
            child,
            addr,
            path: "/",
        },
        portal,
    ))
}

/// Reads the child's first line, `<prefix><address>`, and answers the address.
pub(crate) fn listening(mut child: Child, prefix: &str) -> Result<(Child, SocketAddr), String> {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let addr = line
        .trim()
        .strip_prefix(prefix)
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| {
            let _ = child.kill();
            format!("the server did not start: {line:?}")
        })?;
    Ok((child, addr))
}

/// A process's resident memory, KiB.
pub(crate) fn rss_kib(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS in /proc status".to_string())
}

/// A process's CPU time so far (user + system), in clock ticks.
pub(crate) fn cpu_ticks(pid: u32) -> Result<u64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    // Fields after the command name (which may hold spaces) start with the state, field 3;
    // utime and stime are fields 14 and 15.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
    match (field(14), field(15)) {
        (Some(user), Some(system)) => Ok(user + system),
        _ => Err("unreadable /proc stat".into()),
    }
}

/// Clock ticks a second (`getconf CLK_TCK`; 100 on Linux unless told otherwise).
pub(crate) fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}
