use serde_json::json;

use crate::iac::cfn::documents::testing::*;
use crate::redact::REDACTED;

#[test]
fn a_key_rotates_only_when_asked_and_only_symmetric_keys_report_rotation() {
    let d = build_text(
        r#"
Resources:
  Plain:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: {Statement: []}
      Tags: [{Key: team, Value: data}]
  Rotating:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: "true", Description: logs}
  Signing:
    Type: AWS::KMS::Key
    Properties: {KeySpec: ECC_NIST_P256, KeyUsage: SIGN_VERIFY}
  Off:
    Type: AWS::KMS::Key
    Properties: {Enabled: false, EnableKeyRotation: true}
"#,
    );
    let plain = built(&d, "Plain");
    assert_eq!(plain.resource.resource_type, "AWS::KMS::Key");
    assert_eq!(plain.resource.tags["team"], "data");
    let c = &plain.resource.config;
    assert_eq!(c["KeyRotationEnabled"], false, "rotation's default is off");
    assert_eq!(c["KeySpec"], "SYMMETRIC_DEFAULT");
    assert_eq!(c["KeyUsage"], "ENCRYPT_DECRYPT");
    assert_eq!(c["KeyManager"], "CUSTOMER");
    assert_eq!(c["Enabled"], true);
    assert_eq!(c["KeyState"], "Enabled");
    let r = config(&d, "Rotating");
    assert_eq!(r["KeyRotationEnabled"], true, "a boolean written as text");
    assert_eq!(r["Description"], "logs");
    let s = config(&d, "Signing");
    assert!(s.get("KeyRotationEnabled").is_none(), "{s}");
    assert_eq!(s["KeyUsage"], "SIGN_VERIFY");
    let off = config(&d, "Off");
    assert_eq!(off["Enabled"], false);
    assert_eq!(off["KeyState"], "Disabled");
    assert!(d.unsupported.is_empty(), "{:?}", d.unsupported);
}

#[test]
fn a_db_instance_gets_rds_defaults_and_an_aurora_instance_its_cluster_storage() {
    let d = build_text(
        r#"
Resources:
  Plain:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: MySQL, DBInstanceClass: db.t3.micro, MasterUsername: admin}
  Good:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: orders
      Engine: postgres
      StorageEncrypted: true
      KmsKeyId: !Ref Key
      PubliclyAccessible: false
      MultiAZ: true
      BackupRetentionPeriod: 14
      DeletionProtection: true
      EnableIAMDatabaseAuthentication: true
      AutoMinorVersionUpgrade: false
      EnableCloudwatchLogsExports: [postgresql]
      MonitoringInterval: 60
  Key:
    Type: AWS::KMS::Key
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      DBClusterIdentifier: orders-cluster
      Engine: aurora-postgresql
      StorageEncrypted: true
      BackupRetentionPeriod: 7
      DeletionProtection: true
      EnableIAMDatabaseAuthentication: true
      DBSubnetGroupName: !Ref Private
  Member:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: aurora-postgresql, DBClusterIdentifier: !Ref Cluster}
  MemberByName:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: aurora-postgresql, DBClusterIdentifier: orders-cluster}
  Stray:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: aurora-mysql, DBClusterIdentifier: elsewhere, PubliclyAccessible: false}
  PlainCluster:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-mysql}
  Private:
    Type: AWS::RDS::DBSubnetGroup
    Properties: {SubnetIds: [!Ref PrivateSubnet]}
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Closed}
  Closed:
    Type: AWS::EC2::VPC
