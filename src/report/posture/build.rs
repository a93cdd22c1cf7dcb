//! Building the posture from what the scans recorded: a pure function of its inputs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::*;
use crate::config::PostureControl;
use crate::controls::{self, Level};
use crate::model::{Coverage, CoverageStatus, Finding, FindingStatus};

/// A rule as the posture needs it.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub severity: String,
    /// OSCAL control ids (`sc-28.1`).
    pub controls: Vec<String>,
    pub resource_types: Vec<String>,
    pub remediation: String,
}

/// One target's scan: what it collected and what the rules found.
#[derive(Debug, Clone)]
pub struct TargetScan {
    pub scan: ScanRef,
    pub coverage: Vec<Coverage>,
    /// Rule id → (pass, fail, error).
    pub rule_results: BTreeMap<String, (i64, i64, i64)>,
    /// The scan's findings, waivers applied as of its time (empty for trend points).
    pub findings: Vec<Finding>,
}

pub struct Inputs<'a> {
    pub level: Level,
    pub rules: &'a [RuleInfo],
    pub targets: Vec<TargetScan>,
    /// Oldest first: each point is the scans in force after one more scan.
    pub trend: Vec<Vec<TargetScan>>,
    pub declarations: &'a [PostureControl],
    pub now: DateTime<Utc>,
    pub rules_digest: String,
    pub audit_head: Option<String>,
}

/// The rules that map to each control.
fn rules_by_control(rules: &[RuleInfo]) -> HashMap<&str, Vec<&RuleInfo>> {
    let mut m: HashMap<&str, Vec<&RuleInfo>> = HashMap::new();
    for r in rules {
        for c in &r.controls {
            m.entry(c.as_str()).or_default().push(r);
        }
    }
    m
}

/// The declaration for a control: its own entry, else its family's wildcard.
fn declared<'d>(decls: &'d [PostureControl], id: &str) -> Option<&'d PostureControl> {
    let wild = |d: &&PostureControl| {
        d.id.strip_suffix('*')
            .is_some_and(|p| id.starts_with(&p.to_ascii_lowercase()))
    };
    decls
        .iter()
        .find(|d| controls::normalize(&d.id).as_deref() == Some(id))
        .or_else(|| decls.iter().find(wild))
}

fn declaration(d: &PostureControl, now: DateTime<Utc>) -> Declaration {
    Declaration {
        kind: d.status.clone(),
        owner: d.owner.clone(),
        reason: d.reason.clone(),
        evidence: d.evidence.clone(),
        expires: d.expires.clone(),
        expired: d.expires_at().is_none_or(|e| e <= now),
    }
}

/// A control's status over the targets, per target, and the failed scopes its rules read.
struct Assessed {
    status: Status,
    reason: String,
    targets: BTreeMap<String, Status>,
    failed_scopes: Vec<String>,
}

fn assess(rules: &[&RuleInfo], targets: &[TargetScan]) -> Assessed {
    let types: BTreeSet<&str> = rules
        .iter()
        .flat_map(|r| r.resource_types.iter().map(String::as_str))
        .collect();
    let (mut pass, mut fail, mut error) = (0, 0, 0);
    let mut per_target = BTreeMap::new();
    let mut failed_scopes = Vec::new();
    for t in targets {
        let (mut p, mut f) = (0, 0);
        for r in rules {
            if let Some(&(rp, rf, re)) = t.rule_results.get(&r.id) {
                p += rp;
                f += rf + re;
                pass += rp;
                fail += rf;
                error += re;
            }
        }
        let failed: Vec<&str> = t
            .coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Failed)
            .filter(|c| {
                crate::model::resource::parse_scope(&c.scope)
                    .is_some_and(|s| s.resource_type == "*" || types.contains(s.resource_type))
            })
            .map(|c| c.scope.as_str())
            .collect();
        let status = if f > 0 {
            Some(Status::Fail)
        } else if !failed.is_empty() {
            Some(Status::NotAssessed)
        } else if p > 0 {
            Some(Status::Pass)
        } else {
            None
        };
        failed_scopes.extend(failed.iter().map(|s| s.to_string()));
        if let Some(s) = status {
            per_target.insert(t.scan.target.clone(), s);
        }
    }
    let ids = rules
        .iter()
        .map(|r| r.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let status = per_target.values().copied().min_by_key(|s| match s {
        Status::Fail => 0,
        Status::NotAssessed => 1,
        Status::Pass => 2,
    });
    let (status, reason) = match status {
        Some(Status::Fail) => (
            Status::Fail,
            format!("{fail} failing and {error} erroring evaluations of {ids}"),
        ),
        Some(Status::NotAssessed) => (
            Status::NotAssessed,
            format!("not collected completely: {}", failed_scopes.join(", ")),
        ),
        Some(Status::Pass) => (
            Status::Pass,
            format!("{pass} evaluations of {ids}, none failing"),
        ),
        None => (
            Status::NotAssessed,
            format!("no applicable resource was evaluated by {ids}"),
        ),
    };
    Assessed {
        status,
        reason,
        targets: per_target,
        failed_scopes,
    }
}

