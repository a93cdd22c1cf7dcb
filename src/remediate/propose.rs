//! From open findings to a plan: each finding's rule names the action that answers it in its
//! METADATA (`custom.action`, with `patch` and `suggestion`; none is `manual`), built from the target's
//! stored document (here, and in `aws` and `k8s` for the larger builders). Findings on one
//! resource that one action answers share it (four public-access flags, one
//! `s3:PutPublicAccessBlock`; several pod rules, one securityContext patch).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::Plans;
use crate::model::plan::{Action, ActionKind, Fix, K8sPatch, Reversibility};
use crate::model::plan::{NewPlan, PlanFinding};
use crate::model::{Finding, Resource};

/// A finding to plan for, with its target as last stored.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub finding: Finding,
    /// The target's stored document and its version hash; None when it is gone.
    pub target: Option<(Resource, String)>,
    /// The rule's remediation text, for manual actions.
    pub remediation: String,
    /// How the rule's METADATA says its findings are fixed (`custom.action`, `patch`,
    /// `suggestion`); no action: manual.
    pub fix: Fix,
    /// For a Kubernetes object, its namespace's labels as last stored (what makes it
    /// production); empty otherwise.
    pub namespace_labels: BTreeMap<String, String>,
}

/// What a proposal needs besides the findings.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    pub plans: &'a Plans,
    /// Values for tags the plan adds (`--tag KEY=VALUE`); keys without one stay manual.
    pub tag_values: BTreeMap<String, String>,
    /// The tags rules require (`rules.params.required_tags`).
    pub required_tags: Vec<String>,
    /// The labels namespaces must carry (`rules.params.required_namespace_labels`); values
    /// come from `tag_values` too.
    pub required_namespace_labels: Vec<String>,
    /// The retention a log group is given (`rules.params.log_retention_days`, raised to the
    /// next value CloudWatch Logs accepts).
    pub log_retention_days: i64,
}

/// Why no plan was made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("no open finding matches: nothing to plan")]
    Nothing,
    #[error("{0} actions are more than one plan may hold (plans.max_actions = {1}); narrow the selection")]
    TooMany(usize, usize),
}

