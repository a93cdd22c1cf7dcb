use serde_json::{json, Value};

use crate::iac::terraform::testing::{address, checked, config, failing, load, plan};

/// The resource at `address` (its type the address's first part) as provider 5.x plans it:
/// `after` the known values, `unknown` the ones known only after apply, `expressions` the
/// configuration's.
fn planned(address: &str, after: Value, unknown: Value, expressions: Value) -> Value {
    let ty = address.split('.').next().unwrap_or_default();
    json!({"address": address, "type": ty, "after": after, "after_unknown": unknown,
           "expressions": expressions})
}

/// A password policy: `after` on top of the arguments the provider gives defaults
/// (`allow_users_to_change_password` true, `minimum_password_length` 6); the arguments it
/// computes and the configuration leaves out, and those `after` gives as null, are known only
/// after apply.
fn password_policy(name: &str, after: Value, expressions: Value) -> Value {
    let mut a = json!({"allow_users_to_change_password": true, "minimum_password_length": 6});
    let mut u = json!({"id": true, "expire_passwords": true});
    for k in [
        "hard_expiry",
        "max_password_age",
        "password_reuse_prevention",
        "require_lowercase_characters",
        "require_numbers",
        "require_symbols",
        "require_uppercase_characters",
    ] {
        u[k] = json!(true);
    }
    for (k, v) in after.as_object().cloned().unwrap_or_default() {
        match v.is_null() {
            true => u[&k] = json!(true),
            false => {
                u.as_object_mut().map(|m| m.remove(&k));
            }
        }
        a[k] = v;
    }
    let address = format!("aws_iam_account_password_policy.{name}");
    planned(&address, a, u, expressions)
}

/// A weak account baseline: an 8-character password policy without symbols, expiry or reuse
/// prevention; an account public access block that leaves public buckets unrestricted; EBS
/// encryption by default turned off with a default key; an external-access analyzer.
fn weak_baseline() -> Value {
    let weak = password_policy(
        "baseline",
        json!({"minimum_password_length": 8, "require_symbols": false, "require_numbers": true,
               "require_uppercase_characters": true, "require_lowercase_characters": true,
               "password_reuse_prevention": 0}),
        json!({}),
    );
    json!([
        weak,
        planned(
            "aws_s3_account_public_access_block.account",
            json!({"block_public_acls": true, "block_public_policy": true,
                   "ignore_public_acls": true, "restrict_public_buckets": false}),
            json!({"account_id": true, "id": true}),
            json!({}),
        ),
        planned(
            "aws_ebs_encryption_by_default.ebs",
            json!({"enabled": false}),
            json!({"id": true}),
            json!({}),
        ),
        planned(
            "aws_ebs_default_kms_key.ebs",
            json!({"key_arn": "arn:aws:kms:eu-west-1:111122223333:key/1234"}),
            json!({"id": true}),
            json!({}),
        ),
        planned(
            "aws_accessanalyzer_analyzer.external",
            json!({"analyzer_name": "external-access", "type": "ACCOUNT", "configuration": [],
                   "tags": null}),
            json!({"arn": true, "id": true, "tags_all": true, "configuration": []}),
            json!({}),
        ),
    ])
}

/// A strong baseline: 14 characters of every kind, 90 days, 24 remembered; every public
/// access setting on; EBS encryption by default with the provider's default (on).
fn strong_baseline() -> Value {
    let strong = password_policy(
        "baseline",
        json!({"minimum_password_length": 14, "require_symbols": true, "require_numbers": true,
               "require_uppercase_characters": true, "require_lowercase_characters": true,
               "max_password_age": 90, "password_reuse_prevention": 24, "hard_expiry": false}),
        json!({}),
    );
    json!([
        strong,
        planned(
            "aws_s3_account_public_access_block.account",
            json!({"block_public_acls": true, "block_public_policy": true,
                   "ignore_public_acls": true, "restrict_public_buckets": true}),
            json!({"account_id": true, "id": true}),
            json!({}),
        ),
        planned(
            "aws_ebs_encryption_by_default.ebs",
            json!({"enabled": true}),
            json!({"id": true}),
            json!({}),
        ),
    ])
}

/// Failing results (rule, address, path, message) and open ones (rule, address).
type Results = (Vec<(String, String, String, String)>, Vec<(String, String)>);

/// The bundled rules' verdicts on the plan of `resources`, as `vigil scan --terraform-plan`
/// decides them.
fn verdicts(resources: Value) -> Results {
    let checked = checked(resources);
    let v = &checked.verdicts;
    let fail = v
        .fail
        .iter()
        .map(|r| {
            (
                r.rule_id.clone(),
                address(r),
                r.path.clone(),
                r.message.clone(),
            )
        })
        .collect();
    let open = v
        .unknown
        .iter()
        .map(|u| (u.result.rule_id.clone(), address(&u.result)))
        .collect();
    (fail, open)
}

