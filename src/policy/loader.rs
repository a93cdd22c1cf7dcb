//! Finds rule files (bundled and from `--rules` directories), parses their METADATA and loads
//! them into one regorus engine. A broken file is reported with its location and skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regorus::Engine;
use serde::Serialize;

use super::metadata::{self, RuleMeta};
use super::{Error, Result};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// Where rules come from, in order: later sources add rules or replace rules with the same id.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleSource {
    Bundled,
    Dir(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    /// `vigil.rules.aws.s3.bucket_encryption`
    pub package: String,
    pub file: String,
    pub text: String,
}

impl Rule {
    /// Full path of the rule's deny set: `data.<package>.deny`.
    pub fn deny_path(&self) -> String {
        format!("data.{}.deny", self.package)
    }
}

/// A file that could not be used, with the reason. The rest of the set still loads.
#[derive(Debug, Clone, Serialize)]
pub struct LoadProblem {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.starts_with(&self.file) {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A loaded rule pack: rules with metadata, library modules, test files and the engine
/// holding every module that parsed.
#[derive(Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub libraries: Vec<SourceFile>,
    pub tests: Vec<SourceFile>,
    pub problems: Vec<LoadProblem>,
    pub(crate) engine: Engine,
}

impl RuleSet {
    /// The rules whose METADATA says `idle: reap`: their findings are reaped through plans
    /// (the default `[plans] auto_propose`, `vigil plan propose` without a selection).
    pub fn reaping_rules(&self) -> Vec<String> {
        self.rules
            .iter()
            .filter(|r| r.meta.idle == Some(crate::model::idle::Category::Reap))
            .map(|r| r.meta.id.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// The rules whose METADATA says they report idle resources (`idle: reap` or `report`).
    pub fn idle_rules(&self) -> std::collections::HashSet<String> {
        self.rules
            .iter()
            .filter(|r| r.meta.idle.is_some())
            .map(|r| r.meta.id.clone())
            .collect()
    }
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules.len())
            .field("libraries", &self.libraries.len())
            .field("tests", &self.tests.len())
            .field("problems", &self.problems)
            .finish()
    }
}

/// The package declared by a Rego file (first `package` line).
pub fn package_of(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("package ")
            .map(|p| p.trim().to_string())
    })
}

fn read_dir_files(dir: &Path) -> Result<Vec<SourceFile>> {
    if !dir.is_dir() {
        return Err(Error::MissingDir(dir.display().to_string()));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Read {
            path: dir.display().to_string(),
            source: e.into(),
        })?;
        let p = entry.path();
        if entry.file_type().is_file() && p.extension().is_some_and(|x| x == "rego") {
            let text = std::fs::read_to_string(p).map_err(|source| Error::Read {
                path: p.display().to_string(),
                source,
            })?;
            files.push(SourceFile {
                path: p.display().to_string(),
                text,
            });
        }
    }
    Ok(files)
}

/// The rule files built into the binary: (repository path, text).
pub fn bundled_sources() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED_RULES
}

fn bundled_files() -> Vec<SourceFile> {
    embedded::EMBEDDED_RULES
        .iter()
        .map(|(p, t)| SourceFile {
            path: (*p).to_string(),
            text: (*t).to_string(),
        })
        .collect()
}

impl RuleSet {
    /// Loads every source. Only an unreadable or missing directory is an `Err`; a bad file
    /// becomes a [`LoadProblem`] and is skipped.
    pub fn load(sources: &[RuleSource]) -> Result<RuleSet> {
        let mut files = Vec::new();
        for s in sources {
            match s {
                RuleSource::Bundled => files.extend(bundled_files()),
                RuleSource::Dir(d) => files.extend(read_dir_files(d)?),
            }
        }
        Ok(Self::from_files(files))
    }

    pub fn from_files(files: Vec<SourceFile>) -> RuleSet {
        let mut problems = Vec::new();
        // Later files replace earlier ones: rules by id, libraries and tests by path suffix.
        let mut rules: BTreeMap<String, Rule> = BTreeMap::new();
        let mut rule_order: Vec<String> = Vec::new();
        let mut libraries: BTreeMap<String, SourceFile> = BTreeMap::new();
        let mut tests: BTreeMap<String, SourceFile> = BTreeMap::new();
        for f in files {
            let Some(package) = package_of(&f.text) else {
                problems.push(LoadProblem {
                    file: f.path.clone(),
                    message: "no `package` declaration".into(),
                });
                continue;
            };
            if f.path.ends_with("_test.rego") {
                tests.insert(package_key(&package, &f.path), f);
            } else if metadata::extract_block(&f.text).is_some() {
                match metadata::parse(&f.path, &f.text) {
                    Ok(meta) => {
                        let id = meta.id.clone();
                        if !rules.contains_key(&id) {
                            rule_order.push(id.clone());
                        }
                        rules.insert(
                            id,
                            Rule {
                                meta,
                                package,
                                file: f.path,
                                text: f.text,
                            },
                        );
                    }
                    Err(e) => problems.push(LoadProblem {
                        file: f.path,
                        message: e.to_string(),
                    }),
                }
            } else {
                libraries.insert(package, f);
            }
        }

        let mut engine = Engine::new();
        // A builtin that fails (bad regex, unparsable time) is a rule error, not a silent
        // `undefined` that could turn a FAIL into a PASS.
        engine.set_strict_builtin_errors(true);
        let mut loaded_libs = Vec::new();
        for (_, lib) in libraries {
            match engine.add_policy(lib.path.clone(), lib.text.clone()) {
                Ok(_) => loaded_libs.push(lib),
                Err(e) => problems.push(LoadProblem {
                    file: lib.path,
                    message: e.to_string(),
                }),
            }
        }
        let mut loaded = Vec::new();
        let mut packages: BTreeMap<String, String> = BTreeMap::new();
        for id in rule_order {
            let rule = rules.remove(&id).expect("rule in order");
            if let Some(other) = packages.get(&rule.package) {
                problems.push(LoadProblem {
                    file: rule.file.clone(),
                    message: format!(
                        "package `{}` is already used by {other}; each rule needs its own package",
                        rule.package
                    ),
                });
                continue;
            }
            // Parse on a scratch engine first so a broken file never half-enters the real one.
            let mut scratch = Engine::new();
            if let Err(e) = scratch.add_policy(rule.file.clone(), rule.text.clone()) {
                problems.push(LoadProblem {
                    file: rule.file.clone(),
                    message: e.to_string(),
                });
                continue;
            }
            match engine.add_policy(rule.file.clone(), rule.text.clone()) {
                Ok(_) => {
                    packages.insert(rule.package.clone(), rule.file.clone());
                    loaded.push(rule);
                }
                Err(e) => problems.push(LoadProblem {
                    file: rule.file.clone(),
                    message: e.to_string(),
                }),
            }
        }
        RuleSet {
            rules: loaded,
            libraries: loaded_libs,
            tests: tests.into_values().collect(),
            problems,
            engine,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }
}

fn package_key(package: &str, path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    format!("{package}/{file}")
}
