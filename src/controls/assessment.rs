//! What configuration scanning can show of a baseline control: derived from NIST's own
//! data (implementation level, 800-53A methods) and the rules' mapping, with the reviewed
//! exceptions of `nist-controls/assessment.toml`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::BaselineControl;

const ASSESSMENT_TOML: &str = include_str!("../../nist-controls/assessment.toml");

/// How a control can be assessed from configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assessment {
    /// System-level and assessed by rules.
    Automated,
    /// Rules assess part of it; the rest is process or documents.
    Partial,
    /// A process or document, not checkable from configuration.
    Organizational,
    /// System-level and testable, but no rule yet.
    Gap,
}

impl Assessment {
    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::Automated => "automated",
            Assessment::Partial => "partial",
            Assessment::Organizational => "organizational",
            Assessment::Gap => "gap",
        }
    }
}

/// One reviewed entry of `nist-controls/assessment.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Curated {
    /// A control id (`ac-7`) or a family wildcard (`pe-*`).
    pub id: String,
    pub assessment: Assessment,
    pub reason: String,
}

impl Curated {
    pub fn matches(&self, id: &str) -> bool {
        match self.id.strip_suffix('*') {
            Some(prefix) => id.starts_with(prefix),
            None => self.id == id,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    schema: u32,
    control: Vec<Curated>,
}

/// The reviewed entries, parsed once.
pub fn assessment() -> &'static [Curated] {
    static FILE: OnceLock<Vec<Curated>> = OnceLock::new();
    FILE.get_or_init(|| {
        let f: File =
            toml::from_str(ASSESSMENT_TOML).expect("nist-controls/assessment.toml is valid");
        assert_eq!(f.schema, 1, "nist-controls/assessment.toml schema");
        f.control
    })
}

/// The curated entry for a control: its own, else its family's wildcard.
pub fn curated(id: &str) -> Option<&'static Curated> {
    let all = assessment();
    all.iter()
        .find(|c| c.id == id)
        .or_else(|| all.iter().find(|c| c.matches(id)))
}

