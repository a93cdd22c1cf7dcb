//! `vigil drift --against-template | --against-plan`: the latest live scan (of moto) compared
//! with what a template or a plan declares: managed, changed attribute by attribute, missing,
//! unmanaged, each row with the configuration-management controls.

use serde_json::Value;

use crate::common::*;

pub(crate) const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: drift-data
      Tags:
        - Key: owner
          Value: team-a
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: drift-jobs
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: drift-web
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/8
  Gone:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: drift-gone
"#;

/// `TEMPLATE` written to `stack.yaml` in a new directory (returned with the file) and
/// deployed by moto's CloudFormation, then port 22 opened to everyone by hand.
pub(crate) fn deploy_and_open_ssh(moto: &Moto) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("stack.yaml");
    std::fs::write(&template, TEMPLATE).unwrap();
    boto(
        moto,
        &format!(
            r#"
c('cloudformation').create_stack(StackName='drift', TemplateBody={TEMPLATE:?})
ec2 = c('ec2')
web = [g for g in ec2.describe_security_groups()['SecurityGroups'] if g['GroupName'] == 'drift-web'][0]
ec2.authorize_security_group_ingress(GroupId=web['GroupId'], IpPermissions=[
    {{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{{'CidrIp': '0.0.0.0/0'}}]}}])
"#
        ),
    );
    (dir, template)
}

/// The line of `TEMPLATE` that starts with `start`.
pub(crate) fn line_of(start: &str) -> usize {
    TEMPLATE.lines().position(|l| l.starts_with(start)).unwrap() + 1
}

fn rows<'d>(doc: &'d Value, status: &str) -> Vec<&'d Value> {
    doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == status)
        .collect()
}

fn declared<'d>(doc: &'d Value, logical_id: &str) -> &'d Value {
    doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["declared"]["logical_id"] == logical_id)
        .unwrap_or_else(|| panic!("no row for {logical_id}: {doc:#}"))
}

