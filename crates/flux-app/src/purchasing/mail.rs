//! E-mailing a purchase order to its supplier (and invitation links, see
//! `crate::invitations`), when SMTP is configured.
//!
//! Optional by design: without SMTP settings, "send" marks the order sent
//! and the operator sends the CSV or the printed page themselves. With
//! them, the order goes out as a short text with the CSV attached, and a
//! failure to deliver leaves the order a draft (the caller rolls back), so
//! "sent" always means the supplier has it.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::purchasing::orders::{to_csv, Order};

/// Why an order could not be e-mailed.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("invalid sender address {0:?}")]
    From(String),
    #[error("invalid supplier address {0:?}")]
    To(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("the mail server could not be reached or refused the message: {0}")]
    Send(String),
}

/// An SMTP connection and the address orders come from.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds credentials: never print it.
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// `url`: `smtp://host:25` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host:465` (TLS).
    pub fn from_url(url: &str, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| MailError::From(from.to_owned()))?;
        Ok(Mailer { transport, from })
    }

    /// A message from the configured sender to `to`, still to be given
    /// its subject and body.
    fn message_to(&self, to: &str) -> Result<lettre::message::MessageBuilder, MailError> {
        let to_box = to
            .parse::<Mailbox>()
            .map_err(|_| MailError::To(to.to_owned()))?;
        Ok(Message::builder().from(self.from.clone()).to(to_box))
    }

    async fn deliver(&self, message: Message) -> Result<(), MailError> {
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }

    /// Sends a plain-text message (an invitation link).
    pub async fn send_plain(&self, to: &str, subject: &str, text: &str) -> Result<(), MailError> {
        let message = self
            .message_to(to)?
            .subject(subject)
            .body(text.to_owned())
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.deliver(message).await
    }

    /// Sends `order` to `to` on behalf of `restaurant`.
    pub async fn send_order(
        &self,
        restaurant: &str,
        order: &Order,
        to: &str,
    ) -> Result<(), MailError> {
        let builder = self.message_to(to)?;
        let mut text = format!("Purchase order from {restaurant}\n");
        if let Some(d) = order.delivery_date {
            text.push_str(&format!("Delivery requested: {d}\n"));
        }
        text.push('\n');
        for l in &order.lines {
            text.push_str(&format!(
                "{} × {} {} {} ({} {})\n",
                l.packs, l.pack_base_units, l.base_unit, l.ingredient, l.quantity, l.base_unit
            ));
        }
        text.push_str(&format!("\nTotal at your prices: {}\n", order.total));
        let subject = format!(
            "Purchase order from {restaurant}{}",
            order
                .delivery_date
                .map(|d| format!(" for {d}"))
                .unwrap_or_default()
        );
        let csv_type = ContentType::parse("text/csv; charset=utf-8")
            .map_err(|e| MailError::Build(e.to_string()))?;
        let message = builder
            .subject(subject)
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(text))
                    .singlepart(
                        Attachment::new(format!("order-{}.csv", &order.id.to_string()[..8]))
                            .body(to_csv(order), csv_type),
                    ),
            )
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.deliver(message).await
    }
}
