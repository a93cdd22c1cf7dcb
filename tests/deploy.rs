//! `deploy/`: vigil's own Kubernetes manifests and IAM policy pass vigil's own rules, keep the
//! properties the daemon relies on (one replica, Recreate, image by digest, read-only RBAC
//! without Secrets, locked-down pods), and the IAM policy lists exactly the AWS calls the
//! collectors make.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use common::*;
use serde::Deserialize;
use serde_json::{json, Value};

/// The kustomizations under test and the `environment` label each gives the namespace.
const KUSTOMIZATIONS: &[(&str, &str)] = &[
    ("deploy/kustomize/base", "prod"),
    ("deploy/kustomize/overlays/dev", "dev"),
    ("deploy/kustomize/overlays/prod", "prod"),
];

/// Kinds that are not namespaced, among those vigil collects.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
];

// ---------------------------------------------------------------------------------------------
// Helpers

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// Every document of a multi-document YAML stream, as JSON values.
fn documents(yaml: &str) -> Vec<Value> {
    serde_yaml_ng::Deserializer::from_str(yaml)
        .map(|d| Value::deserialize(d).expect("the rendered YAML parses"))
        .filter(|v| !v.is_null())
        .collect()
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind}/{name} in the rendered manifests"))
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().expect("a list of strings").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// `vigil scan --manifests - --format json` with the given text on standard input.
fn scan_manifests(yaml: &str) -> (Output, Value) {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["scan", "--manifests", "-", "--format", "json"])
        .env_remove("VIGIL_CONFIG")
        .env_remove("VIGIL_DB")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigil runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let doc = json(&out);
    (out, doc)
}

/// `vigil scan --snapshot FILE --db TMP --format json` on a snapshot document.
fn scan_snapshot(snapshot: &Value) -> (Output, Value) {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    std::fs::write(&snap, serde_json::to_string_pretty(snapshot).unwrap()).unwrap();
    let out = vigil(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--db",
        &db(dir.path()),
        "--format",
        "json",
    ]);
    let doc = json(&out);
    (out, doc)
}

fn findings(doc: &Value) -> Vec<Value> {
    doc["findings"]
        .as_array()
        .expect("a findings array")
        .clone()
}

fn pretty(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

/// The kinds vigil collects, as (API group, Kind): `vigil::model::k8s::KINDS`.
fn collected_kinds() -> Vec<(String, String)> {
    vigil::model::k8s::KINDS
        .iter()
        .map(|k| (k.group.to_string(), k.kind.to_string()))
        .collect()
}

/// A Kind's resource name in RBAC rules: Ingress → ingresses, NetworkPolicy → networkpolicies.
fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix('y') {
        format!("{stem}ies")
    } else if lower.ends_with('s') {
        format!("{lower}es")
    } else {
        format!("{lower}s")
    }
}

/// (API group, resource) pairs a ClusterRole's rules grant.
fn granted(role: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for rule in role["rules"].as_array().expect("the ClusterRole has rules") {
        for group in strs(&rule["apiGroups"]) {
            for resource in strs(&rule["resources"]) {
                out.insert((group.clone(), resource));
            }
        }
    }
    out
}

