//! The plan lifecycle in the store, on a real SQLite file: the two-person rule for
//! production, approval expiry, the TOTP lockout, one apply per resource, and `audit
//! verify` noticing a plan edited behind the log's back.

use chrono::{DateTime, Duration, TimeZone, Utc};
use vigil::remediate::approval::decide;
use vigil::remediate::propose::{self, Candidate, Options};
use vigil::remediate::{NewPlan, PlanState};
use vigil::store::{ApprovalRequest, Error, Store};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A plan for one KMS key, tagged production or not, built by the real proposal code.
fn plan(key: &str, prod: bool, finding: i64) -> NewPlan {
    let r: vigil::model::Resource = serde_json::from_value(serde_json::json!({
        "id": format!("arn:aws:kms:us-east-1:123456789012:key/{key}"), "type": "AWS::KMS::Key",
        "provider": "aws", "account": "123456789012", "region": "us-east-1",
        "tags": {"environment": if prod { "prod" } else { "dev" }},
        "config": {"KeyId": key, "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT",
            "KeyState": "Enabled", "KeyRotationEnabled": false}
    }))
    .unwrap();
    let f: vigil::model::Finding = serde_json::from_value(serde_json::json!({
        "id": finding, "rule_id": "KMS-AWS-001", "resource_id": r.id, "resource_type": r.resource_type,
        "severity": "medium", "controls": ["SC-12"], "message": "no rotation", "path": "config.KeyRotationEnabled",
        "status": "open", "stale": false, "first_seen": "x", "last_seen": "x"
    }))
    .unwrap();
    let plans = vigil::config::Plans::default();
    let opts = Options {
        plans: &plans,
        tag_values: Default::default(),
        required_tags: vec![],
        required_namespace_labels: vec![],
        log_retention_days: 365,
    };
    let c = Candidate {
        finding: f,
        target: Some((r, "v1".into())),
        remediation: "Enable rotation.".into(),
        fix: vigil::model::plan::Fix {
            action: Some(vigil::model::plan::ActionKind::KmsEnableRotation),
            ..Default::default()
        },
        namespace_labels: Default::default(),
    };
    propose::propose(&[c], "alice", &opts).unwrap()
}

fn approve(
    store: &mut Store,
    id: i64,
    who: &str,
    step: u64,
    at: DateTime<Utc>,
) -> Result<vigil::store::Approved, Error> {
    let hash = store.plan(id).unwrap().unwrap().hash;
    store.approve_plan(
        &ApprovalRequest {
            plan: id,
            principal: who,
            hash: &hash,
            totp_step: Some(step),
            ttl_hours: 24,
            max_failures: 3,
            lockout_minutes: 15,
        },
        at,
        decide,
    )
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("vigil.db")).unwrap();
    (dir, store)
}

#[test]
fn production_plans_need_two_distinct_approvers_and_approvals_expire() {
    let (_dir, mut store) = open();
    let new = plan("k1", true, 1);
    assert!(new.production);
    assert_eq!(new.approvals_required, 2);
    let id = store.propose_plan(&new, &stamp(t0())).unwrap();
    let one = approve(&mut store, id, "bob", 100, t0()).unwrap();
    assert_eq!((one.approvals, one.state), (1, PlanState::Proposed));
    let again = approve(&mut store, id, "bob", 101, t0() + Duration::minutes(1)).unwrap_err();
    assert!(again.to_string().contains("already approved"), "{again}");
    let two = approve(&mut store, id, "carol", 100, t0() + Duration::hours(1)).unwrap();
    assert_eq!((two.approvals, two.state), (2, PlanState::Approved));
    // The approval runs out 24 h after the oldest approval it rests on.
    let p = store.plan(id).unwrap().unwrap();
    assert_eq!(p.expires_at.as_deref(), Some("2026-12-02T12:00:00Z"));
    let late = store
        .start_apply(id, "ops", t0() + Duration::hours(25))
        .unwrap_err();
    assert!(late.to_string().contains("expired"), "{late}");
    assert_eq!(store.plan(id).unwrap().unwrap().state, PlanState::Expired);
    // Its finding may be planned again; a finding in an open plan may not.
    let id2 = store
        .propose_plan(&plan("k1", true, 1), &stamp(t0()))
        .unwrap();
    let dup = store
        .propose_plan(&plan("k1", true, 1), &stamp(t0()))
        .unwrap_err();
    assert!(
        dup.to_string().contains(&format!("already in plan {id2}")),
        "{dup}"
    );
    // An approval older than the TTL does not count towards a later one.
    approve(&mut store, id2, "bob", 200, t0()).unwrap();
    let next = approve(&mut store, id2, "carol", 200, t0() + Duration::hours(30)).unwrap();
    assert_eq!((next.approvals, next.state), (1, PlanState::Proposed));
    let check = store.verify_audit().unwrap();
    assert!(check.problems.is_empty(), "{:?}", check.problems);
}

