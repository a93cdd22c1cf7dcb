//! vigil against a real kube-apiserver (RBAC, admission, real list answers): credentials
//! planted in objects never reach the database, a snapshot, the output or the log; a
//! kubeconfig limited to one namespace by a Role gets a partial scan of that namespace.

use crate::common;

use common::{all_bytes, json, stderr, stdout, vigil, RealKube};

/// Objects in namespace `shop` with a credential in every place one hides; each planted
/// value contains `PLANT`.
const PLANTED: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
  annotations:
    example.com/db-credentials: "password=PLANT-annotation-1"
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web, api-key: PLANT-label-2}
      annotations: {backup.example.com/token: PLANT-template-annotation-3}
    spec:
      containers:
      - name: app
        image: registry.example.com/web:1.0
        command: ["sh", "-c", "export API_TOKEN=PLANT-script-4; exec /app --log-level=info"]
        args: ["--db-password=PLANT-arg-5", "--token", "PLANT-arg-6", "--port", "8080"]
        env:
        - {name: MODE, value: PLANT-env-7}
        livenessProbe:
          httpGet:
            path: /healthz
            port: 8080
            httpHeaders: [{name: Authorization, value: "Bearer PLANT-header-8-0123456789abcdef"}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations: {note: "mirror key AKIAPLANTKSXSEVENABC"}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop, labels: {app: debug}}
spec:
  containers:
  - name: c
    image: registry.example.com/tools:1.0
    args: ["--dsn=postgres://app:PLANT-url-9@db:5432/shop"]
"#;

fn scan(kube: &RealKube, db: &str, extra: &[&str]) -> std::process::Output {
    let kc = kube.kubeconfig.display().to_string();
    let mut args = vec![
        "scan",
        "--target",
        "kubernetes",
        "--kubeconfig",
        &kc,
        "--db",
        db,
        "--log-level",
        "debug",
    ];
    args.extend_from_slice(extra);
    vigil(&args)
}

