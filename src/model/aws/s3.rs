//! S3 documents: a bucket with its encryption, public access block and parsed policy, in the
//! region it lives in.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Bucket {
    pub name: String,
    pub creation_date: Option<String>,
    pub region: String,
    pub server_side_encryption_configuration: Option<Encryption>,
    pub public_access_block_configuration: Option<PublicAccessBlock>,
    /// The bucket policy, parsed (a string when it does not parse).
    pub policy: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Encryption {
    pub rules: Vec<EncryptionRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EncryptionRule {
    pub apply_server_side_encryption_by_default: Option<EncryptionDefault>,
    pub bucket_key_enabled: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EncryptionDefault {
    #[serde(rename = "SSEAlgorithm")]
    pub sse_algorithm: Option<String>,
    #[serde(rename = "KMSMasterKeyID")]
    pub kms_master_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl Document for Bucket {
    const TYPE: &'static str = "AWS::S3::Bucket";
    fn id(&self, _: &Place) -> String {
        format!("arn:aws:s3:::{}", self.name)
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.name.clone())
    }
}