/// Rendered manifests as a snapshot of a cluster named `deploy` in which every kind vigil
/// collects was listed completely, so the rules that need the whole cluster (default-deny
/// policies, bindings to missing service accounts) run too; manifest mode skips them.
fn as_cluster_snapshot(docs: &[Value]) -> Value {
    let cluster = "deploy";
    let coverage: Vec<Value> = collected_kinds()
        .iter()
        .map(|(group, kind)| {
            let group = if group.is_empty() { "core" } else { group.as_str() };
            let ns = if CLUSTER_SCOPED.contains(&kind.as_str()) {
                "_cluster"
            } else {
                "*"
            };
            json!({"scope": format!("kubernetes/{cluster}/{ns}/K8s::{group}::{kind}"), "status": "complete"})
        })
        .collect();
    let resources: Vec<Value> = docs
        .iter()
        .filter(|d| d["kind"] != "ConfigMap" && d["kind"] != "Secret")
        .map(|d| {
            let api = d["apiVersion"].as_str().expect("apiVersion");
            let group = api.split_once('/').map(|(g, _)| g).unwrap_or("core");
            let kind = d["kind"].as_str().expect("kind");
            let name = d["metadata"]["name"].as_str().expect("metadata.name");
            let ns = d["metadata"]["namespace"].as_str();
            let mut r = json!({
                "id": format!("k8s://{cluster}/{}/{group}/{kind}/{name}", ns.unwrap_or("_cluster")),
                "type": format!("K8s::{group}::{kind}"),
                "provider": "kubernetes",
                "account": cluster,
                "name": name,
                "tags": d["metadata"].get("labels").cloned().unwrap_or_else(|| json!({})),
                "config": d,
            });
            if let Some(ns) = ns {
                r["region"] = json!(ns);
            }
            r
        })
        .collect();
    json!({"collected_at": "2026-01-01T00:00:00Z", "coverage": coverage, "resources": resources})
}

/// A snapshot holding one customer-managed IAM policy with this document, shaped as
/// src/collect/aws/iam.rs `normalize_policy` makes it (the IAM rules read `config.Document`).
fn policy_snapshot(document: &Value) -> Value {
    let account = "123456789012";
    let arn = format!("arn:aws:iam::{account}:policy/vigil-scanner");
    json!({
        "collected_at": "2026-01-01T00:00:00Z",
        "coverage": [{"scope": format!("aws/{account}/global/AWS::IAM::Policy"), "status": "complete"}],
        "resources": [{
            "id": arn, "type": "AWS::IAM::Policy", "provider": "aws",
            "account": account, "region": "global", "name": "vigil-scanner", "tags": {},
            "config": {
                "PolicyName": "vigil-scanner", "PolicyId": "ANPAVIGILSCANNER00001", "Arn": arn,
                "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": true,
                "CreateDate": "2026-01-01T00:00:00Z", "UpdateDate": "2026-01-01T00:00:00Z",
                "Document": document
            }
        }]
    })
}

// ---------------------------------------------------------------------------------------------
// Kubernetes manifests

#[test]
fn kustomizations_render_and_pass_vigils_own_rules() {
    for (dir, _) in KUSTOMIZATIONS {
        let Some(yaml) = kustomize(dir) else { return };
        let docs = documents(&yaml);
        let (out, doc) = scan_manifests(&yaml);
        let found = findings(&doc);
        assert!(
            found.is_empty(),
            "{dir}: vigil's own rules report findings on its manifests:\n{}",
            pretty(&found)
        );
        assert_eq!(out.status.code(), Some(0), "{dir}: {}", stderr(&out));
        assert_eq!(
            doc["manifests"]["errors"].as_array().map(Vec::len),
            Some(0),
            "{dir}: {}",
            pretty(&doc["manifests"])
        );
        // Every object but the ConfigMap (which no rule covers) was checked.
        let config_maps = docs.iter().filter(|d| d["kind"] == "ConfigMap").count();
        assert_eq!(
            doc["manifests"]["resources"].as_u64(),
            Some((docs.len() - config_maps) as u64),
            "{dir}: {}",
            pretty(&doc["manifests"])
        );
    }
}

