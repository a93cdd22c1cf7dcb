//! The AWS resource types vigil reads, by the service whose collector makes them
//! ([`crate::collect::aws::services`] names these lists), which of them are read once per
//! account rather than per region, and each type's document (`docs/resources.md`) as a Rust
//! type: the live collector fills one from the SDK's answer, and a plain document in the
//! API's shape (a configuration item, a test's JSON) parses into the same type, so every
//! source gives rules the same `config`.

pub mod acm;
pub mod cloudtrail;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod eks;
pub mod elasticache;
pub mod elbv2;
pub mod guards;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod messaging;
pub mod network;
pub mod rds;
pub mod s3;
pub mod secretsmanager;
pub mod wafv2;

use std::collections::BTreeMap;

use serde::{de::DeserializeOwned, Deserialize as _, Serialize};

use super::Resource;

pub const EC2: &[&str] = &[
    "AWS::EC2::Instance",
    "AWS::EC2::Volume",
    "AWS::EC2::Snapshot",
    "AWS::EC2::EIP",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::VPC",
    "AWS::EC2::EBSEncryptionDefault",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::Subnet",
    "AWS::EC2::NatGateway",
];
pub const IAM: &[&str] = &[
    "AWS::IAM::User",
    "AWS::IAM::Role",
    "AWS::IAM::Group",
    "AWS::IAM::Policy",
    "AWS::IAM::RootUser",
    "AWS::IAM::PasswordPolicy",
];
pub const S3: &[&str] = &["AWS::S3::Bucket"];
pub const KMS: &[&str] = &["AWS::KMS::Key"];
pub const RDS: &[&str] = &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"];
pub const CLOUDTRAIL: &[&str] = &["AWS::CloudTrail::Trail", "AWS::CloudTrail::RegionCoverage"];
pub const EKS: &[&str] = &["AWS::EKS::Cluster"];
pub const ECS: &[&str] = &[
    "AWS::ECS::Cluster",
    "AWS::ECS::TaskDefinition",
    "AWS::ECS::Service",
];
pub const LAMBDA: &[&str] = &["AWS::Lambda::Function"];
pub const ECR: &[&str] = &["AWS::ECR::Repository"];
pub const ELBV2: &[&str] = &["AWS::ElasticLoadBalancingV2::LoadBalancer"];
pub const WAFV2: &[&str] = &["AWS::WAFv2::WebACL"];
pub const ACM: &[&str] = &["AWS::ACM::Certificate"];
pub const SECRETSMANAGER: &[&str] = &["AWS::SecretsManager::Secret"];
pub const LOGS: &[&str] = &["AWS::Logs::LogGroup"];
pub const SNS: &[&str] = &["AWS::SNS::Topic"];
pub const SQS: &[&str] = &["AWS::SQS::Queue"];
pub const DYNAMODB: &[&str] = &["AWS::DynamoDB::Table"];
pub const ELASTICACHE: &[&str] = &["AWS::ElastiCache::ReplicationGroup"];
pub const EFS: &[&str] = &["AWS::EFS::FileSystem"];
pub const GUARDDUTY: &[&str] = &["AWS::GuardDuty::Detector"];
pub const SECURITYHUB: &[&str] = &["AWS::SecurityHub::Hub"];
pub const CONFIG: &[&str] = &["AWS::Config::ConfigurationRecorder"];
pub const ACCESSANALYZER: &[&str] = &["AWS::AccessAnalyzer::RegionCoverage"];
pub const S3CONTROL: &[&str] = &["AWS::S3::AccountPublicAccessBlock"];

/// Every AWS type, service by service.
pub const TYPES: &[&[&str]] = &[
    EC2,
    IAM,
    S3,
    KMS,
    RDS,
    CLOUDTRAIL,
    EKS,
    ECS,
    LAMBDA,
    ECR,
    ELBV2,
    WAFV2,
    ACM,
    SECRETSMANAGER,
    LOGS,
    SNS,
    SQS,
    DYNAMODB,
    ELASTICACHE,
    EFS,
    GUARDDUTY,
    SECURITYHUB,
    CONFIG,
    ACCESSANALYZER,
    S3CONTROL,
];

/// Types collected once per account rather than per region (IAM; S3's bucket list and the
/// account's public access block).
pub const GLOBAL: &[&[&str]] = &[IAM, S3, S3CONTROL];

