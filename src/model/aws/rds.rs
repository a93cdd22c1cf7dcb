//! RDS documents: DB instances and Aurora / Multi-AZ DB clusters.

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
    #[serde(rename = "DeletionProtection")]
    pub deletion_protection: bool,
    #[serde(rename = "IAMDatabaseAuthenticationEnabled")]
    pub iam_database_authentication_enabled: bool,
    #[serde(rename = "AutoMinorVersionUpgrade")]
    pub auto_minor_version_upgrade: bool,
    /// Log types exported to CloudWatch Logs (`postgresql`, `audit`, `error`, …).
    #[serde(rename = "EnabledCloudwatchLogsExports")]
    pub enabled_cloudwatch_logs_exports: Vec<String>,
    /// Enhanced Monitoring's interval in seconds; 0: off.
    #[serde(rename = "MonitoringInterval")]
    pub monitoring_interval: Option<i32>,
    /// The cluster an Aurora instance belongs to (its storage and backups are the cluster's).
    #[serde(rename = "DBClusterIdentifier")]
    pub db_cluster_identifier: Option<String>,
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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DbCluster {
    #[serde(rename = "DBClusterIdentifier")]
    pub db_cluster_identifier: String,
    #[serde(rename = "DBClusterArn")]
    pub db_cluster_arn: Option<String>,
    #[serde(rename = "Engine")]
    pub engine: Option<String>,
    #[serde(rename = "EngineVersion")]
    pub engine_version: Option<String>,
    #[serde(rename = "Status")]
    pub status: Option<String>,
    #[serde(rename = "StorageEncrypted")]
    pub storage_encrypted: bool,
    #[serde(rename = "KmsKeyId")]
    pub kms_key_id: Option<String>,
    #[serde(rename = "DeletionProtection")]
    pub deletion_protection: bool,
    #[serde(rename = "IAMDatabaseAuthenticationEnabled")]
    pub iam_database_authentication_enabled: bool,
    #[serde(rename = "BackupRetentionPeriod")]
    pub backup_retention_period: Option<i32>,
    #[serde(rename = "MultiAZ")]
    pub multi_az: bool,
    #[serde(rename = "PubliclyAccessible")]
    pub publicly_accessible: Option<bool>,
    #[serde(rename = "EnabledCloudwatchLogsExports")]
    pub enabled_cloudwatch_logs_exports: Vec<String>,
    #[serde(rename = "AutoMinorVersionUpgrade")]
    pub auto_minor_version_upgrade: Option<bool>,
    #[serde(rename = "CopyTagsToSnapshot")]
    pub copy_tags_to_snapshot: bool,
}

impl Document for DbCluster {
    const TYPE: &'static str = "AWS::RDS::DBCluster";
    fn id(&self, at: &Place) -> String {
        self.db_cluster_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:rds:{}:{}:cluster:{}",
                at.region, at.account, self.db_cluster_identifier
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.db_cluster_identifier.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.db_cluster_arn = Some(self.id(at));
    }
}
