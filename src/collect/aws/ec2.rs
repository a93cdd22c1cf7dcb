//! EC2: instances, volumes, own snapshots, Elastic IPs, security groups, VPCs with their flow
//! logs, and EBS encryption-by-default, each its own scope per region.

use aws_sdk_ec2::types::{
    Address, FlowLog, Instance, IpPermission, SecurityGroup, Snapshot, Tag, Volume, Vpc,
};
use aws_sdk_ec2::Client;
use serde_json::{json, Value};

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::Resource;

fn tags(t: &[Tag]) -> std::collections::BTreeMap<String, String> {
    tag_map(t.iter().map(|t| (t.key(), t.value())))
}

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let client = super::client!(aws_sdk_ec2, ctx, region);
    let (a, b, c, d, e, f, g) = tokio::join!(
        instances(ctx, &client, region),
        volumes(ctx, &client, region),
        snapshots(ctx, &client, region),
        addresses(ctx, &client, region),
        security_groups(ctx, &client, region),
        vpcs(ctx, &client, region),
        ebs_default(ctx, &client, region),
    );
    vec![a, b, c, d, e, f, g]
}

fn done(ctx: &Ctx, region: &str, t: &str, r: Result<Vec<Resource>, String>) -> ScopeResult {
    ScopeResult::of(ctx.scope(region, t), r)
}

async fn instances(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = ctx
        .call(
            client
                .describe_instances()
                .into_paginator()
                .send()
                .try_collect(),
        )
        .await
        .map_err(|e| format!("ec2:DescribeInstances: {}", err_text(&e)))
        .map(|pages| {
            pages
                .iter()
                .flat_map(|p| p.reservations())
                .flat_map(|r| r.instances())
                .map(|i| normalize_instance(ctx, region, i))
                .collect()
        });
    done(ctx, region, "AWS::EC2::Instance", r)
}

