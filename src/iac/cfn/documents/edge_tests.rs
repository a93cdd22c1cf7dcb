use serde_json::json;

use crate::iac::cfn::documents::testing::*;
use crate::iac::cfn::documents::UNKNOWN_TEXT;

#[test]
fn a_certificate_is_what_acm_issues_with_its_defaults() {
    let d = build_text(
        r#"
Resources:
  Cert:
    Type: AWS::CertificateManager::Certificate
    Properties: {DomainName: example.com, ValidationMethod: DNS, Tags: [{Key: team, Value: web}]}
  Weak:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: old.example.com
      KeyAlgorithm: RSA_1024
      CertificateTransparencyLoggingPreference: DISABLED
  Internal:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: app.internal
      CertificateAuthorityArn: arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/1
"#,
    );
    let cert = &built(&d, "Cert").resource;
    assert_eq!(cert.resource_type, "AWS::ACM::Certificate", "the live type");
    assert_eq!(cert.name.as_deref(), Some("example.com"));
    assert_eq!(cert.tags.get("team").map(String::as_str), Some("web"));
    assert_eq!(
        cert.config,
        json!({
            "CertificateArn": "arn:aws:acm:${AWS::Region}:${AWS::AccountId}:certificate/${Cert}",
            "DomainName": "example.com", "Type": "AMAZON_ISSUED", "KeyAlgorithm": "RSA_2048",
            "Options": {"CertificateTransparencyLoggingPreference": "ENABLED"},
            "InUseBy": [],
        }),
        "no expiry and no users before ACM issues it"
    );
    let weak = config(&d, "Weak");
    assert_eq!(weak["KeyAlgorithm"], "RSA_1024");
    assert_eq!(
        weak["Options"]["CertificateTransparencyLoggingPreference"],
        "DISABLED"
    );
    assert_eq!(config(&d, "Internal")["Type"], "PRIVATE");
    assert!(built(&d, "Cert").other.is_none(), "nothing is unknown");
}

#[test]
fn an_unknown_transparency_preference_is_enabled_at_one_extreme_and_disabled_at_the_other() {
    let d = build_text(
        r#"
Parameters:
  Transparency: {Type: String}
Resources:
  Cert:
    Type: AWS::CertificateManager::Certificate
    Properties: {DomainName: example.com, CertificateTransparencyLoggingPreference: !Ref Transparency}
"#,
    );
    let b = built(&d, "Cert");
    let path = "config.Options.CertificateTransparencyLoggingPreference";
    assert_eq!(
        b.unknowns,
        vec![(
            path.to_string(),
            "parameter Transparency has no value".to_string()
        )]
    );
    let pref =
        |c: &serde_json::Value| c["Options"]["CertificateTransparencyLoggingPreference"].clone();
    assert_eq!(pref(&b.resource.config), "ENABLED");
    assert_eq!(pref(&b.other.as_ref().unwrap().config), "DISABLED");
}

#[test]
fn an_elastic_ip_is_associated_by_its_instance_an_association_or_a_nat_gateway() {
    let d = build_text(
        r#"
Resources:
  OnInstance:
    Type: AWS::EC2::EIP
    Properties: {InstanceId: !Ref Web, Tags: [{Key: environment, Value: dev}]}
  ByAllocation:
    Type: AWS::EC2::EIP
    Properties: {Domain: vpc}
  Assoc:
    Type: AWS::EC2::EIPAssociation
    Properties: {AllocationId: !GetAtt ByAllocation.AllocationId, NetworkInterfaceId: eni-0abc}
  ByAddress:
    Type: AWS::EC2::EIP
  AssocByAddress:
    Type: AWS::EC2::EIPAssociation
    Properties: {EIP: !Ref ByAddress, InstanceId: !Ref Web}
  ForNat:
    Type: AWS::EC2::EIP
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {AllocationId: !GetAtt ForNat.AllocationId, SubnetId: subnet-1}
  Spare:
    Type: AWS::EC2::EIP
  Web:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1}
"#,
    );
    let on_instance = &built(&d, "OnInstance").resource;
    assert_eq!(on_instance.resource_type, "AWS::EC2::EIP");
    assert_eq!(on_instance.name.as_deref(), Some("${OnInstance}"));
    assert_eq!(
        on_instance.config,
        json!({"AllocationId": "${OnInstance.AllocationId}", "PublicIp": "${OnInstance}",
               "Domain": "vpc", "AssociationId": "${OnInstance.AssociationId}",
               "InstanceId": "${Web}"})
    );
    let by_allocation = config(&d, "ByAllocation");
    assert_eq!(by_allocation["AssociationId"], "${Assoc}");
    assert_eq!(by_allocation["NetworkInterfaceId"], "eni-0abc");
    assert!(by_allocation.get("InstanceId").is_none());
    let by_address = config(&d, "ByAddress");
    assert_eq!(by_address["AssociationId"], "${AssocByAddress}");
    assert_eq!(by_address["InstanceId"], "${Web}");
    assert_eq!(
        config(&d, "ForNat")["AssociationId"],
        "${ForNat.AssociationId}"
    );
    let spare = config(&d, "Spare");
    assert!(spare.get("AssociationId").is_none(), "{spare}");
    assert_eq!(d.joined, 2, "the two associations");
}