/// The posture of every control of the baseline.
pub fn build(mut input: Inputs) -> Posture {
    let catalog = controls::catalog();
    let baseline = catalog.baseline(input.level);
    let by_control = rules_by_control(input.rules);
    let mut out = Vec::with_capacity(baseline.len());
    let by_rule = by_rule(&input.targets);
    let mut listed = Listed::default();
    let mut trend_classes: Vec<(String, String, Vec<&RuleInfo>)> = Vec::new();
    for bc in &baseline.controls {
        let control = catalog
            .get(&bc.id)
            .expect("baseline controls are in the catalog");
        let rules: Vec<&RuleInfo> = by_control.get(bc.id.as_str()).cloned().unwrap_or_default();
        let rule_ids: Vec<String> = rules.iter().map(|r| r.id.clone()).collect();
        let (assessment, reason, curated) = controls::classify(bc, &rule_ids);
        let mut class = Class::of(assessment);
        let mut class_reason = reason;
        let mut class_source = if curated { "curated" } else { "derived" };
        let mut decl = None;
        let mut attestation = None;
        if let Some(d) = declared(input.declarations, &bc.id) {
            let note = declaration(d, input.now);
            match d.status.as_str() {
                "not-applicable" | "inherited" => {
                    if !note.expired {
                        class = Class::NotApplicable;
                        class_reason = format!("{} ({}): {}", note.kind, note.owner, note.reason);
                        class_source = "declared";
                    }
                    decl = Some(note);
                }
                _ => attestation = Some(note),
            }
        }
        let family = control.family.to_ascii_uppercase();
        let mut c = ControlPosture {
            id: control.label.clone(),
            oscal_id: bc.id.clone(),
            title: control.title.clone(),
            family: family.clone(),
            class,
            class_reason,
            class_source,
            implementation_level: bc.implementation_level.clone(),
            methods: bc.methods.clone(),
            objective: bc.objective.clone(),
            status: None,
            status_reason: None,
            rules: Vec::new(),
            findings: Vec::new(),
            open_findings: 0,
            waived_findings: 0,
            waivers: Vec::new(),
            targets: BTreeMap::new(),
            failed_scopes: Vec::new(),
            declaration: decl,
            attestation: attestation.clone(),
        };
        if !rules.is_empty() {
            fill_rules(&mut c, &rules, &input.targets, &by_rule, &mut listed);
        }
        if class.assessed() {
            let a = assess(&rules, &input.targets);
            c.status = Some(a.status);
            c.status_reason = Some(a.reason);
            c.targets = a.targets;
            c.failed_scopes = a.failed_scopes;
            trend_classes.push((family, bc.id.clone(), rules));
        } else if let Some(a) = attestation {
            if a.expired {
                c.status_reason = Some(format!("attestation by {} expired {}", a.owner, a.expires));
            } else {
                c.status = Some(if a.kind == "satisfied" {
                    Status::Pass
                } else {
                    Status::Fail
                });
                c.status_reason = Some(format!("attested {} by {}: {}", a.kind, a.owner, a.reason));
            }
        }
        out.push(c);
    }
    drop(by_rule);
    let findings = listed.take(&mut input.targets);
    let summary = summarize(&out, &input.targets, &findings);
    let families = families(&out);
    let trend = input
        .trend
        .iter()
        .map(|point| trend_point(point, &trend_classes))
        .collect();
    Posture {
        baseline: input.level.as_str(),
        baseline_version: baseline.version.clone(),
        catalog_version: catalog.version.clone(),
        generated_at: input.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        vigil_version: env!("CARGO_PKG_VERSION"),
        rules_digest: input.rules_digest,
        audit_head: input.audit_head,
        accounts: Vec::new(),
        scans: input.targets.iter().map(|t| t.scan.clone()).collect(),
        summary,
        families,
        trend,
        controls: out,
        findings,
        code_drift: None,
    }
}

/// Where a finding is: its target's index and its own in that target's findings.
type At = (usize, usize);

/// The reported scans' open and waived findings by rule, once each.
type ByRule<'a> = HashMap<&'a str, Vec<(At, &'a Finding)>>;

fn by_rule(targets: &[TargetScan]) -> ByRule<'_> {
    let mut m: ByRule = HashMap::new();
    for (ti, t) in targets.iter().enumerate() {
        for (fi, f) in t.findings.iter().enumerate() {
            if f.status != FindingStatus::Resolved {
                m.entry(f.rule_id.as_str()).or_default().push(((ti, fi), f));
            }
        }
    }
    m
}

/// The findings behind the controls, each once (where it is, and its controls), in the
/// order they were first listed.
#[derive(Default)]
struct Listed {
    order: Vec<(At, Vec<String>)>,
    index: HashMap<i64, usize>,
}

impl Listed {
    fn add(&mut self, at: At, f: &Finding, control: &str) {
        let i = *self.index.entry(f.id).or_insert_with(|| {
            self.order.push((at, Vec::new()));
            self.order.len() - 1
        });
        self.order[i].1.push(control.to_string());
    }

