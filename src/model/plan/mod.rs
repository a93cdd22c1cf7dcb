//! The plan model. An action is data: its target, the preconditions re-checked before any
//! write, the exact API calls it will make (as a user reads them:
//! `ec2:DeleteVolume VolumeId=vol-…`), and whether and how it can be undone. A plan's hash is
//! SHA-256 over the canonical JSON of its actions — never its summary — so what an approver
//! approves is exactly what would run.

pub mod approval;
pub mod record;
pub mod summary;
pub mod verify;

pub use record::{Approval, Execution, NewPlan, Plan, PlanFinding, SummaryRequest};

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// What an action does. Anything not executable by vigil is `Manual`: the change belongs in
/// the infrastructure's code, and the plan carries the suggested content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    EbsSnapshotThenDelete,
    EipRelease,
    Ec2Stop,
    S3BlockPublicAccess,
    S3DefaultEncryption,
    KmsEnableRotation,
    EbsEncryptionByDefault,
    RevokeIngress,
    AddTags,
    EcrScanOnPush,
    LogGroupRetention,
    AlbDropInvalidHeaders,
    SqsEncryption,
    SnsEncryption,
    K8sApplyPatch,
    K8sScaleToZero,
    Manual,
}

/// What a Kubernetes patch rule wants changed (`custom.patch` beside `action:
/// k8s_apply_patch`): fields of every container's securityContext in the workload's pod
/// template, the namespace's missing labels (their values from `[plans]`), or a
/// default-deny NetworkPolicy in the namespace.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum K8sPatch {
    SecurityContext(serde_json::Map<String, serde_json::Value>),
    NamespaceLabels,
    DefaultDeny,
}

/// How a rule's findings are fixed, as its METADATA declares: the action vigil can run
/// (`custom.action`), the patch it applies (`custom.patch`), and the suggested change for
/// what belongs in the infrastructure's code (`custom.suggestion`). No action: manual.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fix {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ActionKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<K8sPatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// One API call, as it will be sent: `service:Operation` and its parameters, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// `ec2:CreateSnapshot`, `s3:PutPublicAccessBlock`, `k8s:PATCH` …
    pub api: String,
    pub params: BTreeMap<String, serde_json::Value>,
}

impl Call {
    pub fn new(api: &str) -> Call {
        Call {
            api: api.into(),
            params: BTreeMap::new(),
        }
    }

    pub fn param(mut self, name: &str, value: impl Into<serde_json::Value>) -> Call {
        self.params.insert(name.into(), value.into());
        self
    }
}

/// `ec2:CreateSnapshot VolumeId=vol-1 Description="before vigil plan 3"`: strings bare when
/// they are one word, quoted otherwise; other values as JSON.
impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.api)?;
        for (k, v) in &self.params {
            match v {
                serde_json::Value::String(s)
                    if !s.is_empty() && !s.contains(char::is_whitespace) && !s.contains('"') =>
                {
                    write!(f, " {k}={s}")?
                }
                other => write!(f, " {k}={other}")?,
            }
        }
        Ok(())
    }
}

/// Whether an action can be undone, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reversible", rename_all = "snake_case")]
pub enum Reversibility {
    /// The calls that undo it (with the prior configuration they restore).
    Yes {
        undo: Vec<Call>,
    },
    /// In part, and what is lost.
    Partly {
        undo: Vec<Call>,
        loses: String,
    },
    No {
        why: String,
    },
}

/// What must still hold when the action runs: a field of the target's document, as the
/// collector reads it, re-read from the API just before any write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Precondition {
    /// Dotted path into the resource document: `config.State`, `tags.owner`.
    pub path: String,
    pub equals: serde_json::Value,
}

impl Precondition {
    pub fn new(path: &str, equals: impl Into<serde_json::Value>) -> Precondition {
        Precondition {
            path: path.into(),
            equals: equals.into(),
        }
    }

    /// The value at `path` in a resource document, if any.
    pub fn read<'a>(&self, doc: &'a serde_json::Value) -> Option<&'a serde_json::Value> {
        self.path.split('.').try_fold(doc, |v, seg| match v {
            serde_json::Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => v.get(seg),
        })
    }

    /// Whether the document still has the value; a missing field equals `null`.
    pub fn holds(&self, doc: &serde_json::Value) -> bool {
        self.read(doc).unwrap_or(&serde_json::Value::Null) == &self.equals
    }
}

