//! Finding lifecycle and coverage-aware resolution, on a real SQLite file.

use chrono::{TimeZone, Utc};
use serde_json::json;
use vigil::model::{Coverage, CoverageStatus, FindingStatus, Resource, Snapshot};
use vigil::policy::loader::SourceFile;
use vigil::policy::{evaluate, EvalContext, RuleSet};
use vigil::store::{ScanInput, Store};

const RULE: &str = r#"# METADATA
# title: Volume is not encrypted
# custom:
#   id: TEST-001
#   severity: high
#   controls: [SC-28(1)]
#   resource_types: ["AWS::EC2::Volume"]
#   remediation: Encrypt it.
package vigil.rules.test.volume

deny contains {"msg": "not encrypted", "path": "config.Encrypted"} if {
	not input.config.Encrypted
}
"#;

fn rules() -> RuleSet {
    let rs = RuleSet::from_files(vec![SourceFile {
        path: "volume.rego".into(),
        text: RULE.into(),
    }]);
    assert!(rs.problems.is_empty(), "{:?}", rs.problems);
    rs
}

fn volume(region: &str, id: &str, encrypted: bool) -> Resource {
    Resource {
        id: format!("arn:aws:ec2:{region}:123456789012:volume/{id}"),
        resource_type: "AWS::EC2::Volume".into(),
        provider: "aws".into(),
        account: Some("123456789012".into()),
        region: Some(region.into()),
        name: None,
        tags: Default::default(),
        config: json!({"VolumeId": id, "Encrypted": encrypted}),
    }
}

fn cov(region: &str, ok: bool) -> Coverage {
    Coverage {
        scope: format!("aws/123456789012/{region}/AWS::EC2::Volume"),
        status: if ok {
            CoverageStatus::Complete
        } else {
            CoverageStatus::Failed
        },
        error: (!ok).then(|| "ec2:DescribeVolumes: AccessDenied".to_string()),
    }
}

fn scan(
    store: &mut Store,
    rules: &RuleSet,
    resources: Vec<Resource>,
    coverage: Vec<Coverage>,
    day: u32,
) -> i64 {
    let snapshot = Snapshot {
        version: 1,
        collected_at: String::new(),
        coverage,
        resources,
        identities: Default::default(),
        accounts: Default::default(),
    };
    let ctx = EvalContext {
        now: Utc.with_ymd_and_hms(2026, 3, day, 0, 0, 0).unwrap(),
        params: vigil::config::default_params(),
        mode: Default::default(),
        threads: 2,
        idle_since: Default::default(),
    };
    let report = evaluate(rules, &snapshot, &ctx);
    let at = format!("2026-03-{day:02}T00:00:00Z");
    store
        .record_scan(&ScanInput {
            started_at: &at,
            finished_at: &at,
            target: "test",
            snapshot: &snapshot,
            report: &report,
            rules_loaded: rules.rules.len(),
            rule_problems: vec![],
            run_id: None,
            idle: &Default::default(),
        })
        .unwrap()
        .0
}

fn status_of(store: &Store, scan: i64, vol: &str) -> Option<(FindingStatus, bool, String)> {
    store
        .scan_findings(scan)
        .unwrap()
        .into_iter()
        .find(|f| f.resource_id.ends_with(vol))
        .map(|f| (f.status, f.stale, f.first_seen))
}

#[test]
fn open_resolved_reopened_keeps_first_seen() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("v.db")).unwrap();
    let rules = rules();
    let s1 = scan(
        &mut store,
        &rules,
        vec![volume("us-east-1", "vol-a", false)],
        vec![cov("us-east-1", true)],
        1,
    );
    assert_eq!(
        status_of(&store, s1, "vol-a").unwrap().0,
        FindingStatus::Open
    );
    let s2 = scan(
        &mut store,
        &rules,
        vec![volume("us-east-1", "vol-a", true)],
        vec![cov("us-east-1", true)],
        2,
    );
    assert_eq!(
        status_of(&store, s2, "vol-a").unwrap().0,
        FindingStatus::Resolved
    );
    let s3 = scan(
        &mut store,
        &rules,
        vec![volume("us-east-1", "vol-a", false)],
        vec![cov("us-east-1", true)],
        3,
    );
    let (st, stale, first) = status_of(&store, s3, "vol-a").unwrap();
    assert_eq!(st, FindingStatus::Reopened);
    assert!(!stale);
    assert_eq!(first, "2026-03-01T00:00:00Z");
    // PASS/FAIL counts per rule and scan.
    assert_eq!(store.rule_results(s2).unwrap()["TEST-001"], (1, 0, 0));
    assert_eq!(store.rule_results(s3).unwrap()["TEST-001"], (0, 1, 0));
}

