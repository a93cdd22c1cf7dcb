//! Reaping candidates, as `vigil idle` lists them: every resource the history knows idle,
//! since when, the environment its tags (AWS) or its namespace's labels (Kubernetes) put it
//! in, and whether an idle rule reports it (idle longer than `idle_hours` in a reapable
//! environment). Marking, not deleting: what happens next is a plan an operator approves.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::FindingStatus;
use crate::store::{FindingFilter, IdleResource, Store};

/// One idle resource.
#[derive(Debug, Clone, Serialize)]
pub struct IdleRow {
    pub resource_id: String,
    pub resource_type: String,
    pub account: Option<String>,
    pub idle_since: String,
    pub idle_hours: i64,
    pub reason: String,
    /// `key=value` of the reapable-environment keys the resource carries.
    pub environment: Vec<String>,
    /// Whether an idle rule reports it: a reaping candidate.
    pub candidate: bool,
    /// The idle rules that report it.
    pub rules: Vec<String>,
}

/// Every idle resource with its environment and whether it is a reaping candidate, oldest
/// idle first.
pub fn idle_rows(
    store: &Store,
    params: &Map<String, Value>,
    idle_rules: &std::collections::HashSet<String>,
    now: DateTime<Utc>,
) -> crate::store::Result<Vec<IdleRow>> {
    let open = FindingFilter {
        statuses: vec![FindingStatus::Open, FindingStatus::Reopened],
        ..Default::default()
    };
    let findings = store.findings(&open, now)?;
    // The idle rules that report each resource, gathered once.
    let mut by_resource: HashMap<&str, Vec<String>> = HashMap::new();
    for f in findings.iter().filter(|f| idle_rules.contains(&f.rule_id)) {
        by_resource
            .entry(f.resource_id.as_str())
            .or_default()
            .push(f.rule_id.clone());
    }
    let env_keys = |param: &str| -> Vec<String> {
        params
            .get(param)
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (tag_keys, label_keys) = (
        env_keys("reapable_tags"),
        env_keys("reapable_namespace_labels"),
    );
    let mut rows = Vec::new();
    for r in store.idle_resources()? {
        let since = DateTime::parse_from_rfc3339(&r.since)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        let kubernetes = r.resource_type.starts_with("K8s::");
        let labels = environment_labels(store, &r)?;
        let keys = if kubernetes { &label_keys } else { &tag_keys };
        let environment = keys
            .iter()
            .filter_map(|k| {
                let v = labels.get(k)?.as_str()?;
                Some(format!("{k}={v}"))
            })
            .collect();
        let rules = by_resource
            .remove(r.resource_id.as_str())
            .unwrap_or_default();
        rows.push(IdleRow {
            idle_hours: (now - since).num_hours(),
            candidate: !rules.is_empty(),
            resource_id: r.resource_id,
            resource_type: r.resource_type,
            account: r.account,
            idle_since: r.since,
            reason: r.reason,
            environment,
            rules,
        });
    }
    Ok(rows)
}

/// The labels that say a resource's environment: an AWS resource's tags, a Kubernetes
/// object's namespace's labels (a PersistentVolume's: its claim's namespace).
fn environment_labels(store: &Store, r: &IdleResource) -> crate::store::Result<Value> {
    if !r.resource_type.starts_with("K8s::") {
        return Ok(r.document.get("tags").cloned().unwrap_or_default());
    }
    let ns = r
        .document
        .pointer("/region")
        .or_else(|| r.document.pointer("/config/spec/claimRef/namespace"))
        .and_then(Value::as_str);
    let (Some(ns), Some(cluster)) = (ns, &r.account) else {
        return Ok(Value::Null);
    };
    let id = crate::model::k8s::resource_id(cluster, None, "core", "Namespace", ns);
    Ok(store
        .document(&id)?
        .and_then(|d| d.get("tags").cloned())
        .unwrap_or_default())
}
