//! Golden contract, one test per type: the same resource read live (the SDK's answer) and as
//! a configuration item (shaped as AWS's published resource schema and Config's APIs give it)
//! becomes the same `Resource`, byte for byte.

use serde_json::{json, Value};

use super::*;
use crate::collect::aws::test_at;

const ACCOUNT: &str = "123456789012";

fn from_item(ci: Value) -> Resource {
    resource(&item(&ci).unwrap()).unwrap().expect("a document")
}

fn same(live: Resource, ci: Value) {
    let recorded = from_item(ci);
    assert_eq!(
        serde_json::to_string_pretty(&recorded).unwrap(),
        serde_json::to_string_pretty(&live).unwrap(),
        "the configuration item's document differs from the live one"
    );
}

/// A BatchGetResourceConfig item: `configuration` a JSON string, no tags.
fn batch_item(t: &str, arn: &str, region: &str, configuration: Value) -> Value {
    json!({
        "version": "1.3", "accountId": ACCOUNT, "configurationItemCaptureTime": 1.767e9,
        "configurationItemStatus": "OK", "configurationStateId": "1767000000000",
        "arn": arn, "resourceType": t, "resourceId": "x", "awsRegion": region,
        "configuration": configuration.to_string(), "supplementaryConfiguration": {}
    })
}

/// A SelectResourceConfig result: `configuration` an object, tags `[{key, value}]`.
fn select_item(t: &str, arn: &str, region: &str, configuration: Value, tags: Value) -> Value {
    json!({
        "accountId": ACCOUNT, "configurationItemCaptureTime": "2026-12-07T08:00:00.123Z",
        "configurationItemStatus": "OK", "arn": arn, "resourceType": t, "awsRegion": region,
        "configuration": configuration, "supplementaryConfiguration": {}, "tags": tags
    })
}

fn dt(s: &str) -> aws_sdk_ec2::primitives::DateTime {
    aws_sdk_ec2::primitives::DateTime::from_str(
        s,
        aws_sdk_ec2::primitives::DateTimeFormat::DateTime,
    )
    .unwrap()
}

#[test]
fn ec2_volume() {
    use aws_sdk_ec2::types::*;
    let v = Volume::builder()
        .volume_id("vol-1")
        .size(8)
        .volume_type(VolumeType::Gp3)
        .state(VolumeState::InUse)
        .encrypted(false)
        .create_time(dt("2026-01-02T03:04:05Z"))
        .availability_zone("us-east-1a")
        .attachments(
            VolumeAttachment::builder()
                .instance_id("i-1")
                .state(VolumeAttachmentState::Attached)
                .device("/dev/xvda")
                .build(),
        )
        .tags(Tag::builder().key("owner").value("shop").build())
        .build();
    let live = super::super::ec2::normalize_volume(&test_at("us-east-1"), &v);
    same(
        live,
        select_item(
            "AWS::EC2::Volume",
            "arn:aws:ec2:us-east-1:123456789012:volume/vol-1",
            "us-east-1",
            json!({"volumeId": "vol-1", "size": 8, "volumeType": "gp3", "state": {"value": "in-use"},
                "encrypted": false, "createTime": "2026-01-02T03:04:05.000Z",
                "availabilityZone": "us-east-1a", "snapshotId": "", "iops": 3000,
                "fastRestored": false, "multiAttachEnabled": false, "throughput": 125,
                "attachments": [{"attachTime": "2026-01-02T03:05:00.000Z", "deleteOnTermination": true,
                    "device": "/dev/xvda", "instanceId": "i-1", "state": "attached", "volumeId": "vol-1"}],
                "tags": [{"key": "owner", "value": "shop"}]}),
            json!([{"key": "owner", "value": "shop"}]),
        ),
    );
}

