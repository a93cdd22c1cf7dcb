//! EC2: instances, volumes, own snapshots, Elastic IPs, security groups, VPCs with their flow
//! logs, and EBS encryption-by-default, each its own scope per region.

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::ec2 as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;
use aws_sdk_ec2::types::{
    Address, FlowLog, Instance, IpPermission, SecurityGroup, Snapshot, Tag, Volume, Vpc,
};
use aws_sdk_ec2::Client;

fn tags(t: &[Tag]) -> std::collections::BTreeMap<String, String> {
    tag_map(t.iter().map(|t| (t.key(), t.value())))
}

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let client = super::client!(aws_sdk_ec2, ctx, region);
    let (a, b, c, d, e, f, g, network) = tokio::join!(
        instances(ctx, &client, region),
        volumes(ctx, &client, region),
        snapshots(ctx, &client, region),
        addresses(ctx, &client, region),
        security_groups(ctx, &client, region),
        vpcs(ctx, &client, region),
        ebs_default(ctx, &client, region),
        super::network::collect(ctx, &client, region),
    );
    let mut out = vec![a, b, c, d, e, f, g];
    out.extend(network);
    out
}

fn done(ctx: &Ctx, region: &str, t: &str, r: Result<Vec<Resource>, String>) -> ScopeResult {
    ScopeResult::of(ctx.scope(region, t), r)
}

async fn instances(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = client
        .describe_instances()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| format!("ec2:DescribeInstances: {}", err_text(&e)))
        .map(|pages| {
            pages
                .iter()
                .flat_map(|p| p.reservations())
                .flat_map(|r| r.instances())
                .map(|i| normalize_instance(&ctx.at(region), i))
                .collect()
        });
    done(ctx, region, "AWS::EC2::Instance", r)
}

pub fn normalize_instance(at: &Place, i: &Instance) -> Resource {
    doc::Instance {
        instance_id: i.instance_id().unwrap_or_default().into(),
        instance_type: i.instance_type().map(|t| t.as_str().into()),
        image_id: i.image_id().map(Into::into),
        state: doc::InstanceState {
            name: i.state().and_then(|s| s.name()).map(|n| n.as_str().into()),
        },
        state_transition_reason: i.state_transition_reason().unwrap_or_default().into(),
        stopped_at: None,
        launch_time: i.launch_time().map(ts),
        public_ip_address: i.public_ip_address().map(Into::into),
        private_ip_address: i.private_ip_address().map(Into::into),
        vpc_id: i.vpc_id().map(Into::into),
        subnet_id: i.subnet_id().map(Into::into),
        iam_instance_profile: i.iam_instance_profile().map(|p| doc::Arn {
            arn: p.arn().map(Into::into),
        }),
        metadata_options: i.metadata_options().map(|m| doc::MetadataOptions {
            http_tokens: m.http_tokens().map(|t| t.as_str().into()),
            http_endpoint: m.http_endpoint().map(|t| t.as_str().into()),
        }),
        security_groups: i
            .security_groups()
            .iter()
            .map(|g| doc::GroupRef {
                group_id: g.group_id().map(Into::into),
                group_name: g.group_name().map(Into::into),
            })
            .collect(),
        block_device_mappings: i
            .block_device_mappings()
            .iter()
            .map(|b| doc::BlockDevice {
                device_name: b.device_name().map(Into::into),
                volume_id: b.ebs().and_then(|e| e.volume_id()).map(Into::into),
                ebs: None,
            })
            .collect(),
    }
    .resource(at, tags(i.tags()))
}

async fn volumes(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = client
        .describe_volumes()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| format!("ec2:DescribeVolumes: {}", err_text(&e)))
        .map(|v| {
            v.iter()
                .map(|v| normalize_volume(&ctx.at(region), v))
                .collect()
        });
    done(ctx, region, "AWS::EC2::Volume", r)
}

pub fn normalize_volume(at: &Place, v: &Volume) -> Resource {
    doc::Volume {
        volume_id: v.volume_id().unwrap_or_default().into(),
        size: v.size(),
        volume_type: v.volume_type().map(|t| t.as_str().into()),
        state: v.state().map(|s| s.as_str().into()),
        encrypted: v.encrypted().unwrap_or(false),
        kms_key_id: v.kms_key_id().map(Into::into),
        create_time: v.create_time().map(ts),
        availability_zone: v.availability_zone().map(Into::into),
        snapshot_id: v.snapshot_id().map(Into::into),
        attachments: v
            .attachments()
            .iter()
            .map(|a| doc::VolumeAttachment {
                instance_id: a.instance_id().map(Into::into),
                state: a.state().map(|s| s.as_str().into()),
                device: a.device().map(Into::into),
            })
            .collect(),
    }
    .resource(at, tags(v.tags()))
}

async fn snapshots(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = client
        .describe_snapshots()
        .owner_ids("self")
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| format!("ec2:DescribeSnapshots: {}", err_text(&e)))
        .map(|v| {
            v.iter()
                .map(|s| normalize_snapshot(&ctx.at(region), s))
                .collect()
        });
    done(ctx, region, "AWS::EC2::Snapshot", r)
}

