//! Access tokens: JWT HS256 shaped like Stringee's, and the AUTHEN codes for each way one fails.
//!
//! Header `{"typ":"JWT","alg":"HS256","cty":"stringee-api;v=1"}`; payload `{jti, iss, exp,
//! userId}` where `iss` is the SID of the portal API key whose secret signs the token. Parlor
//! issues them to visitors (live chat token call) and agents (login); a site's own backend may
//! mint them with the API key secret (identity verification).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use parlor_protocol::socket::authen_code;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The header Parlor writes, as Stringee does.
const HEADER: &str = r#"{"typ":"JWT","alg":"HS256","cty":"stringee-api;v=1"}"#;

/// The claims Parlor reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Unique id of the token.
    pub jti: String,
    /// SID of the API key that signed it (names the portal).
    pub iss: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: i64,
    /// The user the token stands for.
    #[serde(rename = "userId")]
    pub user_id: String,
}

/// Why a token was refused; [`TokenError::code`] is the AUTHEN result code for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No token at all.
    #[error("access token is missing")]
    Missing,
    /// Not three base64url parts of JSON.
    #[error("access token cannot be decoded")]
    Undecodable,
    /// Decodes, but the header is not a JWT header.
    #[error("access token has an invalid format")]
    InvalidFormat,
    /// Signed with another algorithm than HS256.
    #[error("access token must use HS256")]
    NotHs256,
    /// `iss` names no API key on this server.
    #[error("API key SID not found")]
    UnknownKey,
    /// `exp` is in the past.
    #[error("access token is expired or invalid")]
    Expired,
    /// A required claim is missing or of the wrong type.
    #[error("access token payload is incorrect")]
    BadPayload,
    /// The signature does not match the key's secret.
    #[error("access token signature is invalid")]
    BadSignature,
}

impl TokenError {
    /// Stringee's AUTHEN result code for this failure.
    pub fn code(self) -> i32 {
        match self {
            TokenError::Missing => authen_code::TOKEN_MISSING,
            TokenError::Undecodable => authen_code::TOKEN_UNDECODABLE,
            TokenError::InvalidFormat => authen_code::TOKEN_INVALID_FORMAT,
            TokenError::NotHs256 => authen_code::TOKEN_NOT_HS256,
            TokenError::UnknownKey => authen_code::KEY_SID_NOT_FOUND,
            TokenError::Expired => authen_code::TOKEN_EXPIRED,
            TokenError::BadPayload => authen_code::PAYLOAD_INCORRECT,
            TokenError::BadSignature => authen_code::INVALID_SIGNATURE,
        }
    }
}

/// How long the tokens Parlor issues stay valid. A visitor's widget asks for a new one when a
/// reconnect answers code 6; an agent signs in again.
pub const VISITOR_TOKEN_LIFETIME_SECS: i64 = 24 * 3600;
/// See [`VISITOR_TOKEN_LIFETIME_SECS`].
pub const AGENT_TOKEN_LIFETIME_SECS: i64 = 12 * 3600;

