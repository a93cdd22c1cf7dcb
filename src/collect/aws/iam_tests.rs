//! Unit tests of `iam.rs` on the API's shapes.

use super::*;
use serde_json::json;

// Shapes as GetAccountAuthorizationDetails answers them: policy documents URL-encoded,
// the default version marked, moto leaving out a managed policy's name.
const WILDCARD: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";

#[test]
fn managed_policy_document_is_the_default_version_decoded() {
    use aws_sdk_iam::types::{ManagedPolicyDetail, PolicyVersion};
    let p = ManagedPolicyDetail::builder()
        .arn("arn:aws:iam::123456789012:policy/admin-all")
        .policy_id("ANPA1")
        .default_version_id("v2")
        .attachment_count(1)
        .is_attachable(true)
        .policy_version_list(
            PolicyVersion::builder()
                .version_id("v1")
                .is_default_version(false)
                .document("%7B%7D")
                .build(),
        )
        .policy_version_list(
            PolicyVersion::builder()
                .version_id("v2")
                .is_default_version(true)
                .document(WILDCARD)
                .build(),
        )
        .build();
    let r = normalize_policy(&crate::collect::aws::test_at("global"), &p);
    assert_eq!(r.id, "arn:aws:iam::123456789012:policy/admin-all");
    assert_eq!(r.name.as_deref(), Some("admin-all"), "named by its ARN");
    assert_eq!(r.region.as_deref(), Some("global"));
    assert_eq!(r.config["PolicyName"], "admin-all");
    assert_eq!(
        r.config["Document"],
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    );
}

#[test]
fn role_document_with_trust_policy_and_inline_policies() {
    use aws_sdk_iam::types::{PolicyDetail, RoleDetail, Tag};
    let role = RoleDetail::builder()
        .role_name("deployer")
        .arn("arn:aws:iam::123456789012:role/deployer")
        .assume_role_policy_document(WILDCARD)
        .role_policy_list(
            PolicyDetail::builder()
                .policy_name("inline")
                .policy_document(WILDCARD)
                .build(),
        )
        .tags(Tag::builder().key("owner").value("ci").build().unwrap())
        .build();
    let r = normalize_role(&crate::collect::aws::test_at("global"), &role);
    assert_eq!(r.resource_type, "AWS::IAM::Role");
    assert_eq!(r.tags["owner"], "ci");
    assert_eq!(
        r.config["AssumeRolePolicyDocument"]["Statement"][0]["Action"],
        "*"
    );
    assert_eq!(r.config["RolePolicyList"][0]["PolicyName"], "inline");
    assert_eq!(
        r.config["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]["Resource"],
        "*"
    );
    assert_eq!(r.config["AttachedManagedPolicies"], json!([]));
}

#[test]
fn user_group_and_root_documents() {
    use aws_sdk_iam::types::{AttachedPolicy, GroupDetail, UserDetail};
    let ctx = crate::collect::aws::test_at("global");
    let row: Map<String, Value> = serde_json::from_value(json!({"mfa_active": false})).unwrap();
    let report = HashMap::from([("alice".to_string(), row.clone())]);
    let user = UserDetail::builder()
        .user_name("alice")
        .arn("arn:aws:iam::123456789012:user/alice")
        .group_list("admins")
        .attached_managed_policies(
            AttachedPolicy::builder()
                .policy_name("AdministratorAccess")
                .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
                .build(),
        )
        .build();
    let r = normalize_user(&ctx, &user, &report);
    assert_eq!(r.id, "arn:aws:iam::123456789012:user/alice");
    assert_eq!(r.config["GroupList"], json!(["admins"]));
    assert_eq!(
        r.config["AttachedManagedPolicies"],
        json!([{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}])
    );
    assert_eq!(
        r.config["Credential"],
        json!({"mfa_active": false}),
        "its report row"
    );
    let group = GroupDetail::builder()
        .group_name("admins")
        .arn("arn:aws:iam::123456789012:group/admins")
        .build();
    let g = normalize_group(&ctx, &group);
    assert_eq!(g.resource_type, "AWS::IAM::Group");
    assert_eq!(g.config["GroupPolicyList"], json!([]));
    // The root: MFA on through a virtual device is not hardware MFA.
    let summary = HashMap::from([
        (SummaryKeyType::AccountMfaEnabled, 1),
        (SummaryKeyType::AccountAccessKeysPresent, 0),
    ]);
    let root = normalize_root(&ctx, &summary, true, Some(&row));
    assert_eq!(root.id, "arn:aws:iam::123456789012:root");
    assert_eq!(
        root.config,
        json!({"AccountMFAEnabled": true, "AccountAccessKeysPresent": false,
            "HardwareMFA": false, "Credential": {"mfa_active": false}})
    );
    assert_eq!(
        normalize_root(&ctx, &summary, false, None).config["HardwareMFA"],
        true
    );
}

#[test]
fn decodes_url_encoded_policies() {
    let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    assert_eq!(decode_policy(enc)["Statement"][0]["Action"], "*");
    assert_eq!(
        decode_policy("{\"Version\":\"2012-10-17\"}")["Version"],
        "2012-10-17"
    );
}

#[test]
fn parses_credential_report() {
    let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-01-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2021-02-03T04:05:06+00:00,true,no_information,2021-02-03T04:05:06+00:00,N/A,false,true,2021-02-03T04:05:06+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
    let rows = parse_credential_report(csv.as_bytes()).unwrap();
    let alice = &rows["alice"];
    assert_eq!(alice["password_enabled"], true);
    assert_eq!(alice["mfa_active"], false);
    assert_eq!(alice["user_creation_time"], "2021-02-03T04:05:06Z");
    assert!(!alice.contains_key("password_last_used"));
    assert_eq!(rows["<root_account>"]["mfa_active"], true);
}
