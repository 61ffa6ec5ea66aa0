//! Routing: queues, agent presence and capacity, offers and their timeouts.
//!
//! [`engine`] holds the rules as a pure state machine; [`actor`] runs it on its own task,
//! applies its effects (pushes, database updates) and fires its timeouts.

pub mod actor;
pub mod engine;

pub use actor::Routing;
pub use engine::{AnswerError, ChatRef, Effect, Engine, Timeouts, Transfer, TransferError};
