//! Manifest mode: Kubernetes objects from YAML or JSON files (multi-document files, `kind:
//! List`, directories, rendered Helm or Kustomize output) become resources for the same rules,
//! each remembering the file and document it came from. Secrets are skipped unread.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize as _;
use serde_json::Value;

use crate::model::resource::is_known_type;
use crate::model::Resource;

/// The pseudo-cluster name in manifest resource ids.
pub const CLUSTER: &str = "manifests";

/// Where a resource came from: `deploy/app.yaml#2` (the second document).
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub file: String,
    pub document: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.file, self.document)
    }
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub resources: Vec<Resource>,
    /// Resource id → where it came from.
    pub origins: BTreeMap<String, Origin>,
    pub files: usize,
    pub documents: usize,
    /// Objects of kinds no rule looks at (ConfigMap, Secret, CRDs, ...).
    pub skipped: usize,
    /// `file:line: message` for every file that could not be read or parsed.
    pub errors: Vec<String>,
}

/// Reads every `.yaml`, `.yml` and `.json` file under the given paths.
pub fn load(paths: &[PathBuf]) -> Loaded {
    let mut out = Loaded::default();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|f| {
                    f.extension()
                        .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                })
                .collect();
            files.sort();
            for f in files {
                load_file(&f, &mut out);
            }
        } else if p.exists() {
            load_file(p, &mut out);
        } else {
            out.errors
                .push(format!("{}: no such file or directory", p.display()));
        }
    }
    out
}

fn load_file(path: &Path, out: &mut Loaded) {
    let file = path.display().to_string();
    out.files += 1;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            out.errors.push(format!("{file}: {e}"));
            return;
        }
    };
    for (i, doc) in serde_yaml_ng::Deserializer::from_str(&text).enumerate() {
        let document = i + 1;
        let value = match Value::deserialize(doc) {
            Ok(v) => v,
            Err(e) => {
                let line = e.location().map(|l| l.line()).unwrap_or(1);
                let mut msg = e.to_string();
                if let Some(at) = msg.find(" at line ") {
                    msg.truncate(at);
                }
                out.errors
                    .push(format!("{file}:{line}: document {document}: {msg}"));
                // The rest of a broken stream cannot be trusted; other files go on.
                return;
            }
        };
        if value.is_null() {
            continue;
        }
        out.documents += 1;
        add_object(
            value,
            &Origin {
                file: file.clone(),
                document,
            },
            out,
        );
    }
}

fn add_object(obj: Value, origin: &Origin, out: &mut Loaded) {
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if kind == "List" || kind.ends_with("List") && obj.get("items").is_some_and(Value::is_array) {
        if let Some(Value::Array(items)) = obj.get("items").cloned() {
            for item in items {
                add_object(item, origin, out);
            }
        }
        return;
    }
    match normalize(obj) {
        Some(r) => {
            out.origins.insert(r.id.clone(), origin.clone());
            out.resources.push(r);
        }
        None => out.skipped += 1,
    }
}

/// `apps/v1` → `apps`, `v1` → `core`, `batch/v1beta1` → `batch`.
pub fn group_of(api_version: &str) -> &str {
    match api_version.split_once('/') {
        Some((group, _)) => group,
        None => "core",
    }
}

/// A Kubernetes object as a resource; None for kinds vigil has no rules for, and always for
/// Secrets (their values are never read).
pub fn normalize(mut obj: Value) -> Option<Resource> {
    let api = obj.get("apiVersion")?.as_str()?.to_string();
    let kind = obj.get("kind")?.as_str()?.to_string();
    if kind == "Secret" {
        return None;
    }
    let group = group_of(&api).to_string();
    let resource_type = format!("K8s::{group}::{kind}");
    if !is_known_type(&resource_type) {
        return None;
    }
    let meta = obj.get_mut("metadata")?.as_object_mut()?;
    for volatile in [
        "managedFields",
        "resourceVersion",
        "uid",
        "generation",
        "creationTimestamp",
    ] {
        meta.remove(volatile);
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
    let scope = namespace.clone().unwrap_or_else(|| "_cluster".into());
    Some(Resource {
        id: format!("k8s://{CLUSTER}/{scope}/{group}/{kind}/{name}"),
        resource_type,
        provider: "kubernetes".into(),
        account: Some(CLUSTER.into()),
        region: namespace,
        name: Some(name),
        tags: labels,
        config: obj,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_types() {
        assert_eq!(group_of("apps/v1"), "apps");
        assert_eq!(group_of("v1"), "core");
        assert_eq!(group_of("networking.k8s.io/v1"), "networking.k8s.io");
        let r = normalize(serde_json::json!({"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "ns", "resourceVersion": "9"}})).unwrap();
        assert_eq!(r.resource_type, "K8s::batch::CronJob");
        assert_eq!(r.id, "k8s://manifests/ns/batch/CronJob/c");
        assert!(r.config["metadata"].get("resourceVersion").is_none());
        assert!(normalize(serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "c2VjcmV0"}})).is_none());
    }
}