#[test]
fn ec2_instance() {
    use aws_sdk_ec2::types::*;
    let i = Instance::builder()
        .instance_id("i-1")
        .instance_type(InstanceType::T3Micro)
        .image_id("ami-1")
        .state(
            InstanceState::builder()
                .name(InstanceStateName::Stopped)
                .code(80)
                .build(),
        )
        .state_transition_reason("User initiated (2026-01-02 03:04:05 GMT)")
        .launch_time(dt("2026-01-01T00:00:00Z"))
        .private_ip_address("10.0.0.5")
        .vpc_id("vpc-1")
        .subnet_id("subnet-1")
        .iam_instance_profile(
            IamInstanceProfile::builder()
                .arn("arn:aws:iam::123456789012:instance-profile/web")
                .build(),
        )
        .metadata_options(
            InstanceMetadataOptionsResponse::builder()
                .http_tokens(HttpTokensState::Optional)
                .http_endpoint(InstanceMetadataEndpointState::Enabled)
                .build(),
        )
        .security_groups(
            GroupIdentifier::builder()
                .group_id("sg-1")
                .group_name("web")
                .build(),
        )
        .block_device_mappings(
            InstanceBlockDeviceMapping::builder()
                .device_name("/dev/xvda")
                .ebs(EbsInstanceBlockDevice::builder().volume_id("vol-1").build())
                .build(),
        )
        .build();
    let live = super::super::ec2::normalize_instance(&test_at("us-east-1"), &i);
    same(
        live,
        batch_item(
            "AWS::EC2::Instance",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
            "us-east-1",
            json!({"instanceId": "i-1", "instanceType": "t3.micro", "imageId": "ami-1",
                "state": {"code": 80, "name": "stopped"},
                "stateTransitionReason": "User initiated (2026-01-02 03:04:05 GMT)",
                "launchTime": "2026-01-01T00:00:00.000Z", "privateIpAddress": "10.0.0.5",
                "vpcId": "vpc-1", "subnetId": "subnet-1", "architecture": "x86_64",
                "iamInstanceProfile": {"arn": "arn:aws:iam::123456789012:instance-profile/web", "id": "AIPA1"},
                "metadataOptions": {"httpTokens": "optional", "httpEndpoint": "enabled",
                    "httpPutResponseHopLimit": 1, "state": "applied"},
                "securityGroups": [{"groupId": "sg-1", "groupName": "web"}],
                "blockDeviceMappings": [{"deviceName": "/dev/xvda",
                    "ebs": {"volumeId": "vol-1", "status": "attached", "deleteOnTermination": true}}]}),
        ),
    );
}

#[test]
fn ec2_security_group_with_both_range_shapes() {
    let g = crate::collect::aws::ssh_open_group();
    let live = super::super::ec2::normalize_security_group(&test_at("eu-west-1"), &g);
    same(
        live,
        batch_item(
            "AWS::EC2::SecurityGroup",
            "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1",
            "eu-west-1",
            json!({"groupId": "sg-1", "groupName": "ssh-open", "description": "ssh",
                "vpcId": "vpc-1", "ownerId": ACCOUNT,
                // A current item: ranges as `ipv4Ranges`.
                "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                    "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [], "prefixListIds": [],
                    "userIdGroupPairs": []}],
                // An older item: ranges as plain CIDR strings.
                "ipPermissionsEgress": [{"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"],
                    "ipv6Ranges": [], "prefixListIds": [], "userIdGroupPairs": []}]}),
        ),
    );
}

#[test]
fn ec2_eip() {
    use aws_sdk_ec2::types::*;
    let a = Address::builder()
        .allocation_id("eipalloc-1")
        .public_ip("203.0.113.7")
        .domain(DomainType::Vpc)
        .build();
    let live = super::super::ec2::normalize_address(&test_at("us-east-1"), &a);
    same(
        live,
        batch_item(
            "AWS::EC2::EIP",
            "arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1",
            "us-east-1",
            json!({"allocationId": "eipalloc-1", "publicIp": "203.0.113.7", "domain": "vpc",
                "instanceId": "", "publicIpv4Pool": "amazon"}),
        ),
    );
}

