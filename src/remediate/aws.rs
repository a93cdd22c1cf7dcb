//! AWS action builders: each takes the action and its target and fills in the
//! preconditions, the exact calls and the undo — EC2's and S3/KMS's fixed-shape actions,
//! revoking the world-open part of an ingress rule, adding missing tags (merged, never
//! replacing a tag set). `propose` dispatches to them and turns an `Err` into a manual step.

use serde_json::{json, Value};

use crate::model::plan::{Action, ActionKind, Call, Precondition, Reversibility};
use crate::model::Resource;

/// The parameter of a tag call that holds the tags added.
pub const TAGS_PARAM: &str = "Tags";

/// Revokes the world-open ranges (0.0.0.0/0, ::/0) of the permission the finding names at
/// `path` (`config.IpPermissions[i]`), keeping its other sources; or says why it cannot
/// (then the action is manual).
pub(super) fn revoke_ingress(mut a: Action, r: &Resource, path: &str) -> Result<Action, String> {
    let index = path
        .strip_prefix("config.IpPermissions[")
        .and_then(|p| p.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok());
    let Some((i, p)) = index.and_then(|i| Some((i, r.config.get("IpPermissions")?.get(i)?))) else {
        return Err("the finding names no ingress permission vigil can revoke".into());
    };
    let world = |list: &str, key: &str, open: &str| -> Vec<Value> {
        p.get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|x| x.get(key).and_then(Value::as_str) == Some(open))
            .map(|_| json!({key: open}))
            .collect()
    };
    let mut perm = json!({"IpProtocol": p.get("IpProtocol"), "IpRanges": world("IpRanges", "CidrIp", "0.0.0.0/0"),
        "Ipv6Ranges": world("Ipv6Ranges", "CidrIpv6", "::/0")});
    for k in ["FromPort", "ToPort"] {
        if let Some(v) = p.get(k).filter(|v| !v.is_null()) {
            perm[k] = v.clone();
        }
    }
    let group = r
        .config
        .get("GroupId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    a.preconditions = vec![Precondition::new(
        &format!("config.IpPermissions.{i}"),
        p.clone(),
    )];
    a.calls = vec![Call::new("ec2:RevokeSecurityGroupIngress")
        .param("GroupId", group)
        .param("IpPermissions", json!([perm.clone()]))];
    a.reversibility = Reversibility::Yes {
        undo: vec![Call::new("ec2:AuthorizeSecurityGroupIngress")
            .param("GroupId", group)
            .param("IpPermissions", json!([perm]))],
    };
    Ok(a)
}

/// Adds the required tags missing from the target, with the values the proposer gave:
/// EC2 `CreateTags` and KMS `TagResource` add to the set; S3's `PutBucketTagging` replaces
/// it, so the apply merges the additions into the set it reads first. `tags` are the
/// missing keys with their values, or why there are none (then the action is manual).
pub(super) fn add_tags(
    mut a: Action,
    r: &Resource,
    tags: Result<serde_json::Map<String, Value>, String>,
) -> Result<Action, String> {
    let tags = tags?;
    let missing: Vec<&String> = tags.keys().collect();
    a.preconditions = missing
        .iter()
        .map(|k| Precondition::new(&format!("tags.{k}"), Value::Null))
        .collect();
    let id = |k: &str| text(r, k);
    let (call, undo) = match r.resource_type.as_str() {
        "AWS::S3::Bucket" => {
            a.calls
                .push(Call::new("s3:GetBucketTagging").param("Bucket", id("Name")));
            (
                Call::new("s3:PutBucketTagging").param("Bucket", id("Name")),
                Call::new("s3:PutBucketTagging")
                    .param("Bucket", id("Name"))
                    .param("TagSet", "$prior"),
            )
        }
        "AWS::KMS::Key" => (
            Call::new("kms:TagResource").param("KeyId", id("KeyId")),
            Call::new("kms:UntagResource")
                .param("KeyId", id("KeyId"))
                .param("TagKeys", json!(missing)),
        ),
        // The EC2 types an apply reads again (`collect::aws::read`).
        "AWS::EC2::Instance"
        | "AWS::EC2::Volume"
        | "AWS::EC2::EIP"
        | "AWS::EC2::SecurityGroup"
        | "AWS::EC2::VPC" => {
            let ec2_id = r.id.rsplit('/').next().unwrap_or_default().to_string();
            (
                Call::new("ec2:CreateTags").param("Resources", json!([ec2_id.clone()])),
                Call::new("ec2:DeleteTags")
                    .param("Resources", json!([ec2_id]))
                    .param(
                        "Tags",
                        json!(missing
                            .iter()
                            .map(|k| json!({"Key": k}))
                            .collect::<Vec<_>>()),
                    ),
            )
        }
        _ => {
            return Err(
                "vigil adds tags to EC2 instances, volumes, addresses, security groups and \
                 VPCs, S3 buckets and KMS keys only"
                    .into(),
            )
        }
    };
    a.calls.push(call.param(TAGS_PARAM, Value::Object(tags)));
    a.reversibility = Reversibility::Yes { undo: vec![undo] };
    Ok(a)
}

