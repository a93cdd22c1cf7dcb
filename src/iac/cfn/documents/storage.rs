//! Storage and messaging: S3 buckets (with their `AWS::S3::BucketPolicy`), SQS queues (with
//! `AWS::SQS::QueuePolicy`), SNS topics (with `AWS::SNS::TopicPolicy`), CloudWatch log groups,
//! ECR repositories.

use serde_json::{Map, Value};

use super::{copy, joined_policy, name, or, policy, tags, text_of, Mapped};
use crate::iac::cfn::resolve::Resolved;
use crate::model::aws;

/// The types joined into this area's resources.
pub(super) const JOINED: &[&str] = &[
    "AWS::S3::BucketPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::TopicPolicy",
];

/// `r`'s document, if it is one of this area's types.
pub(super) fn build(r: &Resolved, all: &[Resolved]) -> Option<Mapped> {
    Some(match r.resource_type.as_str() {
        "AWS::S3::Bucket" => bucket(r, all),
        "AWS::SQS::Queue" => queue(r, all),
        "AWS::SNS::Topic" => topic(r, all),
        "AWS::Logs::LogGroup" => log_group(r),
        "AWS::ECR::Repository" => repository(r),
        _ => return None,
    })
}

fn bucket(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let name = name(r, "BucketName");
    let mut doc = Map::new();
    doc.insert("Name".into(), Value::String(text_of(&name)));
    // Without BucketEncryption, S3 encrypts new buckets with SSE-S3 (since January 2023).
    let rules = match p.pointer("/BucketEncryption/ServerSideEncryptionConfiguration") {
        Some(Value::Array(rules)) => Value::Array(
            rules
                .iter()
                .map(|rule| {
                    let mut m = Map::new();
                    if let Some(d) = rule.get("ServerSideEncryptionByDefault") {
                        m.insert("ApplyServerSideEncryptionByDefault".into(), d.clone());
                    }
                    if let Some(k) = rule.get("BucketKeyEnabled") {
                        m.insert("BucketKeyEnabled".into(), k.clone());
                    }
                    Value::Object(m)
                })
                .collect(),
        ),
        Some(other) => other.clone(),
        None => {
            serde_json::json!([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}])
        }
    };
    doc.insert(
        "ServerSideEncryptionConfiguration".into(),
        serde_json::json!({"Rules": rules}),
    );
    // Without PublicAccessBlockConfiguration, new buckets block all public access (since
    // April 2023).
    let pab = p.get("PublicAccessBlockConfiguration").cloned().unwrap_or_else(|| {
        serde_json::json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true})
    });
    doc.insert("PublicAccessBlockConfiguration".into(), pab);
    if let Some(policy) = joined_policy(r, all, "AWS::S3::BucketPolicy", "Bucket", &name) {
        doc.insert("Policy".into(), policy);
    }
    Ok((
        Value::Object(doc),
        tags(p),
        super::finish::<aws::s3::Bucket>,
    ))
}

fn queue(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let name = name(r, "QueueName");
    let mut doc = Map::new();
    doc.insert(
        "QueueUrl".into(),
        Value::String(format!("${{{}}}/{}", r.logical_id, text_of(&name))),
    );
    copy(
        &mut doc,
        p,
        &[
            ("KmsMasterKeyId", "KmsMasterKeyId"),
            ("FifoQueue", "FifoQueue"),
        ],
    );
    // SQS encrypts new queues with SSE-SQS unless a KMS key is given (since October 2022).
    let sse = p
        .get("SqsManagedSseEnabled")
        .cloned()
        .unwrap_or(Value::Bool(p.get("KmsMasterKeyId").is_none()));
    doc.insert("SqsManagedSseEnabled".into(), sse);
    let url = Value::String(format!("${{{}}}", r.logical_id));
    if let Some(policy) = joined_policy(r, all, "AWS::SQS::QueuePolicy", "Queues", &url) {
        doc.insert("Policy".into(), policy);
    }
    Ok((
        Value::Object(doc),
        tags(p),
        super::finish::<aws::messaging::Queue>,
    ))
}

fn topic(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let name = name(r, "TopicName");
    let mut doc = Map::new();
    doc.insert(
        "TopicArn".into(),
        Value::String(format!("${{{}}}:{}", r.logical_id, text_of(&name))),
    );
    copy(
        &mut doc,
        p,
        &[
            ("KmsMasterKeyId", "KmsMasterKeyId"),
            ("FifoTopic", "FifoTopic"),
        ],
    );
    if let Some(policy) = joined_policy(r, all, "AWS::SNS::TopicPolicy", "Topics", &name) {
        doc.insert("Policy".into(), policy);
    }
    Ok((
        Value::Object(doc),
        tags(p),
        super::finish::<aws::messaging::Topic>,
    ))
}

fn log_group(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let mut doc = Map::new();
    doc.insert(
        "LogGroupName".into(),
        Value::String(text_of(&name(r, "LogGroupName"))),
    );
    copy(
        &mut doc,
        p,
        &[
            ("RetentionInDays", "RetentionInDays"),
            ("KmsKeyId", "KmsKeyId"),
            ("LogGroupClass", "LogGroupClass"),
        ],
    );
    Ok((
        Value::Object(doc),
        tags(p),
        super::finish::<aws::logs::LogGroup>,
    ))
}

fn repository(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let mut doc = Map::new();
    doc.insert(
        "RepositoryName".into(),
        Value::String(text_of(&name(r, "RepositoryName"))),
    );
    // The API's defaults, which the live scan reads back: mutable tags, AES256.
    doc.insert(
        "ImageTagMutability".into(),
        or(p, "ImageTagMutability", "MUTABLE"),
    );
    if let Some(s) = p.get("ImageScanningConfiguration") {
        doc.insert("ImageScanningConfiguration".into(), s.clone());
    }
    doc.insert(
        "EncryptionConfiguration".into(),
        or(
            p,
            "EncryptionConfiguration",
            serde_json::json!({"EncryptionType": "AES256"}),
        ),
    );
    if let Some(l) = p.pointer("/LifecyclePolicy/LifecyclePolicyText") {
        doc.insert("LifecyclePolicy".into(), policy(l));
    }
    if let Some(t) = p.get("RepositoryPolicyText") {
        doc.insert("Policy".into(), policy(t));
    }
    Ok((
        Value::Object(doc),
        tags(p),
        super::finish::<aws::ecr::Repository>,
    ))
}
