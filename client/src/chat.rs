//! The customer REST calls (Stringee's `StringeeChat`): chat profile, and the calls a visitor
//! makes before it has a token.

use gloo_net::http::Request;
use parlor_protocol::R_OK;
use parlor_protocol::rest::{CHAT_PROFILE_PATH, ChatProfileReply, RestError};
use serde::de::DeserializeOwned;

use crate::Error;

/// Where the SDK finds the server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientConfig {
    /// Base URL of the REST API, without a trailing slash: `https://chat.example.com` for a
    /// Parlor server, `https://api.stringeex.com` for a StringeeX portal, or empty for the
    /// origin that served the page.
    pub api_base: String,
}

impl ClientConfig {
    /// A configuration whose REST calls go to `api_base`.
    pub fn new(api_base: impl Into<String>) -> Self {
        let mut api_base = api_base.into();
        while api_base.ends_with('/') {
            api_base.pop();
        }
        Self { api_base }
    }
}

/// The customer-side REST calls.
#[derive(Debug, Clone)]
pub struct Chat {
    config: ClientConfig,
}

impl Chat {
    /// A `Chat` that calls the server named by `config`.
    pub fn new(config: ClientConfig) -> Self {
        Self { config }
    }

    /// The portal's live chat settings and its queues (Stringee's `getChatProfile`).
    pub async fn get_chat_profile(&self, widget_key: &str) -> Result<ChatProfileReply, Error> {
        if widget_key.trim().is_empty() {
            return Err(Error::new(Error::INVALID_VALUE, "the widget key is empty"));
        }
        let url = format!("{}{}", self.config.api_base, CHAT_PROFILE_PATH);
        get_json(Request::get(&url).query([("key", widget_key)])).await
    }
}

/// What agent sign-in answers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct AgentSession {
    /// The token to connect with.
    pub access_token: String,
    /// The agent's user id.
    #[serde(rename = "userId")]
    pub user_id: String,
}

/// Agents' REST calls.
#[derive(Debug, Clone)]
pub struct Agent {
    config: ClientConfig,
}

impl Agent {
    /// An `Agent` that calls the server named by `config`.
    pub fn new(config: ClientConfig) -> Self {
        Self { config }
    }

    /// Signs in with email and password (`POST /v1/agent/login`, a Parlor extension).
    pub async fn login(&self, email: &str, password: &str) -> Result<AgentSession, Error> {
        let url = format!("{}/v1/agent/login", self.config.api_base);
        let body = serde_json::json!({ "email": email, "password": password });
        let request = Request::post(&url)
            .json(&body)
            .map_err(|e| Error::new(Error::INVALID_VALUE, e.to_string()))?;
        decode_response(request.send().await).await
    }
}

/// Sends a GET and decodes Stringee's answer: `r == 0` and the payload, or `{r, msg}`.
async fn get_json<T: DeserializeOwned>(
    request: gloo_net::http::RequestBuilder,
) -> Result<T, Error> {
    decode_response(request.send().await).await
}

/// Decodes Stringee's answer to a sent request: `r == 0` and the payload, or `{r, msg}`.
async fn decode_response<T: DeserializeOwned>(
    sent: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<T, Error> {
    let response = sent.map_err(|e| {
        Error::new(
            Error::NOT_CONNECTED,
            format!("the server could not be reached: {e}"),
        )
    })?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.map_err(|e| {
        Error::new(
            Error::INVALID_VALUE,
            format!("the server answered HTTP {status} without JSON: {e}"),
        )
    })?;
    decode(body)
}

fn decode<T: DeserializeOwned>(body: serde_json::Value) -> Result<T, Error> {
    let r = body
        .get("r")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(-1);
    if r != i64::from(R_OK) {
        return Err(match serde_json::from_value::<RestError>(body) {
            Ok(e) => Error::new(e.r, e.msg),
            Err(_) => Error::new(
                Error::INVALID_VALUE,
                "the server answered an error without a message",
            ),
        });
    }
    serde_json::from_value(body)
        .map_err(|e| Error::new(Error::INVALID_VALUE, format!("unexpected answer: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_answers_keep_the_servers_code_and_message() {
        let body = serde_json::json!({"r": 2, "msg": "no portal has this widget key"});
        let err = decode::<ChatProfileReply>(body).unwrap_err();
        assert_eq!(err, Error::new(2, "no portal has this widget key"));
    }

    #[test]
    fn trailing_slashes_are_dropped_from_the_base() {
        assert_eq!(
            ClientConfig::new("https://a.example//").api_base,
            "https://a.example"
        );
    }
}
