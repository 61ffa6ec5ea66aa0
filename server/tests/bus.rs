//! The bus between nodes, on a real NATS: what one node's hub delivers reaches the user's
//! sockets on the other nodes, once, and nothing leaks between deployments (subject prefixes).

use std::sync::Arc;
use std::time::Duration;

use parlor_protocol::socket::Frame;
use parlor_server::bus::Bus;
use parlor_server::hub::{Hub, Outgoing, SIGNED_OUT_CLOSE_CODE, SocketHandle};
use parlor_server::metrics::Metrics;
use tokio::sync::{Notify, mpsc};

use crate::backends::{nats_here, nats_url};

struct Node {
    hub: Arc<Hub>,
    metrics: Arc<Metrics>,
}

async fn node(prefix: &str, name: &str) -> Node {
    let hub = Arc::new(Hub::default());
    let metrics = Arc::new(Metrics::new(name));
    Bus::connect(&nats_url(), prefix, name, hub.clone(), metrics.clone())
        .await
        .unwrap();
    Node { hub, metrics }
}

fn socket(hub: &Hub, user: &str) -> mpsc::Receiver<Outgoing> {
    let (sender, receiver) = mpsc::channel(16);
    let connection = hub.connection_id();
    hub.register(
        user,
        connection,
        SocketHandle {
            sender,
            close: Arc::new(Notify::new()),
        },
    );
    receiver
}

async fn next(receiver: &mut mpsc::Receiver<Outgoing>) -> Outgoing {
    tokio::time::timeout(Duration::from_secs(5), receiver.recv())
        .await
        .expect("delivered within 5 s")
        .expect("socket open")
}

#[tokio::test]
async fn a_push_on_one_node_reaches_the_users_sockets_on_the_others_once() {
    if !nats_here("bus").await {
        return;
    }
    let prefix = format!("parlor-test-{}", parlor_server::ids::random_hex(6));
    let (one, two, three) = (
        node(&prefix, "one").await,
        node(&prefix, "two").await,
        node(&prefix, "three").await,
    );
    // Another deployment on the same NATS, with its own prefix.
    let elsewhere = node(&format!("{prefix}-other"), "four").await;
    let mut ann_on_two = socket(&two.hub, "ann");
    let mut ann_on_three = socket(&three.hub, "ann");
    let mut ann_on_one = socket(&one.hub, "ann");
    let mut ann_elsewhere = socket(&elsewhere.hub, "ann");
    let mut bob_on_two = socket(&two.hub, "bob");

    let frame = Frame {
        service: 45,
        body: serde_json::json!({ "seq": 7 }),
    };
    one.hub.push("ann", &frame);
    for receiver in [&mut ann_on_one, &mut ann_on_two, &mut ann_on_three] {
        let Outgoing::Frame(text) = next(receiver).await else {
            panic!("a frame")
        };
        assert_eq!(serde_json::from_str::<Frame>(&text).unwrap(), frame);
    }

    // A sign-out closes the agent's sockets everywhere.
    let mut carol_on_three = socket(&three.hub, "carol");
    two.hub.sign_out("carol", "deactivated");
    assert!(
        matches!(next(&mut carol_on_three).await, Outgoing::Close(SIGNED_OUT_CLOSE_CODE, reason) if reason == "deactivated")
    );

    // A later push proves nothing else was queued: each node delivered the first one once,
    // the publishing node did not deliver its own envelope again, and nobody else got it.
    let second = Frame {
        service: 45,
        body: serde_json::json!({ "seq": 8 }),
    };
    three.hub.push("ann", &second);
    for receiver in [&mut ann_on_one, &mut ann_on_two, &mut ann_on_three] {
        let Outgoing::Frame(text) = next(receiver).await else {
            panic!("a frame")
        };
        assert_eq!(
            serde_json::from_str::<Frame>(&text).unwrap(),
            second,
            "not the first again"
        );
    }
    assert!(bob_on_two.try_recv().is_err());
    assert!(
        ann_elsewhere.try_recv().is_err(),
        "another prefix hears nothing"
    );
    assert!(
        one.metrics
            .render(&Default::default())
            .contains("parlor_bus_seconds_count{node=\"one\",op=\"publish\"} 1")
    );
    let _ = two.metrics;
}
