//! A listed object as a [`Resource`]: what changes on every read goes, the status fields
//! rules read stay, Secrets never pass.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::k8s::{self, group_of};
use crate::model::resource::is_known_type;
use crate::model::Resource;

/// Annotations that are never kept: a copy of the whole object as last applied (bulky, and
/// it would carry env values and arguments past redaction).
const DROPPED_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

/// A Kubernetes object as a resource; None for kinds vigil has no rules for, and always for
/// Secrets (their values are never read).
///
/// Normalization removes what changes on every read or duplicates the object
/// (`managedFields`, `resourceVersion`, `generation`, `uid`, `selfLink`, the last-applied
/// annotation), keeps only the status fields rules read (phases, a Deployment's conditions,
/// a PV's last phase transition). Credentials in env values, arguments, labels and
/// annotations are replaced by [`crate::redact`], which every collected snapshot goes
/// through before anything stores or prints it.
pub fn normalize(mut obj: Value, cluster: &str) -> Option<Resource> {
    let api = obj.get("apiVersion")?.as_str()?.to_string();
    let kind = obj.get("kind")?.as_str()?.to_string();
    if kind == "Secret" {
        return None;
    }
    let group = group_of(&api).to_string();
    let resource_type = k8s::resource_type(&group, &kind);
    if !is_known_type(&resource_type) {
        return None;
    }
    let root = obj.as_object_mut()?;
    let meta = root.get_mut("metadata")?.as_object_mut()?;
    for volatile in [
        "managedFields",
        "resourceVersion",
        "uid",
        "generation",
        "selfLink",
    ] {
        meta.remove(volatile);
    }
    if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
        for a in DROPPED_ANNOTATIONS {
            ann.remove(*a);
        }
        if ann.is_empty() {
            meta.remove("annotations");
        }
    }
    let name = meta.get("name")?.as_str()?.to_string();
    let namespace = meta
        .get("namespace")
        .and_then(Value::as_str)
        .map(str::to_string);
    let labels: BTreeMap<String, String> = meta
        .get("labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    keep_status(&kind, root);
    Some(Resource {
        id: k8s::resource_id(cluster, namespace.as_deref(), &group, &kind, &name),
        resource_type,
        provider: "kubernetes".into(),
        account: Some(cluster.into()),
        region: namespace,
        name: Some(name),
        tags: labels,
        config: obj,
    })
}

fn keep_status(kind: &str, root: &mut serde_json::Map<String, Value>) {
    let keep: &[&str] = match kind {
        "Pod" | "PersistentVolumeClaim" | "Namespace" => &["phase"],
        "PersistentVolume" => &["phase", "lastPhaseTransitionTime"],
        "Deployment" => &["conditions"],
        _ => &[],
    };
    let Some(Value::Object(status)) = root.remove("status") else {
        return;
    };
    let kept: serde_json::Map<String, Value> = status
        .into_iter()
        .filter(|(k, _)| keep.contains(&k.as_str()))
        .map(|(k, mut v)| {
            if k == "conditions" {
                // lastUpdateTime moves with rollouts; messages name ReplicaSets: both real,
                // but `lastHeartbeatTime`-style fields would not be.
                if let Value::Array(cs) = &mut v {
                    for c in cs {
                        if let Value::Object(c) = c {
                            c.remove("lastHeartbeatTime");
                            c.remove("lastProbeTime");
                        }
                    }
                }
            }
            (k, v)
        })
        .collect();
    if !kept.is_empty() {
        root.insert("status".into(), Value::Object(kept));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_and_ids() {
        let r = normalize(json!({"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "ns", "resourceVersion": "9"}}), "c1").unwrap();
        assert_eq!(r.resource_type, "K8s::batch::CronJob");
        assert_eq!(r.id, "k8s://c1/ns/batch/CronJob/c");
        assert!(r.config["metadata"].get("resourceVersion").is_none());
        assert!(normalize(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "c2VjcmV0"}}), "c1").is_none());
        assert!(normalize(
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}}),
            "c1"
        )
        .is_none());
    }

    #[test]
    fn volatile_fields_go_and_env_values_are_redacted() {
        let pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "a", "uid": "u", "resourceVersion": "1",
                "managedFields": [{}], "creationTimestamp": "2026-01-01T00:00:00Z",
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}"}},
            "spec": {"containers": [{"name": "c", "env": [
                {"name": "DB_PASSWORD", "value": "hunter2"},
                {"name": "EMPTY", "value": ""},
                {"name": "FROM", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}]},
            "status": {"phase": "Running", "podIP": "10.0.0.1",
                "containerStatuses": [{"restartCount": 3}]}
        });
        let mut r = normalize(pod, "c1").unwrap();
        crate::redact::Redactor::new([7; 32]).resource(&mut r);
        let m = &r.config["metadata"];
        assert!(m.get("uid").is_none() && m.get("managedFields").is_none());
        assert!(m.get("annotations").is_none());
        assert_eq!(m["creationTimestamp"], "2026-01-01T00:00:00Z");
        let env = &r.config["spec"]["containers"][0]["env"];
        assert!(env[0]["value"]
            .as_str()
            .unwrap()
            .starts_with(crate::redact::REDACTED));
        assert_eq!(env[1]["value"], "");
        assert_eq!(env[2]["valueFrom"]["secretKeyRef"]["name"], "s");
        assert!(!r.config.to_string().contains("hunter2"));
        assert_eq!(r.config["status"], json!({"phase": "Running"}));
        let rs = normalize(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r", "namespace": "a"}, "status": {"replicas": 2}}), "c1").unwrap();
        assert!(rs.config.get("status").is_none());
    }
}