#[test]
fn kustomizations_pass_the_cluster_wide_rules_as_a_snapshot() {
    for (dir, _) in KUSTOMIZATIONS {
        let Some(yaml) = kustomize(dir) else { return };
        let docs = documents(&yaml);
        let (out, doc) = scan_snapshot(&as_cluster_snapshot(&docs));
        assert_eq!(doc["scan"]["status"], "complete", "{dir}: {}", stderr(&out));
        let found = findings(&doc);
        assert!(
            found.is_empty(),
            "{dir}: vigil's own rules report findings on its manifests as a cluster:\n{}",
            pretty(&found)
        );
        assert_eq!(out.status.code(), Some(0), "{dir}: {}", stderr(&out));
    }
    // The same rules do run: without the default-deny policy and the ServiceAccount, they fire.
    let Some(yaml) = kustomize(KUSTOMIZATIONS[0].0) else {
        return;
    };
    let docs: Vec<Value> = documents(&yaml)
        .into_iter()
        .filter(|d| d["metadata"]["name"] != "default-deny" && d["kind"] != "ServiceAccount")
        .collect();
    let (_, doc) = scan_snapshot(&as_cluster_snapshot(&docs));
    let rules: BTreeSet<String> = findings(&doc)
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    for rule in ["NET-K8S-001", "IDLE-K8S-003"] {
        assert!(rules.contains(rule), "{rule} did not fire: {rules:?}");
    }
}

