//! Verdicts on resources that have values unknown until deploy. Each such resource is
//! evaluated twice, its unknown values at their passing extreme and at their failing one
//! ([`super::cfn::documents`]); a (rule, resource) is then:
//! - FAIL when it fails at the passing extreme on a path no unknown value is at or under;
//! - not evaluated ("unknown until deploy") when it fails on an unknown value's path, or
//!   only at the failing extreme, or at all on a resource whose own condition is unknown;
//! - PASS otherwise.
//!
//! Not-evaluated verdicts never gate an exit code; the next live scan of the deployed
//! resource decides them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::RuleResult;
use crate::policy::EvalReport;

/// A verdict left to deploy time: the rule's would-be finding and what is not known.
#[derive(Debug, Clone, Serialize)]
pub struct Undecided {
    #[serde(flatten)]
    pub result: RuleResult,
    /// `not evaluated: parameter KeyArn has no value; unknown until deploy`
    pub reason: String,
}

/// PASS, FAIL and not-evaluated counts, over (rule, resource) pairs.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub pass: u64,
    pub fail: u64,
    pub unknown: u64,
}

#[derive(Debug, Default)]
pub struct Verdicts {
    pub fail: Vec<RuleResult>,
    pub unknown: Vec<Undecided>,
    pub counts: Counts,
    pub per_rule: BTreeMap<String, Counts>,
}

/// Whether a rule's path (`config.A.B[0]`) is at, under or above an unknown value's.
fn touches(path: &str, unknown: &str) -> bool {
    let under = |a: &str, b: &str| {
        a == b || (a.starts_with(b) && matches!(a.as_bytes().get(b.len()), Some(b'.' | b'[')))
    };
    under(path, unknown) || under(unknown, path)
}

