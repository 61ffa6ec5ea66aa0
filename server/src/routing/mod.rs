//! Routing: queues, agent presence and capacity, offers and their timeouts.
//!
//! [`engine`] holds the rules as a pure state machine; [`actor`] runs it on its own task,
//! applies its effects (pushes, database updates) and fires its timeouts; [`request`] is what
//! the task is asked. With several nodes, [`cluster`] elects the one node that routes and
//! carries the others' requests and agents' presence to it over the bus.

pub mod actor;
pub mod cluster;
pub mod engine;
pub mod request;
mod waiting;

pub use actor::Routing;
pub use engine::{AnswerError, ChatRef, Effect, Engine, Timeouts, Transfer, TransferError};
