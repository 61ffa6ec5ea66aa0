//! The load part of the benchmark: it starts a server (Parlor, then the bare relay), spreads
//! the visitors and agents over several worker processes and source addresses, puts them in
//! live chats, then steps the message rate through the load levels, reading the server's
//! memory and CPU from `/proc` around each.

use std::net::Ipv4Addr;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::hist::Histogram;
use crate::pool::{Worker, all, tally};
use crate::server::{Keys, Server, clock_ticks, cpu_ticks, rss_kib, start_parlor, start_relay};
use crate::worker::{Command as WorkerCommand, Plan, Target};

/// How big a load to run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Options {
    /// Visitor sockets (each in one live chat).
    pub visitors: usize,
    /// Agent sockets (the chats are spread over them).
    pub agents: usize,
    /// Worker processes.
    pub processes: usize,
    /// Source addresses (127.0.0.2, 127.0.0.3, …).
    pub addresses: usize,
    /// The load levels: messages a second, all conversations and both directions together.
    pub levels: Vec<f64>,
    /// Seconds of sending at each level.
    pub seconds: f64,
    /// Characters of filler per message.
    pub message_bytes: usize,
    /// Parlor nodes for a second Parlor run, on one PostgreSQL database and NATS; 1: none.
    #[serde(default = "one")]
    pub nodes: usize,
}

fn one() -> usize {
    1
}

/// Latency figures in milliseconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Latency {
    /// Median.
    pub p50_ms: Option<f64>,
    /// 99th percentile.
    pub p99_ms: Option<f64>,
    /// Largest.
    pub max_ms: Option<f64>,
    /// Messages measured.
    pub count: u64,
}

impl Latency {
    fn of(histogram: &Histogram) -> Self {
        let ms = |micros: u64| (micros as f64 / 10.0).round() / 100.0;
        Self {
            p50_ms: histogram.percentile(0.5).map(ms),
            p99_ms: histogram.percentile(0.99).map(ms),
            max_ms: (histogram.count() > 0).then(|| ms(histogram.max())),
            count: histogram.count(),
        }
    }
}

/// One load level against one server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Level {
    /// Messages a second asked of the workers.
    pub offered_per_sec: f64,
    /// Messages sent.
    pub sent: u64,
    /// Messages sent a second (below the offer when the workers cannot keep up).
    pub sent_per_sec: f64,
    /// Messages delivered (each once).
    pub delivered: u64,
    /// Delivered messages a second of sending.
    pub delivered_per_sec: f64,
    /// Sent and never delivered (after up to 10 s of draining).
    pub lost: u64,
    /// Delivered twice.
    pub duplicates: u64,
    /// Refused requests and failed sockets.
    pub errors: u64,
    /// The last error seen, if any.
    pub last_error: Option<String>,
    /// Both directions.
    pub latency: Latency,
    /// Visitor → agent.
    pub to_agent: Latency,
    /// Agent → visitor.
    pub to_visitor: Latency,
    /// The server's CPU while sending, in % of one core.
    pub server_cpu_percent: f64,
    /// The server's resident memory after the level, KiB.
    pub server_rss_kib: u64,
    /// Sockets still open after the level.
    pub connections_open: u64,
}

/// Everything measured against one server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    /// `parlor` or `relay`.
    pub target: Target,
    /// Parlor nodes serving the load (1, or several on PostgreSQL and NATS).
    #[serde(default = "one")]
    pub nodes: usize,
    /// Sockets held once every chat was live.
    pub connections_held: u64,
    /// Live chats (a visitor and an agent on each).
    pub chats: u64,
    /// Seconds to connect everyone and start every chat.
    pub setup_seconds: f64,
    /// The server's resident memory before any socket, KiB.
    pub rss_idle_kib: u64,
    /// …and once every chat was live.
    pub rss_held_kib: u64,
    /// (held − idle) / sockets held.
    pub rss_per_connection_bytes: u64,
    /// Set-up failures (sockets or chats that did not come up, or that an agent did not hear
    /// were accepted).
    pub setup_errors: u64,
    /// Each load level in turn.
    pub levels: Vec<Level>,
}

