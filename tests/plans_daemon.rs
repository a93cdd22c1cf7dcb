//! Plans in the daemon against moto: proposed by the daemon after a complete scan
//! (`auto_propose`), read, approved and applied through `/api/v1/plans`, verified by the
//! next scan, counted in `/metrics`.

use std::process::Command;

use crate::common::{boto, Moto};
use crate::daemon::{get, json, metric, post, scan_now, token, Daemon};
use crate::plans_aws::totp_code;

/// A token with the approver capability (`vigil token new --approver`).
pub(crate) fn approver_token(name: &str, role: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["token", "new", "--name", name, "--role", role, "--approver"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let entry: String = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(entry.contains("approver = true"), "{entry}");
    (
        String::from_utf8(out.stdout).unwrap().trim().to_string(),
        entry,
    )
}

/// A moto account with one key lacking rotation, and the daemon on it: tokens for a
/// viewer, an operator, an admin and the approver bob (enrolled), remediation credentials,
/// `[plans]` with `auto_propose = ["KMS-AWS-001"]` and `plans_extra`.
pub(crate) struct Fixture {
    pub(crate) moto: Moto,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) daemon: Daemon,
    pub(crate) viewer: String,
    pub(crate) operator: String,
    pub(crate) admin: String,
    pub(crate) bob: String,
}

fn start(plans_extra: &str) -> Fixture {
    start_with(
        plans_extra,
        "c('kms').create_key(Description='no rotation')",
    )
}

/// The fixture with `plans_extra` after `[plans]`'s keys (more sections may follow it) and
/// the moto account made by the boto3 script `estate`.
pub(crate) fn start_with(plans_extra: &str, estate: &str) -> Fixture {
    let moto = Moto::start();
    boto(&moto, estate);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (viewer, a) = token("grafana", "viewer");
    let (operator, b) = token("ci", "operator");
    let (admin, c) = token("ops", "admin");
    let (bob, e) = approver_token("bob", "viewer");
    std::fs::write(d.join("tokens.toml"), format!("{a}\n{b}\n{c}\n{e}")).unwrap();
    std::fs::write(
        d.join("aws.config"),
        "[profile remediation]\nregion = us-east-1\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    let config = format!(
        r#"[storage]
path = "{db}"

[daemon]
listen = "127.0.0.1:PORT"
tokens_file = "{tokens}"
reload_poll_seconds = 1

[collectors.aws]
regions = ["us-east-1"]
endpoint_url = "{url}"
services = ["kms"]

[plans]
auto_propose = ["KMS-AWS-001"]
{plans_extra}

[approvers]
totp_file = "{totp}"

[remediation.aws]
profile = "remediation"
endpoint_url = "{url}"
"#,
        db = d.join("vigil.db").display(),
        tokens = d.join("tokens.toml").display(),
        totp = d.join("totp.toml").display(),
        url = moto.url,
    );
    std::fs::write(d.join("vigil.toml"), config.replace("PORT", "0")).unwrap();
    let enroll = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["approver", "add", "bob", "--config"])
        .arg(d.join("vigil.toml"))
        .output()
        .unwrap();
    assert!(
        enroll.status.success(),
        "{}",
        String::from_utf8_lossy(&enroll.stderr)
    );
    let aws_config = d.join("aws.config").display().to_string();
    let daemon = Daemon::start(d, &config, &[], &[("AWS_CONFIG_FILE", &aws_config)]);
    Fixture {
        moto,
        dir,
        daemon,
        viewer,
        operator,
        admin,
        bob,
    }
}

