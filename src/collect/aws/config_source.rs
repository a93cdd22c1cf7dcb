//! AWS Config as the source of the types it records (`[collectors.aws] source = "config"`
//! or `"config-aggregator"`): per region, the account's recorder is asked what it records
//! and whether it is healthy, then each type's items are read (its own SELECT or the
//! aggregator's, with their fallbacks: [`super::config_query`]) and turned into the live
//! documents ([`super::config_items`]). A type the recorder does not record there, a recorder that is
//! stopped or failing, or daily items older than `max_item_age_hours` fail the type's scope
//! with that reason: a type Config does not record never looks complete and empty.

use std::time::{Duration, SystemTime};

use aws_sdk_config::types::{RecorderStatus, RecordingFrequency, RecordingGroup};

use super::config_query::{Aggregate, Items};
use super::{config_items, err_text, Ctx};
use crate::collect::ScopeResult;

/// The types read from Config when it is the source; every other type keeps its live
/// collector ([`config_items::LIVE_ONLY`] says why, and S3 buckets stay live because a bucket
/// is recorded only in its own region, so the regions scanned cannot prove the list whole).
pub const TYPES: &[&str] = &[
    "AWS::EC2::Instance",
    "AWS::EC2::Volume",
    "AWS::EC2::EIP",
    "AWS::EC2::SecurityGroup",
    "AWS::KMS::Key",
    "AWS::RDS::DBInstance",
    "AWS::IAM::Role",
    "AWS::IAM::Group",
    "AWS::IAM::Policy",
];

/// What the region's recorder allows: the types it records, or why nothing can be read.
struct Recorder {
    group: RecordingGroup,
    daily: bool,
}

/// Where an account's items come from: its own Config, or an aggregator (which may not
/// have been reachable: then why).
#[derive(Clone, Copy)]
pub enum Via<'a> {
    Own,
    Aggregator(&'a Result<Aggregate, String>),
}

/// The Config-sourced `types` of one region (IAM's global types only where asked: the
/// first region), each its own scope. The account's own recorder decides what is recorded
/// whichever way the items are read.
pub async fn collect(
    ctx: &Ctx,
    region: &str,
    types: &[&str],
    max_age_hours: u64,
    via: Via<'_>,
) -> Vec<ScopeResult> {
    let client = super::client!(aws_sdk_config, ctx, region);
    let scope = |t: &str| {
        let r = if crate::model::resource::is_global_type(t) {
            "global"
        } else {
            region
        };
        ctx.scope(r, t)
    };
    let recorder = match recorder(&client, region).await {
        Ok(r) => r,
        Err(why) => {
            return types
                .iter()
                .map(|t| ScopeResult::failed(scope(t), why.clone()))
                .collect()
        }
    };
    let items = match via {
        Via::Own => Items::Own(&client),
        Via::Aggregator(Err(why)) => {
            return types
                .iter()
                .map(|t| ScopeResult::failed(scope(t), why.clone()))
                .collect()
        }
        Via::Aggregator(Ok(agg)) => {
            if let Some(why) = agg.unhealthy(&ctx.account, region) {
                return types
                    .iter()
                    .map(|t| ScopeResult::failed(scope(t), why.clone()))
                    .collect();
            }
            Items::Aggregate {
                agg,
                account: &ctx.account,
                region,
            }
        }
    };
    let mut out = Vec::new();
    for t in types {
        if let Err(why) = records(&recorder.group, t) {
            out.push(ScopeResult::failed(
                scope(t),
                format!("AWS Config in {region} does not record {t}: {why}"),
            ));
            continue;
        }
        out.push(match items.read(t).await {
            Ok(items) => documents(scope(t), items, recorder.daily, max_age_hours),
            Err(e) => ScopeResult::failed(scope(t), e),
        });
    }
    out
}

