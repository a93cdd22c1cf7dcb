//! `vigil report`: the baseline posture of a moto scan and a real API server's cluster scan,
//! in every format, the HTML in headless chromium, and a failed scope's controls not
//! assessed.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::browser::Browser;
use crate::common::*;

pub(crate) const WORKLOAD: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: shop}
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
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: vigil-reader, namespace: shop}
rules:
- apiGroups: ["", "apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io"]
  resources: ["*"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: vigil-reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: vigil-reader}
subjects: [{kind: User, name: reader, apiGroup: rbac.authorization.k8s.io}]
"#;

fn report(db: &str, args: &[&str]) -> String {
    let mut all = vec!["report", "--db", db];
    all.extend_from_slice(args);
    let out = vigil(&all);
    assert!(out.status.success(), "vigil {all:?}: {}", stderr(&out));
    stdout(&out)
}

fn posture(db: &str, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&report(db, &all)).unwrap()
}

fn control<'a>(p: &'a Value, id: &str) -> &'a Value {
    p["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in the report"))
}

fn kube_scan(kube: &RealKube, db: &str, context: &str) -> i64 {
    let kc = kube.kubeconfig.display().to_string();
    let out = vigil(&[
        "scan",
        "--target",
        "kubernetes",
        "--kubeconfig",
        &kc,
        "--context",
        context,
        "--db",
        db,
        "--format",
        "json",
    ]);
    json(&out)["scan"]["id"].as_i64().unwrap()
}

/// Each class and status counted from the controls themselves.
fn recount(p: &Value) -> BTreeMap<String, u64> {
    let mut n = BTreeMap::new();
    for c in p["controls"].as_array().unwrap() {
        *n.entry(c["class"].as_str().unwrap().to_string())
            .or_default() += 1;
        if let Some(s) = c["status"].as_str() {
            *n.entry(s.to_string()).or_default() += 1;
        }
    }
    n
}

