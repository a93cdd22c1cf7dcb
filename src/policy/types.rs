//! The vocabulary of evaluation: its context (clock, params, idle history, engine, threads)
//! and its report (FAIL verdicts, counts per rule, errors, rules not evaluated). Shared by
//! `compile`, `data`, `evaluate` and `testing`, which import it and not each other's.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::RuleResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineMode {
    /// Bytecode VM where the rule compiles to it, interpreter otherwise.
    #[default]
    Vm,
    /// regorus's tree-walking interpreter for every rule (the reference semantics).
    Interpreter,
}

/// Everything a rule may know besides its input.
#[derive(Debug, Clone)]
pub struct EvalContext {
    pub now: DateTime<Utc>,
    /// `[rules.params]` with defaults filled in.
    pub params: serde_json::Map<String, serde_json::Value>,
    pub mode: EngineMode,
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
    /// Resource id → since when vigil's history has seen it idle (RFC 3339).
    pub idle_since: serde_json::Map<String, serde_json::Value>,
}

/// A rule that could not be compiled, or failed on one resource.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleError {
    pub rule_id: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.resource_id {
            Some(r) => write!(
                f,
                "{} ({}) on {r}: {}",
                self.rule_id, self.file, self.message
            ),
            None => write!(f, "{} ({}): {}", self.rule_id, self.file, self.message),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct RuleCount {
    pub pass: u64,
    pub fail: u64,
    pub error: u64,
}

#[derive(Debug, Default)]
pub struct EvalReport {
    /// FAIL verdicts, sorted by (rule, resource, message).
    pub results: Vec<RuleResult>,
    /// PASS / FAIL / error counts per rule id (resources, not messages).
    pub counts: BTreeMap<String, RuleCount>,
    /// The same counts per account or cluster (a resource's `account`; `-` without one),
    /// only the rules that judged something there.
    pub account_counts: BTreeMap<String, BTreeMap<String, RuleCount>>,
    pub errors: Vec<RuleError>,
    /// (rule id, resource id) pairs whose evaluation failed: their findings must not resolve.
    pub errored: HashSet<(String, String)>,
    /// Rule ids that did not run at all (compile errors).
    pub skipped_rules: Vec<String>,
    /// Rules not evaluated on some resources because an inventory they need was not collected
    /// completely there; those (rule, resource) pairs are in `errored` too.
    pub not_evaluated: Vec<NotEvaluated>,
    /// Rule-resource evaluations performed.
    pub evaluations: u64,
    pub rule_time: BTreeMap<String, Duration>,
}

impl EvalReport {
    /// Adds a part's report to this one (a scan evaluated account by account), all but its
    /// verdicts: `results` and `errored` stay with the part, which is recorded and dropped.
    pub fn absorb(&mut self, part: EvalReport) {
        for (rule, c) in part.counts {
            let t = self.counts.entry(rule).or_default();
            t.pass += c.pass;
            t.fail += c.fail;
            t.error += c.error;
        }
        for (account, rules) in part.account_counts {
            let per_rule = self.account_counts.entry(account).or_default();
            for (rule, c) in rules {
                let t = per_rule.entry(rule).or_default();
                t.pass += c.pass;
                t.fail += c.fail;
                t.error += c.error;
            }
        }
        self.errors.extend(part.errors);
        for r in part.skipped_rules {
            if !self.skipped_rules.contains(&r) {
                self.skipped_rules.push(r);
            }
        }
        self.not_evaluated.extend(part.not_evaluated);
        self.evaluations += part.evaluations;
        for (rule, d) in part.rule_time {
            *self.rule_time.entry(rule).or_default() += d;
        }
    }
}

/// A rule skipped in one cluster or account: its verdict depends on types that were not
/// collected completely there.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NotEvaluated {
    pub rule_id: String,
    pub account: String,
    pub missing: Vec<String>,
    pub resources: u64,
}

impl std::fmt::Display for NotEvaluated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} not evaluated on {} resource(s) in {}: {} not collected completely",
            self.rule_id,
            self.resources,
            self.account,
            self.missing.join(", ")
        )
    }
}