/// The region's recorder, if it exists, records and last succeeded recently enough.
async fn recorder(client: &aws_sdk_config::Client, region: &str) -> Result<Recorder, String> {
    let (recorders, statuses) = tokio::join!(
        client.describe_configuration_recorders().send(),
        client.describe_configuration_recorder_status().send(),
    );
    let recorders = recorders
        .map_err(|e| format!("config:DescribeConfigurationRecorders: {}", err_text(&e)))?;
    let statuses = statuses.map_err(|e| {
        format!(
            "config:DescribeConfigurationRecorderStatus: {}",
            err_text(&e)
        )
    })?;
    // The customer-managed recorder (service-linked ones record for other services).
    let Some(rec) = recorders
        .configuration_recorders()
        .iter()
        .find(|r| r.service_principal().is_none())
    else {
        return Err(format!(
            "AWS Config has no configuration recorder in {region}"
        ));
    };
    let name = rec.name().unwrap_or("default");
    let status = statuses
        .configuration_recorders_status()
        .iter()
        .find(|s| s.name() == rec.name());
    match status {
        Some(s) if !s.recording() => {
            return Err(format!(
                "the AWS Config recorder {name} in {region} is stopped"
            ))
        }
        Some(s) if s.last_status() == Some(&RecorderStatus::Failure) => {
            return Err(format!(
                "the AWS Config recorder {name} in {region} last failed: {} {}",
                s.last_error_code().unwrap_or_default(),
                s.last_error_message().unwrap_or_default()
            ))
        }
        None => {
            return Err(format!(
                "AWS Config reports no status for recorder {name} in {region}"
            ))
        }
        Some(_) => {}
    }
    let daily = rec
        .recording_mode()
        .is_some_and(|m| m.recording_frequency() == &RecordingFrequency::Daily);
    Ok(Recorder {
        group: rec.recording_group().cloned().unwrap_or_else(|| {
            RecordingGroup::builder()
                .all_supported(true)
                .include_global_resource_types(true)
                .build()
        }),
        daily,
    })
}

/// Whether a recording group records type `t`, or why not.
fn records(g: &RecordingGroup, t: &str) -> Result<(), String> {
    let listed =
        |types: &[aws_sdk_config::types::ResourceType]| types.iter().any(|r| r.as_str() == t);
    if g.exclusion_by_resource_types()
        .is_some_and(|e| listed(e.resource_types()))
    {
        return Err("the recorder excludes it".into());
    }
    if g.all_supported() {
        if crate::model::resource::is_global_type(t) && !g.include_global_resource_types() {
            return Err("the recorder records all types but not global ones (IAM)".into());
        }
        return Ok(());
    }
    if listed(g.resource_types()) {
        Ok(())
    } else {
        Err("it is not among the recorder's resource types".into())
    }
}

/// Items as documents; an item that does not convert, or a daily item older than the
/// allowed age, fails the scope (its documents are kept).
fn documents(
    scope: String,
    items: Vec<serde_json::Value>,
    daily: bool,
    max_age_hours: u64,
) -> ScopeResult {
    let mut resources = Vec::new();
    let mut errors = Vec::new();
    let oldest = SystemTime::now() - Duration::from_secs(max_age_hours * 3600);
    for v in &items {
        let item = match config_items::item(v) {
            Ok(i) => i,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        if daily {
            let captured = item
                .captured
                .as_deref()
                .and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok())
                .map(SystemTime::from);
            if captured.is_none_or(|c| c < oldest) {
                errors.push(format!(
                    "configuration item {} was captured {}, longer ago than max_item_age_hours ({max_age_hours})",
                    item.arn,
                    item.captured.as_deref().unwrap_or("at an unknown time")
                ));
                continue;
            }
        }
        match config_items::resource(&item) {
            Ok(Some(r)) => resources.push(r),
            Ok(None) => {}
            Err(e) => errors.push(e.to_string()),
        }
    }
    ScopeResult::with_errors(scope, resources, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_config::types::{ExclusionByResourceTypes, ResourceType};

    #[test]
    fn what_a_recording_group_records() {
        let all = RecordingGroup::builder()
            .all_supported(true)
            .include_global_resource_types(false)
            .build();
        assert!(records(&all, "AWS::EC2::Volume").is_ok());
        assert!(records(&all, "AWS::IAM::Role")
            .unwrap_err()
            .contains("global"));
        let some = RecordingGroup::builder()
            .all_supported(false)
            .resource_types(ResourceType::Volume)
            .build();
        assert!(records(&some, "AWS::EC2::Volume").is_ok());
        assert!(records(&some, "AWS::EC2::Instance").is_err());
        let excluding = RecordingGroup::builder()
            .all_supported(false)
            .exclusion_by_resource_types(
                ExclusionByResourceTypes::builder()
                    .resource_types(ResourceType::Volume)
                    .build(),
            )
            .build();
        assert!(records(&excluding, "AWS::EC2::Volume")
            .unwrap_err()
            .contains("excludes"));
    }
}
