//! Sending through `[notify.smtp]` with lettre: STARTTLS required by default (a server that
//! does not offer it is refused), implicit TLS, or none only when the config says so. The
//! login comes from the environment or a file, never from the config itself; a login is
//! never sent without TLS.

use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Smtp, SmtpTls};
use crate::store::Mail;

/// Why a mail did not go, and whether trying again later may help.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    /// A permanent refusal (5xx: unknown recipient, refused sender) is not retried.
    pub permanent: bool,
}

fn err(message: impl Into<String>, permanent: bool) -> SendError {
    SendError {
        message: message.into(),
        permanent,
    }
}

/// A transport built from `[notify.smtp]`.
pub struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Sender {
    pub fn new(cfg: &Smtp) -> Result<Sender, SendError> {
        let from: Mailbox = cfg
            .from
            .parse()
            .map_err(|e| err(format!("[notify.smtp] from `{}`: {e}", cfg.from), true))?;
        let tls = || -> Result<TlsParameters, SendError> {
            let mut b = TlsParameters::builder(cfg.host.clone());
            if let Some(ca) = &cfg.ca_file {
                let pem = std::fs::read(ca).map_err(|e| {
                    err(format!("[notify.smtp] ca_file {}: {e}", ca.display()), true)
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    err(format!("[notify.smtp] ca_file {}: {e}", ca.display()), true)
                })?;
                b = b.add_root_certificate(cert);
            }
            b.build_rustls()
                .map_err(|e| err(format!("[notify.smtp] TLS: {e}"), true))
        };
        let tls = match cfg.tls {
            SmtpTls::Starttls => Tls::Required(tls()?),
            SmtpTls::Tls => Tls::Wrapper(tls()?),
            SmtpTls::None => Tls::None,
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.as_str())
            .port(cfg.port())
            .tls(tls)
            .timeout(Some(Duration::from_secs(cfg.timeout_seconds)));
        if let Some(user_var) = &cfg.username_env {
            if cfg.tls == SmtpTls::None {
                return Err(err(
                    "[notify.smtp]: a login is never sent without TLS (tls = \"none\")",
                    true,
                ));
            }
            let user = std::env::var(user_var).map_err(|_| {
                err(
                    format!("[notify.smtp] username_env: {user_var} is not set"),
                    true,
                )
            })?;
            let password = match (&cfg.password_env, &cfg.password_file) {
                (Some(v), _) => std::env::var(v).map_err(|_| {
                    err(format!("[notify.smtp] password_env: {v} is not set"), true)
                })?,
                (None, Some(f)) => std::fs::read_to_string(f)
                    .map_err(|e| {
                        err(
                            format!("[notify.smtp] password_file {}: {e}", f.display()),
                            true,
                        )
                    })?
                    .trim_end_matches(['\n', '\r'])
                    .to_string(),
                (None, None) => String::new(),
            };
            b = b.credentials(Credentials::new(user, password));
        }
        Ok(Sender {
            transport: b.build(),
            from,
        })
    }

    /// The message for `m`: text and HTML alternatives, `Auto-Submitted: auto-generated`
    /// (no auto-replies, RFC 3834) and `X-Vigil-Plan`.
    pub fn message(&self, m: &Mail) -> Result<Message, SendError> {
        let mut b = Message::builder()
            .from(self.from.clone())
            .subject(m.subject.clone());
        for to in &m.to {
            let mb: Mailbox = to
                .parse()
                .map_err(|e| err(format!("recipient `{to}`: {e}"), true))?;
            b = b.to(mb);
        }
        let mut msg = b
            .multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                m.html.clone(),
            ))
            .map_err(|e| err(format!("building the mail: {e}"), true))?;
        let h = msg.headers_mut();
        h.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ));
        if let Some(p) = m.plan {
            h.insert_raw(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Vigil-Plan"),
                p.to_string(),
            ));
        }
        Ok(msg)
    }

    /// Sends `m`; answers the server's reply (`250 …`).
    pub async fn send(&self, m: &Mail) -> Result<String, SendError> {
        let msg = self.message(m)?;
        match self.transport.send(msg).await {
            Ok(r) => Ok(format!(
                "{} {}",
                r.code(),
                r.message().collect::<Vec<_>>().join(" ")
            )),
            Err(e) => {
                use std::error::Error as _;
                let mut text = e.to_string();
                let mut cur = e.source();
                while let Some(c) = cur {
                    let more = c.to_string();
                    if !text.contains(&more) {
                        text.push_str(": ");
                        text.push_str(&more);
                    }
                    cur = c.source();
                }
                Err(err(text, e.is_permanent()))
            }
        }
    }
}
