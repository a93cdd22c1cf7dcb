//! The redaction pass on the documents and paths each collector gives.

use super::keys::words;
use super::*;

#[test]
fn keys_are_split_into_words() {
    assert_eq!(words("dbPassword"), ["db", "password"]);
    assert_eq!(words("DB_PASSWORD"), ["db", "password"]);
    assert_eq!(
        words("example.com/db-credentials"),
        ["example", "com", "db", "credentials"]
    );
    assert_eq!(words("--api-key"), ["api", "key"]);
    assert!(sensitive_key("aws_secret_access_key"));
    assert!(!sensitive_key("secret_name"));
    assert!(!sensitive_key("keyboard"));
}

#[test]
fn ecs_and_lambda_environment_values_go_whatever_their_names() {
    let r = Redactor::ephemeral();
    let mut doc = serde_json::json!({
        "ContainerDefinitions": [{"Name": "app", "Image": "nginx",
            "Environment": [{"Name": "LOG_LEVEL", "Value": "debug"},
                            {"Name": "DB_PASSWORD", "Value": "hunter2"},
                            {"Name": "EMPTY", "Value": ""}]}],
        "Environment": {"Variables": {"REGION": "eu-west-1", "API_TOKEN": "abc"}}
    });
    assert_eq!(r.walk(&mut doc, None), 4);
    let env = &doc["ContainerDefinitions"][0]["Environment"];
    assert!(is_redacted(env[0]["Value"].as_str().unwrap()));
    assert_eq!(env[1]["Name"], "DB_PASSWORD", "names stay");
    assert!(is_redacted(env[1]["Value"].as_str().unwrap()));
    assert_eq!(env[2]["Value"], "");
    assert_eq!(doc["ContainerDefinitions"][0]["Image"], "nginx");
    let vars = &doc["Environment"]["Variables"];
    assert!(is_redacted(vars["REGION"].as_str().unwrap()));
    assert!(is_redacted(vars["API_TOKEN"].as_str().unwrap()));
    // A drift record's value, known only by its path.
    let mut v = Value::String("s3cr3t".into());
    assert_eq!(
        r.at_path(
            "config.ContainerDefinitions[0].Environment[1].Value",
            &mut v
        ),
        1
    );
    let mut v = Value::String("s3cr3t".into());
    assert_eq!(r.at_path("config.Environment.Variables[\"X\"]", &mut v), 1);
    let mut v = serde_json::json!({"A": "1"});
    assert_eq!(r.at_path("config.Environment.Variables", &mut v), 1);
}

#[test]
fn markers_are_keyed_and_stable() {
    let a = Redactor::new([1; 32]);
    let b = Redactor::new([2; 32]);
    assert_eq!(a.marker("hunter2"), a.marker("hunter2"));
    assert_ne!(a.marker("hunter2"), a.marker("hunter3"));
    assert_ne!(a.marker("hunter2"), b.marker("hunter2"));
    assert!(a
        .marker("x")
        .starts_with("(redacted by vigil) hmac-sha256:"));
    assert_eq!(a.marker("x").len(), REDACTED.len() + 13 + 32);
    assert!(format!("{a:?}").contains("not shown"));
}
