//! Unit tests of `ec2.rs` on the API's shapes.

use super::*;
use crate::model::aws::ec2::stopped_at;
use aws_sdk_ec2::types::{
    FlowLog, Instance, InstanceState, InstanceStateName, Tag, Volume, VolumeAttachment,
    VolumeState, VolumeType, Vpc,
};
use serde_json::json;

// Shapes as DescribeVolumes, DescribeSecurityGroups, DescribeInstances and DescribeVpcs
// answer them (moto's answers, docs/moto-notes.md).

#[test]
fn volume_document() {
    let v = Volume::builder()
        .volume_id("vol-0a1b2c3d")
        .size(8)
        .volume_type(VolumeType::Gp2)
        .state(VolumeState::Available)
        .encrypted(false)
        .availability_zone("us-east-1a")
        .snapshot_id("")
        .tags(Tag::builder().key("Name").value("scratch").build())
        .tags(Tag::builder().key("owner").value("shop").build())
        .build();
    let r = normalize_volume(&crate::collect::aws::test_at("us-east-1"), &v);
    assert_eq!(
        r.id,
        "arn:aws:ec2:us-east-1:123456789012:volume/vol-0a1b2c3d"
    );
    assert_eq!(r.resource_type, "AWS::EC2::Volume");
    assert_eq!(r.name.as_deref(), Some("scratch"), "the Name tag names it");
    assert_eq!(r.tags["owner"], "shop");
    assert_eq!(
        r.config,
        json!({"VolumeId": "vol-0a1b2c3d", "Size": 8, "VolumeType": "gp2",
            "State": "available", "Encrypted": false, "AvailabilityZone": "us-east-1a",
            "Attachments": []}),
        "absent values are absent keys; an empty SnapshotId is none"
    );
    let attached = Volume::builder()
        .volume_id("vol-0a1b2c3d")
        .attachments(
            VolumeAttachment::builder()
                .instance_id("i-1")
                .state(aws_sdk_ec2::types::VolumeAttachmentState::Attached)
                .device("/dev/sdf")
                .build(),
        )
        .build();
    let r = normalize_volume(&crate::collect::aws::test_at("us-east-1"), &attached);
    assert_eq!(
        r.config["Attachments"],
        json!([{"InstanceId": "i-1", "State": "attached", "Device": "/dev/sdf"}])
    );
}

#[test]
fn snapshot_and_elastic_ip_documents() {
    use aws_sdk_ec2::types::{Address, DomainType, Snapshot, SnapshotState};
    let snap = Snapshot::builder()
        .snapshot_id("snap-1")
        .volume_id("vol-1")
        .volume_size(8)
        .state(SnapshotState::Completed)
        .encrypted(false)
        .build();
    let r = normalize_snapshot(&crate::collect::aws::test_at("eu-west-1"), &snap);
    assert_eq!(r.id, "arn:aws:ec2:eu-west-1:123456789012:snapshot/snap-1");
    assert_eq!(
        r.config,
        json!({"SnapshotId": "snap-1", "VolumeId": "vol-1", "VolumeSize": 8,
            "State": "completed", "Encrypted": false, "Description": ""})
    );
    // An unassociated address: moto answers an empty InstanceId, which is none.
    let eip = Address::builder()
        .allocation_id("eipalloc-1")
        .public_ip("198.51.100.7")
        .domain(DomainType::Vpc)
        .instance_id("")
        .build();
    let r = normalize_address(&crate::collect::aws::test_at("us-east-1"), &eip);
    assert_eq!(
        r.id,
        "arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1"
    );
    assert_eq!(r.name.as_deref(), Some("198.51.100.7"));
    assert_eq!(
        r.config,
        json!({"AllocationId": "eipalloc-1", "PublicIp": "198.51.100.7", "Domain": "vpc"})
    );
}

#[test]
fn security_group_document() {
    let g = crate::collect::aws::ssh_open_group();
    let r = normalize_security_group(&crate::collect::aws::test_at("eu-west-1"), &g);
    assert_eq!(
        r.id,
        "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1"
    );
    assert_eq!(r.name.as_deref(), Some("ssh-open"));
    assert_eq!(
        r.config["IpPermissions"],
        json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}])
    );
    assert_eq!(r.config["IpPermissionsEgress"][0]["IpProtocol"], "-1");
    assert!(r.config["IpPermissionsEgress"][0].get("FromPort").is_none());
}

