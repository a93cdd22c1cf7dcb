use serde_json::{json, Value};

use crate::iac::cfn::Loaded;
use crate::iac::terraform::testing::{config, failing, load, plan};
use crate::policy::{RuleSet, RuleSource};

const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const AWS_ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// A role the plan creates, named `name` (else by AWS at apply), its `inline_policy` blocks
/// given or (`None`) left to AWS, as is `managed_policy_arns`.
fn role(address: &str, name: Option<&str>, inline: Option<Value>) -> Value {
    let mut after = json!({"assume_role_policy": TRUST, "path": "/", "max_session_duration": 3600,
        "force_detach_policies": false, "description": null, "permissions_boundary": null,
        "tags": {"team": "ops"}, "tags_all": {"team": "ops"}});
    let mut unknown = json!({"arn": true, "id": true, "unique_id": true, "create_date": true,
        "managed_policy_arns": true, "name_prefix": true});
    match name {
        Some(n) => after["name"] = json!(n),
        None => unknown["name"] = json!(true),
    }
    match inline {
        Some(blocks) => {
            unknown["inline_policy"] = json!(vec![json!({}); blocks.as_array().unwrap().len()]);
            after["inline_policy"] = blocks;
        }
        None => unknown["inline_policy"] = json!(true),
    }
    json!({"address": address, "type": "aws_iam_role", "after": after, "after_unknown": unknown})
}

/// A reference from argument `arg` to the attribute `to` (`aws_iam_role.r.name`), known at
/// apply: its `after_unknown` and `expressions` parts.
fn refers(arg: &str, to: &str) -> (Value, Value) {
    let resource = to.rsplit_once('.').unwrap().0;
    (
        json!({arg: true, "id": true}),
        json!({arg: {"references": [to, resource]}}),
    )
}

/// The same wildcard policy put on a role in each way Terraform has, and on none.
fn wildcard_plan() -> String {
    let (sep_unknown, sep_expr) = refers("role", "aws_iam_role.separate.id");
    let (att_unknown, att_expr) = refers("policy_arn", "aws_iam_policy.admin.arn");
    let (aws_unknown, aws_expr) = refers("role", "aws_iam_role.aws_managed.name");
    plan(
        json!([
            role("aws_iam_role.inline", Some("inline"), Some(json!([{"name": "admin", "policy": ADMIN}]))),
            role("aws_iam_role.separate", None, None),
            {"address": "aws_iam_role_policy.separate", "type": "aws_iam_role_policy",
             "after": {"name": "admin", "policy": ADMIN, "name_prefix": null},
             "after_unknown": sep_unknown, "expressions": sep_expr},
            role("aws_iam_role.attached", Some("attached"), None),
            {"address": "aws_iam_policy.admin", "type": "aws_iam_policy",
             "after": {"name": "admin", "path": "/", "policy": ADMIN, "description": "everything",
                       "tags": null},
             "after_unknown": {"arn": true, "id": true, "policy_id": true, "attachment_count": true,
                               "name_prefix": true, "tags_all": true}},
            // The role by its name, known at plan; the policy's ARN known at apply.
            {"address": "aws_iam_role_policy_attachment.attached",
             "type": "aws_iam_role_policy_attachment", "after": {"role": "attached"},
             "after_unknown": att_unknown, "expressions": att_expr},
            role("aws_iam_role.aws_managed", None, None),
            {"address": "aws_iam_role_policy_attachment.aws_managed",
             "type": "aws_iam_role_policy_attachment", "after": {"policy_arn": AWS_ADMIN},
             "after_unknown": aws_unknown, "expressions": aws_expr},
            role("aws_iam_role.plain", Some("plain"), Some(json!([]))),
        ]),
        None,
    )
}

/// The (rule id, address) of every failing verdict of the bundled rules on `loaded`.
fn failures(loaded: Loaded) -> Vec<(String, String)> {
    let rules = RuleSet::load(&[RuleSource::Bundled]).expect("the bundled rules");
    let params = crate::config::default_params();
    let checked = crate::iac::check(&rules, params, loaded, chrono::Utc::now());
    assert!(checked.rule_errors.is_empty(), "{:?}", checked.rule_errors);
    let address = |id: &str| id.rsplit_once('#').map_or(id, |(_, a)| a).to_string();
    let mut out: Vec<(String, String)> = checked
        .verdicts
        .fail
        .iter()
        .map(|r| (r.rule_id.clone(), address(&r.resource_id)))
        .collect();
    out.sort();
    out
}

