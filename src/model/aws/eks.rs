//! EKS documents: clusters with their endpoint access, secrets encryption, control-plane
//! logging, version and node groups.

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Cluster {
    pub name: String,
    pub arn: Option<String>,
    pub version: Option<String>,
    pub platform_version: Option<String>,
    pub status: Option<String>,
    #[serde(deserialize_with = "super::epoch_or_text")]
    pub created_at: Option<String>,
    pub role_arn: Option<String>,
    pub resources_vpc_config: VpcConfig,
    pub encryption_config: Vec<EncryptionConfig>,
    pub logging: Logging,
    /// `STANDARD` or `EXTENDED`: what the cluster does when its version leaves standard
    /// support.
    pub upgrade_policy: Option<UpgradePolicy>,
    pub nodegroups: Vec<Nodegroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VpcConfig {
    pub endpoint_public_access: bool,
    pub endpoint_private_access: bool,
    pub public_access_cidrs: Vec<String>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub cluster_security_group_id: Option<String>,
    pub vpc_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EncryptionConfig {
    pub resources: Vec<String>,
    pub provider: Option<Provider>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Provider {
    pub key_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Logging {
    pub cluster_logging: Vec<LogSetup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LogSetup {
    /// `api`, `audit`, `authenticator`, `controllerManager`, `scheduler`.
    pub types: Vec<String>,
    pub enabled: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UpgradePolicy {
    pub support_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Nodegroup {
    pub nodegroup_name: String,
    pub nodegroup_arn: Option<String>,
    pub status: Option<String>,
    pub version: Option<String>,
    pub release_version: Option<String>,
    pub ami_type: Option<String>,
    pub capacity_type: Option<String>,
    pub launch_template: Option<LaunchTemplate>,
    /// SSH access to the nodes: the key pair and the security groups allowed to use it
    /// (none: from anywhere).
    pub remote_access: Option<RemoteAccess>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LaunchTemplate {
    pub id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RemoteAccess {
    pub ec2_ssh_key: Option<String>,
    pub source_security_groups: Vec<String>,
}

impl Document for Cluster {
    const TYPE: &'static str = "AWS::EKS::Cluster";
    fn id(&self, at: &Place) -> String {
        self.arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:eks:{}:{}:cluster/{}",
                at.region, at.account, self.name
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
