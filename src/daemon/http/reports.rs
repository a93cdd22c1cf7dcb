//! The posture over HTTP: `GET /api/v1/reports/posture` (the JSON document of `vigil report
//! --format json`) and `GET /reports/posture` (the HTML page), both for a viewer token.

use axum::extract::{Query, State as AxState};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::{bad_request, internal, not_found, read, ApiError, Shared};
use crate::report::posture::{self, load};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PostureQuery {
    /// low, moderate or high (default: the config's `posture.baseline`).
    baseline: Option<String>,
    /// Only this target's scans.
    target: Option<String>,
    /// This scan instead of the latest per target.
    scan: Option<i64>,
    /// Scans per target in the trend (default 10).
    trend: Option<usize>,
    /// Only this account or cluster (an AWS account id or name, a cluster name).
    account: Option<String>,
}

async fn build(state: &Shared, q: PostureQuery) -> Result<posture::Posture, ApiError> {
    let loaded = state.current();
    let level = match q.baseline.as_deref() {
        None => loaded.config.posture.level(),
        Some(b) => crate::controls::Level::parse(b).ok_or_else(|| {
            bad_request(format!(
                "unknown baseline `{b}` (known: low, moderate, high)"
            ))
        })?,
    };
    let sel = load::Selection {
        target: q.target,
        scan: q.scan,
        trend: q.trend.unwrap_or(10).clamp(1, 100),
        accounts: q.account.into_iter().collect(),
    };
    read(state, move |s| {
        let mut p = load::posture(
            s,
            &loaded.rules,
            &loaded.config.posture,
            level,
            &sel,
            chrono::Utc::now(),
        )
        .map_err(|e| match e {
            load::Error::Store(e) => internal(e),
            other => not_found(other.to_string()),
        })?;
        crate::daemon::reports::add_code_drift(s, &mut p, &loaded).map_err(internal)?;
        Ok(p)
    })
    .await
}

pub(super) async fn posture_json(
    AxState(state): AxState<Shared>,
    Query(q): Query<PostureQuery>,
) -> Result<Json<posture::Posture>, ApiError> {
    Ok(Json(build(&state, q).await?))
}

pub(super) async fn posture_page(
    AxState(state): AxState<Shared>,
    Query(q): Query<PostureQuery>,
) -> Result<Response, ApiError> {
    let p = build(&state, q).await?;
    let html = posture::render::html(&p, None).map_err(internal)?;
    let csp = posture::render::csp(posture::render::CSS);
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                format!("{csp}; frame-ancestors 'none'"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            (header::REFERRER_POLICY, "no-referrer".into()),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
        html,
    )
        .into_response())
}
