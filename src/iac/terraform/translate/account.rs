//! The account's settings: the IAM password policy, S3's account-level public access block,
//! EBS encryption by default and IAM Access Analyzer analyzers.
//!
//! CloudFormation has a resource only for the analyzer; the other three become vigil's own
//! document types as pseudo template types (`AWS::IAM::PasswordPolicy`), their properties
//! named as the live document's fields, which the template documents
//! ([`crate::iac::cfn::documents`]) build as the live collector does. An argument the provider
//! gives a default is in the plan with that default; one it computes (`Optional` and
//! `Computed`) and the configuration leaves out is known only after apply and left out, so
//! the document fills what AWS sets.
//!
//! `aws_ebs_default_kms_key` is not translated: the live document holds whether EBS encrypts
//! by default (GetEbsEncryptionByDefault), not the key, and no rule judges the key, so it is
//! listed as a type vigil has no document for.

use serde_json::{json, Map, Value};

use super::{given, props, resource, with_tags, without_empty, Out};
use crate::iac::terraform::plan::Planned;

/// The password policy's arguments and the live document's fields (GetAccountPasswordPolicy).
/// `expire_passwords` is computed by AWS from `max_password_age`, which the document does too.
const PASSWORD_POLICY: &[(&str, &str)] = &[
    ("minimum_password_length", "MinimumPasswordLength"),
    ("require_symbols", "RequireSymbols"),
    ("require_numbers", "RequireNumbers"),
    ("require_uppercase_characters", "RequireUppercaseCharacters"),
    ("require_lowercase_characters", "RequireLowercaseCharacters"),
    (
        "allow_users_to_change_password",
        "AllowUsersToChangePassword",
    ),
    ("max_password_age", "MaxPasswordAge"),
    ("password_reuse_prevention", "PasswordReusePrevention"),
    ("hard_expiry", "HardExpiry"),
];

/// The account public access block's arguments and the live document's fields.
const PUBLIC_ACCESS_BLOCK: &[(&str, &str)] = &[
    ("block_public_acls", "BlockPublicAcls"),
    ("ignore_public_acls", "IgnorePublicAcls"),
    ("block_public_policy", "BlockPublicPolicy"),
    ("restrict_public_buckets", "RestrictPublicBuckets"),
];

/// The template resources `r` becomes, if it is one of this area's types.
pub(super) fn translate(r: &Planned, _all: &[Planned]) -> Option<Vec<Out>> {
    let v = &r.values;
    let out = match r.resource_type.as_str() {
        "aws_iam_account_password_policy" => {
            let mut m = props(v, PASSWORD_POLICY);
            // The provider sends `allow_users_to_change_password` "Default: true" (schema of
            // aws_iam_account_password_policy); a plan gives it, this is for one that does not.
            if !m.contains_key("AllowUsersToChangePassword") {
                m.insert("AllowUsersToChangePassword".into(), true.into());
            }
            resource(r, "AWS::IAM::PasswordPolicy", m)
        }
        // `account_id` is the account the plan deploys to unless it names another; the
        // document's account is the plan's either way.
        "aws_s3_account_public_access_block" => resource(
            r,
            "AWS::S3::AccountPublicAccessBlock",
            props(v, PUBLIC_ACCESS_BLOCK),
        ),
        "aws_ebs_encryption_by_default" => {
            // `enabled`: "Defaults to `true`" (aws_ebs_encryption_by_default, provider docs).
            let enabled = given(v, "enabled").cloned().unwrap_or(true.into());
            let mut m = Map::new();
            m.insert("EbsEncryptionByDefault".into(), enabled);
            resource(r, "AWS::EC2::EBSEncryptionDefault", m)
        }
        "aws_accessanalyzer_analyzer" => resource(r, "AWS::AccessAnalyzer::Analyzer", analyzer(v)),
        _ => return None,
    };
    Some(vec![out])
}

/// An analyzer's template properties. `type` defaults to `ACCOUNT` (the provider's schema,
/// `Default: types.TypeAccount`); its `configuration` (what an unused-access analyzer
/// reports) is not in the live document.
fn analyzer(v: &Value) -> Map<String, Value> {
    let kind = given(v, "type").cloned().unwrap_or(json!("ACCOUNT"));
    let mut m = without_empty(props(v, &[("analyzer_name", "AnalyzerName")]));
    m.insert("Type".into(), kind);
    with_tags(m, v)
}

#[cfg(test)]
#[path = "../translate_account_tests.rs"]
mod tests;
