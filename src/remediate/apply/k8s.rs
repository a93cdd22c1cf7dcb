//! Kubernetes actions: the remediation context (`[remediation.kubernetes]`, never the
//! scanner's read-only one), targets read again as the collector reads them, and each
//! server-side apply sent as the plan shows it, never forced.

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use serde_json::{json, Value};

use crate::collect::k8s::{connect, normalize, ClusterOptions};
use crate::config::RemediationKubernetes;
use crate::model::plan::Call;
use crate::model::Resource;
use crate::remediate::k8s::FIELD_MANAGER;

/// Connected with the remediation context.
pub struct KubeRemediator {
    client: kube::Client,
    cluster: String,
}

/// How a field-ownership conflict is said: the plan's action becomes manual on it.
pub const CONFLICT: &str = "(409 Conflict)";

/// What the API server said, with a 409 read as the ownership conflict it is.
fn api_error(e: kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.code == 409 => format!(
            "{} {CONFLICT}: another field manager owns these fields, and vigil never forces; make this change where that manager's source is",
            s.message
        ),
        kube::Error::Api(s) => format!("{} ({} {})", s.message, s.code, s.reason),
        other => crate::collect::error_chain(&other),
    }
}

impl KubeRemediator {
    pub async fn connect(cfg: &RemediationKubernetes) -> Result<KubeRemediator, String> {
        if !cfg.is_set() {
            return Err("none configured: set `[remediation.kubernetes] kubeconfig` or `context` (the scanner's ClusterRole stays read-only)".into());
        }
        let opts = ClusterOptions {
            name: cfg.name.clone(),
            kubeconfig: cfg.kubeconfig.clone(),
            context: cfg.context.clone(),
            timeout: std::time::Duration::from_secs(30),
            max_attempts: 3,
            max_concurrency: 1,
            page_size: 500,
            ..Default::default()
        };
        let (client, cluster, _) = connect(&opts).await.map_err(|e| e.to_string())?;
        Ok(KubeRemediator { client, cluster })
    }

    fn api(&self, api_version: &str, kind: &str, ns: Option<&str>) -> Api<DynamicObject> {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let ar = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
        match ns {
            Some(ns) => Api::namespaced_with(self.client.clone(), ns, &ar),
            None => Api::all_with(self.client.clone(), &ar),
        }
    }

    /// The object as the API server answers now.
    pub async fn read(&self, r: &Resource) -> Result<Option<Resource>, String> {
        if r.account.as_deref() != Some(self.cluster.as_str()) {
            return Err(format!(
                "the remediation context is for cluster {}, the target is in {} (set `[remediation.kubernetes] name` if they are the same)",
                self.cluster,
                r.account.as_deref().unwrap_or("?")
            ));
        }
        let s = |k: &str| r.config.get(k).and_then(Value::as_str).unwrap_or_default();
        let meta = &r.config["metadata"];
        let ns = meta["namespace"].as_str();
        let name = meta["name"].as_str().unwrap_or_default();
        let got = self
            .api(s("apiVersion"), s("kind"), ns)
            .get_opt(name)
            .await
            .map_err(api_error)?;
        Ok(got.and_then(|o| {
            let v = serde_json::to_value(o).ok()?;
            normalize(v, &self.cluster)
        }))
    }

    /// Sends one call of an action.
    pub(super) async fn call(&self, c: &Call) -> Result<Value, String> {
        let p = |k: &str| c.params.get(k).and_then(Value::as_str).unwrap_or_default();
        match c.api.as_str() {
            "k8s:apply" => {
                let ns = c.params.get("namespace").and_then(Value::as_str);
                let patch = c.params.get("patch").cloned().unwrap_or_default();
                let mut pp = PatchParams::apply(FIELD_MANAGER);
                if c.params.contains_key("dryRun") {
                    pp = pp.dry_run();
                }
                let obj = self
                    .api(p("apiVersion"), p("kind"), ns)
                    .patch(p("name"), &pp, &Patch::Apply(&patch))
                    .await
                    .map_err(|e| format!("{}: {}", c.api, api_error(e)))?;
                Ok(json!({"resourceVersion": obj.metadata.resource_version}))
            }
            "k8s:scale" => {
                let ns = c.params.get("namespace").and_then(Value::as_str);
                let replicas = c.params.get("replicas").cloned().unwrap_or(json!(0));
                let mut pp = PatchParams::default();
                if c.params.contains_key("dryRun") {
                    pp = pp.dry_run();
                }
                let scale = self
                    .api(p("apiVersion"), p("kind"), ns)
                    .patch_scale(
                        p("name"),
                        &pp,
                        &Patch::Merge(json!({"spec": {"replicas": replicas}})),
                    )
                    .await
                    .map_err(|e| format!("{}: {}", c.api, api_error(e)))?;
                Ok(json!({"replicas": scale.spec.and_then(|s| s.replicas)}))
            }
            other => Err(format!("vigil does not make {other} calls")),
        }
    }
}
