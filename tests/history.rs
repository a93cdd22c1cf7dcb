//! History across scans, against moto and a recorded cluster, with the scan clock set by
//! `--now`: drift events and baselines, idle-since and reaping candidates, the findings'
//! lifecycle, waivers, a failing region, the audit log, pruning.

use crate::common;

use common::*;
use serde_json::json;

/// The first scan's clock: midnight a week from today, so that waivers added with today's
/// clock are in force at the scans' times whatever day the tests run.
fn t0() -> String {
    let day = (chrono::Utc::now() + chrono::Duration::days(7)).date_naive();
    day.and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

struct Aws {
    moto: Moto,
    dir: tempfile::TempDir,
}

impl Aws {
    fn db(&self) -> String {
        db(self.dir.path())
    }

    /// `vigil scan` of two regions at time `now`, through `endpoint` (moto or a proxy).
    fn scan_via(
        &self,
        endpoint: &str,
        now: &str,
        extra: &[&str],
    ) -> (std::process::Output, serde_json::Value) {
        let cfg = self.dir.path().join("vigil.toml");
        std::fs::write(&cfg, "[collectors.aws]\nmax_attempts = 1\n").unwrap();
        let db = self.db();
        let mut args = vec![
            "scan",
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--db",
            &db,
            "--config",
            cfg.to_str().unwrap(),
            "--now",
            now,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = vigil(&args);
        let doc = json(&out);
        (out, doc)
    }

    fn scan(&self, now: &str) -> (std::process::Output, serde_json::Value) {
        self.scan_via(&self.moto.url, now, &[])
    }

    fn vigil(&self, args: &[&str]) -> std::process::Output {
        let db = self.db();
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&["--db", &db]);
        vigil(&all)
    }
}

fn at(days: i64, hours: i64) -> String {
    let t = chrono::DateTime::parse_from_rfc3339(&t0()).unwrap()
        + chrono::Duration::days(days)
        + chrono::Duration::hours(hours);
    t.to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn changes_of<'a>(
    events: &'a serde_json::Value,
    resource_contains: &str,
) -> Vec<&'a serde_json::Value> {
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["resource_id"]
                .as_str()
                .unwrap()
                .contains(resource_contains)
        })
        .collect()
}

#[test]
fn drift_idle_time_waivers_and_a_failed_region_across_scans() {
    let aws = Aws {
        moto: Moto::start(),
        dir: tempfile::tempdir().unwrap(),
    };
    let ids = boto(
        &aws.moto,
        r#"
dev = [{'Key': 'environment', 'Value': 'dev'}]
prod = [{'Key': 'environment', 'Value': 'prod'}]
ec2 = c('ec2')
sg = ec2.create_security_group(GroupName='web', Description='web')['GroupId']
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 443, 'ToPort': 443, 'IpRanges': [{'CidrIp': '10.0.0.0/8'}]}])
inst = ec2.run_instances(ImageId='ami-12345678', MinCount=1, MaxCount=1, InstanceType='t3.micro',
    TagSpecifications=[{'ResourceType': 'instance', 'Tags': dev + [{'Key': 'owner', 'Value': 'alice'}]}])['Instances'][0]['InstanceId']
