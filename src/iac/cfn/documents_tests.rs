use serde_json::json;

use super::*;
use crate::iac::cfn::documents::testing::{build_text, built};

#[test]
fn a_bucket_gets_what_s3_sets_at_creation_and_its_separate_policy() {
    let d = build_text(
        r#"
Resources:
  Plain:
    Type: AWS::S3::Bucket
  Named:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: logs-bucket
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: !GetAtt Key.Arn}
            BucketKeyEnabled: true
      PublicAccessBlockConfiguration: {BlockPublicAcls: false}
      Tags: [{Key: owner, Value: team}]
  Key:
    Type: AWS::KMS::Key
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: alias/logs, TargetKeyId: !Ref Key}
  ByRef:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Plain
      PolicyDocument: {Statement: [{Effect: Allow, Principal: "*", Action: "s3:GetObject"}]}
  ByName:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: logs-bucket
      PolicyDocument: '{"Statement": []}'
"#,
    );
    let plain = &built(&d, "Plain").resource;
    assert_eq!(plain.id, "t.yaml#Plain");
    assert_eq!(plain.resource_type, "AWS::S3::Bucket");
    assert_eq!(
        plain.config["ServerSideEncryptionConfiguration"]["Rules"][0]
            ["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "AES256"
    );
    assert_eq!(
        plain.config["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"],
        true
    );
    assert_eq!(plain.config["Policy"]["Statement"][0]["Principal"], "*");
    let named = &built(&d, "Named").resource;
    assert_eq!(named.name.as_deref(), Some("logs-bucket"));
    assert_eq!(
        named.config["ServerSideEncryptionConfiguration"]["Rules"][0],
        json!({"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "${Key.Arn}"}, "BucketKeyEnabled": true})
    );
    assert_eq!(
        named.config["PublicAccessBlockConfiguration"]["BlockPublicAcls"],
        false
    );
    assert_eq!(
        named.config["PublicAccessBlockConfiguration"]["IgnorePublicAcls"], false,
        "a block given in part leaves the rest off, as the API does"
    );
    assert_eq!(
        named.config["Policy"],
        json!({"Statement": []}),
        "joined by name, text parsed"
    );
    assert_eq!(named.tags["owner"], "team");
    assert_eq!(d.joined, 2);
    assert_eq!(d.unsupported.get("AWS::KMS::Alias"), Some(&1));
}

#[test]
fn queues_topics_log_groups_and_repositories_read_as_live() {
    let d = build_text(
        r#"
Resources:
  Q:
    Type: AWS::SQS::Queue
  KeyedQ:
    Type: AWS::SQS::Queue
    Properties: {KmsMasterKeyId: alias/aws/sqs, QueueName: keyed}
  QP:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Q]
      PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "sqs:*"}]}
  T:
    Type: AWS::SNS::Topic
    Properties: {TopicName: alerts}
  TP:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref T]
      PolicyDocument: {Statement: []}
  L:
    Type: AWS::Logs::LogGroup
    Properties: {RetentionInDays: 7}
  R:
    Type: AWS::ECR::Repository
    Properties:
      ImageScanningConfiguration: {ScanOnPush: true}
      LifecyclePolicy: {LifecyclePolicyText: '{"rules": []}'}
"#,
    );
    let q = &built(&d, "Q").resource.config;
    assert_eq!(
        q["SqsManagedSseEnabled"], true,
        "SSE-SQS unless a key is given"
    );
    assert_eq!(q["Policy"]["Statement"][0]["Action"], "sqs:*");
    let kq = &built(&d, "KeyedQ").resource;
    assert_eq!(kq.config["SqsManagedSseEnabled"], false);
    assert_eq!(kq.config["KmsMasterKeyId"], "alias/aws/sqs");
    assert_eq!(kq.name.as_deref(), Some("keyed"));
    let t = &built(&d, "T").resource;
    assert_eq!(t.name.as_deref(), Some("alerts"));
    assert_eq!(t.config["Policy"], json!({"Statement": []}));
    assert!(t.config.get("KmsMasterKeyId").is_none());
    let l = &built(&d, "L").resource;
    assert_eq!(l.config["RetentionInDays"], 7);
    assert_eq!(
        l.name.as_deref(),
        Some("L"),
        "no name given: the logical id"
    );
    let r = &built(&d, "R").resource.config;
    assert_eq!(r["ImageTagMutability"], "MUTABLE");
    assert_eq!(r["ImageScanningConfiguration"]["ScanOnPush"], true);
    assert_eq!(r["EncryptionConfiguration"]["EncryptionType"], "AES256");
    assert_eq!(r["LifecyclePolicy"], json!({"rules": []}));
}

#[test]
fn an_unknown_value_is_put_back_at_both_extremes() {
    let d = build_text(
        r#"
Parameters:
  Key: {Type: String}
  Block: {Type: String}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties: {KmsMasterKeyId: !Ref Key, SqsManagedSseEnabled: false}
  B:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: {BlockPublicAcls: !Ref Block, IgnorePublicAcls: true}
"#,
    );
    let q = built(&d, "Q");
    assert_eq!(
        q.unknowns,
        [(
            "config.KmsMasterKeyId".to_string(),
            "parameter Key has no value".to_string()
        )]
    );
    assert_eq!(q.resource.config["KmsMasterKeyId"], UNKNOWN_TEXT);
    let other = q.other.as_ref().unwrap();
    assert!(other.config.get("KmsMasterKeyId").is_none());
    assert_eq!(other.id, q.resource.id);
    let b = built(&d, "B");
    assert_eq!(
        b.unknowns[0].0,
        "config.PublicAccessBlockConfiguration.BlockPublicAcls"
    );
    assert_eq!(
        b.resource.config["PublicAccessBlockConfiguration"]["BlockPublicAcls"],
        true
    );
    assert_eq!(
        b.other.as_ref().unwrap().config["PublicAccessBlockConfiguration"]["BlockPublicAcls"],
        false
    );
    assert_eq!(
        b.resource.config["PublicAccessBlockConfiguration"]["IgnorePublicAcls"],
        true
    );
}

#[test]
fn properties_that_do_not_fit_the_type_are_an_error_of_that_resource() {
    let d = build_text(
        "Resources:\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties: {RetentionInDays: forever}\n  M:\n    Type: AWS::Logs::LogGroup\n    Properties: {RetentionInDays: '14'}\n",
    );
    assert_eq!(d.built.len(), 1);
    assert_eq!(
        built(&d, "M").resource.config["RetentionInDays"],
        14,
        "a number written as text"
    );
    assert_eq!(d.errors[0].0, "L");
    assert!(
        d.errors[0]
            .1
            .contains("AWS::Logs::LogGroup: property RetentionInDays"),
        "{:?}",
        d.errors
    );
}

#[test]
fn an_unknown_field_the_document_may_leave_out_takes_its_kind_at_both_extremes() {
    let d = build_text(
        "Parameters:\n  Fifo: {Type: String}\n  Days: {Type: Number}\nResources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: {FifoTopic: !Ref Fifo}\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties: {RetentionInDays: !Ref Days}\n",
    );
    let t = built(&d, "T");
    assert_eq!(t.resource.config["FifoTopic"], true);
    assert_eq!(t.other.as_ref().unwrap().config["FifoTopic"], false);
    let l = built(&d, "L");
    assert_eq!(
        l.resource.config["RetentionInDays"],
        i64::from(i32::MAX),
        "an Option<i32>"
    );
    assert_eq!(l.other.as_ref().unwrap().config["RetentionInDays"], 0);
}
