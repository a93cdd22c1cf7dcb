//! Secrets Manager documents: secrets' metadata (ListSecrets) — rotation, KMS key, last
//! rotated, changed and accessed. A secret's value is never read.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Secret {
    pub name: String,
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    /// Absent: the account's default key `aws/secretsmanager`.
    pub kms_key_id: Option<String>,
    pub rotation_enabled: bool,
    pub rotation_rules: Option<RotationRules>,
    #[serde(deserialize_with = "super::epoch_or_text")]
    pub last_rotated_date: Option<String>,
    #[serde(deserialize_with = "super::epoch_or_text")]
    pub last_changed_date: Option<String>,
    /// A date (the API keeps no time of day); absent when never read.
    #[serde(deserialize_with = "super::epoch_or_text")]
    pub last_accessed_date: Option<String>,
    #[serde(deserialize_with = "super::epoch_or_text")]
    pub created_date: Option<String>,
    pub primary_region: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RotationRules {
    pub automatically_after_days: Option<i64>,
    pub schedule_expression: Option<String>,
}

impl Document for Secret {
    const TYPE: &'static str = "AWS::SecretsManager::Secret";
    fn id(&self, at: &Place) -> String {
        self.arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:secretsmanager:{}:{}:secret:{}",
                at.region, at.account, self.name
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.name.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.arn = Some(self.id(at));
    }
}