#[test]
fn posture_of_a_moto_scan_and_a_cluster_scan_in_every_format() {
    let moto = Moto::start();
    boto(
        &moto,
        "c('s3').create_bucket(Bucket='plain-logs')\n\
         k = c('kms').create_key()['KeyMetadata']['KeyId']\n\
         c('s3').create_bucket(Bucket='sealed')\n\
         c('s3').put_bucket_encryption(Bucket='sealed', ServerSideEncryptionConfiguration={'Rules': [{'ApplyServerSideEncryptionByDefault': {'SSEAlgorithm': 'aws:kms', 'KMSMasterKeyID': k}, 'BucketKeyEnabled': True}]})",
    );
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let out = scan_moto(&moto, &db, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let kube = RealKube::start();
    if let Some(kube) = &kube {
        kube.apply(WORKLOAD);
        kube_scan(kube, &db, "admin");
    }

    let p = posture(&db, &[]);
    assert_eq!(p["baseline"], "moderate");
    let controls = p["controls"].as_array().unwrap();
    assert_eq!(controls.len(), 287, "every MODERATE control, once");
    let ids: std::collections::BTreeSet<&str> =
        controls.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 287);
    assert!(ids.contains("AC-2(1)") && !ids.contains("ac-2.1"));
    let targets: Vec<&str> = p["scans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        if kube.is_some() {
            vec!["aws", "kubernetes"]
        } else {
            vec!["aws"]
        }
    );

    // The plain bucket fails SC-28(1) (S3-AWS-001); the sealed one passes it.
    let sc28 = control(&p, "SC-28(1)");
    assert_eq!(sc28["class"], "automated");
    assert_eq!(sc28["status"], "fail");
    let s3 = sc28["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "S3-AWS-001")
        .unwrap();
    assert_eq!(
        (s3["pass"].as_i64(), s3["fail"].as_i64()),
        (Some(1), Some(1))
    );
    // Findings are listed once, each naming its controls; a control lists their ids.
    let plain = p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == "arn:aws:s3:::plain-logs" && f["rule"] == "S3-AWS-001")
        .unwrap();
    assert_eq!(plain["status"], "open");
    assert!(plain["controls"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "SC-28(1)"));
    assert!(sc28["findings"].as_array().unwrap().contains(&plain["id"]));
    assert_eq!(
        sc28["open_findings"].as_u64(),
        Some(sc28["findings"].as_array().unwrap().len() as u64)
    );
    // Policy and procedures: organizational, no status. A reviewed gap keeps its reason.
    assert_eq!(control(&p, "AC-1")["class"], "organizational");
    assert!(control(&p, "AC-1")["status"].is_null());
    assert_eq!(control(&p, "SC-20")["class"], "gap");
    assert_eq!(control(&p, "SC-20")["class_source"], "curated");
    if kube.is_some() {
        // The privileged pod fails CM-6 in the cluster; both targets assessed it.
        let cm6 = control(&p, "CM-6");
        assert_eq!(cm6["targets"]["kubernetes"], "fail");
        assert!(cm6["targets"]["aws"].is_string());
    }

    // The summary is the controls' own count.
    let n = recount(&p);
    for (key, want) in &n {
        assert_eq!(p["summary"][key].as_u64(), Some(*want), "summary {key}");
    }
    let fam_total: u64 = p["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["controls"].as_u64().unwrap())
        .sum();
    assert_eq!(fam_total, 287);

    // CSV: every control, and the plain bucket's row.
    let csv = report(&db, &["--format", "csv"]);
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let in_csv: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[1]).collect();
    assert_eq!(in_csv, ids);
    assert!(rows.iter().any(|r| &r[1] == "SC-28(1)"
        && &r[6] == "S3-AWS-001"
        && &r[10] == "arn:aws:s3:::plain-logs"
        && &r[12] == "FAIL"));

    // Markdown: the same counts.
    let md = report(&db, &["--format", "md"]);
    assert!(
        md.contains(&format!(
            "**{} pass**, **{} fail**",
            n.get("pass").unwrap_or(&0),
            n["fail"]
        )),
        "{md}"
    );
    assert!(md.contains("| SC-28(1) |"));

    // HTML, written to a file as a user would, opened in chromium.
    let html = dir.path().join("posture.html");
    report(
        &db,
        &["--format", "html", "--output", html.to_str().unwrap()],
    );
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(
        !text.contains("http://") && !text.contains("https://"),
        "nothing remote"
    );
    assert!(!text.contains("<script"));
    let Some(b) = Browser::start() else { return };
    b.resize(1280, 2000);
    b.goto(&format!("file://{}", html.display()));
    let shown = b.run("return Array.from(document.querySelectorAll('tr[data-control]')).map(r => [r.dataset.control, r.dataset.status])");
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), 287, "every control is in the page");
    for pair in shown {
        let id = pair[0].as_str().unwrap();
        let want = control(&p, id)["status"].as_str().unwrap_or("none");
        assert_eq!(pair[1], want, "{id}'s status in the page");
    }
    let counts = b.run("return Object.fromEntries(Array.from(document.querySelectorAll('[data-count]')).map(e => [e.dataset.count, Number(e.textContent)]))");
    for key in [
        "controls",
        "pass",
        "fail",
        "not-assessed",
        "automated",
        "partial",
        "organizational",
        "not-applicable",
        "gap",
        "waived-findings",
    ] {
        let want = if key == "waived-findings" {
            p["summary"]["waived_findings"].as_u64().unwrap()
        } else {
            p["summary"][key].as_u64().unwrap()
        };
        assert_eq!(counts[key].as_u64(), Some(want), "{key} in the page");
    }
    let open: u64 = p["summary"]["open_findings"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(counts["open-findings"].as_u64(), Some(open));
    assert_eq!(
        b.run("return document.scripts.length + document.images.length"),
        0
    );
    assert_eq!(
        b.run("return performance.getEntriesByType('resource').length"),
        0,
        "nothing loaded"
    );
    // The stylesheet applied (its hash is in the CSP): a failing badge is red.
    assert_eq!(
        b.run("return getComputedStyle(document.querySelector('.badge.fail')).backgroundColor"),
        "rgb(198, 40, 40)"
    );
    let console = b.console();
    assert!(console.is_empty(), "console: {console:?}");
    b.screenshot(&repo().join("target/ci-artifacts/posture-report.png"));
}

