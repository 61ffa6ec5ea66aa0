//! The operator's commands for scripts (`parlor portal list`, `parlor agent add`, `parlor agent
//! reset-password`), each answering a value that `main.rs` prints as text or JSON.

use serde::Serialize;

use crate::auth::hash_password;
use crate::ids::{random_hex, random_password};
use crate::store::{Agent, AuditNote, ChangeError, NewAgent, Role, Store, StoreError};

/// The actor of changes made from the command line, in the audit log.
pub const OPERATOR: &str = "operator";

/// A portal in `parlor portal list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortalSummary {
    pub portal_id: String,
    pub name: String,
    pub widget_key: String,
    pub agents: usize,
    pub admins: Vec<String>,
}

/// An agent's sign-in, as `agent add` and `agent reset-password` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Login {
    pub user_id: String,
    pub portal_id: String,
    pub email: String,
    pub role: Role,
    /// A generated password, to be changed at first sign-in.
    pub password: String,
}

/// Why an operator command failed, in words for the terminal.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Every portal with its agent count and admins' emails.
pub async fn portals(store: &dyn Store) -> Result<Vec<PortalSummary>, StoreError> {
    let mut list = Vec::new();
    for portal in store.portals().await? {
        let agents = store.agents(&portal.id).await?;
        list.push(PortalSummary {
            admins: agents
                .iter()
                .filter(|a| a.is_admin() && a.active)
                .map(|a| a.email.clone())
                .collect(),
            agents: agents.len(),
            portal_id: portal.id,
            name: portal.name,
            widget_key: portal.widget_key,
        });
    }
    Ok(list)
}

/// Adds an agent (or admin) serving every queue of the portal, with a generated password.
pub async fn add_agent(
    store: &dyn Store,
    portal_id: &str,
    email: &str,
    admin: bool,
) -> Result<Login, OperatorError> {
    let email = email.trim().to_lowercase();
    if !parlor_protocol::looks_like_email(&email) || crate::mail::mailbox(&email).is_err() {
        return Err(OperatorError::Refused(format!(
            "{email} is not an email address"
        )));
    }
    let portal = store
        .portal(portal_id)
        .await?
        .ok_or_else(|| OperatorError::Refused(format!("no portal {portal_id}")))?;
    let password = random_password(16);
    let name = email.split('@').next().unwrap_or("Agent");
    let agent = Agent {
        password_hash: hash_password(&password),
        role: if admin { Role::Admin } else { Role::Agent },
        max_chats: portal.agent_max_serve,
        ..Agent::new(
            &format!("agent-{}", random_hex(6)),
            &portal.id,
            &email,
            name,
        )
    };
    let queues = store
        .queues(&portal.id)
        .await?
        .into_iter()
        .map(|q| q.id)
        .collect();
    let note = AuditNote::new(
        OPERATOR,
        "agent.create",
        &agent.user_id,
        serde_json::json!({ "email": email, "role": agent.role }),
    );
    store
        .create_agent(
            &NewAgent {
                agent: agent.clone(),
                queues,
            },
            &note,
        )
        .await
        .map_err(|e| match e {
            ChangeError::Taken => OperatorError::Refused(format!("{email} is already an agent")),
            ChangeError::NotFound => OperatorError::Refused("a queue vanished".into()),
            ChangeError::Store(e) => OperatorError::Store(e),
        })?;
    Ok(Login {
        user_id: agent.user_id,
        portal_id: portal.id,
        email,
        role: agent.role,
        password,
    })
}

/// Gives the agent with this email a new generated password (and reactivates nothing).
pub async fn reset_password(store: &dyn Store, email: &str) -> Result<Login, OperatorError> {
    let mut agent = store
        .agent_by_email(email.trim())
        .await?
        .ok_or_else(|| OperatorError::Refused(format!("no agent signs in as {email}")))?;
    let password = random_password(16);
    agent.password_hash = hash_password(&password);
    let note = AuditNote::new(
        OPERATOR,
        "agent.reset_password",
        &agent.user_id,
        serde_json::json!({}),
    );
    store
        .update_agent(&agent, None, &note)
        .await
        .map_err(|e| match e {
            ChangeError::Store(e) => OperatorError::Store(e),
            other => OperatorError::Refused(other.to_string()),
        })?;
    Ok(Login {
        user_id: agent.user_id,
        portal_id: agent.portal_id,
        email: agent.email,
        role: agent.role,
        password,
    })
}