#[test]
fn planted_credentials_never_reach_the_database_a_snapshot_the_output_or_the_log() {
    let Some(kube) = RealKube::start() else {
        return;
    };
    kube.apply(PLANTED);
    // The planted values really are in the cluster: the test can fail.
    let served = kube.kubectl(&["get", "deploy,svc,pod", "-n", "shop", "-o", "json"], None);
    for n in 1..=9 {
        assert!(
            served.contains(&format!("-{n}")),
            "planted value {n} is not served"
        );
    }
    assert!(served.contains("AKIAPLANTKSXSEVENABC"));

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let db = data.join("vigil.db").display().to_string();
    let snap = dir.path().join("snap.json");
    let json_run = scan(
        &kube,
        &db,
        &[
            "--format",
            "json",
            "--save-snapshot",
            snap.to_str().unwrap(),
        ],
    );
    assert!(
        matches!(json_run.status.code(), Some(0 | 1)),
        "{}",
        stderr(&json_run)
    );
    let doc = json(&json_run);
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&json_run));
    let table_run = scan(&kube, &db, &["--format", "table"]);
    let findings = vigil(&["findings", "list", "--db", &db, "--format", "json"]);
    let drift = vigil(&["drift", "--db", &db, "--format", "json"]);

    let mut places = vec![
        ("the database files", all_bytes(&data)),
        ("the snapshot", std::fs::read_to_string(&snap).unwrap()),
    ];
    for (what, out) in [
        ("scan --format json", &json_run),
        ("scan --format table", &table_run),
        ("findings list", &findings),
        ("drift", &drift),
    ] {
        places.push((what, format!("{}{}", stdout(out), stderr(out))));
    }
    for (what, text) in &places {
        assert!(!text.is_empty(), "{what} is empty");
        let hits: Vec<&str> = text
            .match_indices("PLANT")
            .map(|(i, _)| &text[i..(i + 30).min(text.len())])
            .collect();
        assert!(hits.is_empty(), "{what} holds planted values: {hits:?}");
    }
    assert!(stderr(&json_run).contains("redacted credential-looking values"));

    // The rules report each place by its key, never by its value.
    let messages: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().into(),
                f["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    for (rule, want) in [
        (
            "SEC-K8S-002",
            "web: container app passes a credential in its command (API_TOKEN)",
        ),
        (
            "SEC-K8S-002",
            "web: container app passes a credential in its args (--db-password)",
        ),
        (
            "SEC-K8S-002",
            "web: container app passes a credential in its args (--token)",
        ),
        (
            "SEC-K8S-002",
            "debug: container c passes a credential in its args (--dsn)",
        ),
        (
            "SEC-K8S-003",
            "web: annotation example.com/db-credentials carries a credential",
        ),
        (
            "SEC-K8S-003",
            "web: pod template: label api-key carries a credential",
        ),
        (
            "SEC-K8S-003",
            "web: pod template: annotation backup.example.com/token carries a credential",
        ),
        ("SEC-K8S-003", "web: annotation note carries a credential"),
    ] {
        assert!(
            messages
                .iter()
                .any(|(r, m)| r == rule && m.split("; ").any(|m| m == want)),
            "no {rule} `{want}` in {messages:#?}"
        );
    }

    // The same values scanned again are no drift; a changed one is, at its path.
    assert!(
        json(&drift)["events"].as_array().is_none_or(Vec::is_empty),
        "{}",
        stdout(&drift)
    );
    kube.kubectl(
        &["-n", "shop", "patch", "deploy", "web", "--type", "json", "-p",
          r#"[{"op": "replace", "path": "/spec/template/spec/containers/0/args/0", "value": "--db-password=PLANT-arg-5-rotated"}]"#],
        None,
    );
    let third = scan(&kube, &db, &["--format", "json"]);
    assert!(!stdout(&third).contains("PLANT"));
    let drift = vigil(&["drift", "--db", &db, "--format", "json"]);
    let text = stdout(&drift);
    assert!(!text.contains("PLANT"), "{text}");
    assert!(
        text.contains("args[0]") && text.contains("(redacted by vigil) hmac-sha256:"),
        "{text}"
    );
}

/// A Role that lets `reader` read everything vigil collects in one namespace.
fn role_in(ns: &str) -> String {
    format!(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: vigil-reader, namespace: {ns}}}
rules:
- apiGroups: ["", "apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io"]
  resources: ["*"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: vigil-reader, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: vigil-reader}}
subjects: [{{kind: User, name: reader, apiGroup: rbac.authorization.k8s.io}}]
"#
    )
}

const TWO_NAMESPACES: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: c, image: "nginx:latest", securityContext: {privileged: true}}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: site, namespace: web}
spec:
  selector: {matchLabels: {app: site}}
  template:
    metadata: {labels: {app: site}}
    spec: {containers: [{name: c, image: "nginx:latest", securityContext: {privileged: true}}]}
"#;

