//! KMS documents: customer-managed keys with their rotation status.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Key {
    pub key_id: String,
    pub arn: Option<String>,
    pub key_manager: Option<String>,
    pub key_spec: Option<String>,
    pub key_usage: Option<String>,
    pub key_state: Option<String>,
    pub enabled: bool,
    pub description: String,
    pub creation_date: Option<String>,
    pub deletion_date: Option<String>,
    /// Absent for keys whose rotation cannot be queried (asymmetric, imported, pending
    /// deletion).
    pub key_rotation_enabled: Option<bool>,
}

impl Document for Key {
    const TYPE: &'static str = "AWS::KMS::Key";
    fn id(&self, at: &Place) -> String {
        self.arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:kms:{}:{}:key/{}",
                at.region, at.account, self.key_id
            )
        })
    }
}
