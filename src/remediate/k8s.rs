//! Kubernetes actions: server-side apply patches with field manager `vigil`, each run first
//! with `dryRun=All` and never forced (a field another manager owns stops the action, and
//! the change is for that manager to make). Pod hardening patches the workload's template
//! (containers by name, only the securityContext fields the rules want), namespace labels
//! patch the namespace, and a missing default-deny gets a NetworkPolicy.

use serde_json::{json, Map, Value};

use crate::model::plan::{Action, Call, K8sPatch, Reversibility};
use crate::model::Resource;

/// The field manager of every patch vigil applies.
pub const FIELD_MANAGER: &str = "vigil";

/// The name of the NetworkPolicy vigil adds (`patch: default_deny`).
pub const DEFAULT_DENY: &str = "vigil-default-deny";

/// The workload kinds whose pod template vigil patches, with where the template's pod spec
/// is (a bare Pod's spec cannot change; a Job's template is immutable).
const TEMPLATES: &[(&str, &[&str])] = &[
    ("Deployment", &["spec", "template", "spec"]),
    ("StatefulSet", &["spec", "template", "spec"]),
    ("DaemonSet", &["spec", "template", "spec"]),
    (
        "CronJob",
        &["spec", "jobTemplate", "spec", "template", "spec"],
    ),
];

/// The kinds patched, with their API version, for the remediation ClusterRole.
pub const PATCHED: &[(&str, &str, &str)] = &[
    ("apps", "v1", "Deployment"),
    ("apps", "v1", "StatefulSet"),
    ("apps", "v1", "DaemonSet"),
    ("batch", "v1", "CronJob"),
    ("", "v1", "Namespace"),
    ("networking.k8s.io", "v1", "NetworkPolicy"),
];

/// The workload kinds a reaping rule may scale to zero (`custom.action:
/// k8s_scale_to_zero`), through their `scale` subresource.
pub const SCALED: &[(&str, &str)] = &[("apps", "Deployment"), ("apps", "StatefulSet")];

/// Scales a workload to zero replicas through its `scale` subresource (a dry run first);
/// undone by scaling back to the replicas it had.
pub fn scale_to_zero(mut a: Action, r: &Resource) -> Result<Action, String> {
    let (api_version, kind, ns, name) =
        object_ref(r).ok_or("the stored object has no apiVersion, kind or name")?;
    if !SCALED.iter().any(|(_, k)| *k == kind) {
        return Err(format!(
            "vigil scales Deployments and StatefulSets, not a {kind}"
        ));
    }
    let replicas = r
        .config
        .pointer("/spec/replicas")
        .cloned()
        .unwrap_or(json!(1));
    let call = |n: Value, dry: bool| {
        let mut c = Call::new("k8s:scale")
            .param("apiVersion", api_version.as_str())
            .param("kind", kind.as_str())
            .param("name", name.as_str())
            .param("replicas", n);
        if let Some(ns) = &ns {
            c = c.param("namespace", ns.as_str());
        }
        if dry {
            c = c.param("dryRun", "All");
        }
        c
    };
    a.preconditions = vec![super::Precondition::new(
        "config.spec.replicas",
        replicas.clone(),
    )];
    a.calls = vec![call(json!(0), true), call(json!(0), false)];
    a.reversibility = Reversibility::Yes {
        undo: vec![call(replicas, false)],
    };
    Ok(a)
}

/// The resource's API version, kind, namespace and name.
fn object_ref(r: &Resource) -> Option<(String, String, Option<String>, String)> {
    let meta = r.config.get("metadata")?;
    Some((
        r.config.get("apiVersion")?.as_str()?.to_string(),
        r.config.get("kind")?.as_str()?.to_string(),
        meta.get("namespace")
            .and_then(Value::as_str)
            .map(str::to_string),
        meta.get("name")?.as_str()?.to_string(),
    ))
}

