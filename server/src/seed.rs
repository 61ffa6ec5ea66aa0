//! `parlor init`: the data folder, its database, and a demo portal to try Parlor with; or,
//! with `--portal`, a real portal for an owner's site ([`init_portal`]).
//!
//! The facts of the demo portal, passwords included, are written first to
//! `initial-credentials.json` in the data folder (readable by its owner only), then the portal
//! is created from them. Running init again reads the file back and creates nothing new, so it
//! prints the same facts; a run interrupted between the two steps completes on the next one.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::auth::hash_password;
use crate::ids::{random_hex, random_password};
use crate::store::{Agent, ApiKey, Database, NewPortal, Portal, Queue, Role, StoreError};

/// File name of the database inside the data folder.
pub const DATABASE_FILE: &str = "parlor.db";
/// File name of the demo portal's facts inside the data folder.
pub const CREDENTIALS_FILE: &str = "initial-credentials.json";

/// What `parlor init --json` prints: everything needed to embed the widget and sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitReport {
    /// The key the widget's script tag carries.
    pub widget_key: String,
    /// The API key SID (a token's `iss`).
    pub api_key_sid: String,
    /// The API key secret, for a site's backend to mint visitor tokens (identity verification).
    pub api_key_secret: String,
    /// The demo queues.
    pub queues: Vec<ReportQueue>,
    /// The demo agents and their initial passwords.
    pub agents: Vec<ReportAgent>,
}

/// A queue in the [`InitReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQueue {
    /// Queue id.
    pub id: String,
    /// Queue name.
    pub name: String,
}

/// An agent in the [`InitReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAgent {
    /// The agent's user id.
    pub user_id: String,
    /// Login email.
    pub email: String,
    /// Initial password (the store keeps only its hash).
    pub password: String,
}

/// Why init failed.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The data folder or the credentials file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The credentials file is not valid JSON of the expected shape.
    #[error("{path} is damaged: {source}")]
    Credentials {
        /// The file.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The folder holds a portal but not the file that records its credentials.
    #[error(
        "{0} already holds a Parlor database but not its {CREDENTIALS_FILE}; \
         init will not create a second demo portal beside the first"
    )]
    CredentialsMissing(PathBuf),
    /// A name or an email given on the command line is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates (or finds) the data folder, its SQLite database and its demo portal, and reports its
/// facts.
pub async fn init(data_dir: &Path) -> Result<InitReport, InitError> {
    init_in(data_dir, &Database::Sqlite(data_dir.join(DATABASE_FILE))).await
}

/// [`init`] with the records in `database` (the data folder still keeps the demo's
/// credentials, uploaded files and the mail outbox).
pub async fn init_in(data_dir: &Path, database: &Database) -> Result<InitReport, InitError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
    let store = database.open().await?;
    let credentials = data_dir.join(CREDENTIALS_FILE);

    let report = match std::fs::read(&credentials) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| InitError::Credentials {
            path: credentials.clone(),
            source,
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if store.first_portal().await?.is_some() {
                return Err(InitError::CredentialsMissing(data_dir.to_path_buf()));
            }
            let report = new_demo_report();
            write_private(&credentials, &report).map_err(io(&credentials))?;
            report
        }
        Err(e) => return Err(io(&credentials)(e)),
    };

    if store
        .portal_by_widget_key(&report.widget_key)
        .await?
        .is_none()
    {
        store.create_portal(&demo_portal(&report)).await?;
    }
    store.close().await;
    Ok(report)
}

/// What `parlor init --portal NAME --admin-email E --json` prints: the new portal and its one
/// admin, whose generated password is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalReport {
    pub portal_id: String,
    /// The key the widget's script tag carries.
    pub widget_key: String,
    /// The portal's API key SID and secret, for a site's backend (identity verification).
    pub api_key_sid: String,
    pub api_key_secret: String,
    /// The admin who signs in to the console.
    pub admin: ReportAdmin,
}

/// The admin in a [`PortalReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAdmin {
    pub user_id: String,
    pub email: String,
    /// Generated; the admin is told to change it.
    pub password: String,
}

