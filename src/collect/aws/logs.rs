//! CloudWatch Logs: log groups (DescribeLogGroups) with their tags.

use aws_sdk_cloudwatchlogs::types::LogGroup;
use aws_sdk_cloudwatchlogs::Client;

use super::{err_text, gathered, listed, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::logs as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::Logs::LogGroup";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_cloudwatchlogs, ctx, region);
    let groups = match listed(
        &scope,
        "logs:DescribeLogGroups",
        client
            .describe_log_groups()
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
        .map(|g| log_group(ctx, &client, region, g))
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

pub(super) async fn log_group(
    ctx: &Ctx,
    client: &Client,
    region: &str,
    g: &LogGroup,
) -> Result<Option<Resource>, String> {
    let name = g.log_group_name().unwrap_or_default();
    let arn = g
        .arn()
        .map(|a| a.trim_end_matches(":*").to_string())
        .unwrap_or_default();
    let tags = client
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .map_err(|e| format!("logs:ListTagsForResource {name}: {}", err_text(&e)))?
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    Ok(Some(normalize(&ctx.at(region), g, tags)))
}

pub fn normalize(
    at: &Place,
    g: &LogGroup,
    tags: std::collections::BTreeMap<String, String>,
) -> Resource {
    doc::LogGroup {
        log_group_name: g.log_group_name().unwrap_or_default().into(),
        arn: g.arn().map(Into::into),
        retention_in_days: g.retention_in_days(),
        kms_key_id: g.kms_key_id().map(Into::into),
        creation_time: g.creation_time().and_then(|ms| {
            chrono::DateTime::from_timestamp_millis(ms)
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        }),
        log_group_class: g.log_group_class().map(|c| c.as_str().into()),
    }
    .resource(at, tags)
}
