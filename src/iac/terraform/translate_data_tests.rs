use serde_json::{json, Value};

use crate::iac::terraform::testing::{config, failing, load, plan};
use crate::redact::REDACTED;

/// Every document `loaded` holds, at both extremes, with the unknowns' reasons, as text.
fn everything(loaded: &crate::iac::cfn::Loaded) -> String {
    format!(
        "{} {} {:?}",
        serde_json::to_string(&loaded.resources).unwrap(),
        serde_json::to_string(&loaded.failing).unwrap(),
        loaded.unknowns
    )
}

fn db(address: &str, after: Value) -> Value {
    json!({"address": address, "type": "aws_db_instance", "after": after,
           "after_unknown": {"id": true, "arn": true, "endpoint": true},
           "after_sensitive": {"password": true}})
}

#[test]
fn a_public_unencrypted_database_reads_as_the_live_collector_has_it() {
    let text = plan(
        json!([
            db(
                "aws_db_instance.public",
                json!({
                "identifier": "orders", "engine": "MySQL", "instance_class": "db.t3.micro",
                "storage_encrypted": false, "publicly_accessible": true,
                "backup_retention_period": 0, "multi_az": false, "auto_minor_version_upgrade": true,
                "deletion_protection": false, "iam_database_authentication_enabled": false,
                "enabled_cloudwatch_logs_exports": [], "monitoring_interval": 0,
                "password": "pw-hunter2-in-plan", "username": "admin", "tags": {"team": "data"}})
            ),
            // The provider always sends publicly_accessible (false unless set), where RDS alone
            // would make a database without a subnet group public.
            db(
                "aws_db_instance.quiet",
                json!({"identifier": "quiet", "engine": "postgres",
                "instance_class": "db.t3.micro", "storage_encrypted": true})
            ),
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let c = config(&loaded, "aws_db_instance.public");
    assert_eq!(c["DBInstanceIdentifier"], "orders");
    assert_eq!(
        c["Engine"], "mysql",
        "RDS reads engine names back in lower case"
    );
    assert_eq!(c["DBInstanceClass"], "db.t3.micro");
    assert_eq!(c["PubliclyAccessible"], true);
    assert_eq!(c["StorageEncrypted"], false);
    assert_eq!(c["BackupRetentionPeriod"], 0);
    assert_eq!(c["AutoMinorVersionUpgrade"], true);
    assert_eq!(c["IAMDatabaseAuthenticationEnabled"], false);
    assert!(c.get("KmsKeyId").is_none(), "{c}");
    let quiet = config(&loaded, "aws_db_instance.quiet");
    assert_eq!(quiet["PubliclyAccessible"], false);
    assert_eq!(quiet["StorageEncrypted"], true);
    assert_eq!(quiet["BackupRetentionPeriod"], 1, "RDS's default, not set");
    assert!(!everything(&loaded).contains("hunter2"));
    assert!(failing(&loaded, "aws_db_instance.public").is_none());
}

#[test]
fn a_key_made_in_the_same_plan_is_known_to_encrypt_the_database() {
    let text = plan(
        json!([
            {"address": "aws_kms_key.k", "type": "aws_kms_key",
             "after": {"description": "db", "enable_key_rotation": true, "is_enabled": true,
                       "key_usage": "ENCRYPT_DECRYPT", "customer_master_key_spec": "SYMMETRIC_DEFAULT",
                       "multi_region": false},
             "after_unknown": {"arn": true, "key_id": true, "id": true, "policy": true}},
            {"address": "aws_db_instance.enc", "type": "aws_db_instance",
             "after": {"identifier": "enc", "engine": "postgres", "instance_class": "db.t3.micro",
                       "storage_encrypted": true, "publicly_accessible": false},
             "after_unknown": {"kms_key_id": true, "id": true},
             "expressions": {"kms_key_id": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let c = config(&loaded, "aws_db_instance.enc");
    assert_eq!(c["StorageEncrypted"], true);
    assert_eq!(c["KmsKeyId"], "${aws_kms_key/k.arn}");
    assert!(
        failing(&loaded, "aws_db_instance.enc").is_none(),
        "nothing unknown"
    );
    let k = config(&loaded, "aws_kms_key.k");
    assert_eq!(k["KeyRotationEnabled"], true);
    assert_eq!(k["KeyState"], "Enabled");
    assert_eq!(k["Description"], "db");
}

#[test]
fn a_database_from_a_snapshot_or_a_replica_has_its_sources_encryption() {
    let text = plan(
        json!([
            db("aws_db_instance.restored", json!({"identifier": "restored", "instance_class": "db.t3.micro",
                "snapshot_identifier": "rds:orders-2024", "storage_encrypted": false})),
            db("aws_db_instance.primary", json!({"identifier": "primary", "engine": "mysql",
                "instance_class": "db.t3.micro", "storage_encrypted": true})),
            db("aws_db_instance.replica", json!({"identifier": "replica", "instance_class": "db.t3.micro",
                "replicate_source_db": "primary", "storage_encrypted": false})),
            {"address": "aws_rds_cluster.c", "type": "aws_rds_cluster",
             "after": {"cluster_identifier": "Orders-Cluster", "engine": "aurora-postgresql",
                       "storage_encrypted": true, "backup_retention_period": 7, "master_password": "pw-cluster"},
             "after_sensitive": {"master_password": true}},
            {"address": "aws_rds_cluster_instance.i", "type": "aws_rds_cluster_instance",
             "after": {"identifier": "orders-1", "cluster_identifier": "orders-cluster",
                       "engine": "aurora-postgresql", "instance_class": "db.r6g.large",
                       "publicly_accessible": false}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(
        failing(&loaded, "aws_db_instance.restored").is_some(),
        "storage_encrypted's default false is not what RDS does with a snapshot"
    );
    assert!(loaded
        .unknowns
        .iter()
        .any(|(id, u)| id.ends_with("#aws_db_instance.restored")
            && u.iter().any(|(p, _)| p == "config.StorageEncrypted")));
    let replica = config(&loaded, "aws_db_instance.replica");
    assert_eq!(
        replica["StorageEncrypted"], true,
        "its source's, in the plan"
    );
    let i = config(&loaded, "aws_rds_cluster_instance.i");
    assert_eq!(
        i["DBClusterIdentifier"], "Orders-Cluster",
        "joined ignoring case"
    );
    assert_eq!(i["StorageEncrypted"], true);
    assert_eq!(i["BackupRetentionPeriod"], 7);
    assert_eq!(
        config(&loaded, "aws_rds_cluster.c")["StorageEncrypted"],
        true
    );
    assert!(!everything(&loaded).contains("pw-cluster"));
}

#[test]
fn a_trail_logs_unless_logging_is_turned_off() {
    let trail = |name: &str, logging: Value| {
        json!({"address": format!("aws_cloudtrail.{name}"), "type": "aws_cloudtrail",
               "after": {"name": name, "s3_bucket_name": "trail-logs", "enable_logging": logging,
                         "include_global_service_events": true, "is_multi_region_trail": true,
                         "is_organization_trail": false, "enable_log_file_validation": true,
                         "event_selector": [{"read_write_type": "WriteOnly",
                                             "include_management_events": true, "data_resource": []}]},
               "after_unknown": {"arn": true, "home_region": true, "kms_key_id": true}})
    };
    // A plan holds the default (true) when the configuration does not set it.
    let text = plan(
        json!([trail("main", json!(true)), trail("off", json!(false))]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let c = config(&loaded, "aws_cloudtrail.main");
    assert_eq!(c["Status"]["IsLogging"], true);
    assert_eq!(c["Name"], "main");
    assert_eq!(c["IsMultiRegionTrail"], true);
    assert_eq!(c["LogFileValidationEnabled"], true);
    assert_eq!(c["S3BucketName"], "trail-logs");
    assert_eq!(
        c["EventSelectors"],
        json!([{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}])
    );
    assert!(c.get("KmsKeyId").is_none(), "not configured: computed");
    assert_eq!(
        config(&loaded, "aws_cloudtrail.off")["Status"]["IsLogging"],
        false
    );
}

fn function(name: &str, environment: Value) -> Value {
    json!({"address": format!("aws_lambda_function.{name}"), "type": "aws_lambda_function",
           "after": {"function_name": name, "runtime": "python3.12", "handler": "app.handler",
                     "package_type": "Zip", "environment": environment,
                     "vpc_config": [], "dead_letter_config": [], "kms_key_arn": null},
           "after_unknown": {"arn": true, "role": true, "tracing_config": true},
           "expressions": {"role": {"references": ["aws_iam_role.r.arn", "aws_iam_role.r"]}}})
}

#[test]
fn a_public_function_url_and_permission_join_their_function() {
    let text = plan(
        json!([
            function("orders", json!([])),
            {"address": "aws_lambda_function_url.u", "type": "aws_lambda_function_url",
             "after": {"function_name": "orders", "authorization_type": "NONE", "qualifier": null},
             "after_unknown": {"function_url": true, "url_id": true}},
            {"address": "aws_lambda_function_url.alias", "type": "aws_lambda_function_url",
             "after": {"function_name": "orders", "authorization_type": "AWS_IAM", "qualifier": "live"}},
            {"address": "aws_lambda_permission.anyone", "type": "aws_lambda_permission",
             "after": {"action": "lambda:InvokeFunctionUrl", "principal": "*",
                       "function_url_auth_type": "NONE", "qualifier": null},
             "after_unknown": {"function_name": true},
             "expressions": {"function_name": {"references": ["aws_lambda_function.orders.arn", "aws_lambda_function.orders"]}}},
            {"address": "aws_lambda_permission.versioned", "type": "aws_lambda_permission",
             "after": {"action": "lambda:InvokeFunction", "principal": "*", "function_name": "orders",
                       "qualifier": "live"}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.joined, 4);
    let c = config(&loaded, "aws_lambda_function.orders");
    assert_eq!(
        c["FunctionUrlAuthType"], "NONE",
        "the URL without a qualifier"
    );
    assert_eq!(c["Role"], "${aws_iam_role/r.arn}");
    assert_eq!(c["TracingConfig"]["Mode"], "PassThrough");
    assert!(
        c.get("VpcConfig").is_none() && c.get("Environment").is_none(),
        "{c}"
    );
    let statements = c["Policy"]["Statement"].as_array().unwrap();
    assert_eq!(
        statements.len(),
        1,
        "the alias's permission is not the function's"
    );
    assert_eq!(statements[0]["Principal"], "*");
    assert_eq!(
        statements[0]["Condition"]["StringEquals"]["lambda:FunctionUrlAuthType"],
        "NONE"
    );
    assert_eq!(
        statements[0]["Resource"],
        "${aws_lambda_function/orders.Arn}"
    );
}

#[test]
fn no_environment_value_reaches_a_document_or_the_translation() {
    let text = plan(
        json!([
            function("plain", json!([{"variables": {
                "DB_PASSWORD": "env-secret-7f3a", "PORT": "port-value-8080", "EMPTY": ""}}])),
            {"address": "aws_lambda_function.hidden", "type": "aws_lambda_function",
             "after": {"function_name": "hidden", "runtime": "nodejs20.x", "handler": "i.h",
                       "environment": [{"variables": {"API_KEY": "env-hidden-9c1d"}}]},
             "after_sensitive": {"environment": [{"variables": true}]}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let all = everything(&loaded);
    for value in ["env-secret-7f3a", "port-value-8080", "env-hidden-9c1d"] {
        assert!(!all.contains(value), "{value} in {all}");
    }
    let vars = &config(&loaded, "aws_lambda_function.plain")["Environment"]["Variables"];
    assert!(
        vars["DB_PASSWORD"].as_str().unwrap().starts_with(REDACTED),
        "{vars}"
    );
    assert!(
        vars["PORT"].as_str().unwrap().starts_with(REDACTED),
        "{vars}"
    );
    assert_eq!(vars["EMPTY"], "", "an empty value stays empty, as live");
    assert!(loaded.unknowns.iter().any(|(id, u)| {
        id.ends_with("#aws_lambda_function.hidden")
            && u.iter().any(|(p, _)| p.starts_with("config.Environment"))
    }));
    // Not in the template resources either, before any document is built.
    let read = crate::iac::terraform::plan::read("plan.json", &text).unwrap();
    let translated = crate::iac::terraform::translate::translate(&read.resources);
    let t = format!("{:?}", translated.resources);
    assert!(
        !t.contains("env-secret-7f3a") && !t.contains("port-value-8080"),
        "{t}"
    );
}

#[test]
fn a_secret_rotates_with_its_separate_rotation_and_its_value_is_never_read() {
    let text = plan(
        json!([
            {"address": "aws_secretsmanager_secret.s", "type": "aws_secretsmanager_secret",
             "after": {"name": "db-creds", "kms_key_id": null, "description": ""},
             "after_unknown": {"arn": true, "id": true, "policy": true}},
            {"address": "aws_secretsmanager_secret_rotation.r", "type": "aws_secretsmanager_secret_rotation",
             "after": {"rotation_rules": [{"automatically_after_days": 30, "schedule_expression": "",
                                           "duration": null}]},
             "after_unknown": {"secret_id": true, "rotation_lambda_arn": true},
             "expressions": {"secret_id": {"references": ["aws_secretsmanager_secret.s.id", "aws_secretsmanager_secret.s"]},
                             "rotation_lambda_arn": {"references": ["aws_lambda_function.rot.arn", "aws_lambda_function.rot"]}}},
            {"address": "aws_secretsmanager_secret_version.v", "type": "aws_secretsmanager_secret_version",
             "after": {"secret_string": "version-value-5e2b"},
             "after_sensitive": {"secret_string": true}},
            {"address": "aws_secretsmanager_secret.still", "type": "aws_secretsmanager_secret",
             "after": {"name": "still", "kms_key_id": "alias/app"}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.joined, 1);
    let c = config(&loaded, "aws_secretsmanager_secret.s");
    assert_eq!(c["Name"], "db-creds");
    assert_eq!(c["RotationEnabled"], true);
    assert_eq!(c["RotationRules"], json!({"AutomaticallyAfterDays": 30}));
    assert!(
        c.get("KmsKeyId").is_none(),
        "the account's aws/secretsmanager key"
    );
    let still = config(&loaded, "aws_secretsmanager_secret.still");
    assert_eq!(still["RotationEnabled"], false);
    assert_eq!(still["KmsKeyId"], "alias/app");
    assert_eq!(
        loaded.unsupported.get("aws_secretsmanager_secret_version"),
        Some(&1)
    );
    assert!(!everything(&loaded).contains("version-value-5e2b"));
}

#[test]
fn a_table_with_point_in_time_recovery_reads_as_dynamodb_reports_it() {
    let text = plan(
        json!([
            {"address": "aws_dynamodb_table.t", "type": "aws_dynamodb_table",
             "after": {"name": "orders", "billing_mode": "PAY_PER_REQUEST", "deletion_protection_enabled": true,
                       "point_in_time_recovery": [{"enabled": true}],
                       "server_side_encryption": [{"enabled": true, "kms_key_arn": ""}]}},
            {"address": "aws_dynamodb_table.bare", "type": "aws_dynamodb_table",
             "after": {"name": "bare", "billing_mode": "PROVISIONED"},
             "after_unknown": {"point_in_time_recovery": true, "server_side_encryption": true}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let c = config(&loaded, "aws_dynamodb_table.t");
    assert_eq!(c["PointInTimeRecoveryStatus"], "ENABLED");
    assert_eq!(c["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(c["DeletionProtectionEnabled"], true);
    assert_eq!(
        c["SSEDescription"],
        json!({"Status": "ENABLED", "SSEType": "KMS"})
    );
    let bare = config(&loaded, "aws_dynamodb_table.bare");
    assert_eq!(bare["PointInTimeRecoveryStatus"], "DISABLED");
    assert!(bare.get("SSEDescription").is_none(), "a key DynamoDB owns");
}

#[test]
fn a_file_system_gets_its_backup_policy_and_a_hidden_auth_token_is_not_known_to_be_set() {
    let group = |name: &str, transit: bool, engine: &str| {
        json!({"address": format!("aws_elasticache_replication_group.{name}"),
               "type": "aws_elasticache_replication_group",
               "after": {"replication_group_id": name, "description": "cache", "engine": engine,
                         "transit_encryption_enabled": transit, "automatic_failover_enabled": false,
                         "user_group_ids": [], "auth_token": "token-value-3d9e"},
               "after_sensitive": {"auth_token": true}})
    };
    let text = plan(
        json!([
            {"address": "aws_efs_file_system.f", "type": "aws_efs_file_system",
             "after": {"encrypted": true, "tags": {"Name": "shared"}, "performance_mode": "generalPurpose"},
             "after_unknown": {"id": true, "kms_key_id": true}},
            {"address": "aws_efs_backup_policy.b", "type": "aws_efs_backup_policy",
             "after": {"backup_policy": [{"status": "ENABLED"}]},
             "after_unknown": {"file_system_id": true},
             "expressions": {"file_system_id": {"references": ["aws_efs_file_system.f.id", "aws_efs_file_system.f"]}}},
            group("tls", true, "redis"),
            group("plain", false, "valkey"),
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let f = config(&loaded, "aws_efs_file_system.f");
    assert_eq!(f["Name"], "shared");
    assert_eq!(f["Encrypted"], true);
    assert_eq!(f["BackupPolicyStatus"], "ENABLED");
    assert!(failing(&loaded, "aws_elasticache_replication_group.tls").is_some());
    let plain = config(&loaded, "aws_elasticache_replication_group.plain");
    assert_eq!(
        plain["AuthTokenEnabled"], false,
        "a token needs in-transit encryption"
    );
    assert_eq!(plain["AtRestEncryptionEnabled"], true, "valkey's default");
    assert!(!everything(&loaded).contains("token-value-3d9e"));
}

#[test]
fn the_rule_pack_fails_a_public_database_and_a_public_function_url() {
    use crate::policy::{RuleSet, RuleSource};
    let text = plan(
        json!([
            db("aws_db_instance.public", json!({"identifier": "public", "engine": "mysql",
                "instance_class": "db.t3.micro", "publicly_accessible": true})),
            db("aws_db_instance.private", json!({"identifier": "private", "engine": "mysql",
                "instance_class": "db.t3.micro", "publicly_accessible": false})),
            function("orders", json!([])),
            {"address": "aws_lambda_function_url.u", "type": "aws_lambda_function_url",
             "after": {"function_name": "orders", "authorization_type": "NONE"}},
        ]),
        None,
    );
    let rules = RuleSet::load(&[RuleSource::Bundled]).unwrap();
    let checked = crate::iac::check(
        &rules,
        crate::config::default_params(),
        load(&text),
        chrono::Utc::now(),
    );
    let fails = |rule: &str, address: &str| {
        checked
            .verdicts
            .fail
            .iter()
            .any(|f| f.rule_id == rule && f.resource_id.ends_with(&format!("#{address}")))
    };
    assert!(fails("NET-AWS-006", "aws_db_instance.public"));
    assert!(!fails("NET-AWS-006", "aws_db_instance.private"));
    assert!(fails("LAMBDA-AWS-002", "aws_lambda_function.orders"));
}
