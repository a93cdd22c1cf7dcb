//! Which open findings a proposal takes: named ids, a rule pattern (and a resource
//! pattern), or the reaping candidates; each with its target as last stored and its rule's
//! remediation. Findings already in an open plan are left out (named ids are refused).

use std::collections::HashMap;

use super::propose::Candidate;
use crate::model::waiver::glob;
use crate::model::FindingStatus;
use crate::policy::RuleSet;
use crate::store::{FindingFilter, Store};

/// What `vigil plan propose` was asked to plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    Findings(Vec<i64>),
    Rule {
        rule: String,
        resource: Option<String>,
    },
    /// The findings of these rules (the idle-resource rules: their findings are the reaping
    /// candidates).
    Rules(Vec<String>),
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error("finding {0}: {1}")]
    Finding(i64, String),
}

/// The candidates a selection names, and the findings it left out because an open plan
/// holds them.
pub fn candidates(
    store: &Store,
    rules: &RuleSet,
    sel: &Selection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Vec<Candidate>, Vec<i64>), Error> {
    let planned = store.planned_findings()?;
    let all = store.findings(&FindingFilter::default(), now)?;
    let chosen: Vec<_> = match sel {
        Selection::Findings(ids) => {
            let by_id: HashMap<i64, _> = all.iter().map(|f| (f.id, f)).collect();
            let mut out = Vec::new();
            for id in ids {
                let f = match by_id.get(id) {
                    Some(f) => *f,
                    None => {
                        let why = match store.finding(*id, now)? {
                            None => "no such finding".to_string(),
                            Some((f, _)) => format!("it is {}, not open", f.status.as_str()),
                        };
                        return Err(Error::Finding(*id, why));
                    }
                };
                if f.status == FindingStatus::Waived {
                    return Err(Error::Finding(*id, "a waiver accepts it".into()));
                }
                if planned.contains(id) {
                    return Err(Error::Finding(*id, "it is already in an open plan".into()));
                }
                out.push(f.clone());
            }
            out
        }
        Selection::Rule { rule, resource } => {
            let rule = glob(rule);
            let resource = resource.as_deref().map(glob);
            all.into_iter()
                .filter(|f| {
                    rule.is_match(&f.rule_id)
                        && resource.as_ref().is_none_or(|r| r.is_match(&f.resource_id))
                })
                .collect()
        }
        Selection::Rules(ids) => all
            .into_iter()
            .filter(|f| ids.contains(&f.rule_id))
            .collect(),
    };
    let mut skipped = Vec::new();
    let mut out = Vec::new();
    for f in chosen {
        if !f.status.is_active() {
            continue;
        }
        if planned.contains(&f.id) {
            skipped.push(f.id);
            continue;
        }
        let meta = rules
            .rules
            .iter()
            .find(|r| r.meta.id == f.rule_id)
            .map(|r| &r.meta);
        let target = store.current(&f.resource_id)?;
        let namespace_labels = match &target {
            Some((r, _)) if r.provider == "kubernetes" => match (&r.account, &r.region) {
                (Some(cluster), Some(ns)) => store
                    .current(&crate::model::k8s::resource_id(
                        cluster,
                        None,
                        "core",
                        "Namespace",
                        ns,
                    ))?
                    .map(|(n, _)| n.tags)
                    .unwrap_or_default(),
                _ => Default::default(),
            },
            _ => Default::default(),
        };
        out.push(Candidate {
            target,
            namespace_labels,
            remediation: meta.map(|m| m.remediation.clone()).unwrap_or_else(|| {
                format!("rule {} is not loaded; see its remediation", f.rule_id)
            }),
            fix: meta.map(|m| m.fix.clone()).unwrap_or_default(),
            finding: f,
        });
    }
    Ok((out, skipped))
}
