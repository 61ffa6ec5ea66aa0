//! The operator's command line, run as the real `parlor` binary: `init --portal` for a real
//! site, `portal list`, `agent add`, `agent reset-password`, and hours in a time zone.

use std::path::Path;
use std::process::Output;

use parlor_server::seed::{self, DATABASE_FILE};
use parlor_server::store::sqlite::SqliteStore;
use parlor_server::store::{AdminStore, PortalStore};
use serde_json::Value;

fn parlor(data: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_parlor"))
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .unwrap()
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(
        text.trim().lines().count(),
        1,
        "exactly one JSON value: {text}"
    );
    serde_json::from_str(&text).unwrap()
}

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn init_with_a_portal_makes_a_real_portal_with_its_admin_and_adds_more_on_later_runs() {
    let data = tempfile::tempdir().unwrap();
    let first = json_of(&parlor(
        data.path(),
        &[
            "init",
            "--portal",
            "Acme Tea",
            "--admin-email",
            "Owner@Acme.example",
            "--json",
        ],
    ));
    assert_eq!(
        keys(&first),
        [
            "admin",
            "api_key_secret",
            "api_key_sid",
            "portal_id",
            "widget_key"
        ]
    );
    assert_eq!(keys(&first["admin"]), ["email", "password", "user_id"]);
    assert_eq!(first["admin"]["email"], "owner@acme.example");

    let store = SqliteStore::open(&data.path().join(DATABASE_FILE))
        .await
        .unwrap();
    let portal_id = first["portal_id"].as_str().unwrap();
    let portal = store.portal(portal_id).await.unwrap().unwrap();
    assert_eq!(portal.name, "Acme Tea");
    let queues = store.queue_details(portal_id).await.unwrap();
    assert_eq!(queues.len(), 1);
    assert_eq!(queues[0].name, "General");
    let admin = first["admin"]["user_id"].as_str().unwrap();
    assert_eq!(queues[0].members, [admin]);
    let agents = store.agents(portal_id).await.unwrap();
    assert_eq!(agents.len(), 1);
    assert!(agents[0].is_admin());
    assert!(parlor_server::auth::verify_password(
        first["admin"]["password"].as_str().unwrap(),
        &agents[0].password_hash
    ));
    let (key, key_portal) = store
        .api_key(first["api_key_sid"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (key.secret.as_str(), key_portal.as_str()),
        (first["api_key_secret"].as_str().unwrap(), portal_id)
    );

    // Without --json the same facts are told in words, with the advice to change the password.
    let second = parlor(
        data.path(),
        &[
            "init",
            "--portal",
            "Bean Shop",
            "--admin-email",
            "boss@bean.example",
            "--admin-name",
            "Bea",
        ],
    );
    assert!(second.status.success());
    let text = String::from_utf8_lossy(&second.stdout);
    assert!(text.contains("boss@bean.example"), "{text}");
    assert!(text.contains("change"), "{text}");
    // An email already in use, or a missing admin email, is refused.
    let taken = parlor(
        data.path(),
        &[
            "init",
            "--portal",
            "Other",
            "--admin-email",
            "owner@acme.example",
        ],
    );
    assert!(!taken.status.success());
    assert!(
        !parlor(data.path(), &["init", "--portal", "Other"])
            .status
            .success()
    );

    let list = json_of(&parlor(data.path(), &["portal", "list", "--json"]));
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Acme Tea", "Bean Shop"]);
    assert_eq!(list[0]["admins"][0], "owner@acme.example");
}

#[tokio::test]
async fn operators_add_agents_and_reset_passwords_from_scripts() {
    let data = tempfile::tempdir().unwrap();
    let facts = parlor_server::seed::init(data.path()).await.unwrap();
    let store = SqliteStore::open(&data.path().join(DATABASE_FILE))
        .await
        .unwrap();
    let portal = store.first_portal().await.unwrap().unwrap();
    // The demo portal's first agent is its admin.
    let agents = store.agents(&portal.id).await.unwrap();
    assert!(agents[0].is_admin() && !agents[1].is_admin());

    let added = json_of(&parlor(
        data.path(),
        &[
            "agent",
            "add",
            "--portal",
            &portal.id,
            "--email",
            "dan@example.com",
            "--admin",
            "--json",
        ],
    ));
    assert_eq!(
        keys(&added),
        ["email", "password", "portal_id", "role", "user_id"]
    );
    assert_eq!(added["role"], "admin");
    let dan = store
        .agent_by_email("dan@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(dan.is_admin());
    let (queues, _) = store.agent_queues(&dan.user_id).await.unwrap();
    assert_eq!(queues.len(), 2, "a new agent serves every queue");
    assert!(
        !parlor(
            data.path(),
            &[
                "agent",
                "add",
                "--portal",
                "nope",
                "--email",
                "x@example.com"
            ]
        )
        .status
        .success()
    );
    assert!(
        !parlor(
            data.path(),
            &[
                "agent",
                "add",
                "--portal",
                &portal.id,
                "--email",
                "dan@example.com"
            ]
        )
        .status
        .success()
    );

    let reset = json_of(&parlor(
        data.path(),
        &[
            "agent",
            "reset-password",
            "--email",
            &facts.agents[1].email,
            "--json",
        ],
    ));
    let bob = store
        .agent_by_email(&facts.agents[1].email)
        .await
        .unwrap()
        .unwrap();
    assert!(parlor_server::auth::verify_password(
        reset["password"].as_str().unwrap(),
        &bob.password_hash
    ));
    assert!(!parlor_server::auth::verify_password(
        &facts.agents[1].password,
        &bob.password_hash
    ));
    let log = store.audit_log(&portal.id, None, 10).await.unwrap();
    assert_eq!(log[0].action, "agent.reset_password");
    assert_eq!(log[0].actor, "operator");
}

#[tokio::test]
async fn configure_takes_business_hours_in_a_time_zone() {
    let data = tempfile::tempdir().unwrap();
    parlor_server::seed::init(data.path()).await.unwrap();
    let done = parlor(
        data.path(),
        &[
            "configure",
            "--business-hours",
            "Mon-Fri 09:00-17:00 Asia/Ho_Chi_Minh",
        ],
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let refused = parlor(
        data.path(),
        &[
            "configure",
            "--business-hours",
            "Mon-Fri 09:00-17:00 Mars/Base",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Mars/Base"));
}

#[tokio::test]
async fn parlor_backup_copies_the_database_while_it_is_open_and_never_overwrites() {
    let data = tempfile::tempdir().unwrap();
    let facts = seed::init(data.path()).await.unwrap();
    // The server's own connection stays open meanwhile, as a running server's would.
    let open = SqliteStore::open(&data.path().join(DATABASE_FILE))
        .await
        .unwrap();
    let copy = data.path().join("copy.db");
    let backup = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_parlor"))
            .args(["backup", "--data"])
            .arg(data.path())
            .arg("--to")
            .arg(&copy)
            .output()
            .unwrap()
    };
    let done = backup();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let copied = SqliteStore::open(&copy).await.unwrap();
    let portal = copied.first_portal().await.unwrap().unwrap();
    assert_eq!(portal.widget_key, facts.widget_key);
    assert_eq!(copied.agents(&portal.id).await.unwrap().len(), 2);
    copied.close().await;
    let again = backup();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    open.close().await;
}
