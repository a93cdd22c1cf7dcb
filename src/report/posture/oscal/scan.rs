//! One target scan's part of the OSCAL documents, indexed once: its failures with their
//! risks, the rules that evaluated something with their counts, the failing resources as
//! inventory, and the observations, findings and risks made from them.

use std::collections::BTreeMap;

use serde_json::json;

use super::shape::*;
use super::*;

/// What one target scan's result is made of, indexed once.
pub(super) struct Scan<'a> {
    pub(super) s: &'a ScanRef,
    /// The failures (open or waived) of its target, by finding id.
    pub(super) failures: Vec<Failure<'a>>,
    /// Each rule that evaluated something in this scan, once, with its counts there.
    pub(super) rules: BTreeMap<&'a str, (&'a RuleCount, TargetCount)>,
    /// The failures of each rule (indexes into `failures`).
    pub(super) of_rule: BTreeMap<&'a str, Vec<usize>>,
    /// The failing resources, once: type and inventory UUID.
    pub(super) resources: BTreeMap<&'a str, (&'a str, String)>,
    /// The observation UUID of each rule that evaluated something or failed.
    pub(super) observation: BTreeMap<&'a str, String>,
}

impl<'a> Scan<'a> {
    pub(super) fn new(p: &'a Posture, s: &'a ScanRef) -> Self {
        let mut failures: Vec<Failure<'a>> = p
            .findings
            .iter()
            .filter(|f| f.target == s.target)
            .map(|f| Failure {
                f,
                risk: risk_uuid(f),
            })
            .collect();
        failures.sort_by_key(|x| x.f.id);
        let mut rules = BTreeMap::new();
        for c in &p.controls {
            for r in &c.rules {
                if let Some(n) = r.targets.get(&s.target) {
                    rules.entry(r.id.as_str()).or_insert((r, *n));
                }
            }
        }
        let mut of_rule: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut resources = BTreeMap::new();
        for (i, x) in failures.iter().enumerate() {
            of_rule.entry(x.f.rule.as_str()).or_default().push(i);
            resources
                .entry(x.f.resource.as_str())
                .or_insert_with(|| (x.f.resource_type.as_str(), inventory_uuid(&x.f.resource)));
        }
        let observation = rules
            .keys()
            .chain(of_rule.keys())
            .map(|id| (*id, observation_uuid(s.id, id)))
            .collect();
        Scan {
            s,
            failures,
            rules,
            of_rule,
            resources,
            observation,
        }
    }

    pub(super) fn observation_uuid(&self, rule: &str) -> &str {
        self.observation
            .get(rule)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub(super) fn failure(&self, id: i64) -> Option<&Failure<'a>> {
        self.failures
            .binary_search_by_key(&id, |x| x.f.id)
            .ok()
            .map(|i| &self.failures[i])
    }

