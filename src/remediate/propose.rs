//! From open findings to a plan: each finding's rule names the action that answers it in its
//! METADATA (`custom.action`, with `patch` and `suggestion`; none is `manual`), built from the target's
//! stored document (here, and in `aws` and `k8s` for the larger builders). Findings on one
//! resource that one action answers share it (four public-access flags, one
//! `s3:PutPublicAccessBlock`; several pod rules, one securityContext patch).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::config::Plans;
use crate::model::plan::{Action, ActionKind, Call, Fix, K8sPatch, Precondition, Reversibility};
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
    let cfg = &r.config;
    let s = |k: &str| {
        cfg.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mut a = Action {
        kind,
        target: r.id.clone(),
        version: Some(version.clone()),
        preconditions: Vec::new(),
        calls: Vec::new(),
        reversibility: Reversibility::No { why: String::new() },
        suggestion: None,
    };
    match kind {
        ActionKind::EbsSnapshotThenDelete => {
            let vol = s("VolumeId");
            a.preconditions = vec![
                Precondition::new("config.State", "available"),
                Precondition::new("config.Attachments", json!([])),
            ];
            a.calls = vec![
                Call::new("ec2:CreateSnapshot")
                    .param("VolumeId", vol.as_str())
                    .param("Description", format!("vigil: {vol} before deletion"))
                    .param(
                        "TagSpecifications",
                        json!([{"ResourceType": "snapshot",
                        "Tags": [{"Key": "vigil:source-volume", "Value": vol}]}]),
                    ),
                Call::new("ec2:DescribeSnapshots")
                    .param("SnapshotIds", "$snapshot")
                    .param("WaitFor", "completed"),
                Call::new("ec2:DeleteVolume").param("VolumeId", vol.as_str()),
            ];
            a.reversibility = Reversibility::Partly {
                undo: vec![Call::new("ec2:CreateVolume")
                    .param("SnapshotId", "$snapshot")
                    .param("AvailabilityZone", s("AvailabilityZone"))
                    .param("VolumeType", s("VolumeType"))],
                loses: "the volume id and its tags; the data is in the snapshot".into(),
            };
        }
        ActionKind::EipRelease => {
            a.preconditions = vec![
                Precondition::new("config.AssociationId", Value::Null),
                Precondition::new("config.InstanceId", Value::Null),
            ];
            a.calls =
                vec![Call::new("ec2:ReleaseAddress").param("AllocationId", s("AllocationId"))];
            a.reversibility = Reversibility::Partly {
                undo: vec![Call::new("ec2:AllocateAddress")
                    .param("Address", s("PublicIp"))
                    .param("Domain", "vpc")],
                loses: "its tags, and the address itself once another account allocates it".into(),
            };
        }
        ActionKind::Ec2Stop => {
            a.preconditions = vec![Precondition::new("config.State.Name", "running")];
            a.calls =
                vec![Call::new("ec2:StopInstances").param("InstanceIds", json!([s("InstanceId")]))];
            a.reversibility = Reversibility::Partly {
                undo: vec![
                    Call::new("ec2:StartInstances").param("InstanceIds", json!([s("InstanceId")]))
                ],
                loses: "instance-store data and an auto-assigned public IPv4 address".into(),
            };
        }
        ActionKind::S3BlockPublicAccess => {
            let b = s("Name");
            a.preconditions = vec![Precondition::new(
                "config.PublicAccessBlockConfiguration",
                cfg.get("PublicAccessBlockConfiguration")
                    .cloned()
                    .unwrap_or(Value::Null),
            )];
            a.calls = vec![
                Call::new("s3:GetPublicAccessBlock").param("Bucket", b.as_str()),
                Call::new("s3:PutPublicAccessBlock")
                    .param("Bucket", b.as_str())
                    .param(
                        "PublicAccessBlockConfiguration",
                        json!({"BlockPublicAcls": true, "IgnorePublicAcls": true,
                        "BlockPublicPolicy": true, "RestrictPublicBuckets": true}),
                    ),
            ];
            a.reversibility = Reversibility::Yes {
                undo: vec![Call::new("s3:PutPublicAccessBlock")
                    .param("Bucket", b.as_str())
                    .param("PublicAccessBlockConfiguration", "$prior")],
            };
        }
        ActionKind::S3DefaultEncryption => {
            let b = s("Name");
            a.preconditions = vec![Precondition::new(
                "config.ServerSideEncryptionConfiguration",
                cfg.get("ServerSideEncryptionConfiguration")
                    .cloned()
                    .unwrap_or(Value::Null),
            )];
            a.calls = vec![
                Call::new("s3:GetBucketEncryption").param("Bucket", b.as_str()),
                Call::new("s3:PutBucketEncryption")
                    .param("Bucket", b.as_str())
                    .param(
                        "ServerSideEncryptionConfiguration",
                        json!({"Rules": [{"ApplyServerSideEncryptionByDefault":
                        {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": true}]}),
                    ),
            ];
            a.reversibility = Reversibility::Yes {
                undo: vec![Call::new("s3:PutBucketEncryption")
                    .param("Bucket", b.as_str())
                    .param("ServerSideEncryptionConfiguration", "$prior")],
            };
        }
        ActionKind::KmsEnableRotation => {
            a.preconditions = vec![
                Precondition::new("config.KeyManager", "CUSTOMER"),
                Precondition::new("config.KeySpec", "SYMMETRIC_DEFAULT"),
                Precondition::new("config.KeyState", "Enabled"),
                Precondition::new("config.KeyRotationEnabled", false),
            ];
            a.calls = vec![Call::new("kms:EnableKeyRotation").param("KeyId", s("KeyId"))];
            a.reversibility = Reversibility::Yes {
                undo: vec![Call::new("kms:DisableKeyRotation").param("KeyId", s("KeyId"))],
            };
        }
        ActionKind::EbsEncryptionByDefault => {
            a.preconditions = vec![Precondition::new("config.EbsEncryptionByDefault", false)];
            a.calls = vec![Call::new("ec2:EnableEbsEncryptionByDefault")];
            a.reversibility = Reversibility::Yes {
                undo: vec![Call::new("ec2:DisableEbsEncryptionByDefault")],
            };
        }
        ActionKind::RevokeIngress => {
            return super::aws::revoke_ingress(a, r, &c.finding.path)
                .unwrap_or_else(|why| manual(c, Some(&why)))
        }
        ActionKind::AddTags => {
            let tags = missing_values(&opts.required_tags, r, opts, "tag");
            return super::aws::add_tags(a, r, tags).unwrap_or_else(|why| manual(c, Some(&why)));
        }
        ActionKind::K8sApplyPatch => {
            let labels = missing_values(&opts.required_namespace_labels, r, opts, "label");
            let Some(patch) = &c.fix.patch else {
                return manual(c, Some("the rule names no patch"));
            };
            return super::k8s::build(a, patch, r, pod_fields, labels)
                .unwrap_or_else(|why| manual(c, Some(&why)));
        }
        ActionKind::K8sScaleToZero => {
            return super::k8s::scale_to_zero(a, r).unwrap_or_else(|why| manual(c, Some(&why)))
        }
        ActionKind::Manual => return manual(c, None),
    }
    a
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
