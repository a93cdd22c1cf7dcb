//! DynamoDB documents: tables with their encryption, point-in-time recovery and deletion
//! protection.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Table {
    pub table_name: String,
    pub table_arn: Option<String>,
    pub table_status: Option<String>,
    /// `PROVISIONED` or `PAY_PER_REQUEST`.
    pub billing_mode: Option<String>,
    /// Absent: encrypted with a key DynamoDB owns.
    #[serde(rename = "SSEDescription")]
    pub sse_description: Option<SseDescription>,
    pub deletion_protection_enabled: bool,
    /// `ENABLED` or `DISABLED` (DescribeContinuousBackups).
    pub point_in_time_recovery_status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SseDescription {
    pub status: Option<String>,
    /// `KMS` (a customer or AWS managed key).
    #[serde(rename = "SSEType")]
    pub sse_type: Option<String>,
    #[serde(rename = "KMSMasterKeyArn")]
    pub kms_master_key_arn: Option<String>,
}

impl Document for Table {
    const TYPE: &'static str = "AWS::DynamoDB::Table";
    fn id(&self, at: &Place) -> String {
        self.table_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:dynamodb:{}:{}:table/{}",
                at.region, at.account, self.table_name
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.table_name.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.table_arn = Some(self.id(at));
    }
}