#[test]
fn kustomizations_keep_what_the_daemon_relies_on() {
    let digest = regex::Regex::new(r"^[^@\s]+@sha256:[0-9a-f]{64}$").unwrap();
    let role_arn =
        regex::Regex::new(r"^arn:aws:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$").unwrap();
    for (dir, environment) in KUSTOMIZATIONS {
        let Some(yaml) = kustomize(dir) else { return };
        let docs = documents(&yaml);
        assert!(
            !docs.iter().any(|d| d["kind"] == "Secret"),
            "{dir}: no Secret belongs in the manifests (vigil-api-tokens is created by hand)"
        );
        for d in &docs {
            if !CLUSTER_SCOPED.contains(&d["kind"].as_str().unwrap_or("")) {
                assert_eq!(
                    d["metadata"]["namespace"], "vigil",
                    "{dir}: {}",
                    d["metadata"]
                );
            }
        }

        let ns = find(&docs, "Namespace", "vigil");
        let labels = &ns["metadata"]["labels"];
        assert_eq!(labels["environment"], *environment, "{dir}");
        for key in ["owner", "data-classification"] {
            assert!(
                labels[key].as_str().is_some_and(|v| !v.trim().is_empty()),
                "{dir}: namespace label {key}"
            );
        }

        // Deployment: one writer, stopped before its successor starts.
        let deploy = find(&docs, "Deployment", "vigil");
        let spec = &deploy["spec"];
        assert_eq!(spec["replicas"], 1, "{dir}");
        assert_eq!(spec["strategy"]["type"], "Recreate", "{dir}");
        assert_eq!(
            deploy["metadata"]["annotations"]["vigil.dev/needs-api-access"], "true",
            "{dir}: the workload declares why it mounts its token (RBAC-K8S-004)"
        );
        let pod = &spec["template"]["spec"];
        assert_eq!(pod["serviceAccountName"], "vigil", "{dir}");
        assert_eq!(pod["automountServiceAccountToken"], true, "{dir}");
        assert_eq!(pod["terminationGracePeriodSeconds"], 40, "{dir}");
        let psc = &pod["securityContext"];
        assert_eq!(psc["runAsNonRoot"], true, "{dir}");
        assert_eq!(psc["runAsUser"], 65532, "{dir}");
        assert_eq!(psc["runAsGroup"], 65532, "{dir}");
        assert_eq!(psc["fsGroup"], 65532, "{dir}");
        assert_eq!(psc["seccompProfile"]["type"], "RuntimeDefault", "{dir}");
        for key in ["hostNetwork", "hostPID", "hostIPC"] {
            assert_ne!(pod[key], true, "{dir}: {key}");
        }

        let containers = pod["containers"].as_array().expect("containers");
        assert_eq!(containers.len(), 1, "{dir}");
        assert!(pod.get("initContainers").is_none(), "{dir}");
        let c = &containers[0];
        let image = c["image"].as_str().expect("image");
        assert!(image.contains("@sha256:"), "{dir}: {image}");
        assert!(
            digest.is_match(image),
            "{dir}: image {image} is not pinned by digest"
        );
        assert_eq!(
            strs(&c["args"]),
            ["run", "--config", "/etc/vigil/config/vigil.toml"],
            "{dir}"
        );
        let ports = c["ports"].as_array().expect("ports");
        assert!(
            ports
                .iter()
                .any(|p| p["name"] == "http" && p["containerPort"] == 8080),
            "{dir}: {ports:?}"
        );
        for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
            assert_eq!(c[probe]["httpGet"]["path"], path, "{dir}: {probe}");
            assert_eq!(c[probe]["httpGet"]["port"], "http", "{dir}: {probe}");
        }
        for kind in ["requests", "limits"] {
            for resource in ["cpu", "memory"] {
                assert!(
                    c["resources"][kind][resource].is_string(),
                    "{dir}: resources.{kind}.{resource}"
                );
            }
        }
        let csc = &c["securityContext"];
        assert_eq!(csc["readOnlyRootFilesystem"], true, "{dir}");
        assert_eq!(csc["allowPrivilegeEscalation"], false, "{dir}");
        assert_eq!(strs(&csc["capabilities"]["drop"]), ["ALL"], "{dir}");
        assert!(csc["capabilities"].get("add").is_none(), "{dir}");
        assert_ne!(csc["privileged"], true, "{dir}");
        assert_ne!(csc["runAsNonRoot"], false, "{dir}");
        assert_ne!(csc["runAsUser"], 0, "{dir}");
        assert!(c.get("envFrom").is_none(), "{dir}: no envFrom");
        for e in c["env"].as_array().into_iter().flatten() {
            assert!(
                e.get("value").is_none() && e["valueFrom"].get("secretKeyRef").is_none(),
                "{dir}: env {e} (secrets and settings come from files)"
            );
        }

        // Volumes by mount path.
        let volumes: BTreeMap<String, Value> = pod["volumes"]
            .as_array()
            .expect("volumes")
            .iter()
            .map(|v| (v["name"].as_str().unwrap().to_string(), v.clone()))
            .collect();
        let mounts: BTreeMap<String, (Value, Value)> = c["volumeMounts"]
            .as_array()
            .expect("volumeMounts")
            .iter()
            .map(|m| {
                let name = m["name"].as_str().unwrap();
                let volume = volumes
                    .get(name)
                    .unwrap_or_else(|| panic!("{dir}: mount of unknown volume {name}"))
                    .clone();
                (
                    m["mountPath"].as_str().unwrap().to_string(),
                    (m.clone(), volume),
                )
            })
            .collect();
        let paths: Vec<&str> = mounts.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "/etc/vigil/config",
                "/etc/vigil/tokens",
                "/tmp",
                "/var/lib/vigil"
            ],
            "{dir}"
        );
        let (_, data) = &mounts["/var/lib/vigil"];
        assert_eq!(
            data["persistentVolumeClaim"]["claimName"], "vigil-data",
            "{dir}"
        );
        let (m, config) = &mounts["/etc/vigil/config"];
        assert_eq!(m["readOnly"], true, "{dir}");
        let config_map = config["configMap"]["name"]
            .as_str()
            .expect("a ConfigMap volume");
        assert!(
            config_map.starts_with("vigil-config-"),
            "{dir}: {config_map}"
        );
        let (m, tokens) = &mounts["/etc/vigil/tokens"];
        assert_eq!(m["readOnly"], true, "{dir}");
        assert_eq!(tokens["secret"]["secretName"], "vigil-api-tokens", "{dir}");
        assert_eq!(tokens["secret"]["items"][0]["key"], "tokens.toml", "{dir}");
        let (_, tmp) = &mounts["/tmp"];
        assert!(tmp["emptyDir"].is_object(), "{dir}");

        // The generated config: what the pod mounts and listens on.
        let cm = find(&docs, "ConfigMap", config_map);
        let text = cm["data"]["vigil.toml"]
            .as_str()
            .expect("vigil.toml in the ConfigMap");
        let config: toml::Table = toml::from_str(text).expect("vigil.toml parses");
        assert_eq!(
            config["storage"]["path"].as_str(),
            Some("/var/lib/vigil/vigil.db"),
            "{dir}"
        );
        let daemon = &config["daemon"];
        assert_eq!(daemon["listen"].as_str(), Some("0.0.0.0:8080"), "{dir}");
        assert_eq!(
            daemon["tokens_file"].as_str(),
            Some("/etc/vigil/tokens/tokens.toml"),
            "{dir}"
        );
        let grace = daemon["shutdown_grace_seconds"]
            .as_integer()
            .expect("grace");
        assert!(
            grace < 40,
            "{dir}: the daemon's grace ({grace} s) must end before the kubelet's (40 s)"
        );
        let targets: BTreeSet<&str> = config["schedules"]
            .as_array()
            .expect("[[schedules]]")
            .iter()
            .map(|s| s["target"].as_str().unwrap())
            .collect();
        assert_eq!(targets, BTreeSet::from(["aws", "kubernetes"]), "{dir}");
        let clusters = config["collectors"]["kubernetes"]["clusters"]
            .as_array()
            .expect("[[collectors.kubernetes.clusters]]");
        assert_eq!(clusters.len(), 1, "{dir}");
        assert_eq!(clusters[0]["in_cluster"].as_bool(), Some(true), "{dir}");

        // IRSA.
        let sa = find(&docs, "ServiceAccount", "vigil");
        let arn = sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
            .as_str()
            .unwrap_or_else(|| panic!("{dir}: no IRSA role annotation"));
        assert!(role_arn.is_match(arn), "{dir}: {arn}");

        // RBAC: list (and at most get) on exactly the kinds vigil collects; never Secrets.
        let role = find(&docs, "ClusterRole", "vigil-read");
        let role_text = role.to_string();
        assert!(!role_text.contains('*'), "{dir}: a wildcard in {role_text}");
        for rule in role["rules"].as_array().unwrap() {
            let verbs = strs(&rule["verbs"]);
            assert!(verbs.contains(&"list".to_string()), "{dir}: {rule}");
            assert!(
                verbs.iter().all(|v| v == "get" || v == "list"),
                "{dir}: only get/list: {rule}"
            );
            assert!(rule.get("nonResourceURLs").is_none(), "{dir}: {rule}");
        }
        let grants = granted(role);
        for (_, resource) in &grants {
            assert!(
                resource != "secrets" && resource != "configmaps",
                "{dir}: vigil never reads {resource}"
            );
        }
        let wanted: BTreeSet<(String, String)> = collected_kinds()
            .iter()
            .map(|(group, kind)| (group.clone(), plural(kind)))
            .collect();
        assert_eq!(
            grants, wanted,
            "{dir}: the ClusterRole must grant exactly the kinds of vigil::model::k8s::KINDS"
        );
        let binding = find(&docs, "ClusterRoleBinding", "vigil-read");
        assert_eq!(binding["roleRef"]["kind"], "ClusterRole", "{dir}");
        assert_eq!(binding["roleRef"]["name"], "vigil-read", "{dir}");
        assert_eq!(
            binding["subjects"],
            json!([{"kind": "ServiceAccount", "name": "vigil", "namespace": "vigil"}]),
            "{dir}"
        );

        // Storage and Service.
        let pvc = find(&docs, "PersistentVolumeClaim", "vigil-data");
        assert_eq!(
            strs(&pvc["spec"]["accessModes"]),
            ["ReadWriteOnce"],
            "{dir}"
        );
        assert!(
            pvc["spec"]["resources"]["requests"]["storage"].is_string(),
            "{dir}"
        );
        let svc = find(&docs, "Service", "vigil");
        assert_eq!(svc["spec"]["type"], "ClusterIP", "{dir}");
        assert_eq!(svc["spec"]["ports"][0]["port"], 8080, "{dir}");
        assert_eq!(svc["spec"]["ports"][0]["targetPort"], "http", "{dir}");

        // Network: deny by default; the daemon gets 8080 in, DNS and HTTPS out.
        let deny = find(&docs, "NetworkPolicy", "default-deny");
        assert_eq!(deny["spec"]["podSelector"], json!({}), "{dir}");
        assert_eq!(
            strs(&deny["spec"]["policyTypes"]),
            ["Ingress", "Egress"],
            "{dir}"
        );
        assert!(deny["spec"].get("ingress").is_none() && deny["spec"].get("egress").is_none());
        let np = find(&docs, "NetworkPolicy", "vigil");
        assert_eq!(
            strs(&np["spec"]["policyTypes"]),
            ["Ingress", "Egress"],
            "{dir}"
        );
        let ports = |direction: &str| -> BTreeSet<String> {
            let mut out = BTreeSet::new();
            for rule in np["spec"][direction].as_array().expect(direction) {
                let ports = rule["ports"].as_array().unwrap_or_else(|| {
                    panic!("{dir}: every {direction} rule names its ports: {rule}")
                });
                for p in ports {
                    out.insert(format!(
                        "{}/{}",
                        p["port"],
                        p["protocol"].as_str().unwrap_or("TCP")
                    ));
                }
            }
            out
        };
        assert_eq!(
            ports("ingress"),
            BTreeSet::from(["8080/TCP".to_string()]),
            "{dir}"
        );
        assert_eq!(
            ports("egress"),
            ["53/UDP", "53/TCP", "443/TCP", "6443/TCP"]
                .iter()
                .map(|s| s.to_string())
                .collect::<BTreeSet<_>>(),
            "{dir}"
        );
    }
}

