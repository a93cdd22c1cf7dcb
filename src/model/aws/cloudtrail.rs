//! CloudTrail documents: a trail (reported once, in its home region) with its status and
//! event selectors as the API gives them, and per region the trails that cover it. Whether
//! selectors record management events is the rules' judgement.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Trail {
    #[serde(rename = "Name")]
    pub name: Option<String>,
    #[serde(rename = "TrailARN")]
    pub trail_arn: String,
    #[serde(rename = "HomeRegion")]
    pub home_region: Option<String>,
    #[serde(rename = "IsMultiRegionTrail")]
    pub is_multi_region_trail: bool,
    #[serde(rename = "IsOrganizationTrail")]
    pub is_organization_trail: bool,
    #[serde(rename = "IncludeGlobalServiceEvents")]
    pub include_global_service_events: bool,
    #[serde(rename = "LogFileValidationEnabled")]
    pub log_file_validation_enabled: bool,
    #[serde(rename = "S3BucketName")]
    pub s3_bucket_name: Option<String>,
    #[serde(rename = "KmsKeyId")]
    pub kms_key_id: Option<String>,
    #[serde(rename = "CloudWatchLogsLogGroupArn")]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    #[serde(rename = "Status")]
    pub status: TrailStatus,
    #[serde(rename = "EventSelectors")]
    pub event_selectors: Vec<EventSelector>,
    #[serde(rename = "AdvancedEventSelectors")]
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TrailStatus {
    pub is_logging: bool,
    pub latest_cloud_watch_logs_delivery_time: Option<String>,
}

/// A trail's selectors: `GetEventSelectors`' two lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Selectors {
    pub event_selectors: Vec<EventSelector>,
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EventSelector {
    pub read_write_type: Option<String>,
    pub include_management_events: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AdvancedEventSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FieldSelector {
    pub field: Option<String>,
    pub equals: Vec<String>,
}

impl Document for Trail {
    const TYPE: &'static str = "AWS::CloudTrail::Trail";
    fn id(&self, _: &Place) -> String {
        self.trail_arn.clone()
    }
    fn name(&self, _: &Place) -> Option<String> {
        self.name.clone()
    }
}

/// Every trail that applies to one region: its own, and multi-region trails from other
/// home regions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RegionCoverage {
    pub trails: Vec<CoveringTrail>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CoveringTrail {
    #[serde(rename = "TrailARN")]
    pub trail_arn: Option<String>,
    #[serde(rename = "IsMultiRegionTrail")]
    pub is_multi_region_trail: bool,
    #[serde(rename = "HomeRegion")]
    pub home_region: Option<String>,
    #[serde(rename = "IsLogging")]
    pub is_logging: bool,
    #[serde(rename = "EventSelectors")]
    pub event_selectors: Vec<EventSelector>,
    #[serde(rename = "AdvancedEventSelectors")]
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

impl Document for RegionCoverage {
    const TYPE: &'static str = "AWS::CloudTrail::RegionCoverage";
    fn id(&self, at: &Place) -> String {
        format!(
            "arn:aws:cloudtrail:{}:{}:region-coverage",
            at.region, at.account
        )
    }
    fn name(&self, at: &Place) -> Option<String> {
        Some(format!("CloudTrail coverage ({})", at.region))
    }
}
