//! EC2's network pieces: network ACLs, subnets, and NAT gateways with the route tables that
//! send traffic through each (part of the `ec2` service).

use aws_sdk_ec2::Client;

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::network as doc;
use crate::model::aws::Document;
use crate::model::Resource;

pub async fn collect(ctx: &Ctx, client: &Client, region: &str) -> Vec<ScopeResult> {
    let (a, b, c) = tokio::join!(
        acls(ctx, client, region),
        subnets(ctx, client, region),
        nat_gateways(ctx, client, region),
    );
    vec![a, b, c]
}

fn done(ctx: &Ctx, region: &str, t: &str, r: Result<Vec<Resource>, String>) -> ScopeResult {
    ScopeResult::of(ctx.scope(region, t), r)
}

async fn acls(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let at = ctx.at(region);
    let r = client
        .describe_network_acls()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| format!("ec2:DescribeNetworkAcls: {}", err_text(&e)))
        .map(|acls| acls.iter().map(|a| normalize_acl(&at, a)).collect());
    done(ctx, region, "AWS::EC2::NetworkAcl", r)
}

pub fn normalize_acl(
    at: &crate::model::aws::Place,
    a: &aws_sdk_ec2::types::NetworkAcl,
) -> Resource {
    let tags = tag_map(a.tags().iter().map(|t| (t.key(), t.value())));
    doc::NetworkAcl {
        network_acl_id: a.network_acl_id().unwrap_or_default().into(),
        vpc_id: a.vpc_id().map(Into::into),
        is_default: a.is_default().unwrap_or(false),
        entries: a
            .entries()
            .iter()
            .map(|e| doc::AclEntry {
                rule_number: e.rule_number(),
                protocol: e.protocol().map(Into::into),
                rule_action: e.rule_action().map(|r| r.as_str().into()),
                egress: e.egress().unwrap_or(false),
                cidr_block: e.cidr_block().map(Into::into),
                ipv6_cidr_block: e.ipv6_cidr_block().map(Into::into),
                port_range: e.port_range().map(|p| doc::PortRange {
                    from: p.from(),
                    to: p.to(),
                }),
            })
            .collect(),
        associations: a
            .associations()
            .iter()
            .map(|s| doc::AclAssociation {
                subnet_id: s.subnet_id().map(Into::into),
            })
            .collect(),
    }
    .resource(at, tags)
}

async fn subnets(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let at = ctx.at(region);
    let r = client
        .describe_subnets()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| format!("ec2:DescribeSubnets: {}", err_text(&e)))
        .map(|subnets| {
            subnets
                .iter()
                .map(|s| {
                    let tags = tag_map(s.tags().iter().map(|t| (t.key(), t.value())));
                    doc::Subnet {
                        subnet_id: s.subnet_id().unwrap_or_default().into(),
                        vpc_id: s.vpc_id().map(Into::into),
                        cidr_block: s.cidr_block().map(Into::into),
                        availability_zone: s.availability_zone().map(Into::into),
                        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
                        default_for_az: s.default_for_az().unwrap_or(false),
                    }
                    .resource(&at, tags)
                })
                .collect()
        });
    done(ctx, region, "AWS::EC2::Subnet", r)
}

async fn nat_gateways(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let at = ctx.at(region);
    let (gateways, tables) = tokio::join!(
        client
            .describe_nat_gateways()
            .into_paginator()
            .items()
            .send()
            .try_collect(),
        client
            .describe_route_tables()
            .into_paginator()
            .items()
            .send()
            .try_collect(),
    );
    let r = gateways
        .map_err(|e| format!("ec2:DescribeNatGateways: {}", err_text(&e)))
        .and_then(|g| {
            let tables =
                tables.map_err(|e| format!("ec2:DescribeRouteTables: {}", err_text(&e)))?;
            Ok(g.iter()
                .map(|n| {
                    let id = n.nat_gateway_id().unwrap_or_default();
                    let routed_by = tables
                        .iter()
                        .filter(|t| t.routes().iter().any(|r| r.nat_gateway_id() == Some(id)))
                        .filter_map(|t| t.route_table_id().map(str::to_string))
                        .collect();
                    let tags = tag_map(n.tags().iter().map(|t| (t.key(), t.value())));
                    doc::NatGateway {
                        nat_gateway_id: id.into(),
                        vpc_id: n.vpc_id().map(Into::into),
                        subnet_id: n.subnet_id().map(Into::into),
                        state: n.state().map(|s| s.as_str().into()),
                        connectivity_type: n.connectivity_type().map(|c| c.as_str().into()),
                        create_time: n.create_time().map(ts),
                        routed_by,
                    }
                    .resource(&at, tags)
                })
                .collect())
        });
    done(ctx, region, "AWS::EC2::NatGateway", r)
}
