//! EKS: clusters (DescribeCluster) with their node groups (DescribeNodegroup).

use aws_sdk_eks::Client;

use super::{err_text, gathered, listed, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::eks as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::EKS::Cluster";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_eks, ctx, region);
    let names = match listed(
        &scope,
        "eks:ListClusters",
        client
            .list_clusters()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await,
    ) {
        Ok(x) => x,
        Err(failed) => return failed,
    };
    let reads = names
        .iter()
        .map(|n| cluster(ctx, &client, region, n))
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

async fn cluster(
    ctx: &Ctx,
    client: &Client,
    region: &str,
    name: &str,
) -> Result<Option<Resource>, String> {
    let described = client
        .describe_cluster()
        .name(name)
        .send()
        .await
        .map_err(|e| format!("eks:DescribeCluster {name}: {}", err_text(&e)))?;
    let Some(c) = described.cluster() else {
        return Ok(None);
    };
    let groups = client
        .list_nodegroups()
        .cluster_name(name)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| format!("eks:ListNodegroups {name}: {}", err_text(&e)))?;
    let reads = groups
        .iter()
        .map(|g| async move {
            client
                .describe_nodegroup()
                .cluster_name(name)
                .nodegroup_name(g)
                .send()
                .await
                .map_err(|e| format!("eks:DescribeNodegroup {name}/{g}: {}", err_text(&e)))
        })
        .collect();
    let mut nodegroups = Vec::new();
    for g in ctx.each(reads).await {
        if let Some(g) = g?.nodegroup() {
            nodegroups.push(nodegroup(g));
        }
    }
    Ok(Some(normalize(&ctx.at(region), c, nodegroups)))
}

fn nodegroup(g: &aws_sdk_eks::types::Nodegroup) -> doc::Nodegroup {
    doc::Nodegroup {
        nodegroup_name: g.nodegroup_name().unwrap_or_default().into(),
        nodegroup_arn: g.nodegroup_arn().map(Into::into),
        status: g.status().map(|s| s.as_str().into()),
        version: g.version().map(Into::into),
        release_version: g.release_version().map(Into::into),
        ami_type: g.ami_type().map(|s| s.as_str().into()),
        capacity_type: g.capacity_type().map(|s| s.as_str().into()),
        launch_template: g.launch_template().map(|t| doc::LaunchTemplate {
            id: t.id().map(Into::into),
            name: t.name().map(Into::into),
            version: t.version().map(Into::into),
        }),
        remote_access: g.remote_access().map(|r| doc::RemoteAccess {
            ec2_ssh_key: r.ec2_ssh_key().map(Into::into),
            source_security_groups: r.source_security_groups().to_vec(),
        }),
    }
}

pub fn normalize(
    at: &Place,
    c: &aws_sdk_eks::types::Cluster,
    nodegroups: Vec<doc::Nodegroup>,
) -> Resource {
    let tags = c
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let vpc = c.resources_vpc_config();
    doc::Cluster {
        name: c.name().unwrap_or_default().into(),
        arn: c.arn().map(Into::into),
        version: c.version().map(Into::into),
        platform_version: c.platform_version().map(Into::into),
        status: c.status().map(|s| s.as_str().into()),
        created_at: c.created_at().map(ts),
        role_arn: c.role_arn().map(Into::into),
        resources_vpc_config: doc::VpcConfig {
            endpoint_public_access: vpc.is_some_and(|v| v.endpoint_public_access()),
            endpoint_private_access: vpc.is_some_and(|v| v.endpoint_private_access()),
            public_access_cidrs: vpc
                .map(|v| v.public_access_cidrs().to_vec())
                .unwrap_or_default(),
            subnet_ids: vpc.map(|v| v.subnet_ids().to_vec()).unwrap_or_default(),
            security_group_ids: vpc
                .map(|v| v.security_group_ids().to_vec())
                .unwrap_or_default(),
            cluster_security_group_id: vpc
                .and_then(|v| v.cluster_security_group_id())
                .map(Into::into),
            vpc_id: vpc.and_then(|v| v.vpc_id()).map(Into::into),
        },
        encryption_config: c
            .encryption_config()
            .iter()
            .map(|e| doc::EncryptionConfig {
                // Deprecated in the API (EKS now encrypts all API data with its own key by
                // default), still answered; what a customer key covers.
                #[allow(deprecated)]
                resources: e.resources().to_vec(),
                provider: e.provider().map(|p| doc::Provider {
                    key_arn: p.key_arn().map(Into::into),
                }),
            })
            .collect(),
        logging: doc::Logging {
            cluster_logging: c
                .logging()
                .map(|l| {
                    l.cluster_logging()
                        .iter()
                        .map(|s| doc::LogSetup {
                            types: s.types().iter().map(|t| t.as_str().to_string()).collect(),
                            enabled: s.enabled().unwrap_or(false),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
        upgrade_policy: c.upgrade_policy().map(|u| doc::UpgradePolicy {
            support_type: u.support_type().map(|s| s.as_str().into()),
        }),
        nodegroups,
    }
    .resource(at, tags)
}
