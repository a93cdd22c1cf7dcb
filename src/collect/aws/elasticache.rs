//! ElastiCache: replication groups (DescribeReplicationGroups) with their tags.

use aws_sdk_elasticache::types::ReplicationGroup;

use super::{err_text, gathered, listed, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::elasticache as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::ElastiCache::ReplicationGroup";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_elasticache, ctx, region);
    let groups = match listed(
        &scope,
        "elasticache:DescribeReplicationGroups",
        client
            .describe_replication_groups()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await,
    ) {
        Ok(x) => x,
        Err(failed) => return failed,
    };
    let reads = groups
        .iter()
        .map(|g| {
            let client = &client;
            async move {
                let arn = g.arn().unwrap_or_default();
                let tags = client
                    .list_tags_for_resource()
                    .resource_name(arn)
                    .send()
                    .await
                    .map_err(|e| {
                        format!("elasticache:ListTagsForResource {arn}: {}", err_text(&e))
                    })?;
                let tags = tag_map(tags.tag_list().iter().map(|t| (t.key(), t.value())));
                Ok(Some(normalize(&ctx.at(region), g, tags)))
            }
        })
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

pub fn normalize(
    at: &Place,
    g: &ReplicationGroup,
    tags: std::collections::BTreeMap<String, String>,
) -> Resource {
    doc::ReplicationGroup {
        replication_group_id: g.replication_group_id().unwrap_or_default().into(),
        arn: g.arn().map(Into::into),
        description: g.description().map(Into::into),
        status: g.status().map(Into::into),
        engine: g.engine().map(Into::into),
        at_rest_encryption_enabled: g.at_rest_encryption_enabled().unwrap_or(false),
        transit_encryption_enabled: g.transit_encryption_enabled().unwrap_or(false),
        auth_token_enabled: g.auth_token_enabled().unwrap_or(false),
        automatic_failover: g.automatic_failover().map(|a| a.as_str().into()),
        multi_az: g.multi_az().map(|m| m.as_str().into()),
        snapshot_retention_limit: g.snapshot_retention_limit(),
        kms_key_id: g.kms_key_id().map(Into::into),
        user_group_ids: g.user_group_ids().to_vec(),
    }
    .resource(at, tags)
}
