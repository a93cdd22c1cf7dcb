//! `[llm]` (who writes plan summaries) and `[notify]` (who hears about plans, and the SMTP
//! server mail goes through). Secrets are never in the file: API keys and SMTP passwords
//! are named by the environment variable or the file that holds them.

use std::path::PathBuf;

use serde::Deserialize;

use super::de::{self, key, Seg};
use super::Config;

/// Which service writes plan summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LlmProvider {
    /// Amazon Bedrock's Converse API, with the standard AWS credential chain.
    Bedrock,
    /// Any OpenAI-compatible `/v1/chat/completions` (OpenAI, vLLM, Ollama, llama.cpp).
    Openai,
    /// Anthropic's `/v1/messages`.
    Anthropic,
    /// The deterministic template only.
    #[default]
    None,
}

impl LlmProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            LlmProvider::Bedrock => "bedrock",
            LlmProvider::Openai => "openai",
            LlmProvider::Anthropic => "anthropic",
            LlmProvider::None => "none",
        }
    }
}

/// `[llm]`: the summary an approver reads. The actions and their hash are fixed before a
/// model is asked; whatever it answers is checked, and any failure gives the template.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Llm {
    #[serde(default)]
    pub provider: LlmProvider,
    /// Model id (`anthropic.claude-3-haiku-20240307-v1:0`, `gpt-4o-mini`, `llama3.1`).
    pub model: Option<String>,
    /// openai, anthropic: the server's base URL (default: the vendor's API). bedrock: an
    /// endpoint override (a VPC endpoint, a test server).
    pub base_url: Option<String>,
    /// bedrock: the region (default: the AWS environment's).
    pub region: Option<String>,
    /// The environment variable that holds the API key (openai, anthropic).
    pub api_key_env: Option<String>,
    /// Or a file that holds it (a mounted Secret).
    pub api_key_file: Option<PathBuf>,
    /// Seconds one request may take.
    #[serde(default = "default_timeout", deserialize_with = "de::positive")]
    pub timeout_seconds: u64,
    /// Requests a day (UTC), retries included; past it plans get the template.
    #[serde(default = "default_budget", deserialize_with = "de::positive")]
    pub max_requests_per_day: u32,
    /// Retries of a request answered 429, 5xx or 529 (with backoff, `retry-after` honoured).
    #[serde(default = "two")]
    pub max_retries: u32,
    /// Ask for JSON-schema structured output (openai `response_format`, bedrock
    /// `outputConfig`); turn off for servers that do not support it.
    #[serde(default = "yes")]
    pub structured_output: bool,
}

fn default_timeout() -> u64 {
    30
}
fn default_budget() -> u32 {
    200
}
fn two() -> u32 {
    2
}
fn yes() -> bool {
    true
}

impl Default for Llm {
    fn default() -> Self {
        Llm {
            provider: LlmProvider::None,
            model: None,
            base_url: None,
            region: None,
            api_key_env: None,
            api_key_file: None,
            timeout_seconds: default_timeout(),
            max_requests_per_day: default_budget(),
            max_retries: two(),
            structured_output: yes(),
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// STARTTLS, required (port 587): a server that does not offer it is refused.
    #[default]
    Starttls,
    /// Implicit TLS (port 465).
    Tls,
    /// No TLS: only for a relay on the same host or a test server.
    None,
}

/// `[notify.smtp]`: the mail server.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    /// Default: 587 (starttls), 465 (tls), 25 (none).
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: SmtpTls,
    /// The sender (`vigil <vigil@example.com>`).
    pub from: String,
    /// Environment variables that hold the login; none: no AUTH.
    pub username_env: Option<String>,
    pub password_env: Option<String>,
    /// Or a file that holds the password (a mounted Secret).
    pub password_file: Option<PathBuf>,
    /// A PEM file of CA certificates to trust besides the system's (a private CA).
    pub ca_file: Option<PathBuf>,
    /// Seconds one delivery may take.
    #[serde(default = "default_smtp_timeout", deserialize_with = "de::positive")]
    pub timeout_seconds: u64,
}

fn default_smtp_timeout() -> u64 {
    30
}

impl Smtp {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        })
    }
}

