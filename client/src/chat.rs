//! The customer REST calls (Stringee's `StringeeChat`): chat profile, and the calls a visitor
//! makes before it has a token.

use gloo_net::http::Request;
use parlor_protocol::R_OK;
use parlor_protocol::read::{FromJson, some_text, text};
use parlor_protocol::rest::{CHAT_PROFILE_PATH, ChatProfileReply, RestError};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;

/// Where the SDK finds the server.
///
/// For a Parlor server, the base URL is enough: the socket is `ws(s)://…/ws` beside it. For a
/// StringeeX portal, set the REST base to `https://api.stringeex.com` and the socket to the
/// address its `getStringeeServerAddress` call answers (see [`Chat::get_server_address`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientConfig {
    /// Base URL of the REST API, without a trailing slash: `https://chat.example.com` for a
    /// Parlor server, `https://api.stringeex.com` for a StringeeX portal, or empty for the
    /// origin that served the page.
    pub api_base: String,
    /// The socket's URL; `None` derives it from `api_base` (`https://x` → `wss://x/ws`).
    pub socket: Option<String>,
    /// Several socket URLs (the nodes of a cluster), tried in turn when one cannot be reached;
    /// empty: the one above.
    pub sockets: Vec<String>,
    /// Prefix of this client's `localStorage` keys (its outbox); `parlor` by default. Give two
    /// clients on one page (a visitor and an agent in a test) different prefixes.
    pub storage: Option<String>,
}

impl ClientConfig {
    /// A configuration whose REST calls go to `api_base`.
    pub fn new(api_base: impl Into<String>) -> Self {
        let mut api_base = api_base.into();
        while api_base.ends_with('/') {
            api_base.pop();
        }
        Self {
            api_base,
            ..Self::default()
        }
    }

    /// The same, with the socket at `url` (`wss://…`).
    pub fn with_socket(mut self, url: impl Into<String>) -> Self {
        self.socket = Some(url.into());
        self
    }

    /// The same, with several socket URLs to try in turn (the nodes of a cluster, as the
    /// address call lists them).
    pub fn with_sockets(mut self, urls: Vec<String>) -> Self {
        self.sockets = urls;
        self
    }

    /// The socket URL to try at `turn` (0, 1, 2…): the listed ones in turn, else the one.
    pub fn socket_url_at(&self, turn: usize) -> String {
        match self.sockets.len() {
            0 => self.socket_url(),
            n => self.sockets[turn % n].clone(),
        }
    }

    /// The same, with its own `localStorage` prefix.
    pub fn with_storage(mut self, prefix: impl Into<String>) -> Self {
        self.storage = Some(prefix.into());
        self
    }

    /// The socket URL the client opens.
    pub fn socket_url(&self) -> String {
        if let Some(url) = &self.socket {
            return url.clone();
        }
        let base = if self.api_base.is_empty() {
            web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default()
        } else {
            self.api_base.clone()
        };
        // The scheme swapped by prefix: a substring search would bring its code to the wasm.
        match (base.strip_prefix("https://"), base.strip_prefix("http://")) {
            (Some(rest), _) => format!("wss://{rest}/ws"),
            (_, Some(rest)) => format!("ws://{rest}/ws"),
            _ => format!("{base}/ws"),
        }
    }

    /// The prefix of the client's `localStorage` keys.
    pub fn storage_prefix(&self) -> &str {
        self.storage.as_deref().unwrap_or("parlor")
    }
}

/// What a visitor leaves when nobody answered (Stringee's `createLiveChatTicket`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketRequest {
    /// The visitor's name.
    pub name: String,
    /// Where the answer goes.
    pub email: String,
    /// Optional phone number.
    pub phone: String,
    /// What they want.
    pub note: String,
    /// The browser's visitor id (the one given to [`Chat::get_live_chat_token`]).
    pub browser_id: String,
    /// The queue they had picked, if any.
    pub queue_id: Option<String>,
    /// Answers to the portal's pre-chat fields, a JSON object (a Parlor extension).
    pub fields: Option<String>,
}

