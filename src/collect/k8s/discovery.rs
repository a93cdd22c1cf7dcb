//! Discovery: which version of each kind the server serves, one query per API group, so a
//! broken group fails only its own kinds.

use std::collections::BTreeMap;

use futures::StreamExt as _;
use kube::discovery::{ApiGroup, ApiResource, Scope};

use super::list::{retrying, Job};
use super::{describe, scope, ClusterOptions, Kind};
use crate::collect::ScopeResult;

/// Each API group's discovery (one query per group, at most `max_concurrency` at once), or
/// why it failed.
pub(super) async fn discover(
    client: &kube::Client,
    kinds: &[Kind],
    opts: &ClusterOptions,
) -> BTreeMap<&'static str, Result<ApiGroup, String>> {
    let mut groups: Vec<&'static str> = kinds.iter().map(|k| k.group).collect();
    groups.sort_unstable();
    groups.dedup();
    // Futures are collected first: a `Map` with a closure in the stream's type makes the
    // whole collection non-`Send` (rust-lang/rust#102211), and the daemon spawns it.
    let queries: Vec<_> = groups
        .into_iter()
        .map(|g: &'static str| {
            let client = client.clone();
            async move {
                let r = retrying(&opts.stats, opts.max_attempts, || {
                    kube::discovery::group(&client, g)
                })
                .await
                .map_err(|e| describe(&e));
                // A group's discovery is one request for the group and one per version.
                if let Ok(group) = &r {
                    for _ in group.versions() {
                        opts.stats.record("kubernetes", "apiserver", false);
                    }
                }
                (g, r)
            }
        })
        .collect();
    futures::stream::iter(queries)
        .buffer_unordered(opts.max_concurrency.max(1))
        .collect()
        .await
}

/// The lists to make, one per kind (per namespace for a namespaced kind when `namespaces`
/// restricts collection), and the scopes already settled: failed where discovery failed or
/// the kind cannot be listed, complete and empty where the server does not serve the kind.
pub(super) fn plan(
    kinds: &[Kind],
    discovered: &BTreeMap<&'static str, Result<ApiGroup, String>>,
    opts: &ClusterOptions,
    cluster: &str,
) -> (Vec<Job>, Vec<ScopeResult>) {
    let mut jobs: Vec<Job> = Vec::new();
    let mut results: Vec<ScopeResult> = Vec::new();
    for kind in kinds {
        let ty = kind.resource_type();
        let group_name = kind.group_name();
        let all = scope(cluster, "*", &ty);
        let group = discovered.get(kind.group).expect("every group was queried");
        let (ar, namespaced) = match group.as_ref().map(|g| best_version(g, kind.kind)) {
            Err(e) => {
                let error = format!("discovering API group {group_name}: {e}");
                results.push(ScopeResult::failed(all, error));
                continue;
            }
            Ok(Found::Listable(ar, namespaced)) => (ar, namespaced),
            Ok(Found::NotServed) => {
                // A kind the server does not serve has no objects: its scope is complete
                // and empty, so findings on objects of it resolve.
                tracing::info!(target: "collect", %cluster, kind = kind.kind, group = group_name,
                    "not served by this cluster; nothing to collect");
                results.push(ScopeResult::ok(all, Vec::new()));
                continue;
            }
            Ok(Found::NotListable(version)) => {
                let error = format!(
                    "{} is served at {group_name}/{version} without the list verb",
                    kind.kind
                );
                results.push(ScopeResult::failed(all, error));
                continue;
            }
        };
        if namespaced && !opts.namespaces.is_empty() {
            for ns in &opts.namespaces {
                jobs.push(Job {
                    ar: ar.clone(),
                    namespace: Some(ns.clone()),
                    scope: scope(cluster, ns, &ty),
                });
            }
        } else {
            let ns = if namespaced {
                "*"
            } else {
                crate::model::k8s::CLUSTER_SCOPED
            };
            jobs.push(Job {
                ar,
                namespace: None,
                scope: scope(cluster, ns, &ty),
            });
        }
    }
    (jobs, results)
}

enum Found {
    Listable(ApiResource, bool),
    NotServed,
    NotListable(String),
}

/// The version to read a kind at: the group's preferred version when it serves the kind,
/// else the most stable and recent version that does (an older cluster serves CronJob only
/// at batch/v1beta1), with whether it is namespaced.
fn best_version(group: &ApiGroup, kind: &str) -> Found {
    let preferred = group.preferred_version_or_latest().to_string();
    let versions = std::iter::once(preferred.clone()).chain(group.versions().map(str::to_string));
    let mut unlistable = None;
    for v in versions {
        for (ar, caps) in group.versioned_resources(&v) {
            if ar.kind != kind {
                continue;
            }
            if caps.supports_operation(kube::discovery::verbs::LIST) {
                return Found::Listable(ar, caps.scope == Scope::Namespaced);
            }
            unlistable.get_or_insert(v.clone());
        }
    }
    match unlistable {
        Some(v) => Found::NotListable(v),
        None => Found::NotServed,
    }
}
