//! `vigil run` as a process against moto: schedules, health, readiness, metrics, the API and
//! its tokens, SIGTERM during a scan, the one-writer lock, and rule reloads.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, stdout, vigil, Moto};
use serde_json::Value;

/// A `vigil run` process; killed on drop.
pub(crate) struct Daemon {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Daemon {
    pub(crate) fn start(dir: &Path, config: &str, args: &[&str], env: &[(&str, &str)]) -> Daemon {
        // Port 0: the daemon binds a free port and logs it (no race with other tests).
        let config = config.replace("PORT", "0");
        let cfg = dir.join("vigil.toml");
        std::fs::write(&cfg, config).unwrap();
        let log = tempfile::Builder::new()
            .prefix("vigil-run-")
            .suffix(".log")
            .tempfile_in(dir)
            .unwrap()
            .into_temp_path()
            .keep()
            .unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigil"));
        cmd.arg("run")
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .env_remove("VIGIL_CONFIG")
            .env_remove("VIGIL_DB")
            .env_remove("VIGIL_LOG")
            .env_remove("VIGIL_API_TOKENS")
            .env("HOME", dir)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let mut d = Daemon {
            child,
            port: 0,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = d.child.try_wait().unwrap() {
                panic!("vigil run exited ({status}) before serving:\n{}", d.logs());
            }
            if d.port == 0 {
                d.port = d
                    .logs()
                    .lines()
                    .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                    .find(|l| l["message"] == "vigil is running")
                    .and_then(|l| l["listen"].as_str()?.rsplit(':').next()?.parse().ok())
                    .unwrap_or(0);
            }
            if d.port != 0 && get(d.port, "/healthz", None).0 == 200 {
                return d;
            }
            assert!(
                Instant::now() < deadline,
                "vigil run did not serve within 60 s:\n{}",
                d.logs()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub(crate) fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Parsed JSON log lines.
    fn lines(&self) -> Vec<Value> {
        self.logs()
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {l}"))
            })
            .collect()
    }

    fn wait_log(&self, what: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.logs().contains(what) {
            assert!(
                Instant::now() < deadline,
                "no `{what}` in the log within {timeout:?}:\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn signal(&self, sig: i32) {
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(self.child.id() as i32, sig);
        }
    }

    /// Waits for the process to exit; returns its exit code.
    fn wait_exit(&mut self, timeout: Duration) -> i32 {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "vigil run did not exit within {timeout:?}:\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn metrics(&self) -> String {
        let (code, body) = get(self.port, "/metrics", None);
        assert_eq!(code, 200);
        body
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

pub(crate) fn get(port: u16, path: &str, token: Option<&str>) -> (u16, String) {
    let mut req = agent().get(format!("http://127.0.0.1:{port}{path}"));
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    match req.call() {
        Ok(mut r) => (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        ),
        Err(_) => (0, String::new()),
    }
}

pub(crate) fn post(port: u16, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut req = agent()
        .post(format!("http://127.0.0.1:{port}{path}"))
        .header("Content-Type", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut r = req.send(body).unwrap();
    (
        r.status().as_u16(),
        r.body_mut().read_to_string().unwrap_or_default(),
    )
}

pub(crate) fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

/// Makes a token with `vigil token new`; returns (token, its `[[tokens]]` entry).
pub(crate) fn token(name: &str, role: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["token", "new", "--name", name, "--role", role])
        .output()
        .unwrap();
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let entry: String = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    (token, entry)
}

struct Tokens {
    viewer: String,
    operator: String,
    admin: String,
}

fn tokens_file(dir: &Path) -> Tokens {
    let (viewer, a) = token("grafana", "viewer");
    let (operator, b) = token("ci", "operator");
    let (admin, c) = token("ops", "admin");
    std::fs::write(dir.join("tokens.toml"), format!("{a}\n{b}\n{c}")).unwrap();
    Tokens {
        viewer,
        operator,
        admin,
    }
}

fn config(dir: &Path, endpoint: &str, cron: &str, extra: &str) -> String {
    format!(
        r#"[storage]
path = "{db}"

[daemon]
listen = "127.0.0.1:PORT"
tokens_file = "{tokens}"
reload_poll_seconds = 1
{extra}

[[schedules]]
target = "aws"
cron = "{cron}"

[collectors.aws]
regions = ["us-east-1"]
endpoint_url = "{endpoint}"
max_attempts = 1
"#,
        db = dir.join("vigil.db").display(),
        tokens = dir.join("tokens.toml").display(),
    )
}

/// A cron that never fires during a test (scans are started through the API instead).
const NEVER: &str = "0 0 0 1 1 *";

/// Starts a scan through the API and waits for it to be recorded; returns the scan.
pub(crate) fn scan_now(port: u16, operator: &str, viewer: &str) -> Value {
    let (code, body) = post(
        port,
        "/api/v1/scans",
        Some(operator),
        r#"{"target": "aws"}"#,
    );
    assert_eq!(code, 202, "{body}");
    let run = json(&body)["run_id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (code, body) = get(port, &format!("/api/v1/scans?run_id={run}"), Some(viewer));
        assert_eq!(code, 200, "{body}");
        let doc = json(&body);
        if let Some(s) = doc["scans"].as_array().unwrap().first() {
            return s.clone();
        }
        assert!(
            Instant::now() < deadline,
            "run {run} not recorded within 120 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The value of one metric line (exact name and labels).
pub(crate) fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        l.strip_prefix(series)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

/// Starts the slow proxy: every call to moto waits `delay` seconds.
fn slow_proxy(moto: &Moto, delay: &str) -> (Child, String) {
    common::proxy(moto, "NoSuchAction", 0, &[("PROXY_DELAY_SECONDS", delay)])
}

#[test]
fn health_metrics_api_and_tokens() {
    let moto = Moto::start();
    common::boto(
        &moto,
        "v = c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8)\nprint(v['VolumeId'])",
    );
    let dir = tempfile::tempdir().unwrap();
    let t = tokens_file(dir.path());
    let d = Daemon::start(
        dir.path(),
        &config(dir.path(), &moto.url, NEVER, ""),
        &[],
        &[],
    );

    // Health and metrics need no token.
    assert_eq!(get(d.port, "/healthz", None), (200, "ok\n".to_string()));
    // Every API route needs one: 401 without, 401 with an unknown one.
    for path in [
        "/api/v1/scans",
        "/api/v1/findings",
        "/api/v1/status",
        "/api/v1/drift",
    ] {
        let r = agent()
            .get(format!("http://127.0.0.1:{}{path}", d.port))
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path}");
        assert_eq!(
            r.headers().get("www-authenticate").unwrap(),
            "Bearer realm=\"vigil\""
        );
        assert_eq!(
            get(d.port, path, Some("vigil_not-a-token")).0,
            401,
            "{path}"
        );
    }
    assert_eq!(
        post(d.port, "/api/v1/scans", None, r#"{"target":"aws"}"#).0,
        401
    );
    // A viewer reads but may not start a scan or reload: 403, naming the role needed.
    let (code, body) = post(
        d.port,
        "/api/v1/scans",
        Some(&t.viewer),
        r#"{"target":"aws"}"#,
    );
    assert_eq!(code, 403);
    assert!(
        body.contains("needs the operator role; token `grafana` has viewer"),
        "{body}"
    );
    assert_eq!(post(d.port, "/api/v1/reload", Some(&t.operator), "").0, 403);
    assert_eq!(
        post(
            d.port,
            "/api/v1/scans",
            Some(&t.operator),
            r#"{"target":"gcp"}"#
        )
        .0,
        400
    );

    let scan = scan_now(d.port, &t.operator, &t.viewer);
    assert_eq!(scan["status"], "complete", "{scan}");
    assert!(scan["run_id"].as_str().unwrap().starts_with("aws-"));
    let id = scan["id"].as_i64().unwrap();

    // A scan and its coverage.
    let (code, body) = get(d.port, &format!("/api/v1/scans/{id}"), Some(&t.viewer));
    assert_eq!(code, 200);
    let doc = json(&body);
    assert!(doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["scope"]
            .as_str()
            .unwrap()
            .ends_with("/us-east-1/AWS::EC2::Volume")
            && c["status"] == "complete"));
    assert_eq!(get(d.port, "/api/v1/scans/999", Some(&t.viewer)).0, 404);
    assert_eq!(get(d.port, "/api/v1/scans/abc", Some(&t.viewer)).0, 400);

    // Findings with filters and pagination.
    let (code, body) = get(d.port, "/api/v1/findings?limit=2", Some(&t.viewer));
    assert_eq!(code, 200, "{body}");
    let page = json(&body);
    let total = page["total"].as_u64().unwrap();
    assert!(total > 2, "{page}");
    assert_eq!(page["findings"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_offset"], 2);
    let (_, body) = get(
        d.port,
        &format!("/api/v1/findings?limit=2&offset={}", total - 1),
        Some(&t.viewer),
    );
    let last = json(&body);
    assert_eq!(last["findings"].as_array().unwrap().len(), 1);
    assert!(last["next_offset"].is_null());
    let (_, body) = get(
        d.port,
        "/api/v1/findings?rule=EBS-AWS-001&severity=medium",
        Some(&t.viewer),
    );
    let ebs = json(&body);
    let vol = ebs["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource_type"] == "AWS::EC2::Volume")
        .unwrap_or_else(|| panic!("no unencrypted-volume finding: {ebs}"))
        .clone();
    assert!(ebs["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule_id"] == "EBS-AWS-001"));
    let (code, body) = get(d.port, "/api/v1/findings?severity=bogus", Some(&t.viewer));
    assert_eq!(code, 400);
    assert!(body.contains("unknown severity `bogus`"), "{body}");
    // A control written as users write it is the catalog's control, as in the CLI.
    let by_label = json(
        &get(
            d.port,
            "/api/v1/findings?control=SC-28(1)&limit=500",
            Some(&t.viewer),
        )
        .1,
    );
    let (code, body) = get(
        d.port,
        "/api/v1/findings?control=sc-28.1&limit=500",
        Some(&t.viewer),
    );
    assert_eq!(code, 200, "{body}");
    assert!(by_label["total"].as_u64().unwrap() > 0, "{by_label}");
    assert_eq!(json(&body)["total"], by_label["total"]);
    let (code, body) = get(d.port, "/api/v1/findings?control=XX-99", Some(&t.viewer));
    assert_eq!(code, 400);
    assert!(
        body.contains("`XX-99` is not a NIST SP 800-53 Rev. 5 control"),
        "{body}"
    );
    let (code, body) = get(
        d.port,
        &format!("/api/v1/findings/{}", vol["id"]),
        Some(&t.viewer),
    );
    assert_eq!(code, 200);
    assert_eq!(json(&body)["history"][0]["event"], "opened", "{body}");

    // A resource with its versions.
    let rid = vol["resource_id"].as_str().unwrap();
    let q: String = percent_encode(rid);
    let (code, body) = get(
        d.port,
        &format!("/api/v1/resources?id={q}"),
        Some(&t.viewer),
    );
    assert_eq!(code, 200, "{body}");
    let r = json(&body);
    assert_eq!(r["resource"]["id"], rid);
    assert_eq!(r["resource"]["versions"][0]["scan_id"], id);
    assert_eq!(
        r["resource"]["versions"][0]["document"]["config"]["Encrypted"], false,
        "{r}"
    );
    assert_eq!(
        get(d.port, "/api/v1/resources?id=nope", Some(&t.viewer)).0,
        404
    );

    // Drift after a change: the volume gets a tag.
    common::boto(
        &moto,
        &format!(
            "c('ec2').create_tags(Resources=['{}'], Tags=[{{'Key': 'owner', 'Value': 'team-a'}}])",
            rid.rsplit('/').next().unwrap()
        ),
    );
    // An admin may do what an operator may.
    let second = scan_now(d.port, &t.admin, &t.viewer);
    let (code, body) = get(
        d.port,
        &format!("/api/v1/drift?since={id}"),
        Some(&t.viewer),
    );
    assert_eq!(code, 200);
    let drift = json(&body);
    assert!(
        drift["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["resource_id"] == rid
                && e["change"] == "modified"
                && e["changes"][0]["path"] == "tags.owner"),
        "{drift}"
    );
    assert_eq!(drift["total"], 1, "{drift}");
    assert_eq!(get(d.port, "/api/v1/drift?limit=0", Some(&t.viewer)).0, 400);
    let (_, body) = get(d.port, "/api/v1/scans?limit=1", Some(&t.viewer));
    assert_eq!(json(&body)["scans"][0]["id"], second["id"]);

    // Metrics: scans, resources, findings by severity, rule and control, API calls, rule time.
    let m = d.metrics();
    assert_eq!(
        metric(&m, r#"vigil_scans_total{target="aws",status="complete"}"#),
        Some(2.0),
        "{m}"
    );
    assert_eq!(
        metric(
            &m,
            r#"vigil_resources{target="aws",resource_type="AWS::EC2::Volume"}"#
        ),
        Some(1.0)
    );
    assert!(
        metric(&m, r#"vigil_findings_open{severity="high"}"#).unwrap_or(0.0) >= 1.0,
        "{m}"
    );
    assert!(
        metric(
            &m,
            r#"vigil_findings_open_by_rule{rule="EBS-AWS-001",severity="high"}"#
        )
        .unwrap_or(0.0)
            >= 1.0,
        "{m}"
    );
    assert!(
        m.contains("vigil_findings_open_by_control{control=\"SC-28(1)\"}"),
        "{m}"
    );
    assert!(metric(&m, r#"vigil_api_calls_total{provider="aws",service="ec2"}"#).unwrap() >= 2.0);
    assert_eq!(
        metric(
            &m,
            r#"vigil_api_throttles_total{provider="aws",service="ec2"}"#
        ),
        Some(0.0)
    );
    assert!(m.contains("vigil_rule_evaluation_seconds_total{rule=\"EBS-AWS-001\"}"));
    assert!(m.contains("vigil_scan_duration_seconds_count{target=\"aws\"} 2"));
    assert_eq!(
        metric(&m, "vigil_rules_loaded"),
        Some(bundled_rules() as f64)
    );

    // Readiness: database open, rules loaded, no failing target.
    let (code, body) = get(d.port, "/readyz", None);
    assert_eq!(code, 200, "{body}");
    assert_eq!(json(&body)["targets"]["aws"]["last_status"], "complete");

    // An admin reloads.
    let (code, body) = post(d.port, "/api/v1/reload", Some(&t.admin), "");
    assert_eq!(code, 200, "{body}");

    // Logs are JSON lines; every line of a scan carries its run id; tokens never appear.
    let logs = d.logs();
    for secret in [&t.viewer, &t.operator, &t.admin] {
        assert!(!logs.contains(secret.as_str()), "a token is in the log");
    }
    let lines = d.lines();
    let scan_lines: Vec<&Value> = lines
        .iter()
        .filter(|l| l["message"] == "scan started" || l["message"] == "scan recorded")
        .collect();
    assert_eq!(scan_lines.len(), 4, "{logs}");
    for l in &scan_lines {
        assert!(
            l["span"]["run"].as_str().unwrap().starts_with("aws-"),
            "{l}"
        );
    }
    let recorded = lines
        .iter()
        .find(|l| l["message"] == "scan recorded")
        .unwrap();
    assert_eq!(recorded["span"]["run"], scan["run_id"]);
    assert_eq!(recorded["scan_id"], scan["id"]);
    assert!(lines
        .iter()
        .any(|l| l["message"] == "request" && l["principal"] == "grafana" && l["status"] == 403));
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn scheduled_scans_of_a_target_never_overlap() {
    let moto = Moto::start();
    // Every call waits 1.5 s: a scan takes several seconds, the schedule fires every second.
    let (mut proxy, url) = slow_proxy(&moto, "1.5");
    let dir = tempfile::tempdir().unwrap();
    let t = tokens_file(dir.path());
    let d = Daemon::start(
        dir.path(),
        &config(dir.path(), &url, "* * * * * *", ""),
        &[],
        &[],
    );
    d.wait_log("scan started", Duration::from_secs(30));
    d.wait_log("this scheduled run is skipped", Duration::from_secs(30));
    // A scan asked for while one runs is refused, naming the running one.
    let (code, body) = post(
        d.port,
        "/api/v1/scans",
        Some(&t.operator),
        r#"{"target":"aws"}"#,
    );
    assert_eq!(code, 409, "{body}");
    assert!(
        body.contains("a scan of aws is already running (run aws-"),
        "{body}"
    );
    d.wait_log("scan recorded", Duration::from_secs(120));
    let m = d.metrics();
    assert!(
        metric(&m, r#"vigil_scans_skipped_total{target="aws"}"#).unwrap() >= 1.0,
        "{m}"
    );
    let lines = d.lines();
    let started = lines
        .iter()
        .filter(|l| l["message"] == "scan started")
        .count();
    let recorded = lines
        .iter()
        .filter(|l| l["message"] == "scan recorded")
        .count();
    // Never two at once: each start is followed by its record before the next start.
    let mut open = 0;
    for l in &lines {
        if l["message"] == "scan started" {
            open += 1;
            assert_eq!(
                open,
                1,
                "two scans of one target ran at once:\n{}",
                d.logs()
            );
        } else if l["message"] == "scan recorded" {
            open -= 1;
        }
    }
    assert!(started >= recorded && started - recorded <= 1);
    let _ = proxy.kill();
    let _ = proxy.wait();
}

#[test]
fn throttled_calls_show_in_metrics() {
    let moto = Moto::start();
    // The first 3 DescribeVolumes calls are throttled; the SDK's retries get through.
    let (mut proxy, url) = common::throttling_proxy(&moto, "DescribeVolumes", 3);
    let dir = tempfile::tempdir().unwrap();
    let t = tokens_file(dir.path());
    let cfg = config(dir.path(), &url, NEVER, "").replace("max_attempts = 1", "max_attempts = 5");
    let d = Daemon::start(dir.path(), &cfg, &[], &[]);
    let scan = scan_now(d.port, &t.operator, &t.viewer);
    assert_eq!(scan["status"], "complete");
    let m = d.metrics();
    assert_eq!(
        metric(
            &m,
            r#"vigil_api_throttles_total{provider="aws",service="ec2"}"#
        ),
        Some(3.0),
        "{m}"
    );
    let _ = proxy.kill();
    let _ = proxy.wait();
}

fn integrity(db: &Path) -> (String, i64) {
    let store = vigil::store::Store::open(db).unwrap();
    (
        store.integrity_check().unwrap(),
        store.count("scans").unwrap(),
    )
}

#[test]
fn sigterm_mid_scan_abandons_cleanly_or_lets_it_finish() {
    let moto = Moto::start();
    common::boto(
        &moto,
        "c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8)",
    );
    let dir = tempfile::tempdir().unwrap();
    let t = tokens_file(dir.path());
    let db = dir.path().join("vigil.db");

    // A daemon behind a proxy that delays each AWS call by `delay` seconds, with `grace`,
    // asked for a scan and sent SIGTERM `settle` after the scan started: its logs.
    let run = |delay: &str, grace: u64, settle: Duration, exit_within: u64| {
        let (mut proxy, url) = slow_proxy(&moto, delay);
        let grace = format!("shutdown_grace_seconds = {grace}");
        let mut d = Daemon::start(
            dir.path(),
            &config(dir.path(), &url, NEVER, &grace),
            &[],
            &[],
        );
        let (code, _) = post(
            d.port,
            "/api/v1/scans",
            Some(&t.operator),
            r#"{"target":"aws"}"#,
        );
        assert_eq!(code, 202);
        d.wait_log("scan started", Duration::from_secs(10));
        std::thread::sleep(settle);
        d.signal(libc::SIGTERM);
        let exit = d.wait_exit(Duration::from_secs(exit_within));
        assert_eq!(exit, 0, "{}", d.logs());
        let logs = d.logs();
        drop(d);
        let _ = proxy.kill();
        let _ = proxy.wait();
        logs
    };

    // 1. A slow scan and a 1 s grace period: the scan is abandoned, nothing is recorded.
    let logs = run("4", 1, Duration::from_millis(500), 20);
    assert!(
        logs.contains("\"message\":\"scan abandoned at shutdown; nothing was recorded\"")
            && logs.contains("\"stage\":\"collecting\""),
        "{logs}"
    );
    assert_eq!(integrity(&db), ("ok".to_string(), 0));

    // 2. The next start works; a scan slowed to ~1 s per call finishes within a 60 s grace.
    let logs = run("1", 60, Duration::ZERO, 90);
    assert!(logs.contains("\"message\":\"scan recorded\""), "{logs}");
    assert!(!logs.contains("abandoned"), "{logs}");
    assert_eq!(integrity(&db), ("ok".to_string(), 1));
}

#[test]
fn a_second_writer_on_the_same_database_is_refused() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    tokens_file(dir.path());
    let d = Daemon::start(
        dir.path(),
        &config(dir.path(), &moto.url, NEVER, ""),
        &[],
        &[],
    );
    // Another daemon on the same database (another port).
    let other = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &moto.url, NEVER, "").replace("PORT", &free_port().to_string());
    std::fs::write(other.path().join("vigil.toml"), cfg).unwrap();
    let (code, err) = vigil_within(
        &[
            "run",
            "--config",
            other.path().join("vigil.toml").to_str().unwrap(),
        ],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(2), "{err}");
    let pid = d.child.id().to_string();
    assert!(
        err.contains("is in use by another vigil (pid ")
            && err.contains(&pid)
            && err.contains("`vigil run`"),
        "{err}"
    );
    // So is a `vigil scan` writing to it.
    let db = dir.path().join("vigil.db");
    let (code, err) = vigil_within(
        &[
            "scan",
            "--db",
            db.to_str().unwrap(),
            "--endpoint-url",
            &moto.url,
            "--region",
            "us-east-1",
        ],
        Duration::from_secs(120),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is in use by another vigil"), "{err}");
    // And a prune (a dry run only reads, so it may).
    let (code, err) = vigil_within(
        &["prune", "--db", db.to_str().unwrap(), "--older-than", "1"],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is in use by another vigil"), "{err}");
    let (code, err) = vigil_within(
        &[
            "prune",
            "--db",
            db.to_str().unwrap(),
            "--older-than",
            "1",
            "--dry-run",
        ],
        Duration::from_secs(60),
    );
    assert_eq!(code, Some(0), "{err}");
    // The daemon is unaffected.
    assert_eq!(get(d.port, "/readyz", None).0, 200);
}

/// Runs vigil, killing it after `limit` (a broken lock would otherwise hang the test).
fn vigil_within(args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let err = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .env_remove("VIGIL_CONFIG")
        .env_remove("VIGIL_DB")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err.reopen().unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("vigil {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (code, std::fs::read_to_string(err.path()).unwrap())
}

const CUSTOM_RULE: &str = r#"# METADATA
# title: Volumes must carry a team tag
# custom:
#   id: CUSTOM-VOL-001
#   severity: low
#   controls: [cm-8]
#   resource_types: ["AWS::EC2::Volume"]
#   remediation: Tag the volume with its team.
package vigil.rules.custom.volume_team

import rego.v1

deny contains f if {
    not input.tags.team
    f := {"msg": "volume has no team tag", "resource_id": input.id, "path": "tags.team"}
}
"#;

#[test]
fn a_broken_rule_reload_keeps_the_last_good_set() {
    let moto = Moto::start();
    common::boto(
        &moto,
        "c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8)",
    );
    let dir = tempfile::tempdir().unwrap();
    let t = tokens_file(dir.path());
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let rule = rules.join("volume_team.rego");
    std::fs::write(&rule, CUSTOM_RULE).unwrap();
    let d = Daemon::start(
        dir.path(),
        &config(dir.path(), &moto.url, NEVER, ""),
        &["--rules", rules.to_str().unwrap()],
        &[],
    );
    assert_eq!(
        metric(&d.metrics(), "vigil_rules_loaded"),
        Some(bundled_rules() as f64 + 1.0)
    );

    // A syntax error: seen in the directory, rejected with file:line; SIGHUP tries again
    // and is rejected again. The bundled rules and the custom one stay in force.
    std::fs::write(
        &rule,
        CUSTOM_RULE.replace("deny contains f if {", "deny contains f if {{{"),
    )
    .unwrap();
    d.wait_log("reload rejected", Duration::from_secs(20));
    d.signal(libc::SIGHUP);
    let deadline = Instant::now() + Duration::from_secs(20);
    while d.logs().matches("the set in force stays").count() < 2 {
        assert!(
            Instant::now() < deadline,
            "SIGHUP did not reload:\n{}",
            d.logs()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    d.wait_log("\"why\":\"SIGHUP\"", Duration::from_secs(20));
    let logs = d.logs();
    assert!(logs.contains("volume_team.rego:14"), "{logs}");
    let m = d.metrics();
    assert_eq!(
        metric(&m, "vigil_rules_loaded"),
        Some(bundled_rules() as f64 + 1.0)
    );
    assert_eq!(
        metric(&m, r#"vigil_reloads_total{result="rejected"}"#),
        Some(2.0),
        "{m}"
    );
    // Through the API too: 422 with the problem, nothing changes.
    let (code, body) = post(d.port, "/api/v1/reload", Some(&t.admin), "");
    assert_eq!(code, 422, "{body}");
    assert!(body.contains("volume_team.rego:14"), "{body}");
    let scan = scan_now(d.port, &t.operator, &t.viewer);
    assert_eq!(scan["status"], "complete");
    let (_, body) = get(
        d.port,
        "/api/v1/findings?rule=CUSTOM-VOL-001",
        Some(&t.viewer),
    );
    assert_eq!(
        json(&body)["total"],
        1,
        "the last good rule set is still in force: {body}"
    );

    // Fixed and changed (another rule file added): picked up from the directory, no signal.
    std::fs::write(&rule, CUSTOM_RULE).unwrap();
    std::fs::write(
        rules.join("volume_cost.rego"),
        CUSTOM_RULE
            .replace("CUSTOM-VOL-001", "CUSTOM-VOL-002")
            .replace("volume_team", "volume_cost")
            .replace("team", "cost"),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while metric(&d.metrics(), "vigil_rules_loaded") != Some(bundled_rules() as f64 + 2.0) {
        assert!(
            Instant::now() < deadline,
            "the fixed rules were not reloaded:\n{}",
            d.logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(metric(&d.metrics(), r#"vigil_reloads_total{result="ok"}"#).unwrap() >= 1.0);
}

#[test]
fn startup_reports_every_problem_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("bad.rego"),
        CUSTOM_RULE.replace("deny contains f if {", "deny contains f if {{{"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tokens.toml"),
        "[[tokens]]\nname = \"x\"\nrole = \"viewer\"\nsha256 = \"vigil_plaintext\"\n",
    )
    .unwrap();
    let cfg = format!(
        "[daemon]\nlisten = \"127.0.0.1:{}\"\ntokens_file = \"{}\"\n[rules]\ndirs = [\"{}\"]\n",
        free_port(),
        dir.path().join("tokens.toml").display(),
        rules.display()
    );
    std::fs::write(dir.path().join("ok.toml"), &cfg).unwrap();
    let out = common::vigil(&[
        "run",
        "--config",
        dir.path().join("ok.toml").to_str().unwrap(),
        "--db",
        dir.path().join("v.db").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("bad.rego:14"), "{err}");
    assert!(
        err.contains("token 1 (`x`): `sha256` must be the token's SHA-256"),
        "{err}"
    );
    assert!(err.contains("2 problem(s)"), "{err}");
    // Config problems are all reported with their lines.
    let bad = "[daemon]\nlisten = \"nowhere\"\nbogus = 1\n\n[[schedules]]\ntarget = \"gcp\"\ncron = \"every hour\"\n";
    std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let out = common::vigil(&[
        "run",
        "--config",
        dir.path().join("bad.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    for want in [
        "bad.toml:2: `daemon.listen`: `nowhere` is not an address",
        "bad.toml:3: unknown key `daemon.bogus` (known here: listen,",
        "bad.toml:6: `schedules[1].target`: unknown target `gcp`",
        "bad.toml:7: `schedules[1].cron`: `every hour`",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
    // Nothing was started: no database, no lock.
    assert!(!dir.path().join("v.db").exists());
    assert!(!dir.path().join("v.db.lock").exists());
}

#[test]
fn kubernetes_schedule_and_daily_prune_run_in_the_daemon() {
    let api = common::K8sApi::start("cluster-a");
    let kubeconfig = api.kubeconfig(&[("test-a", "vigil-test-token")]);
    let dir = tempfile::tempdir().unwrap();
    let t = tokens_file(dir.path());
    let db = dir.path().join("vigil.db");
    // A scan from 2020, long past `retention_days`, recorded by `vigil scan`.
    let (code, err) = vigil_within(
        &[
            "scan",
            "--target",
            "kubernetes",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--cluster-name",
            "cluster-a",
            "--db",
            db.to_str().unwrap(),
            "--now",
            "2020-01-01",
        ],
        Duration::from_secs(120),
    );
    assert!(matches!(code, Some(0 | 1)), "{err}");
    let cfg = format!(
        r#"[storage]
path = "{db}"
retention_days = 1

[daemon]
listen = "127.0.0.1:PORT"
tokens_file = "{tokens}"
prune_schedule = "*/2 * * * * *"

[[schedules]]
target = "kubernetes"
cron = "*/3 * * * * *"

[[collectors.kubernetes.clusters]]
name = "cluster-a"
kubeconfig = "{kubeconfig}"
"#,
        db = db.display(),
        tokens = dir.path().join("tokens.toml").display(),
        kubeconfig = kubeconfig.display(),
    );
    let d = Daemon::start(dir.path(), &cfg, &[], &[]);
    // The schedule scans the cluster; the prune job then drops the 2020 scan, which is no
    // longer the target's latest.
    let deadline = Instant::now() + Duration::from_secs(60);
    let scans = loop {
        let (_, body) = get(d.port, "/api/v1/scans", Some(&t.viewer));
        let scans = json(&body)["scans"].as_array().unwrap().clone();
        if !scans.is_empty() && scans.iter().all(|s| s["id"] != 1) {
            break scans;
        }
        assert!(
            Instant::now() < deadline,
            "the 2020 scan was not pruned:\n{}",
            d.logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let scan = &scans[0];
    assert_eq!(scan["target"], "kubernetes");
    assert!(scan["run_id"].as_str().unwrap().starts_with("kubernetes-"));
    assert!(scan["resources"].as_i64().unwrap() > 10, "{scan}");
    assert!(d.logs().contains("\"trigger\":\"schedule\""));
    assert!(d.logs().contains("history pruned"));
    let m = d.metrics();
    assert!(
        metric(&m, r#"vigil_prunes_total{result="ok"}"#).unwrap() >= 1.0,
        "{m}"
    );
    assert!(
        metric(
            &m,
            r#"vigil_resources{target="kubernetes",resource_type="K8s::apps::Deployment"}"#
        )
        .unwrap_or(0.0)
            >= 1.0,
        "{m}"
    );
    // Every request to the API server is counted: discovery (a group and each version) and
    // every list page.
    let requests = api.requests().len() as f64;
    let counted = metric(
        &m,
        r#"vigil_api_calls_total{provider="kubernetes",service="apiserver"}"#,
    )
    .unwrap();
    assert!(counted >= 18.0, "{m}");
    assert!(
        counted <= requests,
        "counted {counted}, the server answered {requests}"
    );
    // The audit log records the daemon's prune.
    drop(d);
    let store = vigil::store::Store::open(&db).unwrap();
    assert!(store
        .audit_entries()
        .unwrap()
        .iter()
        .any(|e| e.action == "history.prune" && e.actor == "vigil run"));
}

#[test]
fn readiness_fails_when_scheduled_scans_keep_failing() {
    // Nothing listens at the endpoint: every scan fails to identify the account.
    let dead = format!("http://127.0.0.1:{}", free_port());
    let dir = tempfile::tempdir().unwrap();
    let t = tokens_file(dir.path());
    let cfg = config(
        dir.path(),
        &dead,
        "* * * * * *",
        "ready_max_failing_seconds = 2",
    );
    let d = Daemon::start(dir.path(), &cfg, &[], &[]);
    d.wait_log("scan failed; nothing was recorded", Duration::from_secs(30));
    let deadline = Instant::now() + Duration::from_secs(30);
    let body = loop {
        let (code, body) = get(d.port, "/readyz", None);
        if code == 503 {
            break body;
        }
        assert_eq!(code, 200);
        assert!(Instant::now() < deadline, "still ready:\n{}", d.logs());
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        body.contains("every scan of aws has failed since"),
        "{body}"
    );
    assert_eq!(
        get(d.port, "/healthz", None).0,
        200,
        "alive, though not ready"
    );
    let m = d.metrics();
    assert!(
        metric(&m, r#"vigil_scans_total{target="aws",status="error"}"#).unwrap() >= 2.0,
        "{m}"
    );
    let (_, body) = get(d.port, "/api/v1/status", Some(&t.viewer));
    let status = json(&body);
    assert_eq!(status["targets"]["aws"]["last_status"], "error", "{status}");
    assert_eq!(status["schedules"][0]["cron"], "* * * * * *");
    assert!(status["schedules"][0]["next"].is_string());
}

/// The bundled rule pack's size: every rule file under rules/ (not the tests, not lib/).
fn bundled_rules() -> usize {
    walk(&common::repo().join("rules"))
        .into_iter()
        .filter(|p| {
            let s = p.to_string_lossy();
            s.ends_with(".rego") && !s.ends_with("_test.rego") && !s.contains("/lib/")
        })
        .count()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_posture_is_served_to_viewers_as_json_and_as_a_page() {
    let moto = Moto::start();
    common::boto(&moto, "c('s3').create_bucket(Bucket='plain-logs')");
    let dir = tempfile::tempdir().unwrap();
    let t = tokens_file(dir.path());
    let d = Daemon::start(
        dir.path(),
        &config(
            dir.path(),
            &moto.url,
            NEVER,
            "[posture]\nbaseline = \"high\"\n",
        ),
        &[],
        &[],
    );
    // Before any scan: nothing to report, said so.
    let (code, body) = get(d.port, "/api/v1/reports/posture", Some(&t.viewer));
    assert_eq!(code, 404, "{body}");
    assert!(body.contains("run `vigil scan` first"), "{body}");
    let scan = scan_now(d.port, &t.operator, &t.viewer);

    // The config's baseline by default, another one when asked.
    let (code, body) = get(d.port, "/api/v1/reports/posture", Some(&t.viewer));
    assert_eq!(code, 200, "{body}");
    let p = json(&body);
    assert_eq!(p["baseline"], "high");
    assert_eq!(p["controls"].as_array().unwrap().len(), 370);
    assert_eq!(p["scans"][0]["id"], scan["id"]);
    let (_, body) = get(
        d.port,
        "/api/v1/reports/posture?baseline=moderate",
        Some(&t.viewer),
    );
    let p = json(&body);
    assert_eq!(p["controls"].as_array().unwrap().len(), 287);
    let sc28 = p["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "SC-28(1)")
        .unwrap();
    assert_eq!(sc28["status"], "fail");
    let (code, body) = get(
        d.port,
        "/api/v1/reports/posture?baseline=extreme",
        Some(&t.viewer),
    );
    assert_eq!(code, 400);
    assert!(body.contains("unknown baseline `extreme`"), "{body}");
    assert_eq!(get(d.port, "/api/v1/reports/posture", None).0, 401);
    assert_eq!(get(d.port, "/reports/posture", None).0, 401);

    // The page: the same report, under a CSP that lets only its own stylesheet apply.
    let r = agent()
        .get(format!(
            "http://127.0.0.1:{}/reports/posture?baseline=moderate",
            d.port
        ))
        .header("Authorization", format!("Bearer {}", t.viewer))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let csp = r
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let html = r.into_body().read_to_string().unwrap();
    assert_eq!(html.matches("<tr data-control=").count(), 287);
}

#[test]
fn scheduled_reports_write_their_formats_a_signed_pack_and_a_mail() {
    let moto = Moto::start();
    common::boto(&moto, "c('s3').create_bucket(Bucket='plain-logs')");
    let smtp = crate::smtpd::Smtpd::start(crate::smtpd::Tls::None);
    let dir = tempfile::tempdir().unwrap();
    let t = tokens_file(dir.path());
    let key = dir.path().join("signing.key");
    assert!(vigil(&["keys", "new", "--out", key.to_str().unwrap()])
        .status
        .success());
    let out = dir.path().join("reports");
    let extra = format!(
        "{}\n[[reports]]\nname = \"monthly\"\ncron = \"*/2 * * * * *\"\nformats = [\"html\", \"json\", \"oscal-ar\"]\npack = true\nsign_key = \"{}\"\ndirectory = \"{}\"\nmail_to = [\"ciso@example.com\"]\n",
        smtp.config("none"),
        key.display(),
        out.display()
    );
    let d = Daemon::start(
        dir.path(),
        &config(dir.path(), &moto.url, NEVER, &extra),
        &[],
        &[],
    );
    scan_now(d.port, &t.operator, &t.viewer);
    // The next run after the scan writes every format and the pack.
    let deadline = Instant::now() + Duration::from_secs(40);
    let pack = loop {
        let files: Vec<PathBuf> = std::fs::read_dir(&out)
            .map(|r| r.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        if let Some(zip) = files
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "zip"))
        {
            let stem = zip.file_stem().unwrap().to_string_lossy().into_owned();
            if ["html", "json", "oscal-ar.json", "pub"]
                .iter()
                .all(|e| out.join(format!("{stem}.{e}")).exists())
            {
                break zip.clone();
            }
        }
        assert!(
            Instant::now() < deadline,
            "no report in {}: {:?}\n{}",
            out.display(),
            files,
            std::fs::read_to_string(&d.log).unwrap()
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    assert!(pack
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("monthly-"));
    let v = vigil(&["report", "verify", pack.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
    assert!(stdout(&v).contains("signature by key"));
    let html = std::fs::read_to_string(pack.with_extension("html")).unwrap();
    assert_eq!(html.matches("<tr data-control=").count(), 287);
    // The summary arrives by mail.
    let mails = smtp.wait_for(1);
    let subject = mails[0]["headers"]["Subject"].as_str().unwrap();
    assert!(
        subject.starts_with("[vigil] NIST SP 800-53 MODERATE posture: "),
        "{subject}"
    );
    assert!(mails[0]["text"]
        .as_str()
        .unwrap()
        .contains("baseline posture"));
    // Counted, and in the audit log.
    let (_, metrics) = get(d.port, "/metrics", None);
    assert!(
        metric(&metrics, "vigil_reports_total{result=\"ok\"}").unwrap_or(0.0) >= 1.0,
        "{metrics}"
    );
    let audit = vigil(&[
        "audit",
        "list",
        "--db",
        dir.path().join("vigil.db").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(stdout(&audit).contains("report.scheduled"));
}