fn scopes(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["scope"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["error"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `vigil scan --target kubernetes` as one kubeconfig context, into one database, as JSON.
fn scan_as(kubeconfig: &str, context: &str, db: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "scan",
        "--target",
        "kubernetes",
        "--kubeconfig",
        kubeconfig,
        "--context",
        context,
        "--db",
        db,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    vigil(&args)
}

#[test]
fn a_kubeconfig_limited_to_one_namespace_scans_that_namespace() {
    let Some(kube) = RealKube::start() else {
        return;
    };
    kube.apply(TWO_NAMESPACES);
    kube.apply(&role_in("shop"));
    let kc = kube.kubeconfig.display().to_string();
    kube.kubectl(
        &["config", "set-context", "reader", "--namespace", "shop"],
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    let db = common::db(dir.path());

    // 1. The context names the namespace, as kubectl users set it.
    let run = scan_as(&kc, "reader", &db, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let doc = json(&run);
    assert_eq!(doc["scan"]["status"], "partial");
    assert!(
        stderr(&run).contains("note: cluster reader: these credentials may not list 14 kinds across all namespaces; vigil fell back to the namespace they may read: shop"),
        "{}",
        stderr(&run)
    );
    let cov = scopes(&doc);
    let find = |scope: &str| {
        cov.iter()
            .find(|c| c.0 == scope)
            .unwrap_or_else(|| panic!("no scope {scope} in {cov:#?}"))
    };
    let all = find("kubernetes/reader/*/K8s::apps::Deployment");
    assert_eq!(all.1, "failed");
    assert!(
        all.2.starts_with("HTTP 403 Forbidden: deployments.apps is forbidden: User \"reader\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope")
            && all.2.ends_with("; listed instead in namespace shop"),
        "{}",
        all.2
    );
    assert_eq!(
        find("kubernetes/reader/shop/K8s::apps::Deployment").1,
        "complete"
    );
    assert_eq!(find("kubernetes/reader/shop/K8s::core::Pod").1, "complete");
    let ns = find("kubernetes/reader/_cluster/K8s::core::Namespace");
    assert_eq!(ns.1, "failed");
    assert!(
        ns.2.contains("cannot list resource \"namespaces\""),
        "{}",
        ns.2
    );
    assert!(!cov.iter().any(|c| c.0.contains("/web/")), "{cov:#?}");
    let on = |needle: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["resource_id"].as_str().unwrap().contains(needle))
    };
    assert!(on("/shop/apps/Deployment/cart"));
    assert!(!on("/web/"));

    // 2. An admin scan finds both; then the reader's scan leaves web's findings open
    //    (stale), since it could not look there, and re-checks shop's.
    let admin = scan_as(&kc, "admin", &db, &["--cluster-name", "reader"]);
    assert_eq!(
        json(&admin)["scan"]["status"],
        "complete",
        "{}",
        stderr(&admin)
    );
    let again = scan_as(&kc, "reader", &db, &[]);
    let doc = json(&again);
    let site = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["resource_id"]
                .as_str()
                .unwrap()
                .contains("/web/apps/Deployment/site")
        })
        .expect("web's finding is still reported");
    assert_eq!(site["status"], "open");
    assert_eq!(site["stale"], true);

    // 3. No namespace in the context, but the right to list namespaces: the rules review
    //    of each namespace finds the one the Role grants.
    kube.apply(
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: list-namespaces}
rules: [{apiGroups: [""], resources: ["namespaces"], verbs: ["list"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: reader-list-namespaces}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: list-namespaces}
subjects: [{kind: User, name: reader, apiGroup: rbac.authorization.k8s.io}]
"#,
    );
    kube.kubectl(
        &["config", "set-context", "reader", "--namespace", ""],
        None,
    );
    let other = tempfile::tempdir().unwrap();
    let run = scan_as(&kc, "reader", &common::db(other.path()), &[]);
    let doc = json(&run);
    assert_eq!(doc["scan"]["status"], "partial", "{}", stderr(&run));
    assert!(
        stderr(&run).contains("fell back to the namespace they may read: shop"),
        "{}",
        stderr(&run)
    );
    let cov = scopes(&doc);
    assert!(cov.contains(&(
        "kubernetes/reader/_cluster/K8s::core::Namespace".into(),
        "complete".into(),
        String::new()
    )));
    assert!(cov
        .iter()
        .any(|c| c.0 == "kubernetes/reader/shop/K8s::apps::Deployment" && c.1 == "complete"));

    // 4. Credentials that may read nothing at all: the scan fails, and says why.
    kube.kubectl(
        &["-n", "shop", "delete", "rolebinding", "vigil-reader"],
        None,
    );
    kube.kubectl(
        &["delete", "clusterrolebinding", "reader-list-namespaces"],
        None,
    );
    let run = scan_as(&kc, "reader", &common::db(other.path()), &[]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("and no namespace was found where they may (checked: default)"),
        "{}",
        stderr(&run)
    );
}
