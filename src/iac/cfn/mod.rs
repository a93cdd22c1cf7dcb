//! CloudFormation templates before deploy: files and directories read ([`load`]), intrinsics
//! evaluated with the given parameters ([`resolve`]), resources made into the documents the
//! live collectors build ([`documents`]). A file that is not a template is skipped and
//! counted; one that cannot be read, or a resource that cannot be evaluated, is an error
//! naming its file and line, and the rest is still read.

pub mod documents;
pub mod load;
pub mod resolve;
pub mod sam;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::aws::Place;
use crate::model::Resource;

/// Where a template resource is declared.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    pub logical_id: String,
    /// A Terraform resource's full address (`module.net.aws_security_group.web[0]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Every template read from the given paths.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Each resource's document, unknown values at their passing extreme.
    pub resources: Vec<Resource>,
    /// Resource id → its document with unknown values at their failing extreme (only the
    /// resources that have unknown values).
    pub failing: BTreeMap<String, Resource>,
    /// Resource id → each unknown value's path and reason.
    pub unknowns: BTreeMap<String, Vec<(String, String)>>,
    /// Resource id → why it may not be created (its condition is unknown until deploy).
    pub conditional: BTreeMap<String, String>,
    pub origins: BTreeMap<String, Origin>,
    pub files: usize,
    pub templates: usize,
    /// Terraform plans (and states) read.
    pub plans: usize,
    /// YAML and JSON files that are not templates (parameter files, buildspecs, ...).
    pub other_files: usize,
    /// Resources whose condition is false: not created with these parameters.
    pub not_created: usize,
    /// Resources joined into the one they configure (a bucket policy into its bucket).
    pub joined: usize,
    /// Types vigil has no document for, and how many resources of each.
    pub unsupported: BTreeMap<String, usize>,
    /// `file:line: message` for every file or resource that could not be read.
    pub errors: Vec<String>,
    /// `file:line: message` for what was read with a caveat (a newer plan format).
    pub warnings: Vec<String>,
}

impl Loaded {
    /// Adds what `other` read (templates and plans read in one run).
    pub fn merge(&mut self, other: Loaded) {
        self.resources.extend(other.resources);
        self.failing.extend(other.failing);
        self.unknowns.extend(other.unknowns);
        self.conditional.extend(other.conditional);
        self.origins.extend(other.origins);
        self.files += other.files;
        self.templates += other.templates;
        self.plans += other.plans;
        self.other_files += other.other_files;
        self.not_created += other.not_created;
        self.joined += other.joined;
        for (t, n) in other.unsupported {
            *self.unsupported.entry(t).or_default() += n;
        }
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }
}

/// The file names read when walking a directory (what a daemon watches for changes too).
pub fn is_candidate(p: &Path) -> bool {
    p.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| matches!(x, "yaml" | "yml" | "json" | "template"))
}

/// Reads every template under `paths` with `parameters` (name → value; `AWS::Region` and the
/// other pseudo parameters may be given too).
pub fn load(paths: &[PathBuf], parameters: &BTreeMap<String, String>) -> Loaded {
    let mut out = Loaded::default();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0
                        || !e
                            .file_name()
                            .to_str()
                            .is_some_and(|n| n.starts_with('.') || n == "node_modules")
                })
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file() && is_candidate(e.path()))
                .map(|e| e.into_path())
                .collect();
            files.sort();
            for f in files {
                load_file(&f, parameters, &mut out);
            }
        } else if p.is_file() {
            load_file(p, parameters, &mut out);
        } else {
            out.errors
                .push(format!("{}: no such file or directory", p.display()));
        }
    }
    out
}

