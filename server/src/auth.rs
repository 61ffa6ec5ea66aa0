//! Agents' passwords (Argon2id, PHC strings).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// The stored hash of an agent who has no password yet (invited): no password matches it.
pub const NO_PASSWORD: &str = "!";

/// Hashes `password` with a fresh random salt, as a PHC string for the store.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random generator failed");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt length");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters accepts any password")
        .to_string()
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_password_matches_and_a_wrong_one_does_not() {
        let phc = hash_password("correct horse");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("correct horsE", &phc));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}

/// Who a verified access token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The token's claims, signature and expiry checked.
    pub claims: crate::token::Claims,
    /// The portal of the API key that signed it.
    pub portal_id: String,
}

/// Why a token was not accepted: its own fault (with Stringee's code), or the store's.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Token(#[from] crate::token::TokenError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Decodes `raw`, finds its API key, and checks signature and expiry: the one check behind
/// AUTHEN and every REST call that takes a token.
pub async fn verify_token(
    store: &dyn crate::store::Store,
    raw: &str,
) -> Result<Verified, VerifyError> {
    let unverified = crate::token::decode(raw)?;
    let (key, portal_id) = store
        .api_key(&unverified.claims.iss)
        .await?
        .ok_or(crate::token::TokenError::UnknownKey)?;
    let claims = unverified.verify(&key.secret, crate::token::now_secs())?;
    Ok(Verified { claims, portal_id })
}
