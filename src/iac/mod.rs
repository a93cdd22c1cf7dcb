//! Before deploy: infrastructure code checked with the same rules as the live account.
//! CloudFormation templates ([`cfn`]) become the documents the live collectors build, the
//! AWS rules run on them unchanged, and a verdict that hangs on a value unknown until
//! deploy is its own result ([`verdict`]).

pub mod cfn;
pub mod drift;
pub mod terraform;
pub mod verdict;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::model::Snapshot;
use crate::policy::{RuleError, RuleSet};

/// Templates checked: what was read, and the verdicts.
#[derive(Debug)]
pub struct Checked {
    pub loaded: cfn::Loaded,
    pub verdicts: verdict::Verdicts,
    pub rule_errors: Vec<RuleError>,
    pub evaluations: u64,
}

/// Evaluates the templates' resources: once as read (unknown values at their passing
/// extreme), and, when some resource has unknown values, once more with them at their
/// failing extreme; then decides each verdict ([`verdict::decide`]). Nothing is stored.
pub fn check(
    rules: &RuleSet,
    params: serde_json::Map<String, serde_json::Value>,
    loaded: cfn::Loaded,
    now: DateTime<Utc>,
) -> Checked {
    let snapshot = Snapshot {
        version: 1,
        collected_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        resources: loaded.resources.clone(),
        ..Default::default()
    };
    // Nothing in a file has been idle for any time yet.
    let no_history = Default::default();
    let passing = crate::scan::evaluate(rules, params.clone(), &snapshot, now, &no_history).eval;
    let failing = (!loaded.failing.is_empty()).then(|| {
        let mut other = snapshot.clone();
        for r in &mut other.resources {
            if let Some(f) = loaded.failing.get(&r.id) {
                *r = f.clone();
            }
        }
        crate::scan::evaluate(rules, params, &other, now, &no_history).eval
    });
    let verdicts = verdict::decide(
        &passing,
        failing.as_ref(),
        &loaded.unknowns,
        &loaded.conditional,
    );
    Checked {
        loaded,
        verdicts,
        rule_errors: passing.errors,
        evaluations: passing.evaluations,
    }
}