/// The customer-side REST calls.
#[derive(Debug, Clone)]
pub struct Chat {
    pub(crate) config: ClientConfig,
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
        let body = get_json(Request::get(&url).query([("key", widget_key)])).await?;
        read(&body)
    }

    /// A visitor's access token (Stringee's `getLiveChatToken`). `browser_id` is an id the
    /// browser keeps (in `localStorage`): the same id stays the same visitor.
    pub async fn get_live_chat_token(
        &self,
        widget_key: &str,
        name: &str,
        email: &str,
        browser_id: &str,
    ) -> Result<String, Error> {
        let url = format!("{}/v1/chatcustomer", self.config.api_base);
        let request = Request::get(&url).query([
            ("key", widget_key),
            ("username", name),
            ("email", email),
            ("userId", browser_id),
        ]);
        let body = get_json(request).await?;
        some_text(&body, "access_token").ok_or_else(unexpected)
    }

    /// Leaves a ticket (Stringee's `createLiveChatTicket`); answers the ticket's id.
    pub async fn create_live_chat_ticket(
        &self,
        widget_key: &str,
        ticket: &TicketRequest,
    ) -> Result<String, Error> {
        let url = format!("{}/v1/chatcustomer/generateticket", self.config.api_base);
        let mut query = vec![
            ("key", widget_key),
            ("username", ticket.name.as_str()),
            ("email", ticket.email.as_str()),
            ("note", ticket.note.as_str()),
            ("phone", ticket.phone.as_str()),
            ("userId", ticket.browser_id.as_str()),
        ];
        if let Some(queue) = &ticket.queue_id {
            query.push(("queueId", queue.as_str()));
        }
        if let Some(fields) = &ticket.fields {
            query.push(("fields", fields.as_str()));
        }
        let body = get_json(Request::get(&url).query(query)).await?;
        Ok(text(&body, "ticketId"))
    }

    /// Uploads a file with `token` (Stringee's upload call); answers the path a message's
    /// `filePath` carries. [`Chat::upload`] does the same with progress and cancel.
    pub async fn upload_file(&self, token: &str, file: &web_sys::File) -> Result<String, Error> {
        self.upload(token, file, |_| {})?.finish().await
    }

    /// Fetches an attachment (a message's `filePath`: `/v1/file/…` on this server, or a full
    /// URL) with `token` in the header, and answers a local object URL for `<img src>` or a
    /// download link: the token never goes in a URL.
    pub async fn open_file(&self, token: &str, path: &str) -> Result<String, Error> {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{path}", self.config.api_base)
        };
        let failed = |e: String| Error::new(Error::NOT_FOUND, e);
        let response = Request::get(&url)
            .header("X-STRINGEE-AUTH", token)
            .send()
            .await
            .map_err(|e| Error::new(Error::NOT_CONNECTED, failure(&e)))?;
        if !response.ok() {
            return Err(failed(format!(
                "the file answered HTTP {}",
                response.status()
            )));
        }
        let kind = response.headers().get("content-type").unwrap_or_default();
        let bytes = response.binary().await.map_err(|e| failed(failure(&e)))?;
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(&kind);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(|_| failed("the file cannot be read".into()))?;
        web_sys::Url::create_object_url_with_blob(&blob)
            .map_err(|_| failed("the file cannot be shown".into()))
    }

    /// The socket address the server tells clients to use (`getStringeeServerAddress`, the
    /// token in the query as Stringee's API wants it; for a StringeeX portal).
    pub async fn get_server_address(&self, token: &str) -> Result<String, Error> {
        let url = format!("{}/v2/getStringeeServerAddress", self.config.api_base);
        let mut all = addresses(Request::get(&url).query([("access_token", token)])).await?;
        Ok(all.remove(0))
    }

    /// Every socket address a Parlor server lists (one per node of a cluster without a
    /// balancer), in its order; never empty. The token goes in a header, out of the URL.
    pub async fn get_server_addresses(&self, token: &str) -> Result<Vec<String>, Error> {
        let url = format!("{}/v2/getStringeeServerAddress", self.config.api_base);
        addresses(Request::get(&url).header("X-STRINGEE-AUTH", token)).await
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
    /// `admin` or `agent` (empty from a server that has no roles).
    #[serde(default)]
    pub role: String,
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

    /// The portal's tickets, newest first (`GET /v1/agent/tickets`, a Parlor extension): each
    /// `{id, visitorId, convId, queueId, name, email, phone, note, created}`.
    pub async fn tickets(&self, token: &str) -> Result<Vec<Value>, Error> {
        self.list(token, "/v1/agent/tickets", "tickets").await
    }

    /// The portal's agents, `{userId, name, email, online}` (`GET /v1/agent/agents`), to pick
    /// whom to transfer a chat to.
    pub async fn agents(&self, token: &str) -> Result<Vec<Value>, Error> {
        self.list(token, "/v1/agent/agents", "agents").await
    }

    /// The portal's chats nobody answered, newest first (`GET /v1/agent/missedchats`).
    pub async fn missed_chats(&self, token: &str) -> Result<Vec<Value>, Error> {
        self.list(token, "/v1/agent/missedchats", "missedChats")
            .await
    }

    async fn list(&self, token: &str, path: &str, field: &str) -> Result<Vec<Value>, Error> {
        let url = format!("{}{path}", self.config.api_base);
        let reply = get_json(Request::get(&url).header("X-STRINGEE-AUTH", token)).await?;
        Ok(reply
            .get(field)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
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

/// The addresses an address call answers: each entry's `url`, else `wss://ip:port`.
async fn addresses(request: gloo_net::http::RequestBuilder) -> Result<Vec<String>, Error> {
    let reply = get_json(request).await?;
    let listed = reply["data"]["stringeeServerAddrs"]["web"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let all: Vec<String> = listed
        .iter()
        .filter_map(|web| {
            if let Some(url) = web.get("url").and_then(Value::as_str) {
                return Some(url.to_string());
            }
            let ip = web.get("ip").and_then(Value::as_str)?;
            let port = web.get("port")?;
            let port = port
                .as_u64()
                .map(|n| n.to_string())
                .or_else(|| port.as_str().map(str::to_string))?;
            Some(format!("wss://{ip}:{port}"))
        })
        .collect();
    if all.is_empty() {
        return Err(Error::new(
            Error::INVALID_VALUE,
            "the server named no socket address",
        ));
    }
    Ok(all)
}

/// Sends a request and reads Stringee's answer (see [`reply`]).
async fn get_json(request: gloo_net::http::RequestBuilder) -> Result<Value, Error> {
    reply(request.send().await).await
}

/// Reads Stringee's answer to a sent request: the whole answer when its `r` is 0, else the
/// error it carries (`{r, msg}`). JSON is parsed by the browser ([`crate::json`]).
pub(crate) async fn reply(
    sent: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<Value, Error> {
    let response = sent.map_err(|e| {
        Error::new(
            Error::NOT_CONNECTED,
            format!("the server could not be reached: {}", failure(&e)),
        )
    })?;
    let status = response.status();
    let body = response
        .text()
        .await
        .ok()
        .and_then(|text| crate::json::parse(&text))
        .ok_or_else(|| {
            Error::new(
                Error::INVALID_VALUE,
                format!("the server answered HTTP {status} without JSON"),
            )
        })?;
    check(body)
}

/// What a failed request says: the browser's error (a fetch that fails rejects with a
/// `TypeError`), or gloo-net's own words. Not gloo-net's `Display`, which would bring
/// serde_json's error messages, and std's I/O error texts behind them, into the widget's wasm
/// for a variant that sending and reading bytes never answer.
pub(crate) fn failure(e: &gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(js) => format!("{}: {}", js.name, js.message),
        gloo_net::Error::GlooError(text) => text.clone(),
        gloo_net::Error::SerdeError(_) => "the answer is not JSON".to_string(),
    }
}

/// `body` when its `r` says success, else the error it carries.
pub(crate) fn check(body: Value) -> Result<Value, Error> {
    let r = body.get("r").and_then(Value::as_i64).unwrap_or(-1);
    if r == i64::from(R_OK) {
        return Ok(body);
    }
    Err(match RestError::from_json(&body) {
        Some(e) => Error::new(e.r, e.msg),
        None => Error::new(
            Error::INVALID_VALUE,
            "the server answered an error without a message",
        ),
    })
}

/// Reads a typed answer by hand (the widget's calls: no serde decoding in its wasm).
fn read<T: FromJson>(body: &Value) -> Result<T, Error> {
    T::from_json(body).ok_or_else(unexpected)
}

pub(crate) fn unexpected() -> Error {
    Error::new(Error::INVALID_VALUE, "unexpected answer")
}

/// Reads a typed answer with serde (the agents' calls; the console carries serde anyway).
pub(crate) async fn decode_response<T: DeserializeOwned>(
    sent: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<T, Error> {
    serde_json::from_value(reply(sent).await?)
        .map_err(|e| Error::new(Error::INVALID_VALUE, format!("unexpected answer: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_answers_keep_the_servers_code_and_message() {
        let body = serde_json::json!({"r": 2, "msg": "no portal has this widget key"});
        let err = check(body).unwrap_err();
        assert_eq!(err, Error::new(2, "no portal has this widget key"));
    }

    #[test]
    fn the_socket_url_follows_the_base_s_scheme() {
        let url = |base: &str| ClientConfig::new(base).socket_url();
        assert_eq!(url("https://a.example"), "wss://a.example/ws");
        assert_eq!(url("http://127.0.0.1:8080"), "ws://127.0.0.1:8080/ws");
        // Only the scheme is swapped (the base loses its trailing slashes, as always).
        assert_eq!(url("http://a.example/https://"), "ws://a.example/https:/ws");
    }

    #[test]
    fn trailing_slashes_are_dropped_from_the_base() {
        assert_eq!(
            ClientConfig::new("https://a.example//").api_base,
            "https://a.example"
        );
    }
}
