//! `vigil scan --target kubernetes` against a stand-in API server serving a recorded cluster
//! (`tests/fixtures/k8s/cluster-a`: Kubernetes 1.20-style discovery with CronJob only at
//! batch/v1beta1, ClusterRoles forbidden to the scanner) with the real `kube::Client`.

mod common;

use common::*;
use serde_json::json;

const TOKEN: &str = "vigil-test-token";

/// A config with small pages, so every list of more than two objects is paginated.
fn config(dir: &std::path::Path, extra: &str) -> String {
    let path = dir.join("vigil.toml");
    std::fs::write(
        &path,
        format!("[collectors.kubernetes]\npage_size = 2\n{extra}"),
    )
    .unwrap();
    path.display().to_string()
}

fn scan(api: &K8sApi, dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let kubeconfig = api.kubeconfig(&[("test-a", TOKEN)]);
    let cfg = config(dir, "");
    let db = db(dir);
    let mut args = vec![
        "scan",
        "--target",
        "kubernetes",
        "--config",
        &cfg,
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--db",
        &db,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    vigil(&args)
}

fn coverage<'a>(doc: &'a serde_json::Value, scope_end: &str) -> &'a serde_json::Value {
    doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"].as_str().unwrap().ends_with(scope_end))
        .unwrap_or_else(|| panic!("no scope ending {scope_end}: {:#}", doc["scan"]["coverage"]))
}

