//! AWS Config's configuration items as vigil's documents: each item becomes exactly the
//! `Resource` the live collector builds for that resource, through the same typed documents
//! ([`crate::model::aws`]), so every rule runs unchanged on either source.
//!
//! An item's `configuration` is the API's answer with each member name's first letter
//! lower-cased (`volumeId`): upper-casing it recovers the API's name for most members. The
//! exceptions are fixed per type: acronyms (`sseAlgorithm` is `SSEAlgorithm`), enums that
//! newer items wrap as `{value}`, S3's settings in `supplementaryConfiguration`, IAM's
//! URL-encoded policy documents, KMS's rotation status and tags. `configuration` arrives
//! as a JSON string (BatchGet, history) or an object (SELECT); tags as a map (history), as
//! `[{key, value}]` (SELECT), or inside `configuration`.
//!
//! Facts Config does not record stay with the live APIs: EBS snapshots, flow logs (VPC
//! documents carry them), the EBS encryption default, IAM users' credential-report rows, the
//! root user, trails' status and selectors ([`LIVE_ONLY`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::aws::{self as docs, from_document, Document, Place};
use crate::model::Resource;

/// The types vigil reads from the live APIs even when Config is the source, and why.
pub const LIVE_ONLY: &[(&str, &str)] = &[
    ("AWS::EC2::Snapshot", "Config does not record EBS snapshots"),
    (
        "AWS::EC2::VPC",
        "a VPC's document carries its flow logs, which Config records apart",
    ),
    (
        "AWS::EC2::EBSEncryptionDefault",
        "an account setting Config does not record",
    ),
    (
        "AWS::IAM::User",
        "a user's document carries its credential-report row",
    ),
    (
        "AWS::IAM::RootUser",
        "the root user is not a configuration item",
    ),
    (
        "AWS::CloudTrail::Trail",
        "Config does not record a trail's status or event selectors",
    ),
    (
        "AWS::CloudTrail::RegionCoverage",
        "made from trails' status and selectors",
    ),
    (
        "AWS::EC2::NatGateway",
        "a NAT gateway's document carries the route tables that use it",
    ),
    (
        "AWS::IAM::PasswordPolicy",
        "an account setting, not a configuration item",
    ),
    (
        "AWS::S3::AccountPublicAccessBlock",
        "an account setting Config records only in its own form",
    ),
    (
        "AWS::GuardDuty::Detector",
        "a region's detector status, present or not",
    ),
    (
        "AWS::SecurityHub::Hub",
        "a region's subscription, present or not",
    ),
    (
        "AWS::Config::ConfigurationRecorder",
        "the recorder's own state, read from Config's API",
    ),
    (
        "AWS::AccessAnalyzer::RegionCoverage",
        "a region's analyzers, present or not",
    ),
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "a load balancer's document carries its listeners and web ACL",
    ),
    (
        "AWS::Lambda::Function",
        "a function's document carries its URL and resource policy",
    ),
    (
        "AWS::ECR::Repository",
        "a repository's document carries its lifecycle and repository policies",
    ),
    (
        "AWS::EKS::Cluster",
        "a cluster's document carries its node groups",
    ),
    (
        "AWS::ECS::TaskDefinition",
        "only each family's latest active revision is read",
    ),
];

/// Types vigil reads from the live APIs only until their configuration items are mapped:
/// Config records them, but their items' shapes are not yet turned into vigil's documents.
pub const NOT_YET_FROM_CONFIG: &[&str] = &[
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::Subnet",
    "AWS::RDS::DBCluster",
    "AWS::ECS::Cluster",
    "AWS::ECS::Service",
    "AWS::WAFv2::WebACL",
    "AWS::ACM::Certificate",
    "AWS::SecretsManager::Secret",
    "AWS::Logs::LogGroup",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::DynamoDB::Table",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::EFS::FileSystem",
];