/// The rules of this area.
const RULES: &[&str] = &[
    "IAM-AWS-008",
    "IAM-AWS-009",
    "IAM-AWS-010",
    "IAM-AWS-011",
    "S3-AWS-003",
    "EBS-AWS-002",
    "GUARD-AWS-003",
];

/// Each setting's document is the live one, AWS's defaults filled, in the provider's region.
#[test]
fn the_settings_become_the_live_documents_with_the_apis_defaults() {
    let loaded = load(&plan(weak_baseline(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let policy = config(&loaded, "aws_iam_account_password_policy.baseline");
    assert_eq!(
        policy,
        &json!({"Present": true, "MinimumPasswordLength": 8, "RequireSymbols": false,
            "RequireNumbers": true, "RequireUppercaseCharacters": true,
            "RequireLowercaseCharacters": true, "AllowUsersToChangePassword": true,
            "ExpirePasswords": false, "HardExpiry": false}),
        "reuse 0 is not sent; hard_expiry and max_password_age are computed"
    );
    assert_eq!(
        config(&loaded, "aws_s3_account_public_access_block.account"),
        &json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true,
            "RestrictPublicBuckets": false})
    );
    assert_eq!(
        config(&loaded, "aws_ebs_encryption_by_default.ebs"),
        &json!({"EbsEncryptionByDefault": false})
    );
    assert_eq!(
        config(&loaded, "aws_accessanalyzer_analyzer.external"),
        &json!({"Analyzers": [{"Name": "external-access",
            "Arn": "${aws_accessanalyzer_analyzer/external}", "Type": "ACCOUNT",
            "Status": "ACTIVE"}]})
    );
    assert_eq!(loaded.unsupported.get("aws_ebs_default_kms_key"), Some(&1));
    let types: Vec<(&str, Option<&str>)> = loaded
        .resources
        .iter()
        .map(|r| (r.resource_type.as_str(), r.region.as_deref()))
        .collect();
    assert_eq!(
        types,
        [
            ("AWS::IAM::PasswordPolicy", Some("eu-west-1")),
            ("AWS::S3::AccountPublicAccessBlock", Some("eu-west-1")),
            ("AWS::EC2::EBSEncryptionDefault", Some("eu-west-1")),
            ("AWS::AccessAnalyzer::RegionCoverage", Some("eu-west-1")),
        ]
    );
    assert!(loaded.resources.iter().all(|r| r.account.is_none()));
}

/// An argument with a provider default that the plan does not give gets that default.
#[test]
fn a_plan_leaving_an_argument_out_gets_the_providers_default() {
    let loaded = load(&plan(
        json!([
            password_policy(
                "bare",
                json!({"allow_users_to_change_password": null}),
                json!({})
            ),
            planned(
                "aws_ebs_encryption_by_default.on",
                json!({}),
                json!({"id": true}),
                json!({})
            ),
            planned(
                "aws_accessanalyzer_analyzer.plain",
                json!({"analyzer_name": "plain"}),
                json!({"arn": true, "id": true}),
                json!({})
            ),
        ]),
        None,
    ));
    let policy = config(&loaded, "aws_iam_account_password_policy.bare");
    assert_eq!(policy["AllowUsersToChangePassword"], true);
    assert_eq!(policy["MinimumPasswordLength"], 6);
    assert_eq!(
        policy["RequireSymbols"], false,
        "computed, so IAM's default"
    );
    assert_eq!(
        config(&loaded, "aws_ebs_encryption_by_default.on")["EbsEncryptionByDefault"],
        true
    );
    let plain = config(&loaded, "aws_accessanalyzer_analyzer.plain");
    assert_eq!(plain["Analyzers"][0]["Type"], "ACCOUNT");
}

/// The weak baseline fails each rule once per weakness, with messages that read before deploy.
#[test]
fn a_weak_baseline_fails_the_account_rules_and_a_strong_one_passes() {
    let (fail, open) = verdicts(weak_baseline());
    let found = |rule: &str, address: &str, path: &str| {
        fail.iter()
            .find(|f| f.0 == rule && f.1 == address && f.2 == path)
            .map(|f| f.3.clone())
            .unwrap_or_else(|| panic!("no {rule} {address} {path}: {fail:?}"))
    };
    let policy = "aws_iam_account_password_policy.baseline";
    assert_eq!(
        found("IAM-AWS-008", policy, "config.MinimumPasswordLength"),
        "account (the one it deploys to) IAM password policy allows passwords of 8 characters, fewer than 14"
    );
    assert_eq!(
        found("IAM-AWS-009", policy, "config.PasswordReusePrevention"),
        "account (the one it deploys to) IAM password policy lets users reuse any previous password, fewer than 24"
    );
    assert_eq!(
        found("IAM-AWS-010", policy, "config.RequireSymbols"),
        "account (the one it deploys to) IAM password policy does not require symbols"
    );
    assert_eq!(
        found("IAM-AWS-011", policy, "config.MaxPasswordAge"),
        "account (the one it deploys to) IAM password policy never expires passwords"
    );
    let block = "aws_s3_account_public_access_block.account";
    assert_eq!(
        found("S3-AWS-003", block, "config.RestrictPublicBuckets"),
        "account (the one it deploys to) S3 public access block has RestrictPublicBuckets off"
    );
    assert_eq!(
        found(
            "EBS-AWS-002",
            "aws_ebs_encryption_by_default.ebs",
            "config.EbsEncryptionByDefault"
        ),
        "EBS encryption by default is off in eu-west-1"
    );
    let ours: Vec<_> = fail
        .iter()
        .filter(|f| RULES.contains(&f.0.as_str()))
        .collect();
    assert_eq!(ours.len(), 6, "one per weakness: {ours:?}");
    assert!(open.is_empty(), "{open:?}");

    let (fail, open) = verdicts(strong_baseline());
    let ours: Vec<_> = fail
        .iter()
        .filter(|f| RULES.contains(&f.0.as_str()))
        .collect();
    assert!(ours.is_empty(), "{ours:?}");
    assert!(open.is_empty(), "{open:?}");
}

/// A setting from a variable without a value decides nothing.
#[test]
fn a_value_known_only_after_apply_leaves_the_verdict_open() {
    let var = |name: &str| json!({"references": [format!("var.{name}")]});
    let maybe = password_policy(
        "maybe",
        json!({"minimum_password_length": null, "require_symbols": true, "require_numbers": true,
               "require_uppercase_characters": true, "require_lowercase_characters": true,
               "max_password_age": null, "password_reuse_prevention": 24}),
        json!({"minimum_password_length": var("min_length"), "max_password_age": var("max_age")}),
    );
    let resources = json!([
        maybe,
        planned(
            "aws_ebs_encryption_by_default.maybe",
            json!({}),
            json!({"id": true, "enabled": true}),
            json!({"enabled": var("encrypt")}),
        ),
    ]);
    let loaded = load(&plan(resources.clone(), None));
    let fail = failing(&loaded, "aws_iam_account_password_policy.maybe").expect("unknowns");
    assert_eq!(fail["MinimumPasswordLength"], 6);
    assert_eq!(fail.get("MaxPasswordAge"), None);
    let pass = config(&loaded, "aws_iam_account_password_policy.maybe");
    assert_eq!(pass["MinimumPasswordLength"], 128);
    assert_eq!(pass["MaxPasswordAge"], 1);

    let (fail, open) = verdicts(resources);
    let ours: Vec<_> = fail
        .iter()
        .filter(|f| RULES.contains(&f.0.as_str()))
        .collect();
    assert!(ours.is_empty(), "{ours:?}");
    let opens = |rule: &str, address: &str| open.contains(&(rule.into(), address.into()));
    assert!(
        opens("IAM-AWS-008", "aws_iam_account_password_policy.maybe"),
        "{open:?}"
    );
    assert!(
        opens("IAM-AWS-011", "aws_iam_account_password_policy.maybe"),
        "{open:?}"
    );
    assert!(
        opens("EBS-AWS-002", "aws_ebs_encryption_by_default.maybe"),
        "{open:?}"
    );
    assert_eq!(open.len(), 3, "{open:?}");
}

/// Analyzers of a plan that do not refer to each other are judged apart.
#[test]
fn an_external_access_analyzer_passes_and_an_unused_access_one_alone_fails() {
    let analyzer = |name: &str, kind: &str| {
        planned(
            &format!("aws_accessanalyzer_analyzer.{name}"),
            json!({"analyzer_name": name, "type": kind, "configuration": [], "tags": null}),
            json!({"arn": true, "id": true, "tags_all": true}),
            json!({}),
        )
    };
    let (fail, open) = verdicts(json!([
        analyzer("external", "ACCOUNT"),
        analyzer("unused", "ACCOUNT_UNUSED_ACCESS")
    ]));
    let ours: Vec<_> = fail
        .iter()
        .filter(|f| f.0 == "GUARD-AWS-003")
        .map(|f| (f.1.as_str(), f.3.as_str()))
        .collect();
    // Unrelated resources of a plan are built apart, so the unused-access analyzer does not
    // see the external-access one (a template's analyzers see each other).
    assert_eq!(
        ours,
        [(
            "aws_accessanalyzer_analyzer.unused",
            "IAM Access Analyzer has no active external-access analyzer in eu-west-1; \
             analyzers seen: unused (ACCOUNT_UNUSED_ACCESS, ACTIVE)"
        )]
    );
    assert!(open.is_empty(), "{open:?}");
}
