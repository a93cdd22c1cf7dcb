//! Idle resources: which resources are idle in a snapshot, and since when (pure); and
//! which of them are reaping candidates ([`reaping`], read from the store).
//!
//! The API rarely says since when something has been idle; vigil's own history does. A
//! resource first seen idle is idle since that scan (or since the API's own time, when it
//! gives an earlier one: an instance's stop time, a claim pending since its creation, a
//! volume's last phase transition). It stays idle-since that time until a scan sees it in use
//! again. Idle rules read the result as `data.vigil.context.idle_since`.

pub mod reaping;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use crate::model::{Resource, Snapshot};

/// Why a resource counts as idle, for `vigil idle` and the store.
pub fn idle_reason(
    r: &Resource,
    claimed: &HashSet<(String, String, String)>,
) -> Option<&'static str> {
    let c = &r.config;
    let s = |p: &str| c.pointer(p).and_then(Value::as_str);
    match r.resource_type.as_str() {
        "AWS::EC2::Volume" => (s("/State") == Some("available")).then_some("volume not attached"),
        "AWS::EC2::Instance" => (s("/State/Name") == Some("stopped")).then_some("instance stopped"),
        "AWS::EC2::EIP" => s("/AssociationId")
            .is_none_or(str::is_empty)
            .then_some("address not associated"),
        "K8s::apps::Deployment" | "K8s::apps::StatefulSet" => {
            (c.pointer("/spec/replicas").and_then(Value::as_i64) == Some(0))
                .then_some("scaled to zero replicas")
        }
        "K8s::core::PersistentVolume" => {
            matches!(s("/status/phase"), Some("Released" | "Available"))
                .then_some("volume released or never claimed")
        }
        "K8s::core::PersistentVolumeClaim" => match s("/status/phase") {
            Some("Pending") => Some("claim not bound"),
            Some("Bound") => {
                let key = (
                    r.account.clone().unwrap_or_default(),
                    r.region.clone().unwrap_or_default(),
                    r.name.clone().unwrap_or_default(),
                );
                (!claimed.contains(&key)).then_some("claim not used by any pod")
            }
            _ => None,
        },
        _ => None,
    }
}