"#,
    );
    let plain = built(&d, "Plain");
    assert_eq!(plain.resource.name.as_deref(), Some("Plain"));
    let c = &plain.resource.config;
    assert_eq!(
        c["Engine"], "mysql",
        "RDS reads engine names back in lower case"
    );
    assert_eq!(c["StorageEncrypted"], false);
    assert_eq!(
        c["PubliclyAccessible"], true,
        "no subnet group: the default VPC, which has an internet gateway"
    );
    assert_eq!(c["BackupRetentionPeriod"], 1, "CloudFormation's default");
    assert_eq!(c["AutoMinorVersionUpgrade"], true);
    assert_eq!(c["MultiAZ"], false);
    assert_eq!(c["DeletionProtection"], false);
    assert_eq!(c["IAMDatabaseAuthenticationEnabled"], false);
    assert!(c.get("MasterUsername").is_none());
    let g = config(&d, "Good");
    assert_eq!(g["DBInstanceIdentifier"], "orders");
    for (k, v) in [
        ("StorageEncrypted", json!(true)),
        ("KmsKeyId", json!("${Key}")),
        ("PubliclyAccessible", json!(false)),
        ("MultiAZ", json!(true)),
        ("BackupRetentionPeriod", json!(14)),
        ("DeletionProtection", json!(true)),
        ("IAMDatabaseAuthenticationEnabled", json!(true)),
        ("AutoMinorVersionUpgrade", json!(false)),
        ("EnabledCloudwatchLogsExports", json!(["postgresql"])),
        ("MonitoringInterval", json!(60)),
    ] {
        assert_eq!(g[k], v, "{k}");
    }
    let m = config(&d, "Member");
    assert_eq!(m["DBClusterIdentifier"], "orders-cluster");
    assert_eq!(m["StorageEncrypted"], true, "the cluster's encryption");
    assert_eq!(m["BackupRetentionPeriod"], 7);
    assert_eq!(
        m["PubliclyAccessible"], false,
        "the cluster's subnet group, in a VPC with no internet gateway"
    );
    assert_eq!(config(&d, "MemberByName")["StorageEncrypted"], true);
    let stray = built(&d, "Stray");
    assert_eq!(stray.unknowns[0].0, "config.StorageEncrypted");
    assert!(
        stray.unknowns[0].1.contains("elsewhere"),
        "{:?}",
        stray.unknowns
    );
    let cl = built(&d, "Cluster");
    assert_eq!(cl.resource.resource_type, "AWS::RDS::DBCluster");
    assert_eq!(cl.resource.config["DeletionProtection"], true);
    assert_eq!(cl.resource.config["IAMDatabaseAuthenticationEnabled"], true);
    let pc = config(&d, "PlainCluster");
    assert_eq!(pc["StorageEncrypted"], false);
    assert_eq!(pc["BackupRetentionPeriod"], 1);
    assert_eq!(pc["DeletionProtection"], false);
    assert!(pc.get("AutoMinorVersionUpgrade").is_none(), "{pc}");
}

#[test]
fn a_db_instance_is_public_by_default_where_its_vpc_has_an_internet_gateway() {
    let d = build_text(
        r#"
Resources:
  Open:
    Type: AWS::EC2::VPC
  Gateway:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Open, InternetGatewayId: !Ref Gateway}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Open}
  Group:
    Type: AWS::RDS::DBSubnetGroup
    Properties: {SubnetIds: [!Ref Subnet]}
  InOpen:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, DBSubnetGroupName: !Ref Group}
  ByName:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, DBSubnetGroupName: Public-Subnets}
  Named:
    Type: AWS::RDS::DBSubnetGroup
    Properties: {DBSubnetGroupName: public-subnets, SubnetIds: [!Ref Subnet]}
  Elsewhere:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, DBSubnetGroupName: shared-db-subnets}
  Restored:
    Type: AWS::RDS::DBInstance
    Properties: {DBSnapshotIdentifier: nightly, PubliclyAccessible: false}
"#,
    );
    assert_eq!(config(&d, "InOpen")["PubliclyAccessible"], true);
    assert_eq!(
        config(&d, "ByName")["PubliclyAccessible"],
        true,
        "the subnet group named, in any case"
    );
    let e = built(&d, "Elsewhere");
    assert_eq!(e.unknowns[0].0, "config.PubliclyAccessible");
    assert!(
        e.unknowns[0].1.contains("shared-db-subnets"),
        "{:?}",
        e.unknowns
    );
    assert_eq!(e.resource.config["PubliclyAccessible"], true);
    assert_eq!(
        e.other.as_ref().unwrap().config["PubliclyAccessible"],
        false
    );
    let r = built(&d, "Restored");
    assert_eq!(r.unknowns[0].0, "config.StorageEncrypted");
    assert!(r.unknowns[0].1.contains("DBSnapshotIdentifier"));
}

