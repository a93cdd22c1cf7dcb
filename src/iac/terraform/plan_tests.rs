use serde_json::{json, Value};

use super::{config_address, read, split_address};

#[test]
fn addresses_split_with_their_keys_kept_whole() {
    assert_eq!(
        split_address(r#"module.a["x.y"].aws_s3_bucket.b[0]"#),
        vec!["module", r#"a["x.y"]"#, "aws_s3_bucket", "b[0]"]
    );
    assert_eq!(
        config_address(r#"module.a["x.y"].aws_s3_bucket.b[0]"#),
        "aws_s3_bucket.b"
    );
}

#[test]
fn format_versions_outside_those_known_are_errors_with_their_line() {
    let two = "{\n  \"format_version\": \"2.0\",\n  \"resource_changes\": []\n}";
    let e = read("p.json", two).unwrap_err();
    assert!(e.starts_with("p.json:2: format_version \"2.0\""), "{e}");
    for ok in ["0.1", "0.2", "1.0", "1.1", "1.2"] {
        let p = read(
            "p.json",
            &format!("{{\"format_version\": \"{ok}\", \"resource_changes\": []}}"),
        );
        assert!(p.is_ok_and(|p| p.warnings.is_empty()), "{ok}");
    }
    let newer = read(
        "p.json",
        "{\"format_version\": \"1.3\", \"resource_changes\": []}",
    )
    .unwrap();
    assert_eq!(newer.warnings.len(), 1);
    assert!(read("p.json", "{\"resource_changes\": []}")
        .unwrap_err()
        .contains("no format_version"));
    assert!(read("p.json", "{ nope")
        .unwrap_err()
        .starts_with("p.json:1: not `terraform show -json`"));
}

#[test]
fn deletions_and_data_sources_are_not_there_after_apply_and_sensitive_values_are_not_read() {
    let text = json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_s3_bucket.gone", "mode": "managed", "type": "aws_s3_bucket", "name": "gone",
             "change": {"actions": ["delete"], "before": {"bucket": "g"}, "after": null}},
            {"address": "data.aws_iam_policy_document.d", "mode": "data", "type": "aws_iam_policy_document",
             "name": "d", "change": {"actions": ["read"], "after": {}}},
            {"address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance", "name": "db",
             "change": {"actions": ["delete", "create"], "after": {"password": "hunter2", "engine": "mysql", "token": null},
                        "after_unknown": {}, "after_sensitive": {"password": true, "token": true}}},
        ]
    })
    .to_string();
    let plan = read("p.json", &text).unwrap();
    assert_eq!(plan.skipped, 2);
    assert_eq!(plan.resources.len(), 1);
    let v = &plan.resources[0].values;
    assert_eq!(v["engine"], "mysql");
    assert!(!v.to_string().contains("hunter2"), "{v}");
    assert!(v["password"]["Fn::Unknown"]
        .as_str()
        .unwrap()
        .contains("sensitive"));
    // Declared sensitive by the provider, not set: nothing hidden, nothing unknown.
    assert_eq!(v["token"], Value::Null);
}

#[test]
fn a_reference_through_a_module_variable_reaches_the_resource_that_makes_it() {
    let text = json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "module.s.aws_sqs_queue.q[1]", "module_address": "module.s", "mode": "managed",
             "type": "aws_sqs_queue", "name": "q", "index": 1,
             "change": {"actions": ["create"], "after": {"name": "q"},
                        "after_unknown": {"kms_master_key_id": true, "policy": true}}},
        ],
        "configuration": {"root_module": {
            "resources": [{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k", "expressions": {}}],
            "module_calls": {"s": {"source": "./s", "expressions": {"key": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}},
                "module": {"resources": [{"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
                    "count_expression": {"constant_value": 2},
                    "expressions": {"kms_master_key_id": {"references": ["var.key"]}}}]}}}
        }}
    })
    .to_string();
    let plan = read("p.json", &text).unwrap();
    let v = &plan.resources[0].values;
    assert_eq!(v["kms_master_key_id"], "${aws_kms_key/k.arn}");
    // Computed, and not set by the configuration: left for AWS to set.
    assert!(v.get("policy").is_none(), "{v}");
    assert_eq!(plan.config.source("module.s").as_deref(), Some("./s"));
}

#[test]
fn each_resource_has_the_line_of_its_address_in_resource_changes() {
    let text = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [{"address": "aws_sqs_queue.q"}]}},
  "resource_changes": [
    {
      "address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
      "change": {"actions": ["create"], "after": {}}
    },
    {
      "address": "aws_sqs_queue.k[\"a.b\"]", "mode": "managed", "type": "aws_sqs_queue",
      "name": "k", "index": "a.b", "change": {"actions": ["create"], "after": {}}
    }
  ]
}"#;
    let plan = read("p.json", text).unwrap();
    let lines: Vec<(String, usize)> = plan
        .resources
        .iter()
        .map(|r| (r.address.clone(), r.line))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("aws_sqs_queue.q".to_string(), 6),
            ("aws_sqs_queue.k[\"a.b\"]".to_string(), 10)
        ]
    );
    let compact: Value = serde_json::from_str(text).unwrap();
    let plan = read("p.json", &compact.to_string()).unwrap();
    assert!(plan.resources.iter().all(|r| r.line == 1));
}
