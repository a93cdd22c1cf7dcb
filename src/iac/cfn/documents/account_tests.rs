use serde_json::json;

use crate::iac::cfn::documents::testing::*;

/// Two analyzers: each one's document lists both, its own first.
#[test]
fn each_analyzer_is_the_regions_coverage_with_the_templates_other_analyzers() {
    let d = build_text(
        r#"
Resources:
  External:
    Type: AWS::AccessAnalyzer::Analyzer
    Properties: {AnalyzerName: external-access, Type: ACCOUNT}
  Unused:
    Type: AWS::AccessAnalyzer::Analyzer
    Properties: {Type: ACCOUNT_UNUSED_ACCESS, AnalyzerConfiguration: {UnusedAccessConfiguration: {UnusedAccessAge: 90}}}
"#,
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.built.len(), 2);
    let external = json!({"Name": "external-access", "Arn": "${External}", "Type": "ACCOUNT",
        "Status": "ACTIVE"});
    let unused = json!({"Name": "Unused", "Arn": "${Unused}", "Type": "ACCOUNT_UNUSED_ACCESS",
        "Status": "ACTIVE"});
    assert_eq!(
        config(&d, "External"),
        &json!({"Analyzers": [external, unused]})
    );
    assert_eq!(
        config(&d, "Unused"),
        &json!({"Analyzers": [unused, external]}),
        "its own analyzer first"
    );
    let r = &built(&d, "Unused").resource;
    assert_eq!(r.resource_type, "AWS::AccessAnalyzer::RegionCoverage");
    assert_eq!(r.id, "t.yaml#Unused");
    assert!(built(&d, "External").other.is_none(), "nothing unknown");
}

/// A `Type` from a parameter without a value passes one way and fails the other.
#[test]
fn an_unknown_analyzer_type_is_external_at_one_extreme_and_unused_access_at_the_other() {
    let d = build_text(
        r#"
Parameters:
  Kind: {Type: String}
Resources:
  Analyzer:
    Type: AWS::AccessAnalyzer::Analyzer
    Properties: {AnalyzerName: maybe, Type: !Ref Kind}
"#,
    );
    let b = built(&d, "Analyzer");
    assert_eq!(
        b.unknowns,
        vec![(
            "config.Analyzers[0].Type".to_string(),
            "parameter Kind has no value".to_string()
        )]
    );
    assert_eq!(b.resource.config["Analyzers"][0]["Type"], "ACCOUNT");
    let fail = &b.other.as_ref().expect("a failing extreme").config;
    assert_eq!(fail["Analyzers"][0]["Type"], "ACCOUNT_UNUSED_ACCESS");
    assert_eq!(fail["Analyzers"][0]["Status"], "ACTIVE");
}

/// A password policy without properties is IAM's defaults.
#[test]
fn a_password_policy_left_empty_has_the_apis_defaults() {
    let d = build_text(
        r#"
Resources:
  Policy:
    Type: AWS::IAM::PasswordPolicy
"#,
    );
    let r = &built(&d, "Policy").resource;
    assert_eq!(r.resource_type, "AWS::IAM::PasswordPolicy");
    assert_eq!(
        r.config,
        json!({"Present": true, "MinimumPasswordLength": 6, "RequireSymbols": false,
            "RequireNumbers": false, "RequireUppercaseCharacters": false,
            "RequireLowercaseCharacters": false, "AllowUsersToChangePassword": false,
            "ExpirePasswords": false, "HardExpiry": false})
    );
}

/// A max age expires passwords; 0 is "not set"; text is read as what the field takes.
#[test]
fn a_password_policy_expires_passwords_with_a_max_age_and_zero_means_not_set() {
    let d = build_text(
        r#"
Resources:
  Policy:
    Type: AWS::IAM::PasswordPolicy
    Properties:
      MinimumPasswordLength: 0
      RequireSymbols: true
      RequireNumbers: "true"
      MaxPasswordAge: 90
      PasswordReusePrevention: "0"
      HardExpiry: true
"#,
    );
    let c = config(&d, "Policy");
    assert_eq!(
        c["MinimumPasswordLength"], 6,
        "0 is not sent: IAM's default"
    );
    assert_eq!(c["RequireSymbols"], true);
    assert_eq!(c["RequireNumbers"], true, "text read as a boolean");
    assert_eq!(c["MaxPasswordAge"], 90);
    assert_eq!(c["ExpirePasswords"], true);
    assert_eq!(c.get("PasswordReusePrevention"), None);
    assert_eq!(c["HardExpiry"], true);
}

/// Unknown number settings go back at real values of the API's ranges.
#[test]
fn unknown_password_settings_are_put_back_within_the_apis_ranges() {
    let d = build_text(
        r#"
Parameters:
  Age: {Type: Number}
  Length: {Type: Number}
  Reuse: {Type: Number}
Resources:
  Policy:
    Type: AWS::IAM::PasswordPolicy
    Properties: {MinimumPasswordLength: !Ref Length, MaxPasswordAge: !Ref Age, PasswordReusePrevention: !Ref Reuse}
"#,
    );
    let b = built(&d, "Policy");
    let mut paths: Vec<&str> = b.unknowns.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "config.ExpirePasswords",
            "config.MaxPasswordAge",
            "config.MinimumPasswordLength",
            "config.PasswordReusePrevention"
        ]
    );
    let pass = &b.resource.config;
    assert_eq!(pass["MinimumPasswordLength"], 128);
    assert_eq!(pass["MaxPasswordAge"], 1);
    assert_eq!(pass["ExpirePasswords"], true);
    assert_eq!(pass["PasswordReusePrevention"], 24);
    let fail = &b.other.as_ref().expect("a failing extreme").config;
    assert_eq!(fail["MinimumPasswordLength"], 6);
    assert_eq!(fail.get("MaxPasswordAge"), None);
    assert_eq!(fail["ExpirePasswords"], false);
    assert_eq!(fail.get("PasswordReusePrevention"), None);
}

/// The account block and EBS default are off unless set; unknown, they are open.
#[test]
fn the_account_public_access_block_and_ebs_default_are_off_unless_set() {
    let d = build_text(
        r#"
Parameters:
  Encrypt: {Type: String}
Resources:
  Block:
    Type: AWS::S3::AccountPublicAccessBlock
    Properties: {BlockPublicAcls: true, IgnorePublicAcls: true}
  Ebs:
    Type: AWS::EC2::EBSEncryptionDefault
  Maybe:
    Type: AWS::EC2::EBSEncryptionDefault
    Properties: {EbsEncryptionByDefault: !Ref Encrypt}
"#,
    );
    assert_eq!(
        config(&d, "Block"),
        &json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false,
            "RestrictPublicBuckets": false})
    );
    let ebs = &built(&d, "Ebs").resource;
    assert_eq!(ebs.config, json!({"EbsEncryptionByDefault": false}));
    assert_eq!(
        ebs.name.as_deref(),
        Some("EBS encryption by default (eu-west-1)")
    );
    let maybe = built(&d, "Maybe");
    assert_eq!(maybe.resource.config["EbsEncryptionByDefault"], true);
    let fail = &maybe.other.as_ref().expect("a failing extreme").config;
    assert_eq!(fail["EbsEncryptionByDefault"], false);
}