v_dev = ec2.create_volume(AvailabilityZone='us-east-1a', Size=8, TagSpecifications=[{'ResourceType': 'volume', 'Tags': dev}])['VolumeId']
v_prod = ec2.create_volume(AvailabilityZone='us-east-1a', Size=9, TagSpecifications=[{'ResourceType': 'volume', 'Tags': prod}])['VolumeId']
v_gone = ec2.create_volume(AvailabilityZone='us-east-1a', Size=10, TagSpecifications=[{'ResourceType': 'volume', 'Tags': dev}])['VolumeId']
eip = ec2.allocate_address(Domain='vpc', TagSpecifications=[{'ResourceType': 'elastic-ip', 'Tags': dev}])['AllocationId']
eu = c('ec2', 'eu-west-1')
v_eu = eu.create_volume(AvailabilityZone='eu-west-1a', Size=11, TagSpecifications=[{'ResourceType': 'volume', 'Tags': dev}])['VolumeId']
print(json.dumps({'sg': sg, 'inst': inst, 'v_dev': v_dev, 'v_prod': v_prod, 'v_gone': v_gone, 'eip': eip, 'v_eu': v_eu}))
"#,
    );
    let ids: serde_json::Value = serde_json::from_str(ids.trim()).unwrap();
    let id = |k: &str| ids[k].as_str().unwrap().to_string();

    // Scan 1: the initial inventory. Nothing is drift yet, nothing has been idle long.
    let t0 = t0();
    let (out, first) = aws.scan(&t0);
    assert_eq!(first["scan"]["status"], "complete", "{}", stderr(&out));
    let d = &first["summary"]["lifecycle"]["drift"];
    assert_eq!(
        (
            d["added"].as_u64(),
            d["removed"].as_u64(),
            d["modified"].as_u64()
        ),
        (Some(0), Some(0), Some(0))
    );
    assert!(
        finding(&first, "IDLE-AWS-002", &id("v_dev")).is_none(),
        "idle for 0 h"
    );
    let idle = json(&aws.vigil(&["idle", "--format", "json"]));
    let since = |doc: &serde_json::Value, key: &str| -> Option<String> {
        doc.as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource_id"].as_str().unwrap().contains(&id(key)))
            .map(|r| r["idle_since"].as_str().unwrap().to_string())
    };
    for k in ["v_dev", "v_prod", "v_gone", "eip", "v_eu"] {
        assert_eq!(
            since(&idle, k).as_deref(),
            Some(t0.as_str()),
            "{k} idle since the first scan"
        );
    }
    assert_eq!(since(&idle, "inst"), None, "a running instance is not idle");

    // Changes: a world-open SSH rule, a new owner tag, a deleted volume, a stopped instance.
    boto(
        &aws.moto,
        &format!(
            r#"
ec2 = c('ec2')
ec2.authorize_security_group_ingress(GroupId='{sg}', IpPermissions=[{{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{{'CidrIp': '0.0.0.0/0'}}]}}])
ec2.create_tags(Resources=['{inst}'], Tags=[{{'Key': 'owner', 'Value': 'bob'}}])
ec2.delete_volume(VolumeId='{v_gone}')
ec2.stop_instances(InstanceIds=['{inst}'])
"#,
            sg = id("sg"),
            inst = id("inst"),
            v_gone = id("v_gone")
        ),
    );

    // Scan 2, four days later.
    let t2 = at(4, 0);
    let (out, second) = aws.scan(&t2);
    assert_eq!(second["scan"]["status"], "complete", "{}", stderr(&out));
    let drift = json(&aws.vigil(&["drift", "--format", "json"]));
    let sg = changes_of(&drift, &id("sg"));
    assert_eq!(sg.len(), 1);
    assert_eq!(sg[0]["change"], "modified");
    let paths: Vec<&str> = sg[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.iter().any(|p| p.starts_with("config.IpPermissions")),
        "{paths:?}"
    );
    assert!(sg[0]["changes"].to_string().contains("0.0.0.0/0"));
    let inst = changes_of(&drift, &id("inst"));
    let inst_changes = &inst[0]["changes"];
    let change = |path: &str| {
        inst_changes
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["path"] == path)
            .unwrap_or_else(|| panic!("no change at {path}: {inst_changes:#}"))
    };
    assert_eq!(change("tags.owner")["before"], "alice");
    assert_eq!(change("tags.owner")["after"], "bob");
    assert_eq!(change("config.State.Name")["after"], "stopped");
    let gone = changes_of(&drift, &id("v_gone"));
    assert_eq!(gone[0]["change"], "removed");
    assert_eq!(
        changes_of(&drift, &id("v_dev")).len(),
        0,
        "unchanged resources have no drift"
    );
    let d = &second["summary"]["lifecycle"]["drift"];
    assert_eq!(
        (d["removed"].as_u64(), d["modified"].as_u64()),
        (Some(1), Some(2))
    );

    // Idle 96 h in a dev environment: reaping candidates; the prod volume is idle too, but
    // not reapable; the deleted volume is gone from the list.
    let v_dev = finding(&second, "IDLE-AWS-002", &id("v_dev")).expect("dev volume idle 96 h");
    assert!(v_dev["message"].as_str().unwrap().contains(&t0), "{v_dev}");
    assert!(finding(&second, "IDLE-AWS-002", &id("v_prod")).is_none());
    assert!(finding(&second, "IDLE-AWS-003", &id("eip")).is_some());
    let idle = json(&aws.vigil(&["idle", "--format", "json"]));
    assert_eq!(since(&idle, "v_gone"), None);
    // Stopped since moto's own stop time (today's clock, before these scans' times): the
    // API's time is earlier than the first scan that saw it stopped.
    let stopped = since(&idle, "inst").expect("a stopped instance is idle");
    assert!(
        stopped.as_str() < t0.as_str(),
        "{stopped} should be moto's stop time"
    );
    let row = idle
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource_id"].as_str().unwrap().contains(&id("v_prod")))
        .unwrap();
    assert_eq!(row["candidate"], false);
    assert_eq!(row["environment"], json!(["environment=prod"]));

    // The SSH rule opened a finding; waive it until mid-December, and add a waiver that
    // matches nothing.
    let ssh = finding(&second, "NET-AWS-001", &id("sg")).unwrap();
    assert_eq!(ssh["status"], "open");
    let sg_arn = ssh["resource_id"].as_str().unwrap().to_string();
    let out = aws.vigil(&[
        "waive",
        "add",
        "--rule",
        "NET-AWS-001",
        "--resource",
        &sg_arn,
        "--reason",
        "bastion during migration",
        "--owner",
        "platform",
        "--expires",
        &at(19, 0)[..10],
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = aws.vigil(&[
        "waive",
        "add",
        "--rule",
        "S3-AWS-*",
        "--resource",
        "arn:aws:s3:::nothing-*",
        "--reason",
        "x",
        "--owner",
        "y",
        "--expires",
        "2027-06-01",
    ]);
    assert!(out.status.success());

    // Scan 3 (Dec 10): the finding is waived and no longer fails the high gate.
    let (out, third) = aws.scan(&at(9, 0));
    let ssh = finding(&third, "NET-AWS-001", &id("sg")).unwrap();
    assert_eq!(ssh["status"], "waived");
    assert_eq!(ssh["waiver"]["owner"], "platform");
    assert!(
        stderr(&out).contains("waiver 2 (S3-AWS-* on arn:aws:s3:::nothing-*) matches no finding"),
        "{}",
        stderr(&out)
    );
    let waived = json(&aws.vigil(&["findings", "list", "--status", "waived", "--format", "json"]));
    assert_eq!(waived.as_array().unwrap().len(), 1);

    // Scan 4 (Dec 21): the waiver expired; the finding is open again and says why.
    let (_, fourth) = aws.scan(&at(20, 0));
    let ssh = finding(&fourth, "NET-AWS-001", &id("sg")).unwrap();
    assert_eq!(ssh["status"], "open");
    assert_eq!(ssh["waiver"]["expired"], true);
    let shown = json(&aws.vigil(&[
        "findings",
        "show",
        &ssh["id"].to_string(),
        "--format",
        "json",
    ]));
    let history: Vec<&str> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["opened"]);
    assert_eq!(shown["finding"]["first_seen"], t2);

    // Scan 5: eu-west-1 fails (every call answered with throttling, one attempt). The eu
    // volume was deleted meanwhile, but its region was not read: not removed, its finding
    // stays open and stale.
    let eu_finding = finding(&fourth, "IDLE-AWS-002", &id("v_eu")).expect("eu volume idle 20 days");
    assert_eq!(eu_finding["status"], "open");
    boto(
        &aws.moto,
        &format!(
            "c('ec2', 'eu-west-1').delete_volume(VolumeId='{}')",
            id("v_eu")
        ),
    );
    let (mut proxy, proxy_url) = throttling_proxy(&aws.moto, "*@eu-west-1", 1_000_000);
    let (out, fifth) = aws.scan_via(&proxy_url, &at(21, 0), &[]);
    let _ = proxy.kill();
    let _ = proxy.wait();
    assert_eq!(fifth["scan"]["status"], "partial", "{}", stderr(&out));
    let eu = finding(&fifth, "IDLE-AWS-002", &id("v_eu")).unwrap();
    assert_eq!(
        (eu["status"].as_str(), eu["stale"].as_bool()),
        (Some("open"), Some(true))
    );
    let drift = json(&aws.vigil(&["drift", "--format", "json"]));
    assert!(
        changes_of(&drift, &id("v_eu")).is_empty(),
        "no removal from a failed region"
    );

    // Scan 6: the region answers again; now the volume is gone and its finding resolves.
    let (_, sixth) = aws.scan(&at(22, 0));
    assert_eq!(
        finding(&sixth, "IDLE-AWS-002", &id("v_eu")).unwrap()["status"],
        "resolved"
    );
    let drift = json(&aws.vigil(&["drift", "--format", "json"]));
    assert_eq!(changes_of(&drift, &id("v_eu"))[0]["change"], "removed");

    // Baseline: scan 1 accepted; the current state differs by the SG rule, the instance
    // (tag and state), the two deleted volumes.
    let out = aws.vigil(&["baseline", "accept", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let base = json(&aws.vigil(&["drift", "--baseline", "--format", "json"]));
    let kinds = |k: &str| {
        changes_of(&base, &id(k))
            .iter()
            .map(|e| e["change"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds("sg"), ["modified"]);
    assert_eq!(kinds("inst"), ["modified"]);
    assert_eq!(kinds("v_gone"), ["removed"]);
    assert_eq!(kinds("v_eu"), ["removed"]);
    assert!(kinds("v_dev").is_empty());

    // The audit log holds every scan, both waivers and the baseline, and it verifies.
    let log = json(&aws.vigil(&["audit", "list", "--format", "json"]));
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "scan.record").count(), 6);
    assert_eq!(actions.iter().filter(|a| **a == "waiver.add").count(), 2);
    assert_eq!(actions.last(), Some(&"baseline.accept"));
    assert!(aws.vigil(&["audit", "verify"]).status.success());
}

#[test]
fn an_edited_or_deleted_audit_entry_is_detected() {
    let api = K8sApi::start("cluster-a");
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let kubeconfig = api.kubeconfig(&[("test-a", "vigil-test-token")]);
    for now in [t0(), at(1, 0), at(2, 0)] {
        let out = vigil(&[
            "scan",
            "--target",
            "k8s",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--db",
            &db,
            "--now",
            &now,
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    }
    let out = vigil(&[
        "waive",
        "add",
        "--db",
        &db,
        "--rule",
        "POD-K8S-*",
        "--resource",
        "k8s://test-a/kube-system/*",
        "--reason",
        "static control-plane pods",
        "--owner",
        "platform",
        "--expires",
        &at(30, 0)[..10],
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let verify = || vigil(&["audit", "verify", "--db", &db, "--format", "json"]);
    let ok = verify();
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert_eq!(json(&ok)["entries"], 4);
    let head = json(&ok)["head"].as_str().unwrap().to_string();

    let conn = rusqlite::Connection::open(dir.path().join("vigil.db")).unwrap();
    // A waiver quietly extended in its own table no longer matches what the log recorded.
    conn.execute("UPDATE waivers SET expires_at = '2099-01-01T00:00:00Z'", [])
        .unwrap();
    let out = verify();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        json(&out)["problems"]
            .to_string()
            .contains("waiver 1: differs"),
        "{}",
        stdout(&out)
    );
    conn.execute("UPDATE waivers SET expires_at = (SELECT json_extract(details, '$.expires_at') FROM audit_log WHERE action = 'waiver.add')", []).unwrap();
    assert_eq!(verify().status.code(), Some(0));

    // The log refuses edits through SQL...
    let refused = conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2", []);
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    // ...and once someone drops that guard, the chain shows what they did.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         UPDATE audit_log SET actor = 'mallory' WHERE id = 1;",
    )
    .unwrap();
    let out = verify();
    assert_eq!(out.status.code(), Some(1));
    let problems = json(&out)["problems"].to_string();
    assert!(
        problems.contains("entry 1") && problems.contains("changed"),
        "{problems}"
    );

    conn.execute("DELETE FROM audit_log WHERE id = 2", [])
        .unwrap();
    let out = verify();
    let problems = json(&out)["problems"].to_string();
    assert!(
        problems.contains("entry 2") && problems.contains("missing"),
        "{problems}"
    );
    assert!(
        problems.contains("scan 2: its audit entry is missing"),
        "{problems}"
    );

    // Removing the newest entry leaves no gap and no broken link behind it; the head printed
    // by an earlier verify shows it.
    conn.execute(
        "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
        [],
    )
    .unwrap();
    let out = vigil(&[
        "audit", "verify", "--db", &db, "--format", "json", "--head", &head,
    ]);
    let problems = json(&out)["problems"].to_string();
    assert!(problems.contains("no longer in the log"), "{problems}");
}

#[test]
fn a_cluster_over_time_drift_idle_workloads_and_pruning() {
    let api = K8sApi::start("cluster-a");
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let kubeconfig = api.kubeconfig(&[("test-a", "vigil-test-token")]);
    let scan = |now: &str| {
        let out = vigil(&[
            "scan",
            "--target",
            "k8s",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--db",
            &db,
            "--now",
            now,
            "--format",
            "json",
        ]);
        json(&out)
    };
    scan(&t0());
    // The shop's web Deployment (a prod namespace) and legacy's api Deployment (dev) are
    // scaled to zero; a label is added to the shop namespace.
    api.edit_objects(|items| {
        for o in items.iter_mut() {
            let name = o["metadata"]["name"].as_str().unwrap().to_string();
            if o["kind"] == "Deployment" && (name == "web" || name == "api") {
                o["spec"]["replicas"] = json!(0);
            }
            if o["kind"] == "Namespace" && name == "shop" {
                o["metadata"]["labels"]["cost-center"] = json!("cc-7");
            }
        }
    });
    scan(&at(1, 0));
    let drift = json(&vigil(&["drift", "--db", &db, "--format", "json"]));
    let web = changes_of(&drift, "/apps/Deployment/web");
    assert_eq!(web[0]["changes"][0]["path"], "config.spec.replicas");
    assert_eq!(
        (
            web[0]["changes"][0]["before"].as_i64(),
            web[0]["changes"][0]["after"].as_i64()
        ),
        (Some(3), Some(0))
    );
    let ns = changes_of(&drift, "/core/Namespace/shop");
    let paths: Vec<&str> = ns[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["config.metadata.labels.cost-center"],
        "labels once, not again as tags"
    );

    // Four days at zero: api (in a dev namespace) is a reaping candidate, web is not.
    let later = scan(&at(5, 0));
    assert!(finding(&later, "IDLE-K8S-001", "/legacy/apps/Deployment/api").is_some());
    assert!(finding(&later, "IDLE-K8S-001", "/shop/apps/Deployment/web").is_none());
    let idle = json(&vigil(&["idle", "--db", &db, "--format", "json"]));
    let row = |name: &str| {
        idle.as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource_id"].as_str().unwrap().ends_with(name))
            .cloned()
            .unwrap()
    };
    assert_eq!(row("/Deployment/web")["idle_since"], at(1, 0));
    assert_eq!(
        row("/Deployment/web")["environment"],
        json!(["environment=prod"])
    );
    assert_eq!(row("/Deployment/api")["candidate"], true);

    // Pruning history older than 2 days keeps the latest scan, the accepted baseline (the
    // first scan) and the versions they need.
    assert!(vigil(&["baseline", "accept", "1", "--db", &db])
        .status
        .success());
    let base_before = json(&vigil(&[
        "drift",
        "--baseline",
        "--db",
        &db,
        "--format",
        "json",
    ]));
    assert_eq!(
        base_before.as_array().unwrap().len(),
        3,
        "web, api, the shop namespace: {base_before:#}"
    );
    let before = vigil(&["findings", "list", "--db", &db, "--format", "json"]);
    let out = vigil(&["prune", "--db", &db, "--older-than", "2", "--dry-run"]);
    assert!(stdout(&out).contains("would prune"), "{}", stdout(&out));
    let store = vigil::store::Store::open(&dir.path().join("vigil.db")).unwrap();
    let pruned = store_prune(&dir, &at(4, 0));
    assert_eq!(pruned.scans, 1, "the scan of day 1; day 0 is the baseline");
    assert_eq!(store.count("scans").unwrap(), 2);
    let base_after = json(&vigil(&[
        "drift",
        "--baseline",
        "--db",
        &db,
        "--format",
        "json",
    ]));
    assert_eq!(
        base_before, base_after,
        "the baseline still compares the same"
    );
    let after = vigil(&["findings", "list", "--db", &db, "--format", "json"]);
    assert_eq!(
        json(&before),
        json(&after),
        "pruning keeps every open finding"
    );
    assert!(vigil(&["audit", "verify", "--db", &db]).status.success());
    let drift = json(&vigil(&["drift", "--db", &db, "--format", "json"]));
    assert!(
        drift.as_array().unwrap().is_empty(),
        "the latest scan changed nothing"
    );
}

fn store_prune(dir: &tempfile::TempDir, cutoff: &str) -> vigil::store::Pruned {
    let mut store = vigil::store::Store::open(&dir.path().join("vigil.db")).unwrap();
    store.prune(cutoff, "test", cutoff, false).unwrap()
}