#[test]
fn a_web_acl_has_its_rules_default_action_visibility_and_logging() {
    let d = build_text(
        r#"
Resources:
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Name: front
      Scope: REGIONAL
      DefaultAction: {Allow: {}}
      VisibilityConfig: {CloudWatchMetricsEnabled: true, MetricName: front, SampledRequestsEnabled: "false"}
      Rules:
        - Name: common
          Priority: 0
          OverrideAction: {None: {}}
          Statement: {ManagedRuleGroupStatement: {VendorName: AWS, Name: AWSManagedRulesCommonRuleSet}}
          VisibilityConfig: {CloudWatchMetricsEnabled: true, MetricName: common, SampledRequestsEnabled: true}
  Logging:
    Type: AWS::WAFv2::LoggingConfiguration
    Properties:
      ResourceArn: !GetAtt Acl.Arn
      LogDestinationConfigs: [!GetAtt WafLogs.Arn]
  Empty:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: CLOUDFRONT
      DefaultAction: {Block: {}}
      VisibilityConfig: {CloudWatchMetricsEnabled: false, MetricName: empty, SampledRequestsEnabled: false}
  WafLogs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: aws-waf-logs-front}
"#,
    );
    let acl = &built(&d, "Acl").resource;
    assert_eq!(acl.resource_type, "AWS::WAFv2::WebACL");
    assert_eq!(
        acl.config,
        json!({
            "Name": "front", "Id": "${Acl.Id}", "ARN": "${Acl.Arn}", "Scope": "REGIONAL",
            "DefaultAction": "ALLOW", "Rules": [{"Name": "common", "Priority": 0}],
            "VisibilityConfig": {"CloudWatchMetricsEnabled": true, "SampledRequestsEnabled": false},
            "LogDestinationConfigs": ["${WafLogs.Arn}"],
        })
    );
    let empty = config(&d, "Empty");
    assert_eq!(empty["Name"], "Empty", "the logical id when not named");
    assert_eq!(empty["DefaultAction"], "BLOCK");
    assert_eq!(empty["Rules"], json!([]));
    assert_eq!(empty["LogDestinationConfigs"], json!([]));
    assert_eq!(d.joined, 1);
}