#[test]
fn failed_codes_lock_an_approver_out_and_a_used_step_is_refused() {
    let (_dir, mut store) = open();
    let id = store
        .propose_plan(&plan("k2", false, 2), &stamp(t0()))
        .unwrap();
    let hash = store.plan(id).unwrap().unwrap().hash;
    let req = |step: Option<u64>| ApprovalRequest {
        plan: id,
        principal: "bob",
        hash: &hash,
        totp_step: step,
        ttl_hours: 24,
        max_failures: 3,
        lockout_minutes: 15,
    };
    for n in 1..=3 {
        let e = store.approve_plan(&req(None), t0(), decide).unwrap_err();
        assert!(
            e.to_string().contains(&format!("{n} failed in a row")),
            "{e}"
        );
    }
    // Locked: even a good code is refused for 15 minutes.
    let e = store
        .approve_plan(&req(Some(500)), t0() + Duration::minutes(5), decide)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("locked out until 2026-12-01T12:15:00Z"),
        "{e}"
    );
    let ok = store
        .approve_plan(&req(Some(500)), t0() + Duration::minutes(16), decide)
        .unwrap();
    assert_eq!(ok.state, PlanState::Approved);
    // The step is spent for bob on every plan: a replay, or an earlier code, is refused.
    let id2 = store
        .propose_plan(&plan("k3", false, 3), &stamp(t0()))
        .unwrap();
    let hash2 = store.plan(id2).unwrap().unwrap().hash;
    for step in [500, 499] {
        let e = store
            .approve_plan(
                &ApprovalRequest {
                    plan: id2,
                    hash: &hash2,
                    ..req(Some(step))
                },
                t0() + Duration::minutes(17),
                decide,
            )
            .unwrap_err();
        assert!(e.to_string().contains("already used"), "{e}");
    }
    let refusals = store
        .audit_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "plan.approve_refused")
        .count();
    assert_eq!(refusals, 6, "every refusal is audited");
    // The requester is refused whatever the code.
    let e = store
        .approve_plan(
            &ApprovalRequest {
                plan: id2,
                hash: &hash2,
                principal: "alice",
                ..req(Some(900))
            },
            t0(),
            decide,
        )
        .unwrap_err();
    assert!(e.to_string().contains("separation of duties"), "{e}");
}

#[test]
fn one_plan_applies_to_a_resource_at_a_time() {
    let (_dir, mut store) = open();
    let a = store
        .propose_plan(&plan("k4", false, 4), &stamp(t0()))
        .unwrap();
    let b = store
        .propose_plan(&plan("k4", false, 5), &stamp(t0()))
        .unwrap();
    approve(&mut store, a, "bob", 10, t0()).unwrap();
    approve(&mut store, b, "carol", 10, t0()).unwrap();
    store.start_apply(a, "ops", t0()).unwrap();
    let e = store.start_apply(b, "ops", t0()).unwrap_err();
    assert!(
        e.to_string().contains(&format!("plan {a} is applying to")),
        "{e}"
    );
    assert_eq!(store.plan(b).unwrap().unwrap().state, PlanState::Approved);
    // Moves the lifecycle does not allow are refused with what is allowed.
    let e = store
        .move_plan(
            a,
            PlanState::Approved,
            "ops",
            &stamp(t0()),
            None,
            serde_json::json!({}),
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("may become: applied, failed, partially_applied"),
        "{e}"
    );
}

#[test]
fn audit_verify_notices_a_plan_changed_behind_the_logs_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vigil.db");
    let id = {
        let mut store = Store::open(&path).unwrap();
        let id = store
            .propose_plan(&plan("k5", false, 6), &stamp(t0()))
            .unwrap();
        approve(&mut store, id, "bob", 10, t0()).unwrap();
        id
    };
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE plans SET plan_hash = 'forged', state = 'proposed' WHERE id = ?1",
        [id],
    )
    .unwrap();
    conn.execute("INSERT INTO approvals (plan_id, principal, plan_hash, at, totp_step) VALUES (?1, 'mallory', 'forged', 'x', 1)", [id])
        .unwrap();
    drop(conn);
    let problems = Store::open(&path).unwrap().verify_audit().unwrap().problems;
    let text = problems.join("\n");
    assert!(
        text.contains(&format!("plan {id}: its actions differ")),
        "{text}"
    );
    assert!(
        text.contains("the audit log last moved it to approved"),
        "{text}"
    );
    assert!(
        text.contains("the approval by mallory has no audit entry"),
        "{text}"
    );
}

#[test]
fn a_kubernetes_object_is_production_by_its_namespaces_labels() {
    let deploy: vigil::model::Resource = serde_json::from_value(serde_json::json!({
        "id": "k8s://c1/shop/apps/Deployment/web", "type": "K8s::apps::Deployment",
        "provider": "kubernetes", "account": "c1", "region": "shop",
        "tags": {"environment": "prod"},
        "config": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}}
    }))
    .unwrap();
    let plans = vigil::config::Plans::default();
    let prod_ns = [("environment".to_string(), "production".to_string())].into();
    let dev_ns = [("environment".to_string(), "dev".to_string())].into();
    assert!(propose::is_production(&deploy, &prod_ns, &plans));
    // Its own label does not decide: the namespace does.
    assert!(!propose::is_production(&deploy, &dev_ns, &plans));
}
