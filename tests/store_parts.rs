//! A scan recorded account by account (`store::ScanWriter`, what `vigil scan` and the daemon
//! use for an organization): each account's part on its own, the same lifecycle as a scan
//! recorded at once, per-account PASS/FAIL counts, and a scan a stopped process left
//! unfinished closed by the next writer, its recorded accounts standing.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use serde_json::json;
use vigil::model::{Coverage, CoverageStatus, FindingStatus, Resource, ScanStatus, Snapshot};
use vigil::policy::loader::SourceFile;
use vigil::policy::{evaluate, EvalContext, EvalReport, RuleSet};
use vigil::store::{Part, ScanHead, ScanInput, ScanWriter, Store};

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

/// One account's snapshot: its volumes (id, encrypted), its volume scope complete or failed.
fn account(id: &str, volumes: &[(&str, bool)], complete: bool) -> Snapshot {
    Snapshot {
        version: 1,
        collected_at: String::new(),
        coverage: vec![Coverage {
            scope: format!("aws/{id}/us-east-1/AWS::EC2::Volume"),
            status: if complete {
                CoverageStatus::Complete
            } else {
                CoverageStatus::Failed
            },
            error: (!complete).then(|| "sts:AssumeRole: AccessDenied".to_string()),
        }],
        resources: volumes
            .iter()
            .map(|(v, encrypted)| Resource {
                id: format!("arn:aws:ec2:us-east-1:{id}:volume/{v}"),
                resource_type: "AWS::EC2::Volume".into(),
                provider: "aws".into(),
                account: Some(id.into()),
                region: Some("us-east-1".into()),
                name: None,
                tags: Default::default(),
                config: json!({"VolumeId": v, "Encrypted": encrypted}),
            })
            .collect(),
        identities: Default::default(),
        accounts: Default::default(),
    }
}

fn eval(rules: &RuleSet, s: &Snapshot) -> EvalReport {
    let ctx = EvalContext {
        now: Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
        params: vigil::config::default_params(),
        mode: Default::default(),
        threads: 1,
        idle_since: Default::default(),
    };
    evaluate(rules, s, &ctx)
}

fn head(day: u32) -> ScanHead {
    ScanHead {
        started_at: format!("2026-03-{day:02}T00:00:00Z"),
        target: "org".into(),
        rules_loaded: 1,
        rule_problems: Vec::new(),
        run_id: None,
    }
}

/// Records the accounts one part each; `finish` false leaves the scan as a crash would.
fn record_parts(store: &mut Store, rules: &RuleSet, parts: &[Snapshot], day: u32, finish: bool) {
    let at = format!("2026-03-{day:02}T00:00:00Z");
    let mut w = ScanWriter::new(head(day));
    let idle = BTreeMap::new();
    for s in parts {
        let report = eval(rules, s);
        w.part(
            store,
            &Part {
                snapshot: s,
                report: &report,
                idle: &idle,
            },
            &at,
        )
        .unwrap();
    }
    if finish {
        w.finish(store, &at, None).unwrap();
    }
}

/// (rule, resource) → (status, stale) of every finding.
fn findings(store: &Store) -> BTreeMap<String, (FindingStatus, bool)> {
    use FindingStatus::*;
    let every = vigil::store::FindingFilter {
        statuses: vec![Open, Reopened, Waived, Resolved],
        ..Default::default()
    };
    store
        .findings(&every, Utc::now())
        .unwrap()
        .into_iter()
        .map(|f| (f.resource_id, (f.status, f.stale)))
        .collect()
}

