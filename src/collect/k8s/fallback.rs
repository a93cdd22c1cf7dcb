//! Credentials limited to some namespaces (a Role, not a ClusterRole, as a namespace's users
//! get) may not list a kind across all namespaces. Instead of failing the kind, vigil reads
//! it in the namespaces those credentials may read: the kubeconfig context's namespace
//! (`default` when the context names none, as kubectl does), and every namespace whose
//! `SelfSubjectRulesReview` grants `list` on the kind. The cluster-wide scope stays failed
//! with the API's answer, so findings elsewhere stay open; each namespace read is a scope of
//! its own, complete when its list was.

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt as _;
use k8s_openapi::api::authorization::v1::{
    ResourceRule, SelfSubjectRulesReview, SelfSubjectRulesReviewSpec,
};

use super::{describe, retrying, ClusterOptions, Job, Listed};

/// What to list instead of the forbidden cluster-wide lists, and how to say so.
pub(super) struct Plan {
    pub jobs: Vec<Job>,
    /// Failed cluster-wide scope → what was done instead, appended to its error.
    instead: BTreeMap<String, String>,
    /// One line for the scan's output.
    pub note: String,
}

impl Plan {
    pub fn explain(&self, scope: &str) -> Option<String> {
        self.instead.get(scope).cloned()
    }
}

/// What a `SelfSubjectRulesReview` says the credentials may do in one namespace.
struct Review {
    rules: Vec<ResourceRule>,
    /// The authorizer could not list every rule (a webhook authorizer, say).
    incomplete: bool,
}

impl Review {
    /// Whether a rule grants `list` on every object of a resource (rules limited to named
    /// objects do not let a list through).
    fn lists(&self, group: &str, plural: &str) -> bool {
        let has = |v: &Option<Vec<String>>, want: &str| {
            v.as_ref()
                .is_some_and(|v| v.iter().any(|x| x == want || x == "*"))
        };
        self.rules.iter().any(|r| {
            r.verbs.iter().any(|v| v == "list" || v == "*")
                && has(&r.api_groups, group)
                && has(&r.resources, plural)
                && r.resource_names.as_ref().is_none_or(Vec::is_empty)
        })
    }
}

async fn review(
    client: &kube::Client,
    opts: &ClusterOptions,
    namespace: &str,
) -> Result<Review, String> {
    let api: kube::Api<SelfSubjectRulesReview> = kube::Api::all(client.clone());
    let request = SelfSubjectRulesReview {
        spec: SelfSubjectRulesReviewSpec {
            namespace: Some(namespace.to_string()),
        },
        ..Default::default()
    };
    let params = kube::api::PostParams::default();
    let answer = retrying(&opts.stats, opts.max_attempts, || {
        api.create(&params, &request)
    })
    .await
    .map_err(|e| describe(&e))?;
    let status = answer.status.unwrap_or_default();
    Ok(Review {
        rules: status.resource_rules,
        incomplete: status.incomplete,
    })
}

/// What these credentials may do in each candidate namespace (an error where the review
/// failed: logged, and only the context's namespace is then tried).
async fn reviews(
    client: &kube::Client,
    opts: &ClusterOptions,
    cluster: &str,
    candidates: &BTreeSet<String>,
) -> BTreeMap<String, Result<Review, String>> {
    // Futures are collected first: a closure in the stream's type makes the collection
    // non-`Send` (rust-lang/rust#102211), and the daemon spawns it.
    let asks: Vec<_> = candidates
        .iter()
        .map(|ns| async move { (ns.clone(), review(client, opts, ns).await) })
        .collect();
    let reviews: BTreeMap<String, Result<Review, String>> = futures::stream::iter(asks)
        .buffer_unordered(opts.max_concurrency.max(1))
        .collect()
        .await;
    for (ns, r) in &reviews {
        if let Err(e) = r {
            tracing::warn!(target: "collect", %cluster, namespace = %ns, error = %e,
                "SelfSubjectRulesReview failed; trying the context's namespace only");
        }
    }
    reviews
}