/// The API's own idle time where it has one.
fn api_since(r: &Resource) -> Option<DateTime<Utc>> {
    let c = &r.config;
    let t = match r.resource_type.as_str() {
        "AWS::EC2::Instance" => c.pointer("/StoppedAt"),
        "K8s::core::PersistentVolume" => c.pointer("/status/lastPhaseTransitionTime"),
        "K8s::core::PersistentVolumeClaim"
            if c.pointer("/status/phase").and_then(Value::as_str) == Some("Pending") =>
        {
            c.pointer("/metadata/creationTimestamp")
        }
        _ => None,
    }?;
    DateTime::parse_from_rfc3339(t.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub use crate::model::idle::Idle;

/// Idle-since for every idle resource of a snapshot: the stored time for resources already
/// known idle, the earlier of the API's time and `now` for newly idle ones. Resources not in
/// the snapshot are not in the result (the store keeps what it knew about them).
pub fn track(
    snapshot: &Snapshot,
    stored: &BTreeMap<String, DateTime<Utc>>,
    now: DateTime<Utc>,
) -> BTreeMap<String, Idle> {
    let claimed = crate::policy::inventory::claims(snapshot);
    let complete = crate::policy::inventory::complete_types(snapshot);
    let mut out = BTreeMap::new();
    for r in &snapshot.resources {
        // A Bound claim in a cluster whose pods or workloads were not all read: unknown, so
        // whatever history said stays.
        if r.resource_type == "K8s::core::PersistentVolumeClaim"
            && r.config.pointer("/status/phase").and_then(Value::as_str) == Some("Bound")
        {
            let done = complete.get(r.account.as_deref().unwrap_or_default());
            // The kinds that can use a claim: whether a Bound claim is unused is known only
            // where all of them were collected completely (IDLE-K8S-002 needs the same).
            if !crate::model::k8s::pod_bearing_types()
                .all(|t| done.is_some_and(|d| d.contains(t.as_str())))
            {
                if let Some(s) = stored.get(&r.id) {
                    out.insert(
                        r.id.clone(),
                        Idle {
                            since: *s,
                            reason: "claim not used by any pod (last known)",
                        },
                    );
                }
                continue;
            }
        }
        let Some(reason) = idle_reason(r, &claimed) else {
            continue;
        };
        let api = api_since(r);
        let since = match (stored.get(&r.id).copied(), api) {
            // The API says it was in use until later than history thought (an instance
            // started and stopped again between scans): idle since then.
            (Some(s), Some(a)) if a > s => a,
            (Some(s), Some(a)) => s.min(a),
            (Some(s), None) => s,
            (None, Some(a)) => a.min(now),
            (None, None) => now,
        };
        out.insert(r.id.clone(), Idle { since, reason });
    }
    out
}

/// `data.vigil.context.idle_since` for rules.
pub fn context(idle: &BTreeMap<String, Idle>) -> serde_json::Map<String, Value> {
    idle.iter()
        .map(|(id, i)| {
            (
                id.clone(),
                Value::String(i.since.to_rfc3339_opts(SecondsFormat::Secs, true)),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;
    use serde_json::json;

    fn res(ty: &str, id: &str, config: Value) -> Resource {
        Resource {
            id: id.into(),
            resource_type: ty.into(),
            provider: if ty.starts_with("K8s") {
                "kubernetes"
            } else {
                "aws"
            }
            .into(),
            account: Some("c1".into()),
            region: Some("shop".into()),
            name: Some(id.rsplit('/').next().unwrap().into()),
            tags: Default::default(),
            config,
        }
    }

    #[test]
    fn idle_since_is_the_earliest_known_time() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap();
        let earlier = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let snap = Snapshot {
            resources: vec![
                res("AWS::EC2::Volume", "vol/new", json!({"State": "available"})),
                res(
                    "AWS::EC2::Volume",
                    "vol/known",
                    json!({"State": "available"}),
                ),
                res("AWS::EC2::Volume", "vol/busy", json!({"State": "in-use"})),
                res(
                    "AWS::EC2::Instance",
                    "i/stopped",
                    json!({"State": {"Name": "stopped"}, "StoppedAt": "2026-02-01T00:00:00Z"}),
                ),
                res("AWS::EC2::EIP", "eip/free", json!({"AssociationId": ""})),
                res(
                    "K8s::core::PersistentVolumeClaim",
                    "k8s://c1/shop/core/PersistentVolumeClaim/data-0",
                    json!({"status": {"phase": "Bound"}}),
                ),
                res(
                    "K8s::core::PersistentVolumeClaim",
                    "k8s://c1/shop/core/PersistentVolumeClaim/data-1",
                    json!({"status": {"phase": "Bound"}}),
                ),
                res(
                    "K8s::core::Pod",
                    "k8s://c1/shop/core/Pod/db-0",
                    json!({"spec": {"volumes": [{"persistentVolumeClaim": {"claimName": "data-0"}}]}}),
                ),
                res(
                    "K8s::apps::Deployment",
                    "k8s://c1/shop/apps/Deployment/w",
                    json!({"spec": {"replicas": 0}}),
                ),
            ],
            coverage: crate::model::k8s::pod_bearing_types()
                .map(|t| crate::model::Coverage {
                    scope: format!("kubernetes/c1/*/{t}"),
                    status: crate::model::CoverageStatus::Complete,
                    error: None,
                })
                .collect(),
            ..Default::default()
        };
        let stored = BTreeMap::from([("vol/known".to_string(), earlier)]);
        let idle = track(&snap, &stored, now);
        assert_eq!(idle["vol/new"].since, now);
        assert_eq!(
            idle["vol/known"].since, earlier,
            "history keeps the first sighting"
        );
        assert!(!idle.contains_key("vol/busy"));
        assert_eq!(
            idle["i/stopped"].since,
            Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap()
        );
        assert!(idle.contains_key("eip/free"));
        assert!(!idle.contains_key("k8s://c1/shop/core/PersistentVolumeClaim/data-0"));
        assert_eq!(
            idle["k8s://c1/shop/core/PersistentVolumeClaim/data-1"].reason,
            "claim not used by any pod"
        );
        assert!(idle.contains_key("k8s://c1/shop/apps/Deployment/w"));
        assert_eq!(context(&idle)["vol/known"], "2026-03-01T00:00:00Z");

        // Stopped again after being started: the API's later stop time wins over history.
        let stored = BTreeMap::from([(
            "i/stopped".to_string(),
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        )]);
        assert_eq!(
            track(&snap, &stored, now)["i/stopped"].since,
            Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap()
        );
        // Without the pods, whether a claim is used is unknown: history is kept, no new row.
        let no_pods = Snapshot {
            resources: snap.resources.clone(),
            coverage: Vec::new(),
            ..Default::default()
        };
        let claim = "k8s://c1/shop/core/PersistentVolumeClaim/data-1".to_string();
        assert!(!track(&no_pods, &BTreeMap::new(), now).contains_key(&claim));
        let kept = BTreeMap::from([(claim.clone(), earlier)]);
        assert_eq!(track(&no_pods, &kept, now)[&claim].since, earlier);
    }
}