/// A control's class and why. `rules` are the ids of the rules that map to it.
pub fn classify(control: &BaselineControl, rules: &[String]) -> (Assessment, String, bool) {
    let mapped = !rules.is_empty();
    if let Some(c) = curated(&control.id) {
        // A curated downgrade holds while rules map to the control; a curated
        // organizational or gap class only while none does (a user's rule may cover it).
        let holds = match c.assessment {
            Assessment::Automated | Assessment::Partial => mapped,
            Assessment::Organizational | Assessment::Gap => !mapped,
        };
        if holds {
            return (c.assessment, c.reason.clone(), true);
        }
    }
    let levels = control.implementation_level.join(" and ");
    let (class, reason) = if mapped && !control.organization_level() {
        (
            Assessment::Automated,
            format!(
                "NIST marks it system-level; rules {} assess it.",
                rules.join(", ")
            ),
        )
    } else if mapped {
        (
            Assessment::Partial,
            format!(
                "Rules {} assess its configuration; NIST marks it {levels}-level, so documents and interviews are needed too.",
                rules.join(", ")
            ),
        )
    } else if !control.system_level() {
        (
            Assessment::Organizational,
            format!("NIST marks it {levels}-level: a process or document."),
        )
    } else if !control.testable() {
        (
            Assessment::Organizational,
            "SP 800-53A assesses it by examination and interview only.".to_string(),
        )
    } else {
        (
            Assessment::Gap,
            "System-level and testable, but no rule maps to it yet.".to_string(),
        )
    };
    (class, reason, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::{catalog, normalize};
    use crate::policy::{RuleSet, RuleSource};

    fn mapped() -> std::collections::BTreeMap<String, Vec<String>> {
        let rules = RuleSet::load(&[RuleSource::Bundled]).unwrap();
        let mut m = std::collections::BTreeMap::<String, Vec<String>>::new();
        for r in &rules.rules {
            for c in r.meta.controls.iter() {
                m.entry(normalize(c).unwrap())
                    .or_default()
                    .push(r.meta.id.clone());
            }
        }
        m
    }

    #[test]
    fn every_curated_entry_names_a_control_and_agrees_with_the_rules() {
        let c = catalog();
        let mapped = mapped();
        let mut seen = std::collections::BTreeSet::new();
        for e in assessment() {
            assert!(seen.insert(e.id.clone()), "{} is listed twice", e.id);
            assert!(e.reason.len() > 20, "{}: give a reason", e.id);
            match e.id.strip_suffix("-*") {
                Some(f) => assert!(c.family(f).is_some(), "{}: no such family", e.id),
                None => {
                    let found = c
                        .get(&e.id)
                        .unwrap_or_else(|| panic!("{} is not a control", e.id));
                    assert!(!found.withdrawn, "{} is withdrawn", e.id);
                    assert!(c.high.contains(&e.id), "{} is in no baseline", e.id);
                }
            }
            let rules = mapped.get(&e.id);
            match e.assessment {
                // A downgrade only means something while rules map to the control.
                Assessment::Partial | Assessment::Automated => {
                    assert!(
                        rules.is_some(),
                        "{}: curated {:?} but no rule maps to it",
                        e.id,
                        e.assessment
                    )
                }
                // A rule now maps to it: the entry is out of date; remove it.
                Assessment::Organizational | Assessment::Gap if !e.id.ends_with('*') => assert!(
                    rules.is_none(),
                    "{}: curated {:?}, but {:?} map to it; remove the entry",
                    e.id,
                    e.assessment,
                    rules
                ),
                _ => {}
            }
        }
    }

    #[test]
    fn every_system_level_testable_control_without_a_rule_was_reviewed() {
        // A derived gap is a claim that a rule could check the control: each one is
        // reviewed in the curated file (kept a gap with what a rule would check, or moved).
        let mapped = mapped();
        let unreviewed: Vec<&str> = catalog()
            .high
            .controls
            .iter()
            .filter(|bc| !mapped.contains_key(&bc.id) && bc.system_level() && bc.testable())
            .filter(|bc| curated(&bc.id).is_none())
            .map(|bc| bc.id.as_str())
            .collect();
        assert!(
            unreviewed.is_empty(),
            "review in nist-controls/assessment.toml: {unreviewed:?}"
        );
    }

    #[test]
    fn classes_follow_nist_data_rules_and_the_reviewed_file() {
        let c = catalog();
        let get = |id: &str| c.high.controls.iter().find(|b| b.id == id).unwrap().clone();
        let rule = vec!["S3-AWS-001".to_string()];
        // System-level with a rule: automated.
        assert_eq!(classify(&get("sc-28"), &rule).0, Assessment::Automated);
        // Organization-level with a rule: partial.
        assert_eq!(classify(&get("ac-2"), &rule).0, Assessment::Partial);
        // The reviewed file downgrades ac-3 while a rule maps to it.
        let (class, reason, reviewed) = classify(&get("ac-3"), &rule);
        assert_eq!((class, reviewed), (Assessment::Partial, true));
        assert!(reason.contains("applications"));
        // Policy and procedures: organizational.
        assert_eq!(classify(&get("ac-1"), &[]).0, Assessment::Organizational);
        // A reviewed gap, and a reviewed gap a user's rule now covers.
        assert_eq!(classify(&get("sc-20"), &[]).0, Assessment::Gap);
        assert_eq!(classify(&get("sc-20"), &rule).0, Assessment::Automated);
        // Application-level: organizational, with the reason.
        let (class, reason, _) = classify(&get("ac-7"), &[]);
        assert_eq!(class, Assessment::Organizational);
        assert!(reason.contains("applications"));
        // A family wildcard.
        assert_eq!(curated("pe-3").map(|e| e.id.as_str()), Some("pe-*"));
    }
}
