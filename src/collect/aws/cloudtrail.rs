//! CloudTrail: trails in their home region (with status and event selectors), and per region
//! the set of trails that cover it.

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::cloudtrail as doc;
use crate::model::aws::Document;
use aws_sdk_cloudtrail::types::Trail;
use aws_sdk_cloudtrail::Client;

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let client = super::client!(aws_sdk_cloudtrail, ctx, region);
    let trail_scope = ctx.scope(region, "AWS::CloudTrail::Trail");
    let cov_scope = ctx.scope(region, "AWS::CloudTrail::RegionCoverage");
    let trails = match client
        .describe_trails()
        .include_shadow_trails(true)
        .send()
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
    let reads = trails
        .iter()
        .map(|t| trail_details(ctx, &client, t))
        .collect();
    let details = ctx.each(reads).await;
    for (t, d) in trails.iter().zip(details) {
        match d {
            Ok((status, selectors, tags)) => {
                covering.push(doc::CoveringTrail {
                    trail_arn: t.trail_arn().map(Into::into),
                    is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
                    home_region: t.home_region().map(Into::into),
                    is_logging: status.is_logging,
                    event_selectors: selectors.event_selectors.clone(),
                    advanced_event_selectors: selectors.advanced_event_selectors.clone(),
                });
                if t.home_region() == Some(region) {
                    let trail = normalize_trail(t, status, selectors);
                    own.push(trail.resource(&ctx.at(region), tags));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let error = (!errors.is_empty()).then(|| errors.join("; "));
    let coverage =
        doc::RegionCoverage { trails: covering }.resource(&ctx.at(region), Default::default());
    vec![
        ScopeResult::partial(trail_scope, own, error.clone()),
        ScopeResult::partial(cov_scope, vec![coverage], error),
    ]
}

/// A trail's status, its event selectors (`{EventSelectors, AdvancedEventSelectors}`, as
/// the API gives them: whether they log management events is the rules' judgement), and
/// its tags.
type Details = (
    doc::TrailStatus,
    doc::Selectors,
    std::collections::BTreeMap<String, String>,
);

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
    // Status, selectors and tags are read together.
    let (status, selectors, tags) = tokio::join!(
        c.get_trail_status().name(arn).send(),
        c.get_event_selectors().trail_name(arn).send(),
        c.list_tags().resource_id_list(arn).send(),
    );
    let status =
        status.map_err(|e| format!("cloudtrail:GetTrailStatus {arn}: {}", err_text(&e)))?;
    let selectors =
        selectors.map_err(|e| format!("cloudtrail:GetEventSelectors {arn}: {}", err_text(&e)))?;
    let selectors = normalize_selectors(&selectors);
    let tags = match tags {
        Ok(o) => tag_map(
            o.resource_tag_list()
                .iter()
                .flat_map(|r| r.tags_list())
                .map(|t| (Some(t.key()), t.value())),
        ),
        Err(e) => return Err(format!("cloudtrail:ListTags {arn}: {}", err_text(&e))),
    };
    let status = doc::TrailStatus {
        is_logging: status.is_logging().unwrap_or(false),
        latest_cloud_watch_logs_delivery_time: status
            .latest_cloud_watch_logs_delivery_time()
            .map(ts),
    };
    Ok((status, selectors, tags))
}

fn ctx_region(client: &Client) -> Option<String> {
    client.config().region().map(|r| r.to_string())
}

/// A trail with its status and selectors (its tags go beside it on the resource).
fn normalize_trail(t: &Trail, status: doc::TrailStatus, selectors: doc::Selectors) -> doc::Trail {
    doc::Trail {
        name: t.name().map(Into::into),
        trail_arn: t.trail_arn().unwrap_or_default().into(),
        home_region: t.home_region().map(Into::into),
        is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
        is_organization_trail: t.is_organization_trail().unwrap_or(false),
        include_global_service_events: t.include_global_service_events().unwrap_or(false),
        log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
        s3_bucket_name: t.s3_bucket_name().map(Into::into),
        kms_key_id: t.kms_key_id().map(Into::into),
        cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn().map(Into::into),
        status,
        event_selectors: selectors.event_selectors,
        advanced_event_selectors: selectors.advanced_event_selectors,
    }
}

/// A trail's selectors as documents: the basic ones' `ReadWriteType` and
/// `IncludeManagementEvents`, the advanced ones' field selectors.
pub fn normalize_selectors(
    out: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
) -> doc::Selectors {
    doc::Selectors {
        event_selectors: out
            .event_selectors()
            .iter()
            .map(|s| doc::EventSelector {
                read_write_type: s.read_write_type().map(|r| r.as_str().into()),
                include_management_events: s.include_management_events(),
            })
            .collect(),
        advanced_event_selectors: out
            .advanced_event_selectors()
            .iter()
            .map(|a| doc::AdvancedEventSelector {
                name: a.name().map(Into::into),
                field_selectors: a
                    .field_selectors()
                    .iter()
                    .map(|f| doc::FieldSelector {
                        field: Some(f.field().into()),
                        equals: f.equals().to_vec(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
    use aws_sdk_cloudtrail::types::{
        AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType,
    };
    use serde_json::json;

    #[test]
    fn selectors_are_kept_as_the_api_gives_them() {
        let none = GetEventSelectorsOutput::builder().build();
        assert_eq!(
            serde_json::to_value(normalize_selectors(&none)).unwrap(),
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
            crate::collect::prune(serde_json::to_value(normalize_selectors(&out)).unwrap()),
            json!({
                "EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}],
                "AdvancedEventSelectors": [{"Name": "mgmt", "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Management"]}]}]
            })
        );
    }
}
