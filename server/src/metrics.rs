//! What `GET /metrics` reports, in Prometheus' text format: sockets open by role, chats waiting
//! per queue, offers, messages stored, and how long the store takes, for one node.
//!
//! Counters and histograms are plain atomics kept by the parts that count; gauges that another
//! part already knows (chats waiting, in the routing engine) are read when the page is asked
//! for. One [`Metrics`] per running server (tests run several in one process).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Upper bounds of the latency histograms' buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// A latency histogram: counts per bucket (not cumulative; summed when rendered), sum, count.
#[derive(Debug, Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, took: Duration) {
        let seconds = took.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[i] += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(self.buckets) {
            cumulative += count;
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

/// One server's counters.
#[derive(Debug)]
pub struct Metrics {
    node: std::sync::RwLock<String>,
    visitor_sockets: AtomicI64,
    agent_sockets: AtomicI64,
    offers: AtomicU64,
    offer_timeouts: AtomicU64,
    messages_stored: AtomicU64,
    routes: std::sync::atomic::AtomicBool,
    store: Mutex<BTreeMap<&'static str, Histogram>>,
    bus: Mutex<BTreeMap<&'static str, Histogram>>,
}

impl Metrics {
    /// Counters of the node named `node`.
    pub fn new(node: &str) -> Self {
        Self {
            node: std::sync::RwLock::new(node.to_string()),
            visitor_sockets: AtomicI64::new(0),
            agent_sockets: AtomicI64::new(0),
            offers: AtomicU64::new(0),
            offer_timeouts: AtomicU64::new(0),
            messages_stored: AtomicU64::new(0),
            routes: std::sync::atomic::AtomicBool::new(true),
            store: Mutex::default(),
            bus: Mutex::default(),
        }
    }

    /// The node these counters are of.
    pub fn node(&self) -> String {
        self.node.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Names the node (once its settings are known).
    pub fn set_node(&self, node: &str) {
        *self.node.write().unwrap_or_else(|p| p.into_inner()) = node.to_string();
    }

    /// An authenticated socket opened (`+1`) or closed (`-1`).
    pub fn socket(&self, agent: bool, change: i64) {
        let gauge = if agent {
            &self.agent_sockets
        } else {
            &self.visitor_sockets
        };
        gauge.fetch_add(change, Ordering::Relaxed);
    }

    /// The routing engine offered a chat to an agent.
    pub fn offered(&self) {
        self.offers.fetch_add(1, Ordering::Relaxed);
    }

    /// An agent let an offer run out.
    pub fn offer_timed_out(&self) {
        self.offer_timeouts.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether this node runs the routing task (always, alone; one of several nodes does).
    pub fn set_routes(&self, routes: bool) {
        self.routes.store(routes, Ordering::Relaxed);
    }

    /// A new message was stored.
    pub fn message_stored(&self) {
        self.messages_stored.fetch_add(1, Ordering::Relaxed);
    }

    /// Runs a store call, recording how long it took under `op`.
    pub async fn store<T>(&self, op: &'static str, call: impl Future<Output = T>) -> T {
        timed(&self.store, op, call).await
    }

    /// Runs a bus call, recording how long it took under `op`.
    pub async fn bus<T>(&self, op: &'static str, call: impl Future<Output = T>) -> T {
        timed(&self.bus, op, call).await
    }

    /// The page `GET /metrics` serves; `waiting` is the number of chats waiting per queue id.
    pub fn render(&self, waiting: &BTreeMap<String, usize>) -> String {
        let mut out = String::new();
        let node = escape(&self.node());
        let mut family = |name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        family("parlor_node_info", "gauge", "This node; always 1.");
        let _ = writeln!(
            out,
            "parlor_node_info{{node=\"{node}\",version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            out,
            "# HELP parlor_routes Whether this node routes chats (1) or asks the one that does.\n\
             # TYPE parlor_routes gauge\nparlor_routes{{node=\"{node}\"}} {}",
            u8::from(self.routes.load(Ordering::Relaxed))
        );
        let _ = writeln!(
            out,
            "# HELP parlor_sockets_open Authenticated sockets open on this node.\n\
             # TYPE parlor_sockets_open gauge\n\
             parlor_sockets_open{{node=\"{node}\",role=\"visitor\"}} {}\n\
             parlor_sockets_open{{node=\"{node}\",role=\"agent\"}} {}",
            self.visitor_sockets.load(Ordering::Relaxed),
            self.agent_sockets.load(Ordering::Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP parlor_chats_waiting Chats waiting for an agent, per queue id.\n\
             # TYPE parlor_chats_waiting gauge"
        );
        for (queue, count) in waiting {
            let _ = writeln!(
                out,
                "parlor_chats_waiting{{node=\"{node}\",queue=\"{}\"}} {count}",
                escape(queue)
            );
        }
        for (name, help, value) in [
            (
                "parlor_offers_total",
                "Chats offered to agents.",
                &self.offers,
            ),
            (
                "parlor_offer_timeouts_total",
                "Offers that ran out unanswered.",
                &self.offer_timeouts,
            ),
            (
                "parlor_messages_stored_total",
                "Messages stored (rate() of it: messages per second).",
                &self.messages_stored,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name}{{node=\"{node}\"}} {}",
                value.load(Ordering::Relaxed)
            );
        }
        for (name, help, histograms) in [
            (
                "parlor_store_seconds",
                "How long store calls take, by operation.",
                &self.store,
            ),
            (
                "parlor_bus_seconds",
                "How long bus calls take, by operation.",
                &self.bus,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
            let histograms = histograms.lock().unwrap_or_else(|p| p.into_inner());
            for (op, histogram) in histograms.iter() {
                histogram.render(&mut out, name, &format!("node=\"{node}\",op=\"{op}\""));
            }
        }
        out
    }
}

async fn timed<T>(
    histograms: &Mutex<BTreeMap<&'static str, Histogram>>,
    op: &'static str,
    call: impl Future<Output = T>,
) -> T {
    let started = Instant::now();
    let result = call.await;
    let took = started.elapsed();
    histograms
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(op)
        .or_default()
        .observe(took);
    result
}

/// A label value as the text format wants it: backslash, quote and newline escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_counters_count() {
        let metrics = Metrics::new("n\"1");
        let mut histogram = Histogram::default();
        histogram.observe(Duration::from_micros(300));
        histogram.observe(Duration::from_millis(3));
        histogram.observe(Duration::from_secs(10));
        metrics
            .store
            .lock()
            .unwrap()
            .insert("append_message", histogram);
        metrics.message_stored();
        metrics.message_stored();
        metrics.socket(true, 1);
        metrics.socket(false, 1);
        metrics.socket(false, 1);
        metrics.socket(false, -1);
        let page = metrics.render(&BTreeMap::from([("q1".to_string(), 4)]));
        let line = |start: &str| {
            page.lines()
                .find(|l| l.starts_with(start))
                .unwrap_or_else(|| panic!("{start} in\n{page}"))
                .to_string()
        };
        let node = "node=\"n\\\"1\"";
        assert_eq!(
            line(&format!("parlor_messages_stored_total{{{node}}}")),
            format!("parlor_messages_stored_total{{{node}}} 2")
        );
        assert!(line(&format!("parlor_sockets_open{{{node},role=\"visitor\"}}")).ends_with(" 1"));
        assert!(line(&format!("parlor_sockets_open{{{node},role=\"agent\"}}")).ends_with(" 1"));
        assert!(line(&format!("parlor_chats_waiting{{{node},queue=\"q1\"}}")).ends_with(" 4"));
        let bucket = |le: &str| {
            line(&format!(
                "parlor_store_seconds_bucket{{{node},op=\"append_message\",le=\"{le}\"}}"
            ))
        };
        assert!(bucket("0.0005").ends_with(" 1"));
        assert!(bucket("0.005").ends_with(" 2"));
        assert!(bucket("2.5").ends_with(" 2"));
        assert!(bucket("+Inf").ends_with(" 3"));
        assert!(
            line(&format!(
                "parlor_store_seconds_count{{{node},op=\"append_message\"}}"
            ))
            .ends_with(" 3")
        );
    }
}