/// `[notify.digest]`: one mail a schedule with what changed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Digest {
    /// Six fields, seconds first (`0 0 8 * * *`: 08:00 UTC every day).
    #[serde(deserialize_with = "de::cron")]
    pub cron: String,
    #[serde(deserialize_with = "de::addresses")]
    pub to: Vec<String>,
}

/// `[notify]`: who is told what. Recipients come from here; a resource's owner tag adds one
/// only when its domain is in `owner_domains` (tags are written by whoever owns the
/// resource, so a tag alone never decides where an approval mail goes).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    pub smtp: Option<Smtp>,
    /// A plan was proposed: its approvers.
    #[serde(default, deserialize_with = "de::addresses")]
    pub plan_proposed: Vec<String>,
    /// A plan was approved, rejected, applied, failed or verified.
    #[serde(default, deserialize_with = "de::addresses")]
    pub plan_decided: Vec<String>,
    /// Resources were marked as reaping candidates (before any plan applies).
    #[serde(default, deserialize_with = "de::addresses")]
    pub reaping: Vec<String>,
    pub digest: Option<Digest>,
    /// The daemon's URL as approvers reach it; mails link to `{base_url}/plans/{id}`.
    pub base_url: Option<String>,
    /// A tag whose value is an owner's address, added to the plan mails of their resources.
    pub owner_tag: Option<String>,
    /// Domains an owner tag's address may have; empty: owner tags are ignored.
    #[serde(default)]
    pub owner_domains: Vec<String>,
    /// Delivery attempts per mail before it is given up (kept in the store as failed).
    #[serde(default = "default_attempts", deserialize_with = "de::positive")]
    pub max_attempts: u32,
}

fn default_attempts() -> u32 {
    8
}

impl Default for Notify {
    fn default() -> Self {
        Notify {
            smtp: None,
            plan_proposed: Vec::new(),
            plan_decided: Vec::new(),
            reaping: Vec::new(),
            digest: None,
            base_url: None,
            owner_tag: None,
            owner_domains: Vec::new(),
            max_attempts: default_attempts(),
        }
    }
}

/// `[llm]` and `[notify]`: keys that only make sense together.
pub(super) fn checks(c: &Config) -> Vec<(Vec<Seg>, String)> {
    let mut out = Vec::new();
    let llm = &c.llm;
    if llm.provider != LlmProvider::None && llm.model.is_none() {
        out.push((
            vec![key("llm"), key("provider")],
            format!(
                "`llm.provider = \"{}\"` needs `llm.model`",
                llm.provider.as_str()
            ),
        ));
    }
    if llm.api_key_env.is_some() && llm.api_key_file.is_some() {
        out.push((
            vec![key("llm"), key("api_key_file")],
            "`llm`: set `api_key_env` or `api_key_file`, not both".into(),
        ));
    }
    let n = &c.notify;
    if let Some(smtp) = &n.smtp {
        let at = |k: &str| vec![key("notify"), key("smtp"), key(k)];
        if smtp.from.parse::<lettre::message::Mailbox>().is_err() {
            out.push((
                at("from"),
                format!("`notify.smtp.from`: `{}` is not a mail address", smtp.from),
            ));
        }
        if smtp.password_env.is_some() && smtp.password_file.is_some() {
            out.push((
                at("password_file"),
                "`notify.smtp`: set `password_env` or `password_file`, not both".into(),
            ));
        }
        let password = smtp.password_env.is_some() || smtp.password_file.is_some();
        if smtp.username_env.is_some() != password {
            out.push((
                at("username_env"),
                "`notify.smtp`: a login needs both `username_env` and `password_env` (or `password_file`)".into(),
            ));
        }
    } else {
        for (k, v) in [
            ("plan_proposed", &n.plan_proposed),
            ("plan_decided", &n.plan_decided),
            ("reaping", &n.reaping),
        ] {
            if !v.is_empty() {
                out.push((
                    vec![key("notify"), key(k)],
                    format!("`notify.{k}` names recipients, but there is no `[notify.smtp]` to send through"),
                ));
            }
        }
        if n.digest.is_some() {
            out.push((
                vec![key("notify"), key("digest")],
                "`notify.digest` needs a `[notify.smtp]` to send through".into(),
            ));
        }
    }
    out
}