/// Waits for a plan in `state` to show in the API; answers it.
pub(crate) fn wait_plan(f: &Fixture, state: &str) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (code, body) = get(
            f.daemon.port,
            &format!("/api/v1/plans?state={state}"),
            Some(&f.viewer),
        );
        assert_eq!(code, 200, "{body}");
        if let Some(p) = json(&body)["plans"].as_array().unwrap().first() {
            return p.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {state} plan:\n{}",
            f.daemon.logs()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn the_daemon_proposes_and_its_api_approves_applies_and_verifies() {
    let f = start("");
    let (moto, dir, daemon) = (&f.moto, &f.dir, &f.daemon);
    let (viewer, operator, admin, bob) = (&f.viewer, &f.operator, &f.admin, &f.bob);
    let d = dir.path();
    let port = daemon.port;
    let scan = scan_now(port, operator, viewer);
    assert_eq!(scan["status"], "complete", "{scan:#}\n{}", daemon.logs());
    // The daemon proposed a plan for the key, as vigil:reaper, after the complete scan.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let plan = loop {
        let (code, body) = get(port, "/api/v1/plans?state=proposed", Some(viewer));
        assert_eq!(code, 200, "{body}");
        if let Some(p) = json(&body)["plans"].as_array().unwrap().first() {
            break p.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no plan proposed:\n{}",
            daemon.logs()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert_eq!(plan["requester"], "vigil:reaper");
    assert_eq!(plan["actions"][0]["kind"], "kms_enable_rotation");
    assert!(plan["actions"][0]["dry_run"][0]
        .as_str()
        .unwrap()
        .starts_with("kms:EnableKeyRotation KeyId="));
    let id = plan["id"].to_string();
    let hash = plan["hash"].as_str().unwrap().to_string();
    let (code, _) = get(port, "/api/v1/plans/999", Some(viewer));
    assert_eq!(code, 404);

    // Approving is a capability of its own: an admin token without it is refused (audited).
    let code_now = totp_code(&d.join("totp.toml"), "bob", 0);
    let body = format!(r#"{{"hash": "{hash}", "totp": "{code_now}"}}"#);
    let (code, text) = post(
        port,
        &format!("/api/v1/plans/{id}/approve"),
        Some(admin),
        &body,
    );
    assert_eq!(code, 403, "{text}");
    assert!(text.contains("capability of its own"), "{text}");
    let (code, _) = post(port, &format!("/api/v1/plans/{id}/apply"), Some(viewer), "");
    assert_eq!(code, 403, "applying needs the operator role");
    let (code, text) = post(
        port,
        &format!("/api/v1/plans/{id}/apply"),
        Some(operator),
        "",
    );
    assert_eq!(code, 409, "not approved yet: {text}");
    let (code, text) = post(
        port,
        &format!("/api/v1/plans/{id}/approve"),
        Some(bob),
        &body,
    );
    assert_eq!(code, 200, "{text}");
    assert_eq!(json(&text)["state"], "approved");
    let (code, text) = post(
        port,
        &format!("/api/v1/plans/{id}/approve"),
        Some(bob),
        &body,
    );
    assert_eq!(code, 409, "a replayed code: {text}");

    // The daemon holds the database: the CLI says to apply through the API instead.
    let cli = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["plan", "apply", &id, "--config"])
        .arg(d.join("vigil.toml"))
        .output()
        .unwrap();
    assert!(!cli.status.success());
    let err = String::from_utf8_lossy(&cli.stderr);
    assert!(
        err.contains(&format!("POST /api/v1/plans/{id}/apply")),
        "{err}"
    );
    let (code, text) = post(
        port,
        &format!("/api/v1/plans/{id}/apply"),
        Some(operator),
        "",
    );
    assert_eq!(code, 200, "{text}\n{}", daemon.logs());
    let applied = json(&text);
    assert_eq!(applied["plan"]["state"], "applied", "{applied:#}");
    let rot = boto(moto, "k = c('kms').list_keys()['Keys'][0]['KeyId']\nprint(c('kms').get_key_rotation_status(KeyId=k)['KeyRotationEnabled'])");
    assert_eq!(rot.trim(), "True");

    let scan = scan_now(port, operator, viewer);
    assert_eq!(scan["status"], "complete");
    let (_, text) = get(port, &format!("/api/v1/plans/{id}"), Some(viewer));
    assert_eq!(json(&text)["state"], "verified", "{text}");
    let m = daemon.metrics();
    assert_eq!(
        metric(&m, r#"vigil_plans{state="verified"}"#),
        Some(1.0),
        "{m}"
    );
    assert_eq!(metric(&m, r#"vigil_plans{state="proposed"}"#), Some(0.0));
    assert_eq!(
        metric(&m, r#"vigil_plan_actions_total{result="ok"}"#),
        Some(1.0),
        "{m}"
    );
    assert_eq!(
        metric(&m, r#"vigil_plan_calls_total{result="ok"}"#),
        Some(1.0),
        "{m}"
    );
    assert_eq!(metric(&m, "vigil_plans_proposed_total"), Some(1.0), "{m}");
    // Each step reached the notifier (the log here; mail plugs into the same seam).
    let events: Vec<String> = daemon
        .logs()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["target"] == "notify")
        .map(|l| l["event"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        events,
        ["Proposed", "Approved", "Applied", "Verified"],
        "{}",
        daemon.logs()
    );
}

#[test]
fn with_apply_on_approval_the_daemon_applies_a_plan_once_approved() {
    let f = start(r#"apply = "on-approval""#);
    let scan = scan_now(f.daemon.port, &f.operator, &f.viewer);
    assert_eq!(scan["status"], "complete");
    let plan = wait_plan(&f, "proposed");
    let code = totp_code(&f.dir.path().join("totp.toml"), "bob", 0);
    let body = format!(
        r#"{{"hash": "{}", "totp": "{code}"}}"#,
        plan["hash"].as_str().unwrap()
    );
    let (status, text) = post(
        f.daemon.port,
        &format!("/api/v1/plans/{}/approve", plan["id"]),
        Some(&f.bob),
        &body,
    );
    assert_eq!(status, 200, "{text}");
    // Nobody asks for the apply: the daemon makes it, as vigil:reaper, naming the approval.
    let applied = wait_plan(&f, "applied");
    assert_eq!(applied["id"], plan["id"]);
    let rot = boto(&f.moto, "k = c('kms').list_keys()['Keys'][0]['KeyId']\nprint(c('kms').get_key_rotation_status(KeyId=k)['KeyRotationEnabled'])");
    assert_eq!(rot.trim(), "True");
    let audit = std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["audit", "list", "--format", "json", "--db"])
        .arg(f.dir.path().join("vigil.db"))
        .output()
        .unwrap();
    let audit: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    let applying = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "plan.applying")
        .expect("an applying entry");
    assert_eq!(applying["actor"], "vigil:reaper");
    assert_eq!(applying["details"]["approvals"], serde_json::json!(["bob"]));
}