#[test]
fn an_organization_recorded_account_by_account_resolves_like_one_recorded_at_once() {
    let rules = rules();
    let day1 = [
        account("111111111111", &[("vol-a", false), ("vol-b", true)], true),
        account("222222222222", &[("vol-c", false)], true),
        account("333333333333", &[("vol-d", false)], true),
    ];
    // Day 2: vol-a fixed, account 2 cannot be read (its finding must stay open, stale),
    // account 3's volume deleted (its finding resolves).
    let day2 = [
        account("111111111111", &[("vol-a", true), ("vol-b", true)], true),
        account("222222222222", &[], false),
        account("333333333333", &[], true),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Store::open(&dir.path().join("parts.db")).unwrap();
    let mut whole = Store::open(&dir.path().join("whole.db")).unwrap();
    for (day, accounts) in [(1, &day1), (2, &day2)] {
        record_parts(&mut parts, &rules, accounts.as_slice(), day, true);
        let mut all = account("111111111111", &[], true);
        all.coverage.clear();
        for a in accounts.iter() {
            all.coverage.extend(a.coverage.clone());
            all.resources.extend(a.resources.clone());
        }
        let report = eval(&rules, &all);
        let at = format!("2026-03-{day:02}T00:00:00Z");
        whole
            .record_scan(&ScanInput {
                started_at: &at,
                finished_at: &at,
                target: "org",
                snapshot: &all,
                report: &report,
                rules_loaded: 1,
                rule_problems: Vec::new(),
                run_id: None,
                idle: &Default::default(),
            })
            .unwrap();
    }
    let got = findings(&parts);
    assert_eq!(got, findings(&whole));
    let of = |v: &str| {
        got.iter()
            .find(|(id, _)| id.ends_with(v))
            .map(|(_, s)| *s)
            .unwrap_or_else(|| panic!("no finding on {v}: {got:?}"))
    };
    assert_eq!(of("vol-a"), (FindingStatus::Resolved, false));
    assert_eq!(of("vol-c"), (FindingStatus::Open, true));
    assert_eq!(of("vol-d"), (FindingStatus::Resolved, false));
    let scan = parts.scan(2).unwrap().unwrap();
    assert_eq!(scan.status, ScanStatus::Partial);
    assert_eq!(scan.resources, 2);
    assert_eq!(scan.coverage.len(), 3);
    // Counts per account: day 1, account 1 has one PASS and one FAIL, account 2 one FAIL.
    let only = |ids: &[&str]| {
        parts
            .rule_results_in(1, &ids.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap()["TEST-001"]
    };
    assert_eq!(parts.rule_results(1).unwrap()["TEST-001"], (1, 3, 0));
    assert_eq!(only(&["111111111111"]), (1, 1, 0));
    assert_eq!(only(&["222222222222", "333333333333"]), (0, 2, 0));
    assert_eq!(only(&["444444444444"]), (0, 0, 0));
    assert!(parts.verify_audit().unwrap().problems.is_empty());
}

#[test]
fn a_scan_left_unfinished_keeps_its_recorded_accounts_and_is_closed_by_the_next_writer() {
    let rules = rules();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let mut store = Store::open(&path).unwrap();
    record_parts(
        &mut store,
        &rules,
        &[
            account("111111111111", &[("vol-a", false)], true),
            account("222222222222", &[("vol-b", false)], true),
        ],
        1,
        true,
    );
    // The next scan records account 1 (vol-a fixed) and stops before account 2.
    record_parts(
        &mut store,
        &rules,
        &[account("111111111111", &[("vol-a", true)], true)],
        2,
        false,
    );
    drop(store);
    let mut store = Store::open(&path).unwrap();
    let closed = store
        .close_interrupted_scans("stopped for the test")
        .unwrap();
    assert_eq!(closed, vec![2]);
    assert!(store.close_interrupted_scans("again").unwrap().is_empty());
    let scan = store.scan(2).unwrap().unwrap();
    assert_eq!(scan.status, ScanStatus::Partial, "{scan:?}");
    assert_eq!(scan.stopped.as_deref(), Some("stopped for the test"));
    assert_eq!(scan.resources, 1);
    let got = findings(&store);
    let of = |v: &str| *got.iter().find(|(id, _)| id.ends_with(v)).unwrap().1;
    // Account 1's part stands; account 2 was not read: its finding is as it was.
    assert_eq!(of("vol-a"), (FindingStatus::Resolved, false));
    assert_eq!(of("vol-b"), (FindingStatus::Open, false));
    let audit = store.verify_audit().unwrap();
    assert!(audit.problems.is_empty(), "{:?}", audit.problems);
}

/// Through `scan::stream::record`, as `vigil scan` records an organization: its listing
/// arrives as a part of notes only, then the accounts. The listing is not recorded (it names
/// no scope), so another target's findings are left alone, and each account's part is.
#[test]
fn an_organization_s_listing_part_touches_no_finding() {
    let rules = rules();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("v.db")).unwrap();
    // Another target's account, recorded before: its finding must stay as it is.
    record_parts(
        &mut store,
        &rules,
        &[account("999999999999", &[("vol-z", false)], true)],
        1,
        true,
    );
    let store = tokio::sync::Mutex::new(store);
    let redactor = vigil::redact::Redactor::ephemeral();
    let (feed, intake) = vigil::scan::stream::channel();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
    let mut notes = Vec::new();
    let streamed = std::thread::scope(|s| {
        let notes = &mut notes;
        let recording = s.spawn(|| {
            let recorder = vigil::scan::stream::Recorder {
                store: &store,
                rules: &rules,
                params: vigil::config::default_params(),
                redactor: &redactor,
                run: vigil::scan::ScanRun {
                    target: "org",
                    run_id: None,
                    started: at,
                    finish: vigil::scan::Finish::AtStart,
                },
                keep: false,
                findings: true,
            };
            let mut seen = |p: &vigil::collect::Collected| notes.extend(p.notes.clone());
            vigil::scan::stream::record(recorder, intake, &mut seen, &|| None)
        });
        rt.block_on(async {
            let listing = vigil::collect::Collected {
                notes: vec!["AWS target org: 2 accounts of the organization to read".into()],
                snapshot: account("111111111111", &[], true),
                ..Default::default()
            };
            let mut listing = listing;
            listing.snapshot.coverage.clear();
            assert!(feed.part(listing).await);
            for a in [
                account("111111111111", &[("vol-a", false)], true),
                account("222222222222", &[("vol-b", true)], true),
            ] {
                assert!(
                    feed.part(vigil::collect::Collected {
                        snapshot: a,
                        ..Default::default()
                    })
                    .await
                );
            }
            feed.done();
        });
        recording.join().unwrap()
    })
    .unwrap();
    assert_eq!(notes.len(), 1, "the listing's note was shown");
    let rec = &streamed.recorded;
    assert_eq!(rec.scan.coverage.len(), 2);
    assert_eq!(rec.lifecycle.opened, 1, "{:?}", rec.lifecycle);
    assert_eq!(rec.lifecycle.stale, 0, "{:?}", rec.lifecycle);
    let store = store.into_inner();
    let got = findings(&store);
    let of = |v: &str| *got.iter().find(|(id, _)| id.ends_with(v)).unwrap().1;
    assert_eq!(
        of("vol-z"),
        (FindingStatus::Open, false),
        "another target's, untouched"
    );
    assert_eq!(of("vol-a"), (FindingStatus::Open, false));
    assert!(store.verify_audit().unwrap().problems.is_empty());
}
