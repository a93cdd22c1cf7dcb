//! Lambda documents: functions with their runtime, environment (values redacted), VPC,
//! KMS key, function URL and resource policy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Function {
    pub function_name: String,
    pub function_arn: Option<String>,
    /// Absent for container images (`PackageType` `Image`).
    pub runtime: Option<String>,
    pub package_type: Option<String>,
    pub role: Option<String>,
    pub handler: Option<String>,
    pub last_modified: Option<String>,
    #[serde(rename = "KMSKeyArn")]
    pub kms_key_arn: Option<String>,
    pub vpc_config: Option<VpcConfig>,
    pub environment: Option<Environment>,
    pub tracing_config: Option<TracingConfig>,
    pub dead_letter_config: Option<DeadLetterConfig>,
    /// The function URL's `AuthType` (`NONE` or `AWS_IAM`); absent without a URL.
    pub function_url_auth_type: Option<String>,
    /// The resource-based policy, parsed; absent without one.
    pub policy: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VpcConfig {
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Environment {
    /// Every value redacted; the names stay.
    pub variables: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TracingConfig {
    pub mode: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeadLetterConfig {
    pub target_arn: Option<String>,
}

impl Document for Function {
    const TYPE: &'static str = "AWS::Lambda::Function";
    fn id(&self, at: &Place) -> String {
        self.function_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:lambda:{}:{}:function:{}",
                at.region, at.account, self.function_name
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.function_name.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.function_arn = Some(self.id(at));
        if self.vpc_config.as_ref().is_some_and(|v| {
            v.subnet_ids.is_empty() && v.vpc_id.as_deref().unwrap_or("").is_empty()
        }) {
            self.vpc_config = None;
        }
    }
}