/// EC2's fixed-shape actions: snapshot-then-delete a volume, release an address, stop an
/// instance, turn on EBS encryption by default.
pub(super) fn ec2(mut a: Action, r: &Resource) -> Action {
    let s = |k: &str| text(r, k);
    match a.kind {
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
        ActionKind::EbsEncryptionByDefault => {
            a.preconditions = vec![Precondition::new("config.EbsEncryptionByDefault", false)];
            a.calls = vec![Call::new("ec2:EnableEbsEncryptionByDefault")];
            a.reversibility = Reversibility::Yes {
                undo: vec![Call::new("ec2:DisableEbsEncryptionByDefault")],
            };
        }
        other => unreachable!("{other:?} is not an EC2 action"),
    }
    a
}

/// S3's and KMS's fixed-shape actions: block public access, default encryption (each
/// saving the prior setting), key rotation.
pub(super) fn s3_kms(mut a: Action, r: &Resource) -> Action {
    let s = |k: &str| text(r, k);
    match a.kind {
        ActionKind::S3BlockPublicAccess => put_saving_prior(
            &mut a,
            r,
            ("s3:GetPublicAccessBlock", "s3:PutPublicAccessBlock"),
            "PublicAccessBlockConfiguration",
            json!({"BlockPublicAcls": true, "IgnorePublicAcls": true,
                "BlockPublicPolicy": true, "RestrictPublicBuckets": true}),
        ),
        ActionKind::S3DefaultEncryption => put_saving_prior(
            &mut a,
            r,
            ("s3:GetBucketEncryption", "s3:PutBucketEncryption"),
            "ServerSideEncryptionConfiguration",
            json!({"Rules": [{"ApplyServerSideEncryptionByDefault":
                {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": true}]}),
        ),
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
        other => unreachable!("{other:?} is not an S3 or KMS action"),
    }
    a
}

/// The retention periods CloudWatch Logs accepts, in days.
const RETENTION_DAYS: &[i64] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The single settings of the services beyond the first eight: ECR scan on push, a log
/// group's retention, an application load balancer dropping invalid header fields, SQS and
/// SNS encryption at rest. The setting as the scan read it is the precondition; the undo puts
/// it back.
pub(super) fn setting(mut a: Action, r: &Resource, retention_days: i64) -> Result<Action, String> {
    let s = |k: &str| text(r, k);
    let prior = |path: &str| {
        path.split('.')
            .try_fold(&r.config, |v, k| v.get(k))
            .cloned()
            .unwrap_or(Value::Null)
    };
    match a.kind {
        ActionKind::EcrScanOnPush => {
            let name = s("RepositoryName");
            let set = |on: bool| {
                Call::new("ecr:PutImageScanningConfiguration")
                    .param("repositoryName", name.as_str())
                    .param("imageScanningConfiguration", json!({"scanOnPush": on}))
            };
            a.preconditions = vec![Precondition::new(
                "config.ImageScanningConfiguration.ScanOnPush",
                false,
            )];
            a.calls = vec![set(true)];
            a.reversibility = Reversibility::Yes {
                undo: vec![set(false)],
            };
        }
        ActionKind::LogGroupRetention => {
            let name = s("LogGroupName");
            let days = RETENTION_DAYS
                .iter()
                .copied()
                .find(|d| *d >= retention_days)
                .unwrap_or(3653);
            let was = prior("RetentionInDays");
            a.preconditions = vec![Precondition::new("config.RetentionInDays", was.clone())];
            a.calls = vec![Call::new("cloudwatchlogs:PutRetentionPolicy")
                .param("logGroupName", name.as_str())
                .param("retentionInDays", days)];
            let undo = match was.as_i64() {
                Some(d) => Call::new("cloudwatchlogs:PutRetentionPolicy")
                    .param("logGroupName", name.as_str())
                    .param("retentionInDays", d),
                None => Call::new("cloudwatchlogs:DeleteRetentionPolicy")
                    .param("logGroupName", name.as_str()),
            };
            a.reversibility = Reversibility::Yes { undo: vec![undo] };
        }
        ActionKind::AlbDropInvalidHeaders => {
            if r.config.get("Type").and_then(Value::as_str) != Some("application") {
                return Err("only application load balancers have this setting".into());
            }
            const KEY: &str = "routing.http.drop_invalid_header_fields.enabled";
            // The whole attribute map: a precondition's path cannot name a key with dots.
            let was = r.config.get("Attributes").cloned().unwrap_or(Value::Null);
            let set = |v: &str| {
                Call::new("elasticloadbalancingv2:ModifyLoadBalancerAttributes")
                    .param("LoadBalancerArn", s("LoadBalancerArn"))
                    .param("Attributes", json!([{"Key": KEY, "Value": v}]))
            };
            a.preconditions = vec![Precondition::new("config.Attributes", was)];
            a.calls = vec![set("true")];
            a.reversibility = Reversibility::Yes {
                undo: vec![set("false")],
            };
        }
        ActionKind::SqsEncryption => {
            let set = |on: &str| {
                Call::new("sqs:SetQueueAttributes")
                    .param("QueueUrl", s("QueueUrl"))
                    .param("Attributes", json!({"SqsManagedSseEnabled": on}))
            };
            a.preconditions = vec![
                Precondition::new("config.KmsMasterKeyId", Value::Null),
                Precondition::new("config.SqsManagedSseEnabled", false),
            ];
            a.calls = vec![set("true")];
            a.reversibility = Reversibility::Yes {
                undo: vec![set("false")],
            };
        }
        ActionKind::SnsEncryption => {
            let set = |key: &str| {
                Call::new("sns:SetTopicAttributes")
                    .param("TopicArn", s("TopicArn"))
                    .param("AttributeName", "KmsMasterKeyId")
                    .param("AttributeValue", key)
            };
            a.preconditions = vec![Precondition::new("config.KmsMasterKeyId", Value::Null)];
            // AWS's managed key for SNS: no key policy to write, no key to pay for.
            a.calls = vec![set("alias/aws/sns")];
            a.reversibility = Reversibility::Yes {
                undo: vec![set("")],
            };
        }
        other => unreachable!("{other:?} is not a single-setting action"),
    }
    Ok(a)
}

/// A bucket setting replaced: read first (the apply keeps it as `$prior`), then put, undone
/// by putting `$prior` back; the stored setting is the precondition.
fn put_saving_prior(
    a: &mut Action,
    r: &Resource,
    (get, put): (&str, &str),
    field: &str,
    value: Value,
) {
    let b = text(r, "Name");
    a.preconditions = vec![Precondition::new(
        &format!("config.{field}"),
        r.config.get(field).cloned().unwrap_or(Value::Null),
    )];
    a.calls = vec![
        Call::new(get).param("Bucket", b.as_str()),
        Call::new(put)
            .param("Bucket", b.as_str())
            .param(field, value),
    ];
    a.reversibility = Reversibility::Yes {
        undo: vec![Call::new(put)
            .param("Bucket", b.as_str())
            .param(field, "$prior")],
    };
}

/// A string field of the resource's document (empty when absent).
fn text(r: &Resource, k: &str) -> String {
    r.config
        .get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}