    pub(super) fn of_rule(&self, rule: &str) -> impl Iterator<Item = &Failure<'a>> {
        self.of_rule
            .get(rule)
            .into_iter()
            .flatten()
            .map(|i| &self.failures[*i])
    }

    pub(super) fn resource_uuid(&self, resource: &str) -> &str {
        self.resources
            .get(resource)
            .map(|(_, u)| u.as_str())
            .unwrap_or_default()
    }

    /// The inventory item of each failing resource.
    pub(super) fn inventory(&self) -> impl Iterator<Item = InventoryItem<'_>> + '_ {
        self.resources.iter().map(|(id, (ty, u))| InventoryItem {
            uuid: u,
            description: id,
            props: [
                Prop {
                    name: "asset-id",
                    ns: None,
                    value: (*id).into(),
                },
                Prop {
                    name: "resource-type",
                    ns: Some(NS),
                    value: (*ty).into(),
                },
            ],
        })
    }

    /// One observation per rule that evaluated something, its failing resources as
    /// subjects; `only_failing` keeps the rules with failures (what a POA&M refers to).
    pub(super) fn observations(
        &self,
        only_failing: bool,
    ) -> impl Iterator<Item = Observation<'_>> + '_ {
        self.rules
            .iter()
            .filter(move |(id, _)| !only_failing || self.of_rule.contains_key(*id))
            .map(move |(id, (r, n))| self.observation(id, r, n))
    }

    pub(super) fn observation(
        &self,
        id: &'a str,
        r: &RuleCount,
        n: &TargetCount,
    ) -> Observation<'_> {
        let s = self.s;
        let head = json!({
            "uuid": self.observation_uuid(id),
            "title": format!("{id} on {}: {} pass, {} fail, {} error", s.target, n.pass, n.fail, n.error),
            "description": r.title,
            "props": vprops([
                vprop("assessment-rule-id", id),
                vprop("pass-count", n.pass.to_string()),
                vprop("fail-count", n.fail.to_string()),
                vprop("error-count", n.error.to_string()),
            ]),
            "methods": ["TEST"],
            "origins": tool(),
            "collected": s.finished_at,
        });
        let subjects = Seq::unless_empty(self.of_rule.contains_key(id), move || {
            self.of_rule(id).map(move |x| {
                let f = x.f;
                Subject {
                    uuid: self.resource_uuid(&f.resource),
                    kind: "inventory-item",
                    title: &f.resource,
                    props: vprops([
                        vprop("result", if f.waiver.is_some() { "waived" } else { "fail" }),
                        vprop("reason", f.message.as_str()),
                        vprop("path", f.path.as_str()),
                    ]),
                }
            })
        });
        Observation { head, subjects }
    }

    /// One finding per assessed control with a status in this scan's target.
    pub(super) fn findings(&self, p: &'a Posture) -> Option<Seq<'_, ControlResult<'_>>> {
        let of_target = move |c: &&'a ControlPosture| {
            c.class.assessed() && c.targets.contains_key(&self.s.target)
        };
        Seq::unless_empty(p.controls.iter().any(|c| of_target(&c)), move || {
            p.controls
                .iter()
                .filter(of_target)
                .map(move |c| self.finding(c))
        })
    }

    pub(super) fn finding(&self, c: &'a ControlPosture) -> ControlResult<'_> {
        let s = self.s;
        let status = c.targets[&s.target];
        let (state, reason) = match status {
            Status::Pass => ("satisfied", "pass"),
            Status::Fail => ("not-satisfied", "fail"),
            Status::NotAssessed => ("not-satisfied", "other"),
        };
        let objective = c
            .objective
            .clone()
            .unwrap_or_else(|| format!("{}_obj", c.oscal_id));
        let mut head = json!({
            "uuid": uuid(&format!("finding:{}:{}", s.id, c.oscal_id)),
            "title": format!("{}: {}", c.id, c.title),
            "description": format!("{} in {}: {}", status.as_str(), s.target, c.status_reason.as_deref().unwrap_or("")),
            "props": vprops([vprop("class", c.class.as_str()), vprop("status", status.as_str())]),
            "target": {"type": "objective-id", "target-id": objective, "status": {"state": state, "reason": reason}},
        });
        if status == Status::NotAssessed {
            head["remarks"] = json!("Not assessed: no evidence either way, so not satisfied.");
        }
        let observations = c
            .rules
            .iter()
            .filter(|r| r.targets.contains_key(&s.target))
            .map(|r| ObservationRef {
                uuid: self.observation_uuid(&r.id),
            })
            .collect();
        let risks = Seq::unless_empty(
            c.findings.iter().any(|id| self.failure(*id).is_some()),
            move || {
                c.findings
                    .iter()
                    .filter_map(move |id| self.failure(*id))
                    .map(|x| RiskRef { uuid: &x.risk })
            },
        );
        ControlResult {
            head,
            observations,
            risks,
        }
    }

    /// One risk per failure.
    pub(super) fn risks<'s>(
        &'s self,
        remediation: &'s BTreeMap<&'s str, &'s str>,
    ) -> impl Iterator<Item = Risk<'s>> + 's {
        self.failures.iter().map(move |x| {
            let fix = remediation.get(x.f.rule.as_str()).copied().unwrap_or("");
            risk(x, fix, self.observation_uuid(&x.f.rule))
        })
    }

    /// One POA&M item per failure.
    pub(super) fn poam_items(&self) -> impl Iterator<Item = PoamItem<'_>> + '_ {
        self.failures.iter().map(move |x| {
            let f = x.f;
            PoamItem {
                uuid: uuid(&format!("poam-item:{}:{}", f.rule, f.resource)),
                title: format!("{} on {}", f.rule, f.resource),
                description: format!(
                    "{} ({}; controls {}).",
                    f.message.trim(),
                    f.severity,
                    f.controls.join(", ")
                ),
                props: vprops([vprop(
                    "status",
                    if f.waiver.is_some() {
                        "deviation-approved"
                    } else {
                        "open"
                    },
                )]),
                observations: [ObservationRef {
                    uuid: self.observation_uuid(&f.rule),
                }],
                risks: [RiskRef { uuid: &x.risk }],
            }
        })
    }
}
