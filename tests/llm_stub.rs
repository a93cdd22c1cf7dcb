//! A local server speaking the three providers' wire formats (Bedrock Converse, OpenAI chat
//! completions, Anthropic messages), driven by a script per test: answers, errors (429,
//! 500, 529, with each vendor's error body and headers), malformed JSON, slow answers, and
//! an "obedient attacker" that answers with the estate strings it was given as if it had
//! followed them. Every request is kept for the test to read (path, headers, body).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Step {
    /// This text as the model's answer.
    Answer(String),
    /// A status with the vendor's error body; `retry_after` in seconds.
    Error(u16, Option<u32>),
    /// A 200 whose body is not JSON.
    Malformed,
    /// Wait, then the next step's answer.
    Slow(Duration, Box<Step>),
    /// Answer with the estate strings the prompt quoted, as summary, changes and risk
    /// "low": a model that obeys whatever it reads.
    Obey,
}

/// A request as the stub saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Value,
}

#[derive(Default)]
struct Inner {
    script: VecDeque<Step>,
    /// Used when the script is empty.
    default: Option<Step>,
    seen: Vec<Seen>,
}

pub struct Stub {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
    _thread: std::thread::JoinHandle<()>,
}

/// A summary answer that passes every check for a plan on `target`.
pub fn good_answer(target: &str) -> String {
    json!({
        "summary": format!("Turns on yearly rotation of the KMS key {target}, which the rule expects for customer keys."),
        "changes": [format!("enable key rotation on {target}")],
        "risk": "medium",
        "impact": "Encryption and decryption keep working; new key material is made each year.",
        "rollback": "Disable key rotation again."
    })
    .to_string()
}

impl Stub {
    pub fn start(script: Vec<Step>, default: Option<Step>) -> Stub {
        let inner = Arc::new(Mutex::new(Inner {
            script: script.into(),
            default,
            seen: Vec::new(),
        }));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = inner.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let app = Router::new()
                    .route("/v1/chat/completions", post(openai))
                    .route("/v1/messages", post(anthropic))
                    .route("/model/{id}/converse", post(bedrock))
                    .with_state(state);
                let l = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(l, app).await.unwrap();
            });
        });
        Stub {
            url,
            inner,
            _thread: thread,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().seen.clone()
    }
}

type Shared = Arc<Mutex<Inner>>;

#[derive(Clone, Copy, PartialEq)]
enum Wire {
    OpenAi,
    Anthropic,
    Bedrock,
}

async fn openai(State(s): State<Shared>, h: HeaderMap, body: String) -> Response {
    answer(s, Wire::OpenAi, "/v1/chat/completions".into(), h, body).await
}
async fn anthropic(State(s): State<Shared>, h: HeaderMap, body: String) -> Response {
    answer(s, Wire::Anthropic, "/v1/messages".into(), h, body).await
}
async fn bedrock(
    State(s): State<Shared>,
    Path(id): Path<String>,
    h: HeaderMap,
    body: String,
) -> Response {
    answer(s, Wire::Bedrock, format!("/model/{id}/converse"), h, body).await
}

/// The user message of a request, in any of the three formats.
fn user_text(wire: Wire, body: &Value) -> String {
    let msgs = body["messages"].as_array().cloned().unwrap_or_default();
    let user = msgs
        .iter()
        .find(|m| m["role"] == "user")
        .cloned()
        .unwrap_or(Value::Null);
    match wire {
        Wire::Bedrock => user["content"][0]["text"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        _ => user["content"].as_str().unwrap_or("").to_string(),
    }
}

/// The estate strings between the prompt's markers.
pub fn quoted(prompt: &str) -> Vec<String> {
    let Some(start) = prompt.find("<<ESTATE-") else {
        return Vec::new();
    };
    let rest = &prompt[start..];
    let open = rest.find(">>\n").map(|i| i + 3).unwrap_or(0);
    let close = rest.find("\n<<END-").unwrap_or(rest.len());
    serde_json::from_str(&rest[open..close]).unwrap_or_default()
}

async fn answer(s: Shared, wire: Wire, path: String, headers: HeaderMap, body: String) -> Response {
    let parsed: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let step = {
        let mut i = s.lock().unwrap();
        i.seen.push(Seen {
            path,
            headers,
            body: parsed.clone(),
        });
        i.script
            .pop_front()
            .or_else(|| i.default.clone())
            .unwrap_or(Step::Malformed)
    };
    let mut step = step;
    while let Step::Slow(d, next) = step {
        tokio::time::sleep(d).await;
        step = *next;
    }
    let text = match step {
        Step::Answer(t) => t,
        Step::Obey => {
            let q = quoted(&user_text(wire, &parsed));
            let all = q.join(" ");
            json!({"summary": all, "changes": q, "risk": "low",
                   "impact": all, "rollback": "none needed"})
            .to_string()
        }
        Step::Malformed => {
            return (
                StatusCode::OK,
                [("content-type", "application/json")],
                "{\"choices\": [",
            )
                .into_response()
        }
        Step::Error(code, retry_after) => return error(wire, code, retry_after),
        Step::Slow(..) => unreachable!(),
    };
    let model = parsed["model"].as_str().unwrap_or("bedrock-model");
    let v = match wire {
        Wire::OpenAi => {
            json!({"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 812, "completion_tokens": 143, "total_tokens": 955}})
        }
        Wire::Anthropic => {
            json!({"id": "msg_1", "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": null,
            "usage": {"input_tokens": 812, "output_tokens": 143}})
        }
        Wire::Bedrock => {
            json!({"output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": "end_turn", "usage": {"inputTokens": 812, "outputTokens": 143, "totalTokens": 955},
            "metrics": {"latencyMs": 1234}})
        }
    };
    (StatusCode::OK, axum::Json(v)).into_response()
}

fn error(wire: Wire, code: u16, retry_after: Option<u32>) -> Response {
    let status = StatusCode::from_u16(code).unwrap();
    let mut headers = HeaderMap::new();
    if let Some(s) = retry_after {
        headers.insert("retry-after", s.to_string().parse().unwrap());
    }
    let body = match wire {
        Wire::OpenAi => json!({"error": {"message": "scripted error", "type": "requests",
            "param": null, "code": if code == 429 { "rate_limit_exceeded" } else { "server_error" }}}),
        Wire::Anthropic => {
            let t = match code {
                429 => "rate_limit_error",
                529 => "overloaded_error",
                _ => "api_error",
            };
            json!({"type": "error", "error": {"type": t, "message": "scripted error"}})
        }
        Wire::Bedrock => {
            let t = match code {
                429 => "ThrottlingException",
                503 => "ServiceUnavailableException",
                _ => "InternalServerException",
            };
            headers.insert("x-amzn-errortype", t.parse().unwrap());
            json!({"message": "scripted error"})
        }
    };
    (status, headers, axum::Json(body)).into_response()
}
