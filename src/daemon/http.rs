//! The daemon's HTTP server (axum): health, readiness and metrics without a token; the JSON
//! API under `/api/v1` with bearer tokens and roles.
//!
//! | route | role |
//! |---|---|
//! | `GET /healthz`, `GET /readyz`, `GET /metrics` | none |
//! | `GET /api/v1/status`, `/scans`, `/scans/{id}`, `/findings`, `/findings/{id}`, `/resources?id=`, `/drift`, `/waivers` | viewer |
//! | `POST /api/v1/scans` | operator |
//! | `POST /api/v1/reload` | admin |

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, Request, State as AxState};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::auth::{Principal, Role};
use super::{Phase, StartError, State};
use crate::scan::Target;
use crate::store::{FilterQuery, FindingFilter, Store};

type Shared = Arc<State>;

/// An API error: a status and a message, as `{"error": "..."}`.
pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.0, Json(json!({ "error": self.1 }))).into_response();
        if self.0 == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"vigil\""),
            );
        }
        r
    }
}

fn bad_request(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

fn not_found(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, msg.into())
}

/// The details go to the log, not to the client (they can name files and SQL).
fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(target: "daemon::http", error = %e, "request failed");
    ApiError(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error; the daemon's log has the details".into(),
    )
}

pub fn router(state: Shared) -> Router {
    let viewer = Router::new()
        .route("/api/v1/status", get(status))
        .route("/api/v1/scans", get(scans))
        .route("/api/v1/scans/{id}", get(scan))
        .route("/api/v1/findings", get(findings))
        .route("/api/v1/findings/{id}", get(finding))
        .route("/api/v1/resources", get(resource))
        .route("/api/v1/drift", get(drift))
        .route("/api/v1/waivers", get(waivers))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Role::Viewer),
            authorize,
        ));
    let operator = Router::new()
        .route("/api/v1/scans", post(start_scan))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Role::Operator),
            authorize,
        ));
    let admin = Router::new()
        .route("/api/v1/reload", post(reload))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Role::Admin),
            authorize,
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(viewer)
        .merge(operator)
        .merge(admin)
        .fallback(|| async { ApiError(StatusCode::NOT_FOUND, "no such route".into()) })
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

/// One line per API request: method, path, status, who, how long. Never headers, so never
/// a token.
async fn access_log(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let t0 = Instant::now();
    let resp = next.run(req).await;
    let who = resp
        .extensions()
        .get::<Principal>()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    if path.starts_with("/api/") || !resp.status().is_success() {
        tracing::info!(target: "daemon::http", %method, path, status = resp.status().as_u16(),
            principal = who, ms = t0.elapsed().as_millis() as u64, "request");
    }
    resp
}

/// 401 without a known token, 403 with a token whose role is too low.
async fn authorize(
    AxState((state, need)): AxState<(Shared, Role)>,
    mut req: Request,
    next: Next,
) -> Response {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    let Some(token) = token else {
        return ApiError(
            StatusCode::UNAUTHORIZED,
            "this route needs a bearer token (Authorization: Bearer TOKEN)".into(),
        )
        .into_response();
    };
    let tokens = state.current().tokens.clone();
    let Some(who) = tokens.check(token).cloned() else {
        return ApiError(StatusCode::UNAUTHORIZED, "unknown token".into()).into_response();
    };
    if who.role < need {
        let mut r = ApiError(
            StatusCode::FORBIDDEN,
            format!(
                "this route needs the {} role; token `{}` has {}",
                need.as_str(),
                who.name,
                who.role.as_str()
            ),
        )
        .into_response();
        r.extensions_mut().insert(who);
        return r;
    }
    req.extensions_mut().insert(who.clone());
    let mut r = next.run(req).await;
    r.extensions_mut().insert(who);
    r
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready when the database opens, rules are loaded, and no scheduled target has been
/// failing for longer than `daemon.ready_max_failing_seconds`.
async fn readyz(AxState(state): AxState<Shared>) -> Response {
    let loaded = state.current();
    let mut problems: Vec<String> = Vec::new();
    let db = state.db_path.clone();
    let db_ok =
        tokio::task::spawn_blocking(move || Store::open(&db).and_then(|s| s.count("scans")))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
    if let Err(e) = &db_ok {
        problems.push(format!("database: {e}"));
    }
    if loaded.rules.rules.is_empty() {
        problems.push("no rules loaded".into());
    }
    if state.phase() != Phase::Running {
        problems.push("shutting down".into());
    }
    let max = chrono::Duration::seconds(loaded.config.daemon.ready_max_failing_seconds as i64);
    let health = state.health();
    let scheduled: std::collections::BTreeSet<Target> =
        loaded.schedules().into_iter().map(|(t, _)| t).collect();
    for t in &scheduled {
        if let Some(since) = health.get(t).and_then(|h| h.failing_since) {
            if chrono::Utc::now() - since > max {
                problems.push(format!(
                    "every scan of {} has failed since {} (longer than daemon.ready_max_failing_seconds = {})",
                    t.as_str(),
                    since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    max.num_seconds()
                ));
            }
        }
    }
    let body = json!({
        "ready": problems.is_empty(),
        "problems": problems,
        "rules": loaded.rules.rules.len(),
        "targets": health,
    });
    let code = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body)).into_response()
}