#[test]
fn clusterrole_matches_the_readme() {
    let readme = read("README.md");
    let block = readme
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .find(|b| b.contains("kind: ClusterRole"))
        .expect("the README shows the ClusterRole vigil needs");
    let documented: Value = Value::deserialize(serde_yaml_ng::Deserializer::from_str(block))
        .expect("the README's ClusterRole parses");
    let base: Value = Value::deserialize(serde_yaml_ng::Deserializer::from_str(&read(
        "deploy/kustomize/base/clusterrole.yaml",
    )))
    .expect("deploy/kustomize/base/clusterrole.yaml parses");
    assert_eq!(granted(&base), granted(&documented));
}

#[test]
fn deploy_configs_pass_config_check() {
    for path in [
        "deploy/kustomize/base/vigil.toml",
        "deploy/kustomize/overlays/dev/vigil.toml",
        "deploy/kustomize/overlays/prod/vigil.toml",
    ] {
        let file = repo().join(path);
        let out = vigil(&["config", "check", file.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{path}:\n{}{}",
            stdout(&out),
            stderr(&out)
        );
    }
}

#[test]
fn dockerfile_matches_the_manifests() {
    let text = read("deploy/Dockerfile");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for wanted in [
        "FROM rust:1-bookworm AS builder",
        "FROM gcr.io/distroless/cc-debian12:nonroot",
        "USER 65532:65532",
        "EXPOSE 8080",
        r#"ENTRYPOINT ["/usr/local/bin/vigil"]"#,
        r#"CMD ["run", "--config", "/etc/vigil/config/vigil.toml"]"#,
    ] {
        assert!(
            lines.contains(&wanted),
            "deploy/Dockerfile lacks `{wanted}`"
        );
    }
    assert!(
        text.contains("cargo build --release --locked --bin vigil"),
        "deploy/Dockerfile builds with --locked"
    );
}

// ---------------------------------------------------------------------------------------------
// IAM policy

fn iam_policy() -> Value {
    serde_json::from_str(&read("deploy/iam-policy.json")).expect("deploy/iam-policy.json is JSON")
}

#[test]
fn iam_policy_passes_vigils_iam_rules() {
    let policy = iam_policy();
    let (out, doc) = scan_snapshot(&policy_snapshot(&policy));
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&out));
    assert_eq!(doc["scan"]["resources"], 1);
    let found = findings(&doc);
    assert!(
        found.is_empty(),
        "deploy/iam-policy.json fails vigil's own rules:\n{}",
        pretty(&found)
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // The rules do run on this resource: an admin statement or a service wildcard fires them.
    for (extra, rule) in [
        (
            json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            "IAM-AWS-001",
        ),
        (
            json!({"Effect": "Allow", "Action": ["iam:*"], "Resource": "*"}),
            "IAM-AWS-002",
        ),
    ] {
        let mut bad = policy.clone();
        bad["Statement"].as_array_mut().unwrap().push(extra.clone());
        let (_, doc) = scan_snapshot(&policy_snapshot(&bad));
        assert!(
            findings(&doc).iter().any(|f| f["rule_id"] == rule),
            "{rule} did not fire on a policy with {extra}: {}",
            pretty(&findings(&doc))
        );
    }
}

