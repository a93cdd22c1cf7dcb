//! The redaction corpus (tests/fixtures/redaction/corpus.toml): credentials by key and by
//! shape go, ordinary flags and settings stay, and every redacted value keeps its key and
//! carries a keyed hash.

use serde::Deserialize;
use serde_json::{json, Value};
use vigil::redact::{Redactor, REDACTED};

#[derive(Deserialize)]
struct Corpus {
    args: Vec<ArgsCase>,
    pairs: Vec<PairCase>,
    text: Vec<TextCase>,
}

#[derive(Deserialize)]
struct ArgsCase {
    args: Vec<String>,
    #[serde(default)]
    gone: Vec<String>,
    #[serde(default)]
    kept: Vec<String>,
    #[serde(default)]
    unchanged: bool,
}

#[derive(Deserialize)]
struct PairCase {
    key: String,
    value: String,
    redacted: bool,
}

#[derive(Deserialize)]
struct TextCase {
    value: String,
    redacted: bool,
}

fn corpus() -> Corpus {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/redaction/corpus.toml"),
    )
    .unwrap();
    toml::from_str(&text).unwrap()
}

fn redactor() -> Redactor {
    Redactor::new([42; 32])
}

#[test]
fn command_lines() {
    let r = redactor();
    let cases = corpus().args;
    assert!(cases.len() >= 35, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let mut words: Vec<Value> = c.args.iter().map(|a| json!(a)).collect();
        let n = r.args(&mut words);
        let after: Vec<&str> = words.iter().map(|w| w.as_str().unwrap()).collect();
        let joined = after.join("\u{1}");
        if c.unchanged {
            if n != 0 || after != c.args {
                failures.push(format!("{:?} should stay, became {after:?}", c.args));
            }
            continue;
        }
        if n == 0 || !joined.contains(REDACTED) {
            failures.push(format!("{:?} should be redacted, stayed {after:?}", c.args));
        }
        for g in &c.gone {
            if joined.contains(g.as_str()) {
                failures.push(format!("{:?}: `{g}` is still there: {after:?}", c.args));
            }
        }
        for k in &c.kept {
            if !joined.contains(k.as_str()) {
                failures.push(format!("{:?}: `{k}` should stay: {after:?}", c.args));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn keys_and_values() {
    let r = redactor();
    let cases = corpus().pairs;
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let mut v = c.value.clone();
        let changed = r.keyed(&c.key, &mut v);
        if changed != c.redacted {
            failures.push(format!(
                "{} = {:?}: expected {}, got {v:?}",
                c.key,
                c.value,
                if c.redacted { "redacted" } else { "kept" }
            ));
        }
        if c.redacted && (v != r.marker(&c.value)) {
            failures.push(format!("{}: not the value's marker: {v:?}", c.key));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn free_text() {
    let r = redactor();
    let mut failures = Vec::new();
    for c in corpus().text {
        let mut v = c.value.clone();
        if r.text(&mut v) != c.redacted {
            failures.push(format!("{:?}: expected redacted = {}", c.value, c.redacted));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_resource_is_redacted_everywhere_a_credential_hides() {
    let r = redactor();
    let mut pod: vigil::model::Resource = serde_json::from_value(json!({
        "id": "k8s://c/shop/core/Pod/web", "type": "K8s::core::Pod", "provider": "kubernetes",
        "account": "c", "region": "shop", "name": "web",
        "tags": {"app": "web", "api-key": "hunter2-label"},
        "config": {"metadata": {"name": "web",
            "labels": {"app": "web", "api-key": "hunter2-label"},
            "annotations": {"example.com/db-credentials": "password=hunter2-ann", "team": "shop"}},
          "spec": {"containers": [{"name": "app",
            "command": ["/app", "--token", "hunter2-cmd"],
            "args": ["--db-password=hunter2-arg", "--log-level=info"],
            "env": [{"name": "MODE", "value": "hunter2-env"}, {"name": "EMPTY", "value": ""}],
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080,
              "httpHeaders": [{"name": "Authorization", "value": "hunter2-header"}]},
              "exec": {"command": ["check", "--password=hunter2-probe"]}},
            "image": "nginx"}]}}
    }))
    .unwrap();
    let n = r.resource(&mut pod);
    let text = serde_json::to_string(&pod).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    assert_eq!(n, 8, "{text}");
    assert_eq!(pod.tags["app"], "web");
    assert_eq!(
        pod.config["spec"]["containers"][0]["args"][1],
        "--log-level=info"
    );
    assert_eq!(pod.config["spec"]["containers"][0]["env"][1]["value"], "");
    assert!(
        pod.config["metadata"]["annotations"]["example.com/db-credentials"]
            .as_str()
            .unwrap()
            .starts_with(REDACTED)
    );
    // Redacting again changes nothing: the markers are not redacted twice.
    assert_eq!(r.resource(&mut pod), 0);

    let mut bucket: vigil::model::Resource = serde_json::from_value(json!({
        "id": "arn:aws:s3:::b", "type": "AWS::S3::Bucket", "provider": "aws", "account": "1",
        "name": "AKIAIOSFODNN7EXAMPLE",
        "tags": {"db_password": "hunter2", "Name": "AKIAIOSFODNN7EXAMPLE", "owner": "shop"},
        "config": {"Tags": [{"Key": "token", "Value": "hunter2"}], "Policy": "{\"Sid\": \"x\"}"}
    }))
    .unwrap();
    r.resource(&mut bucket);
    let text = serde_json::to_string(&bucket).unwrap();
    assert!(
        !text.contains("hunter2") && !text.contains("AKIAIOSFODNN7EXAMPLE"),
        "{text}"
    );
    assert_eq!(bucket.tags["owner"], "shop");
}

#[test]
fn args_continue_the_command_and_json_annotations_are_documents() {
    let r = redactor();
    let mut pod: vigil::model::Resource = serde_json::from_value(json!({
        "id": "k8s://c/shop/core/Pod/web", "type": "K8s::core::Pod", "provider": "kubernetes",
        "config": {"metadata": {"name": "web", "annotations": {
            "kapp.k14s.io/original": "{\"spec\":{\"containers\":[{\"env\":[{\"name\":\"X\",\"value\":\"hunter2-copy\"}]}]}}"}},
          "spec": {"containers": [{"name": "app", "command": ["/app", "--token"], "args": ["hunter2-arg", "--port", "80"]}]}}
    }))
    .unwrap();
    r.resource(&mut pod);
    let text = serde_json::to_string(&pod).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    assert_eq!(pod.config["spec"]["containers"][0]["args"][2], "80");
}

#[test]
fn drift_values_are_redacted_by_their_path() {
    let r = redactor();
    let cases = [
        (
            "config.spec.template.spec.containers[0].args[0]",
            json!("--db-password=hunter2"),
            true,
        ),
        (
            "config.spec.template.spec.containers[0].args[1]",
            json!("hunter2"),
            true,
        ),
        (
            "config.spec.template.spec.containers[0].args[2]",
            json!("--log-level=info"),
            false,
        ),
        ("tags[\"ci:deploy-token\"]", json!("hunter2"), true),
        ("tags.db_password", json!("hunter2"), true),
        ("tags.owner", json!("shop"), false),
        ("config.metadata.labels.app", json!("web"), false),
        (
            "config.spec.containers[1]",
            json!({"name": "side", "args": ["--token", "hunter2"]}),
            true,
        ),
        (
            "config.spec.containers[0].args",
            json!(["--password=hunter2"]),
            true,
        ),
        (
            "config.spec.containers[0].env[0].value",
            json!("hunter2"),
            true,
        ),
        ("config.Description", json!("AKIAIOSFODNN7EXAMPLE"), true),
        ("config.Description", json!("web servers"), false),
    ];
    for (path, value, redacted) in cases {
        let mut v = value.clone();
        let n = r.at_path(path, &mut v);
        assert_eq!(n > 0, redacted, "{path}: {value} became {v}");
        if redacted {
            assert!(
                !v.to_string().contains("hunter2") && !v.to_string().contains("AKIA"),
                "{path}: {v}"
            );
        } else {
            assert_eq!(v, value);
        }
    }
}

#[test]
fn the_hash_shows_a_change_and_depends_on_the_key() {
    let (a, b) = (Redactor::new([1; 32]), Redactor::new([2; 32]));
    let mut x = vec![json!("--token=one")];
    let mut y = vec![json!("--token=two")];
    let mut z = vec![json!("--token=one")];
    a.args(&mut x);
    a.args(&mut y);
    b.args(&mut z);
    assert_ne!(x, y, "a changed value shows as a change");
    assert_ne!(x, z, "another database's key gives another hash");
    let mut again = vec![json!("--token=one")];
    a.args(&mut again);
    assert_eq!(x, again, "the same value under the same key is stable");
}
