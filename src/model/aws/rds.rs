//! RDS documents: DB instances.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DbInstance {
    #[serde(rename = "DBInstanceIdentifier")]
    pub db_instance_identifier: String,
    /// The API's ARN, or one built from account, region and identifier.
    #[serde(rename = "DBInstanceArn")]
    pub db_instance_arn: Option<String>,
    #[serde(rename = "DBInstanceClass")]
    pub db_instance_class: Option<String>,
    #[serde(rename = "Engine")]
    pub engine: Option<String>,
    #[serde(rename = "EngineVersion")]
    pub engine_version: Option<String>,
    #[serde(rename = "DBInstanceStatus")]
    pub db_instance_status: Option<String>,
    #[serde(rename = "StorageEncrypted")]
    pub storage_encrypted: bool,
    #[serde(rename = "KmsKeyId")]
    pub kms_key_id: Option<String>,
    #[serde(rename = "PubliclyAccessible")]
    pub publicly_accessible: bool,
    #[serde(rename = "MultiAZ")]
    pub multi_az: bool,
    #[serde(rename = "BackupRetentionPeriod")]
    pub backup_retention_period: Option<i32>,
}

impl Document for DbInstance {
    const TYPE: &'static str = "AWS::RDS::DBInstance";
    fn id(&self, at: &Place) -> String {
        self.db_instance_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:rds:{}:{}:db:{}",
                at.region, at.account, self.db_instance_identifier
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.db_instance_identifier.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.db_instance_arn = Some(self.id(at));
    }
}
