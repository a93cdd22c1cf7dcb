//! `/api/v1/plans`: plans to read (viewer), to approve (a token with the approver
//! capability, and the approver's TOTP code), to reject and to apply (operator). The
//! principal is the token's name.

use axum::extract::{Path, Query, State as AxState};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;

use super::{bad_request, internal, not_found, read, ApiError, Shared};
use crate::daemon::auth::Principal;
use crate::daemon::plans;
use crate::daemon::state::with_store;
use crate::remediate::PlanState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PlansQuery {
    state: Option<String>,
}

pub(super) async fn list(
    AxState(state): AxState<Shared>,
    Query(q): Query<PlansQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let states = match q.state.as_deref() {
        None => vec![],
        Some(s) => vec![PlanState::parse(s).ok_or_else(|| {
            bad_request(format!(
                "unknown plan state `{s}` (known: {})",
                PlanState::names()
            ))
        })?],
    };
    let plans = read(&state, move |store| store.plans(&states).map_err(internal)).await?;
    let plans: Vec<_> = plans.iter().map(crate::report::plans::json).collect();
    Ok(Json(json!({"plans": plans})))
}

pub(super) async fn get(
    AxState(state): AxState<Shared>,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let p = read(&state, move |store| store.plan(id).map_err(internal)).await?;
    let p = p.ok_or_else(|| not_found(format!("no plan {id}")))?;
    Ok(Json(crate::report::plans::json(&p)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Approve {
    hash: String,
    totp: String,
}

/// A refusal of the store (SoD, hash, state, code) is 409 with its reason; a principal the
/// approvers file does not know is 403.
fn refused(e: crate::remediate::flow::Error) -> ApiError {
    use crate::remediate::approvers::Error as A;
    use crate::remediate::flow::Error as F;
    match e {
        F::Store(crate::store::Error::Refused(m)) => ApiError(StatusCode::CONFLICT, m),
        F::Store(crate::store::Error::NotFound(m)) => not_found(format!("no {m}")),
        F::Approvers(e @ A::NotEnrolled(_)) => ApiError(StatusCode::FORBIDDEN, e.to_string()),
        other => internal(other),
    }
}

/// Approves plan `id`'s `hash` as `who` with a TOTP code, for the API and the approval
/// page alike: the approver capability (a refusal is audited), the code, the store's checks;
/// then the gauge, the event and an apply on approval.
pub(super) async fn approve_as(
    state: &Shared,
    who: &Principal,
    id: i64,
    hash: String,
    totp: String,
) -> Result<crate::store::Approved, ApiError> {
    let config = state.current().config.clone();
    if !who.approver {
        let reason = format!(
            "token `{}` ({}) may not approve plans: approving is a capability of its own (approver = true in the tokens file)",
            who.name,
            who.role.as_str()
        );
        let (name, hash, r) = (who.name.clone(), hash.clone(), reason.clone());
        with_store(state, move |s| {
            s.refuse_approval(id, &name, &hash, &r, chrono::Utc::now())
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(internal)?;
        return Err(ApiError(StatusCode::FORBIDDEN, reason));
    }
    let name = who.name.clone();
    let done = tokio::task::spawn_blocking({
        let db = state.db_path.clone();
        move || {
            let mut store = crate::store::Store::open(&db).map_err(internal)?;
            crate::remediate::flow::approve_plan(
                &mut store,
                &config,
                id,
                &name,
                &hash,
                &totp,
                chrono::Utc::now(),
            )
            .map_err(refused)
        }
    })
    .await
    .map_err(internal)??;
    tracing::info!(target: "remediate", plan = id, principal = %who.name, approvals = done.approvals,
        required = done.required, state = %done.state, "plan approval");
    plans::refresh_gauge(state).await;
    if done.state == PlanState::Approved {
        plans::notify(state, id).await;
    }
    if done.state == PlanState::Approved && state.current().config.plans.apply == "on-approval" {
        let s = state.clone();
        tokio::spawn(async move { plans::sweep(&s).await });
    }
    Ok(done)
}

pub(super) async fn approve(
    AxState(state): AxState<Shared>,
    Extension(who): Extension<Principal>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let req: Approve = serde_json::from_slice(&body).map_err(|e| {
        bad_request(format!(
            "body: {e} (expected {{\"hash\": \"<the plan's hash>\", \"totp\": \"<current code>\"}})"
        ))
    })?;
    let done = approve_as(&state, &who, id, req.hash, req.totp).await?;
    Ok(Json(json!({
        "id": id, "state": done.state, "approvals": done.approvals, "required": done.required,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Reject {
    reason: String,
}

pub(super) async fn reject(
    AxState(state): AxState<Shared>,
    Extension(who): Extension<Principal>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let req: Reject = serde_json::from_slice(&body)
        .map_err(|e| bad_request(format!("body: {e} (expected {{\"reason\": \"...\"}})")))?;
    let name = who.name.clone();
    let p = tokio::task::spawn_blocking({
        let db = state.db_path.clone();
        move || {
            let mut store = crate::store::Store::open(&db).map_err(internal)?;
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            store
                .move_plan(
                    id,
                    PlanState::Rejected,
                    &name,
                    &now,
                    Some(&req.reason),
                    json!({}),
                )
                .map_err(|e| refused(e.into()))
        }
    })
    .await
    .map_err(internal)??;
    plans::refresh_gauge(&state).await;
    plans::notify(&state, id).await;
    Ok(Json(crate::report::plans::json(&p)))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct Apply {
    #[serde(default)]
    dry_run: bool,
}

pub(super) async fn apply(
    AxState(state): AxState<Shared>,
    Extension(who): Extension<Principal>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let req: Apply = if body.is_empty() {
        Apply::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            bad_request(format!(
                "body: {e} (expected {{\"dry_run\": true|false}} or nothing)"
            ))
        })?
    };
    use crate::remediate::apply::Error as E;
    let done = plans::apply(&state, id, who.name.clone(), req.dry_run)
        .await
        .map_err(|e| match e {
            E::Store(crate::store::Error::NotFound(m)) => not_found(format!("no {m}")),
            e @ (E::NotApproved(..)
            | E::Interrupted { .. }
            | E::Duties(..)
            | E::Stale(..)
            | E::Unreadable(..)) => ApiError(StatusCode::CONFLICT, e.to_string()),
            E::Store(crate::store::Error::Refused(m)) => ApiError(StatusCode::CONFLICT, m),
            other => ApiError(StatusCode::BAD_GATEWAY, other.to_string()),
        })?;
    plans::refresh_gauge(&state).await;
    Ok(Json(json!({
        "plan": crate::report::plans::json(&done.plan),
        "checks": done.checks,
        "dry_run": done.dry_run,
    })))
}
