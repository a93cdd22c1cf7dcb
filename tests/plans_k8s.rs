//! Kubernetes plans against the real kube-apiserver: server-side apply with a dry run first,
//! a remediation context without the right to patch (403: the plan fails, nothing changes),
//! a field another manager owns (409: never forced, the plan names the conflict), and a
//! successful hardening, default-deny and labels, verified by a re-scan.

use crate::common::*;
use crate::plans_aws::totp_code;

const SHOP: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example.com/web:1.0
"#;

/// The same kind of workload, its securityContext set by a GitOps controller's apply.
const GITOPS: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: registry.example.com/api:1.0
        securityContext: {runAsNonRoot: false}
"#;

/// A reaping candidate of the operator's own rule, which says to scale it to zero.
const IDLE_DEV: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: batch, namespace: shop, labels: {environment: dev}}
spec:
  replicas: 2
  selector: {matchLabels: {app: batch}}
  template:
    metadata: {labels: {app: batch}}
    spec:
      containers:
      - name: batch
        image: registry.example.com/batch:1.0
"#;

const SCALE_RULE: &str = r#"# METADATA
# title: Dev workload left running
# custom:
#   id: OPS-K8S-001
#   severity: low
#   controls: [CM-7]
#   resource_types: ["K8s::apps::Deployment"]
#   remediation: Scale it to zero.
#   action: k8s_scale_to_zero
package ops.dev_workload

deny contains {"msg": "dev workload running", "path": "config.spec.replicas"} if {
	input.config.metadata.labels.environment == "dev"
	input.config.spec.replicas > 0
}
"#;

const GET_ONLY: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: get-only}
rules:
- apiGroups: ["", apps, networking.k8s.io]
  resources: [namespaces, deployments, networkpolicies]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: reader-get-only}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: get-only}
subjects: [{kind: User, name: reader, apiGroup: rbac.authorization.k8s.io}]
"#;

struct Setup {
    kube: RealKube,
    dir: tempfile::TempDir,
}

impl Setup {
    fn vigil(&self, args: &[&str]) -> std::process::Output {
        let db = db(self.dir.path());
        let config = self.dir.path().join("config.toml").display().to_string();
        vigil_env(args, &[("VIGIL_DB", &db), ("VIGIL_CONFIG", &config)])
    }

    fn scan(&self) -> serde_json::Value {
        let kc = self.kube.kubeconfig.display().to_string();
        json(&self.vigil(&[
            "scan",
            "--target",
            "kubernetes",
            "--kubeconfig",
            &kc,
            "--context",
            "admin",
            "--cluster-name",
            "c1",
            "--format",
            "json",
            "--rules",
            &self.rules(),
        ]))
    }

    /// The operator's own rules (OPS-K8S-001).
    fn rules(&self) -> String {
        self.dir.path().join("rules").display().to_string()
    }