#[test]
fn a_scope_not_collected_leaves_its_controls_not_assessed_never_passed() {
    let Some(kube) = RealKube::start() else {
        return;
    };
    kube.apply(WORKLOAD);
    let kc = kube.kubeconfig.display().to_string();
    kube.kubectl(
        &["config", "set-context", "reader", "--namespace", "shop"],
        None,
    );
    assert!(!kc.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    // `reader` may list namespaced kinds in shop only: cluster-scoped kinds fail.
    let partial = kube_scan(&kube, &db, "reader");
    let p = posture(&db, &[]);
    assert_eq!(
        p["scans"][0]["id"].as_i64(),
        Some(partial),
        "no complete scan yet: the partial one"
    );
    assert_eq!(p["scans"][0]["status"], "partial");
    // AC-6(5) rests on RBAC-K8S-002 (RoleBindings and ClusterRoleBindings): the shop
    // RoleBinding passes, the ClusterRoleBindings were not read.
    let c = control(&p, "AC-6(5)");
    assert_eq!(c["status"], "not-assessed", "{c}");
    assert!(c["failed_scopes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().unwrap().ends_with("ClusterRoleBinding")));
    assert!(c["status_reason"]
        .as_str()
        .unwrap()
        .contains("not collected completely"));

    // A complete scan then assesses it, and becomes the default; the partial one stays
    // reportable with --scan.
    let complete = kube_scan(&kube, &db, "admin");
    let p = posture(&db, &[]);
    assert_eq!(p["scans"][0]["id"].as_i64(), Some(complete));
    let now = control(&p, "AC-6(5)")["status"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(now == "pass" || now == "fail", "{now}");
    let old = posture(&db, &["--scan", &partial.to_string()]);
    assert_eq!(control(&old, "AC-6(5)")["status"], "not-assessed");
    assert!(old["trend"].as_array().unwrap().len() == 1);
    assert_eq!(p["trend"].as_array().unwrap().len(), 2);

    // Errors name what is wrong.
    let out = vigil(&["report", "--db", &db, "--scan", "999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no scan 999"), "{}", stderr(&out));
    let out = vigil(&["report", "--db", &db, "--baseline", "extreme"]);
    assert!(
        stderr(&out).contains("unknown baseline `extreme`"),
        "{}",
        stderr(&out)
    );
    let out = vigil(&["report", "--db", &db, "--target", "gcp"]);
    assert!(
        stderr(&out).contains("no complete or partial scan of target `gcp`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_report_benchmark_times_every_format_on_a_generated_estate() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let made = vigil(&["bench", "--resources", "2000", "--db", &db]);
    assert!(made.status.success(), "{}", stderr(&made));
    let out = vigil(&["bench", "--report", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    for line in [
        "posture in:",
        "html:",
        "json:",
        "md:",
        "csv:",
        "oscal-ar:",
        "oscal-poam:",
        "sarif:",
        "ocsf:",
        "posture + formats:",
        "pack:",
        "peak RSS:",
    ] {
        assert!(
            said.lines().any(|l| l.starts_with(line)),
            "no `{line}` in:\n{said}"
        );
    }
    // It measures the same posture `vigil report` makes.
    let p = posture(&db, &[]);
    let findings = p["findings"].as_array().unwrap().len();
    assert!(findings > 0);
    assert!(
        said.contains(&format!(
            "(2000 resources, {findings} open or waived findings)"
        )),
        "{said}"
    );
    let missing = vigil(&[
        "bench",
        "--report",
        dir.path().join("none.db").to_str().unwrap(),
    ]);
    assert!(
        stderr(&missing).contains("make one with `vigil bench --db"),
        "{}",
        stderr(&missing)
    );
}