pub fn is_type(t: &str) -> bool {
    TYPES.iter().any(|ts| ts.contains(&t))
}

/// Whether `r` has the shape of an AWS region name (`us-east-1`, `us-gov-west-1`).
pub fn is_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

/// The account a role ARN (`arn:<partition>:iam::<id>:role/<name>`) belongs to.
pub fn role_arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_, partition, iam, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let ok = arn_ == "arn"
        && partition.starts_with("aws")
        && iam == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && resource
            .strip_prefix("role/")
            .is_some_and(|n| !n.is_empty());
    ok.then_some(account)
}

/// What vigil knows of an account besides its id: its name, where it sits in the
/// organization, its tags. Rules read it as `data.vigil.context.accounts[input.account]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountMeta {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The organizational units from the root down, by name (`["Workloads", "Prod"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ou_path: Vec<String>,
    /// The same, by id, root first (`["r-ab12", "ou-ab12-11111111", ...]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ou_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// Where a document was read: the account and the region (`global` for IAM).
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub account: &'a str,
    pub region: &'a str,
}

/// One AWS type's `config` document. Fields are the API's own names (PascalCase); absent
/// values are `None` and leave no key.
pub trait Document: Serialize + DeserializeOwned + Sized {
    /// The CloudFormation type name, as rules name it.
    const TYPE: &'static str;
    /// The resource id (its ARN).
    fn id(&self, at: &Place) -> String;
    /// The resource's own name, when it has one; otherwise its `Name` tag names it.
    fn name(&self, _at: &Place) -> Option<String> {
        None
    }
    /// Facts derived from others, and answers evened out (an empty string meaning absent),
    /// whichever source filled the document.
    fn settle(&mut self, _at: &Place) {}

    /// The resource a rule sees.
    fn resource(mut self, at: &Place, tags: BTreeMap<String, String>) -> Resource {
        self.settle(at);
        let name = self.name(at).or_else(|| tags.get("Name").cloned());
        let config = serde_json::to_value(&self).expect("a document serializes");
        Resource {
            id: self.id(at),
            resource_type: Self::TYPE.to_string(),
            provider: "aws".into(),
            account: Some(at.account.to_string()),
            region: Some(at.region.to_string()),
            name,
            tags,
            config: super::doc::prune(config),
        }
    }
}

/// A plain document in the API's shape (PascalCase keys, unknown keys ignored) as the
/// resource the live collector would build from the same facts.
pub fn from_document<D: Document>(
    at: &Place,
    doc: serde_json::Value,
    tags: BTreeMap<String, String>,
) -> Result<Resource, serde_json::Error> {
    Ok(serde_json::from_value::<D>(doc)?.resource(at, tags))
}

/// A time as the API's JSON gives it: RFC 3339 text (kept), or epoch seconds as the JSON
/// protocols send them (and the AWS CLI prints them), written as the live collector writes
/// the SDK's times (UTC, `Z`, fractions only when there are some).
pub(crate) fn epoch_or_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    epoch_scaled(d, 1.0)
}

/// The same for a count of epoch milliseconds (CloudWatch Logs' `creationTime`).
pub(crate) fn epoch_millis_or_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    epoch_scaled(d, 1000.0)
}

fn epoch_scaled<'de, D: serde::Deserializer<'de>>(
    d: D,
    per_second: f64,
) -> Result<Option<String>, D::Error> {
    use serde::de::Error as _;
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(serde_json::Value::Number(n)) => {
            let secs = n.as_f64().unwrap_or_default() / per_second;
            aws_smithy_types::DateTime::from_secs_f64(secs)
                .fmt(aws_smithy_types::date_time::Format::DateTime)
                .map(Some)
                .map_err(D::Error::custom)
        }
        Some(other) => Err(D::Error::custom(format!(
            "invalid type: {other}, expected a time (RFC 3339 text or epoch seconds)"
        ))),
    }
}

/// `Some(s)` unless `s` is empty: APIs and emulators answer "" for "none".
pub(crate) fn non_empty(v: &mut Option<String>) {
    if v.as_deref() == Some("") {
        *v = None;
    }
}

#[cfg(test)]
mod tests;
