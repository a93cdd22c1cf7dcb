//! Evaluation: a pure function of (rules, snapshot, context). The verdicts read no clock,
//! network or environment (`now` comes in the context); the wall clock only times each rule
//! for its cost figures, and the thread count defaults to the host's cores.
//!
//! Each rule is compiled once per evaluation to regorus's bytecode VM (RVM), with the
//! interpreter as a fallback for rules the VM cannot compile. Resources are split across
//! threads; each (rule, resource of an applicable type) pair yields PASS, FAIL or an error.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;
use regorus::Value;

use super::compile::{compile_rules, Compiled};
use super::data::{data_document_with, to_input};
use super::inventory;
use super::loader::RuleSet;
use crate::model::{Resource, RuleResult, Snapshot};

pub use super::compile::compile_check;
pub use super::types::{EngineMode, EvalContext, EvalReport, NotEvaluated, RuleCount, RuleError};

/// Upper bound of VM instructions for one rule on one resource.
const MAX_INSTRUCTIONS: usize = 5_000_000;

struct Partial {
    results: Vec<RuleResult>,
    counts: Vec<RuleCount>,
    /// The same counts per account or cluster (the resource's `account`, `-` without one).
    by_account: Vec<(String, Vec<RuleCount>)>,
    errors: Vec<RuleError>,
    time: Vec<Duration>,
    evaluations: u64,
    /// (rule index, account, resource id) not evaluated for want of an inventory.
    not_evaluated: Vec<(usize, String, String)>,
}

/// Evaluates every rule on every resource of the types it names.
pub fn evaluate(rules: &RuleSet, snapshot: &Snapshot, ctx: &EvalContext) -> EvalReport {
    evaluate_resources(rules, snapshot, &snapshot.resources, ctx)
}

/// Like [`evaluate`] on a subset of the snapshot's resources (the data document still
/// describes the whole snapshot).
pub fn evaluate_resources(
    rules: &RuleSet,
    snapshot: &Snapshot,
    resources: &[Resource],
    ctx: &EvalContext,
) -> EvalReport {
    let delegated = inventory::controllers(&snapshot.resources);
    let data_json = data_document_with(snapshot, ctx, &delegated);
    let complete = inventory::complete_types(snapshot);
    let facts = Facts {
        complete: &complete,
        delegated: &delegated,
    };
    let needed = needed_rules(rules, resources);
    let partials = run_workers(rules, &needed, &data_json, ctx, &facts, resources);
    merge(rules, &needed, partials, &complete)
}

/// Which rules apply to a type present here: only those are compiled. A rule with nothing
/// to check still counts as having run (its findings on deleted resources may resolve).
fn needed_rules(rules: &RuleSet, resources: &[Resource]) -> Vec<bool> {
    let present: HashSet<&str> = resources.iter().map(|r| r.resource_type.as_str()).collect();
    rules
        .rules
        .iter()
        .map(|r| {
            r.meta
                .resource_types
                .iter()
                .any(|t| present.contains(t.as_str()))
        })
        .collect()
}

/// What one worker returns: its verdicts, which rules compiled, and the compile errors.
type WorkerOutput = (Partial, Vec<bool>, Vec<RuleError>);