#[test]
fn a_wildcard_policy_reads_the_same_inline_separate_or_attached() {
    let loaded = load(&wildcard_plan());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.unsupported.is_empty(), "{:?}", loaded.unsupported);
    let expected = json!([{"PolicyName": "admin", "PolicyDocument":
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]);
    let inline = config(&loaded, "aws_iam_role.inline");
    let separate = config(&loaded, "aws_iam_role.separate");
    assert_eq!(inline["RolePolicyList"], expected);
    assert_eq!(separate["RolePolicyList"], expected);
    for c in [inline, separate] {
        assert_eq!(c["AttachedManagedPolicies"], json!([]));
    }
    assert_eq!(inline["RoleName"], "inline");
    assert_eq!(
        separate["RoleName"], "aws_iam_role/separate",
        "a name AWS makes: the logical id, as a template's"
    );
    assert_eq!(
        inline["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "ec2.amazonaws.com"
    );

    // Attached: the role holds the managed policy of the plan, which holds the document.
    let attached = config(&loaded, "aws_iam_role.attached");
    assert_eq!(attached["RolePolicyList"], json!([]));
    assert_eq!(
        attached["AttachedManagedPolicies"],
        json!([{"PolicyName": "admin", "PolicyArn": "${aws_iam_policy/admin.arn}"}])
    );
    let policy = config(&loaded, "aws_iam_policy.admin");
    assert_eq!(policy["Document"], expected[0]["PolicyDocument"]);
    assert_eq!(policy["AttachmentCount"], 1);
    assert_eq!(policy["Path"], "/");

    let aws = config(&loaded, "aws_iam_role.aws_managed");
    assert_eq!(
        aws["AttachedManagedPolicies"],
        json!([{"PolicyName": "AdministratorAccess", "PolicyArn": AWS_ADMIN}]),
        "an AWS managed policy stays its ARN"
    );
    let plain = config(&loaded, "aws_iam_role.plain");
    assert_eq!(plain["RolePolicyList"], json!([]));
    assert_eq!(plain["AttachedManagedPolicies"], json!([]));
    for a in ["inline", "separate", "attached", "aws_managed", "plain"] {
        assert!(
            failing(&loaded, &format!("aws_iam_role.{a}")).is_none(),
            "{a}"
        );
    }
    // The two attachments and the role policy.
    assert_eq!(loaded.joined, 3);
}

#[test]
fn the_wildcard_rules_fail_each_way_the_policy_is_written() {
    let found = failures(load(&wildcard_plan()));
    let fails = |rule: &str, address: &str| found.contains(&(rule.into(), address.into()));
    for role in ["aws_iam_role.inline", "aws_iam_role.separate"] {
        assert!(fails("IAM-AWS-001", role), "{role}: {found:?}");
        assert!(fails("IAM-AWS-003", role), "{role}: {found:?}");
    }
    // Attached, the customer-managed policy is where the wildcard is (as in a live scan),
    // and the role has no inline policy.
    assert!(fails("IAM-AWS-001", "aws_iam_policy.admin"), "{found:?}");
    assert!(!fails("IAM-AWS-003", "aws_iam_role.attached"), "{found:?}");
    let plain: Vec<_> = found
        .iter()
        .filter(|(r, a)| r.starts_with("IAM-AWS") && a == "aws_iam_role.plain")
        .collect();
    assert!(plain.is_empty(), "{plain:?}");
}

#[test]
fn separate_resources_join_a_role_named_by_its_known_name_once() {
    // A plan of roles already made: the refreshed role lists its separate policy and its
    // attachment too, which are read once.
    let arn = "arn:aws:iam::123456789012:policy/known";
    let text = plan(
        json!([
            {"address": "aws_iam_role.ops", "type": "aws_iam_role",
             "after": {"name": "ops", "id": "ops", "arn": "arn:aws:iam::123456789012:role/ops",
                       "assume_role_policy": TRUST, "path": "/ci/",
                       "inline_policy": [{"name": "read", "policy": READ}, {"name": "own", "policy": ADMIN}],
                       "managed_policy_arns": [arn, AWS_ADMIN]}},
            {"address": "aws_iam_role_policy.read", "type": "aws_iam_role_policy",
             "after": {"role": "ops", "name": "read", "policy": READ, "id": "ops:read"}},
            {"address": "aws_iam_role_policy.elsewhere", "type": "aws_iam_role_policy",
             "after": {"role": "other", "name": "wide", "policy": ADMIN}},
            {"address": "aws_iam_policy.known", "type": "aws_iam_policy",
             "after": {"name": "known", "arn": arn, "id": arn, "path": "/", "policy": READ}},
            {"address": "aws_iam_role_policy_attachment.known", "type": "aws_iam_role_policy_attachment",
             "after": {"role": "ops", "policy_arn": arn, "id": "ops-1"}},
            {"address": "aws_iam_role_policy_attachment.other", "type": "aws_iam_role_policy_attachment",
             "after": {"role": "other", "policy_arn": arn}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let ops = config(&loaded, "aws_iam_role.ops");
    assert_eq!(ops["Path"], "/ci/");
    let names: Vec<&str> = ops["RolePolicyList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["PolicyName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["own", "read"],
        "the role's own, then the separate one"
    );
    assert_eq!(
        ops["RolePolicyList"][1]["PolicyDocument"]["Statement"][0]["Action"],
        "s3:GetObject"
    );
    assert_eq!(
        ops["AttachedManagedPolicies"],
        json!([
            {"PolicyName": "AdministratorAccess", "PolicyArn": AWS_ADMIN},
            {"PolicyName": "known", "PolicyArn": "${aws_iam_policy/known}"},
        ]),
        "a known ARN of the plan's policy is that policy"
    );
    assert_eq!(
        config(&loaded, "aws_iam_policy.known")["AttachmentCount"],
        2,
        "ops, and the role `other` outside the plan"
    );
}

#[test]
fn a_user_gets_its_groups_keys_and_policies_but_never_its_secrets() {
    let (user_unknown, user_expr) = refers("user", "aws_iam_user.alice.name");
    let text = plan(
        json!([
            {"address": "aws_iam_user.alice", "type": "aws_iam_user",
             "after": {"name": "alice", "path": "/", "force_destroy": false, "permissions_boundary": null,
                       "tags": {"team": "ops"}},
             "after_unknown": {"arn": true, "id": true, "unique_id": true, "tags_all": true}},
            {"address": "aws_iam_user.bob", "type": "aws_iam_user", "after": {"name": "bob", "path": "/"}},
            {"address": "aws_iam_group.admins", "type": "aws_iam_group",
             "after": {"name": "admins", "path": "/"}, "after_unknown": {"arn": true, "id": true}},
            {"address": "aws_iam_user_group_membership.alice", "type": "aws_iam_user_group_membership",
             "after": {"user": "alice", "groups": ["admins", "existing"]}, "after_unknown": {"id": true}},
            {"address": "aws_iam_group_membership.auditors", "type": "aws_iam_group_membership",
             "after": {"name": "auditors", "group": "auditors", "users": ["alice", "bob"]}},
            {"address": "aws_iam_access_key.alice", "type": "aws_iam_access_key",
             "after": {"status": "Active", "pgp_key": null, "secret": "wJalrXUtnFEMI/K7MDENG", "user": "alice"},
             "after_unknown": {"id": true, "ses_smtp_password_v4": true, "create_date": true},
             "after_sensitive": {"secret": true, "ses_smtp_password_v4": true}},
            {"address": "aws_iam_access_key.old", "type": "aws_iam_access_key",
             "after": {"status": "Inactive"}, "after_unknown": user_unknown, "expressions": user_expr},
            {"address": "aws_iam_user_login_profile.alice", "type": "aws_iam_user_login_profile",
             "after": {"user": "alice", "password_reset_required": true, "password": "s3cret-Passw0rd!"},
             "after_unknown": {"encrypted_password": true, "key_fingerprint": true},
             "after_sensitive": {"password": true}},
            {"address": "aws_iam_user_policy.alice", "type": "aws_iam_user_policy",
             "after": {"user": "alice", "name": "own", "policy": READ}},
            {"address": "aws_iam_user_policy_attachment.alice", "type": "aws_iam_user_policy_attachment",
             "after": {"user": "alice", "policy_arn": AWS_ADMIN}},
            {"address": "aws_iam_group_policy.admins", "type": "aws_iam_group_policy",
             "after": {"group": "admins", "name": "admin", "policy": ADMIN}},
            {"address": "aws_iam_group_policy_attachment.admins", "type": "aws_iam_group_policy_attachment",
             "after": {"group": "admins", "policy_arn": AWS_ADMIN}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.unsupported.is_empty(), "{:?}", loaded.unsupported);
    let alice = config(&loaded, "aws_iam_user.alice");
    assert_eq!(alice["UserName"], "alice");
    assert_eq!(
        alice["GroupList"],
        json!(["admins", "existing", "auditors"])
    );
    assert_eq!(
        alice["Credential"],
        json!({"password_enabled": true, "mfa_active": false,
               "access_key_1_active": true, "access_key_2_active": false})
    );
    assert_eq!(alice["UserPolicyList"][0]["PolicyName"], "own");
    assert_eq!(
        alice["AttachedManagedPolicies"],
        json!([{"PolicyName": "AdministratorAccess", "PolicyArn": AWS_ADMIN}])
    );
    let bob = config(&loaded, "aws_iam_user.bob");
    assert_eq!(bob["GroupList"], json!(["auditors"]));
    assert_eq!(bob["Credential"]["password_enabled"], false);
    assert_eq!(bob["Credential"]["access_key_1_active"], false);
    let everything = format!("{:?}", loaded.resources);
    for secret in ["s3cret", "wJalrXUtnFEMI"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
    let admins = config(&loaded, "aws_iam_group.admins");
    assert_eq!(admins["GroupName"], "admins");
    assert_eq!(
        admins["GroupPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"],
        "*"
    );
    assert_eq!(admins["AttachedManagedPolicies"][0]["PolicyArn"], AWS_ADMIN);
}

#[test]
fn an_exclusive_attachment_reaches_each_principal_it_lists() {
    let (unknown, expr) = refers("policy_arn", "aws_iam_policy.deploy.arn");
    let text = plan(
        json!([
            {"address": "aws_iam_policy.deploy", "type": "aws_iam_policy",
             "after": {"path": "/team/", "policy": READ},
             "after_unknown": {"arn": true, "id": true, "name": true}},
            role("aws_iam_role.app", Some("app"), None),
            {"address": "aws_iam_user.ci", "type": "aws_iam_user", "after": {"name": "ci", "path": "/"}},
            {"address": "aws_iam_group.devs", "type": "aws_iam_group", "after": {"name": "devs", "path": "/"}},
            {"address": "aws_iam_policy_attachment.deploy", "type": "aws_iam_policy_attachment",
             "after": {"name": "deploy", "roles": ["app", "outside"], "users": ["ci"], "groups": ["devs"]},
             "after_unknown": unknown, "expressions": expr},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let attached = json!([{"PolicyName": "aws_iam_policy/deploy", "PolicyArn": "${aws_iam_policy/deploy.arn}"}]);
    for a in ["aws_iam_role.app", "aws_iam_user.ci", "aws_iam_group.devs"] {
        assert_eq!(
            config(&loaded, a)["AttachedManagedPolicies"],
            attached,
            "{a}"
        );
    }
    let policy = config(&loaded, "aws_iam_policy.deploy");
    assert_eq!(
        policy["AttachmentCount"], 4,
        "three of the plan and one outside"
    );
    assert_eq!(policy["Path"], "/team/");
}

#[test]
fn a_policy_text_known_only_at_apply_is_unknown_and_a_profile_names_its_role() {
    let (profile_unknown, profile_expr) = refers("role", "aws_iam_role.app.name");
    let text = plan(
        json!([
            role("aws_iam_role.app", None, None),
            {"address": "aws_iam_role_policy.read", "type": "aws_iam_role_policy",
             "after": {"name": "read"}, "after_unknown": {"id": true, "role": true, "policy": true},
             "expressions": {"role": {"references": ["aws_iam_role.app.id", "aws_iam_role.app"]},
                             "policy": {"references": ["aws_s3_bucket.b.arn", "aws_s3_bucket.b"]}}},
            {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "after": {"bucket": "b"},
             "after_unknown": {"arn": true, "id": true}},
            {"address": "aws_iam_instance_profile.app", "type": "aws_iam_instance_profile",
             "after": {"name": "app", "path": "/"}, "after_unknown": profile_unknown,
             "expressions": profile_expr},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let unknowns = loaded
        .unknowns
        .iter()
        .find(|(id, _)| id.ends_with("#aws_iam_role.app"))
        .map(|(_, u)| u)
        .expect("the role's policy is unknown");
    assert!(
        unknowns[0]
            .0
            .starts_with("config.RolePolicyList[0].PolicyDocument"),
        "{unknowns:?}"
    );
    assert!(unknowns[0].1.contains("aws_s3_bucket.b"), "{unknowns:?}");
    // The role is named by reference (its name is made at apply), so the policy is its.
    assert!(failing(&loaded, "aws_iam_role.app").is_some());
    let t = crate::iac::terraform::translate::translate(
        &crate::iac::terraform::plan::read("p.json", &text)
            .unwrap()
            .resources,
    );
    let profile = t
        .resources
        .iter()
        .find(|r| r.resource_type == "AWS::IAM::InstanceProfile")
        .expect("the instance profile");
    assert_eq!(
        profile.properties["Roles"],
        json!(["${aws_iam_role/app.name}"])
    );
    assert_eq!(profile.properties["InstanceProfileName"], "app");
}