/// Why an item could not become a document: it names the item.
#[derive(Debug, thiserror::Error)]
#[error("configuration item {arn} ({resource_type}): {message}")]
pub struct Error {
    pub arn: String,
    pub resource_type: String,
    pub message: String,
}

/// A configuration item, its encodings undone.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub resource_type: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    pub status: String,
    /// When Config captured it (RFC 3339, as given).
    pub captured: Option<String>,
    pub configuration: Value,
    pub supplementary: Map<String, Value>,
    pub tags: BTreeMap<String, String>,
}

/// Reads an item as `BatchGetResourceConfig`, `GetResourceConfigHistory` or a
/// `SelectResourceConfig` result gives it.
pub fn item(v: &Value) -> Result<Item, Error> {
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let fail = |message: String| Error {
        arn: s("arn"),
        resource_type: s("resourceType"),
        message,
    };
    let configuration = match v.get("configuration") {
        Some(Value::String(text)) => serde_json::from_str(text)
            .map_err(|e| fail(format!("`configuration` is not JSON: {e}")))?,
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let mut supplementary = Map::new();
    if let Some(Value::Object(m)) = v.get("supplementaryConfiguration") {
        for (k, val) in m {
            supplementary.insert(k.clone(), decoded(val));
        }
    }
    let mut tags = tag_list(v.get("tags"));
    if tags.is_empty() {
        tags = tag_list(configuration.get("tags"));
    }
    let captured = match v.get("configurationItemCaptureTime") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Number(n)) => n
            .as_f64()
            .and_then(|secs| chrono::DateTime::from_timestamp(secs as i64, 0))
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        _ => None,
    };
    Ok(Item {
        resource_type: s("resourceType"),
        arn: s("arn"),
        account: s("accountId"),
        region: s("awsRegion"),
        status: s("configurationItemStatus"),
        captured,
        configuration,
        supplementary,
        tags,
    })
}

/// A value that is JSON inside a string (S3's access control list is so twice) as JSON.
fn decoded(v: &Value) -> Value {
    match v {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(
                inner @ (Value::Object(_) | Value::Array(_) | Value::String(_) | Value::Bool(_)),
            ) => decoded(&inner),
            _ => v.clone(),
        },
        other => other.clone(),
    }
}

/// Tags as a map, from `{k: v}`, `[{key, value}]` or `[{tagKey, tagValue}]`.
fn tag_list(v: Option<&Value>) -> BTreeMap<String, String> {
    match v {
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| {
                let k = t.get("key").or_else(|| t.get("tagKey"))?.as_str()?;
                let v = t.get("value").or_else(|| t.get("tagValue"));
                Some((
                    k.to_string(),
                    v.and_then(Value::as_str).unwrap_or_default().to_string(),
                ))
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// Member names with their first letter upper-cased, at every depth; an enum wrapped as
/// `{value: x}` is `x`; RFC 3339 times with offsets (or none) are vigil's
/// `2024-05-01T12:00:00Z` (with fractions when they have some); whole numbers written as floats (`22.0`, as SELECT results give
/// ports) are integers.
pub fn api_shaped(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("value") => api_shaped(&m["value"]),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let mut c = k.chars();
                    let key = match c.next() {
                        Some(f) => f.to_uppercase().chain(c).collect(),
                        None => String::new(),
                    };
                    (key, api_shaped(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(api_shaped).collect()),
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => v.clone(),
        },
        Value::String(s) if s.len() >= 19 && s.as_bytes()[10] == b'T' => match time(s) {
            Some(t) => Value::String(t),
            None => v.clone(),
        },
        other => other.clone(),
    }
}

/// An RFC 3339 time (or one without an offset, which AWS's are in UTC) written as the live
/// collector writes the SDK's times: UTC, `Z`, fractions only when there are some.
fn time(s: &str) -> Option<String> {
    let utc = match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&chrono::Utc),
        Err(_) => chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()?
            .and_utc(),
    };
    aws_smithy_types::DateTime::from_secs_and_nanos(utc.timestamp(), utc.timestamp_subsec_nanos())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .ok()
}

