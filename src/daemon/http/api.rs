//! The `/api/v1` handlers: status, scans, findings, resources, drift and waivers to read
//! (viewer), scans to start (operator), reloads (admin). Each read runs on its own
//! connection, off the async threads.

use axum::extract::{Path, Query, State as AxState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;

use super::{bad_request, internal, not_found, read, ApiError, Shared};
use crate::daemon::auth::Principal;
use crate::daemon::StartError;
use crate::store::{FilterQuery, FindingFilter};

pub(super) async fn status(
    AxState(state): AxState<Shared>,
) -> Result<Json<serde_json::Value>, ApiError> {
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
pub(super) struct ScansQuery {
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

pub(super) async fn scans(
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

pub(super) async fn scan(
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
pub(super) struct FindingsQuery {
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

pub(super) async fn findings(
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
    let iac = state.current().iac.clone();
    let (page, total, declared_at) = read(&state, move |s| {
        let now = chrono::Utc::now();
        // SQLite pages when it can; a status filter that separates waived findings from
        // open ones needs every waiver applied first, in memory.
        let (page, total) = match s.findings_page(&filter, now, n, offset).map_err(internal)? {
            Some(page) => page,
            None => {
                let all = s.findings(&filter, now).map_err(internal)?;
                let total = all.len();
                (
                    all.into_iter().skip(offset).take(n).collect::<Vec<_>>(),
                    total,
                )
            }
        };
        // `[iac] templates`: where the page's resources are declared.
        let mut declared_at = std::collections::BTreeMap::new();
        if !iac.resources.is_empty() {
            let ids: std::collections::BTreeSet<&str> =
                page.iter().map(|f| f.resource_id.as_str()).collect();
            let mut live = Vec::new();
            for id in ids {
                if let Some((r, _)) = s.current(id).map_err(internal)? {
                    live.push(r);
                }
            }
            let (rows, _) = crate::iac::drift::compare(&iac, &live, &Default::default());
            declared_at.extend(
                rows.into_iter()
                    .filter_map(|r| Some((r.live?, r.declared?))),
            );
        }
        Ok((page, total, declared_at))
    })
    .await?;
    let next = (offset + page.len() < total).then_some(offset + page.len());
    let mut doc = json!({
        "findings": page,
        "total": total,
        "offset": offset,
        "limit": n,
        "next_offset": next,
    });
    if !declared_at.is_empty() {
        doc["declared_at"] = json!(declared_at);
    }
    Ok(Json(doc))
}

pub(super) async fn finding(
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
pub(super) struct ResourceQuery {
    id: Option<String>,
}

pub(super) async fn resource(
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
pub(super) struct DriftQuery {
    /// Events of scans after this one (default: the latest scan's).
    since: Option<i64>,
    resource: Option<String>,
    /// At most this many events (default 1000, at most 1000).
    limit: Option<usize>,
}

pub(super) async fn drift(
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

pub(super) async fn waivers(
    AxState(state): AxState<Shared>,
) -> Result<Json<serde_json::Value>, ApiError> {
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
pub(super) struct StartScan {
    target: String,
}

pub(super) async fn start_scan(
    AxState(state): AxState<Shared>,
    Extension(who): Extension<Principal>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req: StartScan = serde_json::from_slice(&body).map_err(|e| {
        bad_request(format!(
            "body: {e} (expected {{\"target\": \"aws\" | \"kubernetes\" | a configured target's name}})"
        ))
    })?;
    let known = state.current().config.target_names();
    let target = crate::config::Config::canonical_target(&req.target).to_string();
    if !known.contains(&target) {
        return Err(bad_request(format!(
            "unknown target `{target}` (known: {})",
            known.join(", ")
        )));
    }
    match state.start_scan(target.clone(), "api") {
        Ok(run_id) => {
            tracing::info!(target: "daemon::http", principal = %who.name, run = %run_id, scan_target = %target, "scan requested");
            Ok((
                StatusCode::ACCEPTED,
                Json(json!({
                    "run_id": run_id,
                    "target": target,
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

pub(super) async fn reload(
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