fn rules_on(doc: &serde_json::Value, resource_end: &str) -> Vec<String> {
    let mut v: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] != "resolved")
        .filter(|f| f["resource_id"].as_str().unwrap().ends_with(resource_end))
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn a_cluster_is_collected_page_by_page_and_a_forbidden_kind_fails_only_its_scope() {
    let api = K8sApi::start("cluster-a");
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let out = scan(
        &api,
        dir.path(),
        &["--save-snapshot", snap.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["scan"]["status"], "partial");
    assert_eq!(doc["scan"]["target"], "kubernetes");

    // Coverage: ClusterRoles failed with the API's own reason; the rest complete.
    let denied = coverage(
        &doc,
        "/_cluster/K8s::rbac.authorization.k8s.io::ClusterRole",
    );
    assert_eq!(denied["status"], "failed");
    let why = denied["error"].as_str().unwrap();
    assert!(
        why.contains("403")
            && why.contains("Forbidden")
            && why.contains("cannot list resource \"clusterroles\""),
        "{why}"
    );
    let scopes = doc["scan"]["coverage"].as_array().unwrap();
    assert_eq!(scopes.len(), 18, "one scope per kind: {scopes:#?}");
    for c in scopes {
        if c["scope"] != denied["scope"] {
            assert_eq!(c["status"], "complete", "{c}");
        }
    }
    assert_eq!(
        coverage(&doc, "/*/K8s::core::Pod")["scope"],
        "kubernetes/test-a/*/K8s::core::Pod"
    );
    assert!(stderr(&out).contains("partial"), "{}", stderr(&out));

    // Pagination: 9 pods in pages of 2 → the first request and 4 continuations.
    let reqs = api.requests();
    let pod_pages: Vec<&String> = reqs
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/pods?"))
        .collect();
    assert_eq!(pod_pages.len(), 5, "{pod_pages:#?}");
    assert!(pod_pages[0].contains("limit=2") && !pod_pages[0].contains("continue="));
    assert!(pod_pages[1..].iter().all(|r| r.contains("continue=")));
    // The CronJob is read at the only version this cluster serves it at.
    assert!(
        reqs.iter()
            .any(|r| r.starts_with("GET /apis/batch/v1beta1/cronjobs?")),
        "{reqs:#?}"
    );
    // Secrets are never asked for.
    assert!(
        !reqs.iter().any(|r| r.contains("secrets")),
        "vigil requested secrets: {reqs:#?}"
    );

    // The snapshot: every object but the Secret, each with its kind and version filled in
    // (list items carry none on the wire), volatile fields gone, env values redacted.
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let resources = snapshot["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 38, "40 objects in all, minus the Secret and a ClusterRole list that was forbidden (2 ClusterRoles)");
    assert_eq!(doc["scan"]["resources"], 38);
    let cronjob = resources
        .iter()
        .find(|r| r["id"] == "k8s://test-a/legacy/batch/CronJob/report")
        .unwrap();
    assert_eq!(cronjob["config"]["apiVersion"], "batch/v1beta1");
    assert_eq!(cronjob["type"], "K8s::batch::CronJob");
    let pod = resources
        .iter()
        .find(|r| r["id"] == "k8s://test-a/shop/core/Pod/db-0")
        .unwrap();
    assert_eq!(pod["config"]["kind"], "Pod");
    assert_eq!(pod["config"]["status"], json!({"phase": "Running"}));
    assert!(pod["config"]["metadata"].get("managedFields").is_none());
    assert!(pod["config"]["metadata"].get("resourceVersion").is_none());
    let text = std::fs::read_to_string(&snap).unwrap();
    assert!(
        !text.contains("hunter2"),
        "an env value reached the snapshot"
    );
    assert!(
        !text.contains("c3VwZXItc2VjcmV0"),
        "a Secret reached the snapshot"
    );
    let db_bytes = std::fs::read(dir.path().join("vigil.db")).unwrap();
    let db_text = String::from_utf8_lossy(&db_bytes);
    assert!(!db_text.contains("hunter2") && !db_text.contains("c3VwZXItc2VjcmV0"));

    // Findings: the insecure Deployment once, not on its ReplicaSet or Pods.
    let api_rules = rules_on(&doc, "/legacy/apps/Deployment/api");
    for r in [
        "POD-K8S-001",
        "POD-K8S-004",
        "SEC-K8S-001",
        "IMG-K8S-002",
        "LBL-K8S-001",
    ] {
        assert!(
            api_rules.contains(&r.to_string()),
            "{r} missing: {api_rules:?}"
        );
    }
    assert!(rules_on(&doc, "/ReplicaSet/api-5c7b9d").is_empty());
    assert!(rules_on(&doc, "/Pod/api-5c7b9d-abcde").is_empty());
    // The CronJob carries its Job's findings; the Job has none of its own.
    assert!(rules_on(&doc, "/CronJob/report").contains(&"POD-K8S-001".to_string()));
    assert!(rules_on(&doc, "/Job/report-29392380").is_empty());
    // A mirror pod (owned by its Node) and a bare pod are checked themselves.
    assert!(rules_on(&doc, "/Pod/kube-apiserver-node-1").contains(&"POD-K8S-006".to_string()));
    assert!(rules_on(&doc, "/Pod/debug").contains(&"POD-K8S-001".to_string()));
    // The hardened workloads are clean.
    assert!(
        rules_on(&doc, "/shop/apps/Deployment/web").is_empty(),
        "{:?}",
        rules_on(&doc, "/shop/apps/Deployment/web")
    );
    assert!(rules_on(&doc, "/shop/apps/StatefulSet/db").is_empty());
    // Cluster-wide facts: default deny, missing service accounts, idle objects.
    assert_eq!(
        rules_on(&doc, "/Namespace/legacy"),
        ["LBL-K8S-002", "NET-K8S-001"]
    );
    assert!(!rules_on(&doc, "/Namespace/shop").contains(&"NET-K8S-001".to_string()));
    assert!(rules_on(&doc, "/Namespace/kube-system").is_empty());
    assert_eq!(
        rules_on(&doc, "/RoleBinding/ghost-binding"),
        ["IDLE-K8S-003"]
    );
    assert!(rules_on(&doc, "/Deployment/old-worker").contains(&"IDLE-K8S-001".to_string()));
    assert_eq!(
        rules_on(&doc, "/PersistentVolume/pv-released"),
        ["IDLE-K8S-002"]
    );
    assert_eq!(
        rules_on(&doc, "/PersistentVolumeClaim/data-db-2"),
        ["IDLE-K8S-002"]
    );
    assert!(rules_on(&doc, "/PersistentVolumeClaim/data-db-0").is_empty());
    assert_eq!(
        rules_on(&doc, "/ClusterRoleBinding/anonymous-admin"),
        ["RBAC-K8S-002"]
    );
    let ghost = finding(&doc, "IDLE-K8S-003", "ghost-binding").unwrap();
    assert!(
        ghost["message"].as_str().unwrap().contains("legacy/ghost"),
        "{ghost}"
    );
}

#[test]
fn findings_stay_open_while_their_kind_is_forbidden_and_resolve_once_it_is_read_again() {
    let api = K8sApi::start("cluster-a");
    let clusterroles = "/apis/rbac.authorization.k8s.io/v1/clusterroles";
    let serviceaccounts = "/api/v1/serviceaccounts";
    let dir = tempfile::tempdir().unwrap();

    // Scan 1: everything readable.
    api.set_error(clusterroles, None);
    let first = json(&scan(&api, dir.path(), &[]));
    assert_eq!(first["scan"]["status"], "complete");
    assert!(rules_on(&first, "/ClusterRole/everything").contains(&"RBAC-K8S-001".to_string()));
    assert_eq!(
        rules_on(&first, "/RoleBinding/ghost-binding"),
        ["IDLE-K8S-003"]
    );

    // Scan 2: the wildcard role is deleted and the ghost binding too, the insecure
    // Deployment is fixed — but ClusterRoles and ServiceAccounts are now forbidden.
    let forbidden = |what: &str| {
        Some(json!({"code": 403, "reason": "Forbidden",
            "message": format!("{what} is forbidden: User \"system:serviceaccount:vigil:vigil\" cannot list resource \"{what}\" at the cluster scope")}))
    };
    api.set_error(clusterroles, forbidden("clusterroles"));
    api.set_error(serviceaccounts, forbidden("serviceaccounts"));
    api.edit_objects(|items| {
        items.retain(|o| o["metadata"]["name"] != "everything");
        for o in items.iter_mut() {
            if o["kind"] == "Deployment" && o["metadata"]["name"] == "api" {
                o["spec"]["template"]["spec"]["containers"][0]["securityContext"] =
                    json!({"privileged": false});
            }
        }
    });
    let out = scan(&api, dir.path(), &[]);
    let second = json(&out);
    assert_eq!(second["scan"]["status"], "partial");
    let wildcard = finding(&second, "RBAC-K8S-001", "/ClusterRole/everything").unwrap();
    assert_eq!(
        wildcard["status"], "open",
        "a finding in a forbidden scope never resolves"
    );
    assert_eq!(wildcard["stale"], true);
    // IDLE-K8S-003 needs the ServiceAccounts: not evaluated, so not resolved either.
    let ghost = finding(&second, "IDLE-K8S-003", "ghost-binding").unwrap();
    assert_eq!(ghost["status"], "open");
    assert!(
        stderr(&out).contains("IDLE-K8S-003 not evaluated")
            && stderr(&out).contains("K8s::core::ServiceAccount"),
        "{}",
        stderr(&out)
    );
    // The Deployment's scope was read completely: its fixed finding resolves.
    let privileged = finding(&second, "POD-K8S-004", "/Deployment/api").unwrap();
    assert_eq!(privileged["status"], "resolved");

    // Scan 3: readable again; the deleted role's finding resolves.
    api.set_error(clusterroles, None);
    api.set_error(serviceaccounts, None);
    let third = json(&scan(&api, dir.path(), &[]));
    assert_eq!(third["scan"]["status"], "complete");
    let wildcard = finding(&third, "RBAC-K8S-001", "/ClusterRole/everything").unwrap();
    assert_eq!(wildcard["status"], "resolved");
    assert_eq!(
        finding(&third, "IDLE-K8S-003", "ghost-binding").unwrap()["status"],
        "open",
        "the binding still exists"
    );
}

#[test]
fn credentials_limited_to_some_namespaces_scan_those_and_report_the_rest() {
    let api = K8sApi::start("cluster-a");
    let dir = tempfile::tempdir().unwrap();
    // The scanner may list in `shop` and `legacy` only, and not Deployments in `legacy`.
    api.set_error(
        "/apis/apps/v1/namespaces/legacy/deployments",
        Some(json!({"code": 403, "reason": "Forbidden",
            "message": "deployments.apps is forbidden: User \"dev\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"legacy\""})),
    );
    let out = scan(
        &api,
        dir.path(),
        &[
            "--namespace",
            "shop",
            "--namespace",
            "legacy",
            "--kind",
            "Deployment",
            "--kind",
            "Pod",
        ],
    );
    let doc = json(&out);
    assert_eq!(doc["scan"]["status"], "partial", "{}", stderr(&out));
    let scopes: Vec<(String, String)> = doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["scope"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        scopes,
        [
            (
                "kubernetes/test-a/legacy/K8s::apps::Deployment".into(),
                "failed".into()
            ),
            (
                "kubernetes/test-a/legacy/K8s::core::Pod".into(),
                "complete".into()
            ),
            (
                "kubernetes/test-a/shop/K8s::apps::Deployment".into(),
                "complete".into()
            ),
            (
                "kubernetes/test-a/shop/K8s::core::Pod".into(),
                "complete".into()
            ),
        ]
    );
    let reqs = api.requests();
    assert!(reqs
        .iter()
        .any(|r| r.starts_with("GET /api/v1/namespaces/shop/pods?")));
    assert!(
        !reqs.iter().any(|r| r.starts_with("GET /api/v1/pods")),
        "no cluster-wide list when namespaces are given: {reqs:#?}"
    );
    // Pods in legacy are still checked; kube-system was not asked for.
    assert!(rules_on(&doc, "/legacy/core/Pod/debug").contains(&"POD-K8S-001".to_string()));
    assert!(rules_on(&doc, "kube-apiserver-node-1").is_empty());
}

#[test]
fn an_expired_continue_token_restarts_the_list() {
    let api = K8sApi::start("cluster-a");
    let mut server = api.read("server.json");
    server["expire_continue"] = json!(["/api/v1/pods"]);
    api.write("server.json", &server);
    let dir = tempfile::tempdir().unwrap();
    let out = scan(&api, dir.path(), &["--kind", "Pod"]);
    let doc = json(&out);
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&out));
    assert_eq!(doc["scan"]["resources"], 9);
    let fresh_starts = api
        .requests()
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/pods?") && !r.contains("continue="))
        .count();
    assert_eq!(fresh_starts, 2, "the list starts over once after the 410");
}

