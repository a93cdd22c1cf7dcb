//! CloudWatch Logs documents: log groups with their retention and KMS key.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LogGroup {
    pub log_group_name: String,
    /// The log group's ARN without the API's trailing `:*`.
    pub arn: Option<String>,
    /// Absent: events never expire.
    pub retention_in_days: Option<i32>,
    pub kms_key_id: Option<String>,
    #[serde(deserialize_with = "super::epoch_millis_or_text")]
    pub creation_time: Option<String>,
    /// `STANDARD`, `INFREQUENT_ACCESS` or `DELIVERY`.
    pub log_group_class: Option<String>,
}

impl Document for LogGroup {
    const TYPE: &'static str = "AWS::Logs::LogGroup";
    fn id(&self, at: &Place) -> String {
        match &self.arn {
            Some(a) => a.trim_end_matches(":*").to_string(),
            None => format!(
                "arn:aws:logs:{}:{}:log-group:{}",
                at.region, at.account, self.log_group_name
            ),
        }
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.log_group_name.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.arn = Some(self.id(at));
    }
}
