//! IAM documents (region `global`): users with their credential-report row, roles, groups,
//! customer-managed policies, and the root user. Policy documents are parsed JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Document, Place};

/// A credential-report row: `password_enabled, mfa_active, access_key_N_active` (bools) and
/// the report's times (RFC 3339, absent when the report says N/A).
pub type Credential = Map<String, Value>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InlinePolicy {
    pub policy_name: Option<String>,
    pub policy_document: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AttachedPolicy {
    pub policy_name: Option<String>,
    pub policy_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct User {
    pub user_name: String,
    pub user_id: Option<String>,
    pub arn: Option<String>,
    pub path: Option<String>,
    pub create_date: Option<String>,
    pub group_list: Vec<String>,
    pub attached_managed_policies: Vec<AttachedPolicy>,
    pub user_policy_list: Vec<InlinePolicy>,
    pub credential: Option<Credential>,
}

impl Document for User {
    const TYPE: &'static str = "AWS::IAM::User";
    fn id(&self, _: &Place) -> String {
        self.arn.clone().unwrap_or_default()
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.user_name.clone())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Role {
    pub role_name: String,
    pub role_id: Option<String>,
    pub arn: Option<String>,
    pub path: Option<String>,
    pub create_date: Option<String>,
    pub assume_role_policy_document: Option<Value>,
    pub role_policy_list: Vec<InlinePolicy>,
    pub attached_managed_policies: Vec<AttachedPolicy>,
    pub role_last_used: Option<RoleLastUsed>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RoleLastUsed {
    pub last_used_date: Option<String>,
    pub region: Option<String>,
}

impl Document for Role {
    const TYPE: &'static str = "AWS::IAM::Role";
    fn id(&self, _: &Place) -> String {
        self.arn.clone().unwrap_or_default()
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.role_name.clone())
    }
    /// A role never used has an empty `RoleLastUsed`, as IAM answers it, whether the source
    /// said so or left it out (a configuration item may).
    fn settle(&mut self, _: &Place) {
        self.role_last_used
            .get_or_insert_with(RoleLastUsed::default);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Group {
    pub group_name: String,
    pub group_id: Option<String>,
    pub arn: Option<String>,
    pub path: Option<String>,
    pub create_date: Option<String>,
    pub group_policy_list: Vec<InlinePolicy>,
    pub attached_managed_policies: Vec<AttachedPolicy>,
}

impl Document for Group {
    const TYPE: &'static str = "AWS::IAM::Group";
    fn id(&self, _: &Place) -> String {
        self.arn.clone().unwrap_or_default()
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.group_name.clone())
    }
}

/// A customer-managed policy with its default version's document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Policy {
    pub policy_name: String,
    pub policy_id: Option<String>,
    pub arn: Option<String>,
    pub path: Option<String>,
    pub default_version_id: Option<String>,
    pub attachment_count: Option<i32>,
    pub is_attachable: bool,
    pub create_date: Option<String>,
    pub update_date: Option<String>,
    pub document: Option<Value>,
}

impl Document for Policy {
    const TYPE: &'static str = "AWS::IAM::Policy";
    fn id(&self, _: &Place) -> String {
        self.arn.clone().unwrap_or_default()
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.policy_name.clone())
    }
    /// The name is the ARN's last segment when the answer leaves it out (moto does).
    fn settle(&mut self, _: &Place) {
        if self.policy_name.is_empty() {
            let arn = self.arn.as_deref().unwrap_or_default();
            self.policy_name = arn.rsplit('/').next().unwrap_or_default().to_string();
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RootUser {
    #[serde(rename = "AccountMFAEnabled")]
    pub account_mfa_enabled: bool,
    #[serde(rename = "AccountAccessKeysPresent")]
    pub account_access_keys_present: bool,
    /// MFA on, and no virtual MFA device belongs to root.
    #[serde(rename = "HardwareMFA")]
    pub hardware_mfa: bool,
    /// The `<root_account>` row of the credential report.
    #[serde(rename = "Credential")]
    pub credential: Option<Credential>,
}

impl Document for RootUser {
    const TYPE: &'static str = "AWS::IAM::RootUser";
    fn id(&self, at: &Place) -> String {
        format!("arn:aws:iam::{}:root", at.account)
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some("root".into())
    }
}
