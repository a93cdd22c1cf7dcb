//! `--terraform-dir`: a plan's resources found in their source, `file:line` of the
//! `resource "type" "name"` block in their module's directory. A module's directory is the
//! one `terraform init` recorded (`.terraform/modules/modules.json`), else its call's local
//! `source` (`./modules/net`) from the calling module's directory.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::config::Config;
use super::plan::split_address;

/// A Terraform configuration's directory, and its modules'.
#[derive(Debug)]
pub struct Sources {
    root: PathBuf,
    /// `storage.queue` → its directory, relative to the root.
    installed: BTreeMap<String, String>,
    /// Directory → each `resource` block's type, name, file and line.
    blocks: RefCell<HashMap<PathBuf, Vec<Block>>>,
}

#[derive(Debug, Clone)]
struct Block {
    resource_type: String,
    name: String,
    file: String,
    line: usize,
}

impl Sources {
    /// Reads the module manifest under `root`, if `terraform init` wrote one.
    pub fn new(root: &Path) -> Sources {
        let manifest = root.join(".terraform/modules/modules.json");
        let installed = std::fs::read_to_string(manifest)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("Modules")?.as_array().cloned())
            .into_iter()
            .flatten()
            .filter_map(|m| {
                let key = m.get("Key")?.as_str()?.to_string();
                Some((key, m.get("Dir")?.as_str()?.to_string()))
            })
            .collect();
        Sources {
            root: root.to_path_buf(),
            installed,
            blocks: RefCell::default(),
        }
    }

    /// The directory of the module at `module_address` (`module.a[0].module.b`).
    fn dir(&self, module_address: &str, config: &Config) -> Option<PathBuf> {
        let parts = split_address(module_address);
        let calls: Vec<&str> = parts
            .chunks(2)
            .filter_map(|c| c.get(1).map(|n| n.split('[').next().unwrap_or(n)))
            .collect();
        if calls.is_empty() {
            return Some(self.root.clone());
        }
        if let Some(d) = self.installed.get(&calls.join(".")) {
            return Some(self.root.join(d));
        }
        let mut dir = self.root.clone();
        for i in 1..=calls.len() {
            let address: Vec<String> = calls[..i].iter().map(|c| format!("module.{c}")).collect();
            let source = config.source(&address.join("."))?;
            if !(source.starts_with("./") || source.starts_with("../")) {
                return None;
            }
            dir = dir.join(source);
        }
        Some(dir)
    }

    /// Where the resource `resource_type.name` of the module at `module_address` is declared.
    pub fn locate(
        &self,
        module_address: &str,
        resource_type: &str,
        name: &str,
        config: &Config,
    ) -> Option<(String, usize)> {
        let dir = self.dir(module_address, config)?;
        let mut cache = self.blocks.borrow_mut();
        let blocks = cache.entry(dir.clone()).or_insert_with(|| scan(&dir));
        blocks
            .iter()
            .find(|b| b.resource_type == resource_type && b.name == name)
            .map(|b| (b.file.clone(), b.line))
    }
}

/// The `resource "type" "name" {` blocks of the `.tf` files in `dir`.
fn scan(dir: &Path) -> Vec<Block> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let file = clean(&f);
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = line.trim_start().strip_prefix("resource") else {
                continue;
            };
            let labels: Vec<&str> = rest.split('"').collect();
            // `resource "type" "name" {` splits into ["  ", type, " ", name, " {"].
            if labels.len() >= 5 && labels[0].trim().is_empty() && labels[2].trim().is_empty() {
                out.push(Block {
                    resource_type: labels[1].to_string(),
                    name: labels[3].to_string(),
                    file: file.clone(),
                    line: i + 1,
                });
            }
        }
    }
    out
}

/// `dir/./modules/../x.tf` → `dir/x.tf`, as given (relative stays relative).
fn clean(p: &Path) -> String {
    let mut out: Vec<&std::ffi::OsStr> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if out.last().is_some_and(|l| *l != std::ffi::OsStr::new("..")) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    let joined: PathBuf = out.iter().collect();
    joined.display().to_string()
}
