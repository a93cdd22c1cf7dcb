//! Runs the `test_*` rules of every `_test.rego` file (regorus has no `opa test`).
//!
//! A test passes when it evaluates to `true`. Tests see the default `data.vigil` document
//! (default parameters, the NIST catalog, `now` = 2026-01-01T00:00:00Z) unless they override
//! it with `with data.vigil.context as ...`.

use chrono::{TimeZone, Utc};
use regorus::Value;
use serde::Serialize;

use super::data::data_document;
use super::loader::{package_of, RuleSet, SourceFile};
use super::types::{EngineMode, EvalContext};
use crate::model::Snapshot;

#[derive(Debug, Clone, Serialize)]
pub struct TestOutcome {
    pub file: String,
    pub line: usize,
    pub name: String,
    pub passed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `test_*` rule names with their 1-based line numbers, in file order, without repeats.
pub fn test_names(text: &str) -> Vec<(String, usize)> {
    let mut names: Vec<(String, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with("test_") {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !names.iter().any(|(n, _)| *n == name) {
            names.push((name, i + 1));
        }
    }
    names
}

/// Runs every test of every test file in the set; `filter` keeps tests whose file or name
/// contains it.
pub fn run_tests(
    rules: &RuleSet,
    params: serde_json::Map<String, serde_json::Value>,
    filter: Option<&str>,
) -> Vec<TestOutcome> {
    let ctx = EvalContext {
        now: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        params,
        mode: EngineMode::Interpreter,
        threads: 1,
        idle_since: Default::default(),
    };
    let data = Value::from(data_document(&Snapshot::default(), &ctx));
    let mut out = Vec::new();
    for file in &rules.tests {
        out.extend(run_file(rules, &data, file, filter));
    }
    out
}

fn run_file(
    rules: &RuleSet,
    data: &Value,
    file: &SourceFile,
    filter: Option<&str>,
) -> Vec<TestOutcome> {
    let fail = |line: usize, name: &str, message: String| TestOutcome {
        file: file.path.clone(),
        line,
        name: name.to_string(),
        passed: false,
        message: Some(message),
    };
    let names: Vec<(String, usize)> = test_names(&file.text)
        .into_iter()
        .filter(|(n, _)| filter.is_none_or(|f| n.contains(f) || file.path.contains(f)))
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    let Some(package) = package_of(&file.text) else {
        return vec![fail(1, "(file)", "no `package` declaration".into())];
    };
    let mut engine = rules.engine.clone();
    if let Err(e) = engine.add_data(data.clone()) {
        return vec![fail(1, "(file)", format!("loading data: {e}"))];
    }
    if let Err(e) = engine.add_policy(file.path.clone(), file.text.clone()) {
        return vec![fail(1, "(file)", e.to_string())];
    }
    names
        .into_iter()
        .map(
            |(name, line)| match engine.eval_rule(format!("data.{package}.{name}")) {
                Ok(Value::Bool(true)) => TestOutcome {
                    file: file.path.clone(),
                    line,
                    name,
                    passed: true,
                    message: None,
                },
                Ok(Value::Undefined) => fail(
                    line,
                    &name,
                    "undefined: a condition in the test is false".into(),
                ),
                Ok(v) => fail(
                    line,
                    &name,
                    format!(
                        "evaluated to {}, not true",
                        v.to_json_str().unwrap_or_default()
                    ),
                ),
                Err(e) => fail(line, &name, e.to_string()),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_names_once_with_lines() {
        let t = "package a\n\ntest_deny_x if {\n  true\n}\ntest_deny_x if { false }\ntest_allow_y := true\n  test_not_at_start if { true }\n";
        assert_eq!(
            test_names(t),
            vec![
                ("test_deny_x".to_string(), 3),
                ("test_allow_y".to_string(), 7)
            ]
        );
    }
}
