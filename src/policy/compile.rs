//! Compiling rules for one evaluation: each to regorus's bytecode VM, the interpreter where
//! the VM cannot take a rule; and the check a new rule set passes before it is put in force.

use std::sync::Arc;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::{CompiledPolicy, Rc, Value};

use super::data::data_document;
use super::loader::{Rule, RuleSet};
use super::types::{EngineMode, EvalContext, RuleError};
use crate::model::Snapshot;

/// A rule ready to run.
pub(super) enum Compiled {
    Vm(Arc<Program>),
    Interp(CompiledPolicy),
}

/// Compiles the rules marked `needed` (the others stay None and report nothing).
pub(super) fn compile_rules(
    rules: &RuleSet,
    needed: &[bool],
    data: &Value,
    mode: EngineMode,
) -> (Vec<Option<Compiled>>, Vec<RuleError>) {
    let mut engine = rules.engine.clone();
    let mut errors = Vec::new();
    if let Err(e) = engine.add_data(data.clone()) {
        // Data is ours; this would be a bug, but report it per rule rather than panic.
        for r in &rules.rules {
            errors.push(compile_error(r, format!("loading data: {e}")));
        }
        return (rules.rules.iter().map(|_| None).collect(), errors);
    }
    let compiled = rules
        .rules
        .iter()
        .zip(needed)
        .map(|(rule, needed)| {
            if !needed {
                return None;
            }
            let path: Rc<str> = rule.deny_path().into();
            let policy = match engine.compile_with_entrypoint(&path) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(compile_error(rule, e.to_string()));
                    return None;
                }
            };
            if mode == EngineMode::Interpreter {
                return Some(Compiled::Interp(policy));
            }
            match Compiler::compile_from_policy(&policy, &[&path]) {
                Ok(program) => Some(Compiled::Vm(program)),
                Err(e) => {
                    tracing::debug!(target: "policy", rule = %rule.meta.id, error = %e,
                        "rule does not compile to the VM; using the interpreter");
                    Some(Compiled::Interp(policy))
                }
            }
        })
        .collect();
    (compiled, errors)
}

fn compile_error(rule: &Rule, message: String) -> RuleError {
    RuleError {
        rule_id: rule.meta.id.clone(),
        file: rule.file.clone(),
        resource_id: None,
        message,
    }
}

/// Compiles every rule against an empty snapshot: the errors a rule set would report at
/// evaluation before it reads any resource. The daemon checks a new rule set with this
/// before putting it in force.
pub fn compile_check(rules: &RuleSet, ctx: &EvalContext) -> Vec<RuleError> {
    let snapshot = Snapshot::default();
    let data = Value::from(data_document(&snapshot, ctx));
    let needed = vec![true; rules.rules.len()];
    compile_rules(rules, &needed, &data, ctx.mode).1
}