#[test]
fn failed_scope_never_resolves_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("v.db")).unwrap();
    let rules = rules();
    scan(
        &mut store,
        &rules,
        vec![
            volume("us-east-1", "vol-a", false),
            volume("eu-west-1", "vol-b", false),
        ],
        vec![cov("us-east-1", true), cov("eu-west-1", true)],
        1,
    );
    // eu-west-1 fails: vol-b is not collected, yet its finding must stay open (stale);
    // us-east-1 was collected completely and vol-a is gone: that one resolves.
    let s2 = scan(
        &mut store,
        &rules,
        vec![],
        vec![cov("us-east-1", true), cov("eu-west-1", false)],
        2,
    );
    let (st_b, stale_b, _) = status_of(&store, s2, "vol-b").unwrap();
    assert_eq!(st_b, FindingStatus::Open);
    assert!(stale_b);
    assert_eq!(
        status_of(&store, s2, "vol-a").unwrap().0,
        FindingStatus::Resolved
    );
    // A scan that did not cover eu-west-1 at all leaves it open too.
    let s3 = scan(&mut store, &rules, vec![], vec![cov("us-east-1", true)], 3);
    assert!(
        status_of(&store, s3, "vol-b").is_none(),
        "not in this scan's scopes"
    );
    let s4 = scan(
        &mut store,
        &rules,
        vec![volume("eu-west-1", "vol-b", true)],
        vec![cov("eu-west-1", true)],
        4,
    );
    assert_eq!(
        status_of(&store, s4, "vol-b").unwrap().0,
        FindingStatus::Resolved
    );
}

#[test]
fn rule_error_on_a_resource_does_not_resolve_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("v.db")).unwrap();
    let rules = rules();
    scan(
        &mut store,
        &rules,
        vec![volume("us-east-1", "vol-a", false)],
        vec![cov("us-east-1", true)],
        1,
    );
    // The same rule id now errors at evaluation (deny is not a set of objects).
    let broken = RULE.replace(
        "deny contains {\"msg\": \"not encrypted\", \"path\": \"config.Encrypted\"} if {\n\tnot input.config.Encrypted\n}",
        "deny := 42",
    );
    let rs = RuleSet::from_files(vec![SourceFile {
        path: "volume.rego".into(),
        text: broken,
    }]);
    assert!(rs.problems.is_empty(), "{:?}", rs.problems);
    let s2 = scan(
        &mut store,
        &rs,
        vec![volume("us-east-1", "vol-a", true)],
        vec![cov("us-east-1", true)],
        2,
    );
    let (st, stale, _) = status_of(&store, s2, "vol-a").unwrap();
    assert_eq!(st, FindingStatus::Open);
    assert!(stale);
    assert_eq!(store.rule_results(s2).unwrap()["TEST-001"], (0, 0, 1));
}

#[test]
fn unchanged_resources_add_no_versions_and_db_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let rules = rules();
    {
        let mut store = Store::open(&path).unwrap();
        scan(
            &mut store,
            &rules,
            vec![volume("us-east-1", "vol-a", false)],
            vec![cov("us-east-1", true)],
            1,
        );
        scan(
            &mut store,
            &rules,
            vec![volume("us-east-1", "vol-a", false)],
            vec![cov("us-east-1", true)],
            2,
        );
        assert_eq!(store.count("resource_versions").unwrap(), 1);
        scan(
            &mut store,
            &rules,
            vec![volume("us-east-1", "vol-a", true)],
            vec![cov("us-east-1", true)],
            3,
        );
        assert_eq!(store.count("resource_versions").unwrap(), 2);
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count("scans").unwrap(), 3);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

fn drift_of(store: &Store, scan_id: i64) -> Vec<(String, String)> {
    store
        .drift_since(scan_id - 1, None)
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.change.as_str().to_string(),
                e.resource_id.rsplit('/').next().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn added_removed_readded_and_new_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.db")).unwrap();
    let rules = rules();
    let east = |ids: &[&str]| {
        ids.iter()
            .map(|i| volume("us-east-1", i, true))
            .collect::<Vec<_>>()
    };
    // 1: inventory. 2: vol-b appears. 3: vol-b is gone. 4: vol-b is back; eu-west-1 is
    // scanned for the first time (its volume is inventory, not drift).
    let s1 = scan(
        &mut store,
        &rules,
        east(&["vol-a"]),
        vec![cov("us-east-1", true)],
        1,
    );
    assert!(drift_of(&store, s1).is_empty());
    let s2 = scan(
        &mut store,
        &rules,
        east(&["vol-a", "vol-b"]),
        vec![cov("us-east-1", true)],
        2,
    );
    assert_eq!(
        drift_of(&store, s2),
        [("added".to_string(), "vol-b".to_string())]
    );
    let s3 = scan(
        &mut store,
        &rules,
        east(&["vol-a"]),
        vec![cov("us-east-1", true)],
        3,
    );
    assert_eq!(
        drift_of(&store, s3),
        [("removed".to_string(), "vol-b".to_string())]
    );
    let mut both = east(&["vol-a", "vol-b"]);
    both.push(volume("eu-west-1", "vol-eu", true));
    let s4 = scan(
        &mut store,
        &rules,
        both,
        vec![cov("us-east-1", true), cov("eu-west-1", true)],
        4,
    );
    assert_eq!(
        drift_of(&store, s4),
        [("added".to_string(), "vol-b".to_string())]
    );
    // 5: us-east-1 fails: vol-b is not listed, but not removed either.
    let s5 = scan(
        &mut store,
        &rules,
        vec![volume("eu-west-1", "vol-eu", true)],
        vec![cov("us-east-1", false), cov("eu-west-1", true)],
        5,
    );
    assert!(drift_of(&store, s5).is_empty());
}

