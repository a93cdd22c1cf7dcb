//! WAFv2 documents: regional web ACLs (and CloudFront's, read in us-east-1) with their rules
//! and logging.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct WebAcl {
    pub name: String,
    pub id: Option<String>,
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    /// `REGIONAL` or `CLOUDFRONT`.
    pub scope: Option<String>,
    /// `ALLOW` or `BLOCK`: what a request no rule matches gets (the API's `{"Allow": {}}` or
    /// `{"Block": {}}`, named).
    #[serde(deserialize_with = "action_name")]
    pub default_action: Option<String>,
    pub rules: Vec<Rule>,
    pub visibility_config: Option<Visibility>,
    /// Where the web ACL logs to; empty when logging is off.
    pub log_destination_configs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Rule {
    pub name: Option<String>,
    pub priority: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Visibility {
    pub cloud_watch_metrics_enabled: bool,
    pub sampled_requests_enabled: bool,
}

impl Document for WebAcl {
    const TYPE: &'static str = "AWS::WAFv2::WebACL";
    fn id(&self, at: &Place) -> String {
        self.arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:wafv2:{}:{}:regional/webacl/{}/{}",
                at.region,
                at.account,
                self.name,
                self.id.as_deref().unwrap_or_default()
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

/// `"ALLOW"`, or the API's `{"Allow": {...}}` / `{"Block": {...}}` as `ALLOW` / `BLOCK`.
fn action_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Object(m)) => m.keys().next().map(|k| k.to_ascii_uppercase()),
        _ => None,
    })
}
