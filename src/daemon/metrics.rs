//! Prometheus metrics of the daemon (prometheus-client, text exposition format).

use std::collections::HashMap;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::model::{CoverageStatus, Finding, FindingStatus};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TargetLabels {
    pub target: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ScanLabels {
    pub target: String,
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TypeLabels {
    pub target: String,
    pub resource_type: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SeverityLabels {
    pub severity: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RuleLabels {
    pub rule: String,
    pub severity: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ControlLabels {
    pub control: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ScopeLabels {
    pub scope: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ApiLabels {
    pub provider: String,
    pub service: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RuleIdLabels {
    pub rule: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabels {
    pub state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabels {
    pub result: String,
}

fn duration_histogram() -> Histogram {
    // 0.5 s .. ~4.5 h
    Histogram::new(exponential_buckets(0.5, 2.0, 16))
}

pub struct Metrics {
    registry: Registry,
    pub scans: Family<ScanLabels, Counter>,
    pub scans_skipped: Family<TargetLabels, Counter>,
    pub scan_duration: Family<TargetLabels, Histogram, fn() -> Histogram>,
    pub last_scan: Family<ScanLabels, Gauge>,
    pub resources: Family<TypeLabels, Gauge>,
    pub findings_open: Family<SeverityLabels, Gauge>,
    pub findings_open_by_rule: Family<RuleLabels, Gauge>,
    pub findings_open_by_control: Family<ControlLabels, Gauge>,
    pub collector_errors: Family<ScopeLabels, Counter>,
    pub api_calls: Family<ApiLabels, Counter>,
    pub api_throttles: Family<ApiLabels, Counter>,
    pub rule_seconds: Family<RuleIdLabels, Counter<f64, std::sync::atomic::AtomicU64>>,
    pub rules_loaded: Gauge,
    pub reloads: Family<ResultLabels, Counter>,
    pub prunes: Family<ResultLabels, Counter>,
    pub plans: Family<StateLabels, Gauge>,
    pub plans_proposed: Counter,
    pub plan_calls: Family<ResultLabels, Counter>,
    pub plan_actions: Family<ResultLabels, Counter>,
    pub summaries: Family<ResultLabels, Counter>,
    pub mails: Family<ResultLabels, Counter>,
    pub mail_queued: Gauge,
    pub reports: Family<ResultLabels, Counter>,
    resource_labels: std::sync::Mutex<HashMap<String, Vec<TypeLabels>>>,
    #[allow(clippy::type_complexity)]
    findings_labels: std::sync::Mutex<(Vec<RuleLabels>, Vec<ControlLabels>)>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("vigil");
        let m = Metrics {
            scans: Family::default(),
            scans_skipped: Family::default(),
            scan_duration: Family::new_with_constructor(duration_histogram),
            last_scan: Family::default(),
            resources: Family::default(),
            findings_open: Family::default(),
            findings_open_by_rule: Family::default(),
            findings_open_by_control: Family::default(),
            collector_errors: Family::default(),
            api_calls: Family::default(),
            api_throttles: Family::default(),
            rule_seconds: Family::default(),
            rules_loaded: Gauge::default(),
            reloads: Family::default(),
            prunes: Family::default(),
            plans: Family::default(),
            plans_proposed: Counter::default(),
            plan_calls: Family::default(),
            plan_actions: Family::default(),
            summaries: Family::default(),
            mails: Family::default(),
            mail_queued: Gauge::default(),
            reports: Family::default(),
            resource_labels: Default::default(),
            findings_labels: Default::default(),
            registry: Registry::default(),
        };
        registry.register(
            "scans",
            "Scans run, by target and status (complete, partial, failed, error, abandoned)",
            m.scans.clone(),
        );
        registry.register(
            "scans_skipped",
            "Scheduled scans skipped because the previous scan of the target was still running",
            m.scans_skipped.clone(),
        );
        registry.register(
            "scan_duration_seconds",
            "Wall time of scans, collection to commit",
            m.scan_duration.clone(),
        );
        registry.register(
            "last_scan_timestamp_seconds",
            "When the last scan of each target finished, by its status",
            m.last_scan.clone(),
        );
        registry.register(
            "resources",
            "Resources in the last scan of each target, by type",
            m.resources.clone(),
        );
        registry.register(
            "findings_open",
            "Open (and reopened) findings, waived ones excluded, by severity",
            m.findings_open.clone(),
        );
        registry.register(
            "findings_open_by_rule",
            "Open findings by rule",
            m.findings_open_by_rule.clone(),
        );
        registry.register(
            "findings_open_by_control",
            "Open findings by NIST SP 800-53 control",
            m.findings_open_by_control.clone(),
        );
        registry.register(
            "collector_errors",
            "Scopes that failed to collect, by scope",
            m.collector_errors.clone(),
        );
        registry.register(
            "api_calls",
            "Provider API requests sent by collectors, retries included",
            m.api_calls.clone(),
        );
        registry.register(
            "api_throttles",
            "Provider API answers that asked to slow down (HTTP 429 or a throttling error code)",
            m.api_throttles.clone(),
        );
        registry.register(
            "rule_evaluation_seconds",
            "Time spent evaluating each rule",
            m.rule_seconds.clone(),
        );
        registry.register(
            "rules_loaded",
            "Rules in the set in force",
            m.rules_loaded.clone(),
        );
        registry.register(
            "reloads",
            "Rule and config reloads, by result (ok, rejected)",
            m.reloads.clone(),
        );
        registry.register("prunes", "History prunes, by result", m.prunes.clone());
        registry.register("plans", "Remediation plans, by state", m.plans.clone());
        registry.register(
            "plans_proposed",
            "Plans the daemon proposed itself after complete scans (auto_propose)",
            m.plans_proposed.clone(),
        );
        registry.register(
            "plan_actions",
            "Actions of applied plans, by result (ok, failed, manual: another field manager owns the fields)",
            m.plan_actions.clone(),
        );
        registry.register(
            "plan_calls",
            "API calls plans made when applied, by result (ok, failed)",
            m.plan_calls.clone(),
        );
        registry.register(
            "plan_summaries",
            "Plan summaries written, by result (llm; template: no model, or its answer failed a check)",
            m.summaries.clone(),
        );
        registry.register(
            "mails",
            "Mail delivery attempts, by result (sent, retry, failed: given up after max_attempts)",
            m.mails.clone(),
        );
        registry.register(
            "mail_queued",
            "Mails waiting in the outbox",
            m.mail_queued.clone(),
        );
        registry.register(
            "reports",
            "Scheduled reports ([[reports]]) made, by result (ok, failed)",
            m.reports.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Plans by state: every state listed, 0 when none is in it.
    pub fn set_plans(&self, plans: &[crate::remediate::Plan]) {
        for st in crate::remediate::PlanState::ALL {
            let n = plans.iter().filter(|p| p.state == st).count();
            self.plans
                .get_or_create(&StateLabels {
                    state: st.as_str().into(),
                })
                .set(n as i64);
        }
    }

    /// Counts each action an apply ran: `ok`, `failed`, or `manual` (a field another
    /// manager owns).
    pub fn plan_applied(&self, p: &crate::remediate::Plan) {
        let mut actions: Vec<usize> = p.executions.iter().map(|e| e.action).collect();
        actions.dedup();
        for a in actions {
            let last = p.executions.iter().rev().find(|e| e.action == a);
            let manual = format!("action {} (", a + 1);
            let result = match last.map(|e| e.outcome.as_str()) {
                Some("ok") => "ok",
                _ if p.reason.as_deref().is_some_and(|r| {
                    r.split("; ")
                        .any(|x| x.starts_with(&manual) && x.contains("became manual"))
                }) =>
                {
                    "manual"
                }
                _ => "failed",
            };
            self.plan_actions
                .get_or_create(&ResultLabels {
                    result: result.into(),
                })
                .inc();
        }
    }

    /// Counts a plan summary by who wrote it (`llm`, `template`), or a mail delivery
    /// attempt by its result (`sent`, `retry`, `failed`).
    pub fn count(family: &Family<ResultLabels, Counter>, result: &str) {
        family
            .get_or_create(&ResultLabels {
                result: result.into(),
            })
            .inc();
    }

    pub fn plan_call(&self, outcome: &str) {
        self.plan_calls
            .get_or_create(&ResultLabels {
                result: outcome.into(),
            })
            .inc();
    }

    /// The text exposition (OpenMetrics-compatible Prometheus text).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String never fails");
        out
    }

    /// Sets the open-findings gauges from the store's active findings (waived excluded).
    /// Series are set, then the ones no longer present removed, under one lock: a scrape
    /// never sees them missing, and two scans finishing together do not mix their counts.
    pub fn set_findings(&self, findings: &[Finding]) {
        let mut by_severity: HashMap<SeverityLabels, i64> =
            ["critical", "high", "medium", "low", "info"]
                .into_iter()
                .map(|s| (SeverityLabels { severity: s.into() }, 0))
                .collect();
        let mut by_rule: HashMap<RuleLabels, i64> = HashMap::new();
        let mut by_control: HashMap<ControlLabels, i64> = HashMap::new();
        for f in findings
            .iter()
            .filter(|f| matches!(f.status, FindingStatus::Open | FindingStatus::Reopened))
        {
            let severity = f.severity.to_string();
            *by_severity
                .entry(SeverityLabels {
                    severity: severity.clone(),
                })
                .or_default() += 1;
            *by_rule
                .entry(RuleLabels {
                    rule: f.rule_id.clone(),
                    severity,
                })
                .or_default() += 1;
            for c in &f.controls {
                *by_control
                    .entry(ControlLabels { control: c.clone() })
                    .or_default() += 1;
            }
        }
        let mut last = self
            .findings_labels
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for (l, n) in &by_severity {
            self.findings_open.get_or_create(l).set(*n);
        }
        for (l, n) in &by_rule {
            self.findings_open_by_rule.get_or_create(l).set(*n);
        }
        for (l, n) in &by_control {
            self.findings_open_by_control.get_or_create(l).set(*n);
        }
        for l in last.0.iter().filter(|l| !by_rule.contains_key(*l)) {
            self.findings_open_by_rule.remove(l);
        }
        for l in last.1.iter().filter(|l| !by_control.contains_key(*l)) {
            self.findings_open_by_control.remove(l);
        }
        *last = (
            by_rule.into_keys().collect(),
            by_control.into_keys().collect(),
        );
    }

    /// Records a finished scan. Resource counts replace the target's previous ones after a
    /// complete scan; a partial one updates the types it saw; a failed one changes none.
    pub fn scan_recorded(
        &self,
        target: &str,
        scan: &crate::store::ScanRecord,
        seconds: f64,
        by_type: &std::collections::BTreeMap<String, u64>,
        eval: &crate::policy::EvalReport,
    ) {
        use crate::model::ScanStatus;
        let status = scan.status;
        self.scan_finished(target, status.as_str(), seconds);
        if status != ScanStatus::Failed {
            let mut seen = self
                .resource_labels
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let mut now: Vec<TypeLabels> = Vec::new();
            for (t, n) in by_type {
                let l = TypeLabels {
                    target: target.into(),
                    resource_type: t.clone(),
                };
                self.resources.get_or_create(&l).set(*n as i64);
                now.push(l);
            }
            let old = seen.remove(target).unwrap_or_default();
            if status == ScanStatus::Complete {
                for l in old.iter().filter(|l| !now.contains(l)) {
                    self.resources.remove(l);
                }
            } else {
                now.extend(
                    old.into_iter()
                        .filter(|l| !now.contains(l))
                        .collect::<Vec<_>>(),
                );
            }
            seen.insert(target.to_string(), now);
        }
        for c in scan
            .coverage
            .iter()
            .filter(|c| c.status == CoverageStatus::Failed)
        {
            self.collector_errors
                .get_or_create(&ScopeLabels {
                    scope: c.scope.clone(),
                })
                .inc();
        }
        for (rule, d) in &eval.rule_time {
            self.rule_seconds
                .get_or_create(&RuleIdLabels { rule: rule.clone() })
                .inc_by(d.as_secs_f64());
        }
    }

    /// Counts a scan by its outcome (also one that recorded nothing: error, abandoned).
    pub fn scan_finished(&self, target: &str, status: &str, seconds: f64) {
        let labels = ScanLabels {
            target: target.into(),
            status: status.into(),
        };
        self.scans.get_or_create(&labels).inc();
        self.scan_duration
            .get_or_create(&TargetLabels {
                target: target.into(),
            })
            .observe(seconds);
        self.last_scan
            .get_or_create(&labels)
            .set(chrono::Utc::now().timestamp());
    }

    pub fn api_stats(
        &self,
        counts: &std::collections::BTreeMap<(String, String), crate::collect::ApiCount>,
    ) {
        for ((provider, service), c) in counts {
            let l = ApiLabels {
                provider: provider.clone(),
                service: service.clone(),
            };
            self.api_calls.get_or_create(&l).inc_by(c.calls);
            self.api_throttles.get_or_create(&l).inc_by(c.throttles);
        }
    }
}
