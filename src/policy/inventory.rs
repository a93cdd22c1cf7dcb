//! Cross-resource facts rules read from `data.vigil.inventory`, built from a snapshot (pure).
//!
//! A rule sees one resource as `input`; whether a namespace has a default-deny NetworkPolicy,
//! whether a ServiceAccount exists or a PVC is mounted by any pod are facts about other
//! resources, gathered here once per evaluation.
//!
//! `data.vigil.inventory.k8s[<cluster>]`:
//! ```json
//! {"namespaces":       {"<ns>": {"labels": {...}}},
//!  "network_policies": {"<ns>": [{"name": "...", "spec": {...}}]},
//!  "service_accounts": {"<ns>": {"<name>": {"automountServiceAccountToken": false}}},
//!  "delegated":        {"<resource id>": true},     // checked on its controller (see controllers)
//!  "pvc_users":        {"<ns>": {"<claim>": ["Pod/web-0", "Deployment/web"]}}}
//! ```
//! Whether the kinds behind these facts were collected completely is not visible to rules:
//! a rule names them in its METADATA (`inventory: [...]`) and is not evaluated where one was
//! not (see [`complete_types`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{json, Map, Value};

use crate::model::{CoverageStatus, Snapshot};

/// The pod spec inside a Kubernetes object, if it has one.
pub fn pod_spec<'a>(kind: &str, config: &'a Value) -> Option<&'a Value> {
    config.pointer(crate::model::k8s::pod_spec_pointer(kind)?)
}

/// `K8s::apps::Deployment` → `Deployment`.
fn kind_of(resource_type: &str) -> &str {
    resource_type.rsplit("::").next().unwrap_or(resource_type)
}

/// Claims some pod spec mounts (a Pod, or a workload's template), as (cluster, namespace,
/// claim): the same facts as the inventory's `pvc_users`.
pub fn claims(snapshot: &Snapshot) -> HashSet<(String, String, String)> {
    let mut out = HashSet::new();
    for r in snapshot
        .resources
        .iter()
        .filter(|r| r.provider == "kubernetes")
    {
        let Some(spec) = pod_spec(kind_of(&r.resource_type), &r.config) else {
            continue;
        };
        let volumes = spec.get("volumes").and_then(Value::as_array);
        for v in volumes.into_iter().flatten() {
            if let Some(claim) = v
                .pointer("/persistentVolumeClaim/claimName")
                .and_then(Value::as_str)
            {
                out.insert((
                    r.account.clone().unwrap_or_default(),
                    r.region.clone().unwrap_or_default(),
                    claim.to_string(),
                ));
            }
        }
    }
    out
}