/// The document the live collector would build from the same resource; None for an item
/// that is deleted or not recorded, and for what vigil does not read (AWS-managed keys).
pub fn resource(item: &Item) -> Result<Option<Resource>, Error> {
    if item.status.starts_with("ResourceDeleted") || item.status == "ResourceNotRecorded" {
        return Ok(None);
    }
    let fail = |message: String| Error {
        arn: item.arn.clone(),
        resource_type: item.resource_type.clone(),
        message,
    };
    let region = match item.resource_type.as_str() {
        t if crate::model::resource::is_global_type(t) && !t.starts_with("AWS::S3::") => "global",
        _ => item.region.as_str(),
    };
    let at = Place {
        account: &item.account,
        region,
    };
    let mut doc = api_shaped(&item.configuration);
    let tags = item.tags.clone();
    let made = match item.resource_type.as_str() {
        "AWS::EC2::Instance" => {
            // `State` is `{Code, Name}`, or `{Value}` in newer items.
            if let Some(state) = doc.get_mut("State") {
                if let Value::String(name) = state.clone() {
                    *state = serde_json::json!({"Name": name});
                }
            }
            from_document::<docs::ec2::Instance>(&at, doc, tags)
        }
        "AWS::EC2::Volume" => from_document::<docs::ec2::Volume>(&at, doc, tags),
        "AWS::EC2::EIP" => from_document::<docs::ec2::Eip>(&at, doc, tags),
        "AWS::EC2::SecurityGroup" => {
            for key in ["IpPermissions", "IpPermissionsEgress"] {
                if let Some(Value::Array(perms)) = doc.get_mut(key) {
                    perms.iter_mut().for_each(ip_ranges);
                }
            }
            from_document::<docs::ec2::SecurityGroup>(&at, doc, tags)
        }
        "AWS::S3::Bucket" => Ok(bucket(item, &doc, &at, tags)),
        "AWS::KMS::Key" => {
            if doc.get("KeyManager").and_then(Value::as_str) != Some("CUSTOMER") {
                return Ok(None);
            }
            if let Some(r) = item.supplementary.get("KeyRotationStatus") {
                let on = r.as_bool().or_else(|| r.as_str().map(|s| s == "true"));
                doc["KeyRotationEnabled"] = on.map_or(Value::Null, Value::Bool);
            }
            let mut tags = tags;
            if tags.is_empty() {
                tags = tag_list(item.supplementary.get("Tags"));
            }
            from_document::<docs::kms::Key>(&at, doc, tags)
        }
        "AWS::RDS::DBInstance" => from_document::<docs::rds::DbInstance>(&at, doc, tags),
        "AWS::IAM::Role" => {
            decode_policies(&mut doc, &["AssumeRolePolicyDocument"], "RolePolicyList");
            from_document::<docs::iam::Role>(&at, doc, tags)
        }
        "AWS::IAM::Group" => {
            decode_policies(&mut doc, &[], "GroupPolicyList");
            from_document::<docs::iam::Group>(&at, doc, tags)
        }
        "AWS::IAM::Policy" => {
            // The default version's document, decoded.
            let default = doc.get("DefaultVersionId").cloned();
            let document = doc
                .get("PolicyVersionList")
                .and_then(Value::as_array)
                .and_then(|vs| {
                    vs.iter().find(|v| {
                        v.get("IsDefaultVersion") == Some(&Value::Bool(true))
                            || (default.is_some() && v.get("VersionId") == default.as_ref())
                    })
                })
                .and_then(|v| v.get("Document"))
                .and_then(Value::as_str)
                .map(super::iam::decode_policy);
            doc["Document"] = document.unwrap_or(Value::Null);
            from_document::<docs::iam::Policy>(&at, doc, tags)
        }
        t => match LIVE_ONLY.iter().find(|(ty, _)| *ty == t) {
            Some((_, why)) => return Err(fail(format!("read from the live API instead: {why}"))),
            None => return Err(fail("vigil does not read this type".into())),
        },
    };
    made.map(Some).map_err(|e| {
        fail(format!(
            "its configuration does not have the shape of {}: {e}",
            item.resource_type
        ))
    })
}

