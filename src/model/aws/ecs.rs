//! ECS documents: clusters, the latest active revision of each task definition family, and
//! services. Container environment values are redacted whatever their names, as pod env is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Cluster {
    pub cluster_name: String,
    pub cluster_arn: Option<String>,
    pub status: Option<String>,
    /// `containerInsights` and its value.
    pub settings: Vec<Setting>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Setting {
    pub name: Option<String>,
    pub value: Option<String>,
}

impl Document for Cluster {
    const TYPE: &'static str = "AWS::ECS::Cluster";
    fn id(&self, at: &Place) -> String {
        self.cluster_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:ecs:{}:{}:cluster/{}",
                at.region, at.account, self.cluster_name
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.cluster_name.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.cluster_arn = Some(self.id(at));
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TaskDefinition {
    pub family: String,
    pub task_definition_arn: Option<String>,
    pub revision: Option<i32>,
    pub status: Option<String>,
    /// `awsvpc`, `bridge`, `host` or `none`.
    pub network_mode: Option<String>,
    pub requires_compatibilities: Vec<String>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub pid_mode: Option<String>,
    pub ipc_mode: Option<String>,
    pub container_definitions: Vec<ContainerDefinition>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: Option<String>,
    pub essential: Option<bool>,
    pub privileged: Option<bool>,
    pub readonly_root_filesystem: Option<bool>,
    /// `user`, `user:group`, `uid`, `uid:gid`; absent: the image's user (often root).
    pub user: Option<String>,
    pub log_configuration: Option<LogConfiguration>,
    /// Literal environment values, each redacted.
    pub environment: Vec<KeyValue>,
    /// References to Secrets Manager or Parameter Store: names and ARNs, never values.
    pub secrets: Vec<SecretRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LogConfiguration {
    pub log_driver: Option<String>,
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct KeyValue {
    pub name: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SecretRef {
    pub name: Option<String>,
    pub value_from: Option<String>,
}

impl Document for TaskDefinition {
    const TYPE: &'static str = "AWS::ECS::TaskDefinition";
    fn id(&self, at: &Place) -> String {
        self.task_definition_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:ecs:{}:{}:task-definition/{}:{}",
                at.region,
                at.account,
                self.family,
                self.revision.unwrap_or(1)
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.family.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.task_definition_arn = Some(self.id(at));
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Service {
    pub service_name: String,
    pub service_arn: Option<String>,
    pub cluster_arn: Option<String>,
    pub status: Option<String>,
    pub launch_type: Option<String>,
    pub platform_version: Option<String>,
    pub task_definition: Option<String>,
    pub desired_count: i32,
    pub network_configuration: Option<NetworkConfiguration>,
    pub enable_execute_command: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkConfiguration {
    pub awsvpc_configuration: Option<AwsVpcConfiguration>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AwsVpcConfiguration {
    /// `ENABLED` or `DISABLED`.
    pub assign_public_ip: Option<String>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
}

impl Document for Service {
    const TYPE: &'static str = "AWS::ECS::Service";
    fn id(&self, at: &Place) -> String {
        self.service_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:ecs:{}:{}:service/{}",
                at.region, at.account, self.service_name
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.service_name.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.service_arn = Some(self.id(at));
    }
}