/// A new token for `user_id`, signed with the API key `sid`/`secret`, valid for `lifetime_secs`.
pub fn issue(user_id: &str, sid: &str, secret: &str, lifetime_secs: i64) -> String {
    let claims = Claims {
        jti: crate::ids::random_hex(12),
        iss: sid.to_string(),
        exp: now_secs() + lifetime_secs,
        user_id: user_id.to_string(),
    };
    sign(&claims, secret)
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// A stable id derived from `input` with `secret` (HMAC-SHA256, 32 hex characters): knowing the
/// id does not reveal the input, and nobody without the secret can compute it.
pub fn derive_id(secret: &str, input: &str) -> String {
    mac(secret, input).finalize().into_bytes()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Signs `claims` with `secret`.
pub fn sign(claims: &Claims, secret: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(HEADER);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims serialize"));
    let signing_input = format!("{header}.{payload}");
    let signature = URL_SAFE_NO_PAD.encode(mac(secret, &signing_input).finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

fn mac(secret: &str, input: &str) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any size");
    mac.update(input.as_bytes());
    mac
}

/// A token whose shape has been checked but whose signature has not: its issuer names the key
/// to check it with.
#[derive(Debug)]
pub struct Unverified<'a> {
    /// The claims, as the token states them.
    pub claims: Claims,
    signing_input: &'a str,
    signature: Vec<u8>,
}

/// Decodes `token` without trusting it: the caller looks up the secret of `claims.iss`, then
/// calls [`Unverified::verify`].
pub fn decode(token: &str) -> Result<Unverified<'_>, TokenError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(TokenError::Missing);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Undecodable);
    };
    let decode_json = |part: &str| -> Result<serde_json::Value, TokenError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| TokenError::Undecodable)?;
        serde_json::from_slice(&bytes).map_err(|_| TokenError::Undecodable)
    };
    let header = decode_json(header)?;
    let alg = header
        .get("alg")
        .and_then(serde_json::Value::as_str)
        .ok_or(TokenError::InvalidFormat)?;
    if alg != "HS256" {
        return Err(TokenError::NotHs256);
    }
    let claims: Claims =
        serde_json::from_value(decode_json(payload)?).map_err(|_| TokenError::BadPayload)?;
    if claims.user_id.is_empty() || claims.iss.is_empty() {
        return Err(TokenError::BadPayload);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| TokenError::Undecodable)?;
    let signing_input = &token[..token.rfind('.').expect("three parts")];
    Ok(Unverified {
        claims,
        signing_input,
        signature,
    })
}

impl Unverified<'_> {
    /// Checks the signature with `secret`, then the expiry against `now` (Unix seconds).
    pub fn verify(self, secret: &str, now: i64) -> Result<Claims, TokenError> {
        mac(secret, self.signing_input)
            .verify_slice(&self.signature)
            .map_err(|_| TokenError::BadSignature)?;
        if self.claims.exp <= now {
            return Err(TokenError::Expired);
        }
        Ok(self.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            jti: "j1".into(),
            iss: "SKkey".into(),
            exp,
            user_id: "u1".into(),
        }
    }

    #[test]
    fn a_signed_token_verifies_with_its_secret_until_it_expires() {
        let token = sign(&claims(1_000), "secret");
        let header: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(token.split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(header["cty"], "stringee-api;v=1");
        assert_eq!(
            decode(&token).unwrap().verify("secret", 999).unwrap(),
            claims(1_000)
        );
        assert_eq!(
            decode(&token).unwrap().verify("secret", 1_000),
            Err(TokenError::Expired)
        );
        assert_eq!(
            decode(&token).unwrap().verify("other", 999),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn each_malformation_gets_its_own_code() {
        assert_eq!(decode("").unwrap_err().code(), 1);
        assert_eq!(decode("abc").unwrap_err().code(), 2);
        assert_eq!(decode("a.b.c").unwrap_err().code(), 2);
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode("{}")
        );
        assert_eq!(decode(&none).unwrap_err().code(), 4);
        let no_alg = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode("{}")
        );
        assert_eq!(decode(&no_alg).unwrap_err().code(), 3);
        let no_user = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(HEADER),
            URL_SAFE_NO_PAD.encode(r#"{"jti":"j","iss":"SK","exp":9}"#)
        );
        assert_eq!(decode(&no_user).unwrap_err().code(), 7);
    }

    #[test]
    fn a_tampered_payload_fails_the_signature() {
        let token = sign(&claims(1_000), "secret");
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&Claims {
                user_id: "agent".into(),
                ..claims(1_000)
            })
            .unwrap(),
        );
        parts[1] = &forged;
        let forged = parts.join(".");
        assert_eq!(
            decode(&forged).unwrap().verify("secret", 1),
            Err(TokenError::BadSignature)
        );
    }
}