/// The Kubernetes part of the inventory, keyed by cluster; `delegated` is [`controllers`].
pub fn kubernetes(snapshot: &Snapshot, delegated: &HashMap<&str, Vec<&str>>) -> Value {
    #[derive(Default)]
    struct Cluster {
        namespaces: Map<String, Value>,
        network_policies: BTreeMap<String, Vec<Value>>,
        service_accounts: BTreeMap<String, Map<String, Value>>,
        delegated: Map<String, Value>,
        pvc_users: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    }
    let mut clusters: BTreeMap<&str, Cluster> = BTreeMap::new();
    for r in &snapshot.resources {
        if r.provider != "kubernetes" {
            continue;
        }
        let cluster = clusters
            .entry(r.account.as_deref().unwrap_or("-"))
            .or_default();
        let kind = kind_of(&r.resource_type);
        let name = r.name.as_deref().unwrap_or_default();
        let ns = r.region.as_deref().unwrap_or_default();
        match kind {
            "Namespace" => {
                cluster
                    .namespaces
                    .insert(name.to_string(), json!({ "labels": r.tags }));
            }
            "NetworkPolicy" => cluster
                .network_policies
                .entry(ns.to_string())
                .or_default()
                .push(json!({
                    "name": name,
                    "spec": r.config.get("spec").cloned().unwrap_or_else(|| json!({})),
                })),
            "ServiceAccount" => {
                let mut facts = Map::new();
                if let Some(v) = r.config.get("automountServiceAccountToken") {
                    facts.insert("automountServiceAccountToken".into(), v.clone());
                }
                cluster
                    .service_accounts
                    .entry(ns.to_string())
                    .or_default()
                    .insert(name.to_string(), Value::Object(facts));
            }
            _ => {}
        }
        if let Some(spec) = pod_spec(kind, &r.config) {
            let volumes = spec.get("volumes").and_then(Value::as_array);
            for v in volumes.into_iter().flatten() {
                if let Some(claim) = v
                    .pointer("/persistentVolumeClaim/claimName")
                    .and_then(Value::as_str)
                {
                    let users = cluster
                        .pvc_users
                        .entry(ns.to_string())
                        .or_default()
                        .entry(claim.to_string())
                        .or_default();
                    let user = format!("{kind}/{name}");
                    if !users.contains(&user) {
                        users.push(user);
                    }
                }
            }
        }
    }
    for r in &snapshot.resources {
        if delegated.contains_key(r.id.as_str()) {
            if let Some(c) = clusters.get_mut(r.account.as_deref().unwrap_or("-")) {
                c.delegated.insert(r.id.clone(), Value::Bool(true));
            }
        }
    }
    let out: Map<String, Value> = clusters
        .into_iter()
        .map(|(name, c)| {
            (
                name.to_string(),
                json!({
                    "namespaces": c.namespaces,
                    "network_policies": c.network_policies,
                    "service_accounts": c.service_accounts,
                    "delegated": c.delegated,
                    "pvc_users": c.pvc_users,
                }),
            )
        })
        .collect();
    Value::Object(out)
}

/// For every Kubernetes object whose controller (`ownerReferences[].controller`) is in the
/// snapshot, the types of its controllers up the chain: a Pod → `[ReplicaSet, Deployment]`.
/// A rule that applies to one of them checks the object there, once, instead of on every
/// replica. Objects owned by something not collected (a static Pod's Node) are not listed,
/// nor are Pods that differ from their controller's template where rules look.
pub fn controllers(resources: &[crate::model::Resource]) -> HashMap<&str, Vec<&str>> {
    // (cluster, namespace, group, kind, name) → resource
    let key = |cluster: &str, ns: &str, group: &str, kind: &str, name: &str| {
        format!("{cluster}\u{0}{ns}\u{0}{group}\u{0}{kind}\u{0}{name}")
    };
    let mut by_key: HashMap<String, &crate::model::Resource> = HashMap::new();
    for r in resources.iter().filter(|r| r.provider == "kubernetes") {
        let mut parts = r.resource_type.splitn(3, "::");
        let (Some(_), Some(group), Some(kind)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        by_key.insert(
            key(
                r.account.as_deref().unwrap_or_default(),
                r.region.as_deref().unwrap_or_default(),
                group,
                kind,
                r.name.as_deref().unwrap_or_default(),
            ),
            r,
        );
    }
    let owner = |r: &crate::model::Resource| -> Option<&crate::model::Resource> {
        let refs = r.config.pointer("/metadata/ownerReferences")?.as_array()?;
        let c = refs
            .iter()
            .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))?;
        let api = c.get("apiVersion")?.as_str()?;
        let group = crate::model::k8s::group_of(api);
        by_key
            .get(&key(
                r.account.as_deref().unwrap_or_default(),
                r.region.as_deref().unwrap_or_default(),
                group,
                c.get("kind")?.as_str()?,
                c.get("name")?.as_str()?,
            ))
            .copied()
    };
    let mut out = HashMap::new();
    for r in resources.iter().filter(|r| r.provider == "kubernetes") {
        // A Pod that differs from its controller's template where rules look (an ephemeral
        // debug container, another image, a changed securityContext, an injected sidecar)
        // is checked itself: the template does not speak for it.
        if r.resource_type == "K8s::core::Pod" {
            if let Some(o) = owner(r) {
                let kind = kind_of(&o.resource_type);
                let template = pod_spec(kind, &o.config);
                if !template.is_some_and(|t| pod_matches(r.config.get("spec"), t)) {
                    continue;
                }
            }
        }
        let mut chain = Vec::new();
        let mut cur = r;
        // Owners form a short chain (Pod → ReplicaSet → Deployment); a cycle is a bad input.
        while let Some(o) = owner(cur) {
            if chain.len() >= 4 || o.id == r.id {
                break;
            }
            chain.push(o.resource_type.as_str());
            cur = o;
        }
        if !chain.is_empty() {
            out.insert(r.id.as_str(), chain);
        }
    }
    out
}

