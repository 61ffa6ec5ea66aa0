//! The caller of a REST call that needs a token: `X-STRINGEE-AUTH: <token>` (Stringee's
//! header) or `Authorization: Bearer <token>`. Tokens never travel in URLs, except in the one
//! call Stringee defines that way (`getStringeeServerAddress`).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::AppState;
use crate::auth::{VerifyError, verify_token};
use crate::error::ApiError;

/// Stringee's header for the access token on REST calls.
pub const AUTH_HEADER: &str = "x-stringee-auth";

/// A caller whose token was verified.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub portal_id: String,
    /// Whether the user is one of the portal's agents.
    pub agent: bool,
    /// Whether the user is one of the portal's admins (admins are agents too).
    pub admin: bool,
}

impl Caller {
    /// Verifies `raw` and says who it is.
    pub async fn from_token(state: &AppState, raw: &str) -> Result<Self, ApiError> {
        let verified = verify_token(state.store.as_ref(), raw)
            .await
            .map_err(|e| match e {
                VerifyError::Token(e) => ApiError::Unauthorized(e.to_string()),
                VerifyError::Store(e) => ApiError::Internal(e),
            })?;
        let agent = state
            .store
            .agent(&verified.claims.user_id)
            .await?
            .filter(|a| a.portal_id == verified.portal_id);
        if agent.as_ref().is_some_and(|a| !a.active) {
            return Err(ApiError::Unauthorized(
                "this agent account is deactivated".into(),
            ));
        }
        Ok(Self {
            user_id: verified.claims.user_id,
            portal_id: verified.portal_id,
            agent: agent.is_some(),
            admin: agent.is_some_and(|a| a.is_admin()),
        })
    }

    /// Refuses callers who are not agents.
    pub fn agent_only(self) -> Result<Self, ApiError> {
        if self.agent {
            Ok(self)
        } else {
            Err(ApiError::Forbidden("only agents may do this".into()))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header_text = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let raw = header_text(AUTH_HEADER)
            .or_else(|| {
                header_text(header::AUTHORIZATION.as_str()).and_then(|v| v.strip_prefix("Bearer "))
            })
            .ok_or_else(|| ApiError::Unauthorized("an access token is required".into()))?
            .trim()
            .to_string();
        Caller::from_token(state, &raw).await
    }
}
