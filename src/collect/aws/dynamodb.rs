//! DynamoDB: tables (DescribeTable) with their continuous backups and tags.

use aws_sdk_dynamodb::types::TableDescription;
use aws_sdk_dynamodb::Client;

use super::{err_text, gathered, listed, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::dynamodb as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::DynamoDB::Table";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_dynamodb, ctx, region);
    let names = match listed(
        &scope,
        "dynamodb:ListTables",
        client
            .list_tables()
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
        .map(|n| table(ctx, &client, region, n))
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

async fn table(
    ctx: &Ctx,
    client: &Client,
    region: &str,
    name: &str,
) -> Result<Option<Resource>, String> {
    let (described, backups) = tokio::join!(
        client.describe_table().table_name(name).send(),
        client.describe_continuous_backups().table_name(name).send(),
    );
    let described =
        described.map_err(|e| format!("dynamodb:DescribeTable {name}: {}", err_text(&e)))?;
    let Some(t) = described.table() else {
        return Ok(None);
    };
    let pitr = backups
        .map_err(|e| {
            format!(
                "dynamodb:DescribeContinuousBackups {name}: {}",
                err_text(&e)
            )
        })?
        .continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.point_in_time_recovery_status())
        .map(|s| s.as_str().to_string());
    let arn = t.table_arn().unwrap_or_default();
    let tags = client
        .list_tags_of_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| format!("dynamodb:ListTagsOfResource {name}: {}", err_text(&e)))?;
    let tags = tag_map(tags.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
    Ok(Some(normalize(&ctx.at(region), t, pitr, tags)))
}

pub fn normalize(
    at: &Place,
    t: &TableDescription,
    point_in_time_recovery_status: Option<String>,
    tags: std::collections::BTreeMap<String, String>,
) -> Resource {
    doc::Table {
        table_name: t.table_name().unwrap_or_default().into(),
        table_arn: t.table_arn().map(Into::into),
        table_status: t.table_status().map(|s| s.as_str().into()),
        billing_mode: t
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|m| m.as_str().into()),
        sse_description: t.sse_description().map(|s| doc::SseDescription {
            status: s.status().map(|x| x.as_str().into()),
            sse_type: s.sse_type().map(|x| x.as_str().into()),
            kms_master_key_arn: s.kms_master_key_arn().map(Into::into),
        }),
        deletion_protection_enabled: t.deletion_protection_enabled().unwrap_or(false),
        point_in_time_recovery_status,
    }
    .resource(at, tags)
}
