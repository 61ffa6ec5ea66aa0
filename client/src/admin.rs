//! The admin API and an agent's own account, for the console's Settings pages: thin calls that
//! answer the server's JSON (`{"r":0, …}`) or its error (`{r, msg}`) as an [`Error`].
//!
//! Every call takes the agent's token; the server decides from it who may do what, so a
//! console shows Settings to admins only as a courtesy.

use gloo_net::http::{Method, RequestBuilder};
use serde_json::Value;

use crate::Error;
use crate::chat::{ClientConfig, decode_response};

/// Calls of the admin REST API (`/v1/admin/…`) and `/v1/agent/me`.
#[derive(Debug, Clone)]
pub struct Admin {
    config: ClientConfig,
    token: String,
}

impl Admin {
    /// Calls the server named by `config` with an agent's `token`.
    pub fn new(config: ClientConfig, token: &str) -> Self {
        Self {
            config,
            token: token.to_string(),
        }
    }

    /// Sends `method path` with an optional JSON body; answers the whole JSON reply.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        let url = format!("{}{path}", self.config.api_base);
        let request = RequestBuilder::new(&url)
            .method(method)
            .header("Authorization", &format!("Bearer {}", self.token));
        let sent = match body {
            Some(body) => {
                request
                    .json(body)
                    .map_err(|e| Error::new(Error::INVALID_VALUE, e.to_string()))?
                    .send()
                    .await
            }
            None => request.send().await,
        };
        decode_response(sent).await
    }

    /// `GET path`, answering the reply's `field` (the whole reply when `field` is empty).
    pub async fn get(&self, path: &str, field: &str) -> Result<Value, Error> {
        let reply = self.call(Method::GET, path, None).await?;
        if field.is_empty() {
            return Ok(reply);
        }
        Ok(reply.get(field).cloned().unwrap_or(Value::Null))
    }

    /// `PATCH path` with `body`.
    pub async fn patch(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.call(Method::PATCH, path, Some(body)).await
    }

    /// `POST path` with `body`.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.call(Method::POST, path, Some(body)).await
    }

    /// `PUT path` with `body`.
    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.call(Method::PUT, path, Some(body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Result<Value, Error> {
        self.call(Method::DELETE, path, None).await
    }
}

/// Sets an invited agent's first password (`POST /v1/agent/invitation`); answers their email.
pub async fn accept_invitation(
    config: &ClientConfig,
    token: &str,
    password: &str,
) -> Result<String, Error> {
    let url = format!("{}/v1/agent/invitation", config.api_base);
    let body = serde_json::json!({ "token": token, "password": password });
    let request = RequestBuilder::new(&url)
        .method(Method::POST)
        .json(&body)
        .map_err(|e| Error::new(Error::INVALID_VALUE, e.to_string()))?;
    let reply: Value = decode_response(request.send().await).await?;
    Ok(reply
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string())
}