    /// The listed findings, their text moved out of the scans' findings (which are not
    /// read again): a large estate's findings are held once, not twice.
    fn take(self, targets: &mut [TargetScan]) -> Vec<ControlFinding> {
        let mut out = Vec::with_capacity(self.order.len());
        for ((ti, fi), controls) in self.order {
            let t = &mut targets[ti];
            let target = t.scan.target.clone();
            let f = &mut t.findings[fi];
            let take = std::mem::take::<String>;
            out.push(ControlFinding {
                id: f.id,
                controls,
                rule: take(&mut f.rule_id),
                resource: take(&mut f.resource_id),
                resource_type: take(&mut f.resource_type),
                severity: f.severity.to_string(),
                status: f.status.as_str().to_string(),
                message: take(&mut f.message),
                path: take(&mut f.path),
                first_seen: take(&mut f.first_seen),
                target,
                stale: f.stale,
                waiver: f
                    .waiver
                    .take()
                    .filter(|_| f.status == FindingStatus::Waived)
                    .map(|w| WaiverRef {
                        id: w.id,
                        owner: w.owner,
                        reason: w.reason,
                        expires_at: w.expires_at,
                    }),
            });
        }
        out
    }
}

/// The rules' counts, findings and waivers of one control.
fn fill_rules(
    c: &mut ControlPosture,
    rules: &[&RuleInfo],
    targets: &[TargetScan],
    by_rule: &ByRule,
    listed: &mut Listed,
) {
    for r in rules {
        let mut rc = RuleCount {
            id: r.id.clone(),
            title: r.title.clone(),
            severity: r.severity.clone(),
            pass: 0,
            fail: 0,
            error: 0,
            waived: 0,
            remediation: r.remediation.clone(),
            targets: BTreeMap::new(),
        };
        for t in targets {
            if let Some(&(p, f, e)) = t.rule_results.get(&r.id) {
                rc.pass += p;
                rc.fail += f;
                rc.error += e;
                rc.targets.insert(
                    t.scan.target.clone(),
                    TargetCount {
                        pass: p,
                        fail: f,
                        error: e,
                    },
                );
            }
        }
        for (at, f) in by_rule.get(r.id.as_str()).into_iter().flatten() {
            if f.status == FindingStatus::Waived {
                rc.waived += 1;
                c.waived_findings += 1;
                if let Some(w) = &f.waiver {
                    c.waivers.push(WaiverRef {
                        id: w.id,
                        owner: w.owner.clone(),
                        reason: w.reason.clone(),
                        expires_at: w.expires_at.clone(),
                    });
                }
            } else {
                c.open_findings += 1;
            }
            c.findings.push(f.id);
            listed.add(*at, f, &c.id);
        }
        c.rules.push(rc);
    }
    c.waivers.sort();
    c.waivers.dedup();
}

fn summarize(
    controls: &[ControlPosture],
    targets: &[TargetScan],
    findings: &[ControlFinding],
) -> Summary {
    let mut s = Summary::default();
    for c in controls {
        s.counts.add(c);
    }
    for f in findings {
        if f.status == "waived" {
            s.waived_findings += 1;
        } else {
            *s.open_findings.entry(f.severity.clone()).or_default() += 1;
        }
    }
    for t in targets {
        let mut ts = TargetSummary {
            target: t.scan.target.clone(),
            scan: t.scan.id,
            pass: 0,
            fail: 0,
            not_assessed: 0,
        };
        for c in controls.iter().filter(|c| c.class.assessed()) {
            match c.targets.get(&t.scan.target) {
                Some(Status::Pass) => ts.pass += 1,
                Some(Status::Fail) => ts.fail += 1,
                Some(Status::NotAssessed) => ts.not_assessed += 1,
                None => {}
            }
        }
        s.targets.push(ts);
    }
    s
}

fn families(controls: &[ControlPosture]) -> Vec<FamilySummary> {
    let catalog = controls::catalog();
    catalog
        .families
        .iter()
        .filter_map(|f| {
            let id = f.id.to_ascii_uppercase();
            let mut counts = Counts::default();
            for c in controls.iter().filter(|c| c.family == id) {
                counts.add(c);
            }
            (counts.controls > 0).then(|| FamilySummary {
                id,
                title: f.title.clone(),
                counts,
            })
        })
        .collect()
}

fn trend_point(point: &[TargetScan], assessed: &[(String, String, Vec<&RuleInfo>)]) -> TrendPoint {
    let mut families: BTreeMap<String, TrendCounts> = BTreeMap::new();
    for (family, _, rules) in assessed {
        let a = assess(rules, point);
        let e = families.entry(family.clone()).or_default();
        match a.status {
            Status::Pass => e.pass += 1,
            Status::Fail => e.fail += 1,
            Status::NotAssessed => e.not_assessed += 1,
        }
    }
    TrendPoint {
        at: point
            .iter()
            .map(|t| t.scan.finished_at.clone())
            .max()
            .unwrap_or_default(),
        scans: point.iter().map(|t| t.scan.id).collect(),
        families,
    }
}
