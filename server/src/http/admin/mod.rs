//! The admin REST API (`/v1/admin/…`): one module per resource, all behind [`Admin`], the one
//! authorization extractor. The caller's role and portal come from their token and the store,
//! never from the request, and every query is confined to that portal: another portal's ids
//! answer 404, as ids that do not exist.

mod agents;
mod api_keys;
mod audit;
pub mod check;
pub mod labels;
mod portal;
mod queues;
mod reports;
mod visitor_data;
mod webhooks;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use utoipa_axum::router::OpenApiRouter;

use super::caller::Caller;
use crate::AppState;
use crate::error::ApiError;
use crate::store::{AuditNote, ChangeError};

/// Largest admin request body: the biggest setting (a full pre-chat form) is a few KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The admin routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(portal::router())
        .merge(queues::router())
        .merge(agents::router())
        .merge(api_keys::router())
        .merge(audit::router())
        .merge(labels::router())
        .merge(visitor_data::router())
        .merge(reports::router())
        .merge(webhooks::router())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// An admin of a portal, from a verified token: the only way into an admin route.
#[derive(Debug, Clone)]
pub struct Admin {
    /// The admin's user id.
    pub user_id: String,
    /// Their portal: every admin call reads and changes this portal only.
    pub portal_id: String,
}

impl Admin {
    /// The audit note of a change this admin makes.
    pub fn note(&self, action: &str, target: &str, detail: serde_json::Value) -> AuditNote {
        AuditNote::new(&self.user_id, action, target, detail)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if !caller.admin {
            return Err(ApiError::NotPermitted(
                "only the portal's admins may do this".into(),
            ));
        }
        Ok(Admin {
            user_id: caller.user_id,
            portal_id: caller.portal_id,
        })
    }
}

/// The answer to a change the store refused: `what` names what was not found or is taken.
pub fn refused(error: ChangeError, not_found: &str, taken: &str) -> ApiError {
    match error {
        ChangeError::NotFound => ApiError::NotFound(not_found.into()),
        ChangeError::Taken => ApiError::Conflict(taken.into()),
        ChangeError::Store(error) => ApiError::Internal(error),
    }
}