#[test]
fn s3_bucket_from_its_supplementary_configuration() {
    use aws_sdk_s3::types::*;
    let enc = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::AwsKms)
                        .kms_master_key_id("arn:aws:kms:eu-west-1:123456789012:key/k")
                        .build()
                        .unwrap(),
                )
                .bucket_key_enabled(true)
                .build(),
        )
        .build()
        .unwrap();
    let pab = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(false)
        .build();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    let live = crate::model::aws::s3::Bucket {
        name: "logs".into(),
        creation_date: Some("2026-01-02T03:04:05Z".into()),
        region: "eu-west-1".into(),
        server_side_encryption_configuration: Some(super::super::s3::encryption(&enc)),
        public_access_block_configuration: Some(super::super::s3::public_access(&pab)),
        policy: Some(super::super::s3::policy_document(policy)),
    }
    .resource(
        &test_at("eu-west-1"),
        [("owner".to_string(), "platform".to_string())].into(),
    );
    let ci = json!({
        "accountId": ACCOUNT, "configurationItemStatus": "OK", "arn": "arn:aws:s3:::logs",
        "resourceType": "AWS::S3::Bucket", "awsRegion": "eu-west-1",
        "configuration": {"name": "logs", "owner": {"id": "abc"}, "creationDate": "2026-01-02T03:04:05.000Z"},
        "supplementaryConfiguration": {
            "ServerSideEncryptionConfiguration": "{\"rules\":[{\"applyServerSideEncryptionByDefault\":{\"sseAlgorithm\":\"aws:kms\",\"kmsMasterKeyID\":\"arn:aws:kms:eu-west-1:123456789012:key/k\"},\"bucketKeyEnabled\":true}]}",
            "PublicAccessBlockConfiguration": "{\"blockPublicAcls\":true,\"ignorePublicAcls\":true,\"blockPublicPolicy\":true,\"restrictPublicBuckets\":false}",
            "BucketPolicy": serde_json::to_string(&json!({"policyText": policy})).unwrap(),
            "BucketVersioningConfiguration": "{\"status\":\"Off\",\"isMfaDeleteEnabled\":null}",
            "AccessControlList": "\"{\\\"grantList\\\":[]}\""
        },
        "tags": {"owner": "platform"}
    });
    same(live, ci);
}

#[test]
fn kms_key_with_rotation_and_tags_from_supplementary() {
    use aws_sdk_kms::types::*;
    let meta = KeyMetadata::builder()
        .key_id("k1")
        .arn("arn:aws:kms:us-east-1:123456789012:key/k1")
        .key_manager(KeyManagerType::Customer)
        .key_spec(KeySpec::SymmetricDefault)
        .key_usage(KeyUsageType::EncryptDecrypt)
        .key_state(KeyState::Enabled)
        .enabled(true)
        .description("orders")
        .creation_date(aws_sdk_kms::primitives::DateTime::from_secs(1_767_225_600))
        .build()
        .unwrap();
    let live = super::super::kms::normalize(
        &test_at("us-east-1"),
        &meta,
        Some(false),
        [("owner".to_string(), "shop".to_string())].into(),
    );
    let mut ci = batch_item(
        "AWS::KMS::Key",
        "arn:aws:kms:us-east-1:123456789012:key/k1",
        "us-east-1",
        json!({"keyId": "k1", "arn": "arn:aws:kms:us-east-1:123456789012:key/k1",
            "awsaccountId": ACCOUNT, "keyManager": "CUSTOMER", "keySpec": "SYMMETRIC_DEFAULT",
            "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "keyUsage": "ENCRYPT_DECRYPT",
            "keyState": "Enabled", "enabled": true, "description": "orders",
            "creationDate": "2026-01-01T00:00:00.000Z", "origin": "AWS_KMS",
            "encryptionAlgorithms": ["SYMMETRIC_DEFAULT"]}),
    );
    ci["supplementaryConfiguration"] = json!({
        "KeyRotationStatus": "false",
        "Tags": "[{\"tagKey\":\"owner\",\"tagValue\":\"shop\"}]"
    });
    same(live, ci.clone());
    // An AWS-managed key is not a document (the live collector skips it too).
    let configuration: Value = serde_json::from_str(ci["configuration"].as_str().unwrap()).unwrap();
    let mut managed = configuration;
    managed["keyManager"] = json!("AWS");
    ci["configuration"] = json!(managed.to_string());
    assert!(resource(&item(&ci).unwrap()).unwrap().is_none());
}