fn load_file(path: &Path, parameters: &BTreeMap<String, String>, out: &mut Loaded) {
    out.files += 1;
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            out.errors.push(format!("{file}: {e}"));
            return;
        }
    };
    let template = match load::parse(&file, &text) {
        Ok(load::Read::Template(t)) => t,
        Ok(load::Read::Other) => {
            out.other_files += 1;
            return;
        }
        Err(e) => {
            out.errors.push(e);
            return;
        }
    };
    out.templates += 1;
    let mut template = template;
    out.errors.extend(sam::expand(&mut template));
    let evaluated = resolve::evaluate(&template, parameters);
    out.errors.extend(evaluated.errors);
    out.not_created += evaluated.not_created;
    let region = parameters.get("AWS::Region").map_or("", String::as_str);
    let account = parameters.get("AWS::AccountId").map_or("", String::as_str);
    let place = Place { account, region };
    let origin = |logical: &str| Origin {
        file: file.clone(),
        line: template.line(logical),
        logical_id: logical.to_string(),
        address: None,
    };
    let id_of = |logical: &str| format!("{file}#{logical}");
    add(out, &evaluated.resources, &place, &origin, &id_of);
}

/// Builds the documents of `resources` (one file's) and adds them to `out`: `origin` says
/// where each logical id is declared, `id_of` names its resource.
pub(crate) fn add(
    out: &mut Loaded,
    resources: &[resolve::Resolved],
    place: &Place,
    origin: &dyn Fn(&str) -> Origin,
    id_of: &dyn Fn(&str) -> String,
) {
    let mut docs = documents::build(resources, place, id_of);
    // The pass every live snapshot goes through: nothing credential-like from a template is
    // printed either (a key in a tag, a password in an environment variable).
    let redactor = crate::redact::Redactor::ephemeral();
    for b in &mut docs.built {
        redactor.resource(&mut b.resource);
        if let Some(o) = &mut b.other {
            redactor.resource(o);
        }
    }
    out.joined += docs.joined;
    for (t, n) in docs.unsupported {
        *out.unsupported.entry(t).or_default() += n;
    }
    for (logical, e) in docs.errors {
        let o = origin(&logical);
        let name = o.address.unwrap_or(o.logical_id);
        out.errors
            .push(format!("{}:{}: {name}: {e}", o.file, o.line));
    }
    let (account, region) = (place.account, place.region);
    for b in docs.built {
        let id = b.resource.id.clone();
        let resolved = resources.iter().find(|r| r.logical_id == b.logical_id);
        if let Some(why) = resolved.and_then(|r| r.unknown_condition.clone()) {
            out.conditional.insert(id.clone(), why);
        }
        out.origins.insert(id.clone(), origin(&b.logical_id));
        let place_less = |mut r: Resource| {
            r.account = (!account.is_empty()).then(|| account.to_string());
            r.region = (!region.is_empty()).then(|| region.to_string());
            r
        };
        if let Some(other) = b.other {
            out.failing.insert(id.clone(), place_less(other));
            out.unknowns.insert(id, b.unknowns);
        }
        out.resources.push(place_less(b.resource));
    }
}

/// A parameter file, in the forms `aws cloudformation deploy --parameter-overrides` and
/// `create-stack --parameters` take: `[{"ParameterKey": k, "ParameterValue": v}, ...]`,
/// `["Key=Value", ...]`, `{"Parameters": {k: v}}` (CodePipeline's template configuration), or
/// `{k: v}`.
pub fn parameters_file(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let file = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: {e}"))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{file}:{}: not valid JSON: {e}", e.line().max(1)))?;
    let text_of = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => None,
    };
    let mut out = BTreeMap::new();
    match &v {
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if let Some((k, v)) = item.as_str().and_then(|s| s.split_once('=')) {
                    out.insert(k.to_string(), v.to_string());
                    continue;
                }
                let k = item.get("ParameterKey").and_then(|k| k.as_str());
                let v = item.get("ParameterValue").and_then(text_of);
                match (k, v) {
                    (Some(k), Some(v)) => {
                        out.insert(k.to_string(), v);
                    }
                    _ => {
                        return Err(format!(
                            "{file}: item {i} is neither {{\"ParameterKey\", \"ParameterValue\"}} nor \"Key=Value\""
                        ))
                    }
                }
            }
        }
        serde_json::Value::Object(o) => {
            let map = o.get("Parameters").and_then(|p| p.as_object()).unwrap_or(o);
            for (k, v) in map {
                let v =
                    text_of(v).ok_or_else(|| format!("{file}: parameter {k} is not a value"))?;
                out.insert(k.clone(), v);
            }
        }
        _ => return Err(format!("{file}: a parameter file is a JSON list or object")),
    }
    Ok(out)
}