#[test]
fn a_table_reads_its_encryption_recovery_and_protection_as_dynamodb_reports_them() {
    let d = build_text(
        r#"
Resources:
  Plain:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      SSESpecification: {SSEEnabled: false}
  Good:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PAY_PER_REQUEST
      SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !GetAtt Key.Arn}
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
      DeletionProtectionEnabled: true
  Key:
    Type: AWS::KMS::Key
"#,
    );
    let p = config(&d, "Plain");
    assert!(
        p.get("SSEDescription").is_none(),
        "a key DynamoDB owns: {p}"
    );
    assert_eq!(p["PointInTimeRecoveryStatus"], "DISABLED");
    assert_eq!(p["DeletionProtectionEnabled"], false);
    assert_eq!(p["BillingMode"], "PROVISIONED");
    assert!(p.get("KeySchema").is_none());
    let g = built(&d, "Good");
    assert_eq!(g.resource.name.as_deref(), Some("orders"));
    assert_eq!(
        g.resource.config["SSEDescription"],
        json!({"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": "${Key.Arn}"})
    );
    assert_eq!(g.resource.config["PointInTimeRecoveryStatus"], "ENABLED");
    assert_eq!(g.resource.config["DeletionProtectionEnabled"], true);
    assert_eq!(g.resource.config["BillingMode"], "PAY_PER_REQUEST");
}

#[test]
fn a_trail_gets_cloudtrails_defaults_and_its_first_delivery_is_left_to_deploy() {
    let d = build_text(
        r#"
Resources:
  Plain:
    Type: AWS::CloudTrail::Trail
    Properties: {IsLogging: true, S3BucketName: logs}
  Good:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: org-trail
      IsLogging: true
      S3BucketName: logs
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
      KMSKeyId: !Ref Key
      CloudWatchLogsLogGroupArn: !GetAtt Group.Arn
      EventSelectors: [{ReadWriteType: WriteOnly}]
  Advanced:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: false
      S3BucketName: logs
      CloudWatchLogsLogGroupArn: arn:aws:logs:eu-west-1:111122223333:log-group:trail
      AdvancedEventSelectors:
        - Name: management
          FieldSelectors: [{Field: eventCategory, Equals: [Management]}]
  Key:
    Type: AWS::KMS::Key
  Group:
    Type: AWS::Logs::LogGroup
"#,
    );
    let p = config(&d, "Plain");
    assert_eq!(p["Name"], "Plain");
    assert_eq!(p["IsMultiRegionTrail"], false);
    assert_eq!(p["LogFileValidationEnabled"], false);
    assert_eq!(p["IncludeGlobalServiceEvents"], true);
    assert_eq!(p["Status"]["IsLogging"], true);
    assert!(p.get("KmsKeyId").is_none());
    assert!(p.get("CloudWatchLogsLogGroupArn").is_none());
    assert_eq!(
        p["EventSelectors"],
        json!([{"ReadWriteType": "All", "IncludeManagementEvents": true}]),
        "the selector a trail has without any"
    );
    let g = built(&d, "Good");
    let c = &g.resource.config;
    assert_eq!(c["Name"], "org-trail");
    assert_eq!(c["IsMultiRegionTrail"], true);
    assert_eq!(c["LogFileValidationEnabled"], true);
    assert_eq!(c["KmsKeyId"], "${Key}");
    assert_eq!(c["CloudWatchLogsLogGroupArn"], "${Group.Arn}");
    assert_eq!(
        c["EventSelectors"],
        json!([{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}])
    );
    assert_eq!(
        g.unknowns[0].0,
        "config.Status.LatestCloudWatchLogsDeliveryTime"
    );
    let a = config(&d, "Advanced");
    assert_eq!(a["EventSelectors"], json!([]), "only the advanced ones");
    assert_eq!(
        a["AdvancedEventSelectors"][0]["FieldSelectors"][0],
        json!({"Field": "eventCategory", "Equals": ["Management"]})
    );
    assert!(
        a["Status"]
            .get("LatestCloudWatchLogsDeliveryTime")
            .is_none(),
        "a trail that does not log never delivers"
    );
}

