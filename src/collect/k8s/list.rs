//! Listing: every object of a kind (or of a kind in one namespace), page by page, with
//! bounded retries, many lists at once.

use std::time::Duration;

use futures::StreamExt as _;
use kube::discovery::ApiResource;
use serde_json::Value;

use super::normalize::normalize;
use super::{client::describe, ClusterOptions};
use crate::collect::ScopeResult;

/// One listing's outcome.
pub(super) struct Listed {
    pub(super) result: ScopeResult,
    /// The kube-system namespace's UID, from the Namespace listing.
    pub(super) identity: Option<String>,
    /// The HTTP status of a failed listing, when the API answered.
    pub(super) code: Option<u16>,
    pub(super) job: Job,
}

/// Lists jobs concurrently (at most `max_concurrency` at once) and normalizes their objects.
pub(super) async fn list_jobs(
    client: &kube::Client,
    cluster: &str,
    jobs: Vec<Job>,
    opts: &ClusterOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Vec<Listed> {
    futures::stream::iter(
        jobs.into_iter()
            .map(|job| {
                let client = client.clone();
                async move {
                    let r = list_all(
                        &client,
                        &job,
                        opts.page_size,
                        opts.max_attempts,
                        &opts.stats,
                    )
                    .await;
                    match r {
                        Ok(objects) => {
                            let identity = (job.ar.kind == "Namespace" && job.ar.group.is_empty())
                                .then(|| {
                                    objects.iter().find_map(|o| {
                                        let m = o.get("metadata")?;
                                        (m.get("name")? == "kube-system")
                                            .then(|| m.get("uid")?.as_str().map(str::to_string))?
                                    })
                                })
                                .flatten();
                            let resources = objects
                                .into_iter()
                                .filter_map(|mut o| {
                                    // List items carry no apiVersion/kind on the wire.
                                    if let Some(m) = o.as_object_mut() {
                                        m.insert(
                                            "apiVersion".into(),
                                            job.ar.api_version.clone().into(),
                                        );
                                        m.insert("kind".into(), job.ar.kind.clone().into());
                                    }
                                    normalize(o, cluster)
                                })
                                .collect();
                            Listed {
                                result: ScopeResult::ok(job.scope.clone(), resources),
                                identity,
                                code: None,
                                job,
                            }
                        }
                        Err(e) => Listed {
                            result: ScopeResult::failed(job.scope.clone(), e.message),
                            identity: None,
                            code: e.code,
                            job,
                        },
                    }
                }
            })
            .collect::<Vec<_>>(),
    )
    .buffer_unordered(opts.max_concurrency.max(1))
    .inspect(|l| progress(&l.result.scope))
    .collect()
    .await
}

/// Runs a request again when the API answers 429, 503 or 504 (overloaded, or an aggregated
/// API briefly unavailable): `attempts` in all, waiting 0.5 s, 1 s, 2 s, ... in between, or
/// the server's `retryAfterSeconds` when it gives one (at most 10 s).
pub(super) async fn retrying<T, F, Fut>(
    stats: &crate::collect::ApiStats,
    attempts: u32,
    mut f: F,
) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, kube::Error>>,
{
    let mut attempt = 1;
    loop {
        let result = f().await;
        stats.record("kubernetes", "apiserver", false);
        if matches!(&result, Err(kube::Error::Api(s)) if s.code == 429) {
            stats.record("kubernetes", "apiserver", true);
        }
        match result {
            Err(kube::Error::Api(s))
                if matches!(s.code, 429 | 503 | 504) && attempt < attempts.max(1) =>
            {
                let backoff = Duration::from_millis(500 << (attempt - 1).min(6));
                let server = s
                    .details
                    .as_ref()
                    .map(|d| Duration::from_secs(u64::from(d.retry_after_seconds)))
                    .filter(|d| !d.is_zero());
                let wait = server.unwrap_or(backoff).min(Duration::from_secs(10));
                tracing::debug!(target: "collect", code = s.code, attempt, ?wait, "retrying");
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

pub(super) struct Job {
    pub(super) ar: ApiResource,
    pub(super) namespace: Option<String>,
    pub(super) scope: String,
}

/// A listing that failed: the API's HTTP status when it answered, and the message.
pub(super) struct ListError {
    pub(super) code: Option<u16>,
    pub(super) message: String,
}

/// Lists every object of a job, page by page. A continue token that expires mid-way (410)
/// restarts the list, twice at most.
async fn list_all(
    client: &kube::Client,
    job: &Job,
    page_size: u32,
    max_attempts: u32,
    stats: &crate::collect::ApiStats,
) -> Result<Vec<Value>, ListError> {
    use kube::Resource as _;
    let path = kube::api::DynamicObject::url_path(&job.ar, job.namespace.as_deref());
    let request = kube::core::Request::new(path);
    let mut restarts = 0;
    'restart: loop {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0u32;
        loop {
            let mut lp = kube::api::ListParams::default().limit(page_size.max(1));
            if let Some(t) = &token {
                lp = lp.continue_token(t);
            }
            let page = retrying(stats, max_attempts, || {
                let req = request.list(&lp).map_err(kube::Error::BuildRequest);
                async move { client.request::<Value>(req?).await }
            })
            .await;
            let page: Value = match page {
                Ok(p) => p,
                Err(kube::Error::Api(s)) if s.code == 410 && token.is_some() && restarts < 2 => {
                    restarts += 1;
                    tracing::warn!(target: "collect", scope = %job.scope, "continue token expired; listing again");
                    continue 'restart;
                }
                Err(e) => {
                    let code = match &e {
                        kube::Error::Api(s) => Some(s.code),
                        _ => None,
                    };
                    let message = if pages == 0 {
                        describe(&e)
                    } else {
                        format!("page {} of the list: {}", pages + 1, describe(&e))
                    };
                    return Err(ListError { code, message });
                }
            };
            pages += 1;
            match page.get("items") {
                Some(Value::Array(a)) => items.extend(a.iter().cloned()),
                Some(Value::Null) | None => {}
                Some(_) => {
                    return Err(ListError {
                        code: None,
                        message: "the list's `items` is not an array".into(),
                    })
                }
            }
            token = page
                .pointer("/metadata/continue")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if token.is_none() {
                tracing::debug!(target: "collect", scope = %job.scope, objects = items.len(), pages, "listed");
                return Ok(items);
            }
        }
    }
}