#[test]
fn versions_written_in_an_older_form_are_not_drift() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.db");
    let rules = rules();
    let mut store = Store::open(&path).unwrap();
    let v = volume("us-east-1", "vol-a", true);
    scan(
        &mut store,
        &rules,
        vec![v.clone()],
        vec![cov("us-east-1", true)],
        1,
    );
    // Rewrite the stored version as an older vigil did: struct field order, another hash.
    let old_form = serde_json::to_string(&v).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE resource_versions SET document = ?1, hash = 'old'",
        [&old_form],
    )
    .unwrap();
    conn.execute("UPDATE resources SET current_hash = 'old'", [])
        .unwrap();
    drop(conn);
    let s2 = scan(
        &mut store,
        &rules,
        vec![v.clone()],
        vec![cov("us-east-1", true)],
        2,
    );
    assert!(drift_of(&store, s2).is_empty(), "same document, older form");
    assert_eq!(
        store.count("resource_versions").unwrap(),
        1,
        "no new version either"
    );
    // A real change after that is drift, with only the real path.
    let mut changed = v.clone();
    changed.config["Encrypted"] = json!(false);
    let s3 = scan(
        &mut store,
        &rules,
        vec![changed],
        vec![cov("us-east-1", true)],
        3,
    );
    let events = store.drift_since(s3 - 1, None).unwrap();
    assert_eq!(events.len(), 1);
    let paths: Vec<&str> = events[0].changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["config.Encrypted"]);
}