/// Creates the data folder and database if needed, and in it a new portal named `name` with
/// one queue, "General", served by its one admin, and a fresh API key. A folder that already
/// holds portals gets one more.
pub async fn init_portal(
    data_dir: &Path,
    database: &Database,
    name: &str,
    admin_email: &str,
    admin_name: Option<&str>,
) -> Result<PortalReport, InitError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(InitError::Invalid(
            "--portal must be a name of 1 to 100 characters".into(),
        ));
    }
    let email = admin_email.trim().to_lowercase();
    if !parlor_protocol::looks_like_email(&email) || crate::mail::mailbox(&email).is_err() {
        return Err(InitError::Invalid(format!(
            "--admin-email: {email} is not an email address"
        )));
    }
    std::fs::create_dir_all(data_dir).map_err(|source| InitError::Io {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let store = database.open().await?;
    if store.agent_by_email(&email).await?.is_some() {
        store.close().await;
        return Err(InitError::Invalid(format!(
            "{email} is already an agent on this server; choose another admin email"
        )));
    }
    let widget_key = random_hex(16);
    let key = ApiKey {
        sid: format!("SK{}", random_hex(16)),
        secret: random_hex(32),
    };
    let password = random_password(16);
    let display = admin_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or("Admin"));
    let admin = Agent {
        password_hash: hash_password(&password),
        role: Role::Admin,
        ..Agent::new(&format!("agent-{}", random_hex(6)), "", &email, display)
    };
    let portal_id = format!("portal-{}", random_hex(6));
    let new = NewPortal {
        portal: Portal {
            visitor_secret: random_hex(32),
            ..Portal::new(&portal_id, &widget_key, name)
        },
        api_key: key.clone(),
        queues: vec![Queue {
            id: format!("q{}", random_hex(6)),
            name: "General".into(),
        }],
        agents: vec![admin.clone()],
    };
    store.create_portal(&new).await?;
    store.close().await;
    Ok(PortalReport {
        portal_id,
        widget_key,
        api_key_sid: key.sid,
        api_key_secret: key.secret,
        admin: ReportAdmin {
            user_id: admin.user_id,
            email,
            password,
        },
    })
}

fn new_demo_report() -> InitReport {
    InitReport {
        widget_key: random_hex(16),
        api_key_sid: format!("SK{}", random_hex(16)),
        api_key_secret: random_hex(32),
        queues: ["Sales", "Support"]
            .into_iter()
            .map(|name| ReportQueue {
                id: format!("q{}", random_hex(6)),
                name: name.to_string(),
            })
            .collect(),
        agents: ["alice", "bob"]
            .into_iter()
            .map(|name| ReportAgent {
                user_id: format!("agent-{}", random_hex(6)),
                email: format!("{name}@example.com"),
                password: random_password(16),
            })
            .collect(),
    }
}

fn demo_portal(report: &InitReport) -> NewPortal {
    let id = format!("portal-{}", &report.widget_key[..12]);
    NewPortal {
        portal: Portal {
            visitor_secret: report.api_key_secret.clone(),
            ..Portal::new(&id, &report.widget_key, "Parlor Demo")
        },
        api_key: ApiKey {
            sid: report.api_key_sid.clone(),
            secret: report.api_key_secret.clone(),
        },
        queues: report
            .queues
            .iter()
            .map(|q| Queue {
                id: q.id.clone(),
                name: q.name.clone(),
            })
            .collect(),
        agents: report
            .agents
            .iter()
            .enumerate()
            .map(|(order, a)| {
                let first = a.email.split('@').next().unwrap_or("agent");
                let mut display = first.to_string();
                display[..1].make_ascii_uppercase();
                Agent {
                    password_hash: hash_password(&a.password),
                    // The first demo agent runs the demo portal's settings.
                    role: if order == 0 { Role::Admin } else { Role::Agent },
                    // create_portal puts each agent in the new portal
                    ..Agent::new(&a.user_id, "", &a.email, &display)
                }
            })
            .collect(),
    }
}

/// Writes `value` as JSON to `path`, readable and writable by the owner only.
fn write_private(path: &Path, value: &InitReport) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    let json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    file.write_all(&json)?;
    file.sync_all()
}
