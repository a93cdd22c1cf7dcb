//! Manifest mode: Kubernetes objects from YAML or JSON files (multi-document files, `kind:
//! List`, directories, rendered Helm or Kustomize output) become resources for the same rules,
//! each remembering the file and document it came from. Secrets are skipped unread.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize as _;
use serde_json::Value;

use crate::model::Resource;

/// The pseudo-cluster name in manifest resource ids.
pub const CLUSTER: &str = "manifests";

/// Where a resource came from: `deploy/app.yaml#2` (the second document).
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub file: String,
    pub document: usize,
    /// First line of the document's content in the file (1-based).
    pub line: usize,
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
    /// Where each of `resources` came from, in the same order, while loading.
    pending: Vec<Origin>,
    pub files: usize,
    pub documents: usize,
    /// Objects of kinds no rule looks at (ConfigMap, Secret, CRDs, ...).
    pub skipped: usize,
    /// `file:line: message` for every file that could not be read or parsed.
    pub errors: Vec<String>,
}

/// Reads every `.yaml`, `.yml` and `.json` file under the given paths; `-` is standard input
/// (`kubectl kustomize overlays/prod | vigil scan --manifests -`).
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
        } else if p.exists() || p.as_os_str() == "-" {
            load_file(p, &mut out);
        } else {
            out.errors
                .push(format!("{}: no such file or directory", p.display()));
        }
    }
    // The same object in two places (a `dev/` and a `prod/` overlay, say) would share an
    // id; each copy then gets its origin in its id, so findings and SARIF results point at
    // the right file.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in &out.resources {
        *seen.entry(r.id.clone()).or_default() += 1;
    }
    let pending = std::mem::take(&mut out.pending);
    for (r, origin) in out.resources.iter_mut().zip(pending) {
        if seen[&r.id] > 1 {
            r.id = format!("{}@{origin}", r.id);
        }
        out.origins.insert(r.id.clone(), origin);
    }
    out
}

/// The name standard input goes by in findings (`--manifests -`).
pub const STDIN: &str = "(stdin)";

fn load_file(path: &Path, out: &mut Loaded) {
    let stdin = path.as_os_str() == "-";
    let file = if stdin {
        STDIN.to_string()
    } else {
        path.display().to_string()
    };
    out.files += 1;
    let read = if stdin {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    let text = match read {
        Ok(t) => t,
        Err(e) => {
            out.errors.push(format!("{file}: {e}"));
            return;
        }
    };
    let starts = document_lines(&text);
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
                line: starts.get(i).copied().unwrap_or(1),
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
            out.pending.push(origin.clone());
            out.resources.push(r);
        }
        None => out.skipped += 1,
    }
}

/// The first content line of each YAML document in a stream (1-based): documents are
/// separated by `---` lines; text before the first `---` is a document only if it holds
/// more than comments and directives. A JSON file is one document.
pub fn document_lines(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    // (start line of the chunk's first content, whether the chunk opened with `---`)
    let mut content: Option<usize> = None;
    let mut explicit = false;
    let close = |content: Option<usize>, explicit: bool, at: usize, starts: &mut Vec<usize>| {
        if content.is_some() || explicit {
            starts.push(content.unwrap_or(at));
        }
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let is_marker = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if is_marker {
            close(content, explicit, n, &mut starts);
            explicit = true;
            let rest = line[3..].trim();
            content = (!rest.is_empty() && !rest.starts_with('#')).then_some(n);
            continue;
        }
        if line.starts_with("...") {
            close(content, explicit, n, &mut starts);
            content = None;
            explicit = false;
            continue;
        }
        let t = line.trim();
        if content.is_none() && !t.is_empty() && !t.starts_with('#') && !t.starts_with('%') {
            content = Some(n);
        }
    }
    close(content, explicit, text.lines().count().max(1), &mut starts);
    starts
}

/// A Kubernetes object from a file as a resource (see [`super::k8s::normalize`]).
pub fn normalize(obj: Value) -> Option<Resource> {
    super::k8s::normalize(obj, CLUSTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_lines_follow_separators() {
        assert_eq!(document_lines("a: 1\n"), vec![1]);
        assert_eq!(document_lines("# c\n---\na: 1\n---\n\nb: 2\n"), vec![3, 6]);
        assert_eq!(document_lines("a: 1\n---\n---\nb: 1\n"), vec![1, 3, 4]);
        assert_eq!(document_lines("{\"kind\": \"List\"}"), vec![1]);
        // serde_yaml agrees on the number of documents.
        for text in [
            "# c\n---\na: 1\n---\n\nb: 2\n",
            "a: 1\n---\n---\nb: 1\n",
            "a: 1\n---\nb: 2\n...\n",
        ] {
            let n = serde_yaml_ng::Deserializer::from_str(text).count();
            assert_eq!(document_lines(text).len(), n, "{text:?}");
        }
    }

    #[test]
    fn the_same_object_in_two_files_keeps_two_origins() {
        let dir = tempfile::tempdir().unwrap();
        let obj = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n";
        std::fs::write(dir.path().join("dev.yaml"), obj).unwrap();
        std::fs::write(dir.path().join("prod.yaml"), format!("# prod\n---\n{obj}")).unwrap();
        std::fs::write(dir.path().join("other.yaml"), obj.replace("web", "api")).unwrap();
        let loaded = load(&[dir.path().to_path_buf()]);
        let ids: Vec<&str> = loaded.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), 3);
        assert!(
            ids.contains(&"k8s://manifests/shop/apps/Deployment/api"),
            "{ids:?}"
        );
        let web: Vec<&&str> = ids.iter().filter(|i| i.contains("/web@")).collect();
        assert_eq!(web.len(), 2, "{ids:?}");
        for id in web {
            let o = &loaded.origins[*id];
            assert!(id.ends_with(&format!("@{o}")), "{id} vs {o}");
        }
        assert_eq!(loaded.origins.len(), 3);
    }

    #[test]
    fn manifest_ids_name_the_manifests_cluster() {
        let r = normalize(serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "ns"}})).unwrap();
        assert_eq!(r.id, "k8s://manifests/ns/apps/Deployment/d");
    }
}