    /// Proposes for the open findings of `rule` on resources matching `resource`, has
    /// `approver` approve (each their own code: a code is accepted once), and applies;
    /// answers the apply's output.
    fn plan_and_apply(
        &self,
        rule: &str,
        resource: &str,
        approver: &str,
    ) -> (String, std::process::Output) {
        let out = self.vigil(&[
            "plan",
            "propose",
            "--rule",
            rule,
            "--resource",
            resource,
            "--as",
            "alice",
            "--tag",
            "owner=shop-team",
            "--tag",
            "environment=dev",
            "--tag",
            "data-classification=internal",
            "--format",
            "json",
            "--rules",
            &self.rules(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let plan = json(&out);
        let (id, hash) = (
            plan["id"].to_string(),
            plan["hash"].as_str().unwrap().to_string(),
        );
        let code = totp_code(&self.dir.path().join("totp.toml"), approver, 0);
        let out = self.vigil(&[
            "plan", "approve", &id, "--hash", &hash, "--as", approver, "--totp", &code,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        (
            id.clone(),
            self.vigil(&["plan", "apply", &id, "--format", "json"]),
        )
    }
}

#[test]
fn kubernetes_plans_dry_run_first_never_force_and_fail_without_rights() {
    let Some(kube) = RealKube::start() else {
        return;
    };
    kube.apply(SHOP);
    kube.kubectl(
        &[
            "apply",
            "--server-side",
            "--field-manager=kustomize-controller",
            "-f",
            "-",
        ],
        Some(GITOPS),
    );
    kube.apply(IDLE_DEV);
    kube.apply(GET_ONLY);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/dev_workload.rego"), SCALE_RULE).unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[approvers]\ntotp_file = \"{}\"\n\n[remediation.kubernetes]\nkubeconfig = \"{}\"\ncontext = \"reader\"\nname = \"c1\"\n",
            dir.path().join("totp.toml").display(),
            kube.kubeconfig.display()
        ),
    )
    .unwrap();
    let s = Setup { kube, dir };
    for a in ["bob", "carol", "dave", "erin", "frank", "gina"] {
        assert!(s.vigil(&["approver", "add", a]).status.success());
    }
    let doc = s.scan();
    assert_eq!(doc["scan"]["status"], "complete", "{doc:#}");
    let web = "k8s://c1/shop/apps/Deployment/web";

    // Without the right to patch: the dry run is refused (403), the plan fails, nothing changes.
    let (id, out) = s.plan_and_apply("POD-K8S-00*", web, "bob");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let p = json(&out)["plan"].clone();
    assert_eq!(p["state"], "failed", "{p:#}");
    let first = &p["executions"][0];
    assert!(
        first["call"].as_str().unwrap().contains("dryRun=All"),
        "the dry run comes first: {first:#}"
    );
    assert!(
        first["answer"]["error"].as_str().unwrap().contains("403"),
        "{first:#}"
    );
    assert_eq!(
        p["executions"].as_array().unwrap().len(),
        1,
        "stopped at the refused dry run"
    );
    let sc = s.kube.kubectl(
        &[
            "get",
            "deployment",
            "web",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].securityContext}",
        ],
        None,
    );
    assert_eq!(sc, "", "nothing changed");
    let _ = id;

    // With the remediation ClusterRole bound to the remediation identity.
    s.kube.apply(
        &std::fs::read_to_string(
            repo().join("deploy/kustomize/components/remediation/clusterrole.yaml"),
        )
        .unwrap(),
    );
    s.kube.apply(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: reader-remediate}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: vigil-remediate}\nsubjects: [{kind: User, name: reader, apiGroup: rbac.authorization.k8s.io}]\n",
    );
    let (_, out) = s.plan_and_apply("POD-K8S-00*", web, "carol");
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert_eq!(json(&out)["plan"]["state"], "applied");
    let sc: serde_json::Value = serde_json::from_str(&s.kube.kubectl(
        &[
            "get",
            "deployment",
            "web",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].securityContext}",
        ],
        None,
    ))
    .unwrap();
    assert_eq!(sc["runAsNonRoot"], true, "{sc}");
    assert_eq!(sc["allowPrivilegeEscalation"], false, "{sc}");
    assert_eq!(
        sc["capabilities"]["drop"],
        serde_json::json!(["ALL"]),
        "{sc}"
    );
    let managers = s.kube.kubectl(
        &[
            "get",
            "deployment",
            "web",
            "-n",
            "shop",
            "--show-managed-fields",
            "-o",
            "jsonpath={.metadata.managedFields[*].manager}",
        ],
        None,
    );
    assert!(
        managers.split_whitespace().any(|m| m == "vigil"),
        "{managers}"
    );
    assert_eq!(
        s.kube.kubectl(
            &[
                "get",
                "deployment",
                "web",
                "-n",
                "shop",
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image}"
            ],
            None
        ),
        "registry.example.com/web:1.0",
        "fields vigil does not set are kept"
    );

    // The GitOps-managed workload: the dry run conflicts (409); nothing is forced or changed,
    // and the action becomes manual, naming the manager that owns the field.
    let (conflicted, out) =
        s.plan_and_apply("POD-K8S-001", "k8s://c1/shop/apps/Deployment/api", "dave");
    let p = json(&out)["plan"].clone();
    assert_eq!(p["state"], "applied", "{p:#}");
    let reason = p["reason"].as_str().unwrap();
    assert!(
        reason.contains("became manual")
            && reason.contains("409")
            && reason.contains("kustomize-controller")
            && reason.contains("never forces"),
        "{reason}"
    );
    assert_eq!(
        p["executions"].as_array().unwrap().len(),
        1,
        "only the dry run was sent"
    );
    let api_sc = s.kube.kubectl(
        &[
            "get",
            "deployment",
            "api",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].securityContext.runAsNonRoot}",
        ],
        None,
    );
    assert_eq!(api_sc, "false", "the other manager's value stays");

    // A default-deny NetworkPolicy and the namespace's missing labels.
    let (_, out) = s.plan_and_apply(
        "NET-K8S-001",
        "k8s://c1/_cluster/core/Namespace/shop",
        "erin",
    );
    assert_eq!(json(&out)["plan"]["state"], "applied", "{}", stdout(&out));
    let np = s.kube.kubectl(
        &[
            "get",
            "networkpolicy",
            "vigil-default-deny",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.policyTypes}",
        ],
        None,
    );
    assert_eq!(np, r#"["Ingress","Egress"]"#);
    let (_, out) = s.plan_and_apply(
        "LBL-K8S-002",
        "k8s://c1/_cluster/core/Namespace/shop",
        "frank",
    );
    assert_eq!(json(&out)["plan"]["state"], "applied", "{}", stdout(&out));
    let labels = s.kube.kubectl(
        &[
            "get",
            "namespace",
            "shop",
            "-o",
            "jsonpath={.metadata.labels.owner}",
        ],
        None,
    );
    assert_eq!(labels, "shop-team");

    // The operator's rule says its reaping candidates are scaled to zero (scale subresource).
    let (_, out) = s.plan_and_apply("OPS-K8S-001", "k8s://c1/shop/apps/Deployment/batch", "gina");
    let p = json(&out)["plan"].clone();
    assert_eq!(p["state"], "applied", "{p:#}");
    assert_eq!(p["actions"][0]["kind"], "k8s_scale_to_zero");
    assert_eq!(
        p["actions"][0]["undo"][0]["params"]["replicas"], 2,
        "undone by scaling back"
    );
    let replicas = s.kube.kubectl(
        &[
            "get",
            "deployment",
            "batch",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.replicas}",
        ],
        None,
    );
    assert_eq!(replicas, "0");

    // The next scan verifies the applied plans.
    s.scan();
    let plans = json(&s.vigil(&["plan", "list", "--format", "json"]));
    let states: Vec<&str> = plans
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states.iter().filter(|s| **s == "verified").count(),
        4,
        "{states:?}"
    );
    // The conflicted plan's finding is still open: the scan says so, naming it.
    let p = json(&s.vigil(&["plan", "show", &conflicted, "--format", "json"]));
    assert_eq!(p["state"], "verify_failed", "{p:#}");
    assert!(
        p["reason"].as_str().unwrap().contains("POD-K8S-001"),
        "{p:#}"
    );
}
