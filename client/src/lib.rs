//! `parlor-client`: the browser SDK of Parlor, with the surface of Stringee's live chat SDK.
//!
//! It runs in WebAssembly and speaks to the server through the browser's `fetch` and
//! `WebSocket` (via gloo-net). The widget and the agent console stand on it; neither has wire
//! details of its own. Every call answers `Result<T, Error>`, the error carrying Stringee's
//! code and message.
//!
//! ```no_run
//! # async fn demo() -> Result<(), parlor_client::Error> {
//! use parlor_client::{Chat, ClientConfig};
//!
//! // An empty base URL means "the origin that served this page".
//! let chat = Chat::new(ClientConfig::new("https://chat.example.com"));
//! let profile = chat.get_chat_profile("YOUR_WIDGET_KEY").await?;
//! for queue in &profile.queues {
//!     println!("{}: {}", queue.id, queue.name);
//! }
//! # Ok(()) }
//! ```

mod chat;
mod error;

pub use chat::{Agent, AgentSession, Chat, ClientConfig};
pub use error::Error;
pub use parlor_protocol as protocol;