#[test]
fn iam_policy_is_grouped_by_service_without_wildcards() {
    let policy = iam_policy();
    assert_eq!(policy["Version"], "2012-10-17");
    let mut sids = BTreeSet::new();
    for s in policy["Statement"].as_array().expect("Statement is a list") {
        let sid = s["Sid"].as_str().expect("every statement has a Sid");
        assert!(sids.insert(sid.to_string()), "Sid {sid} repeats");
        assert_eq!(s["Effect"], "Allow", "{sid}");
        assert_eq!(s["Resource"], "*", "{sid}");
        assert!(
            s.get("NotAction").is_none() && s.get("NotResource").is_none(),
            "{sid}"
        );
        let actions = strs(&s["Action"]);
        assert!(!actions.is_empty(), "{sid}: Action is a non-empty list");
        let services: BTreeSet<&str> = actions
            .iter()
            .map(|a| a.split_once(':').expect("service:Action").0)
            .collect();
        assert_eq!(
            services.len(),
            1,
            "{sid}: one service per statement: {actions:?}"
        );
        for a in &actions {
            assert!(
                !a.contains('*') && !a.contains('?'),
                "{sid}: wildcard in {a}"
            );
        }
    }
}

/// The actions the collectors need come from their service table
/// (`vigil::collect::aws::services`); `aws_moto::every_request_a_scan_sends_is_in_the_service_table`
/// keeps that table equal to what a scan sends.
#[test]
fn iam_policy_lists_exactly_the_collectors_calls() {
    let needed: BTreeSet<String> = vigil::collect::aws::services::actions()
        .into_iter()
        .map(str::to_string)
        .collect();
    let mut listed: Vec<String> = Vec::new();
    for s in iam_policy()["Statement"].as_array().unwrap() {
        listed.extend(strs(&s["Action"]));
    }
    let granted_set: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(
        listed.len(),
        granted_set.len(),
        "an action repeats: {listed:?}"
    );
    let missing: Vec<_> = needed.difference(&granted_set).collect();
    let extra: Vec<_> = granted_set.difference(&needed).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "deploy/iam-policy.json must grant exactly the collectors' actions; \
         missing: {missing:?}, not needed: {extra:?}"
    );
}