/// Builds the plan for `candidates`: actions, the findings they answer, the scopes a
/// verifying scan must cover, and how many approvals it needs.
pub fn propose(
    candidates: &[Candidate],
    requester: &str,
    opts: &Options,
) -> Result<NewPlan, Error> {
    if candidates.is_empty() {
        return Err(Error::Nothing);
    }
    let mut actions: Vec<Action> = Vec::new();
    let mut scopes: Vec<String> = Vec::new();
    let mut production = false;
    // The securityContext fields every pod rule failing on a target wants: one patch
    // answers them all.
    let mut pod_fields: std::collections::HashMap<&str, serde_json::Map<String, Value>> =
        Default::default();
    for c in candidates {
        let fields = pod_fields
            .entry(c.finding.resource_id.as_str())
            .or_default();
        if let Some(K8sPatch::SecurityContext(sc)) = &c.fix.patch {
            fields.extend(sc.clone());
        }
    }
    for c in candidates {
        let action = build(c, opts, &pod_fields[c.finding.resource_id.as_str()]);
        if let Some((r, _)) = &c.target {
            production |= is_production(r, &c.namespace_labels, opts.plans);
            let scope = r.scope();
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        merge(&mut actions, action);
    }
    if actions.len() > opts.plans.max_actions {
        return Err(Error::TooMany(actions.len(), opts.plans.max_actions));
    }
    scopes.sort();
    Ok(NewPlan {
        requester: requester.into(),
        production,
        approvals_required: if production {
            opts.plans.prod_approvals_required
        } else {
            opts.plans.approvals_required
        },
        actions,
        findings: candidates
            .iter()
            .map(|c| PlanFinding {
                id: c.finding.id,
                rule_id: c.finding.rule_id.clone(),
                resource_id: c.finding.resource_id.clone(),
                severity: c.finding.severity.as_str().into(),
                controls: c.finding.controls.clone(),
                message: c.finding.message.clone(),
            })
            .collect(),
        scopes,
    })
}

/// Whether a target is production: an AWS resource by its tags (`plans.prod_tags`), a
/// Kubernetes object by its namespace's labels (`plans.prod_namespace_labels`; a Namespace
/// by its own).
pub fn is_production(
    r: &Resource,
    namespace_labels: &BTreeMap<String, String>,
    plans: &Plans,
) -> bool {
    let (labels, wanted) = if r.provider == "kubernetes" {
        let own = r.resource_type == "K8s::core::Namespace";
        (
            if own { &r.tags } else { namespace_labels },
            &plans.prod_namespace_labels,
        )
    } else {
        (&r.tags, &plans.prod_tags)
    };
    labels.iter().any(|(k, v)| {
        wanted
            .get(k)
            .is_some_and(|vals| vals.iter().any(|x| x.eq_ignore_ascii_case(v)))
    })
}

/// Adds an action unless an equal one is there: findings on one target that one action
/// answers share it.
fn merge(actions: &mut Vec<Action>, a: Action) {
    if !actions.contains(&a) {
        actions.push(a);
    }
}

fn manual(c: &Candidate, why: Option<&str>) -> Action {
    let mut text = c.remediation.clone();
    if let Some(w) = why {
        text = format!("{text} ({w})");
    }
    Action {
        kind: ActionKind::Manual,
        target: c.finding.resource_id.clone(),
        version: None,
        preconditions: Vec::new(),
        calls: Vec::new(),
        reversibility: Reversibility::No {
            why: "made outside vigil, through the infrastructure's code".into(),
        },
        suggestion: Some(
            c.fix
                .suggestion
                .as_deref()
                .map_or(text.clone(), |s| format!("{text}\n{}", s.trim_end())),
        ),
    }
}

fn build(c: &Candidate, opts: &Options, pod_fields: &serde_json::Map<String, Value>) -> Action {
    let Some((r, version)) = &c.target else {
        return manual(c, Some("the resource is no longer in the store"));
    };
    let Some(kind) = c.fix.action.filter(|k| *k != ActionKind::Manual) else {
        return manual(c, None);
    };
    let a = Action {
        kind,
        target: r.id.clone(),
        version: Some(version.clone()),
        preconditions: Vec::new(),
        calls: Vec::new(),
        reversibility: Reversibility::No { why: String::new() },
        suggestion: None,
    };
    let built = match kind {
        ActionKind::EbsSnapshotThenDelete
        | ActionKind::EipRelease
        | ActionKind::Ec2Stop
        | ActionKind::EbsEncryptionByDefault => Ok(super::aws::ec2(a, r)),
        ActionKind::S3BlockPublicAccess
        | ActionKind::S3DefaultEncryption
        | ActionKind::KmsEnableRotation => Ok(super::aws::s3_kms(a, r)),
        ActionKind::RevokeIngress => super::aws::revoke_ingress(a, r, &c.finding.path),
        ActionKind::EcrScanOnPush
        | ActionKind::LogGroupRetention
        | ActionKind::AlbDropInvalidHeaders
        | ActionKind::SqsEncryption
        | ActionKind::SnsEncryption => super::aws::setting(a, r, opts.log_retention_days),
        ActionKind::AddTags => {
            let tags = missing_values(&opts.required_tags, r, opts, "tag");
            super::aws::add_tags(a, r, tags)
        }
        ActionKind::K8sApplyPatch => match &c.fix.patch {
            Some(patch) => {
                let labels = missing_values(&opts.required_namespace_labels, r, opts, "label");
                super::k8s::build(a, patch, r, pod_fields, labels)
            }
            None => Err("the rule names no patch".into()),
        },
        ActionKind::K8sScaleToZero => super::k8s::scale_to_zero(a, r),
        ActionKind::Manual => return manual(c, None),
    };
    built.unwrap_or_else(|why| manual(c, Some(&why)))
}

/// The keys of `required` the resource lacks (absent or blank), with the values the
/// proposer gave; an error names what is missing a value, or says nothing is missing.
fn missing_values(
    required: &[String],
    r: &Resource,
    opts: &Options,
    what: &str,
) -> Result<serde_json::Map<String, Value>, String> {
    let missing: Vec<&String> = required
        .iter()
        .filter(|k| r.tags.get(*k).is_none_or(|v| v.trim().is_empty()))
        .collect();
    if missing.is_empty() {
        return Err(format!("no required {what} is missing"));
    }
    let unknown: Vec<&str> = missing
        .iter()
        .filter(|k| !opts.tag_values.contains_key(**k))
        .map(|k| k.as_str())
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "no value for {}: pass --tag KEY=VALUE to `vigil plan propose`",
            unknown.join(", ")
        ));
    }
    Ok(missing
        .into_iter()
        .map(|k| (k.clone(), Value::String(opts.tag_values[k].clone())))
        .collect())
}
