//! `parlor init`: the demo portal, its facts, and idempotence.

use parlor_server::seed::{self, CREDENTIALS_FILE, DATABASE_FILE};
use parlor_server::store::sqlite::SqliteStore;
use parlor_server::store::{AdminStore, PortalStore};

#[tokio::test]
async fn init_reports_the_documented_shape_and_the_same_facts_when_run_again() {
    let data = tempfile::tempdir().unwrap();
    let first = seed::init(data.path()).await.unwrap();

    let json = serde_json::to_value(&first).unwrap();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "agents",
            "api_key_secret",
            "api_key_sid",
            "queues",
            "widget_key"
        ]
    );
    assert_eq!(json["queues"].as_array().unwrap().len(), 2);
    for queue in json["queues"].as_array().unwrap() {
        let mut fields: Vec<&str> = queue
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort();
        assert_eq!(fields, ["id", "name"]);
    }
    assert_eq!(json["agents"].as_array().unwrap().len(), 2);
    for agent in json["agents"].as_array().unwrap() {
        let mut fields: Vec<&str> = agent
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort();
        assert_eq!(fields, ["email", "password", "user_id"]);
    }
    assert!(first.api_key_sid.starts_with("SK"));

    let again = seed::init(data.path()).await.unwrap();
    assert_eq!(again, first);

    let store = SqliteStore::open(&data.path().join(DATABASE_FILE))
        .await
        .unwrap();
    let portal = store.first_portal().await.unwrap().unwrap();
    assert_eq!(portal.widget_key, first.widget_key);
    assert_eq!(
        store.queues(&portal.id).await.unwrap().len(),
        2,
        "no second set of queues"
    );
    let agents = store.agents(&portal.id).await.unwrap();
    assert_eq!(agents.len(), 2, "no second set of agents");
    // The store keeps hashes, and they match the reported passwords.
    for (agent, reported) in agents.iter().zip(&first.agents) {
        assert_eq!(agent.user_id, reported.user_id);
        assert_ne!(agent.password_hash, reported.password);
        assert!(parlor_server::auth::verify_password(
            &reported.password,
            &agent.password_hash
        ));
    }
    // One key for the site (the reported one); Parlor's own signing key is not listed.
    let keys = store.api_key_list(&portal.id).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].sid, first.api_key_sid);
    let (key, _) = store.api_key(&first.api_key_sid).await.unwrap().unwrap();
    assert_eq!(key.secret, first.api_key_secret);
}

#[cfg(unix)]
#[tokio::test]
async fn the_credentials_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let data = tempfile::tempdir().unwrap();
    seed::init(data.path()).await.unwrap();
    let mode = std::fs::metadata(data.path().join(CREDENTIALS_FILE))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn a_database_without_its_credentials_file_is_not_seeded_twice() {
    let data = tempfile::tempdir().unwrap();
    seed::init(data.path()).await.unwrap();
    std::fs::remove_file(data.path().join(CREDENTIALS_FILE)).unwrap();
    let error = seed::init(data.path()).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("will not create a second demo portal"),
        "{error}"
    );
}

#[tokio::test]
async fn parlor_configure_changes_hours_origins_and_timeouts_and_refuses_nonsense() {
    let data = tempfile::tempdir().unwrap();
    let facts = seed::init(data.path()).await.unwrap();
    let configure = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_parlor"))
            .arg("configure")
            .arg("--data")
            .arg(data.path())
            .args(args)
            .output()
            .unwrap()
    };
    let refused = configure(&["--business-hours", "Funday 09:00-17:00"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Funday"));
    assert!(!configure(&["--queue", "Sales"]).status.success());
    assert!(
        !configure(&["--queue", "Nope", "--queue-timeout", "5"])
            .status
            .success()
    );

    let done = configure(&[
        "--business-hours",
        "Mon-Fri 09:00-17:00 UTC+07:00",
        "--allowed-origins",
        "https://shop.example.com",
        "--queue",
        "sales",
        "--answer-timeout",
        "20",
        "--queue-timeout",
        "90",
    ]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let store = SqliteStore::open(&data.path().join(DATABASE_FILE))
        .await
        .unwrap();
    let portal = store.first_portal().await.unwrap().unwrap();
    assert_eq!(portal.business_hours, "Mon-Fri 09:00-17:00 UTC+07:00");
    assert_eq!(portal.allowed_origins, "https://shop.example.com");
    let sales = store
        .queue(&portal.id, &facts.queues[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (sales.answer_timeout_ms, sales.queue_timeout_ms),
        (20_000, 90_000)
    );
}

#[tokio::test]
async fn a_new_portals_agents_may_serve_the_portals_number_of_chats_in_every_queue() {
    use parlor_server::store::{Agent, ApiKey, NewPortal, Portal, Queue};
    let data = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&data.path().join(DATABASE_FILE))
        .await
        .unwrap();
    let queue = |id: &str| Queue {
        id: id.into(),
        name: id.into(),
    };
    store
        .create_portal(&NewPortal {
            portal: Portal {
                agent_max_serve: 7,
                ..Portal::new("p1", "k1", "Busy")
            },
            api_key: ApiKey {
                sid: "SK1".into(),
                secret: "s".into(),
            },
            queues: vec![queue("q1"), queue("q2")],
            agents: vec![Agent::new("a1", "", "a1@example.com", "A")],
        })
        .await
        .unwrap();
    let (mut queues, max_chats) = store.agent_queues("a1").await.unwrap();
    queues.sort();
    assert_eq!(
        (queues, max_chats),
        (vec!["q1".to_string(), "q2".to_string()], 7)
    );
}