#[test]
fn a_stack_changed_by_hand_drifts_from_its_template_attribute_by_attribute() {
    let moto = Moto::start();
    // Deployed by CloudFormation (moto's), then changed outside it.
    let (dir, template) = deploy_and_open_ssh(&moto);
    boto(
        &moto,
        r#"
sqs = c('sqs')
sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName='drift-gone')['QueueUrl'])
s3 = c('s3')
s3.create_bucket(Bucket='drift-stray')
s3.put_bucket_tagging(Bucket='drift-data', Tagging={'TagSet': [{'Key': 'owner', 'Value': 'team-b'}]})
"#,
    );
    let db = db(dir.path());
    let scan = scan_moto(
        &moto,
        &db,
        &["--service", "s3", "--service", "sqs", "--service", "ec2"],
    );
    assert!(
        scan.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&scan)
    );

    let t = template.to_str().unwrap();
    let out = vigil(&[
        "drift",
        "--against-template",
        t,
        "--db",
        &db,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out);

    // The port opened by hand, as the security group's attribute.
    let web = declared(&doc, "Web");
    assert_eq!(web["status"], "changed", "{web:#}");
    let opened = web["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["path"]
                .as_str()
                .unwrap()
                .starts_with("config.IpPermissions")
        })
        .expect("the ingress change");
    assert_eq!(opened["live"]["FromPort"], 22);
    assert_eq!(opened["live"]["IpRanges"][0]["CidrIp"], "0.0.0.0/0");
    assert!(opened.get("declared").is_none_or(Value::is_null));
    assert!(
        web["live"]
            .as_str()
            .unwrap()
            .contains(":security-group/sg-"),
        "{web:#}"
    );
    assert_eq!(web["declared"]["line"], line_of("  Web:"));

    // The tag changed by hand.
    let data = declared(&doc, "Data");
    let tag = data["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "tags.owner")
        .expect("the owner tag");
    assert_eq!(
        (&tag["declared"], &tag["live"]),
        (&Value::from("team-a"), &Value::from("team-b"))
    );

    // Deleted by hand: missing, at its line.
    let gone = declared(&doc, "Gone");
    assert_eq!(gone["status"], "missing");
    assert_eq!(gone["declared"]["line"], line_of("  Gone:"));
    assert!(gone.get("live").is_none());

    // Untouched: managed and alike.
    assert_eq!(declared(&doc, "Jobs")["status"], "managed", "{doc:#}");

    // Made by hand, of a declared type: unmanaged.
    let stray: Vec<&str> = rows(&doc, "unmanaged")
        .iter()
        .map(|r| r["live"].as_str().unwrap())
        .collect();
    assert!(stray.contains(&"arn:aws:s3:::drift-stray"), "{stray:?}");
    assert!(!stray
        .iter()
        .any(|s| s.contains("drift-data") || s.contains("drift-jobs")));

    assert_eq!(doc["summary"]["not_scanned"], 0);
    assert!(doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["controls"] == serde_json::json!(["CM-2", "CM-3", "CM-6"])));

    let table = stdout(&vigil(&["drift", "--against-template", t, "--db", &db]));
    let at = format!("stack.yaml:{} Gone", line_of("  Gone:"));
    assert!(table.contains("missing") && table.contains(&at), "{table}");
    assert!(table.contains("Controls: CM-2, CM-3, CM-6."), "{table}");

    // A live scan given the template: the open port's finding names the line to change.
    let live = scan_moto(
        &moto,
        &db,
        &["--service", "ec2", "--templates", t, "--format", "json"],
    );
    assert_eq!(live.status.code(), Some(1), "{}", stderr(&live));
    let scanned = json(&live);
    let sg = web["live"].as_str().unwrap();
    assert!(scanned["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["resource_id"] == sg && f["rule_id"] == "NET-AWS-001"));
    let at = &scanned["declared_at"][sg];
    assert_eq!(
        (&at["file"], &at["line"], &at["logical_id"]),
        (
            &Value::from(t),
            &Value::from(line_of("  Web:")),
            &Value::from("Web")
        )
    );
    let shown = stdout(&scan_moto(
        &moto,
        &db,
        &["--service", "ec2", "--templates", t],
    ));
    assert!(
        shown.contains("Declared in templates (change them there):"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("{t}:{} Web", line_of("  Web:"))),
        "{shown}"
    );
}

#[test]
fn buckets_made_outside_terraform_drift_from_the_plan_by_address() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    // Made by hand under the plan's names: bucket 1 as the plan declares it, bucket 0
    // with its public access block off.
    boto(
        &moto,
        r#"
s3 = c('s3')
for b in ['vigil-fixture-0', 'vigil-fixture-1']:
    s3.create_bucket(Bucket=b)
block = {'BlockPublicAcls': True, 'IgnorePublicAcls': True, 'BlockPublicPolicy': True, 'RestrictPublicBuckets': True}
s3.put_public_access_block(Bucket='vigil-fixture-0', PublicAccessBlockConfiguration=dict(block, BlockPublicPolicy=False))
"#,
    );
    let db = db(dir.path());
    let scan = scan_moto(&moto, &db, &["--service", "s3"]);
    assert!(
        scan.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&scan)
    );
    let plan = repo().join("tests/fixtures/terraform/plan.json");
    let source = repo().join("tests/fixtures/terraform/source");
    let out = vigil(&[
        "drift",
        "--against-plan",
        plan.to_str().unwrap(),
        "--terraform-dir",
        source.to_str().unwrap(),
        "--db",
        &db,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out);
    let row = |address: &str| {
        doc["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["declared"]["address"] == address)
            .unwrap_or_else(|| panic!("no row for {address}: {doc:#}"))
            .clone()
    };
    let zero = row("module.storage.aws_s3_bucket.this[0]");
    assert_eq!(zero["live"], "arn:aws:s3:::vigil-fixture-0");
    let pab = zero["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "config.PublicAccessBlockConfiguration.BlockPublicPolicy")
        .unwrap_or_else(|| panic!("{zero:#}"));
    assert_eq!(
        (&pab["declared"], &pab["live"]),
        (&Value::Bool(true), &Value::Bool(false))
    );
    assert!(zero["declared"]["file"]
        .as_str()
        .unwrap()
        .ends_with("modules/storage/main.tf"));
    // Only S3 was scanned: the plan's queue, group, role and key are not called missing.
    assert_eq!(doc["summary"]["missing"], 0, "{doc:#}");
    assert!(doc["summary"]["not_scanned"].as_u64().unwrap() >= 4);
}

#[test]
fn the_daemon_names_the_template_line_of_each_finding_it_serves() {
    let moto = Moto::start();
    let (dir, template) = deploy_and_open_ssh(&moto);
    let db = dir.path().join("vigil.db");
    let scan = scan_moto(&moto, db.to_str().unwrap(), &["--service", "ec2"]);
    assert_eq!(scan.status.code(), Some(1), "{}", stderr(&scan));
    let (viewer, entry) = crate::daemon::token("grafana", "viewer");
    std::fs::write(dir.path().join("tokens.toml"), entry).unwrap();
    let config = format!(
        "[storage]\npath = {db:?}\n\n[daemon]\nlisten = \"127.0.0.1:PORT\"\ntokens_file = {tokens:?}\nreload_poll_seconds = 1\n\n[iac]\ntemplates = [{t:?}]\n",
        db = db.display().to_string(),
        tokens = dir.path().join("tokens.toml").display().to_string(),
        t = template.display().to_string(),
    );
    let d = crate::daemon::Daemon::start(dir.path(), &config, &[], &[]);
    let (code, body) =
        crate::daemon::get(d.port, "/api/v1/findings?rule=NET-AWS-001", Some(&viewer));
    assert_eq!(code, 200, "{body}");
    let doc: Value = serde_json::from_str(&body).unwrap();
    let f = &doc["findings"][0];
    let sg = f["resource_id"].as_str().expect("the open group's finding");
    let at = &doc["declared_at"][sg];
    assert_eq!(at["file"], template.display().to_string(), "{doc:#}");
    assert_eq!(at["line"], line_of("  Web:"));
    assert_eq!(at["logical_id"], "Web");

    // Its posture report carries the drift from the templates, under CM-2, CM-3, CM-6.
    let (code, body) = crate::daemon::get(d.port, "/api/v1/reports/posture", Some(&viewer));
    assert_eq!(code, 200, "{body}");
    let p: Value = serde_json::from_str(&body).unwrap();
    let drift = &p["code_drift"];
    assert_eq!(
        drift["sources"][0],
        template.display().to_string(),
        "{drift:#}"
    );
    let web = drift["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["live"] == sg)
        .expect("the group opened by hand");
    assert_eq!(web["status"], "changed");
    assert_eq!(web["declared"]["line"], line_of("  Web:"));

    // The template edited (a comment on top): the daemon reads it again, lines move.
    std::fs::write(&template, format!("# owned by team-a\n{TEMPLATE}")).unwrap();
    let moved = (0..40).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(250));
        let (_, body) =
            crate::daemon::get(d.port, "/api/v1/findings?rule=NET-AWS-001", Some(&viewer));
        let doc: Value = serde_json::from_str(&body).ok()?;
        let line = doc["declared_at"][sg]["line"].as_u64()?;
        (line as usize == line_of("  Web:") + 1).then_some(line)
    });
    assert!(moved.is_some(), "the edited template was not read again");
}