/// The remediation credentials' policy grants exactly what actions call and read
/// (`vigil::remediate::apply::aws::{WRITES, READS}`), grouped by service, no wildcards; the
/// scanner's policy grants none of the writes.
#[test]
fn remediation_policy_lists_exactly_the_actions_calls() {
    let policy: serde_json::Value =
        serde_json::from_str(&read("deploy/iam-remediation-policy.json"))
            .expect("deploy/iam-remediation-policy.json is JSON");
    let mut listed = Vec::new();
    for s in policy["Statement"].as_array().unwrap() {
        assert_eq!(s["Effect"], "Allow");
        let actions = strs(&s["Action"]);
        let services: BTreeSet<&str> = actions
            .iter()
            .map(|a| a.split(':').next().unwrap())
            .collect();
        assert_eq!(services.len(), 1, "one service per statement: {actions:?}");
        assert!(actions.iter().all(|a| !a.contains('*')), "{actions:?}");
        listed.extend(actions);
    }
    let granted: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(granted.len(), listed.len(), "an action repeats: {listed:?}");
    let needed: BTreeSet<String> = vigil::remediate::apply::aws::actions()
        .into_iter()
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = needed.difference(&granted).collect();
    let extra: Vec<_> = granted.difference(&needed).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "deploy/iam-remediation-policy.json must grant exactly the actions' calls; missing: {missing:?}, not needed: {extra:?}"
    );
    let read_only: BTreeSet<String> = vigil::collect::aws::services::actions()
        .into_iter()
        .map(str::to_string)
        .collect();
    for (_, w) in vigil::remediate::apply::aws::WRITES {
        assert!(
            !read_only.contains(*w),
            "the scanner's policy grants the write {w}"
        );
    }
}