/// Decides every (rule, resource) from the evaluation with unknown values at their passing
/// extreme (`passing`) and the one with them at their failing extreme (`failing`, `None` when
/// no resource has one).
pub fn decide(
    passing: &EvalReport,
    failing: Option<&EvalReport>,
    unknowns: &BTreeMap<String, Vec<(String, String)>>,
    conditional: &BTreeMap<String, String>,
) -> Verdicts {
    let mut v = Verdicts::default();
    for (rule, c) in &passing.counts {
        let e = v.per_rule.entry(rule.clone()).or_default();
        e.pass += c.pass;
        e.fail += c.fail;
    }
    let mut failed_passing: BTreeSet<(&str, &str)> = BTreeSet::new();
    let failed_failing: BTreeSet<(&str, &str)> = failing
        .map(|f| {
            f.results
                .iter()
                .map(|r| (r.rule_id.as_str(), r.resource_id.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let mut undecided: BTreeSet<(String, String)> = BTreeSet::new();
    let mut moved = |v: &mut Verdicts, r: &RuleResult, reason: String, was_fail: bool| {
        if !undecided.insert((r.rule_id.clone(), r.resource_id.clone())) {
            return;
        }
        let c = v.per_rule.entry(r.rule_id.clone()).or_default();
        if was_fail {
            c.fail -= 1;
        } else {
            c.pass = c.pass.saturating_sub(1);
        }
        c.unknown += 1;
        v.unknown.push(Undecided {
            result: r.clone(),
            reason: format!("not evaluated: {reason}; unknown until deploy"),
        });
    };
    // Results are sorted by (rule, resource): one pass groups a pair's messages.
    let results = &passing.results;
    let mut i = 0;
    while i < results.len() {
        let (rule, res) = (&results[i].rule_id, &results[i].resource_id);
        let mut j = i;
        while j < results.len() && &results[j].rule_id == rule && &results[j].resource_id == res {
            j += 1;
        }
        let group = &results[i..j];
        failed_passing.insert((rule.as_str(), res.as_str()));
        if let Some(why) = conditional.get(res) {
            moved(&mut v, &group[0], why.clone(), true);
        } else if let Some(unk) = unknowns.get(res) {
            // A failure stands only where it fails at both extremes, on a path no unknown
            // value is at, under or above.
            let both = failed_failing.contains(&(rule.as_str(), res.as_str()));
            let definite: Vec<&RuleResult> = group
                .iter()
                .filter(|r| both && !unk.iter().any(|(p, _)| touches(&r.path, p)))
                .collect();
            if definite.is_empty() {
                let mut reasons: BTreeSet<&str> = group
                    .iter()
                    .flat_map(|r| {
                        unk.iter()
                            .filter(|(p, _)| touches(&r.path, p))
                            .map(|(_, w)| w.as_str())
                    })
                    .collect();
                if reasons.is_empty() {
                    reasons = unk.iter().map(|(_, w)| w.as_str()).collect();
                }
                moved(
                    &mut v,
                    &group[0],
                    reasons.into_iter().collect::<Vec<_>>().join("; "),
                    true,
                );
            } else {
                v.fail.extend(definite.into_iter().cloned());
            }
        } else {
            v.fail.extend(group.iter().cloned());
        }
        i = j;
    }
    if let Some(failing) = failing {
        for r in &failing.results {
            if failed_passing.contains(&(r.rule_id.as_str(), r.resource_id.as_str())) {
                continue;
            }
            let Some(why) = conditional.get(&r.resource_id).cloned().or_else(|| {
                let unk = unknowns.get(&r.resource_id)?;
                let touching: BTreeSet<&str> = unk
                    .iter()
                    .filter(|(p, _)| touches(&r.path, p))
                    .map(|(_, w)| w.as_str())
                    .collect();
                let all: BTreeSet<&str> = unk.iter().map(|(_, w)| w.as_str()).collect();
                let named = if touching.is_empty() { all } else { touching };
                Some(named.into_iter().collect::<Vec<_>>().join("; "))
            }) else {
                continue;
            };
            moved(&mut v, r, why, false);
        }
    }
    for c in v.per_rule.values() {
        v.counts.pass += c.pass;
        v.counts.fail += c.fail;
        v.counts.unknown += c.unknown;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(rule: &str, res: &str, path: &str) -> RuleResult {
        RuleResult {
            rule_id: rule.into(),
            resource_id: res.into(),
            resource_type: "AWS::SQS::Queue".into(),
            severity: crate::model::Severity::High,
            controls: std::sync::Arc::from(vec!["SC-28".to_string()]),
            message: "m".into(),
            path: path.into(),
        }
    }

    fn report(results: Vec<RuleResult>, counts: &[(&str, u64, u64)]) -> EvalReport {
        EvalReport {
            results,
            counts: counts
                .iter()
                .map(|(r, p, f)| {
                    (
                        r.to_string(),
                        crate::policy::RuleCount {
                            pass: *p,
                            fail: *f,
                            error: 0,
                        },
                    )
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_verdict_on_an_unknown_value_is_left_to_deploy_a_verdict_beside_it_stands() {
        let unknowns: BTreeMap<String, Vec<(String, String)>> = [(
            "q".to_string(),
            vec![(
                "config.KmsMasterKeyId".to_string(),
                "parameter Key has no value".to_string(),
            )],
        )]
        .into();
        // R1 fails on the unknown key; R2 fails on something else; R3 fails only when the
        // unknown is at its failing extreme; R4 passes both ways; `p` has no unknowns.
        let passing = report(
            vec![
                result("R1", "q", "config.KmsMasterKeyId"),
                result("R2", "q", "config.Policy"),
                result("R2", "p", "config.Policy"),
                result("R5", "q", "config.Credential"),
            ],
            &[
                ("R1", 1, 1),
                ("R2", 0, 2),
                ("R3", 2, 0),
                ("R4", 2, 0),
                ("R5", 0, 1),
            ],
        );
        let failing = report(
            vec![
                result("R1", "q", "config.KmsMasterKeyId"),
                result("R2", "q", "config.Policy"),
                result("R3", "q", "config"),
            ],
            &[],
        );
        let v = decide(&passing, Some(&failing), &unknowns, &BTreeMap::new());
        let fails: Vec<(&str, &str)> = v
            .fail
            .iter()
            .map(|r| (r.rule_id.as_str(), r.resource_id.as_str()))
            .collect();
        assert_eq!(fails, [("R2", "q"), ("R2", "p")]);
        let unknown: Vec<(&str, &str)> = v
            .unknown
            .iter()
            .map(|u| (u.result.rule_id.as_str(), u.result.resource_id.as_str()))
            .collect();
        // R5 fails beside the unknown value, but only at its passing extreme: it hangs on it.
        assert_eq!(unknown, [("R1", "q"), ("R5", "q"), ("R3", "q")]);
        assert_eq!(
            v.unknown[0].reason,
            "not evaluated: parameter Key has no value; unknown until deploy"
        );
        assert_eq!(
            v.counts,
            Counts {
                pass: 4,
                fail: 2,
                unknown: 3
            }
        );
        assert_eq!(
            v.per_rule["R3"],
            Counts {
                pass: 1,
                fail: 0,
                unknown: 1
            }
        );
    }

    #[test]
    fn a_resource_that_may_not_be_created_has_no_failing_verdict() {
        let conditional: BTreeMap<String, String> = [(
            "q".to_string(),
            "created only if condition IsProd: parameter Env has no value".to_string(),
        )]
        .into();
        let passing = report(vec![result("R1", "q", "config.X")], &[("R1", 0, 1)]);
        let v = decide(&passing, None, &BTreeMap::new(), &conditional);
        assert!(v.fail.is_empty());
        assert_eq!(
            v.counts,
            Counts {
                pass: 0,
                fail: 0,
                unknown: 1
            }
        );
        assert!(v.unknown[0].reason.contains("condition IsProd"));
    }

    #[test]
    fn paths_touch_at_under_or_above_not_beside() {
        assert!(touches("config.A", "config.A"));
        assert!(touches("config.A.B", "config.A"));
        assert!(touches("config.A", "config.A[0].B"));
        assert!(!touches("config.AB", "config.A"));
        assert!(!touches("config.B", "config.A"));
    }
}