/// The dry run, then the apply, of one patch.
fn apply_calls(
    api_version: &str,
    kind: &str,
    ns: Option<&str>,
    name: &str,
    patch: Value,
) -> Vec<Call> {
    let call = |dry: bool| {
        let mut c = Call::new("k8s:apply")
            .param("apiVersion", api_version)
            .param("kind", kind)
            .param("name", name)
            .param("fieldManager", FIELD_MANAGER)
            .param("patch", patch.clone());
        if let Some(ns) = ns {
            c = c.param("namespace", ns);
        }
        if dry {
            c = c.param("dryRun", "All");
        }
        c
    };
    vec![call(true), call(false)]
}

/// Builds the action applying `patch` to `r`, or says why there is none (then the action is
/// manual). `pod_fields` are the securityContext fields of every pod rule failing on this
/// target, so one patch answers them all; `labels` the values for missing namespace labels.
pub fn build(
    mut a: Action,
    patch: &K8sPatch,
    r: &Resource,
    pod_fields: &Map<String, Value>,
    labels: Result<Map<String, Value>, String>,
) -> Result<Action, String> {
    let (api_version, kind, ns, name) =
        object_ref(r).ok_or("the stored object has no apiVersion, kind or name")?;
    let undo_note = "applying an empty patch as the vigil field manager gives the fields back (removed unless another manager set them)";
    if let K8sPatch::SecurityContext(_) = patch {
        let path = TEMPLATES
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| *p)
            .ok_or_else(|| format!("a {kind}'s pod spec is changed through what creates it"))?;
        let spec = path
            .iter()
            .try_fold(&r.config, |v, k| v.get(*k))
            .ok_or("no pod template")?;
        let sc = pod_fields.clone();
        let containers = |list: &str| -> Vec<Value> {
            spec.get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|c| c.get("name").and_then(Value::as_str))
                .map(|n| json!({"name": n, "securityContext": sc.clone()}))
                .collect()
        };
        let mut pod = json!({"containers": containers("containers")});
        let init = containers("initContainers");
        if !init.is_empty() {
            pod["initContainers"] = json!(init);
        }
        let mut body = pod;
        for k in path.iter().rev() {
            body = json!({ *k: body });
        }
        let mut patch = json!({"apiVersion": api_version, "kind": kind,
            "metadata": {"name": name, "namespace": ns}});
        patch["spec"] = body["spec"].take();
        a.calls = apply_calls(&api_version, &kind, ns.as_deref(), &name, patch);
        a.reversibility = Reversibility::Yes {
            undo: vec![Call::new("k8s:apply")
                .param("kind", kind.as_str())
                .param("name", name.as_str())
                .param("patch", "(empty: the fields vigil set, given back)")],
        };
        a.suggestion = Some(format!(
            "The workload restarts its pods with the new securityContext; one that needs root or a capability will fail to start. Undo: {undo_note}."
        ));
        return Ok(a);
    }
    match patch {
        K8sPatch::NamespaceLabels => {
            let labels = labels?;
            let patch = json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": name, "labels": labels}});
            a.preconditions = labels
                .keys()
                .map(|k| super::Precondition::new(&format!("tags.{k}"), Value::Null))
                .collect();
            a.calls = apply_calls("v1", "Namespace", None, &name, patch);
            a.reversibility = Reversibility::Yes {
                undo: vec![Call::new("k8s:apply")
                    .param("kind", "Namespace")
                    .param("name", name.as_str())
                    .param("patch", "(empty: the labels vigil set, given back)")],
            };
            Ok(a)
        }
        K8sPatch::DefaultDeny => {
            let patch = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": DEFAULT_DENY, "namespace": name},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}});
            a.calls = apply_calls(
                "networking.k8s.io/v1",
                "NetworkPolicy",
                Some(&name),
                DEFAULT_DENY,
                patch,
            );
            a.reversibility = Reversibility::Yes {
                undo: vec![Call::new("k8s:delete")
                    .param("kind", "NetworkPolicy")
                    .param("namespace", name.as_str())
                    .param("name", DEFAULT_DENY)],
            };
            a.suggestion = Some(format!(
                "Every pod in {name} loses the traffic no other policy allows, DNS included: add the policies each workload needs first."
            ));
            Ok(a)
        }
        K8sPatch::SecurityContext(_) => unreachable!("handled above"),
    }
}