async fn metrics(AxState(state): AxState<Shared>) -> Response {
    let mut r = state.metrics.encode().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    r
}

/// Runs a read against its own connection, off the async threads.
async fn read<T, F>(state: &Shared, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
{
    let db = state.db_path.clone();
    tokio::task::spawn_blocking(move || {
        let store = Store::open(&db).map_err(internal)?;
        f(&store)
    })
    .await
    .map_err(internal)?
}

async fn status(AxState(state): AxState<Shared>) -> Result<Json<serde_json::Value>, ApiError> {
    let loaded = state.current();
    let now = chrono::Utc::now();
    let schedules: Vec<serde_json::Value> = loaded
        .schedules()
        .into_iter()
        .map(|(t, cron)| {
            let next = crate::config::parse_cron(&cron)
                .ok()
                .and_then(|c| c.find_next_occurrence(&now, false).ok())
                .map(|n| n.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            json!({"target": t.as_str(), "cron": cron, "next": next})
        })
        .collect();
    Ok(Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "started_at": state.started_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "rules": loaded.rules.rules.len(),
        "rules_loaded_at": loaded.loaded_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "schedules": schedules,
        "running": state.running(),
        "targets": state.health(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScansQuery {
    target: Option<String>,
    run_id: Option<String>,
    before: Option<i64>,
    limit: Option<usize>,
}

const MAX_LIMIT: usize = 1000;

fn limit(l: Option<usize>, default: usize) -> Result<usize, ApiError> {
    match l {
        None => Ok(default),
        Some(0) => Err(bad_request("`limit` must be at least 1")),
        Some(n) if n > MAX_LIMIT => Err(bad_request(format!("`limit` is at most {MAX_LIMIT}"))),
        Some(n) => Ok(n),
    }
}

async fn scans(
    AxState(state): AxState<Shared>,
    q: Result<Query<ScansQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(q) = q.map_err(|e| bad_request(e.body_text()))?;
    let n = limit(q.limit, 50)?;
    let rows = read(&state, move |s| {
        s.scans(q.target.as_deref(), q.run_id.as_deref(), q.before, n)
            .map_err(internal)
    })
    .await?;
    let next = (rows.len() == n)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(Json(json!({ "scans": rows, "next_before": next })))
}

fn parse_id(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| bad_request(format!("`{raw}` is not a {what} id (a number)")))
}

async fn scan(
    AxState(state): AxState<Shared>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = parse_id(&id, "scan")?;
    let (scan, rules) = read(&state, move |s| {
        let scan = s
            .scan(id)
            .map_err(internal)?
            .ok_or_else(|| not_found(format!("no scan {id}")))?;
        Ok((scan, s.rule_results(id).map_err(internal)?))
    })
    .await?;
    let failed: Vec<&crate::model::Coverage> = scan
        .coverage
        .iter()
        .filter(|c| c.status != crate::model::CoverageStatus::Complete)
        .collect();
    let rules: serde_json::Map<String, serde_json::Value> = rules
        .into_iter()
        .map(|(k, (p, f, e))| (k, json!({"pass": p, "fail": f, "error": e})))
        .collect();
    Ok(Json(json!({
        "scan": scan,
        "coverage_summary": {
            "scopes": scan.coverage.len(),
            "incomplete": failed.len(),
        },
        "rules": rules,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingsQuery {
    /// Comma-separated: open, reopened, waived, resolved.
    status: Option<String>,
    /// At or above.
    severity: Option<String>,
    rule: Option<String>,
    control: Option<String>,
    resource: Option<String>,
    account: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn findings(
    AxState(state): AxState<Shared>,
    q: Result<Query<FindingsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(q) = q.map_err(|e| bad_request(e.body_text()))?;
    let filter = FindingFilter::parse(FilterQuery {
        statuses: q
            .status
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::to_string)
            .collect(),
        severity: q.severity,
        rule: q.rule,
        control: q.control,
        resource: q.resource,
        account: q.account,
    })
    .map_err(bad_request)?;
    let n = limit(q.limit, 100)?;
    let offset = q.offset.unwrap_or(0);
    let (page, total) = read(&state, move |s| {
        let now = chrono::Utc::now();
        // SQLite pages when it can; a status filter that separates waived findings from
        // open ones needs every waiver applied first, in memory.
        if let Some(page) = s.findings_page(&filter, now, n, offset).map_err(internal)? {
            return Ok(page);
        }
        let all = s.findings(&filter, now).map_err(internal)?;
        let total = all.len();
        Ok((
            all.into_iter().skip(offset).take(n).collect::<Vec<_>>(),
            total,
        ))
    })
    .await?;
    let next = (offset + page.len() < total).then_some(offset + page.len());
    Ok(Json(json!({
        "findings": page,
        "total": total,
        "offset": offset,
        "limit": n,
        "next_offset": next,
    })))
}

async fn finding(
    AxState(state): AxState<Shared>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = parse_id(&id, "finding")?;
    let (f, history) = read(&state, move |s| {
        s.finding(id, chrono::Utc::now())
            .map_err(internal)?
            .ok_or_else(|| not_found(format!("no finding {id}")))
    })
    .await?;
    Ok(Json(json!({ "finding": f, "history": history })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceQuery {
    id: Option<String>,
}

async fn resource(
    AxState(state): AxState<Shared>,
    q: Result<Query<ResourceQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(q) = q.map_err(|e| bad_request(e.body_text()))?;
    let id = q
        .id
        .ok_or_else(|| bad_request("give the resource's id: /api/v1/resources?id=ARN_OR_K8S_ID"))?;
    let r = read(&state, move |s| {
        s.resource_history(&id)
            .map_err(internal)?
            .ok_or_else(|| not_found(format!("no resource `{id}`")))
    })
    .await?;
    Ok(Json(json!({ "resource": r })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DriftQuery {
    /// Events of scans after this one (default: the latest scan's).
    since: Option<i64>,
    resource: Option<String>,
    /// At most this many events (default 1000, at most 1000).
    limit: Option<usize>,
}

async fn drift(
    AxState(state): AxState<Shared>,
    q: Result<Query<DriftQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(q) = q.map_err(|e| bad_request(e.body_text()))?;
    let n = limit(q.limit, 1000)?;
    let (since, mut events) = read(&state, move |s| {
        let since = match q.since {
            Some(n) => n,
            None => s.latest_scan(None).map_err(internal)?.unwrap_or(0) - 1,
        };
        Ok((
            since,
            s.drift_since(since, q.resource.as_deref())
                .map_err(internal)?,
        ))
    })
    .await?;
    let total = events.len();
    events.truncate(n);
    Ok(Json(
        json!({ "since": since, "events": events, "total": total, "truncated": total > n }),
    ))
}

async fn waivers(AxState(state): AxState<Shared>) -> Result<Json<serde_json::Value>, ApiError> {
    let now = chrono::Utc::now();
    let rows = read(&state, move |s| s.waiver_matches(now).map_err(internal)).await?;
    let out: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|(w, matches)| {
            let expired = w.expired(now);
            json!({"waiver": w, "matches": matches, "expired": expired})
        })
        .collect();
    Ok(Json(json!({ "waivers": out })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartScan {
    target: String,
}

async fn start_scan(
    AxState(state): AxState<Shared>,
    Extension(who): Extension<Principal>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req: StartScan = serde_json::from_slice(&body).map_err(|e| {
        bad_request(format!(
            "body: {e} (expected {{\"target\": \"aws\" | \"kubernetes\"}})"
        ))
    })?;
    let target = Target::parse(&req.target).ok_or_else(|| {
        bad_request(format!(
            "unknown target `{}` (known: aws, kubernetes)",
            req.target
        ))
    })?;
    match state.start_scan(target, "api") {
        Ok(run_id) => {
            tracing::info!(target: "daemon::http", principal = %who.name, run = %run_id, scan_target = target.as_str(), "scan requested");
            Ok((
                StatusCode::ACCEPTED,
                Json(json!({
                    "run_id": run_id,
                    "target": target.as_str(),
                    "poll": format!("/api/v1/scans?run_id={run_id}"),
                })),
            )
                .into_response())
        }
        Err(e @ StartError::Busy { .. }) => Err(ApiError(StatusCode::CONFLICT, e.to_string())),
        Err(e @ StartError::ShuttingDown) => {
            Err(ApiError(StatusCode::SERVICE_UNAVAILABLE, e.to_string()))
        }
    }
}

async fn reload(
    AxState(state): AxState<Shared>,
    Extension(who): Extension<Principal>,
) -> Result<Json<serde_json::Value>, ApiError> {
    tracing::info!(target: "daemon::http", principal = %who.name, "reload requested");
    match state.reload().await {
        Ok(n) => Ok(Json(json!({"reloaded": true, "rules": n}))),
        Err(problems) => Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "the new rules or config are invalid; the set in force stays:\n{}",
                problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        )),
    }
}