/// The API's SQL paging gives exactly the in-memory filter's pages (same findings, order,
/// waived status and total) on a database with many rules, severities and a waiver.
#[test]
fn findings_pages_from_sqlite_match_the_in_memory_filters() {
    use vigil::model::Severity;
    use vigil::store::FindingFilter;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vigil.db");
    let vigil = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
            .args(args)
            .env("HOME", dir.path())
            .env_remove("VIGIL_CONFIG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    vigil(&["bench", "--resources", "3000", "--db", db.to_str().unwrap()]);
    vigil(&[
        "waive",
        "add",
        "--db",
        db.to_str().unwrap(),
        "--rule",
        "NET-*",
        "--resource",
        "*",
        "--reason",
        "test",
        "--owner",
        "platform",
        "--expires",
        "2099-01-01",
    ]);
    let store = Store::open(&db).unwrap();
    let now = Utc::now();
    let all = store.findings(&FindingFilter::default(), now).unwrap();
    assert!(all.len() > 500, "{}", all.len());
    assert!(all.iter().any(|f| f.status == FindingStatus::Waived));
    let some_rule = all[all.len() / 2].rule_id.clone();
    let filters = vec![
        FindingFilter::default(),
        FindingFilter {
            min_severity: Some(Severity::High),
            ..Default::default()
        },
        FindingFilter {
            rule: Some(some_rule),
            ..Default::default()
        },
        FindingFilter {
            control: Some("sc-28(1)".into()),
            ..Default::default()
        },
        FindingFilter {
            resource: Some("*bucket-1*".into()),
            ..Default::default()
        },
        FindingFilter {
            resource: Some("arn:aws:ec2:*:volume/*".into()),
            min_severity: Some(Severity::Medium),
            ..Default::default()
        },
        FindingFilter {
            account: Some("123456789012".into()),
            ..Default::default()
        },
        FindingFilter {
            account: Some("1234".into()),
            ..Default::default()
        },
        FindingFilter {
            statuses: vec![
                FindingStatus::Open,
                FindingStatus::Reopened,
                FindingStatus::Waived,
                FindingStatus::Resolved,
            ],
            ..Default::default()
        },
    ];
    let key = |f: &vigil::model::Finding| (f.id, f.status, f.waiver.is_some());
    for filter in &filters {
        let all = store.findings(filter, now).unwrap();
        for (limit, offset) in [
            (7, 0),
            (7, 7),
            (10_000, 0),
            (5, all.len().saturating_sub(3)),
            (5, all.len() + 10),
        ] {
            let (page, total) = store
                .findings_page(filter, now, limit, offset)
                .unwrap()
                .unwrap();
            assert_eq!(total, all.len(), "{filter:?}");
            let want: Vec<_> = all.iter().skip(offset).take(limit).map(key).collect();
            let got: Vec<_> = page.iter().map(key).collect();
            assert_eq!(got, want, "{filter:?} limit {limit} offset {offset}");
        }
    }
    // A status filter that separates waived findings from open ones is left to memory.
    let only_open = FindingFilter {
        statuses: vec![FindingStatus::Open],
        ..Default::default()
    };
    assert!(store
        .findings_page(&only_open, now, 10, 0)
        .unwrap()
        .is_none());
}

/// History written before credentials were redacted everywhere (a tag holding a password,
/// kept verbatim with its drift) is redacted once when a writer opens the database: no
/// byte of the file keeps the value, and the next scan of the same resource is no drift.
#[test]
fn history_stored_verbatim_is_redacted_once_and_the_file_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let rules = rules();
    let tagged = |value: &str| {
        let mut v = volume("us-east-1", "vol-a", true);
        v.tags.insert("db_password".into(), value.into());
        v.tags.insert("owner".into(), "shop".into());
        v
    };
    {
        let mut store = Store::open(&path).unwrap();
        scan(
            &mut store,
            &rules,
            vec![tagged("hunter2-first")],
            vec![cov("us-east-1", true)],
            1,
        );
        scan(
            &mut store,
            &rules,
            vec![tagged("hunter2-second")],
            vec![cov("us-east-1", true)],
            2,
        );
        let drift = store.drift_since(1, None).unwrap();
        assert!(serde_json::to_string(&drift)
            .unwrap()
            .contains("hunter2-second"));
    }
    let read_all = || {
        let mut bytes = Vec::new();
        for e in std::fs::read_dir(dir.path()).unwrap() {
            bytes.extend(std::fs::read(e.unwrap().path()).unwrap());
        }
        String::from_utf8_lossy(&bytes).into_owned()
    };
    assert!(
        read_all().contains("hunter2-first"),
        "the test plants what it looks for"
    );

    let mut store = Store::open(&path).unwrap();
    let done = store.scrub_history().unwrap();
    assert_eq!(done.versions, 2, "{done:?}");
    assert_eq!(done.drift_events, 1, "{done:?}");
    let drift = store.drift_since(1, None).unwrap();
    let text = serde_json::to_string(&drift).unwrap();
    assert!(
        text.contains("tags.db_password") && text.contains("(redacted by vigil) hmac-sha256:"),
        "{text}"
    );
    assert_eq!(store.scrub_history().unwrap().total(), 0, "once is enough");

    // The next scan collects the same value, redacted on the way in: not a change.
    let mut current = tagged("hunter2-second");
    store.redactor().unwrap().resource(&mut current);
    let s3 = scan(
        &mut store,
        &rules,
        vec![current],
        vec![cov("us-east-1", true)],
        3,
    );
    assert!(store.drift_since(s3 - 1, None).unwrap().is_empty());
    drop(store);
    let all = read_all();
    assert!(
        !all.contains("hunter2"),
        "a planted value survived in the database files"
    );
}

/// An env value an older vigil stored as a bare "(redacted by vigil)" gains its keyed hash
/// at the next scan: a new version, but no drift.
#[test]
fn a_legacy_redaction_marker_gaining_its_hash_is_no_drift() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("v.db")).unwrap();
    let rules = rules();
    let with_env = |value: String| {
        let mut v = volume("us-east-1", "vol-a", true);
        v.config["env"] = json!([{"name": "MODE", "value": value}]);
        v
    };
    scan(
        &mut store,
        &rules,
        vec![with_env("(redacted by vigil)".into())],
        vec![cov("us-east-1", true)],
        1,
    );
    let marker = store.redactor().unwrap().marker("prod");
    let s2 = scan(
        &mut store,
        &rules,
        vec![with_env(marker.clone())],
        vec![cov("us-east-1", true)],
        2,
    );
    assert!(store.drift_since(s2 - 1, None).unwrap().is_empty());
    // A real change after that is drift again.
    let other = store.redactor().unwrap().marker("dev");
    let s3 = scan(
        &mut store,
        &rules,
        vec![with_env(other)],
        vec![cov("us-east-1", true)],
        3,
    );
    let drift = store.drift_since(s3 - 1, None).unwrap();
    assert_eq!(drift.len(), 1);
    assert_eq!(drift[0].changes[0].path, "config.env[0].value");
}
