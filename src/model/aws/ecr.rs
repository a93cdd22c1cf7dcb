//! ECR documents: repositories with their scanning, tag mutability, encryption, lifecycle
//! policy and repository policy.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Repository {
    pub repository_name: String,
    pub repository_arn: Option<String>,
    pub repository_uri: Option<String>,
    /// `MUTABLE` or `IMMUTABLE` (and their `_WITH_EXCLUSION` forms).
    pub image_tag_mutability: Option<String>,
    pub image_scanning_configuration: ScanningConfiguration,
    pub encryption_configuration: Option<EncryptionConfiguration>,
    /// The lifecycle policy, parsed; absent without one.
    pub lifecycle_policy: Option<serde_json::Value>,
    /// The repository policy, parsed; absent without one.
    pub policy: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ScanningConfiguration {
    pub scan_on_push: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EncryptionConfiguration {
    /// `AES256`, `KMS` or `KMS_DSSE`.
    pub encryption_type: Option<String>,
    pub kms_key: Option<String>,
}

impl Document for Repository {
    const TYPE: &'static str = "AWS::ECR::Repository";
    fn id(&self, at: &Place) -> String {
        self.repository_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:ecr:{}:{}:repository/{}",
                at.region, at.account, self.repository_name
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.repository_name.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.repository_arn = Some(self.id(at));
    }
}
