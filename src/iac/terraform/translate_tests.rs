use serde_json::json;

use crate::iac::terraform::testing::{config, failing, load, plan};

#[test]
fn a_separate_public_access_block_and_encryption_join_their_bucket_by_reference() {
    let text = plan(
        json!([
            {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket",
             "after": {"bucket": "logs", "tags": {"Owner": "a"}, "tags_all": {"Owner": "a", "Env": "p"}},
             "after_unknown": {"id": true, "arn": true, "server_side_encryption_configuration": true}},
            {"address": "aws_s3_bucket_public_access_block.b", "type": "aws_s3_bucket_public_access_block",
             "after": {"block_public_acls": true, "block_public_policy": false,
                       "ignore_public_acls": true, "restrict_public_buckets": false},
             "after_unknown": {"bucket": true, "id": true},
             "expressions": {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.b",
             "type": "aws_s3_bucket_server_side_encryption_configuration",
             "after": {"bucket": "logs", "rule": [{"apply_server_side_encryption_by_default":
                 [{"sse_algorithm": "aws:kms"}], "bucket_key_enabled": null}]},
             "after_unknown": {"rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": true}]}]},
             "expressions": {"rule": [{"apply_server_side_encryption_by_default": [{
                 "kms_master_key_id": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]},
                 "sse_algorithm": {"constant_value": "aws:kms"}}]}]}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.joined, 2);
    let c = config(&loaded, "aws_s3_bucket.b");
    assert_eq!(
        c["PublicAccessBlockConfiguration"]["BlockPublicPolicy"],
        json!(false)
    );
    let rule = &c["ServerSideEncryptionConfiguration"]["Rules"][0];
    assert_eq!(
        rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "aws:kms"
    );
    // A key made in the same plan: known to exist, its ARN known at apply.
    assert_eq!(
        rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"],
        "${aws_kms_key/k.arn}"
    );
    let r = loaded
        .resources
        .iter()
        .find(|r| r.id.ends_with("#aws_s3_bucket.b"))
        .unwrap();
    assert_eq!(r.tags.get("Env").map(String::as_str), Some("p"));
    assert_eq!(r.region.as_deref(), Some("eu-west-1"));
    assert!(failing(&loaded, "aws_s3_bucket.b").is_none());
}

#[test]
fn a_bucket_alone_has_what_s3_sets_at_creation() {
    let text = plan(
        json!([{"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "after": {"bucket": "x"},
                "after_unknown": {"server_side_encryption_configuration": true, "policy": true}}]),
        None,
    );
    let loaded = load(&text);
    let c = config(&loaded, "aws_s3_bucket.b");
    assert_eq!(
        c["PublicAccessBlockConfiguration"]["BlockPublicPolicy"],
        json!(true)
    );
    assert_eq!(
        c["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
            ["SSEAlgorithm"],
        "AES256"
    );
    assert!(c.get("Policy").is_none());
}

#[test]
fn a_value_from_a_data_source_read_at_apply_is_unknown_with_its_expression() {
    let text = plan(
        json!([{"address": "aws_sqs_queue.q", "type": "aws_sqs_queue",
                "after": {"name": "q", "sqs_managed_sse_enabled": false},
                "after_unknown": {"kms_master_key_id": true},
                "expressions": {"kms_master_key_id": {"references": ["data.aws_kms_alias.a.target_key_id", "data.aws_kms_alias.a"]}}}]),
        None,
    );
    let loaded = load(&text);
    let unknowns = loaded.unknowns.values().next().expect("an unknown value");
    assert_eq!(unknowns[0].0, "config.KmsMasterKeyId");
    assert!(
        unknowns[0]
            .1
            .contains("data.aws_kms_alias.a.target_key_id is known only after apply"),
        "{unknowns:?}"
    );
}

#[test]
fn a_queue_policy_names_its_queue_by_known_url() {
    let text = plan(
        json!([
            {"address": "aws_sqs_queue.q", "type": "aws_sqs_queue",
             "after": {"name": "q", "url": "https://sqs/q", "id": "https://sqs/q"}},
            {"address": "aws_sqs_queue_policy.p", "type": "aws_sqs_queue_policy",
             "after": {"queue_url": "https://sqs/q",
                       "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:*\",\"Resource\":\"*\"}]}"}},
        ]),
        None,
    );
    let loaded = load(&text);
    let c = config(&loaded, "aws_sqs_queue.q");
    assert_eq!(c["Policy"]["Statement"][0]["Principal"], "*");
}

#[test]
fn a_type_with_no_document_is_listed_by_its_terraform_name() {
    let text = plan(
        json!([
            {"address": "aws_db_subnet_group.g", "type": "aws_db_subnet_group",
             "after": {"name": "g", "subnet_ids": ["subnet-1"]}},
            {"address": "aws_route53_zone.z", "type": "aws_route53_zone", "after": {"name": "z"}},
        ]),
        None,
    );
    let loaded = load(&text);
    let listed: Vec<&str> = loaded.unsupported.keys().map(String::as_str).collect();
    assert_eq!(listed, vec!["aws_db_subnet_group", "aws_route53_zone"]);
}
