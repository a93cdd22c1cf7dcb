//! The daemon's HTTP server (axum): health, readiness and metrics without a token; the JSON
//! API under `/api/v1` with bearer tokens and roles.
//!
//! | route | role |
//! |---|---|
//! | `GET /healthz`, `GET /readyz`, `GET /metrics` | none |
//! | `GET /api/v1/status`, `/scans`, `/scans/{id}`, `/findings`, `/findings/{id}`, `/resources?id=`, `/drift`, `/waivers` | viewer |
//! | `GET /api/v1/plans`, `/plans/{id}` | viewer |
//! | `GET /api/v1/reports/posture?baseline=&target=&scan=`, `GET /reports/posture` (HTML) | viewer |
//! | `POST /api/v1/plans/{id}/approve` | a token with `approver = true` (any role) |
//! | `POST /api/v1/scans`, `/plans/{id}/reject`, `/plans/{id}/apply` | operator |
//! | `POST /api/v1/reload` | admin |

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State as AxState};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

mod api;
mod page;
mod plans;
mod reports;

use super::auth::{Principal, Role};
use super::{Phase, State};
use crate::store::Store;
use api::{drift, finding, findings, reload, resource, scan, scans, start_scan, status, waivers};

type Shared = Arc<State>;

/// An API error: a status and a message, as `{"error": "..."}`.
pub struct ApiError(pub(super) StatusCode, pub(super) String);

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

pub(super) fn bad_request(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

pub(super) fn not_found(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, msg.into())
}

/// The details go to the log, not to the client (they can name files and SQL).
pub(super) fn internal(e: impl std::fmt::Display) -> ApiError {
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
        .route("/api/v1/plans", get(plans::list))
        .route("/api/v1/plans/{id}", get(plans::get))
        .route("/api/v1/reports/posture", get(reports::posture_json))
        .route("/reports/posture", get(reports::posture_page))
        // The approver capability is checked (and a refusal audited) by the handler.
        .route("/api/v1/plans/{id}/approve", post(plans::approve))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Role::Viewer),
            authorize,
        ));
    let operator = Router::new()
        .route("/api/v1/scans", post(start_scan))
        .route("/api/v1/plans/{id}/reject", post(plans::reject))
        .route("/api/v1/plans/{id}/apply", post(plans::apply))
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
        // The approval page: its own checks (a link token or a viewer token to read; the
        // approver's token and TOTP code, in the form, to approve).
        .route("/plans/{id}", get(page::show))
        .route("/plans/{id}/approve", post(page::approve))
        .route("/assets/vigil.css", get(page::css))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
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
    let scheduled: std::collections::BTreeSet<String> =
        loaded.schedules().into_iter().map(|(t, _)| t).collect();
    for t in &scheduled {
        if let Some(since) = health.get(t).and_then(|h| h.failing_since) {
            if chrono::Utc::now() - since > max {
                problems.push(format!(
                    "every scan of {} has failed since {} (longer than daemon.ready_max_failing_seconds = {})",
                    t,
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
pub(super) async fn read<T, F>(state: &Shared, f: F) -> Result<T, ApiError>
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
