//! Named targets (`[[collectors.aws.targets]]`, clusters by name): each scanned under its own
//! name, with its own coverage, never resolving another target's findings; `aws` scans them
//! all; a target that cannot be identified fails alone.

use serde_json::Value;

use crate::common::*;

/// Two named AWS targets over moto, one region each, both scheduled.
fn config(dir: &std::path::Path, moto: &Moto, extra: &str) -> String {
    let path = dir.join("vigil.toml");
    std::fs::write(
        &path,
        format!(
            "[collectors.aws]\nendpoint_url = \"{}\"\nservices = [\"ec2\"]\nmax_attempts = 1\n\n\
             [[collectors.aws.targets]]\nname = \"east\"\nregions = [\"us-east-1\"]\n\n\
             [[collectors.aws.targets]]\nname = \"west\"\nregions = [\"eu-west-1\"]\n\n{extra}\
             [[schedules]]\ntarget = \"east\"\ncron = \"0 0 * * * *\"\n",
            moto.url
        ),
    )
    .unwrap();
    path.display().to_string()
}

fn scan(cfg: &str, db: &str, target: &str) -> (std::process::Output, Value) {
    let out = vigil(&[
        "scan", "--config", cfg, "--db", db, "--target", target, "--format", "json",
    ]);
    let doc = json(&out);
    (out, doc)
}

fn scopes(doc: &Value) -> Vec<String> {
    doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["scope"].as_str().unwrap().to_string())
        .collect()
}

fn volume_finding<'a>(doc: &'a Value, region: &str) -> Option<&'a Value> {
    doc["findings"].as_array().unwrap().iter().find(|f| {
        f["rule_id"] == "EBS-AWS-001"
            && f["resource_id"]
                .as_str()
                .unwrap()
                .contains(&format!(":{region}:"))
    })
}

#[test]
fn each_named_target_is_scanned_under_its_name_and_resolves_only_its_own_findings() {
    let moto = Moto::start();
    boto(
        &moto,
        r#"
c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8, Encrypted=False)
c('ec2', 'eu-west-1').create_volume(AvailabilityZone='eu-west-1a', Size=8, Encrypted=False)
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &moto, "");
    let db = db(dir.path());

    // `vigil config check` explains the targets the file defines.
    let out = vigil(&["config", "check", &cfg]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    for want in [
        "aws: every AWS target together: east, west (not scheduled)",
        "kubernetes: the kubeconfig's current context",
        "east: AWS target (scheduled `0 0 * * * *`)",
        "west: AWS target (not scheduled)",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }

    let (out, east) = scan(&cfg, &db, "east");
    assert_eq!(east["scan"]["target"], "east", "{}", stderr(&out));
    assert_eq!(east["scan"]["status"], "complete");
    let east_scopes = scopes(&east);
    assert!(!east_scopes.is_empty());
    assert!(
        east_scopes.iter().all(|s| s.contains("/us-east-1/")),
        "{east_scopes:?}"
    );
    let open = volume_finding(&east, "us-east-1").expect("east's volume is reported");
    assert_eq!(open["status"], "open");
    assert!(volume_finding(&east, "eu-west-1").is_none());

    // West's scan neither sees nor resolves east's finding.
    let (_, west) = scan(&cfg, &db, "west");
    assert_eq!(west["scan"]["target"], "west");
    assert!(scopes(&west).iter().all(|s| s.contains("/eu-west-1/")));
    assert!(volume_finding(&west, "eu-west-1").is_some());
    let out = vigil(&["findings", "list", "--db", &db, "--format", "json"]);
    let all = json(&out);
    let east_volume = all
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule_id"] == "EBS-AWS-001"
                && f["resource_id"].as_str().unwrap().contains(":us-east-1:")
        })
        .expect("east's finding is still listed");
    assert_eq!(east_volume["status"], "open", "{east_volume}");

    // `aws` is every AWS target together.
    let (_, both) = scan(&cfg, &db, "aws");
    assert_eq!(both["scan"]["target"], "aws");
    let s = scopes(&both);
    assert!(
        s.iter().any(|s| s.contains("/us-east-1/")) && s.iter().any(|s| s.contains("/eu-west-1/"))
    );

    // The history keeps each target's scans apart.
    let out = vigil(&["report", "--db", &db, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let posture = json(&out);
    let targets: Vec<&str> = posture["scans"]
        .as_array()
        .unwrap_or_else(|| {
            panic!(
                "no scans in {}",
                &posture.to_string()[..400.min(posture.to_string().len())]
            )
        })
        .iter()
        .map(|s| s["target"].as_str().unwrap())
        .collect();
    for t in ["east", "west", "aws"] {
        assert!(targets.contains(&t), "{targets:?}");
    }
}

#[test]
fn unknown_targets_and_flags_of_another_kind_are_refused() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &moto, "");
    let db = db(dir.path());
    let out = vigil(&["scan", "--config", &cfg, "--db", &db, "--target", "north"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown target `north` (known: aws, kubernetes, k8s, east, west)"),
        "{}",
        stderr(&out)
    );
    let out = vigil(&[
        "scan", "--config", &cfg, "--db", &db, "--target", "east", "--kind", "Pod",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("need --target kubernetes"),
        "{}",
        stderr(&out)
    );
    assert!(!std::path::Path::new(&db).exists(), "nothing was recorded");
}

#[test]
fn a_target_that_cannot_be_identified_fails_alone() {
    let moto = Moto::start();
    boto(
        &moto,
        "c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8, Encrypted=False)",
    );
    let dir = tempfile::tempdir().unwrap();
    // A third target whose endpoint answers nothing.
    let closed = format!("http://127.0.0.1:{}", free_port());
    let cfg = config(
        dir.path(),
        &moto,
        &format!("[[collectors.aws.targets]]\nname = \"gone\"\nregions = [\"us-east-1\"]\nendpoint_url = \"{closed}\"\n\n"),
    );
    let db = db(dir.path());
    let (out, doc) = scan(&cfg, &db, "aws");
    assert_eq!(doc["scan"]["status"], "partial", "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: AWS target gone: identifying the AWS account"),
        "{err}"
    );
    let failed: Vec<&Value> = doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["scope"], "aws/gone/global/account");
    assert!(
        volume_finding(&doc, "us-east-1").is_some(),
        "the others were scanned"
    );

    // Alone, the same target is an error and nothing is recorded.
    let out = vigil(&["scan", "--config", &cfg, "--db", &db, "--target", "gone"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("identifying the AWS account"),
        "{}",
        stderr(&out)
    );
}

