use serde_json::json;

use crate::iac::cfn::documents::testing::*;
use crate::iac::cfn::documents::UNKNOWN_TEXT;
use crate::redact::REDACTED;

#[test]
fn a_secret_rotates_with_its_schedule_an_efs_file_system_and_a_replication_group_read_as_live() {
    let d = build_text(
        r#"
Resources:
  Plain:
    Type: AWS::SecretsManager::Secret
    Properties: {GenerateSecretString: {PasswordLength: 32}}
  Rotated:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: db/orders, KmsKeyId: !Ref Key}
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Rotated
      RotationLambdaARN: arn:aws:lambda:eu-west-1:111122223333:function:rotate
      RotationRules: {AutomaticallyAfterDays: 30}
  ByName:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: api/key}
  NameSchedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties: {SecretId: api/key, RotationRules: {ScheduleExpression: "rate(10 days)"}}
  Key:
    Type: AWS::KMS::Key
  Fs:
    Type: AWS::EFS::FileSystem
  GoodFs:
    Type: AWS::EFS::FileSystem
    Properties:
      Encrypted: true
      KmsKeyId: !Ref Key
      BackupPolicy: {Status: ENABLED}
      FileSystemTags: [{Key: Name, Value: shared}]
  OneZone:
    Type: AWS::EFS::FileSystem
    Properties: {AvailabilityZoneName: eu-west-1a}
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: {ReplicationGroupDescription: sessions}
  GoodCache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupId: sessions
      ReplicationGroupDescription: sessions
      AtRestEncryptionEnabled: true
      TransitEncryptionEnabled: true
      AuthToken: a-literal-token-of-length
      AutomaticFailoverEnabled: true
      MultiAZEnabled: true
      SnapshotRetentionLimit: 7
"#,
    );
    let p = config(&d, "Plain");
    assert_eq!(p["Name"], "Plain");
    assert_eq!(p["RotationEnabled"], false);
    assert!(
        p.get("KmsKeyId").is_none(),
        "the account's aws/secretsmanager key"
    );
    let created = p["CreatedDate"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created}"
    );
    let r = config(&d, "Rotated");
    assert_eq!(r["RotationEnabled"], true);
    assert_eq!(r["RotationRules"], json!({"AutomaticallyAfterDays": 30}));
    assert_eq!(r["KmsKeyId"], "${Key}");
    let n = config(&d, "ByName");
    assert_eq!(n["RotationEnabled"], true, "joined by name");
    assert_eq!(n["RotationRules"]["ScheduleExpression"], "rate(10 days)");

    let fs = config(&d, "Fs");
    assert_eq!(fs["Encrypted"], false);
    assert_eq!(fs["BackupPolicyStatus"], "DISABLED");
    assert_eq!(fs["FileSystemId"], "${Fs}");
    let g = built(&d, "GoodFs");
    assert_eq!(g.resource.config["Encrypted"], true);
    assert_eq!(g.resource.config["BackupPolicyStatus"], "ENABLED");
    assert_eq!(g.resource.name.as_deref(), Some("shared"));
    assert_eq!(
        g.resource.tags["Name"], "shared",
        "FileSystemTags are its tags"
    );
    assert_eq!(
        config(&d, "OneZone")["BackupPolicyStatus"],
        "ENABLED",
        "One Zone file systems back up by default"
    );

    let c = config(&d, "Cache");
    assert_eq!(c["ReplicationGroupId"], "Cache");
    assert_eq!(c["Description"], "sessions");
    assert_eq!(c["Engine"], "redis");
    assert_eq!(c["AtRestEncryptionEnabled"], false);
    assert_eq!(c["TransitEncryptionEnabled"], false);
    assert_eq!(c["AuthTokenEnabled"], false);
    assert_eq!(c["AutomaticFailover"], "disabled");
    assert_eq!(c["MultiAZ"], "disabled");
    assert_eq!(c["SnapshotRetentionLimit"], 0);
    let gc = config(&d, "GoodCache");
    assert_eq!(gc["ReplicationGroupId"], "sessions");
    assert_eq!(gc["AtRestEncryptionEnabled"], true);
    assert_eq!(gc["TransitEncryptionEnabled"], true);
    assert_eq!(gc["AuthTokenEnabled"], true);
    assert_eq!(gc["AutomaticFailover"], "enabled");
    assert_eq!(gc["MultiAZ"], "enabled");
    assert_eq!(gc["SnapshotRetentionLimit"], 7);
    assert_eq!(d.joined, 2);
    assert!(d.unsupported.is_empty(), "{:?}", d.unsupported);
}

