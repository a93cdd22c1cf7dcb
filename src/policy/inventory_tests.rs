//! Unit tests of the inventory facts.

use super::*;
use crate::model::{Coverage, Resource};

fn k8s(ty: &str, ns: Option<&str>, name: &str, config: Value) -> Resource {
    Resource {
        id: format!("k8s://c1/{}/x/{ty}/{name}", ns.unwrap_or("_cluster")),
        resource_type: ty.into(),
        provider: "kubernetes".into(),
        account: Some("c1".into()),
        region: ns.map(str::to_string),
        name: Some(name.into()),
        tags: Default::default(),
        config,
    }
}

#[test]
fn gathers_facts_per_cluster() {
    let snap = Snapshot {
        resources: vec![
            k8s("K8s::core::Namespace", None, "shop", json!({})),
            k8s(
                "K8s::networking.k8s.io::NetworkPolicy",
                Some("shop"),
                "deny",
                json!({"spec": {"podSelector": {}}}),
            ),
            k8s(
                "K8s::core::ServiceAccount",
                Some("shop"),
                "web",
                json!({"automountServiceAccountToken": false}),
            ),
            k8s(
                "K8s::apps::StatefulSet",
                Some("shop"),
                "db",
                json!({"spec": {"template": {"spec": {"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}}}}),
            ),
        ],
        ..Default::default()
    };
    let inv = kubernetes(&snap, &controllers(&snap.resources));
    let c = &inv["c1"];
    assert!(c["namespaces"]["shop"].is_object());
    assert_eq!(c["network_policies"]["shop"][0]["name"], "deny");
    assert_eq!(
        c["service_accounts"]["shop"]["web"]["automountServiceAccountToken"],
        false
    );
    assert!(c["delegated"].as_object().unwrap().is_empty());
    assert_eq!(c["pvc_users"]["shop"]["data"][0], "StatefulSet/db");
}

#[test]
fn controllers_are_followed_up_the_chain() {
    let owned = |kind: &str, name: &str| {
        json!({"metadata": {"ownerReferences": [
            {"apiVersion": "apps/v1", "kind": kind, "name": name, "controller": true}]},
            "spec": {"containers": [{"name": "app", "image": "web:1"}]}})
    };
    let mut rs = owned("Deployment", "web");
    rs["spec"] = json!({"template": {"spec": {"containers": [{"name": "app", "image": "web:1"}]}}});
    let resources = vec![
        k8s("K8s::apps::Deployment", Some("a"), "web", json!({})),
        k8s("K8s::apps::ReplicaSet", Some("a"), "web-1", rs),
        k8s(
            "K8s::core::Pod",
            Some("a"),
            "web-1-x",
            owned("ReplicaSet", "web-1"),
        ),
        k8s(
            "K8s::core::Pod",
            Some("b"),
            "other-ns",
            owned("ReplicaSet", "web-1"),
        ),
        k8s(
            "K8s::core::Pod",
            Some("kube-system"),
            "apiserver",
            json!({"metadata": {"ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "n1", "controller": true}]}}),
        ),
    ];
    let c = controllers(&resources);
    assert_eq!(
        c[resources[2].id.as_str()],
        ["K8s::apps::ReplicaSet", "K8s::apps::Deployment"]
    );
    assert_eq!(c[resources[1].id.as_str()], ["K8s::apps::Deployment"]);
    assert_eq!(
        c.len(),
        2,
        "no owner in the namespace, or an uncollected owner: {c:?}"
    );
}

#[test]
fn a_failed_scope_makes_its_type_incomplete() {
    let cov = |scope: &str, status| Coverage {
        scope: scope.into(),
        status,
        error: None,
    };
    let snap = Snapshot {
        coverage: vec![
            cov("kubernetes/c1/*/K8s::core::Pod", CoverageStatus::Complete),
            cov(
                "kubernetes/c1/a/K8s::core::ServiceAccount",
                CoverageStatus::Complete,
            ),
            cov(
                "kubernetes/c1/b/K8s::core::ServiceAccount",
                CoverageStatus::Failed,
            ),
        ],
        ..Default::default()
    };
    let t = complete_types(&snap);
    assert!(t["c1"].contains("K8s::core::Pod"));
    assert!(!t["c1"].contains("K8s::core::ServiceAccount"));
    assert!(complete_types(&Snapshot::default()).is_empty());
}

#[test]
fn a_pod_that_drifted_from_its_template_is_checked_itself() {
    let template = json!({"containers": [{"name": "app", "image": "web:1"}]});
    let rs = k8s(
        "K8s::apps::ReplicaSet",
        Some("a"),
        "web-1",
        json!({"spec": {"template": {"spec": template}}}),
    );
    let pod = |name: &str, spec: Value| {
        k8s(
            "K8s::core::Pod",
            Some("a"),
            name,
            json!({"metadata": {"ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "controller": true}]},
                   "spec": spec}),
        )
    };
    let resources = vec![
        rs,
        // Defaults and injected volumes do not count as drift.
        pod(
            "same",
            json!({"containers": [{"name": "app", "image": "web:1", "volumeMounts": [{"name": "kube-api-access"}]}],
                           "serviceAccountName": "default", "securityContext": {}, "volumes": [{"name": "kube-api-access"}]}),
        ),
        pod(
            "debugged",
            json!({"containers": [{"name": "app", "image": "web:1"}],
                               "ephemeralContainers": [{"name": "debugger", "image": "busybox", "securityContext": {"privileged": true}}]}),
        ),
        pod(
            "patched",
            json!({"containers": [{"name": "app", "image": "web:2"}]}),
        ),
        pod(
            "sidecar",
            json!({"containers": [{"name": "app", "image": "web:1"}, {"name": "proxy", "image": "envoy"}]}),
        ),
        pod(
            "root",
            json!({"containers": [{"name": "app", "image": "web:1"}], "hostPID": true}),
        ),
    ];
    let c = controllers(&resources);
    let ids: Vec<&str> = resources.iter().map(|r| r.id.as_str()).collect();
    assert!(c.contains_key(ids[1]));
    for drifted in &ids[2..] {
        assert!(!c.contains_key(drifted), "{drifted}");
    }
}
