//! A synthetic AWS estate for benchmarks and engine tests: deterministic, mixed types, about
//! half of the resources non-compliant in some way.

use chrono::Utc;
use serde_json::json;

use super::{Resource, Snapshot};

/// A deterministic mix of AWS resources, about half of them non-compliant in some way.
pub fn estate(n: usize) -> Snapshot {
    let account = "123456789012";
    let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    let mut resources = Vec::with_capacity(n);
    for i in 0..n {
        let region = regions[i % regions.len()];
        let odd = i % 2 == 1;
        let mut tags = std::collections::BTreeMap::new();
        if i % 3 != 0 {
            tags.insert("owner".to_string(), "platform-team".to_string());
            tags.insert(
                "environment".to_string(),
                if odd { "dev" } else { "prod" }.to_string(),
            );
            tags.insert("cost-center".to_string(), "cc-42".to_string());
            tags.insert("data-classification".to_string(), "internal".to_string());
        }
        if i % 7 == 0 {
            tags.insert(
                "NIST_Control".to_string(),
                if odd { "AC-2_SC-28" } else { "AC-99" }.to_string(),
            );
        }
        let (t, id, config) = match i % 20 {
            0..=5 => (
                "AWS::EC2::Instance",
                format!("arn:aws:ec2:{region}:{account}:instance/i-{i:017x}"),
                json!({
                    "InstanceId": format!("i-{i:017x}"), "InstanceType": "t3.micro", "ImageId": "ami-123",
                    "State": {"Name": if i % 11 == 0 { "stopped" } else { "running" }},
                    "StateTransitionReason": "", "StoppedAt": if i % 11 == 0 { Some("2026-01-01T00:00:00Z") } else { None },
                    "LaunchTime": "2025-01-01T00:00:00Z",
                    "PublicIpAddress": if odd { Some("203.0.113.10") } else { None },
                    "MetadataOptions": {"HttpTokens": if odd { "optional" } else { "required" }, "HttpEndpoint": "enabled"},
                    "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web"}], "BlockDeviceMappings": [],
                }),
            ),
            6..=10 => (
                "AWS::EC2::Volume",
                format!("arn:aws:ec2:{region}:{account}:volume/vol-{i:017x}"),
                json!({
                    "VolumeId": format!("vol-{i:017x}"), "Size": 100, "VolumeType": "gp3",
                    "State": if i % 13 == 0 { "available" } else { "in-use" }, "Encrypted": !odd,
                    "CreateTime": "2025-01-01T00:00:00Z", "AvailabilityZone": format!("{region}a"), "Attachments": [],
                }),
            ),
            11..=12 => (
                "AWS::EC2::Snapshot",
                format!("arn:aws:ec2:{region}:{account}:snapshot/snap-{i:017x}"),
                json!({
                    "SnapshotId": format!("snap-{i:017x}"), "VolumeId": "vol-1", "VolumeSize": 100,
                    "StartTime": "2025-01-01T00:00:00Z", "State": "completed", "Encrypted": odd, "Description": "",
                }),
            ),
            13..=14 => (
                "AWS::EC2::SecurityGroup",
                format!("arn:aws:ec2:{region}:{account}:security-group/sg-{i:017x}"),
                json!({
                    "GroupId": format!("sg-{i:017x}"), "GroupName": if i % 40 == 13 { "default" } else { "app" }, "Description": "app",
                    "IpPermissions": [
                        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": if odd { "0.0.0.0/0" } else { "10.0.0.0/8" }}], "Ipv6Ranges": [], "UserIdGroupPairs": []},
                        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}
                    ],
                    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}],
                }),
            ),
            15 => (
                "AWS::S3::Bucket",
                format!("arn:aws:s3:::bucket-{i}"),
                json!({
                    "Name": format!("bucket-{i}"), "CreationDate": "2025-01-01T00:00:00Z", "Region": region,
                    "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": if odd { "AES256" } else { "aws:kms" }}}]},
                    "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": !odd, "RestrictPublicBuckets": true},
                }),
            ),
            16 => (
                "AWS::IAM::Policy",
                format!("arn:aws:iam::{account}:policy/p-{i}"),
                json!({
                    "PolicyName": format!("p-{i}"), "Arn": format!("arn:aws:iam::{account}:policy/p-{i}"), "DefaultVersionId": "v1",
                    "AttachmentCount": 1, "IsAttachable": true,
                    "Document": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": if odd { json!("*") } else { json!(["s3:GetObject", "s3:ListBucket"]) }, "Resource": "*"},
                        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": format!("arn:aws:kms:{region}:{account}:key/k")}
                    ]},
                }),
            ),
            17 => (
                "AWS::IAM::Role",
                format!("arn:aws:iam::{account}:role/r-{i}"),
                json!({
                    "RoleName": format!("r-{i}"), "Arn": format!("arn:aws:iam::{account}:role/r-{i}"), "Path": "/", "CreateDate": "2024-01-01T00:00:00Z",
                    "RolePolicyList": if odd { json!([{"PolicyName": "inline", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]) } else { json!([]) },
                    "AttachedManagedPolicies": [], "RoleLastUsed": {"LastUsedDate": "2026-01-01T00:00:00Z"},
                }),
            ),
            18 => (
                "AWS::KMS::Key",
                format!("arn:aws:kms:{region}:{account}:key/k-{i}"),
                json!({
                    "KeyId": format!("k-{i}"), "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT",
                    "KeyState": "Enabled", "Enabled": true, "Description": "", "KeyRotationEnabled": !odd,
                }),
            ),
            _ => (
                "AWS::RDS::DBInstance",
                format!("arn:aws:rds:{region}:{account}:db:db-{i}"),
                json!({
                    "DBInstanceIdentifier": format!("db-{i}"), "Engine": "postgres", "DBInstanceStatus": "available",
                    "StorageEncrypted": !odd, "PubliclyAccessible": odd, "MultiAZ": false, "BackupRetentionPeriod": 7,
                }),
            ),
        };
        resources.push(Resource {
            id,
            resource_type: t.to_string(),
            provider: "aws".into(),
            account: Some(account.into()),
            region: Some(if t.starts_with("AWS::IAM::") {
                "global".into()
            } else {
                region.into()
            }),
            name: None,
            tags,
            config: crate::collect::prune(config),
        });
    }
    let scopes: std::collections::BTreeSet<String> =
        resources.iter().map(Resource::scope).collect();
    Snapshot {
        version: 1,
        collected_at: Utc::now().to_rfc3339(),
        coverage: scopes
            .into_iter()
            .map(|scope| super::Coverage {
                scope,
                status: super::CoverageStatus::Complete,
                error: None,
            })
            .collect(),
        resources,
    }
}