/// The fallback for the namespaced kinds whose cluster-wide list was forbidden (403), or
/// None when there is none.
pub(super) async fn plan(
    client: &kube::Client,
    opts: &ClusterOptions,
    cluster: &str,
    context_namespace: &str,
    listed: &[Listed],
) -> Option<Plan> {
    let forbidden: Vec<&Job> = listed
        .iter()
        .filter(|l| l.code == Some(403) && l.job.namespace.is_none())
        .filter(|l| {
            l.result
                .scope
                .starts_with(&format!("kubernetes/{cluster}/*/"))
        })
        .map(|l| &l.job)
        .collect();
    if forbidden.is_empty() {
        return None;
    }
    // The context's namespace, and every namespace this scan could list.
    let mut candidates: BTreeSet<String> = BTreeSet::new();
    if crate::model::k8s::valid_namespace(context_namespace) {
        candidates.insert(context_namespace.to_string());
    }
    if let Some(ns) = listed.iter().find(|l| {
        l.job.ar.kind == "Namespace" && l.job.ar.group.is_empty() && l.result.error.is_none()
    }) {
        candidates.extend(ns.result.resources.iter().filter_map(|r| r.name.clone()));
    }
    let reviews = reviews(client, opts, cluster, &candidates).await;

    let mut jobs = Vec::new();
    let mut instead = BTreeMap::new();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let mut unread: Vec<&str> = Vec::new();
    for job in &forbidden {
        let (group, plural) = (job.ar.group.as_str(), job.ar.plural.as_str());
        let namespaces: Vec<&str> = reviews
            .iter()
            .filter(|(ns, r)| match r {
                Ok(r) => r.lists(group, plural) || (r.incomplete && *ns == context_namespace),
                // No answer: the context's namespace is still worth a try.
                Err(_) => *ns == context_namespace,
            })
            .map(|(ns, _)| ns.as_str())
            .collect();
        for ns in &namespaces {
            jobs.push(Job {
                ar: job.ar.clone(),
                namespace: Some(ns.to_string()),
                scope: job.scope.replacen("/*/", &format!("/{ns}/"), 1),
            });
            used.insert(ns);
        }
        let why = if namespaces.is_empty() {
            unread.push(job.ar.kind.as_str());
            format!(
                "no namespace found where these credentials may list {plural} (checked: {})",
                join(candidates.iter().map(String::as_str))
            )
        } else {
            format!(
                "listed instead in namespace{} {}",
                if namespaces.len() == 1 { "" } else { "s" },
                join(namespaces.iter().copied())
            )
        };
        instead.insert(job.scope.clone(), why);
    }
    let note = if used.is_empty() {
        format!(
            "cluster {cluster}: these credentials may not list {} kinds across all namespaces, and no namespace was found where they may (checked: {})",
            forbidden.len(),
            join(candidates.iter().map(String::as_str))
        )
    } else {
        format!(
            "cluster {cluster}: these credentials may not list {} kinds across all namespaces; vigil fell back to the namespace{} they may read: {}{}",
            forbidden.len(),
            if used.len() == 1 { "" } else { "s" },
            join(used.iter().copied()),
            if unread.is_empty() {
                String::new()
            } else {
                format!(" (not readable in any: {})", join(unread.iter().copied()))
            }
        )
    };
    tracing::info!(target: "collect", %cluster, namespaces = %join(used.iter().copied()),
        kinds = forbidden.len(), "cluster-wide lists forbidden; reading namespaces instead");
    Some(Plan {
        jobs,
        instead,
        note,
    })
}

/// A list for a message: at most ten names, then how many more.
fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = items.collect();
    match all.len() {
        0..=10 => all.join(", "),
        n => format!("{} and {} more", all[..10].join(", "), n - 10),
    }
}
