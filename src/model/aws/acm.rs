//! ACM documents: certificates with their expiry, key algorithm, use and transparency
//! logging.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Certificate {
    pub certificate_arn: String,
    pub domain_name: Option<String>,
    pub status: Option<String>,
    /// `AMAZON_ISSUED`, `IMPORTED` or `PRIVATE`.
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub key_algorithm: Option<String>,
    #[serde(deserialize_with = "super::epoch_or_text")]
    pub not_before: Option<String>,
    #[serde(deserialize_with = "super::epoch_or_text")]
    pub not_after: Option<String>,
    pub in_use_by: Vec<String>,
    pub renewal_eligibility: Option<String>,
    pub options: Option<CertificateOptions>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CertificateOptions {
    /// `ENABLED` or `DISABLED`.
    pub certificate_transparency_logging_preference: Option<String>,
}

impl Document for Certificate {
    const TYPE: &'static str = "AWS::ACM::Certificate";
    fn id(&self, _: &Place) -> String {
        self.certificate_arn.clone()
    }
    fn name(&self, _: &Place) -> Option<String> {
        self.domain_name.clone()
    }
}
