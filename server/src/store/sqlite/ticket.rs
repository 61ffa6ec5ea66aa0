//! [`TicketStore`] on SQLite.

use async_trait::async_trait;

use super::SqliteStore;
use crate::hours::now_ms;
use crate::store::{NewTicket, StoreError, Ticket, TicketStore};

#[async_trait]
impl TicketStore for SqliteStore {
    async fn create_ticket(&self, new: &NewTicket) -> Result<Ticket, StoreError> {
        let ticket = Ticket {
            id: format!("ticket-{}", crate::ids::random_hex(8)),
            portal_id: new.portal_id.clone(),
            visitor_id: new.visitor_id.clone(),
            conv_id: new.conv_id.clone(),
            queue_id: new.queue_id.clone(),
            name: new.name.clone(),
            email: new.email.clone(),
            phone: new.phone.clone(),
            note: new.note.clone(),
            fields: new.fields.clone(),
            created_at: now_ms(),
        };
        sqlx::query(
            "INSERT INTO tickets (id, portal_id, visitor_id, conv_id, queue_id, name, email, phone, \
             note, fields, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&ticket.id)
        .bind(&ticket.portal_id)
        .bind(&ticket.visitor_id)
        .bind(&ticket.conv_id)
        .bind(&ticket.queue_id)
        .bind(&ticket.name)
        .bind(&ticket.email)
        .bind(&ticket.phone)
        .bind(&ticket.note)
        .bind(&ticket.fields)
        .bind(ticket.created_at)
        .execute(&self.writer)
        .await?;
        Ok(ticket)
    }

    async fn tickets(&self, portal_id: &str, limit: i64) -> Result<Vec<Ticket>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, portal_id, visitor_id, conv_id, queue_id, name, email, phone, note, \
             fields, created_at FROM tickets WHERE portal_id = ? \
             ORDER BY created_at DESC, id LIMIT ?",
        )
        .bind(portal_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