/// A permission's ranges as the API gives them: `Ipv4Ranges` is `IpRanges`, and older items'
/// plain CIDR strings are `{CidrIp}`.
fn ip_ranges(p: &mut Value) {
    let Some(m) = p.as_object_mut() else { return };
    if let Some(v4) = m.remove("Ipv4Ranges") {
        m.insert("IpRanges".into(), v4);
    } else if let Some(Value::Array(a)) = m.get_mut("IpRanges") {
        for r in a.iter_mut() {
            if let Value::String(cidr) = r {
                *r = serde_json::json!({"CidrIp": cidr});
            }
        }
    }
}

/// Each inline policy's document, and the named top-level ones, URL-decoded and parsed.
fn decode_policies(doc: &mut Value, top: &[&str], list: &str) {
    for k in top {
        if let Some(Value::String(text)) = doc.get(*k).cloned() {
            doc[*k] = super::iam::decode_policy(&text);
        }
    }
    if let Some(Value::Array(policies)) = doc.get_mut(list) {
        for p in policies {
            if let Some(Value::String(text)) = p.get("PolicyDocument").cloned() {
                p["PolicyDocument"] = super::iam::decode_policy(&text);
            }
        }
    }
}

/// A bucket: its name and creation date from `configuration`, its settings from
/// `supplementaryConfiguration`, its region from the item.
fn bucket(item: &Item, doc: &Value, at: &Place, tags: BTreeMap<String, String>) -> Resource {
    let sup = |k: &str| item.supplementary.get(k).filter(|v| !v.is_null());
    let encryption = sup("ServerSideEncryptionConfiguration").map(|c| docs::s3::Encryption {
        rules: c
            .get("rules")
            .and_then(Value::as_array)
            .map(|rules| {
                rules
                    .iter()
                    .map(|r| docs::s3::EncryptionRule {
                        apply_server_side_encryption_by_default: r
                            .get("applyServerSideEncryptionByDefault")
                            .map(|d| docs::s3::EncryptionDefault {
                                sse_algorithm: d
                                    .get("sseAlgorithm")
                                    .and_then(Value::as_str)
                                    .map(Into::into),
                                kms_master_key_id: d
                                    .get("kmsMasterKeyID")
                                    .and_then(Value::as_str)
                                    .map(Into::into),
                            }),
                        bucket_key_enabled: r.get("bucketKeyEnabled").and_then(Value::as_bool),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    });
    let flag = |c: &Value, k: &str| c.get(k).and_then(Value::as_bool).unwrap_or(false);
    let public_access =
        sup("PublicAccessBlockConfiguration").map(|c| docs::s3::PublicAccessBlock {
            block_public_acls: flag(c, "blockPublicAcls"),
            ignore_public_acls: flag(c, "ignorePublicAcls"),
            block_public_policy: flag(c, "blockPublicPolicy"),
            restrict_public_buckets: flag(c, "restrictPublicBuckets"),
        });
    let policy = sup("BucketPolicy")
        .and_then(|p| p.get("policyText"))
        .and_then(Value::as_str)
        .map(|text| serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into())));
    docs::s3::Bucket {
        name: doc
            .get("Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .into(),
        creation_date: doc
            .get("CreationDate")
            .and_then(Value::as_str)
            .map(Into::into),
        region: item.region.clone(),
        server_side_encryption_configuration: encryption,
        public_access_block_configuration: public_access,
        policy,
    }
    .resource(
        &Place {
            account: at.account,
            region: &item.region,
        },
        tags,
    )
}

#[cfg(test)]
#[path = "config_items_tests.rs"]
mod tests;