/// The daemon scans a named target when asked through the API and on its own schedule,
/// under its name in the scans, the metrics and readiness; an unknown name is refused.
#[test]
fn the_daemon_scans_named_targets_on_request_and_on_their_schedule() {
    use crate::daemon::{get, json as parse, post, token, Daemon};
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let (viewer, a) = token("grafana", "viewer");
    let (operator, b) = token("ci", "operator");
    std::fs::write(dir.path().join("tokens.toml"), format!("{a}\n{b}")).unwrap();
    let cfg = format!(
        "[storage]\npath = \"{db}\"\n\n[daemon]\nlisten = \"127.0.0.1:PORT\"\ntokens_file = \"{tokens}\"\n\n\
         [collectors.aws]\nendpoint_url = \"{url}\"\nservices = [\"ec2\"]\nmax_attempts = 1\n\n\
         [[collectors.aws.targets]]\nname = \"east\"\nregions = [\"us-east-1\"]\n\n\
         [[collectors.aws.targets]]\nname = \"west\"\nregions = [\"eu-west-1\"]\n\n\
         [[schedules]]\ntarget = \"west\"\ncron = \"*/2 * * * * *\"\n",
        db = dir.path().join("vigil.db").display(),
        tokens = dir.path().join("tokens.toml").display(),
        url = moto.url,
    );
    let d = Daemon::start(dir.path(), &cfg, &[], &[]);
    let (code, body) = post(
        d.port,
        "/api/v1/scans",
        Some(&operator),
        r#"{"target": "gcp"}"#,
    );
    assert_eq!(code, 400, "{body}");
    assert!(
        body.contains("unknown target `gcp` (known: aws, kubernetes, east, west)"),
        "{body}"
    );
    let (code, body) = post(
        d.port,
        "/api/v1/scans",
        Some(&operator),
        r#"{"target": "east"}"#,
    );
    assert_eq!(code, 202, "{body}");
    let run = parse(&body)["run_id"].as_str().unwrap().to_string();
    assert!(run.starts_with("east-"), "{run}");
    // East's scan on request, west's on its cron: both recorded under their names.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let targets = loop {
        let (_, body) = get(d.port, "/api/v1/scans", Some(&viewer));
        let targets: Vec<String> = parse(&body)["scans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["target"].as_str().unwrap().to_string())
            .collect();
        if targets.iter().any(|t| t == "east") && targets.iter().any(|t| t == "west") {
            break targets;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "scans so far: {targets:?}\n{}",
            d.logs()
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    assert!(!targets.iter().any(|t| t == "aws"), "{targets:?}");
    let metrics = d.metrics();
    for t in ["east", "west"] {
        assert!(
            metrics.contains(&format!(
                "vigil_scans_total{{target=\"{t}\",status=\"complete\"}}"
            )),
            "{metrics}"
        );
    }
}