#[test]
fn stopped_instance_document() {
    let i = Instance::builder()
        .instance_id("i-0abc")
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .image_id("ami-1")
        .state(
            InstanceState::builder()
                .name(InstanceStateName::Stopped)
                .build(),
        )
        .state_transition_reason("User initiated (2026-11-22 16:33:16 UTC)")
        .tags(Tag::builder().key("environment").value("dev").build())
        .build();
    let r = normalize_instance(&crate::collect::aws::test_at("us-east-1"), &i);
    assert_eq!(r.id, "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc");
    assert_eq!(r.config["State"], json!({"Name": "stopped"}));
    assert_eq!(r.config["StoppedAt"], "2026-11-22T16:33:16Z");
    assert_eq!(r.config["InstanceType"], "t3.micro");
    assert_eq!(r.config["SecurityGroups"], json!([]));
    assert!(r.config.get("PublicIpAddress").is_none());
}

#[test]
fn vpc_document_keeps_only_its_own_flow_logs() {
    let v = Vpc::builder()
        .vpc_id("vpc-1")
        .cidr_block("10.0.0.0/16")
        .is_default(true)
        .build();
    let logs = [
        FlowLog::builder()
            .flow_log_id("fl-1")
            .resource_id("vpc-1")
            .flow_log_status("ACTIVE")
            .traffic_type(aws_sdk_ec2::types::TrafficType::All)
            .build(),
        FlowLog::builder()
            .flow_log_id("fl-2")
            .resource_id("vpc-2")
            .build(),
    ];
    let r = normalize_vpc(&crate::collect::aws::test_at("us-east-1"), &v, &logs);
    assert_eq!(
        r.config["FlowLogs"],
        json!([{"FlowLogId": "fl-1", "FlowLogStatus": "ACTIVE", "TrafficType": "ALL"}])
    );
    assert_eq!(r.config["IsDefault"], true);
}

#[test]
fn parses_stop_time_from_transition_reason() {
    assert_eq!(
        stopped_at("User initiated (2019-12-23 14:32:13 GMT)").as_deref(),
        Some("2019-12-23T14:32:13Z")
    );
    assert_eq!(
        stopped_at("User initiated (2026-11-22 16:33:16 UTC)").as_deref(),
        Some("2026-11-22T16:33:16Z")
    );
    assert_eq!(stopped_at("User initiated"), None);
    assert_eq!(stopped_at(""), None);
}

/// The SDK's answer and the same answer as a plain document (as the CLI prints it) give one
/// resource: what a second AWS source relies on.
#[test]
fn sdk_answer_and_plain_document_agree() {
    let v = Volume::builder()
        .volume_id("vol-9")
        .size(20)
        .volume_type(VolumeType::Gp3)
        .state(VolumeState::InUse)
        .encrypted(true)
        .kms_key_id("arn:aws:kms:us-east-1:123456789012:key/k")
        .snapshot_id("")
        .attachments(
            VolumeAttachment::builder()
                .instance_id("i-1")
                .state(aws_sdk_ec2::types::VolumeAttachmentState::Attached)
                .device("/dev/xvda")
                .build(),
        )
        .tags(Tag::builder().key("owner").value("shop").build())
        .build();
    let at = crate::collect::aws::test_at("us-east-1");
    let plain = json!({"VolumeId": "vol-9", "Size": 20, "VolumeType": "gp3", "State": "in-use",
        "Encrypted": true, "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/k",
        "SnapshotId": "", "Iops": 3000, "MultiAttachEnabled": false,
        "Attachments": [{"InstanceId": "i-1", "State": "attached", "Device": "/dev/xvda",
            "DeleteOnTermination": true}]});
    let tags = [("owner".to_string(), "shop".to_string())].into();
    assert_eq!(
        normalize_volume(&at, &v),
        crate::model::aws::from_document::<crate::model::aws::ec2::Volume>(&at, plain, tags)
            .unwrap()
    );
}
