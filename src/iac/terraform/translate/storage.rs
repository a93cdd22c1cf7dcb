//! Storage and messaging: S3 buckets with their separate public-access-block, encryption and
//! policy resources; SQS queues and SNS topics with their policies; log groups; ECR
//! repositories with their policies.

use serde_json::{json, Map, Value};

use super::{
    block, blocks, extra, given, link, patch, props, resource, with_tags, without_empty, Out,
};
use crate::iac::terraform::plan::Planned;

const BUCKET: &[&str] = &["aws_s3_bucket"];
const QUEUE: &[&str] = &["aws_sqs_queue"];
const TOPIC: &[&str] = &["aws_sns_topic"];
const REPOSITORY: &[&str] = &["aws_ecr_repository"];

/// The template resources `r` becomes, if it is one of this area's types.
pub(super) fn translate(r: &Planned, all: &[Planned]) -> Option<Vec<Out>> {
    let v = &r.values;
    let one = |o: Option<Out>| o.into_iter().collect::<Vec<_>>();
    Some(match r.resource_type.as_str() {
        "aws_s3_bucket" => bucket(r),
        "aws_s3_bucket_public_access_block" => one(patch(
            all,
            v.get("bucket"),
            BUCKET,
            "PublicAccessBlockConfiguration",
            Value::Object(props(
                v,
                &[
                    ("block_public_acls", "BlockPublicAcls"),
                    ("block_public_policy", "BlockPublicPolicy"),
                    ("ignore_public_acls", "IgnorePublicAcls"),
                    ("restrict_public_buckets", "RestrictPublicBuckets"),
                ],
            )),
        )),
        "aws_s3_bucket_server_side_encryption_configuration" => one(patch(
            all,
            v.get("bucket"),
            BUCKET,
            "BucketEncryption",
            encryption(v),
        )),
        "aws_s3_bucket_policy" => {
            let mut m = Map::new();
            m.insert(
                "Bucket".into(),
                v.get("bucket")
                    .map_or(Value::Null, |b| link(all, b, BUCKET)),
            );
            m.insert(
                "PolicyDocument".into(),
                v.get("policy").cloned().unwrap_or(Value::Null),
            );
            vec![resource(r, "AWS::S3::BucketPolicy", m)]
        }
        "aws_sqs_queue" => {
            let m = props(
                v,
                &[
                    ("name", "QueueName"),
                    ("kms_master_key_id", "KmsMasterKeyId"),
                    ("sqs_managed_sse_enabled", "SqsManagedSseEnabled"),
                    ("fifo_queue", "FifoQueue"),
                ],
            );
            let mut out = vec![resource(
                r,
                "AWS::SQS::Queue",
                with_tags(without_empty(m), v),
            )];
            out.extend(inline_policy(r, v, "AWS::SQS::QueuePolicy", "Queues"));
            out
        }
        "aws_sqs_queue_policy" => {
            let mut m = Map::new();
            let queue = v
                .get("queue_url")
                .map_or(Value::Null, |q| link(all, q, QUEUE));
            m.insert("Queues".into(), json!([queue]));
            m.insert(
                "PolicyDocument".into(),
                v.get("policy").cloned().unwrap_or(Value::Null),
            );
            vec![resource(r, "AWS::SQS::QueuePolicy", m)]
        }
        "aws_sns_topic" => {
            let m = props(
                v,
                &[
                    ("name", "TopicName"),
                    ("kms_master_key_id", "KmsMasterKeyId"),
                    ("fifo_topic", "FifoTopic"),
                ],
            );
            let mut out = vec![resource(
                r,
                "AWS::SNS::Topic",
                with_tags(without_empty(m), v),
            )];
            out.extend(inline_policy(r, v, "AWS::SNS::TopicPolicy", "Topics"));
            out
        }
        "aws_sns_topic_policy" => {
            let mut m = Map::new();
            let topic = v.get("arn").map_or(Value::Null, |t| link(all, t, TOPIC));
            m.insert("Topics".into(), json!([topic]));
            m.insert(
                "PolicyDocument".into(),
                v.get("policy").cloned().unwrap_or(Value::Null),
            );
            vec![resource(r, "AWS::SNS::TopicPolicy", m)]
        }
        "aws_cloudwatch_log_group" => {
            let mut m = props(
                v,
                &[
                    ("name", "LogGroupName"),
                    ("kms_key_id", "KmsKeyId"),
                    ("log_group_class", "LogGroupClass"),
                ],
            );
            // 0 is Terraform's "never expire", which a template says by leaving it out.
            if let Some(days) = v.get("retention_in_days").filter(|d| d.as_i64() != Some(0)) {
                m.insert("RetentionInDays".into(), days.clone());
            }
            vec![resource(
                r,
                "AWS::Logs::LogGroup",
                with_tags(without_empty(m), v),
            )]
        }
        "aws_ecr_repository" => {
            let mut m = props(
                v,
                &[
                    ("name", "RepositoryName"),
                    ("image_tag_mutability", "ImageTagMutability"),
                ],
            );
            if let Some(s) = block(v, "image_scanning_configuration") {
                m.insert(
                    "ImageScanningConfiguration".into(),
                    Value::Object(props(s, &[("scan_on_push", "ScanOnPush")])),
                );
            }
            if let Some(e) = block(v, "encryption_configuration") {
                m.insert(
                    "EncryptionConfiguration".into(),
                    Value::Object(without_empty(props(
                        e,
                        &[("encryption_type", "EncryptionType"), ("kms_key", "KmsKey")],
                    ))),
                );
            }
            vec![resource(r, "AWS::ECR::Repository", with_tags(m, v))]
        }
        "aws_ecr_repository_policy" => one(patch(
            all,
            v.get("repository"),
            REPOSITORY,
            "RepositoryPolicyText",
            v.get("policy").cloned().unwrap_or(Value::Null),
        )),
        "aws_ecr_lifecycle_policy" => one(patch(
            all,
            v.get("repository"),
            REPOSITORY,
            "LifecyclePolicy",
            json!({"LifecyclePolicyText": v.get("policy")}),
        )),
        _ => return None,
    })
}

