//! CloudTrail: trails in their home region (with status and event selectors), and per region
//! the set of trails that cover it.

use aws_sdk_cloudtrail::types::Trail;
use aws_sdk_cloudtrail::Client;
use serde_json::{json, Value};

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let client = super::client!(aws_sdk_cloudtrail, ctx, region);
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
            Ok((status, selectors, tags)) => {
                let is_logging = status
                    .get("IsLogging")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                covering.push(json!({
                    "TrailARN": t.trail_arn(),
                    "IsMultiRegionTrail": t.is_multi_region_trail().unwrap_or(false),
                    "HomeRegion": t.home_region(),
                    "IsLogging": is_logging,
                    "EventSelectors": selectors["EventSelectors"],
                    "AdvancedEventSelectors": selectors["AdvancedEventSelectors"],
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

/// A trail's status, its event selectors (`{EventSelectors, AdvancedEventSelectors}`, as
/// the API gives them: whether they log management events is the rules' judgement), and
/// its tags.
type Details = (Value, Value, std::collections::BTreeMap<String, String>);

async fn trail_details(ctx: &Ctx, client: &Client, t: &Trail) -> Result<Details, String> {
    let arn = t.trail_arn().unwrap_or_default();
    // Status and selectors are read from the trail's home region.
    let home_client;
    let c = match t.home_region() {
        Some(h) if Some(h) != ctx_region(client).as_deref() => {
            home_client = super::client!(aws_sdk_cloudtrail, ctx, h);
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
    let selectors = normalize_selectors(&selectors);
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
    Ok((status, selectors, tags))
}

fn ctx_region(client: &Client) -> Option<String> {
    client.config().region().map(|r| r.to_string())
}

fn normalize_trail(
    ctx: &Ctx,
    region: &str,
    t: &Trail,
    status: Value,
    selectors: Value,
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
        "EventSelectors": selectors["EventSelectors"],
        "AdvancedEventSelectors": selectors["AdvancedEventSelectors"],
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

/// A trail's selectors as documents: the basic ones' `ReadWriteType` and
/// `IncludeManagementEvents`, the advanced ones' field selectors.
pub fn normalize_selectors(
    out: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
) -> Value {
    let basic: Vec<Value> = out
        .event_selectors()
        .iter()
        .map(|s| {
            json!({
                "ReadWriteType": s.read_write_type().map(|r| r.as_str()),
                "IncludeManagementEvents": s.include_management_events(),
            })
        })
        .collect();
    let advanced: Vec<Value> = out
        .advanced_event_selectors()
        .iter()
        .map(|a| {
            let fields: Vec<Value> = a
                .field_selectors()
                .iter()
                .map(|f| json!({"Field": f.field(), "Equals": f.equals()}))
                .collect();
            json!({"Name": a.name(), "FieldSelectors": fields})
        })
        .collect();
    crate::collect::prune(json!({"EventSelectors": basic, "AdvancedEventSelectors": advanced}))
}

fn prune_status(v: Value) -> Value {
    crate::collect::prune(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
    use aws_sdk_cloudtrail::types::{
        AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType,
    };

    #[test]
    fn selectors_are_kept_as_the_api_gives_them() {
        let none = GetEventSelectorsOutput::builder().build();
        assert_eq!(
            normalize_selectors(&none),
            json!({"EventSelectors": [], "AdvancedEventSelectors": []})
        );
        let out = GetEventSelectorsOutput::builder()
            .event_selectors(
                EventSelector::builder()
                    .read_write_type(ReadWriteType::WriteOnly)
                    .include_management_events(true)
                    .build(),
            )
            .advanced_event_selectors(
                AdvancedEventSelector::builder()
                    .name("mgmt")
                    .field_selectors(
                        AdvancedFieldSelector::builder()
                            .field("eventCategory")
                            .equals("Management")
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .build();
        assert_eq!(
            normalize_selectors(&out),
            json!({
                "EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}],
                "AdvancedEventSelectors": [{"Name": "mgmt", "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Management"]}]}]
            })
        );
    }
}
