//! Outgoing mail: chat transcripts and ticket notices.
//!
//! With an SMTP URL configured (`--smtp-url smtp://user:pass@host:587?tls=required`), mail goes
//! through that server; without one, each mail is written as an `.eml` file to the data
//! folder's `outbox/`, where an operator (or a test) can read it. A mail the SMTP server refuses
//! is written to the outbox too, and the failure logged: a ticket notice is never lost.

use std::path::{Path, PathBuf};

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where mail goes, and as whom.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://…` or `smtps://…` (lettre's URL form); `None` writes to the outbox only.
    pub smtp_url: Option<String>,
    /// The sender, `Name <address>` or a bare address.
    pub from: String,
    /// The folder for `.eml` files.
    pub outbox: PathBuf,
}

/// A mail to send: plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Recipients' addresses.
    pub to: Vec<String>,
    /// Address the recipient's answer goes to, if not the sender.
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
}

/// Where a mail went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted by the SMTP server.
    Smtp,
    /// Written to this file in the outbox.
    Outbox(PathBuf),
}

/// Why a mail could not be sent at all.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address does not parse (the message says which).
    #[error("`{0}` is not a valid email address")]
    Address(String),
    /// The SMTP URL is malformed.
    #[error("SMTP URL: {0}")]
    Url(String),
    /// The mail could not be built.
    #[error("mail: {0}")]
    Build(#[from] lettre::error::Error),
    /// Writing to the outbox failed.
    #[error("outbox: {0}")]
    Outbox(#[from] std::io::Error),
}

/// Sends mail as [`MailSettings`] say.
pub struct Mailer {
    from: Mailbox,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    outbox: PathBuf,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("smtp", &self.smtp.is_some())
            .field("outbox", &self.outbox)
            .finish()
    }
}

impl Mailer {
    /// A mailer; fails on a malformed sender or SMTP URL, so `parlor serve` refuses to start.
    pub fn new(settings: &MailSettings) -> Result<Self, MailError> {
        let from = mailbox(&settings.from)?;
        let smtp = match &settings.smtp_url {
            None => None,
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Url(e.to_string()))?
                    .build(),
            ),
        };
        Ok(Self {
            from,
            smtp,
            outbox: settings.outbox.clone(),
        })
    }

    /// The outbox folder.
    pub fn outbox(&self) -> &Path {
        &self.outbox
    }

    /// Sends `mail` by SMTP when configured, else (or when SMTP fails) writes it to the outbox.
    pub async fn send(&self, mail: &Mail) -> Result<Delivery, MailError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        for to in &mail.to {
            builder = builder.to(mailbox(to)?);
        }
        if let Some(reply_to) = &mail.reply_to {
            builder = builder.reply_to(mailbox(reply_to)?);
        }
        let message = builder.body(mail.text.clone())?;
        if let Some(smtp) = &self.smtp {
            match smtp.send(message.clone()).await {
                Ok(_) => return Ok(Delivery::Smtp),
                Err(error) => {
                    tracing::warn!(%error, "SMTP refused a mail; it goes to the outbox instead");
                }
            }
        }
        self.write_outbox(&message.formatted()).await
    }

    async fn write_outbox(&self, bytes: &[u8]) -> Result<Delivery, MailError> {
        tokio::fs::create_dir_all(&self.outbox).await?;
        let name = format!("{}-{}", crate::hours::now_ms(), crate::ids::random_hex(6));
        // Written under a temporary name, then renamed: a reader never sees half a mail.
        let partial = self.outbox.join(format!(".{name}.part"));
        let done = self.outbox.join(format!("{name}.eml"));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &done).await?;
        Ok(Delivery::Outbox(done))
    }
}

/// Parses an address as a mailbox; the error names it.
pub fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|_| MailError::Address(address.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_smtp_a_mail_lands_in_the_outbox_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(&MailSettings {
            smtp_url: None,
            from: "Parlor <chat@example.com>".into(),
            outbox: dir.path().join("outbox"),
        })
        .unwrap();
        let delivery = mailer
            .send(&Mail {
                to: vec!["ann@example.com".into()],
                reply_to: None,
                subject: "Your chat".into(),
                text: "Hello <b>there</b>".into(),
            })
            .await
            .unwrap();
        let Delivery::Outbox(path) = delivery else {
            panic!("expected the outbox")
        };
        let eml = std::fs::read_to_string(path).unwrap();
        assert!(eml.contains("To: ann@example.com"), "{eml}");
        assert!(eml.contains("Subject: Your chat"), "{eml}");
        assert!(eml.contains("Hello <b>there</b>"), "{eml}");
        let leftovers = std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn a_bad_address_is_refused_by_name() {
        let error = mailbox("not an address").unwrap_err();
        assert!(error.to_string().contains("not an address"));
    }
}