fn bucket(r: &Planned) -> Vec<Out> {
    let v = &r.values;
    let mut m = props(v, &[("bucket", "BucketName")]);
    // The inline block of provider versions before 4.0 (still accepted, deprecated).
    if let Some(c) = block(v, "server_side_encryption_configuration") {
        m.insert("BucketEncryption".into(), encryption(c));
    }
    let mut out = vec![resource(r, "AWS::S3::Bucket", with_tags(m, v))];
    out.extend(inline_policy(r, v, "AWS::S3::BucketPolicy", "Bucket"));
    out
}

/// An `aws_s3_bucket_server_side_encryption_configuration`'s (or the old inline block's)
/// rules as a template's `BucketEncryption`.
fn encryption(v: &Value) -> Value {
    let rules: Vec<Value> = blocks(v, "rule")
        .iter()
        .map(|rule| {
            let mut m = Map::new();
            if let Some(d) = block(rule, "apply_server_side_encryption_by_default") {
                let by_default = without_empty(props(
                    d,
                    &[
                        ("sse_algorithm", "SSEAlgorithm"),
                        ("kms_master_key_id", "KMSMasterKeyID"),
                    ],
                ));
                m.insert(
                    "ServerSideEncryptionByDefault".into(),
                    Value::Object(by_default),
                );
            }
            if let Some(k) = rule.get("bucket_key_enabled").filter(|k| !k.is_null()) {
                m.insert("BucketKeyEnabled".into(), k.clone());
            }
            Value::Object(m)
        })
        .collect();
    json!({"ServerSideEncryptionConfiguration": rules})
}

/// The policy a resource carries inline (`policy = ...` on a queue, topic or old-style
/// bucket) as the template's policy resource pointing at it.
fn inline_policy(r: &Planned, v: &Value, cfn_type: &str, key: &str) -> Option<Out> {
    let policy = given(v, "policy")?.clone();
    let me = Value::String(format!("${{{}}}", r.logical_id));
    let mut m = Map::new();
    m.insert(
        key.into(),
        if key.ends_with('s') { json!([me]) } else { me },
    );
    m.insert("PolicyDocument".into(), policy);
    Some(extra(r, "policy", cfn_type, m))
}
