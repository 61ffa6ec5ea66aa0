//! Tickets: what a visitor leaves when nobody answers.

use async_trait::async_trait;

use super::{NewTicket, StoreError, Ticket};

/// Tickets left by visitors.
#[async_trait]
pub trait TicketStore: Send + Sync {
    /// Stores a ticket and returns it.
    async fn create_ticket(&self, new: &NewTicket) -> Result<Ticket, StoreError>;
    /// A portal's tickets, newest first.
    async fn tickets(&self, portal_id: &str, limit: i64) -> Result<Vec<Ticket>, StoreError>;
}