/// `User initiated (2024-01-01 12:00:00 GMT)` → `2024-01-01T12:00:00Z` (emulators write UTC).
pub fn stopped_at(reason: &str) -> Option<String> {
    let start = reason.find('(')? + 1;
    let end = reason[start..]
        .find(" GMT)")
        .or_else(|| reason[start..].find(" UTC)"))?
        + start;
    let t = chrono::NaiveDateTime::parse_from_str(&reason[start..end], "%Y-%m-%d %H:%M:%S").ok()?;
    Some(t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

pub fn normalize_instance(ctx: &Ctx, region: &str, i: &Instance) -> Resource {
    let id = i.instance_id().unwrap_or_default();
    let state = i
        .state()
        .and_then(|s| s.name())
        .map(|n| n.as_str().to_string());
    let reason = i.state_transition_reason().unwrap_or_default();
    let stopped = if state.as_deref() == Some("stopped") {
        stopped_at(reason)
    } else {
        None
    };
    let config = json!({
        "InstanceId": id,
        "InstanceType": i.instance_type().map(|t| t.as_str()),
        "ImageId": i.image_id(),
        "State": {"Name": state},
        "StateTransitionReason": reason,
        "StoppedAt": stopped,
        "LaunchTime": i.launch_time().map(ts),
        "PublicIpAddress": i.public_ip_address(),
        "PrivateIpAddress": i.private_ip_address(),
        "VpcId": i.vpc_id(),
        "SubnetId": i.subnet_id(),
        "IamInstanceProfile": i.iam_instance_profile().map(|p| json!({"Arn": p.arn()})),
        "MetadataOptions": i.metadata_options().map(|m| json!({
            "HttpTokens": m.http_tokens().map(|t| t.as_str()),
            "HttpEndpoint": m.http_endpoint().map(|t| t.as_str()),
        })),
        "SecurityGroups": i.security_groups().iter().map(|g| json!({"GroupId": g.group_id(), "GroupName": g.group_name()})).collect::<Vec<_>>(),
        "BlockDeviceMappings": i.block_device_mappings().iter().map(|b| json!({
            "DeviceName": b.device_name(),
            "VolumeId": b.ebs().and_then(|e| e.volume_id()),
        })).collect::<Vec<_>>(),
    });
    ctx.resource(
        format!("arn:aws:ec2:{region}:{}:instance/{id}", ctx.account),
        "AWS::EC2::Instance",
        region,
        None,
        tags(i.tags()),
        config,
    )
}

async fn volumes(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = ctx
        .call(
            client
                .describe_volumes()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
        .map_err(|e| format!("ec2:DescribeVolumes: {}", err_text(&e)))
        .map(|v| v.iter().map(|v| normalize_volume(ctx, region, v)).collect());
    done(ctx, region, "AWS::EC2::Volume", r)
}

pub fn normalize_volume(ctx: &Ctx, region: &str, v: &Volume) -> Resource {
    let id = v.volume_id().unwrap_or_default();
    let config = json!({
        "VolumeId": id,
        "Size": v.size(),
        "VolumeType": v.volume_type().map(|t| t.as_str()),
        "State": v.state().map(|s| s.as_str()),
        "Encrypted": v.encrypted().unwrap_or(false),
        "KmsKeyId": v.kms_key_id(),
        "CreateTime": v.create_time().map(ts),
        "AvailabilityZone": v.availability_zone(),
        "SnapshotId": v.snapshot_id().filter(|s| !s.is_empty()),
        "Attachments": v.attachments().iter().map(|a| json!({
            "InstanceId": a.instance_id(),
            "State": a.state().map(|s| s.as_str()),
            "Device": a.device(),
        })).collect::<Vec<_>>(),
    });
    ctx.resource(
        format!("arn:aws:ec2:{region}:{}:volume/{id}", ctx.account),
        "AWS::EC2::Volume",
        region,
        None,
        tags(v.tags()),
        config,
    )
}

async fn snapshots(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = ctx
        .call(
            client
                .describe_snapshots()
                .owner_ids("self")
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
        .map_err(|e| format!("ec2:DescribeSnapshots: {}", err_text(&e)))
        .map(|v| {
            v.iter()
                .map(|s| normalize_snapshot(ctx, region, s))
                .collect()
        });
    done(ctx, region, "AWS::EC2::Snapshot", r)
}

pub fn normalize_snapshot(ctx: &Ctx, region: &str, s: &Snapshot) -> Resource {
    let id = s.snapshot_id().unwrap_or_default();
    let config = json!({
        "SnapshotId": id,
        "VolumeId": s.volume_id(),
        "VolumeSize": s.volume_size(),
        "StartTime": s.start_time().map(ts),
        "State": s.state().map(|x| x.as_str()),
        "Encrypted": s.encrypted().unwrap_or(false),
        "KmsKeyId": s.kms_key_id(),
        "Description": s.description().unwrap_or_default(),
    });
    ctx.resource(
        format!("arn:aws:ec2:{region}:{}:snapshot/{id}", ctx.account),
        "AWS::EC2::Snapshot",
        region,
        None,
        tags(s.tags()),
        config,
    )
}

async fn addresses(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = ctx
        .call(client.describe_addresses().send())
        .await
        .map_err(|e| format!("ec2:DescribeAddresses: {}", err_text(&e)))
        .map(|out| {
            out.addresses()
                .iter()
                .map(|a| normalize_address(ctx, region, a))
                .collect()
        });
    done(ctx, region, "AWS::EC2::EIP", r)
}

pub fn normalize_address(ctx: &Ctx, region: &str, a: &Address) -> Resource {
    let id = a.allocation_id().or(a.public_ip()).unwrap_or_default();
    let config = json!({
        "AllocationId": a.allocation_id(),
        "PublicIp": a.public_ip(),
        "Domain": a.domain().map(|d| d.as_str()),
        "AssociationId": a.association_id(),
        "InstanceId": a.instance_id().filter(|s| !s.is_empty()),
        "NetworkInterfaceId": a.network_interface_id(),
    });
    ctx.resource(
        format!("arn:aws:ec2:{region}:{}:elastic-ip/{id}", ctx.account),
        "AWS::EC2::EIP",
        region,
        a.public_ip().map(str::to_string),
        tags(a.tags()),
        config,
    )
}

async fn security_groups(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = ctx
        .call(
            client
                .describe_security_groups()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
        .map_err(|e| format!("ec2:DescribeSecurityGroups: {}", err_text(&e)))
        .map(|v| {
            v.iter()
                .map(|g| normalize_security_group(ctx, region, g))
                .collect()
        });
    done(ctx, region, "AWS::EC2::SecurityGroup", r)
}

fn permission(p: &IpPermission) -> Value {
    json!({
        "IpProtocol": p.ip_protocol(),
        "FromPort": p.from_port(),
        "ToPort": p.to_port(),
        "IpRanges": p.ip_ranges().iter().map(|r| json!({"CidrIp": r.cidr_ip()})).collect::<Vec<_>>(),
        "Ipv6Ranges": p.ipv6_ranges().iter().map(|r| json!({"CidrIpv6": r.cidr_ipv6()})).collect::<Vec<_>>(),
        "UserIdGroupPairs": p.user_id_group_pairs().iter().map(|g| json!({"GroupId": g.group_id()})).collect::<Vec<_>>(),
    })
}

pub fn normalize_security_group(ctx: &Ctx, region: &str, g: &SecurityGroup) -> Resource {
    let id = g.group_id().unwrap_or_default();
    let config = json!({
        "GroupId": id,
        "GroupName": g.group_name(),
        "Description": g.description(),
        "VpcId": g.vpc_id(),
        "IpPermissions": g.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
        "IpPermissionsEgress": g.ip_permissions_egress().iter().map(permission).collect::<Vec<_>>(),
    });
    ctx.resource(
        format!("arn:aws:ec2:{region}:{}:security-group/{id}", ctx.account),
        "AWS::EC2::SecurityGroup",
        region,
        g.group_name().map(str::to_string),
        tags(g.tags()),
        config,
    )
}

async fn vpcs(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let (vpcs, logs) = tokio::join!(
        ctx.call(
            client
                .describe_vpcs()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        ctx.call(
            client
                .describe_flow_logs()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
    );
    // Without flow logs a VPC document would be wrong, so both calls must succeed.
    let r = match (vpcs, logs) {
        (Ok(vpcs), Ok(logs)) => Ok(vpcs
            .iter()
            .map(|v| normalize_vpc(ctx, region, v, &logs))
            .collect()),
        (Err(e), _) => Err(format!("ec2:DescribeVpcs: {}", err_text(&e))),
        (_, Err(e)) => Err(format!("ec2:DescribeFlowLogs: {}", err_text(&e))),
    };
    done(ctx, region, "AWS::EC2::VPC", r)
}

pub fn normalize_vpc(ctx: &Ctx, region: &str, v: &Vpc, logs: &[FlowLog]) -> Resource {
    let id = v.vpc_id().unwrap_or_default();
    let config = json!({
        "VpcId": id,
        "CidrBlock": v.cidr_block(),
        "IsDefault": v.is_default().unwrap_or(false),
        "State": v.state().map(|s| s.as_str()),
        "FlowLogs": logs.iter().filter(|l| l.resource_id() == Some(id)).map(|l| json!({
            "FlowLogId": l.flow_log_id(),
            "FlowLogStatus": l.flow_log_status(),
            "TrafficType": l.traffic_type().map(|t| t.as_str()),
            "LogDestinationType": l.log_destination_type().map(|t| t.as_str()),
        })).collect::<Vec<_>>(),
    });
    ctx.resource(
        format!("arn:aws:ec2:{region}:{}:vpc/{id}", ctx.account),
        "AWS::EC2::VPC",
        region,
        None,
        tags(v.tags()),
        config,
    )
}

async fn ebs_default(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = ctx
        .call(client.get_ebs_encryption_by_default().send())
        .await
        .map_err(|e| format!("ec2:GetEbsEncryptionByDefault: {}", err_text(&e)))
        .map(|out| {
            vec![normalize_ebs_default(
                ctx,
                region,
                out.ebs_encryption_by_default().unwrap_or(false),
            )]
        });
    done(ctx, region, "AWS::EC2::EBSEncryptionDefault", r)
}

/// A region's EBS encryption-by-default setting as one resource.
pub fn normalize_ebs_default(ctx: &Ctx, region: &str, enabled: bool) -> Resource {
    ctx.resource(
        format!(
            "arn:aws:ec2:{region}:{}:ebs-encryption-by-default",
            ctx.account
        ),
        "AWS::EC2::EBSEncryptionDefault",
        region,
        Some(format!("EBS encryption by default ({region})")),
        Default::default(),
        json!({"EbsEncryptionByDefault": enabled}),
    )
}

#[cfg(test)]
#[path = "ec2_tests.rs"]
mod tests;