/// Evaluates the resources in one chunk per worker thread.
fn run_workers(
    rules: &RuleSet,
    needed: &[bool],
    data_json: &serde_json::Value,
    ctx: &EvalContext,
    facts: &Facts,
    resources: &[Resource],
) -> Vec<WorkerOutput> {
    let threads = if ctx.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        ctx.threads
    };
    let chunk = resources.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = resources
            .chunks(chunk)
            .map(|part| {
                let mode = ctx.mode;
                // Each worker compiles its own programs and data, so threads share no
                // reference-counted values (shared atomic counters made two threads barely
                // faster than one).
                s.spawn(move || {
                    let data = Value::from(data_json.clone());
                    let (compiled, errors) = compile_rules(rules, needed, &data, mode);
                    let mut by_type: HashMap<&str, Vec<usize>> = HashMap::new();
                    for (i, rule) in rules.rules.iter().enumerate() {
                        if compiled[i].is_some() {
                            for t in &rule.meta.resource_types {
                                by_type.entry(t.as_str()).or_default().push(i);
                            }
                        }
                    }
                    let ok = compiled.iter().map(Option::is_some).collect();
                    (
                        eval_chunk(rules, &compiled, &by_type, &data, facts, part),
                        ok,
                        errors,
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("evaluation thread panicked"))
            .collect()
    })
}

/// The workers' outputs as one report: counts per rule, errors, the resources each rule
/// could not judge, results sorted.
fn merge(
    rules: &RuleSet,
    needed: &[bool],
    partials: Vec<WorkerOutput>,
    complete: &HashMap<String, HashSet<String>>,
) -> EvalReport {
    // Every worker compiles the same rules the same way: the first one speaks for all.
    let (compiled_ok, compile_errors) = match partials.first() {
        Some((_, ok, errors)) => (ok.clone(), errors.clone()),
        None => (vec![false; rules.rules.len()], Vec::new()),
    };
    let mut report = EvalReport {
        errors: compile_errors,
        ..Default::default()
    };
    for (i, rule) in rules.rules.iter().enumerate() {
        if needed[i] && !compiled_ok[i] {
            report.skipped_rules.push(rule.meta.id.clone());
        } else {
            report
                .counts
                .insert(rule.meta.id.clone(), RuleCount::default());
        }
    }
    let mut skipped: BTreeMap<(usize, String), u64> = BTreeMap::new();
    for (p, _, _) in partials {
        report.results.extend(p.results);
        for (i, account, resource_id) in p.not_evaluated {
            report
                .errored
                .insert((rules.rules[i].meta.id.clone(), resource_id));
            *skipped.entry((i, account)).or_default() += 1;
        }
        for e in &p.errors {
            if let Some(res) = &e.resource_id {
                report.errored.insert((e.rule_id.clone(), res.clone()));
            }
        }
        report.errors.extend(p.errors);
        report.evaluations += p.evaluations;
        for (i, rule) in rules.rules.iter().enumerate() {
            if !compiled_ok[i] {
                continue;
            }
            let c = report.counts.entry(rule.meta.id.clone()).or_default();
            c.pass += p.counts[i].pass;
            c.fail += p.counts[i].fail;
            c.error += p.counts[i].error;
            *report.rule_time.entry(rule.meta.id.clone()).or_default() += p.time[i];
        }
        for (account, counts) in &p.by_account {
            let per_rule = report.account_counts.entry(account.clone()).or_default();
            for (i, c) in counts.iter().enumerate() {
                if *c != RuleCount::default() {
                    let t = per_rule.entry(rules.rules[i].meta.id.clone()).or_default();
                    t.pass += c.pass;
                    t.fail += c.fail;
                    t.error += c.error;
                }
            }
        }
    }
    for ((i, account), n) in skipped {
        let rule = &rules.rules[i];
        let done = complete.get(&account);
        report.not_evaluated.push(NotEvaluated {
            rule_id: rule.meta.id.clone(),
            missing: rule
                .meta
                .inventory
                .iter()
                .filter(|t| !done.is_some_and(|d| d.contains(*t)))
                .cloned()
                .collect(),
            account,
            resources: n,
        });
    }
    report.results.sort_by(|a, b| {
        (&a.rule_id, &a.resource_id, &a.message).cmp(&(&b.rule_id, &b.resource_id, &b.message))
    });
    report
}

/// What evaluation knows about the snapshot besides the resources themselves.
struct Facts<'a> {
    /// Per account or cluster, the types collected completely.
    complete: &'a HashMap<String, HashSet<String>>,
    /// Resource id → the types of its controllers in the snapshot (ReplicaSet, Deployment).
    delegated: &'a HashMap<&'a str, Vec<&'a str>>,
}