#[test]
fn unreachable_or_misconfigured_clusters_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    // A server that is not there: every scope fails, the scan fails, exit 2.
    let closed = free_port();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!("apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: http://127.0.0.1:{closed}\ncontexts:\n- name: gone\n  context: {{cluster: gone, user: u}}\ncurrent-context: gone\nusers:\n- name: u\n  user: {{token: t}}\n"),
    )
    .unwrap();
    let cfg = config(dir.path(), "timeout_seconds = 5\n");
    let db = db(dir.path());
    let out = vigil(&[
        "scan",
        "--target",
        "kubernetes",
        "--config",
        &cfg,
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--db",
        &db,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["scan"]["status"], "failed");
    let first = &doc["scan"]["coverage"][0];
    assert_eq!(first["status"], "failed");
    assert!(
        first["error"]
            .as_str()
            .unwrap()
            .contains("discovering API group"),
        "{first}"
    );

    // A kubeconfig that does not exist, and a context that does not.
    let out = vigil(&[
        "scan",
        "--target",
        "kubernetes",
        "--kubeconfig",
        "/nonexistent/kubeconfig",
        "--db",
        &db,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/kubeconfig"),
        "{}",
        stderr(&out)
    );
    let out = vigil(&[
        "scan",
        "--target",
        "kubernetes",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--context",
        "nope",
        "--db",
        &db,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no context `nope`") && stderr(&out).contains("gone"),
        "{}",
        stderr(&out)
    );
    // An unknown kind is refused before anything is contacted.
    let out = vigil(&[
        "scan",
        "--target",
        "kubernetes",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--kind",
        "Secret",
        "--db",
        &db,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown Kubernetes kind `Secret`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_rejected_token_fails_every_scope_with_the_api_answer() {
    let api = K8sApi::start("cluster-a");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = api.kubeconfig(&[("test-a", "wrong-token")]);
    let db = db(dir.path());
    let out = vigil(&[
        "scan",
        "--target",
        "kubernetes",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--db",
        &db,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    for c in doc["scan"]["coverage"].as_array().unwrap() {
        assert_eq!(c["status"], "failed");
        assert!(c["error"].as_str().unwrap().contains("401"), "{c}");
    }
    assert!(!stderr(&out).contains("wrong-token") && !stdout(&out).contains("wrong-token"));
}

#[test]
fn several_clusters_from_the_config_are_scanned_under_their_names() {
    let api = K8sApi::start("cluster-a");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = api.kubeconfig(&[("ctx-one", TOKEN), ("ctx-two", TOKEN)]);
    let k = kubeconfig.display();
    let cfg = config(
        dir.path(),
        &format!("\n[[collectors.kubernetes.clusters]]\nname = \"prod\"\nkubeconfig = \"{k}\"\ncontext = \"ctx-one\"\nkinds = [\"Namespace\"]\n\n[[collectors.kubernetes.clusters]]\nkubeconfig = \"{k}\"\ncontext = \"ctx-two\"\nkinds = [\"Namespace\"]\n"),
    );
    let db = db(dir.path());
    let out = vigil(&[
        "scan", "--target", "k8s", "--config", &cfg, "--db", &db, "--format", "json",
    ]);
    let doc = json(&out);
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&out));
    let scopes: Vec<&str> = doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["scope"].as_str().unwrap())
        .collect();
    assert_eq!(
        scopes,
        [
            "kubernetes/ctx-two/_cluster/K8s::core::Namespace",
            "kubernetes/prod/_cluster/K8s::core::Namespace"
        ]
    );
    assert!(finding(
        &doc,
        "LBL-K8S-002",
        "k8s://prod/_cluster/core/Namespace/legacy"
    )
    .is_some());
    assert!(finding(
        &doc,
        "LBL-K8S-002",
        "k8s://ctx-two/_cluster/core/Namespace/legacy"
    )
    .is_some());
}