#[test]
fn a_function_gets_its_url_and_permissions_and_never_its_environment_values() {
    let d = build_text(
        r#"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: orders
      Runtime: python3.8
      Role: !GetAtt Role.Arn
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): return 'inline-code-body'"}
      Environment:
        Variables: {DB_PASSWORD: hunter2-in-env, PORT: 8080, EMPTY: ""}
  Role:
    Type: AWS::IAM::Role
  Url:
    Type: AWS::Lambda::Url
    Properties: {TargetFunctionArn: !GetAtt Fn.Arn, AuthType: NONE}
  AliasUrl:
    Type: AWS::Lambda::Url
    Properties: {TargetFunctionArn: !Ref Fn, AuthType: AWS_IAM, Qualifier: live}
  Anyone:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref Fn, Action: "lambda:InvokeFunction", Principal: "*"}
  FromBucket:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: orders
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceArn: arn:aws:s3:::uploads
      SourceAccount: "111122223333"
  Other:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: other-function, Action: "lambda:InvokeFunction", Principal: "111122223333"}
  Good:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
      KmsKeyArn: !GetAtt Key.Arn
      VpcConfig: {SubnetIds: [subnet-1], SecurityGroupIds: [sg-1]}
      DeadLetterConfig: {TargetArn: !GetAtt Dlq.Arn}
      TracingConfig: {Mode: Active}
  Key:
    Type: AWS::KMS::Key
  Dlq:
    Type: AWS::SQS::Queue
"#,
    );
    let f = built(&d, "Fn");
    assert_eq!(f.resource.name.as_deref(), Some("orders"));
    let c = &f.resource.config;
    assert_eq!(c["Runtime"], "python3.8");
    assert_eq!(c["Role"], "${Role.Arn}");
    assert_eq!(c["PackageType"], "Zip");
    assert_eq!(c["TracingConfig"]["Mode"], "PassThrough");
    let vars = &c["Environment"]["Variables"];
    assert_eq!(vars["DB_PASSWORD"], REDACTED);
    assert_eq!(vars["PORT"], REDACTED, "a number is a value too");
    assert_eq!(vars["EMPTY"], "", "an empty value stays empty, as live");
    assert!(c.get("KMSKeyArn").is_none());
    assert!(c.get("VpcConfig").is_none());
    assert!(c.get("DeadLetterConfig").is_none());
    assert!(c.get("Code").is_none());
    assert_eq!(
        c["FunctionUrlAuthType"], "NONE",
        "the URL without a qualifier"
    );
    let statements = c["Policy"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2, "{statements:?}");
    assert_eq!(
        statements[0],
        json!({"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "${Fn.Arn}"})
    );
    assert_eq!(
        statements[1]["Principal"],
        json!({"Service": "s3.amazonaws.com"}),
        "joined by name"
    );
    assert_eq!(
        statements[1]["Condition"],
        json!({"StringEquals": {"AWS:SourceAccount": "111122223333"}, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}})
    );
    let g = config(&d, "Good");
    assert_eq!(g["FunctionName"], "Good");
    assert_eq!(g["KMSKeyArn"], "${Key.Arn}");
    assert_eq!(
        g["VpcConfig"],
        json!({"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]})
    );
    assert_eq!(g["DeadLetterConfig"]["TargetArn"], "${Dlq.Arn}");
    assert_eq!(g["TracingConfig"]["Mode"], "Active");
    assert!(g.get("Environment").is_none());
    assert!(g.get("Policy").is_none());
    assert!(g.get("FunctionUrlAuthType").is_none());
    assert_eq!(
        d.joined, 5,
        "two URLs, three permissions (one for a function elsewhere)"
    );
}
