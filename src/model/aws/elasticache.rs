//! ElastiCache documents: replication groups (Redis OSS and Valkey) with their encryption,
//! AUTH, failover and backups.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ReplicationGroup {
    pub replication_group_id: String,
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub engine: Option<String>,
    pub at_rest_encryption_enabled: bool,
    pub transit_encryption_enabled: bool,
    pub auth_token_enabled: bool,
    /// `enabled`, `disabled`, `enabling`, `disabling`.
    pub automatic_failover: Option<String>,
    #[serde(rename = "MultiAZ")]
    pub multi_az: Option<String>,
    pub snapshot_retention_limit: Option<i32>,
    pub kms_key_id: Option<String>,
    /// RBAC user groups: an alternative to an AUTH token.
    pub user_group_ids: Vec<String>,
}

impl Document for ReplicationGroup {
    const TYPE: &'static str = "AWS::ElastiCache::ReplicationGroup";
    fn id(&self, at: &Place) -> String {
        self.arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:elasticache:{}:{}:replicationgroup:{}",
                at.region, at.account, self.replication_group_id
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.replication_group_id.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.arn = Some(self.id(at));
    }
}
