//! Reading what a posture rests on from the store: which scans (the latest complete one per
//! target, or the one asked for), their coverage, per-rule counts and findings, and the
//! scans of the trend.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::{FailedScope, RuleInfo, ScanRef, TargetScan};
use crate::model::CoverageStatus;
use crate::policy::RuleSet;
use crate::store::{Result, Store};

/// Which scans a report covers.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only this target (`aws`, `kubernetes`).
    pub target: Option<String>,
    /// This scan, instead of the latest per target.
    pub scan: Option<i64>,
    /// Scans per target in the trend.
    pub trend: usize,
    /// Only these accounts or clusters (ids, names of AWS accounts, cluster names): every
    /// count, scope and finding of the posture is theirs. Empty: all.
    pub accounts: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error("no scan {0} in the database")]
    NoScan(i64),
    #[error("scan {0} failed: nothing was collected, so it has no posture")]
    FailedScan(i64),
    #[error("{0}")]
    Nothing(String),
    #[error("no account or cluster `{0}` in the scans of this database (an AWS account id, an account's name, a cluster's name)")]
    UnknownAccount(String),
}

/// The rules as the posture needs them, and a digest of the rules in force.
pub fn rule_infos(rules: &RuleSet) -> (Vec<RuleInfo>, String) {
    let mut infos: Vec<RuleInfo> = rules
        .rules
        .iter()
        .map(|r| RuleInfo {
            id: r.meta.id.clone(),
            title: r.meta.title.clone(),
            severity: r.meta.severity.as_str().to_string(),
            controls: r
                .meta
                .controls
                .iter()
                .filter_map(|c| crate::controls::normalize(c))
                .collect(),
            // The types it evaluates and those it reads as inventory: a scope of either
            // not collected completely leaves it not assessed.
            resource_types: r
                .meta
                .resource_types
                .iter()
                .chain(&r.meta.inventory)
                .cloned()
                .collect(),
            remediation: r.meta.remediation.clone(),
        })
        .collect();
    infos.sort_by(|a, b| a.id.cmp(&b.id));
    let mut texts: Vec<(&str, &str)> = rules
        .rules
        .iter()
        .map(|r| (r.meta.id.as_str(), r.text.as_str()))
        .collect();
    texts.sort();
    let mut h = Sha256::new();
    for (id, text) in texts {
        h.update(id.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    (infos, hex::encode(h.finalize()))
}

/// One scan with what the posture reads of it; `findings` only when asked. Cut to the
/// accounts `cut` names when it names any (None when the scan read none of them).
pub fn target_scan(
    store: &Store,
    id: i64,
    findings: bool,
    cut: &[String],
) -> Result<Option<TargetScan>> {
    let Some(mut scan) = store.scan(id)? else {
        return Ok(None);
    };
    if !cut.is_empty() {
        scan.coverage.retain(|c| {
            crate::model::resource::parse_scope(&c.scope)
                .is_some_and(|p| cut.iter().any(|a| a == p.account))
        });
        if scan.coverage.is_empty() {
            return Ok(None);
        }
        scan.resources = store.resources_in(id, cut)?;
    }
    let only = (!cut.is_empty()).then_some(cut);
    let failed_scopes = scan
        .coverage
        .iter()
        .filter(|c| c.status == CoverageStatus::Failed)
        .map(|c| FailedScope {
            scope: c.scope.clone(),
            error: c.error.clone(),
        })
        .collect();
    let complete_scopes = scan
        .coverage
        .iter()
        .filter(|c| c.status == CoverageStatus::Complete)
        .count();
    Ok(Some(TargetScan {
        scan: ScanRef {
            id,
            target: scan.target.clone(),
            status: scan.status.as_str().to_string(),
            started_at: scan.started_at.clone(),
            finished_at: scan.finished_at.clone(),
            resources: scan.resources,
            complete_scopes,
            failed_scopes,
        },
        rule_results: match only {
            Some(ids) => store.rule_results_in(id, ids)?,
            None => store.rule_results(id)?,
        },
        findings: if findings {
            // What the posture reads: the open and waived ones, without their controls (the
            // posture maps rules to the baseline's own).
            let mut list = store.scan_findings_in(id, only)?;
            list.retain(|f| f.status != crate::model::FindingStatus::Resolved);
            for f in &mut list {
                f.controls = Vec::new();
            }
            list.shrink_to_fit();
            list
        } else {
            Vec::new()
        },
        coverage: scan.coverage,
    }))
}

/// The scans a report rests on: `--scan N`, or per target the latest complete scan (the
/// latest partial one when a target has no complete scan; failed scans collected nothing).
pub fn select(store: &Store, sel: &Selection) -> Result<Vec<TargetScan>, Error> {
    if let Some(id) = sel.scan {
        let t = target_scan(store, id, true, &sel.accounts)?.ok_or(Error::NoScan(id))?;
        if t.scan.status == "failed" {
            return Err(Error::FailedScan(id));
        }
        return Ok(vec![t]);
    }
    let mut out = Vec::new();
    for target in targets(store, sel.target.as_deref())? {
        let recent = store.scans(Some(&target), None, None, 200)?;
        let pick = if sel.accounts.is_empty() {
            recent
                .iter()
                .find(|s| s.status == "complete")
                .or_else(|| recent.iter().find(|s| s.status == "partial"))
                .map(|s| s.id)
        } else {
            // Cut to some accounts, a scan is complete when their scopes are.
            let mut cut: Vec<TargetScan> = Vec::new();
            for s in recent.iter().filter(|s| s.status != "failed") {
                cut.extend(target_scan(store, s.id, false, &sel.accounts)?);
            }
            cut.iter()
                .find(|t| t.scan.failed_scopes.is_empty())
                .or_else(|| cut.iter().find(|t| t.scan.complete_scopes > 0))
                .map(|t| t.scan.id)
        };
        if let Some(id) = pick {
            out.extend(target_scan(store, id, true, &sel.accounts)?);
        }
    }
    if out.is_empty() {
        return Err(Error::Nothing(match &sel.target {
            Some(t) => {
                format!("no complete or partial scan of target `{t}`: run `vigil scan` first")
            }
            None => "no scans in the database: run `vigil scan` first".to_string(),
        }));
    }
    Ok(out)
}

fn targets(store: &Store, only: Option<&str>) -> Result<Vec<String>> {
    let mut seen = BTreeMap::new();
    let mut before = None;
    loop {
        let page = store.scans(only, None, before, 500)?;
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        for s in &page {
            seen.entry(s.target.clone()).or_insert(());
        }
    }
    Ok(seen.into_keys().collect())
}

/// The trend: the last `n` scans (not failed) per target, up to the reported ones, merged
/// by time; each point holds each target's newest scan so far.
pub fn trend(
    store: &Store,
    reported: &[TargetScan],
    n: usize,
    cut: &[String],
) -> Result<Vec<Vec<TargetScan>>> {
    let mut all = Vec::new();
    for t in reported {
        let scans = store.scans(Some(&t.scan.target), None, Some(t.scan.id + 1), n * 4)?;
        let mut kept = 0;
        for s in scans.iter().filter(|s| s.status != "failed") {
            if kept == n {
                break;
            }
            if let Some(ts) = target_scan(store, s.id, false, cut)? {
                all.push(ts);
                kept += 1;
            }
        }
    }
    all.sort_by(|a, b| (&a.scan.finished_at, a.scan.id).cmp(&(&b.scan.finished_at, b.scan.id)));
    let mut current: BTreeMap<String, TargetScan> = BTreeMap::new();
    let mut points = Vec::new();
    for ts in all {
        current.insert(ts.scan.target.clone(), ts);
        points.push(current.values().cloned().collect());
    }
    let keep = points.len().saturating_sub(n);
    Ok(points.split_off(keep))
}

/// The posture of the selected scans against a baseline, with its trend.
pub fn posture(
    store: &Store,
    rules: &RuleSet,
    cfg: &crate::config::Posture,
    level: crate::controls::Level,
    sel: &Selection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<super::Posture, Error> {
    let t0 = std::time::Instant::now();
    let (infos, digest) = rule_infos(rules);
    let mut cut = Vec::new();
    for a in &sel.accounts {
        let mut known = false;
        for id in store.account_ids(a)? {
            if store.knows_account(&id)? {
                known = true;
                if !cut.contains(&id) {
                    cut.push(id);
                }
            }
        }
        if !known {
            return Err(Error::UnknownAccount(a.clone()));
        }
    }
    let sel = &Selection {
        accounts: cut.clone(),
        ..sel.clone()
    };
    let targets = select(store, sel)?;
    let t1 = t0.elapsed();
    let trend = trend(store, &targets, sel.trend.max(1), &sel.accounts)?;
    let audit_head = store.audit_head()?;
    let t2 = t0.elapsed();
    let p = super::build(super::Inputs {
        level,
        rules: &infos,
        targets,
        trend,
        declarations: &cfg.controls,
        now,
        rules_digest: digest,
        audit_head,
    });
    let mut p = p;
    p.accounts = cut;
    tracing::debug!(target: "report", scans_ms = t1.as_millis() as u64,
        trend_ms = (t2 - t1).as_millis() as u64, build_ms = (t0.elapsed() - t2).as_millis() as u64,
        findings = p.findings.len(), "posture built");
    Ok(p)
}

/// Drift against the code for `p`: what `loaded` (read from `sources`) declares, compared
/// with the latest live resources of the accounts `p` is cut to (all when it is not cut).
pub fn code_drift(
    store: &Store,
    p: &super::Posture,
    sources: Vec<String>,
    loaded: &crate::iac::cfn::Loaded,
) -> Result<crate::iac::drift::CodeDrift> {
    let mut live = store.current_resources()?;
    if !p.accounts.is_empty() {
        live.retain(|r| r.account.as_ref().is_some_and(|a| p.accounts.contains(a)));
    }
    let covered = store.covered_types()?;
    Ok(crate::iac::drift::CodeDrift::new(
        sources, loaded, &live, &covered,
    ))
}