#[test]
fn rds_db_instance() {
    use aws_sdk_rds::types::*;
    let d = DbInstance::builder()
        .db_instance_identifier("orders")
        .db_instance_arn("arn:aws:rds:eu-west-1:123456789012:db:orders")
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .engine_version("16.3")
        .db_instance_status("available")
        .storage_encrypted(true)
        .kms_key_id("arn:aws:kms:eu-west-1:123456789012:key/k")
        .publicly_accessible(false)
        .multi_az(true)
        .backup_retention_period(7)
        .tag_list(Tag::builder().key("owner").value("shop").build())
        .build();
    let live = super::super::rds::normalize(&test_at("eu-west-1"), &d);
    same(
        live,
        select_item(
            "AWS::RDS::DBInstance",
            "arn:aws:rds:eu-west-1:123456789012:db:orders",
            "eu-west-1",
            json!({"dBInstanceIdentifier": "orders", "dBInstanceArn": "arn:aws:rds:eu-west-1:123456789012:db:orders",
                "dBInstanceClass": "db.t3.micro", "engine": "postgres", "engineVersion": "16.3",
                "dBInstanceStatus": "available", "storageEncrypted": true,
                "kmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/k", "publiclyAccessible": false,
                "multiAZ": true, "backupRetentionPeriod": 7, "dbiResourceId": "db-ABC",
                "iAMDatabaseAuthenticationEnabled": false, "deletionProtection": false}),
            json!([{"key": "owner", "value": "shop"}]),
        ),
    );
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn encoded(doc: &str) -> String {
    percent_encoding::utf8_percent_encode(doc, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[test]
fn iam_role_with_url_encoded_policies() {
    use aws_sdk_iam::types::*;
    let role = RoleDetail::builder()
        .role_name("app")
        .role_id("AROA1")
        .arn("arn:aws:iam::123456789012:role/app")
        .path("/")
        .create_date(aws_sdk_iam::primitives::DateTime::from_secs(1_767_225_600))
        .assume_role_policy_document(encoded(TRUST))
        .role_policy_list(
            PolicyDetail::builder()
                .policy_name("inline")
                .policy_document(encoded(ADMIN))
                .build(),
        )
        .attached_managed_policies(
            AttachedPolicy::builder()
                .policy_name("ReadOnlyAccess")
                .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .build(),
        )
        .build();
    let live = super::super::iam::normalize_role(&test_at("global"), &role);
    same(
        live,
        batch_item(
            "AWS::IAM::Role",
            "arn:aws:iam::123456789012:role/app",
            "global",
            json!({"roleName": "app", "roleId": "AROA1", "arn": "arn:aws:iam::123456789012:role/app",
                "path": "/", "createDate": "2026-01-01T00:00:00.000Z",
                "assumeRolePolicyDocument": encoded(TRUST),
                "rolePolicyList": [{"policyName": "inline", "policyDocument": encoded(ADMIN)}],
                "attachedManagedPolicies": [{"policyName": "ReadOnlyAccess",
                    "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
                "instanceProfileList": [], "permissionsBoundary": null}),
        ),
    );
}

#[test]
fn iam_group() {
    use aws_sdk_iam::types::*;
    let g = GroupDetail::builder()
        .group_name("admins")
        .group_id("AGPA1")
        .arn("arn:aws:iam::123456789012:group/admins")
        .path("/")
        .create_date(aws_sdk_iam::primitives::DateTime::from_secs(1_767_225_600))
        .group_policy_list(
            PolicyDetail::builder()
                .policy_name("all")
                .policy_document(encoded(ADMIN))
                .build(),
        )
        .build();
    let live = super::super::iam::normalize_group(&test_at("global"), &g);
    same(
        live,
        batch_item(
            "AWS::IAM::Group",
            "arn:aws:iam::123456789012:group/admins",
            "global",
            json!({"groupName": "admins", "groupId": "AGPA1", "arn": "arn:aws:iam::123456789012:group/admins",
                "path": "/", "createDate": "2026-01-01T00:00:00.000Z",
                "groupPolicyList": [{"policyName": "all", "policyDocument": encoded(ADMIN)}],
                "attachedManagedPolicies": []}),
        ),
    );
}

#[test]
fn iam_policy_default_version() {
    use aws_sdk_iam::types::*;
    let p = ManagedPolicyDetail::builder()
        .policy_name("deploy")
        .policy_id("ANPA1")
        .arn("arn:aws:iam::123456789012:policy/deploy")
        .path("/")
        .default_version_id("v2")
        .attachment_count(1)
        .is_attachable(true)
        .create_date(aws_sdk_iam::primitives::DateTime::from_secs(1_767_225_600))
        .update_date(aws_sdk_iam::primitives::DateTime::from_secs(1_767_312_000))
        .policy_version_list(
            PolicyVersion::builder()
                .version_id("v1")
                .is_default_version(false)
                .document(encoded(TRUST))
                .build(),
        )
        .policy_version_list(
            PolicyVersion::builder()
                .version_id("v2")
                .is_default_version(true)
                .document(encoded(ADMIN))
                .build(),
        )
        .build();
    let live = super::super::iam::normalize_policy(&test_at("global"), &p);
    same(
        live,
        batch_item(
            "AWS::IAM::Policy",
            "arn:aws:iam::123456789012:policy/deploy",
            "global",
            json!({"policyName": "deploy", "policyId": "ANPA1", "arn": "arn:aws:iam::123456789012:policy/deploy",
                "path": "/", "defaultVersionId": "v2", "attachmentCount": 1, "isAttachable": true,
                "createDate": "2026-01-01T00:00:00.000Z", "updateDate": "2026-01-02T00:00:00.000Z",
                "policyVersionList": [
                    {"versionId": "v1", "isDefaultVersion": false, "document": encoded(TRUST)},
                    {"versionId": "v2", "isDefaultVersion": true, "document": encoded(ADMIN)}]}),
        ),
    );
}

#[test]
fn deleted_items_are_no_document_and_live_only_types_say_why() {
    let mut ci = batch_item(
        "AWS::EC2::Volume",
        "arn:aws:ec2:us-east-1:123456789012:volume/vol-9",
        "us-east-1",
        json!({"volumeId": "vol-9"}),
    );
    ci["configurationItemStatus"] = json!("ResourceDeleted");
    assert!(resource(&item(&ci).unwrap()).unwrap().is_none());
    let vpc = batch_item(
        "AWS::EC2::VPC",
        "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1",
        "us-east-1",
        json!({}),
    );
    let e = resource(&item(&vpc).unwrap()).unwrap_err().to_string();
    assert!(e.contains("vpc/vpc-1") && e.contains("flow logs"), "{e}");
    let bad = batch_item(
        "AWS::EC2::Volume",
        "arn:aws:ec2:us-east-1:123456789012:volume/vol-8",
        "us-east-1",
        json!({"volumeId": "vol-8", "size": "big"}),
    );
    let e = resource(&item(&bad).unwrap()).unwrap_err().to_string();
    assert!(
        e.contains("vol-8") && e.contains("shape of AWS::EC2::Volume"),
        "{e}"
    );
    // Every type is either converted or named as live-only.
    for t in crate::model::aws::TYPES.iter().flat_map(|t| t.iter()) {
        let ci = batch_item(t, "arn:x", "us-east-1", json!({}));
        if let Err(e) = resource(&item(&ci).unwrap()) {
            assert!(
                LIVE_ONLY.iter().any(|(ty, _)| ty == t)
                    || super::NOT_YET_FROM_CONFIG.contains(t)
                    || e.message.contains("shape of"),
                "{t}: {e}"
            );
        }
    }
}