fn eval_chunk(
    rules: &RuleSet,
    compiled: &[Option<Compiled>],
    by_type: &HashMap<&str, Vec<usize>>,
    data: &Value,
    facts: &Facts,
    resources: &[Resource],
) -> Partial {
    let complete = facts.complete;
    let n = rules.rules.len();
    let mut vms: Vec<Option<RegoVM>> = (0..n).map(|_| None).collect();
    let mut out = Partial {
        results: Vec::new(),
        counts: vec![RuleCount::default(); n],
        by_account: Vec::new(),
        errors: Vec::new(),
        time: vec![Duration::ZERO; n],
        evaluations: 0,
        not_evaluated: Vec::new(),
    };
    for resource in resources {
        let Some(applicable) = by_type.get(resource.resource_type.as_str()) else {
            continue;
        };
        let input = to_input(resource);
        let controllers = facts.delegated.get(resource.id.as_str());
        // Resources come grouped by account: the last one's counts are usually the ones.
        let owner = resource.account.as_deref().unwrap_or("-");
        let a = match out.by_account.iter().rposition(|(name, _)| name == owner) {
            Some(a) => a,
            None => {
                out.by_account
                    .push((owner.to_string(), vec![RuleCount::default(); n]));
                out.by_account.len() - 1
            }
        };
        for &i in applicable {
            let rule = &rules.rules[i];
            // A Pod whose ReplicaSet and Deployment were collected is checked by this rule on
            // the Deployment: not here, and not counted as a PASS either.
            if let Some(chain) = controllers {
                if chain
                    .iter()
                    .any(|t| rule.meta.resource_types.iter().any(|rt| rt == t))
                {
                    continue;
                }
            }
            if !rule.meta.inventory.is_empty() {
                let account = resource.account.as_deref().unwrap_or("-");
                let done = complete.get(account);
                if !rule
                    .meta
                    .inventory
                    .iter()
                    .all(|t| done.is_some_and(|d| d.contains(t)))
                {
                    out.not_evaluated
                        .push((i, account.to_string(), resource.id.clone()));
                    continue;
                }
            }
            let start = Instant::now();
            let value = match compiled[i].as_ref().expect("indexed rules compiled") {
                Compiled::Vm(program) => {
                    let vm = vms[i].get_or_insert_with(|| new_vm(program, data));
                    vm.set_input(input.clone());
                    vm.execute().map_err(|e| e.to_string())
                }
                Compiled::Interp(policy) => policy
                    .eval_with_input(input.clone())
                    .map_err(|e| e.to_string()),
            };
            out.time[i] += start.elapsed();
            out.evaluations += 1;
            match value.and_then(|v| parse_denies(&v)) {
                Ok(denies) if denies.is_empty() => {
                    out.counts[i].pass += 1;
                    out.by_account[a].1[i].pass += 1;
                }
                Ok(denies) => {
                    out.counts[i].fail += 1;
                    out.by_account[a].1[i].fail += 1;
                    for (message, path) in denies {
                        out.results.push(RuleResult {
                            rule_id: rule.meta.id.clone(),
                            resource_id: resource.id.clone(),
                            resource_type: resource.resource_type.clone(),
                            severity: rule.meta.severity,
                            controls: rule.meta.controls.clone(),
                            message,
                            path,
                        });
                    }
                }
                Err(message) => {
                    out.counts[i].error += 1;
                    out.by_account[a].1[i].error += 1;
                    out.errors.push(RuleError {
                        rule_id: rule.meta.id.clone(),
                        file: rule.file.clone(),
                        resource_id: Some(resource.id.clone()),
                        message,
                    });
                }
            }
        }
    }
    out
}

fn new_vm(program: &Arc<Program>, data: &Value) -> RegoVM {
    let mut vm = RegoVM::new();
    vm.load_program(program.clone());
    vm.set_max_instructions(MAX_INSTRUCTIONS);
    if let Err(e) = vm.set_data(data.clone()) {
        tracing::error!(target: "policy", error = %e, "setting rule data on the VM");
    }
    vm
}

/// A rule's `deny` value: undefined or an empty set is a PASS; every element must be an
/// object with a string `msg` (and optionally a string `path`).
fn parse_denies(v: &Value) -> Result<Vec<(String, String)>, String> {
    match v {
        Value::Undefined | Value::Null => Ok(Vec::new()),
        Value::Set(set) => set.iter().map(parse_deny).collect(),
        Value::Array(items) => items.iter().map(parse_deny).collect(),
        other => Err(format!(
            "`deny` must be a set of objects, got {}",
            other.to_json_str().unwrap_or_default()
        )),
    }
}

fn parse_deny(v: &Value) -> Result<(String, String), String> {
    let text = |key: &str| -> Option<String> {
        match &v[key] {
            Value::String(s) => Some(s.to_string()),
            _ => None,
        }
    };
    match text("msg") {
        Some(msg) => Ok((msg, text("path").unwrap_or_default())),
        None => Err(format!(
            "each `deny` element needs a string `msg`, got {}",
            v.to_json_str().unwrap_or_default()
        )),
    }
}