/// Parlor's figures divided by the relay's, at one level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ratio {
    /// The level.
    pub offered_per_sec: f64,
    /// Median latency, Parlor / relay.
    pub p50: Option<f64>,
    /// 99th percentile latency, Parlor / relay.
    pub p99: Option<f64>,
    /// Delivered messages a second, Parlor / relay.
    pub delivered_per_sec: Option<f64>,
    /// Server CPU, Parlor / relay.
    pub server_cpu: Option<f64>,
}

/// The load part's report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// What was asked.
    pub options: Options,
    /// Parlor, then the relay.
    pub runs: Vec<Run>,
    /// Memory per socket, Parlor / relay.
    pub rss_per_connection_ratio: Option<f64>,
    /// Per level, Parlor / relay.
    pub ratios: Vec<Ratio>,
    /// With several nodes: per level, Parlor on N nodes / Parlor on one (the last run).
    #[serde(default)]
    pub cluster_ratios: Vec<Ratio>,
}

/// Runs the load against Parlor (the `parlor` binary at `parlor_bin`), then the relay.
pub fn run(options: &Options, parlor_bin: &Path, scratch: &Path) -> Result<Report, String> {
    check(options)?;
    let mut runs = Vec::new();
    for target in [Target::Parlor, Target::Relay] {
        eprintln!("bench: load against {target:?}");
        runs.push(run_one(options, target, 1, parlor_bin, scratch)?);
    }
    if options.nodes > 1 {
        eprintln!("bench: load against Parlor on {} nodes", options.nodes);
        runs.push(run_one(
            options,
            Target::Parlor,
            options.nodes,
            parlor_bin,
            scratch,
        )?);
    }
    let against_relay = ratios(&runs[0], &runs[1]);
    let cluster_ratios = runs.get(2).map_or_else(Vec::new, |n| ratios(n, &runs[0]));
    let (parlor, relay) = (&runs[0], &runs[1]);
    Ok(Report {
        options: options.clone(),
        rss_per_connection_ratio: ratio(
            Some(parlor.rss_per_connection_bytes as f64),
            Some(relay.rss_per_connection_bytes as f64),
        ),
        runs,
        ratios: against_relay,
        cluster_ratios,
    })
}

/// `a`'s figures over `b`'s, level by level.
fn ratios(a: &Run, b: &Run) -> Vec<Ratio> {
    a.levels
        .iter()
        .zip(&b.levels)
        .map(|(p, r)| Ratio {
            offered_per_sec: p.offered_per_sec,
            p50: ratio(p.latency.p50_ms, r.latency.p50_ms),
            p99: ratio(p.latency.p99_ms, r.latency.p99_ms),
            delivered_per_sec: ratio(Some(p.delivered_per_sec), Some(r.delivered_per_sec)),
            server_cpu: ratio(Some(p.server_cpu_percent), Some(r.server_cpu_percent)),
        })
        .collect()
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some((a / b * 100.0).round() / 100.0),
        _ => None,
    }
}

/// Refuses loads that this machine cannot hold, before anything starts.
fn check(options: &Options) -> Result<(), String> {
    let sockets = options.visitors + options.agents;
    if options.visitors == 0 || options.agents == 0 || options.processes == 0 {
        return Err("visitors, agents and processes must each be at least 1".into());
    }
    if options.addresses == 0 || options.addresses > 250 {
        return Err("addresses must be 1 to 250 (127.0.0.2 and up)".into());
    }
    // One process may hold 20,000 files here: the server holds every socket.
    if sockets > 19_000 {
        return Err(format!(
            "{sockets} sockets: the server process can hold at most about 19,000 here"
        ));
    }
    if sockets.div_ceil(options.processes) > 19_000 {
        return Err("too many sockets per worker process: add --processes".into());
    }
    // Ephemeral ports: about 28,000 per source address and destination.
    if sockets.div_ceil(options.addresses) > 28_000 {
        return Err("too many sockets per source address: add --addresses".into());
    }
    // Parlor lets a socket make 20 requests a second; the busiest agent must stay below it.
    let chats_per_agent = options.visitors.div_ceil(options.agents) as f64;
    for &level in &options.levels {
        let per_agent = level / (2.0 * options.visitors as f64) * chats_per_agent;
        if per_agent > 18.0 {
            return Err(format!(
                "at {level} messages/s each agent would send {per_agent:.1} a second, above \
                 Parlor's per-socket limit of 20: add agents or lower the level"
            ));
        }
    }
    Ok(())
}