impl fmt::Display for Precondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.path, self.equals)
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub kind: ActionKind,
    /// The resource id the action changes.
    pub target: String,
    /// The hash of the target's document when the plan was made: a target read again at
    /// apply time with another hash has changed, and the plan is stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// What must still hold at apply time, re-read from the API.
    pub preconditions: Vec<Precondition>,
    /// The exact calls, in order. Empty for `Manual`.
    pub calls: Vec<Call>,
    #[serde(flatten)]
    pub reversibility: Reversibility,
    /// For `Manual`: the suggested change (a least-privilege policy, a YAML fragment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// SHA-256 over the canonical JSON of the actions (object keys sorted, no whitespace), hex.
/// The same actions give the same hash in any process; any change to a target, a call, a
/// parameter or a precondition gives another.
pub fn plan_hash(actions: &[Action]) -> String {
    let value = serde_json::to_value(actions).expect("actions serialize");
    let mut text = String::new();
    canonical(&value, &mut text);
    crate::digest::sha256_hex(text)
}

/// JSON with every object's keys in sorted order and no whitespace, whatever order the map
/// type keeps.
fn canonical(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&m[k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Where a plan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    Proposed,
    Approved,
    Rejected,
    Expired,
    Stale,
    Applying,
    Applied,
    Failed,
    PartiallyApplied,
    Verified,
    VerifyFailed,
}

impl PlanState {
    pub fn as_str(self) -> &'static str {
        use PlanState::*;
        match self {
            Proposed => "proposed",
            Approved => "approved",
            Rejected => "rejected",
            Expired => "expired",
            Stale => "stale",
            Applying => "applying",
            Applied => "applied",
            Failed => "failed",
            PartiallyApplied => "partially_applied",
            Verified => "verified",
            VerifyFailed => "verify_failed",
        }
    }

    /// Every state, in lifecycle order.
    pub const ALL: [PlanState; 11] = {
        use PlanState::*;
        [
            Proposed,
            Approved,
            Rejected,
            Expired,
            Stale,
            Applying,
            Applied,
            Failed,
            PartiallyApplied,
            Verified,
            VerifyFailed,
        ]
    };

    pub fn parse(s: &str) -> Option<PlanState> {
        PlanState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// `proposed, approved, …`: the names, for messages.
    pub fn names() -> String {
        PlanState::ALL.map(PlanState::as_str).join(", ")
    }

    /// A plan in one of these states holds its findings: they are not planned again.
    pub fn is_open(self) -> bool {
        use PlanState::*;
        matches!(self, Proposed | Approved | Applying | Applied)
    }

    /// The states a plan may move to from this one: proposed → approved | rejected | expired |
    /// stale; approved → applying | rejected | expired | stale; applying → applied | failed |
    /// partially_applied; applied → verified | verify_failed. The rest are final.
    pub fn next(self) -> &'static [PlanState] {
        use PlanState::*;
        match self {
            Proposed => &[Approved, Rejected, Expired, Stale],
            Approved => &[Applying, Rejected, Expired, Stale],
            Applying => &[Applied, Failed, PartiallyApplied],
            Applied => &[Verified, VerifyFailed],
            Rejected | Expired | Stale | Failed | PartiallyApplied | Verified | VerifyFailed => &[],
        }
    }

    /// Whether `self → to` is a move the lifecycle allows.
    pub fn can_move_to(self, to: PlanState) -> bool {
        self.next().contains(&to)
    }
}

