//! SNS and SQS documents: topics and queues with their encryption and access policy (the
//! attributes rules need, by the API's attribute names).

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Topic {
    pub topic_arn: String,
    /// Absent: not encrypted at rest.
    pub kms_master_key_id: Option<String>,
    /// The access policy, parsed.
    pub policy: Option<serde_json::Value>,
    pub fifo_topic: bool,
}

impl Document for Topic {
    const TYPE: &'static str = "AWS::SNS::Topic";
    fn id(&self, _: &Place) -> String {
        self.topic_arn.clone()
    }
    fn name(&self, _: &Place) -> Option<String> {
        self.topic_arn.rsplit(':').next().map(str::to_string)
    }
    fn settle(&mut self, _: &Place) {
        super::non_empty(&mut self.kms_master_key_id);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Queue {
    pub queue_url: String,
    pub queue_arn: Option<String>,
    /// A customer or AWS managed key (SSE-KMS); absent otherwise.
    pub kms_master_key_id: Option<String>,
    /// SSE-SQS: SQS's own keys.
    pub sqs_managed_sse_enabled: bool,
    /// The access policy, parsed.
    pub policy: Option<serde_json::Value>,
    pub fifo_queue: bool,
}

impl Document for Queue {
    const TYPE: &'static str = "AWS::SQS::Queue";
    fn id(&self, at: &Place) -> String {
        self.queue_arn.clone().unwrap_or_else(|| {
            let name = self.queue_url.rsplit('/').next().unwrap_or_default();
            format!("arn:aws:sqs:{}:{}:{name}", at.region, at.account)
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        self.queue_url.rsplit('/').next().map(str::to_string)
    }
    fn settle(&mut self, at: &Place) {
        super::non_empty(&mut self.kms_master_key_id);
        self.queue_arn = Some(self.id(at));
    }
}