#[test]
fn a_detector_is_enabled_or_disabled_as_the_template_says() {
    let d = build_text(
        r#"
Resources:
  On:
    Type: AWS::GuardDuty::Detector
    Properties:
      Enable: true
      FindingPublishingFrequency: FIFTEEN_MINUTES
      Features: [{Name: RUNTIME_MONITORING, Status: ENABLED}, {Name: EKS_AUDIT_LOGS, Status: DISABLED}]
  Off:
    Type: AWS::GuardDuty::Detector
    Properties: {Enable: "false"}
"#,
    );
    let on = &built(&d, "On").resource;
    assert_eq!(on.resource_type, "AWS::GuardDuty::Detector");
    assert_eq!(
        on.config,
        json!({"DetectorId": "${On}", "Status": "ENABLED",
               "FindingPublishingFrequency": "FIFTEEN_MINUTES",
               "Features": [{"Name": "RUNTIME_MONITORING", "Status": "ENABLED"},
                            {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"}]})
    );
    assert_eq!(config(&d, "Off")["Status"], "DISABLED");
}

#[test]
fn a_detector_enabled_by_a_parameter_is_unknown_and_one_without_enable_is_an_error() {
    let d = build_text(
        r#"
Parameters:
  GuardDuty: {Type: String, AllowedValues: ["true", "false"]}
Resources:
  Maybe:
    Type: AWS::GuardDuty::Detector
    Properties: {Enable: !Ref GuardDuty}
  Bare:
    Type: AWS::GuardDuty::Detector
    Properties: {FindingPublishingFrequency: ONE_HOUR}
"#,
    );
    let b = built(&d, "Maybe");
    assert_eq!(b.unknowns.len(), 1);
    assert_eq!(b.unknowns[0].0, "config.Status");
    assert!(b.unknowns[0].1.contains("GuardDuty"), "{:?}", b.unknowns);
    assert_eq!(b.resource.config["Status"], "ENABLED");
    assert_eq!(b.other.as_ref().unwrap().config["Status"], "DISABLED");
    assert_eq!(
        d.errors,
        vec![(
            "Bare".to_string(),
            "AWS::GuardDuty::Detector: property Enable is required".to_string()
        )]
    );
}

#[test]
fn a_hub_is_enabled_with_new_controls_on_unless_told() {
    let d = build_text(
        r#"
Resources:
  Hub:
    Type: AWS::SecurityHub::Hub
    Properties: {Tags: {team: security}}
  Quiet:
    Type: AWS::SecurityHub::Hub
    Properties: {AutoEnableControls: false, EnableDefaultStandards: false}
"#,
    );
    let hub = &built(&d, "Hub").resource;
    assert_eq!(hub.resource_type, "AWS::SecurityHub::Hub");
    assert_eq!(
        hub.config,
        json!({"Enabled": true, "HubArn": "${Hub}", "AutoEnableControls": true})
    );
    assert_eq!(hub.tags.get("team").map(String::as_str), Some("security"));
    assert_eq!(config(&d, "Quiet")["AutoEnableControls"], false);
}

#[test]
fn a_recorder_records_what_its_group_says_once_a_delivery_channel_is_there() {
    let d = build_text(
        r#"
Resources:
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties: {Name: default, RoleARN: !GetAtt ConfigRole.Arn}
  Picky:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      RoleARN: arn:aws:iam::123456789012:role/config
      RecordingGroup: {AllSupported: false, ResourceTypes: ["AWS::EC2::Volume"]}
  Excluding:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      RoleARN: arn:aws:iam::123456789012:role/config
      RecordingGroup:
        AllSupported: false
        ExclusionByResourceTypes: {ResourceTypes: ["AWS::EC2::Instance", "AWS::EC2::Volume"]}
        RecordingStrategy: {UseOnly: EXCLUSION_BY_RESOURCE_TYPES}
  Channel:
    Type: AWS::Config::DeliveryChannel
    Properties: {S3BucketName: config-bucket}
  ConfigRole:
    Type: AWS::IAM::Role
    Properties: {AssumeRolePolicyDocument: {}}
"#,
    );
    let recorder = &built(&d, "Recorder").resource;
    assert_eq!(recorder.resource_type, "AWS::Config::ConfigurationRecorder");
    assert_eq!(
        recorder.config,
        json!({"Name": "default", "RoleARN": "${ConfigRole.Arn}", "AllSupported": true,
               "IncludeGlobalResourceTypes": false, "ExclusionTypes": [], "ResourceTypes": [],
               "Recording": true}),
        "no group: every supported type but the global ones"
    );
    let picky = config(&d, "Picky");
    assert_eq!(picky["Name"], "Picky");
    assert_eq!(picky["AllSupported"], false);
    assert_eq!(picky["ResourceTypes"], json!(["AWS::EC2::Volume"]));
    let excluding = config(&d, "Excluding");
    assert_eq!(
        excluding["ExclusionTypes"],
        json!(["AWS::EC2::Instance", "AWS::EC2::Volume"])
    );
    assert_eq!(d.joined, 1, "the delivery channel");
}

#[test]
fn a_recorder_without_a_delivery_channel_may_not_record() {
    let d = build_text(
        r#"
Resources:
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties: {RoleARN: arn:aws:iam::123456789012:role/config}
"#,
    );
    let b = built(&d, "Recorder");
    assert_eq!(b.unknowns.len(), 1);
    assert_eq!(b.unknowns[0].0, "config.Recording");
    assert!(
        b.unknowns[0].1.contains("no AWS::Config::DeliveryChannel"),
        "{:?}",
        b.unknowns
    );
    assert_eq!(b.resource.config["Recording"], true);
    assert_eq!(b.other.as_ref().unwrap().config["Recording"], false);
}

#[test]
fn an_unknown_web_acl_name_is_text_and_its_types_are_no_longer_unsupported() {
    let d = build_text(
        r#"
Parameters:
  AclName: {Type: String}
Resources:
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Name: !Ref AclName
      Scope: REGIONAL
      DefaultAction: {Block: {}}
      VisibilityConfig: {CloudWatchMetricsEnabled: true, MetricName: m, SampledRequestsEnabled: true}
"#,
    );
    assert_eq!(config(&d, "Acl")["Name"], UNKNOWN_TEXT);
    assert!(d.unsupported.is_empty(), "{:?}", d.unsupported);
}
