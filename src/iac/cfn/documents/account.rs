//! The account's settings: the region's IAM Access Analyzer coverage, and, for Terraform plans,
//! the IAM password policy, S3's account-level public access block and EBS encryption by
//! default.
//!
//! CloudFormation has a resource only for the analyzer (`AWS::AccessAnalyzer::Analyzer`). The
//! live scan holds one `AWS::AccessAnalyzer::RegionCoverage` document per region listing every
//! analyzer there (ListAnalyzers), and the rule asks whether one of them is an active
//! external-access analyzer. A template declaring analyzers says "the region it deploys to has
//! these", so each analyzer's document is that coverage: its own analyzer first, then the
//! template's other analyzers (a template deploys to one region). Every analyzer keeps its
//! own document (the documents' builder has no way to leave one out without calling it
//! unsupported), so a template whose analyzers all miss external access has one finding per
//! analyzer; one that has an external-access analyzer besides an unused-access one passes on
//! both, as the live region does. A Terraform plan is built in groups of resources that refer
//! to each other ([`crate::iac::terraform::group`]), so two unrelated analyzers of one plan
//! are each judged alone.
//!
//! Terraform manages the other three settings, which CloudFormation cannot; their translations
//! ([`crate::iac::terraform::translate`]) use vigil's own type names as pseudo template types,
//! with properties named as the live document's fields (`MinimumPasswordLength`). What the
//! API sets when an argument is left out is filled in, each default with its source. The
//! settings have no tags, and the live documents carry none.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{name, or, text_of, Mapped, Parts};
use crate::iac::cfn::resolve::{unknown_reason, Resolved};
use crate::model::aws::{self, Place};
use crate::model::doc::prune;

/// The types joined into this area's resources: none (each analyzer makes a document).
pub(super) const JOINED: &[&str] = &[];

/// CloudFormation's analyzer type.
const ANALYZER: &str = "AWS::AccessAnalyzer::Analyzer";

/// The analyzer types an unknown `Type` is put back as: external access (passes the rule) and
/// unused access (fails it); an unknown text would read as external access both ways.
const ANALYZER_TYPES: (&str, &str) = ("ACCOUNT", "ACCOUNT_UNUSED_ACCESS");

/// `r`'s document, if it is one of this area's types.
pub(super) fn build(r: &Resolved, all: &[Resolved]) -> Option<Mapped> {
    Some(match r.resource_type.as_str() {
        ANALYZER => coverage(r, all),
        "AWS::IAM::PasswordPolicy" => password_policy(r),
        "AWS::S3::AccountPublicAccessBlock" => public_access_block(r),
        "AWS::EC2::EBSEncryptionDefault" => ebs_default(r),
        _ => return None,
    })
}

/// The region's analyzers as the stack leaves them: `r` first, then the template's other
/// analyzers that are surely created (a condition not decided may leave one out).
fn coverage(r: &Resolved, all: &[Resolved]) -> Mapped {
    let others = all.iter().filter(|o| {
        o.resource_type == ANALYZER && o.logical_id != r.logical_id && o.unknown_condition.is_none()
    });
    let analyzers: Vec<Value> = std::iter::once(r).chain(others).map(analyzer).collect();
    let doc = json!({ "Analyzers": analyzers });
    Ok((prune(doc), BTreeMap::new(), coverage_finish))
}

/// One analyzer as ListAnalyzers gives it.
fn analyzer(a: &Resolved) -> Value {
    json!({
        // The name the template gives, else the logical id (CloudFormation's own name starts
        // with the stack's, not known here).
        "Name": text_of(&name(a, "AnalyzerName")),
        // The analyzer's `Ref` is its ARN (AWS::AccessAnalyzer::Analyzer reference).
        "Arn": format!("${{{}}}", a.logical_id),
        // Required by the template reference: ACCOUNT, ORGANIZATION or their
        // `_UNUSED_ACCESS` / `_INTERNAL_ACCESS` forms. Left out, it stays absent.
        "Type": a.properties.get("Type"),
        // CloudFormation reports the analyzer created once CreateAnalyzer has made it; an
        // analyzer that monitors resources is ACTIVE (AnalyzerSummary, status: CREATING
        // while being created, FAILED if creation failed, DISABLED only by a later action).
        "Status": "ACTIVE",
    })
}

/// A coverage document; an analyzer `Type` unknown until deploy as [`ANALYZER_TYPES`].
fn coverage_finish(
    json: Value,
    tags: BTreeMap<String, String>,
    place: &Place,
) -> Result<Parts, String> {
    let (mut pass, mut fail, unknowns) =
        super::finish::<aws::guards::AnalyzerCoverage>(json, tags, place)?;
    let (on, off) = ANALYZER_TYPES;
    for (path, _) in &unknowns {
        if path.starts_with("config.Analyzers[") && path.ends_with("].Type") {
            super::set(&mut pass.config, path, on.into());
            if let Some(f) = &mut fail {
                super::set(&mut f.config, path, off.into());
            }
        }
    }
    Ok((pass, fail, unknowns))
}

