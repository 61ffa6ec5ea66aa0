//! `parlor-client`: the browser SDK of Parlor, with the surface of Stringee's live chat SDK.
//!
//! It runs in WebAssembly and speaks to the server through the browser's `fetch` and
//! `WebSocket` (via gloo-net). The widget and the agent console stand on it; neither has wire
//! details of its own. Every call answers `Result<T, Error>`, the error carrying Stringee's
//! code and message.
//!
//! - [`Chat`]: the REST calls a visitor makes before it has a socket (chat profile, token,
//!   ticket, upload); [`Agent`]: an agent's sign-in.
//! - [`Client`]: the socket: [`Client::connect`], [`Client::events`], and the calls made over
//!   it; [`Conversation`]: one conversation's calls.
//!
//! It never loses a message and never reports one twice: see [`Client`] for how.
//!
//! # A visitor's journey
//!
//! ```no_run
//! # async fn demo() -> Result<(), parlor_client::Error> {
//! use futures_util::StreamExt;
//! use parlor_client::{Chat, Client, ClientConfig, Event, ObjectChange, Rating};
//!
//! let config = ClientConfig::new("https://chat.example.com");
//! let chat = Chat::new(config.clone());
//! let profile = chat.get_chat_profile("WIDGET_KEY").await?;
//! let queue = &profile.queues[0];
//! let token = chat
//!     .get_live_chat_token("WIDGET_KEY", "Ann", "ann@example.com", "browser-id-kept-in-storage")
//!     .await?;
//!
//! let client = Client::new(config);
//! let mut events = client.events();
//! client.connect(&token);
//! let (conversation, _) = client.create_live_chat_conversation(&queue.id, None).await?;
//! conversation.send_text("Hello!").await?;
//! while let Some(event) = events.next().await {
//!     match event {
//!         Event::ObjectChange(ObjectChange::MessageInserted(message)) => {
//!             println!("{}: {:?}", message.from, message.text());
//!         }
//!         Event::TimeoutInQueue { .. } => break, // nobody answered: show the ticket form
//!         Event::ConversationEnded { .. } => {
//!             conversation.rate_chat(Rating::Good, "Thanks").await?;
//!             conversation.send_chat_transcript("ann@example.com", "shop.example.com").await?;
//!             break;
//!         }
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # An agent's side
//!
//! ```no_run
//! # async fn demo() -> Result<(), parlor_client::Error> {
//! use futures_util::StreamExt;
//! use parlor_client::{Agent, Client, ClientConfig, Event};
//!
//! let config = ClientConfig::new("https://chat.example.com");
//! let session = Agent::new(config.clone()).login("alice@example.com", "secret").await?;
//! let client = Client::new(config);
//! let mut events = client.events();
//! client.connect(&session.access_token);
//! while let Some(event) = events.next().await {
//!     match event {
//!         Event::ChatRequest(request) => {
//!             client.answer_chat_request(&request.conv_id, true).await?;
//!             let conversation = client.conversation(&request.conv_id);
//!             conversation.send_text(&format!("Hi {}!", request.customer_name)).await?;
//!             // Later: hand it to a colleague, who confirms.
//!             conversation.transfer_to("agent-bob").await?;
//!         }
//!         Event::TransferChatRequest(request) => {
//!             client.answer_transfer(&request.conv_id, true).await?;
//!         }
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod admin;
pub mod alert;
mod chat;
mod client;
mod conversation;
mod error;
mod events;
pub mod json;
pub mod model;
mod outbox;
mod seqs;
mod table;
pub mod theme;
mod time;
mod upload;

pub use chat::{Agent, AgentSession, Chat, ClientConfig, TicketRequest};
pub use client::{Client, TokenProvider};
pub use conversation::{Conversation, Rating};
pub use error::Error;
pub use events::{Event, ObjectChange};
pub use model::{ChatRequest, ConversationInfo, Message, MessageState, Note, UserInfo};
pub use parlor_protocol as protocol;
pub use upload::{FileDrops, Upload, UploadCancel, accept_files};
