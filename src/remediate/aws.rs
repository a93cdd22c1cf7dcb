//! AWS action builders: revoking the world-open part of an ingress rule, and adding missing
//! tags (merged, never replacing a tag set).

use serde_json::{json, Value};

use crate::model::plan::{Action, Call, Precondition, Reversibility};
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
    let id = |k: &str| {
        r.config
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
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
        t if t.starts_with("AWS::EC2::") => {
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
        _ => return Err("vigil adds tags to EC2, S3 and KMS resources only".into()),
    };
    a.calls.push(call.param(TAGS_PARAM, Value::Object(tags)));
    a.reversibility = Reversibility::Yes { undo: vec![undo] };
    Ok(a)
}
