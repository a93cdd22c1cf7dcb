//! EFS documents: file systems with their encryption and backup policy.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FileSystem {
    pub file_system_id: String,
    pub file_system_arn: Option<String>,
    pub name: Option<String>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub performance_mode: Option<String>,
    pub throughput_mode: Option<String>,
    pub life_cycle_state: Option<String>,
    #[serde(deserialize_with = "super::epoch_or_text")]
    pub creation_time: Option<String>,
    /// `ENABLED`, `ENABLING`, `DISABLED` or `DISABLING` (DescribeBackupPolicy).
    pub backup_policy_status: Option<String>,
}

impl Document for FileSystem {
    const TYPE: &'static str = "AWS::EFS::FileSystem";
    fn id(&self, at: &Place) -> String {
        self.file_system_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:elasticfilesystem:{}:{}:file-system/{}",
                at.region, at.account, self.file_system_id
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        self.name.clone()
    }
    fn settle(&mut self, at: &Place) {
        self.file_system_arn = Some(self.id(at));
    }
}
