use serde_json::json;

use crate::iac::cfn::documents::testing::*;
use crate::iac::cfn::documents::UNKNOWN_TEXT;

/// The names of a document's inline policies (in `key`), sorted.
fn policy_names(r: &crate::model::Resource, key: &str) -> Vec<String> {
    let mut names: Vec<String> = r.config[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["PolicyName"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

const ADMIN: &str =
    r#"{Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}"#;

#[test]
fn a_role_reads_as_iam_lists_it() {
    let d = build_text(
        r#"
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]
      Policies:
        - PolicyName: read
          PolicyDocument: '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}'
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/ReadOnlyAccess
        - !Ref Mine
      Tags: [{Key: owner, Value: team}]
  Mine:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: mine
      PolicyDocument: {Statement: []}
  Named:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deployer
      Path: /ci/
      AssumeRolePolicyDocument: '{"Statement": []}'
"#,
    );
    let app = &built(&d, "App").resource;
    assert_eq!(app.resource_type, "AWS::IAM::Role");
    assert_eq!(app.id, "t.yaml#App");
    assert_eq!(app.name.as_deref(), Some("App"), "no name: the logical id");
    assert_eq!(app.config["Path"], "/", "IAM's default path");
    assert_eq!(
        app.config["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "lambda.amazonaws.com"
    );
    assert_eq!(
        app.config["RolePolicyList"],
        json!([{"PolicyName": "read", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}]),
        "a text document parsed"
    );
    assert_eq!(
        app.config["AttachedManagedPolicies"],
        json!([
            {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
            {"PolicyName": "mine", "PolicyArn": "${Mine}"},
        ]),
        "the ARN's last segment, or the template's policy's name"
    );
    assert_eq!(
        app.config["RoleLastUsed"],
        json!({}),
        "never used, as IAM says"
    );
    assert_eq!(app.tags["owner"], "team");
    let named = &built(&d, "Named").resource;
    assert_eq!(named.name.as_deref(), Some("deployer"));
    assert_eq!(named.config["Path"], "/ci/");
    assert_eq!(
        named.config["AssumeRolePolicyDocument"],
        json!({"Statement": []})
    );
    assert_eq!(named.config["RolePolicyList"], json!([]));
    assert_eq!(named.config["AttachedManagedPolicies"], json!([]));
}

#[test]
fn a_wildcard_policy_reads_the_same_inline_or_as_its_own_resource() {
    let d = build_text(&format!(
        r#"
Resources:
  Inline:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{Statement: []}}
      Policies: [{{PolicyName: admin, PolicyDocument: {ADMIN}}}]
  ByPolicy:
    Type: AWS::IAM::Role
    Properties: {{AssumeRolePolicyDocument: {{Statement: []}}}}
  Separate:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: admin
      Roles: [!Ref ByPolicy]
      PolicyDocument: {ADMIN}
  ByRolePolicy:
    Type: AWS::IAM::Role
    Properties: {{AssumeRolePolicyDocument: {{Statement: []}}}}
  Attached:
    Type: AWS::IAM::RolePolicy
    Properties:
      PolicyName: admin
      RoleName: !Ref ByRolePolicy
      PolicyDocument: {ADMIN}
  ByName:
    Type: AWS::IAM::Role
    Properties: {{RoleName: ops, AssumeRolePolicyDocument: {{Statement: []}}}}
  NamedPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: admin
      Roles: [ops]
      PolicyDocument: {ADMIN}
  Plain:
    Type: AWS::IAM::Role
    Properties: {{AssumeRolePolicyDocument: {{Statement: []}}}}
"#
    ));
    let expected = json!([{"PolicyName": "admin", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]);
    for id in ["Inline", "ByPolicy", "ByRolePolicy", "ByName"] {
        assert_eq!(
            built(&d, id).resource.config["RolePolicyList"],
            expected,
            "{id}"
        );
    }
    assert_eq!(
        built(&d, "Plain").resource.config["RolePolicyList"],
        json!([]),
        "a policy naming other roles is not this one's"
    );
    assert_eq!(d.joined, 3);
    assert_eq!(d.built.len(), 5);
    assert!(d.unsupported.is_empty(), "{:?}", d.unsupported);
}

#[test]
fn a_user_gets_its_groups_policies_and_credential_row_without_its_password() {
    let d = build_text(
        r#"
Resources:
  Console:
    Type: AWS::IAM::User
    Properties:
      UserName: alice
      LoginProfile: {Password: "s3cret-Passw0rd!", PasswordResetRequired: true}
      Groups: [!Ref Admins, existing]
      Tags: [{Key: team, Value: ops}]
  Key1:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref Console}
  Key2:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: alice, Status: Inactive}
  Own:
    Type: AWS::IAM::UserPolicy
    Properties:
      UserName: alice
      PolicyName: own
      PolicyDocument: {Statement: [{Effect: Allow, Action: "kms:Decrypt", Resource: "*"}]}
  Shared:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: shared
      Users: [!Ref Console, !Ref Machine]
      PolicyDocument: {Statement: []}
  Addition:
    Type: AWS::IAM::UserToGroupAddition
    Properties: {GroupName: auditors, Users: [!Ref Machine, alice]}
  Admins:
    Type: AWS::IAM::Group
    Properties: {GroupName: admins}
  Machine:
    Type: AWS::IAM::User
    Properties:
      ManagedPolicyArns: [arn:aws:iam::123456789012:policy/team/deploy]
"#,
    );
    let console = &built(&d, "Console").resource;
    assert_eq!(console.resource_type, "AWS::IAM::User");
    assert_eq!(console.name.as_deref(), Some("alice"));
    assert_eq!(
        console.config["Credential"],
        json!({"password_enabled": true, "mfa_active": false, "access_key_1_active": true, "access_key_2_active": false})
    );
    assert!(
        !console.config.to_string().contains("s3cret"),
        "the password is never in the document"
    );
    assert_eq!(
        console.config["GroupList"],
        json!(["admins", "existing", "auditors"])
    );
    assert_eq!(policy_names(console, "UserPolicyList"), ["own", "shared"]);
    assert_eq!(console.tags["team"], "ops");
    let machine = &built(&d, "Machine").resource;
    assert_eq!(
        machine.config["Credential"],
        json!({"password_enabled": false, "mfa_active": false, "access_key_1_active": false, "access_key_2_active": false}),
        "no login profile, no keys"
    );
    assert_eq!(machine.config["GroupList"], json!(["auditors"]));
    assert_eq!(
        machine.config["AttachedManagedPolicies"],
        json!([{"PolicyName": "deploy", "PolicyArn": "arn:aws:iam::123456789012:policy/team/deploy"}])
    );
    assert_eq!(
        machine.config["UserPolicyList"][0]["PolicyName"], "shared",
        "one AWS::IAM::Policy for several users"
    );
    assert_eq!(d.joined, 5);
}

#[test]
fn a_group_gets_its_inline_and_managed_policies() {
    let d = build_text(&format!(
        r#"
Resources:
  Ops:
    Type: AWS::IAM::Group
    Properties:
      GroupName: ops
      Policies: [{{PolicyName: read, PolicyDocument: {{Statement: [{{Effect: Allow, Action: "s3:GetObject", Resource: "*"}}]}}}}]
  ByName:
    Type: AWS::IAM::GroupPolicy
    Properties: {{GroupName: ops, PolicyName: admin, PolicyDocument: {ADMIN}}}
  ByList:
    Type: AWS::IAM::Policy
    Properties: {{PolicyName: listed, Groups: [!Ref Ops, !Ref Empty], PolicyDocument: {{Statement: []}}}}
  Empty:
    Type: AWS::IAM::Group
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties: {{Groups: [ops], PolicyDocument: {{Statement: []}}}}
"#
    ));
    let ops = &built(&d, "Ops").resource;
    assert_eq!(ops.resource_type, "AWS::IAM::Group");
    assert_eq!(ops.name.as_deref(), Some("ops"));
    assert_eq!(
        policy_names(ops, "GroupPolicyList"),
        ["admin", "listed", "read"]
    );
    assert_eq!(
        ops.config["GroupPolicyList"][0]["PolicyName"], "read",
        "the group's own first"
    );
    let admin = ops.config["GroupPolicyList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["PolicyName"] == "admin")
        .unwrap();
    assert_eq!(admin["PolicyDocument"]["Statement"][0]["Action"], "*");
    assert_eq!(
        ops.config["AttachedManagedPolicies"],
        json!([{"PolicyName": "Managed", "PolicyArn": "${Managed}"}])
    );
    assert!(ops.tags.is_empty());
    let empty = &built(&d, "Empty").resource;
    assert_eq!(empty.config["Path"], "/");
    assert_eq!(empty.config["GroupPolicyList"][0]["PolicyName"], "listed");
    assert_eq!(empty.config["AttachedManagedPolicies"], json!([]));
}

#[test]
fn a_managed_policy_is_the_customer_managed_policy_and_attached_once_to_each_principal() {
    let d = build_text(
        r#"
Resources:
  Wide:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: wide
      Path: /team/
      PolicyDocument: '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
      Roles: [!Ref Both]
      Users: [bob]
  Narrow:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
  Both:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns: [!Ref Wide, !Ref Narrow]
  Bob:
    Type: AWS::IAM::User
    Properties: {UserName: bob}
"#,
    );
    let wide = &built(&d, "Wide").resource;
    assert_eq!(wide.resource_type, "AWS::IAM::Policy");
    assert_eq!(wide.name.as_deref(), Some("wide"));
    assert_eq!(wide.config["Path"], "/team/");
    assert_eq!(wide.config["Document"]["Statement"][0]["Action"], "s3:*");
    assert_eq!(wide.config["DefaultVersionId"], "v1");
    assert_eq!(wide.config["IsAttachable"], true);
    assert_eq!(wide.config["AttachmentCount"], 2);
    let narrow = &built(&d, "Narrow").resource;
    assert_eq!(narrow.name.as_deref(), Some("Narrow"));
    assert_eq!(narrow.config["Path"], "/");
    assert_eq!(
        narrow.config["AttachmentCount"], 1,
        "attached by a role's ManagedPolicyArns"
    );
    assert_eq!(
        built(&d, "Both").resource.config["AttachedManagedPolicies"],
        json!([
            {"PolicyName": "wide", "PolicyArn": "${Wide}"},
            {"PolicyName": "Narrow", "PolicyArn": "${Narrow}"},
        ]),
        "named both ways, attached once"
    );
    assert_eq!(
        built(&d, "Bob").resource.config["AttachedManagedPolicies"],
        json!([{"PolicyName": "wide", "PolicyArn": "${Wide}"}])
    );
    assert_eq!(d.joined, 0);
}

#[test]
fn unknown_values_stay_unknown() {
    let d = build_text(
        r#"
Parameters:
  Bucket: {Type: String}
  Extra: {Type: CommaDelimitedList}
  Password: {Type: String, NoEcho: true}
Conditions:
  NoPassword: !Equals [!Ref Password, ""]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      Policies:
        - PolicyName: read
          PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: !Sub "arn:aws:s3:::${Bucket}/*"}]}
  Open:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns: !Ref Extra
  U:
    Type: AWS::IAM::User
    Properties:
      LoginProfile: !If [NoPassword, !Ref AWS::NoValue, {Password: !Ref Password}]
"#,
    );
    let r = built(&d, "R");
    assert_eq!(
        r.unknowns,
        [(
            "config.RolePolicyList[0].PolicyDocument.Statement[0].Resource".to_string(),
            "parameter Bucket has no value".to_string()
        )]
    );
    // The document's own value at the passing extreme (text, or `true`), at the failing one
    // left out (or `false`): either way the two differ and the passing one is set.
    let at = |c: &serde_json::Value| {
        c["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]
            .get("Resource")
            .cloned()
    };
    let (pass, fail) = (
        at(&r.resource.config),
        at(&r.other.as_ref().unwrap().config),
    );
    assert!(
        pass.as_ref()
            .is_some_and(|v| v == UNKNOWN_TEXT || v == true),
        "{pass:?}"
    );
    assert!(fail.is_none() || fail == Some(json!(false)), "{fail:?}");
    let open = built(&d, "Open");
    assert_eq!(open.unknowns[0].0, "config.AttachedManagedPolicies");
    assert_eq!(
        open.resource.config["AttachedManagedPolicies"],
        json!([UNKNOWN_TEXT])
    );
    assert_eq!(
        open.other.as_ref().unwrap().config["AttachedManagedPolicies"],
        json!([])
    );
    let u = built(&d, "U");
    assert_eq!(u.unknowns[0].0, "config.Credential.password_enabled");
    assert_eq!(u.resource.config["Credential"]["mfa_active"], false);
    let fail = u.other.as_ref().unwrap().config["Credential"].get("password_enabled");
    assert!(fail.is_none() || fail == Some(&json!(false)), "{fail:?}");
    assert_ne!(
        u.resource.config["Credential"].get("password_enabled"),
        fail
    );
}

#[test]
fn properties_that_do_not_fit_are_an_error_of_that_resource() {
    let d = build_text(
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: {Path: [a, b], AssumeRolePolicyDocument: {}}\n",
    );
    assert!(d.built.is_empty());
    assert_eq!(d.errors[0].0, "R");
    assert!(
        d.errors[0].1.contains("AWS::IAM::Role: property Path"),
        "{:?}",
        d.errors
    );
}