/// Whether a Pod's spec matches its controller's pod template in everything the rules read.
/// The API server and admission fill in defaults and volumes on Pods; those are not compared.
fn pod_matches(pod: Option<&Value>, template: &Value) -> bool {
    let Some(pod) = pod else { return false };
    let field = |spec: &Value, key: &str| spec.get(key).cloned().unwrap_or(Value::Null);
    let nonempty = |v: &Value| match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(b) => *b,
        _ => true,
    };
    if nonempty(&field(pod, "ephemeralContainers")) {
        return false;
    }
    // Pod-level settings, with the API's defaults: absent = empty / false / "default".
    for key in ["securityContext", "hostNetwork", "hostPID", "hostIPC"] {
        let (a, b) = (field(pod, key), field(template, key));
        if a != b && (nonempty(&a) || nonempty(&b)) {
            return false;
        }
    }
    if field(pod, "automountServiceAccountToken") != field(template, "automountServiceAccountToken")
    {
        return false;
    }
    let sa = |spec: &Value| {
        spec.get("serviceAccountName")
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_string()
    };
    if sa(pod) != sa(template) {
        return false;
    }
    for list in ["containers", "initContainers"] {
        let by_name = |spec: &Value| -> BTreeMap<String, Vec<Value>> {
            spec.get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| {
                    let name = c
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let keys = ["image", "securityContext", "env", "envFrom"];
                    (name, keys.iter().map(|k| field(c, k)).collect())
                })
                .collect()
        };
        if by_name(pod) != by_name(template) {
            return false;
        }
    }
    true
}

/// Per account or cluster, the resource types collected completely in this snapshot: at least
/// one complete scope of the type and no failed one (for Kubernetes, a complete scope across
/// all namespaces or of a cluster-scoped kind: a list of some namespaces is not the cluster). A snapshot without coverage (manifest
/// mode) has no complete types: rules that need an inventory do not run on it.
pub fn complete_types(snapshot: &Snapshot) -> HashMap<String, HashSet<String>> {
    let mut complete: HashMap<String, HashSet<String>> = HashMap::new();
    let mut failed: HashSet<(String, String)> = HashSet::new();
    for c in &snapshot.coverage {
        let Some(crate::model::resource::ScopeParts {
            provider,
            account,
            region,
            resource_type: ty,
        }) = crate::model::resource::parse_scope(&c.scope)
        else {
            continue;
        };
        // A Kubernetes kind read in some namespaces only says nothing of the others: only a
        // list across all namespaces (`*`) or of a cluster-scoped kind counts as complete.
        let whole = provider != "kubernetes" || region == "*" || region == "_cluster";
        match c.status {
            CoverageStatus::Complete if !whole => {}
            CoverageStatus::Complete => {
                complete
                    .entry(account.to_string())
                    .or_default()
                    .insert(ty.to_string());
            }
            CoverageStatus::Failed => {
                failed.insert((account.to_string(), ty.to_string()));
            }
            CoverageStatus::Skipped => {}
        }
    }
    for (account, ty) in failed {
        if let Some(set) = complete.get_mut(&account) {
            set.remove(&ty);
        }
    }
    complete
}

#[cfg(test)]
#[path = "inventory_tests.rs"]
mod tests;
