//! One request to a provider, with bounded retries: 429, 5xx and 529 are tried again after
//! the server's `retry-after` (capped) or an exponential backoff; anything else (and a
//! request that times out) ends the attempt, and the plan gets the template.
//!
//! openai and anthropic go through `reqwest`; bedrock through `aws-sdk-bedrockruntime`'s
//! Converse, with the standard AWS credential chain (its own retries off: they are counted
//! here, against the daily budget).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::answer::schema;
use super::prompt::Prompt;
use crate::config::{Llm, LlmProvider};

/// Answers get at most this many tokens.
pub const MAX_TOKENS: u32 = 800;
/// The longest wait between two attempts, whatever `retry-after` says.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// What a provider answered.
#[derive(Debug, Clone)]
pub struct Reply {
    pub text: String,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
}

/// Why no answer came: a class for the plan's `summary_reason`, and the detail.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{class}: {detail}")]
pub struct Failed {
    pub class: String,
    pub detail: String,
    /// Whether trying again may help (429, 5xx, 529).
    pub retry: bool,
    pub retry_after: Option<Duration>,
}

fn failed(class: impl Into<String>, detail: impl Into<String>) -> Failed {
    Failed {
        class: class.into(),
        detail: detail.into(),
        retry: false,
        retry_after: None,
    }
}

fn retryable(status: u16) -> bool {
    status == 429 || status == 529 || (500..600).contains(&status)
}

/// A provider client, made once per config.
pub struct Client {
    pub provider: LlmProvider,
    pub model: String,
    cfg: Llm,
    backend: Backend,
}

enum Backend {
    Http {
        http: reqwest::Client,
        base: String,
        key: Option<String>,
    },
    Bedrock(aws_sdk_bedrockruntime::Client),
}

/// Why the client `[llm]` describes cannot be made: the summary then comes from the
/// template, and the reason is recorded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("[llm] api_key_env: the environment variable {0} is not set")]
    KeyVariable(String),
    #[error("[llm] api_key_file {}: {}", .0.display(), .1)]
    KeyFile(std::path::PathBuf, std::io::Error),
    #[error("[llm] building the HTTP client: {0}")]
    Http(reqwest::Error),
}

impl Error {
    pub fn metric_label(&self) -> &'static str {
        match self {
            Error::KeyVariable(_) | Error::KeyFile(..) => "key",
            Error::Http(_) => "http_client",
        }
    }
}

impl Client {
    /// The client `[llm]` describes; None for `provider = "none"`. A key that cannot be
    /// read is an error naming where it was looked for.
    pub async fn new(cfg: &Llm) -> Result<Option<Client>, Error> {
        let Some(model) = cfg.model.clone() else {
            return Ok(None);
        };
        let timeout = Duration::from_secs(cfg.timeout_seconds);
        let backend = match cfg.provider {
            LlmProvider::None => return Ok(None),
            LlmProvider::Openai | LlmProvider::Anthropic => {
                let key = match (&cfg.api_key_env, &cfg.api_key_file) {
                    (Some(var), _) => {
                        Some(std::env::var(var).map_err(|_| Error::KeyVariable(var.clone()))?)
                    }
                    (None, Some(f)) => Some(
                        std::fs::read_to_string(f)
                            .map_err(|e| Error::KeyFile(f.clone(), e))?
                            .trim()
                            .to_string(),
                    ),
                    (None, None) => None,
                };
                let default = if cfg.provider == LlmProvider::Openai {
                    "https://api.openai.com"
                } else {
                    "https://api.anthropic.com"
                };
                Backend::Http {
                    http: reqwest::Client::builder()
                        .timeout(timeout)
                        .connect_timeout(timeout.min(Duration::from_secs(10)))
                        .build()
                        .map_err(Error::Http)?,
                    base: cfg
                        .base_url
                        .as_deref()
                        .unwrap_or(default)
                        .trim_end_matches('/')
                        .trim_end_matches("/v1")
                        .to_string(),
                    key,
                }
            }
            LlmProvider::Bedrock => {
                use aws_config::{retry::RetryConfig, timeout::TimeoutConfig};
                let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .retry_config(RetryConfig::disabled())
                    .timeout_config(TimeoutConfig::builder().operation_timeout(timeout).build());
                if let Some(r) = &cfg.region {
                    loader = loader.region(aws_config::Region::new(r.clone()));
                }
                if let Some(u) = &cfg.base_url {
                    loader = loader.endpoint_url(u);
                }
                Backend::Bedrock(aws_sdk_bedrockruntime::Client::new(&loader.load().await))
            }
        };
        Ok(Some(Client {
            provider: cfg.provider,
            model,
            cfg: cfg.clone(),
            backend,
        }))
    }