/// The opt-in remediation ClusterRole grants `get` and `patch` on exactly the kinds plans
/// patch (`vigil::remediate::k8s::PATCHED`), `create` only on NetworkPolicies, no wildcards.
#[test]
fn remediation_clusterrole_lists_exactly_the_patched_kinds() {
    let role: serde_json::Value = serde_yaml_ng::from_str(&read(
        "deploy/kustomize/components/remediation/clusterrole.yaml",
    ))
    .unwrap();
    let mut granted = BTreeSet::new();
    for r in role["rules"].as_array().unwrap() {
        for g in strs(&r["apiGroups"]) {
            for res in strs(&r["resources"]) {
                for v in strs(&r["verbs"]) {
                    assert!(!format!("{g}{res}{v}").contains('*'), "no wildcards");
                    granted.insert((g.clone(), res.clone(), v));
                }
            }
        }
    }
    let mut needed = BTreeSet::new();
    for (group, _, kind) in vigil::remediate::k8s::PATCHED {
        let plural = match *kind {
            "NetworkPolicy" => "networkpolicies".to_string(),
            k => format!("{}s", k.to_ascii_lowercase()),
        };
        for v in ["get", "patch"] {
            needed.insert((group.to_string(), plural.clone(), v.to_string()));
        }
    }
    needed.insert((
        "networking.k8s.io".into(),
        "networkpolicies".into(),
        "create".into(),
    ));
    for (group, kind) in vigil::remediate::k8s::SCALED {
        let plural = format!("{}s/scale", kind.to_ascii_lowercase());
        needed.insert((group.to_string(), plural, "patch".to_string()));
    }
    assert_eq!(granted, needed);
}

/// The hub credentials of an organization target need exactly the discovery calls, the
/// member role's AssumeRole and the aggregator's reads (`services::ORGANIZATION`,
/// `services::AGGREGATOR`), and pass vigil's own IAM rules.
#[test]
fn organization_policy_lists_exactly_the_discovery_calls() {
    let policy: Value = serde_json::from_str(&read("deploy/iam-organization-policy.json"))
        .expect("deploy/iam-organization-policy.json is JSON");
    let needed: BTreeSet<String> = vigil::collect::aws::services::ORGANIZATION
        .iter()
        .chain(vigil::collect::aws::services::AGGREGATOR)
        .filter_map(|c| c.action)
        .map(str::to_string)
        .collect();
    let mut granted = BTreeSet::new();
    for s in policy["Statement"].as_array().unwrap() {
        assert_eq!(s["Effect"], "Allow");
        for a in strs(&s["Action"]) {
            assert!(!a.contains('*'), "no wildcard actions: {a}");
            if a == "sts:AssumeRole" {
                assert_eq!(
                    s["Resource"], "arn:aws:iam::*:role/VigilReader",
                    "AssumeRole only of the member read role"
                );
            }
            granted.insert(a);
        }
    }
    assert_eq!(granted, needed);
    let (out, doc) = scan_snapshot(&policy_snapshot(&policy));
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&out));
    assert!(
        findings(&doc).is_empty(),
        "deploy/iam-organization-policy.json fails vigil's own rules:\n{}",
        pretty(&findings(&doc))
    );
}
