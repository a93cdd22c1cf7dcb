//! `vigil scan --target kubernetes` against a stand-in API server serving a recorded cluster
//! (`tests/fixtures/k8s/cluster-a`: Kubernetes 1.20-style discovery with CronJob only at
//! batch/v1beta1, ClusterRoles forbidden to the scanner) with the real `kube::Client`.

use crate::common;

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
    // Scaled to zero, but vigil's history starts now: not yet a reaping candidate (a
    // Deployment's last rollout is not the time it was scaled down).
    assert!(!rules_on(&doc, "/Deployment/old-worker").contains(&"IDLE-K8S-001".to_string()));
    assert_eq!(
        rules_on(&doc, "/PersistentVolume/pv-released"),
        ["IDLE-K8S-002"]
    );
    // An unused claim, but in the shop's prod namespace: not a reaping candidate.
    assert!(rules_on(&doc, "/PersistentVolumeClaim/data-db-2").is_empty());
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

    // Scan 1: everything readable. A binding to a service account that exists is clean.
    api.set_error(clusterroles, None);
    api.edit_objects(|items| {
        items.push(
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "web-reader", "namespace": "shop"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
            "subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": "shop"}]}),
        );
    });
    let first = json(&scan(&api, dir.path(), &[]));
    assert_eq!(first["scan"]["status"], "complete");
    assert!(rules_on(&first, "/ClusterRole/everything").contains(&"RBAC-K8S-001".to_string()));
    assert_eq!(
        rules_on(&first, "/RoleBinding/ghost-binding"),
        ["IDLE-K8S-003"]
    );
    assert!(rules_on(&first, "/RoleBinding/web-reader").is_empty());

    // Scan 2: the wildcard role is deleted and the insecure Deployment is fixed, someone
    // attaches a privileged debug container to one of its Pods — and ClusterRoles and
    // ServiceAccounts are now forbidden.
    let forbidden = |what: &str| {
        Some(json!({"code": 403, "reason": "Forbidden",
            "message": format!("{what} is forbidden: User \"system:serviceaccount:vigil:vigil\" cannot list resource \"{what}\" at the cluster scope")}))
    };
    api.set_error(clusterroles, forbidden("clusterroles"));
    api.set_error(serviceaccounts, forbidden("serviceaccounts"));
    api.edit_objects(|items| {
        items.retain(|o| o["metadata"]["name"] != "everything");
        for o in items.iter_mut() {
            let name = o["metadata"]["name"].as_str().unwrap().to_string();
            match (o["kind"].as_str().unwrap(), name.as_str()) {
                ("Deployment", "api") | ("ReplicaSet", "api-5c7b9d") => {
                    o["spec"]["template"]["spec"]["containers"][0]["securityContext"] =
                        json!({"privileged": false});
                }
                ("Pod", n) if n.starts_with("api-5c7b9d-") => {
                    o["spec"]["containers"][0]["securityContext"] = json!({"privileged": false});
                    if n == "api-5c7b9d-abcde" {
                        o["spec"]["ephemeralContainers"] = json!([{"name": "debugger",
                            "image": "busybox:1.36", "securityContext": {"privileged": true}}]);
                    }
                }
                _ => {}
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
    // IDLE-K8S-003 needs the ServiceAccounts: not evaluated, so not resolved either — and
    // not run on an empty inventory, where every binding would look broken.
    let ghost = finding(&second, "IDLE-K8S-003", "ghost-binding").unwrap();
    assert_eq!(ghost["status"], "open");
    assert_eq!(ghost["stale"], true, "not re-checked in this scan");
    assert!(rules_on(&second, "/RoleBinding/web-reader").is_empty());
    assert!(
        stderr(&out).contains("IDLE-K8S-003 not evaluated")
            && stderr(&out).contains("K8s::core::ServiceAccount"),
        "{}",
        stderr(&out)
    );
    // The Deployment's scope was read completely: its fixed finding resolves.
    let privileged = finding(&second, "POD-K8S-004", "/Deployment/api").unwrap();
    assert_eq!(privileged["status"], "resolved");
    // The Pod that drifted from its template is checked itself; its sibling is not.
    let debugged = finding(&second, "POD-K8S-004", "/Pod/api-5c7b9d-abcde").unwrap();
    assert!(
        debugged["message"].as_str().unwrap().contains("debugger"),
        "{debugged}"
    );
    assert!(rules_on(&second, "/Pod/api-5c7b9d-fghij").is_empty());

    // Scan 3: readable again; the deleted role's finding resolves.
    api.set_error(clusterroles, None);
    api.set_error(serviceaccounts, None);
    let third = json(&scan(&api, dir.path(), &[]));
    assert_eq!(third["scan"]["status"], "complete");
    let wildcard = finding(&third, "RBAC-K8S-001", "/ClusterRole/everything").unwrap();
    assert_eq!(wildcard["status"], "resolved");
    let ghost = finding(&third, "IDLE-K8S-003", "ghost-binding").unwrap();
    assert_eq!(ghost["status"], "open", "the binding still exists");
    assert_eq!(ghost["stale"], false);
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

    // With every kind: the Namespaces (cluster-scoped) are listed, but NetworkPolicies and
    // ServiceAccounts only in one namespace — rules that need them cluster-wide do not run.
    api.set_error("/apis/apps/v1/namespaces/legacy/deployments", None);
    let dir = tempfile::tempdir().unwrap();
    let out = scan(&api, dir.path(), &["--namespace", "shop"]);
    let doc = json(&out);
    for rule in ["NET-K8S-001", "IDLE-K8S-003"] {
        assert!(
            !doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule_id"] == rule),
            "{rule} ran on a namespace-limited scan"
        );
    }
    assert!(
        stderr(&out).contains("NET-K8S-001 not evaluated"),
        "{}",
        stderr(&out)
    );
    // A namespace name that would widen the scope is refused.
    let out = scan(&api, dir.path(), &["--namespace", "*"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`*` is not a Kubernetes namespace name"),
        "{}",
        stderr(&out)
    );
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
fn an_api_briefly_unavailable_is_retried_a_bounded_number_of_times() {
    let api = K8sApi::start("cluster-a");
    let mut server = api.read("server.json");
    server["flaky"] = json!({"/api/v1/pods": 2, "/apis/apps/v1": 1, "/api/v1/services": 9});
    api.write("server.json", &server);
    let dir = tempfile::tempdir().unwrap();
    let out = scan(
        &api,
        dir.path(),
        &["--kind", "Pod", "--kind", "Deployment", "--kind", "Service"],
    );
    let doc = json(&out);
    // Pods and the apps group answer on the third and second attempt; Services stay
    // unavailable past the 4 attempts and fail their scope.
    assert_eq!(coverage(&doc, "/*/K8s::core::Pod")["status"], "complete");
    assert_eq!(
        coverage(&doc, "/*/K8s::apps::Deployment")["status"],
        "complete"
    );
    let services = coverage(&doc, "/*/K8s::core::Service");
    assert_eq!(services["status"], "failed");
    assert!(
        services["error"].as_str().unwrap().contains("503"),
        "{services}"
    );
    let reqs = api.requests();
    let count = |prefix: &str| reqs.iter().filter(|r| r.starts_with(prefix)).count();
    assert_eq!(count("GET /api/v1/services?"), 4);
    assert_eq!(
        count("GET /api/v1/pods?") - 4,
        3,
        "5 pages, the first tried 3 times: {reqs:#?}"
    );
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

    // Misconfigurations are refused with exit 2 and a message that names what is wrong;
    // an unknown kind before anything is contacted.
    let kc = kubeconfig.to_str().unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--kubeconfig", "/nonexistent/kubeconfig"],
            &["/nonexistent/kubeconfig"],
        ),
        (
            &["--kubeconfig", kc, "--context", "nope"],
            &["no context `nope`", "gone"],
        ),
        (
            &["--kubeconfig", kc, "--kind", "Secret"],
            &["unknown Kubernetes kind `Secret`"],
        ),
    ];
    for (extra, needles) in cases {
        let mut args = vec!["scan", "--target", "kubernetes", "--db", &db];
        args.extend_from_slice(extra);
        let out = vigil(&args);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        for n in *needles {
            assert!(
                stderr(&out).contains(n),
                "{extra:?}: no `{n}` in {}",
                stderr(&out)
            );
        }
    }
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
    // --kind narrows every configured cluster instead of replacing them.
    let out = vigil(&[
        "scan", "--target", "k8s", "--config", &cfg, "--db", &db, "--format", "json", "--kind",
        "Service",
    ]);
    let doc = json(&out);
    let scopes: Vec<&str> = doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["scope"].as_str().unwrap())
        .collect();
    assert_eq!(
        scopes,
        [
            "kubernetes/ctx-two/*/K8s::core::Service",
            "kubernetes/prod/*/K8s::core::Service"
        ]
    );

    // A cluster that cannot be reached fails its own scopes under its name; the other is
    // scanned.
    let cfg = config(
        dir.path(),
        &format!("\n[[collectors.kubernetes.clusters]]\nname = \"prod\"\nkubeconfig = \"{k}\"\ncontext = \"ctx-one\"\nkinds = [\"Namespace\"]\n\n[[collectors.kubernetes.clusters]]\nname = \"lost\"\nkubeconfig = \"{k}\"\ncontext = \"ctx-three\"\nkinds = [\"Namespace\"]\n"),
    );
    let out = vigil(&[
        "scan", "--target", "k8s", "--config", &cfg, "--db", &db, "--format", "json",
    ]);
    let doc = json(&out);
    assert_eq!(doc["scan"]["status"], "partial", "{}", stderr(&out));
    let prod = coverage(&doc, "kubernetes/prod/_cluster/K8s::core::Namespace");
    assert_eq!(prod["status"], "complete");
    let lost = coverage(&doc, "kubernetes/lost/*/K8s::core::Namespace");
    assert_eq!(lost["status"], "failed");
    assert!(
        lost["error"]
            .as_str()
            .unwrap()
            .contains("no context `ctx-three`"),
        "{lost}"
    );
    assert!(stderr(&out).contains("cluster lost"), "{}", stderr(&out));

    // Two entries that turn out to name the same cluster are refused before any scan.
    let cfg = config(
        dir.path(),
        &format!("\n[[collectors.kubernetes.clusters]]\nkubeconfig = \"{k}\"\ncontext = \"ctx-one\"\n\n[[collectors.kubernetes.clusters]]\nkubeconfig = \"{k}\"\n"),
    );
    let before = api.requests().len();
    let out = vigil(&["scan", "--target", "k8s", "--config", &cfg, "--db", &db]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("two clusters are named `ctx-one`"),
        "{}",
        stderr(&out)
    );
    assert_eq!(api.requests().len(), before, "nothing was collected");
}

#[test]
fn a_group_whose_discovery_fails_fails_its_kinds_and_a_kind_not_served_has_nothing_to_find() {
    let api = K8sApi::start("cluster-a");
    let dir = tempfile::tempdir().unwrap();
    let first = json(&scan(&api, dir.path(), &[]));
    assert!(finding(&first, "ING-K8S-001", "/Ingress/api").is_some());
    assert!(finding(&first, "POD-K8S-001", "/CronJob/report").is_some());

    // batch/v1beta1 answers 503 (an aggregated API down, say); networking.k8s.io no longer
    // serves Ingress at any version.
    api.set_error(
        "/apis/batch/v1beta1",
        Some(json!({"code": 503, "reason": "ServiceUnavailable",
            "message": "the server is currently unable to handle the request"})),
    );
    let mut discovery = api.read("discovery.json");
    for gv in [
        "/apis/networking.k8s.io/v1",
        "/apis/networking.k8s.io/v1beta1",
    ] {
        discovery[gv]["resources"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["kind"] != "Ingress");
    }
    api.write("discovery.json", &discovery);
    let second = json(&scan(&api, dir.path(), &[]));
    assert_eq!(second["scan"]["status"], "partial");
    for kind in ["K8s::batch::Job", "K8s::batch::CronJob"] {
        let c = coverage(&second, &format!("/*/{kind}"));
        assert_eq!(c["status"], "failed");
        let e = c["error"].as_str().unwrap();
        assert!(
            e.contains("discovering API group batch") && e.contains("503"),
            "{e}"
        );
    }
    assert_eq!(
        coverage(&second, "/*/K8s::apps::Deployment")["status"],
        "complete"
    );
    // The CronJob's findings stay open; the Ingress kind is gone, and so are its objects.
    let cronjob = finding(&second, "POD-K8S-001", "/CronJob/report").unwrap();
    assert_eq!(cronjob["status"], "open");
    let ingress = coverage(&second, "/*/K8s::networking.k8s.io::Ingress");
    assert_eq!(ingress["status"], "complete");
    let gone = finding(&second, "ING-K8S-001", "/Ingress/api").unwrap();
    assert_eq!(gone["status"], "resolved");
}

#[test]
fn credentials_are_never_echoed_from_a_failing_plugin_or_a_broken_kubeconfig() {
    let api = K8sApi::start("cluster-a");
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let kubeconfig = dir.path().join("exec.kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: {{server: \"{}\"}}\ncontexts:\n- name: a\n  context: {{cluster: a, user: u}}\ncurrent-context: a\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: sh\n      args: [\"-c\", \"echo token-from-plugin-$PLUGIN_SECRET; exit 3\"]\n      env: [{{name: PLUGIN_SECRET, value: sw0rdfish-env}}]\n      interactiveMode: Never\n",
            api.url()
        ),
    )
    .unwrap();
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
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc = json(&out);
    let e = doc["scan"]["coverage"][0]["error"].as_str().unwrap();
    assert!(e.contains("exec credential plugin failed"), "{e}");

    // The same kind of plugin that works (as `aws eks get-token` does) authenticates.
    let good = dir.path().join("good.kubeconfig");
    let text = std::fs::read_to_string(&kubeconfig).unwrap().replace(
        "echo token-from-plugin-$PLUGIN_SECRET; exit 3",
        "printf '{\\\"apiVersion\\\":\\\"client.authentication.k8s.io/v1beta1\\\",\\\"kind\\\":\\\"ExecCredential\\\",\\\"status\\\":{\\\"token\\\":\\\"vigil-test-token\\\"}}'",
    );
    std::fs::write(&good, text).unwrap();
    let ok = vigil(&[
        "scan",
        "--target",
        "kubernetes",
        "--kubeconfig",
        good.to_str().unwrap(),
        "--db",
        &db,
        "--kind",
        "Namespace",
        "--format",
        "json",
    ]);
    assert_eq!(json(&ok)["scan"]["status"], "complete", "{}", stderr(&ok));

    let broken = dir.path().join("broken.kubeconfig");
    std::fs::write(
        &broken,
        "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: sw0rdfish-token\n    : [unclosed\n",
    )
    .unwrap();
    let out2 = vigil(&[
        "scan",
        "--target",
        "kubernetes",
        "--kubeconfig",
        broken.to_str().unwrap(),
        "--db",
        &db,
    ]);
    assert_eq!(out2.status.code(), Some(2));
    assert!(
        stderr(&out2).contains("not valid YAML"),
        "{}",
        stderr(&out2)
    );
    let db_bytes = std::fs::read(dir.path().join("vigil.db")).unwrap();
    for text in [
        stdout(&out),
        stderr(&out),
        stdout(&out2),
        stderr(&out2),
        String::from_utf8_lossy(&db_bytes).into_owned(),
    ] {
        assert!(
            !text.contains("sw0rdfish"),
            "a credential was echoed:\n{text}"
        );
    }
}

#[test]
fn another_cluster_under_a_known_name_is_refused_before_it_resolves_anything() {
    let api = K8sApi::start("cluster-a");
    let dir = tempfile::tempdir().unwrap();
    let first = json(&scan(&api, dir.path(), &[]));
    let open_before = active(&first).len();
    assert!(open_before > 10);
    // Same kubeconfig context name, but a different cluster (its kube-system namespace has
    // another UID) that has none of the first one's problems.
    api.edit_objects(|items| {
        items.retain(|o| o["kind"] == "Namespace");
        for o in items.iter_mut() {
            if o["metadata"]["name"] == "kube-system" {
                o["metadata"]["uid"] = json!("0b7e9a52-1c2d-4e3f-8a9b-000000000001");
            }
        }
    });
    let out = scan(&api, dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("`kubernetes/test-a` was kube-system-uid:") && err.contains("--cluster-name"),
        "{err}"
    );
    // Nothing was recorded: the next scan of the real cluster sees every finding still open.
    let store = vigil::store::Store::open(&dir.path().join("vigil.db")).unwrap();
    assert_eq!(store.count("scans").unwrap(), 1);
    // Under its own name the other cluster is welcome.
    let out = scan(&api, dir.path(), &["--cluster-name", "test-b"]);
    assert_eq!(json(&out)["scan"]["status"], "partial", "{}", stderr(&out));
}