    /// Asks for a summary; answers the reply (or why none came) and the requests made.
    pub async fn ask(&self, p: &Prompt) -> (Result<Reply, Failed>, u32) {
        let mut made = 0;
        loop {
            made += 1;
            let result = match &self.backend {
                Backend::Http { http, base, key } => self.http(http, base, key.as_deref(), p).await,
                Backend::Bedrock(c) => self.bedrock(c, p).await,
            };
            match result {
                Err(e) if e.retry && made <= self.cfg.max_retries => {
                    let backoff = Duration::from_millis(250 << made.min(6));
                    let wait = e.retry_after.unwrap_or(backoff).min(MAX_BACKOFF);
                    tracing::debug!(target: "llm", error = %e, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                }
                other => return (other, made),
            }
        }
    }

    fn body(&self, p: &Prompt) -> Value {
        match self.provider {
            LlmProvider::Anthropic => json!({
                "model": self.model,
                "max_tokens": MAX_TOKENS,
                "temperature": 0,
                "system": p.system,
                "messages": [{"role": "user", "content": p.user}],
            }),
            _ => {
                let mut b = json!({
                    "model": self.model,
                    "max_tokens": MAX_TOKENS,
                    "temperature": 0,
                    "messages": [
                        {"role": "system", "content": p.system},
                        {"role": "user", "content": p.user},
                    ],
                });
                if self.cfg.structured_output {
                    b["response_format"] = json!({"type": "json_schema", "json_schema":
                        {"name": "plan_summary", "strict": true, "schema": schema()}});
                }
                b
            }
        }
    }

    async fn http(
        &self,
        http: &reqwest::Client,
        base: &str,
        key: Option<&str>,
        p: &Prompt,
    ) -> Result<Reply, Failed> {
        let anthropic = self.provider == LlmProvider::Anthropic;
        let url = if anthropic {
            format!("{base}/v1/messages")
        } else {
            format!("{base}/v1/chat/completions")
        };
        let mut req = http.post(&url).json(&self.body(p));
        if anthropic {
            req = req.header("anthropic-version", "2023-06-01");
            if let Some(k) = key {
                req = req.header("x-api-key", k);
            }
        } else if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|s| Duration::from_secs_f64(s.clamp(0.0, 3600.0)));
        let text = resp.text().await.map_err(transport)?;
        let body: Option<Value> = serde_json::from_str(&text).ok();
        if !(200..300).contains(&status) {
            // OpenAI: {"error": {"message", "type", "code"}} (llama.cpp: code is a number);
            // Anthropic: {"type": "error", "error": {"type", "message"}}.
            let err = body.as_ref().and_then(|b| b.get("error"));
            let kind = err
                .and_then(|e| e.get("type").or_else(|| e.get("code")))
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .unwrap_or_default();
            let message = err
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .take(300)
                .collect::<String>();
            let quota = kind == "insufficient_quota"
                || err.and_then(|e| e.get("code")).and_then(Value::as_str)
                    == Some("insufficient_quota");
            return Err(Failed {
                class: format!("http-{status}"),
                detail: format!("{kind} {message}").trim().to_string(),
                retry: retryable(status) && !quota,
                retry_after,
            });
        }
        let body = body.ok_or_else(|| failed("malformed", "the response is not JSON"))?;
        let (text, input, output) = if anthropic {
            let text = body["content"]
                .as_array()
                .and_then(|c| c.iter().find(|b| b["type"] == "text"))
                .and_then(|b| b["text"].as_str());
            (
                text,
                &body["usage"]["input_tokens"],
                &body["usage"]["output_tokens"],
            )
        } else {
            let text = body["choices"][0]["message"]["content"].as_str();
            (
                text,
                &body["usage"]["prompt_tokens"],
                &body["usage"]["completion_tokens"],
            )
        };
        let text = text.ok_or_else(|| failed("malformed", "no text in the response"))?;
        Ok(Reply {
            text: text.to_string(),
            input_tokens: input.as_i64(),
            output_tokens: output.as_i64(),
        })
    }