fn run_one(
    options: &Options,
    target: Target,
    nodes: usize,
    parlor_bin: &Path,
    scratch: &Path,
) -> Result<Run, String> {
    let (servers, portal, _cluster) = match target {
        Target::Parlor if nodes > 1 => {
            let (servers, keys, cluster) =
                crate::nodes::start(options, nodes, parlor_bin, scratch)?;
            (servers, keys, Some(cluster))
        }
        Target::Parlor => {
            let (server, keys) = start_parlor(options, parlor_bin, scratch)?;
            (vec![server], keys, None)
        }
        Target::Relay => {
            let (server, keys) = start_relay()?;
            (vec![server], keys, None)
        }
    };
    // With several nodes, the figures are the sums over their processes.
    let pids: Vec<u32> = servers.iter().map(|s| s.child.id()).collect();
    let rss_all = || -> Result<u64, String> { pids.iter().map(|p| rss_kib(*p)).sum() };
    let cpu_all = || -> Result<u64, String> { pids.iter().map(|p| cpu_ticks(*p)).sum() };
    std::thread::sleep(Duration::from_millis(500));
    let rss_idle_kib = rss_all()?;

    // Workers spread over the nodes: a chat's visitor and agent often meet on different ones.
    let mut workers = (0..options.processes)
        .map(|w| {
            Worker::start(&plan(
                options,
                target,
                &servers[w % servers.len()],
                &portal,
                w,
            ))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let started = Instant::now();
    let setup_timeout = setup_timeout(options);
    let agents = all(&mut workers, &WorkerCommand::Agents, setup_timeout)?;
    let connected: u64 = agents
        .iter()
        .map(|a| a["connected"].as_u64().unwrap_or(0))
        .sum();
    let visitors = all(&mut workers, &WorkerCommand::Visitors, setup_timeout)?;
    let chatting: u64 = visitors
        .iter()
        .map(|v| v["chatting"].as_u64().unwrap_or(0))
        .sum();
    // Agents learn of their last chats a moment after the visitors do: wait until both ends
    // of every chat are counted, or 30 s.
    let wait_until = Instant::now() + Duration::from_secs(30);
    let mut held = tally(&mut workers)?;
    while held.conversations < 2 * chatting && Instant::now() < wait_until {
        std::thread::sleep(Duration::from_millis(200));
        held = tally(&mut workers)?;
    }
    let setup_seconds = round2(started.elapsed().as_secs_f64());
    // A chat whose agent never heard it was accepted counts as a failure too.
    let unheard = (2 * chatting).saturating_sub(held.conversations);
    let setup_errors =
        (options.agents as u64 - connected) + (options.visitors as u64 - chatting) + unheard;
    eprintln!(
        "bench: {target:?}: {} sockets, {chatting} chats in {setup_seconds} s ({setup_errors} set-up failures)",
        held.open
    );
    std::thread::sleep(Duration::from_millis(500));
    let rss_held_kib = rss_all()?;
    let rss_per_connection_bytes = (rss_held_kib.saturating_sub(rss_idle_kib) * 1024)
        .checked_div(held.open)
        .unwrap_or(0);

    let ticks_per_sec = clock_ticks();
    let mut levels = Vec::new();
    for (index, &offered) in options.levels.iter().enumerate() {
        let per_second = offered / (2.0 * chatting.max(1) as f64);
        let cpu_before = cpu_all()?;
        let sending = Instant::now();
        all(
            &mut workers,
            &WorkerCommand::Run {
                level: index as u32 + 1,
                per_second,
                seconds: options.seconds,
            },
            Duration::from_secs_f64(options.seconds + 60.0),
        )?;
        let elapsed = sending.elapsed().as_secs_f64();
        let cpu = (cpu_all()? - cpu_before) as f64 / ticks_per_sec / elapsed * 100.0;
        // Drain: what is in flight gets up to 10 s to arrive.
        let drain_until = Instant::now() + Duration::from_secs(10);
        let mut total = tally(&mut workers)?;
        while total.received + total.duplicates < total.sent && Instant::now() < drain_until {
            std::thread::sleep(Duration::from_millis(200));
            total = tally(&mut workers)?;
        }
        let mut both = total.to_agent.clone();
        both.merge(&total.to_visitor);
        let level = Level {
            offered_per_sec: offered,
            sent: total.sent,
            sent_per_sec: round2(total.sent as f64 / options.seconds),
            delivered: total.received,
            delivered_per_sec: round2(total.received as f64 / options.seconds),
            lost: total.sent.saturating_sub(total.received),
            duplicates: total.duplicates,
            errors: total.errors,
            last_error: total.last_error.clone(),
            latency: Latency::of(&both),
            to_agent: Latency::of(&total.to_agent),
            to_visitor: Latency::of(&total.to_visitor),
            server_cpu_percent: round2(cpu),
            server_rss_kib: rss_all()?,
            connections_open: total.open,
        };
        eprintln!(
            "bench: {target:?} at {offered} msg/s: {} delivered/s, p50 {:?} ms, p99 {:?} ms, {} lost, {} errors, CPU {:.0} %",
            level.delivered_per_sec,
            level.latency.p50_ms,
            level.latency.p99_ms,
            level.lost,
            level.errors,
            level.server_cpu_percent
        );
        levels.push(level);
    }
    for worker in &mut workers {
        worker.quit();
    }
    drop(servers);
    Ok(Run {
        target,
        nodes,
        connections_held: held.open,
        chats: chatting,
        setup_seconds,
        rss_idle_kib,
        rss_held_kib,
        rss_per_connection_bytes,
        setup_errors,
        levels,
    })
}

/// How long connecting everyone (agents, or visitors and their chats) may take.
fn setup_timeout(options: &Options) -> Duration {
    Duration::from_secs(120 + (options.visitors / 20) as u64)
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Worker `index`'s share of the load (of `options.processes`), and where it sends it.
fn plan(options: &Options, target: Target, server: &Server, portal: &Keys, index: usize) -> Plan {
    let share = |total: usize| {
        let base = total / options.processes;
        let extra = total % options.processes;
        let first = index * base + index.min(extra);
        (first, base + usize::from(index < extra))
    };
    // Each worker its own source addresses when there are enough; else they share.
    let sources = (0..options.addresses)
        .filter(|a| {
            if options.addresses >= options.processes {
                a % options.processes == index
            } else {
                *a == index % options.addresses
            }
        })
        .map(|a| Ipv4Addr::new(127, 0, 0, 2 + a as u8))
        .collect::<Vec<_>>();
    Plan {
        target,
        server: server.addr,
        path: server.path.to_string(),
        sources,
        visitors: share(options.visitors),
        agents: share(options.agents),
        total_agents: options.agents,
        total_visitors: options.visitors,
        key_sid: portal.key_sid.clone(),
        key_secret: portal.key_secret.clone(),
        queue: portal.queue.clone(),
        message_bytes: options.message_bytes,
        // Every phase has its own timeout; the worker outlives none of them by much.
        deadline_secs: 2 * setup_timeout(options).as_secs()
            + options.levels.len() as u64 * (options.seconds as u64 + 100)
            + 120,
    }
}
