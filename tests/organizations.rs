//! Organizations and listed accounts against moto's Organizations and STS: every member read
//! through its role, its name, OU path and tags visible to rules; a member whose role cannot
//! be assumed fails its own scopes only and none of its findings resolves.

use serde_json::Value;

use crate::common::*;

/// Python: an EC2 client of member account `a`, through its role (as the member's own
/// administrators would use it).
const MEMBER_EC2: &str = r#"
def member_ec2(a):
    cr = c('sts').assume_role(RoleArn='arn:aws:iam::%s:role/VigilReader' % a,
                              RoleSessionName='setup')['Credentials']
    return boto3.client('ec2', endpoint_url=EP, region_name='us-east-1',
                        aws_access_key_id=cr['AccessKeyId'],
                        aws_secret_access_key=cr['SecretAccessKey'],
                        aws_session_token=cr['SessionToken'])
"#;

/// An organization of three member accounts (prod under OU Workloads, dev, locked), each
/// with one unencrypted volume made through its own role. Returns the ids and the OU.
fn organization(moto: &Moto) -> (Vec<String>, String) {
    let out = boto(
        moto,
        &(MEMBER_EC2.to_string()
            + r#"
org = c('organizations')
org.create_organization(FeatureSet='ALL')
root = org.list_roots()['Roots'][0]['Id']
ou = org.create_organizational_unit(ParentId=root, Name='Workloads')['OrganizationalUnit']['Id']
ids = []
for name in ['prod', 'dev', 'locked']:
    st = org.create_account(Email=name + '@example.com', AccountName=name,
                            Tags=[{'Key': 'env', 'Value': name}])['CreateAccountStatus']
    ids.append(st['AccountId'])
org.move_account(AccountId=ids[0], SourceParentId=root, DestinationParentId=ou)
for a in ids:
    member_ec2(a).create_volume(AvailabilityZone='us-east-1a', Size=8, Encrypted=False)
print(json.dumps({'ids': ids, 'ou': ou}))
"#),
    );
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    let ids = v["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().to_string())
        .collect();
    (ids, v["ou"].as_str().unwrap().to_string())
}

/// A rule that reads the account's metadata: every volume of an account tagged env=prod.
const PROD_RULE: &str = r#"# METADATA
# title: Volume in a production account
# description: Test rule reading data.vigil.context.accounts.
# custom:
#   id: TEST-ORG-001
#   severity: low
#   controls: [CM-8]
#   resource_types: ["AWS::EC2::Volume"]
#   remediation: Nothing to do; a test rule.
package custom.org

deny contains {"msg": msg} if {
	meta := data.vigil.context.accounts[input.account]
	meta.tags.env == "prod"
	msg := sprintf("volume in %s (%s)", [meta.name, concat("/", object.get(meta, "ou_path", []))])
}
"#;

fn config(dir: &std::path::Path, endpoint: &str) -> String {
    let path = dir.join("vigil.toml");
    std::fs::write(
        &path,
        format!(
            "[collectors.aws]\nendpoint_url = \"{endpoint}\"\nregions = [\"us-east-1\"]\n\
             services = [\"ec2\"]\nmax_attempts = 1\nmax_accounts_in_flight = 2\n\n\
             [collectors.aws.organization]\nrole_name = \"VigilReader\"\n\
             # moto's management account has no resources of interest\n\
             exclude = [\"123456789012\"]\n"
        ),
    )
    .unwrap();
    path.display().to_string()
}

fn scan(cfg: &str, db: &str, rules: &std::path::Path) -> (std::process::Output, Value) {
    let out = vigil_env(
        &[
            "scan",
            "--config",
            cfg,
            "--db",
            db,
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[
            ("VIGIL_LOG", "collect::aws::api=debug"),
            ("VIGIL_LOG_FORMAT", "json"),
        ],
    );
    let doc = json(&out);
    (out, doc)
}

/// `vigil report --account WHO` in `format`: its output (and the JSON, for json).
fn report_for(
    cfg: &str,
    db: &str,
    rules: &std::path::Path,
    who: &str,
    format: &str,
) -> std::process::Output {
    vigil(&[
        "report",
        "--config",
        cfg,
        "--db",
        db,
        "--rules",
        rules.to_str().unwrap(),
        "--account",
        who,
        "--format",
        format,
    ])
}

/// The member accounts the posture's findings are on.
fn posture_accounts(p: &Value) -> std::collections::BTreeSet<String> {
    p["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            f["resource"]
                .as_str()?
                .split(':')
                .nth(4)
                .map(str::to_string)
        })
        .collect()
}

fn open_volume_findings(doc: &Value) -> Vec<String> {
    let mut v: Vec<String> = active(doc)
        .into_iter()
        .filter(|(rule, _)| rule == "EBS-AWS-001")
        .map(|(_, id)| id.split(':').nth(4).unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn every_member_is_read_through_its_role_and_a_denied_one_fails_alone() {
    let moto = Moto::start();
    let (ids, ou) = organization(&moto);
    let (prod, dev, locked) = (&ids[0], &ids[1], &ids[2]);
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("org.rego"), PROD_RULE).unwrap();
    let db = db(dir.path());

    // First scan: every member readable.
    let (mut open, url) = proxy(&moto, "none", 0, &[]);
    let cfg = config(dir.path(), &url);
    let check = vigil(&["config", "check", &cfg]);
    assert!(
        stdout(&check).contains("aws: the active accounts of the organization, each through role VigilReader, not 123456789012"),
        "config check explains the target: {}",
        stdout(&check)
    );
    let (out, first) = scan(&cfg, &db, &rules);
    let _ = open.kill();
    assert_eq!(first["scan"]["status"], "complete", "{}", stderr(&out));
    let mut want = ids.clone();
    want.sort();
    assert_eq!(
        open_volume_findings(&first),
        want,
        "one volume per member, none of the management account"
    );
    let prod_rule = finding(&first, "TEST-ORG-001", prod).unwrap_or_else(|| {
        panic!(
            "the rule saw prod's metadata: errors {}, findings {}",
            first["errors"], first["findings"]
        )
    });
    assert!(
        prod_rule["message"]
            .as_str()
            .unwrap()
            .contains("volume in prod (Workloads)"),
        "{prod_rule}"
    );
    assert!(
        finding(&first, "TEST-ORG-001", dev).is_none(),
        "dev is tagged env=dev"
    );
    let scopes: Vec<&str> = first["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["scope"].as_str().unwrap())
        .collect();
    for id in &ids {
        assert!(
            scopes.contains(&format!("aws/{id}/us-east-1/AWS::EC2::Volume").as_str()),
            "{scopes:?}"
        );
    }
    assert!(
        !scopes.iter().any(|s| s.contains("123456789012")),
        "excluded: {scopes:?}"
    );
    // The Organizations calls sent are the ones the hub policy grants (AssumeRole goes
    // through the SDK's own STS client, which the call log does not see).
    let sent: std::collections::BTreeSet<String> = stderr(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["target"] == "collect::aws::api" && v["service"] == "organizations")
        .map(|v| v["operation"].as_str().unwrap().to_string())
        .collect();
    let listed: std::collections::BTreeSet<String> = vigil::collect::aws::services::ORGANIZATION
        .iter()
        .filter(|c| c.operation != "AssumeRole")
        .map(|c| c.operation.to_string())
        .collect();
    assert_eq!(sent, listed);

    // The posture cut to one account, by its name: its scopes, resources and findings only.
    let whole = json(&vigil(&[
        "report",
        "--config",
        &cfg,
        "--db",
        &db,
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let out = report_for(&cfg, &db, &rules, "prod", "json");
    assert!(out.status.success(), "{}", stderr(&out));
    let cut = json(&out);
    assert_eq!(cut["accounts"], serde_json::json!([prod]));
    assert_eq!(posture_accounts(&cut), [prod.clone()].into_iter().collect());
    assert_eq!(posture_accounts(&whole).len(), 3, "{}", whole["findings"]);
    let resources = |p: &Value| p["scans"][0]["resources"].as_i64().unwrap();
    assert!(
        resources(&cut) > 0 && resources(&cut) * 3 == resources(&whole),
        "three alike members: {} of {}",
        resources(&cut),
        resources(&whole)
    );
    let md = stdout(&report_for(&cfg, &db, &rules, prod, "md"));
    assert!(md.contains(&format!("Only account `{prod}`")), "{md}");
    let out = report_for(&cfg, &db, &rules, "staging", "json");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no account or cluster `staging`"),
        "{}",
        stderr(&out)
    );

    // Each member's volume is deleted; then the locked account's role is refused.
    boto(
        &moto,
        &format!(
            r#"{MEMBER_EC2}
for a in {ids:?}:
    ec2 = member_ec2(a)
    for v in ec2.describe_volumes()['Volumes']:
        ec2.delete_volume(VolumeId=v['VolumeId'])
"#
        ),
    );
    let (mut denying, url) = proxy(&moto, "none", 0, &[("PROXY_DENY_ROLE", locked)]);
    let cfg = config(dir.path(), &url);
    let (out, second) = scan(&cfg, &db, &rules);
    let _ = denying.kill();
    assert_eq!(second["scan"]["status"], "partial", "{}", stderr(&out));
    assert_eq!(
        open_volume_findings(&second),
        vec![locked.clone()],
        "prod's and dev's findings resolve; the locked account's stays open"
    );
    let failed: Vec<&Value> = second["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "failed")
        .collect();
    assert!(!failed.is_empty());
    for c in &failed {
        let scope = c["scope"].as_str().unwrap();
        assert!(
            scope.starts_with(&format!("aws/{locked}/")),
            "only the locked account fails: {scope}"
        );
        let error = c["error"].as_str().unwrap();
        assert!(
            error.contains("AccessDenied")
                && error.contains(&format!("arn:aws:iam::{locked}:role/VigilReader")),
            "the error says what was refused: {error}"
        );
    }
    assert!(
        failed
            .iter()
            .any(|c| c["scope"] == format!("aws/{locked}/us-east-1/AWS::EC2::Volume")),
        "every one of its scopes, by its id: {failed:?}"
    );
    let err = stderr(&out);
    assert!(
        err.contains(&format!("AWS account {locked} (locked)")),
        "{err}"
    );
    // Cut to the locked account, the latest scan that read it completely is the first.
    let cut = json(&report_for(&cfg, &db, &rules, locked, "json"));
    assert_eq!(
        cut["scans"][0]["id"], first["scan"]["id"],
        "{}",
        cut["scans"]
    );
    assert_eq!(
        posture_accounts(&cut),
        [locked.clone()].into_iter().collect()
    );
    let cut = json(&report_for(&cfg, &db, &rules, "dev", "json"));
    assert_eq!(cut["scans"][0]["id"], second["scan"]["id"]);
    assert!(
        posture_accounts(&cut).iter().all(|a| a == dev),
        "{}",
        cut["findings"]
    );
    assert!(
        !cut["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "EBS-AWS-001"),
        "dev's volume is gone: {}",
        cut["findings"]
    );
    let _ = ou;
}

/// Accounts listed by hand, each with its role ARN, name and tags: read through their
/// roles under their ids, their names and tags visible to rules, and only they.
#[test]
fn listed_accounts_are_read_through_their_roles() {
    let moto = Moto::start();
    let (ids, _) = organization(&moto);
    let prod = &ids[0];
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("org.rego"), PROD_RULE).unwrap();
    let path = dir.path().join("vigil.toml");
    std::fs::write(
        &path,
        format!(
            "[collectors.aws]\nendpoint_url = \"{}\"\nregions = [\"us-east-1\"]\n\
             services = [\"ec2\"]\nmax_attempts = 1\n\n\
             [[collectors.aws.accounts]]\nid = \"{prod}\"\nname = \"payments\"\n\
             role_arn = \"arn:aws:iam::{prod}:role/VigilReader\"\ntags = {{ env = \"prod\" }}\n",
            moto.url
        ),
    )
    .unwrap();
    let cfg = path.display().to_string();
    let (out, doc) = scan(&cfg, &db(dir.path()), &rules);
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&out));
    assert_eq!(
        open_volume_findings(&doc),
        vec![prod.clone()],
        "only the listed account"
    );
    let f = finding(&doc, "TEST-ORG-001", prod).expect("the listed name and tags reach rules");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("volume in payments ()"),
        "{f}"
    );
}

/// A role that answers as another account than the one it is listed under (here the proxy
/// assumes it in dev instead of prod) fails that account's scopes with both ids named;
/// nothing of dev's is recorded under prod's id.
#[test]
fn a_role_answering_as_another_account_fails_that_account() {
    let moto = Moto::start();
    let (ids, _) = organization(&moto);
    let (prod, dev) = (&ids[0], &ids[1]);
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let (mut swapping, url) = proxy(
        &moto,
        "none",
        0,
        &[("PROXY_SWAP_ACCOUNT", &format!("{prod}:{dev}"))],
    );
    let path = dir.path().join("vigil.toml");
    std::fs::write(
        &path,
        format!(
            "[collectors.aws]\nendpoint_url = \"{url}\"\nregions = [\"us-east-1\"]\n\
             services = [\"ec2\"]\nmax_attempts = 1\n\n\
             [[collectors.aws.accounts]]\nid = \"{prod}\"\nname = \"payments\"\n\
             role_arn = \"arn:aws:iam::{prod}:role/VigilReader\"\n"
        ),
    )
    .unwrap();
    let (out, doc) = scan(&path.display().to_string(), &db(dir.path()), &rules);
    let _ = swapping.kill();
    // The only account failed, so nothing was collected: the scan failed (exit 2).
    assert_eq!(doc["scan"]["status"], "failed", "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        active(&doc).is_empty(),
        "nothing of dev's under prod: {}",
        doc["findings"]
    );
    let c = doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"] == format!("aws/{prod}/us-east-1/AWS::EC2::Volume"))
        .cloned()
        .expect("prod's scopes, failed");
    assert_eq!(c["status"], "failed");
    assert!(
        c["error"]
            .as_str()
            .unwrap()
            .contains(&format!("answered as account {dev}, not {prod}")),
        "{c}"
    );
}

#[test]
fn listed_accounts_and_their_mistakes_are_named_in_config_check() {
    let dir = tempfile::tempdir().unwrap();
    let check = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = vigil(&["config", "check", path.to_str().unwrap()]);
        (
            out.status.code(),
            format!("{}{}", stdout(&out), stderr(&out)),
        )
    };
    let (code, text) = check(
        "bad-id.toml",
        "[[collectors.aws.accounts]]\nid = \"111111111111\"\nrole_arn = \"arn:aws:iam::111111111111:role/R\"\n\n\
         [[collectors.aws.accounts]]\nid = \"12345\"\n",
    );
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("`12345` is not an AWS account id (12 digits)"),
        "{text}"
    );
    assert!(text.contains(":5:"), "the bad id's line: {text}");

    let (code, text) = check(
        "no-role.toml",
        "[[collectors.aws.accounts]]\nid = \"111111111111\"\nname = \"a\"\n\n\
         [[collectors.aws.accounts]]\nid = \"222222222222\"\nrole_arn = \"arn:aws:iam::333333333333:role/R\"\n",
    );
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("account 111111111111 has no `role_arn`, and there is no `[collectors.aws.organization] role_name`"),
        "{text}"
    );
    assert!(
        text.contains("the role arn:aws:iam::333333333333:role/R is in account 333333333333, not 222222222222"),
        "{text}"
    );
}
