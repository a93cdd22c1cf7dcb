//! CloudTrail: trails in their home region (with status and event selectors), and per region
//! the set of trails that cover it.

use aws_sdk_cloudtrail::types::Trail;
use aws_sdk_cloudtrail::Client;
use serde_json::{json, Value};

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let client = Client::from_conf(
        aws_sdk_cloudtrail::config::Builder::from(&ctx.regional(region))
            .interceptor(ctx.counter())
            .build(),
    );
    let trail_scope = ctx.scope(region, "AWS::CloudTrail::Trail");
    let cov_scope = ctx.scope(region, "AWS::CloudTrail::RegionCoverage");
    let trails = match ctx
        .call(client.describe_trails().include_shadow_trails(true).send())
        .await
    {
        Ok(o) => o.trail_list.unwrap_or_default(),
        Err(e) => {
            let msg = format!("cloudtrail:DescribeTrails: {}", err_text(&e));
            return vec![
                ScopeResult::failed(trail_scope, msg.clone()),
                ScopeResult::failed(cov_scope, msg),
            ];
        }
    };
    let mut own = Vec::new();
    let mut covering = Vec::new();
    let mut errors = Vec::new();
    for t in &trails {
        match trail_details(ctx, &client, t).await {
            Ok((status, selectors, management, tags)) => {
                let is_logging = status
                    .get("IsLogging")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                covering.push(json!({
                    "TrailARN": t.trail_arn(),
                    "IsMultiRegionTrail": t.is_multi_region_trail().unwrap_or(false),
                    "HomeRegion": t.home_region(),
                    "IsLogging": is_logging,
                    "ManagementEvents": management,
                }));
                if t.home_region() == Some(region) {
                    own.push(normalize_trail(ctx, region, t, status, selectors, tags));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let error = (!errors.is_empty()).then(|| errors.join("; "));
    let coverage = ctx.resource(
        format!(
            "arn:aws:cloudtrail:{region}:{}:region-coverage",
            ctx.account
        ),
        "AWS::CloudTrail::RegionCoverage",
        region,
        Some(format!("CloudTrail coverage ({region})")),
        Default::default(),
        json!({"Trails": covering}),
    );
    vec![
        ScopeResult::partial(trail_scope, own, error.clone()),
        ScopeResult::partial(cov_scope, vec![coverage], error),
    ]
}

type Details = (
    Value,
    Vec<Value>,
    bool,
    std::collections::BTreeMap<String, String>,
);

async fn trail_details(ctx: &Ctx, client: &Client, t: &Trail) -> Result<Details, String> {
    let arn = t.trail_arn().unwrap_or_default();
    // Status and selectors are read from the trail's home region.
    let home_client;
    let c = match t.home_region() {
        Some(h) if Some(h) != ctx_region(client).as_deref() => {
            home_client = Client::from_conf(
                aws_sdk_cloudtrail::config::Builder::from(&ctx.regional(h))
                    .interceptor(ctx.counter())
                    .build(),
            );
            &home_client
        }
        _ => client,
    };
    let status = ctx
        .call(c.get_trail_status().name(arn).send())
        .await
        .map_err(|e| format!("cloudtrail:GetTrailStatus {arn}: {}", err_text(&e)))?;
    let selectors = ctx
        .call(c.get_event_selectors().trail_name(arn).send())
        .await
        .map_err(|e| format!("cloudtrail:GetEventSelectors {arn}: {}", err_text(&e)))?;
    let basic: Vec<Value> = selectors
        .event_selectors()
        .iter()
        .map(|s| {
            json!({
                "ReadWriteType": s.read_write_type().map(|r| r.as_str()),
                "IncludeManagementEvents": s.include_management_events(),
            })
        })
        .collect();
    // A trail without selectors logs all management events (CloudTrail's default selector).
    let defaults =
        selectors.event_selectors().is_empty() && selectors.advanced_event_selectors().is_empty();
    let management = defaults
        || selectors.event_selectors().iter().any(|s| {
            s.include_management_events().unwrap_or(true)
                && s.read_write_type().is_none_or(|r| r.as_str() == "All")
        })
        || selectors.advanced_event_selectors().iter().any(|a| {
            a.field_selectors().iter().any(|f| {
                f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management")
            })
        });
    let tags = match ctx.call(c.list_tags().resource_id_list(arn).send()).await {
        Ok(o) => tag_map(
            o.resource_tag_list()
                .iter()
                .flat_map(|r| r.tags_list())
                .map(|t| (Some(t.key()), t.value())),
        ),
        Err(e) => return Err(format!("cloudtrail:ListTags {arn}: {}", err_text(&e))),
    };
    let status = json!({
        "IsLogging": status.is_logging().unwrap_or(false),
        "LatestCloudWatchLogsDeliveryTime": status.latest_cloud_watch_logs_delivery_time().map(ts),
    });
    Ok((status, basic, management, tags))
}

fn ctx_region(client: &Client) -> Option<String> {
    client.config().region().map(|r| r.to_string())
}

fn normalize_trail(
    ctx: &Ctx,
    region: &str,
    t: &Trail,
    status: Value,
    selectors: Vec<Value>,
    tags: std::collections::BTreeMap<String, String>,
) -> crate::model::Resource {
    let arn = t.trail_arn().unwrap_or_default();
    let config = json!({
        "Name": t.name(),
        "TrailARN": arn,
        "HomeRegion": t.home_region(),
        "IsMultiRegionTrail": t.is_multi_region_trail().unwrap_or(false),
        "IsOrganizationTrail": t.is_organization_trail().unwrap_or(false),
        "IncludeGlobalServiceEvents": t.include_global_service_events().unwrap_or(false),
        "LogFileValidationEnabled": t.log_file_validation_enabled().unwrap_or(false),
        "S3BucketName": t.s3_bucket_name(),
        "KmsKeyId": t.kms_key_id(),
        "CloudWatchLogsLogGroupArn": t.cloud_watch_logs_log_group_arn(),
        "Status": prune_status(status),
        "EventSelectors": selectors,
    });
    ctx.resource(
        arn.to_string(),
        "AWS::CloudTrail::Trail",
        region,
        t.name().map(str::to_string),
        tags,
        config,
    )
}

fn prune_status(v: Value) -> Value {
    crate::collect::prune(v)
}