/// The account's IAM password policy as GetAccountPasswordPolicy gives it after
/// UpdateAccountPasswordPolicy with these settings. The IAM API reference,
/// UpdateAccountPasswordPolicy, says of each parameter left out: "the operation uses the
/// default value of": `MinimumPasswordLength` 6; `RequireSymbols`, `RequireNumbers`,
/// `RequireUppercaseCharacters`, `RequireLowercaseCharacters`, `AllowUsersToChangePassword`
/// and `HardExpiry` false; `MaxPasswordAge` 0 ("IAM user passwords never expire") and
/// `PasswordReusePrevention` 0 ("not prevented from reusing previous passwords").
fn password_policy(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let age = set_number(p.get("MaxPasswordAge"));
    // PasswordPolicy (API reference), ExpirePasswords: "Returns true if MaxPasswordAge
    // contains a value greater than 0. Returns false if MaxPasswordAge is 0 or not present."
    let expire = match &age {
        None => Value::Bool(false),
        Some(a) if unknown_reason(a).is_some() => a.clone(),
        Some(_) => Value::Bool(true),
    };
    let doc = json!({
        "Present": true,
        // 0 is not a length the API takes (6 to 128); Terraform does not send it, so the
        // default applies.
        "MinimumPasswordLength": set_number(p.get("MinimumPasswordLength")).unwrap_or(6.into()),
        "RequireSymbols": or(p, "RequireSymbols", false),
        "RequireNumbers": or(p, "RequireNumbers", false),
        "RequireUppercaseCharacters": or(p, "RequireUppercaseCharacters", false),
        "RequireLowercaseCharacters": or(p, "RequireLowercaseCharacters", false),
        "AllowUsersToChangePassword": or(p, "AllowUsersToChangePassword", false),
        "ExpirePasswords": expire,
        // Absent when not set: PasswordPolicy's MaxPasswordAge ranges 1 to 1095 and its
        // PasswordReusePrevention 1 to 24, so GetAccountPasswordPolicy has no 0 to give.
        "MaxPasswordAge": age,
        "PasswordReusePrevention": set_number(p.get("PasswordReusePrevention")),
        "HardExpiry": or(p, "HardExpiry", false),
    });
    Ok((prune(doc), BTreeMap::new(), password_finish))
}

/// A number setting that is set: absent, and 0 (written as a number or as text), are "not
/// set"; anything else (an unknown value included) is kept.
fn set_number(v: Option<&Value>) -> Option<Value> {
    let v = v.filter(|v| !v.is_null())?;
    let zero = v.as_i64() == Some(0) || v.as_str().is_some_and(|s| s.trim() == "0");
    (!zero).then(|| v.clone())
}

/// The extremes a password policy's number setting unknown until deploy is put back at: the
/// value that passes most checks and the one that fails them, within the range the API takes
/// (PasswordPolicy, API reference); `None` is the setting left out.
const PASSWORD_EXTREMES: &[(&str, Option<i64>, Option<i64>)] = &[
    // 6 to 128.
    ("config.MinimumPasswordLength", Some(128), Some(6)),
    // 1 to 1095 days; left out, passwords never expire.
    ("config.MaxPasswordAge", Some(1), None),
    // 1 to 24; left out, any password may be reused.
    ("config.PasswordReusePrevention", Some(24), None),
];

/// A password policy's document, its unknown number settings at [`PASSWORD_EXTREMES`] (the
/// generic extremes, the largest number and 0, would fail `MaxPasswordAge` both ways).
fn password_finish(
    json: Value,
    tags: BTreeMap<String, String>,
    place: &Place,
) -> Result<Parts, String> {
    let (mut pass, mut fail, unknowns) =
        super::finish::<aws::guards::PasswordPolicy>(json, tags, place)?;
    let value = |n: Option<i64>| n.map_or(Value::Null, Value::from);
    for (path, _) in &unknowns {
        let Some((_, on, off)) = PASSWORD_EXTREMES.iter().find(|(p, ..)| p == path) else {
            continue;
        };
        super::set(&mut pass.config, path, value(*on));
        if let Some(f) = &mut fail {
            super::set(&mut f.config, path, value(*off));
        }
    }
    Ok((pass, fail, unknowns))
}

/// S3's account-level public access block as S3 Control's GetPublicAccessBlock gives it: a
/// setting left out is false (S3 Control API reference, PublicAccessBlockConfiguration: each
/// setting is optional, and its behaviour is what "setting this element to TRUE causes"; the
/// live collector reads an absent one as false, and the Terraform provider's arguments
/// default to false).
fn public_access_block(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let doc = json!({
        "BlockPublicAcls": or(p, "BlockPublicAcls", false),
        "IgnorePublicAcls": or(p, "IgnorePublicAcls", false),
        "BlockPublicPolicy": or(p, "BlockPublicPolicy", false),
        "RestrictPublicBuckets": or(p, "RestrictPublicBuckets", false),
    });
    Ok((
        prune(doc),
        BTreeMap::new(),
        super::finish::<aws::guards::AccountPublicAccessBlock>,
    ))
}

/// The region's EBS encryption-by-default setting. Left out, it is off, as a region is until
/// EnableEbsEncryptionByDefault "Enables EBS encryption by default for your account in the
/// current Region" (EC2 API reference) and as the live collector reads an absent answer. The
/// Terraform translation always gives it (the provider's `enabled` defaults to true).
fn ebs_default(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let doc = json!({ "EbsEncryptionByDefault": or(p, "EbsEncryptionByDefault", false) });
    Ok((
        prune(doc),
        BTreeMap::new(),
        super::finish::<aws::ec2::EbsEncryptionDefault>,
    ))
}

#[cfg(test)]
#[path = "account_tests.rs"]
mod tests;