#[test]
fn a_parameter_without_a_value_is_left_unknown_at_its_place() {
    let d = build_text(
        r#"
Parameters:
  Rotate: {Type: String}
  Encrypt: {Type: String}
  Sse: {Type: String}
  Token: {Type: String, NoEcho: true}
  Password: {Type: String, NoEcho: true}
  WithAuth: {Type: String}
Conditions:
  Auth: !Equals [!Ref WithAuth, "yes"]
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: !Ref Rotate}
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, StorageEncrypted: !Ref Encrypt, PubliclyAccessible: false}
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {SSESpecification: {SSEEnabled: !Ref Sse}}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
      Environment: {Variables: {DB_PASSWORD: !Ref Password}}
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: {ReplicationGroupDescription: c, AuthToken: !Ref Token}
  MaybeCache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: c
      AuthToken: !If [Auth, !Ref Token, !Ref AWS::NoValue]
"#,
    );
    let key = built(&d, "Key");
    assert_eq!(
        key.unknowns,
        [(
            "config.KeyRotationEnabled".to_string(),
            "parameter Rotate has no value".to_string()
        )]
    );
    // KeyRotationEnabled is optional in the live document: `finish` finds it takes a
    // boolean and puts the unknown one back as true and as false.
    assert_eq!(key.resource.config["KeyRotationEnabled"], true);
    assert_eq!(
        key.other.as_ref().unwrap().config["KeyRotationEnabled"],
        false
    );
    let db = built(&d, "Db");
    assert_eq!(db.unknowns[0].0, "config.StorageEncrypted");
    assert_eq!(db.other.as_ref().unwrap().config["StorageEncrypted"], false);
    let t = built(&d, "Table");
    assert_eq!(t.unknowns[0].0, "config.SSEDescription");
    assert_eq!(t.resource.config["SSEDescription"], UNKNOWN_TEXT);
    assert!(t
        .other
        .as_ref()
        .unwrap()
        .config
        .get("SSEDescription")
        .is_none());
    let f = built(&d, "Fn");
    assert_eq!(f.unknowns[0].0, "config.Environment.Variables.DB_PASSWORD");
    let c = config(&d, "Cache");
    assert_eq!(
        c["AuthTokenEnabled"], true,
        "a token from a parameter is given, whatever its value"
    );
    let m = built(&d, "MaybeCache");
    assert_eq!(m.unknowns[0].0, "config.AuthTokenEnabled");
    assert!(
        m.unknowns[0].1.starts_with("condition Auth"),
        "{:?}",
        m.unknowns
    );
}

#[test]
fn no_secret_value_is_kept_anywhere_in_a_document() {
    let secrets = [
        "env-secret-value-1",
        "secret-string-value-2",
        "generated-template-value-3",
        "auth-token-value-4",
        "master-password-value-5",
        "event-source-token-6",
        "inline-code-7",
    ];
    let d = build_text(&format!(
        r#"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
      Code: {{ZipFile: "{}"}}
      Environment: {{Variables: {{API_TOKEN: {}, PLAIN: not-a-secret-but-redacted}}}}
  Alexa:
    Type: AWS::Lambda::Permission
    Properties: {{FunctionName: !Ref Fn, Action: "lambda:InvokeFunction", Principal: alexa-connectedhome.amazon.com, EventSourceToken: {}}}
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: {}
      GenerateSecretString: {{SecretStringTemplate: '{{"user": "{}"}}', GenerateStringKey: password}}
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: {{ReplicationGroupDescription: c, AuthToken: {}}}
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {{Engine: mysql, MasterUsername: admin, MasterUserPassword: {}}}
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {{Engine: aurora-mysql, MasterUserPassword: {}}}
"#,
        secrets[6],
        secrets[0],
        secrets[5],
        secrets[1],
        secrets[2],
        secrets[3],
        secrets[4],
        secrets[4]
    ));
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.built.len(), 5);
    let fn_ = config(&d, "Fn");
    assert_eq!(fn_["Environment"]["Variables"]["API_TOKEN"], REDACTED);
    assert_eq!(fn_["Environment"]["Variables"]["PLAIN"], REDACTED);
    assert_eq!(
        fn_["Policy"]["Statement"][0]["Condition"]["StringEquals"]["lambda:EventSourceToken"],
        REDACTED,
        "that a token is required is kept"
    );
    for b in &d.built {
        let all = serde_json::to_string(&(&b.resource, &b.other)).unwrap();
        for s in secrets {
            assert!(!all.contains(s), "{} keeps {s}: {all}", b.logical_id);
        }
    }
}