impl fmt::Display for PlanState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delete_volume() -> Action {
        Action {
            kind: ActionKind::EbsSnapshotThenDelete,
            target: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1".into(),
            version: Some("abc".into()),
            preconditions: vec![
                Precondition::new("config.State", "available"),
                Precondition::new("config.Attachments", serde_json::json!([])),
            ],
            calls: vec![
                Call::new("ec2:CreateSnapshot")
                    .param("VolumeId", "vol-1")
                    .param("Description", "before vigil plan 3"),
                Call::new("ec2:DeleteVolume").param("VolumeId", "vol-1"),
            ],
            reversibility: Reversibility::Partly {
                undo: vec![Call::new("ec2:CreateVolume").param("SnapshotId", "(the snapshot)")],
                loses: "the volume id".into(),
            },
            suggestion: None,
        }
    }

    #[test]
    fn calls_read_as_a_user_reads_them() {
        let a = delete_volume();
        let lines: Vec<String> = a.calls.iter().map(Call::to_string).collect();
        assert_eq!(
            lines,
            [
                "ec2:CreateSnapshot Description=\"before vigil plan 3\" VolumeId=vol-1",
                "ec2:DeleteVolume VolumeId=vol-1"
            ]
        );
        let c = Call::new("s3:PutPublicAccessBlock")
            .param("Bucket", "logs")
            .param("BlockPublicAcls", true);
        assert_eq!(
            c.to_string(),
            "s3:PutPublicAccessBlock BlockPublicAcls=true Bucket=logs"
        );
    }

    #[test]
    fn the_hash_changes_with_every_part_of_every_action() {
        let a = delete_volume();
        let h = plan_hash(std::slice::from_ref(&a));
        assert_eq!(h.len(), 64);
        assert_eq!(
            h,
            plan_hash(&[delete_volume()]),
            "the same actions, built again"
        );
        let mut other_target = a.clone();
        other_target.target.push('2');
        let mut other_param = a.clone();
        other_param.calls[1] = Call::new("ec2:DeleteVolume").param("VolumeId", "vol-2");
        let mut other_pre = a.clone();
        other_pre.preconditions.pop();
        let mut other_undo = a.clone();
        other_undo.reversibility = Reversibility::No { why: "x".into() };
        let mut other_version = a.clone();
        other_version.version = Some("abd".into());
        for changed in [
            other_target,
            other_param,
            other_pre,
            other_undo,
            other_version,
        ] {
            assert_ne!(plan_hash(&[changed]), h);
        }
        assert_ne!(plan_hash(&[a.clone(), a.clone()]), h);
        let mut text = String::new();
        canonical(
            &serde_json::json!({"b": [1, {"d": 2, "c": 3}], "a": "x"}),
            &mut text,
        );
        assert_eq!(text, r#"{"a":"x","b":[1,{"c":3,"d":2}]}"#);
        // The JSON a user sees names the kind and the reversibility as the interface says.
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["kind"], "ebs_snapshot_then_delete");
        assert_eq!(v["reversible"], "partly");
        assert_eq!(v["calls"][1]["api"], "ec2:DeleteVolume");
        let back: Action = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn preconditions_read_the_document_by_path() {
        let doc = serde_json::json!({"config": {"State": "available", "Attachments": [],
            "IpPermissions": [{"FromPort": 22}]}, "tags": {"owner": "a"}});
        let a = delete_volume();
        assert!(a.preconditions.iter().all(|p| p.holds(&doc)));
        assert!(Precondition::new("config.IpPermissions.0.FromPort", 22).holds(&doc));
        assert!(Precondition::new("tags.environment", serde_json::Value::Null).holds(&doc));
        assert!(!Precondition::new("tags.owner", "b").holds(&doc));
        let attached = serde_json::json!({"config": {"State": "in-use", "Attachments": [{}]}});
        assert!(!a.preconditions[0].holds(&attached));
        assert_eq!(
            a.preconditions[0].to_string(),
            "config.State = \"available\""
        );
    }

    #[test]
    fn the_lifecycle_moves_only_forward() {
        use PlanState::*;
        assert!(Proposed.can_move_to(Approved));
        assert!(Approved.can_move_to(Applying));
        assert!(Applying.can_move_to(PartiallyApplied));
        assert!(Applied.can_move_to(VerifyFailed));
        assert!(!Proposed.can_move_to(Applying), "never applied unapproved");
        assert!(!Rejected.can_move_to(Approved));
        assert!(
            !Stale.can_move_to(Approved),
            "a stale plan is proposed anew"
        );
        assert!(!Verified.can_move_to(Applying));
        assert_eq!(
            serde_json::to_value(PartiallyApplied).unwrap(),
            serde_json::json!(PartiallyApplied.as_str())
        );
    }
}