    async fn bedrock(
        &self,
        c: &aws_sdk_bedrockruntime::Client,
        p: &Prompt,
    ) -> Result<Reply, Failed> {
        use aws_sdk_bedrockruntime::error::{ProvideErrorMetadata as _, SdkError};
        use aws_sdk_bedrockruntime::types::{
            ContentBlock, ConversationRole, InferenceConfiguration, JsonSchemaDefinition, Message,
            OutputConfig, OutputFormat, OutputFormatStructure, OutputFormatType,
            SystemContentBlock,
        };
        let build =
            |e: aws_smithy_types::error::operation::BuildError| failed("request", e.to_string());
        let message = Message::builder()
            .role(ConversationRole::User)
            .content(ContentBlock::Text(p.user.clone()))
            .build()
            .map_err(build)?;
        let mut req = c
            .converse()
            .model_id(&self.model)
            .system(SystemContentBlock::Text(p.system.clone()))
            .messages(message)
            .inference_config(
                InferenceConfiguration::builder()
                    .max_tokens(MAX_TOKENS as i32)
                    .temperature(0.0)
                    .build(),
            );
        if self.cfg.structured_output {
            let def = JsonSchemaDefinition::builder()
                .name("plan_summary")
                .schema(schema().to_string())
                .build()
                .map_err(build)?;
            let format = OutputFormat::builder()
                .r#type(OutputFormatType::JsonSchema)
                .structure(OutputFormatStructure::JsonSchema(def))
                .build()
                .map_err(build)?;
            req = req.output_config(OutputConfig::builder().text_format(format).build());
        }
        let out = req.send().await.map_err(|e| match &e {
            SdkError::TimeoutError(_) => failed("timeout", "the request timed out"),
            SdkError::ServiceError(s) => {
                let status = s.raw().status().as_u16();
                let code = s.err().code().unwrap_or("").to_string();
                Failed {
                    class: format!("http-{status}"),
                    detail: format!("{code} {}", s.err().message().unwrap_or(""))
                        .trim()
                        .to_string(),
                    retry: retryable(status) || code == "ThrottlingException",
                    retry_after: None,
                }
            }
            SdkError::ResponseError(_) => failed("malformed", "the response could not be read"),
            other => failed(
                "transport",
                aws_smithy_types::error::display::DisplayErrorContext(other).to_string(),
            ),
        })?;
        let text = out
            .output()
            .and_then(|o| o.as_message().ok())
            .and_then(|m| m.content().iter().find_map(|b| b.as_text().ok()))
            .ok_or_else(|| failed("malformed", "no text in the response"))?;
        Ok(Reply {
            text: text.clone(),
            input_tokens: out.usage().map(|u| u.input_tokens() as i64),
            output_tokens: out.usage().map(|u| u.output_tokens() as i64),
        })
    }
}

/// A request that timed out or could not be sent or read.
fn transport(e: reqwest::Error) -> Failed {
    let class = if e.is_timeout() {
        "timeout"
    } else {
        "transport"
    };
    failed(class, without_url(&e))
}

/// A transport error without the URL (it may carry a key in a query string): the
/// chain of its causes.
fn without_url(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut parts = Vec::new();
    let mut cur = e.source();
    while let Some(c) = cur {
        parts.push(c.to_string());
        cur = c.source();
    }
    if parts.is_empty() {
        parts.push(
            if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "could not connect"
            } else {
                "request failed"
            }
            .into(),
        );
    }
    parts.join(": ")
}

/// Time since `t`, in milliseconds.
pub fn millis(t: Instant) -> i64 {
    t.elapsed().as_millis() as i64
}