pub fn normalize_snapshot(at: &Place, s: &Snapshot) -> Resource {
    doc::Snapshot {
        snapshot_id: s.snapshot_id().unwrap_or_default().into(),
        volume_id: s.volume_id().map(Into::into),
        volume_size: s.volume_size(),
        start_time: s.start_time().map(ts),
        state: s.state().map(|x| x.as_str().into()),
        encrypted: s.encrypted().unwrap_or(false),
        kms_key_id: s.kms_key_id().map(Into::into),
        description: s.description().unwrap_or_default().into(),
    }
    .resource(at, tags(s.tags()))
}

async fn addresses(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = client
        .describe_addresses()
        .send()
        .await
        .map_err(|e| format!("ec2:DescribeAddresses: {}", err_text(&e)))
        .map(|out| {
            out.addresses()
                .iter()
                .map(|a| normalize_address(&ctx.at(region), a))
                .collect()
        });
    done(ctx, region, "AWS::EC2::EIP", r)
}

pub fn normalize_address(at: &Place, a: &Address) -> Resource {
    doc::Eip {
        allocation_id: a.allocation_id().map(Into::into),
        public_ip: a.public_ip().map(Into::into),
        domain: a.domain().map(|d| d.as_str().into()),
        association_id: a.association_id().map(Into::into),
        instance_id: a.instance_id().map(Into::into),
        network_interface_id: a.network_interface_id().map(Into::into),
    }
    .resource(at, tags(a.tags()))
}

async fn security_groups(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = client
        .describe_security_groups()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| format!("ec2:DescribeSecurityGroups: {}", err_text(&e)))
        .map(|v| {
            v.iter()
                .map(|g| normalize_security_group(&ctx.at(region), g))
                .collect()
        });
    done(ctx, region, "AWS::EC2::SecurityGroup", r)
}

fn permission(p: &IpPermission) -> doc::IpPermission {
    doc::IpPermission {
        ip_protocol: p.ip_protocol().map(Into::into),
        from_port: p.from_port(),
        to_port: p.to_port(),
        ip_ranges: p
            .ip_ranges()
            .iter()
            .map(|r| doc::IpRange {
                cidr_ip: r.cidr_ip().map(Into::into),
            })
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges()
            .iter()
            .map(|r| doc::Ipv6Range {
                cidr_ipv6: r.cidr_ipv6().map(Into::into),
            })
            .collect(),
        user_id_group_pairs: p
            .user_id_group_pairs()
            .iter()
            .map(|g| doc::GroupPair {
                group_id: g.group_id().map(Into::into),
            })
            .collect(),
    }
}

pub fn normalize_security_group(at: &Place, g: &SecurityGroup) -> Resource {
    doc::SecurityGroup {
        group_id: g.group_id().unwrap_or_default().into(),
        group_name: g.group_name().map(Into::into),
        description: g.description().map(Into::into),
        vpc_id: g.vpc_id().map(Into::into),
        ip_permissions: g.ip_permissions().iter().map(permission).collect(),
        ip_permissions_egress: g.ip_permissions_egress().iter().map(permission).collect(),
    }
    .resource(at, tags(g.tags()))
}

async fn vpcs(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let (vpcs, logs) = tokio::join!(
        client
            .describe_vpcs()
            .into_paginator()
            .items()
            .send()
            .try_collect(),
        client
            .describe_flow_logs()
            .into_paginator()
            .items()
            .send()
            .try_collect(),
    );
    // Without flow logs a VPC document would be wrong, so both calls must succeed.
    let r = match (vpcs, logs) {
        (Ok(vpcs), Ok(logs)) => Ok(vpcs
            .iter()
            .map(|v| normalize_vpc(&ctx.at(region), v, &logs))
            .collect()),
        (Err(e), _) => Err(format!("ec2:DescribeVpcs: {}", err_text(&e))),
        (_, Err(e)) => Err(format!("ec2:DescribeFlowLogs: {}", err_text(&e))),
    };
    done(ctx, region, "AWS::EC2::VPC", r)
}

pub fn normalize_vpc(at: &Place, v: &Vpc, logs: &[FlowLog]) -> Resource {
    let id = v.vpc_id().unwrap_or_default();
    doc::Vpc {
        vpc_id: id.into(),
        cidr_block: v.cidr_block().map(Into::into),
        is_default: v.is_default().unwrap_or(false),
        state: v.state().map(|s| s.as_str().into()),
        flow_logs: logs
            .iter()
            .filter(|l| l.resource_id() == Some(id))
            .map(|l| doc::FlowLog {
                flow_log_id: l.flow_log_id().map(Into::into),
                flow_log_status: l.flow_log_status().map(Into::into),
                traffic_type: l.traffic_type().map(|t| t.as_str().into()),
                log_destination_type: l.log_destination_type().map(|t| t.as_str().into()),
            })
            .collect(),
    }
    .resource(at, tags(v.tags()))
}

async fn ebs_default(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let r = client
        .get_ebs_encryption_by_default()
        .send()
        .await
        .map_err(|e| format!("ec2:GetEbsEncryptionByDefault: {}", err_text(&e)))
        .map(|out| {
            vec![normalize_ebs_default(
                &ctx.at(region),
                out.ebs_encryption_by_default().unwrap_or(false),
            )]
        });
    done(ctx, region, "AWS::EC2::EBSEncryptionDefault", r)
}

/// A region's EBS encryption-by-default setting as one resource.
pub fn normalize_ebs_default(at: &Place, enabled: bool) -> Resource {
    doc::EbsEncryptionDefault {
        ebs_encryption_by_default: enabled,
    }
    .resource(at, Default::default())
}

#[cfg(test)]
#[path = "ec2_tests.rs"]
mod tests;
