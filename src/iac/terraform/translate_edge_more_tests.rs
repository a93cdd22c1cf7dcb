use serde_json::{json, Value};

use super::{addresses, certificates, to, web_acls};
use crate::iac::terraform::testing::{config, failing, load, plan, verdicts, Verdict};

/// The guards as provider 5.x plans them: a detector turned on with a feature, one suspended,
/// one whose `enable` a data source decides; Security Hub; a recorder started by its status
/// resource with its delivery channel, and one never started.
fn guards() -> Value {
    let detector = |name: &str, enable: Value| {
        json!({"address": format!("aws_guardduty_detector.{name}"),
               "type": "aws_guardduty_detector", "after": {"enable": enable, "tags": null},
               "after_unknown": {"account_id": true, "arn": true, "id": true, "tags_all": true,
                                 "datasources": true, "finding_publishing_frequency": true}})
    };
    let recorder = |name: &str, all: bool| {
        json!({"address": format!("aws_config_configuration_recorder.{name}"),
               "type": "aws_config_configuration_recorder",
               "after": {"name": name, "recording_group": [{"all_supported": all,
                   "include_global_resource_types": all, "exclusion_by_resource_types": [],
                   "resource_types": if all { json!(null) } else { json!(["AWS::EC2::Volume"]) }}]},
               "after_unknown": {"id": true, "role_arn": true, "recording_mode": true,
                   "recording_group": [{"recording_strategy": true}]},
               "expressions": {"role_arn": to("aws_iam_role.config", "arn")}})
    };
    let mut maybe = detector("maybe", Value::Null);
    maybe["after_unknown"]["enable"] = json!(true);
    maybe["expressions"] = json!({"enable": {"references": ["data.aws_ssm_parameter.gd.value",
                                                            "data.aws_ssm_parameter.gd"]}});
    json!([
        detector("main", json!(true)),
        detector("suspended", json!(false)),
        maybe,
        {"address": "aws_guardduty_detector_feature.runtime",
         "type": "aws_guardduty_detector_feature",
         "after": {"name": "RUNTIME_MONITORING", "status": "ENABLED",
                   "additional_configuration": [
                       {"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}]},
         "after_unknown": {"detector_id": true, "id": true},
         "expressions": {"detector_id": to("aws_guardduty_detector.main", "id")}},
        {"address": "aws_securityhub_account.this", "type": "aws_securityhub_account",
         "after": {"enable_default_standards": true, "auto_enable_controls": false},
         "after_unknown": {"arn": true, "id": true, "control_finding_generator": true}},
        recorder("main", true),
        {"address": "aws_config_configuration_recorder_status.main",
         "type": "aws_config_configuration_recorder_status",
         "after": {"name": "main", "is_enabled": true}, "after_unknown": {"id": true},
         "expressions": {"name": to("aws_config_configuration_recorder.main", "name")}},
        {"address": "aws_config_delivery_channel.main", "type": "aws_config_delivery_channel",
         "after": {"name": "main", "s3_bucket_name": "config-bucket", "s3_key_prefix": null,
                   "sns_topic_arn": null, "snapshot_delivery_properties": []},
         "after_unknown": {"id": true}},
        recorder("picky", false),
    ])
}

#[test]
fn the_guards_are_on_as_the_plan_says() {
    let loaded = load(&plan(guards(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.unsupported.is_empty(), "{:?}", loaded.unsupported);
    let main = config(&loaded, "aws_guardduty_detector.main");
    assert_eq!(main["Status"], "ENABLED");
    assert_eq!(
        main["Features"],
        json!([{"Name": "RUNTIME_MONITORING", "Status": "ENABLED"}])
    );
    assert_eq!(
        config(&loaded, "aws_guardduty_detector.suspended")["Status"],
        "DISABLED"
    );
    let maybe = failing(&loaded, "aws_guardduty_detector.maybe").expect("unknown");
    assert_eq!(maybe["Status"], "DISABLED");
    assert_eq!(
        config(&loaded, "aws_guardduty_detector.maybe")["Status"],
        "ENABLED"
    );
    let hub = config(&loaded, "aws_securityhub_account.this");
    assert_eq!(hub["Enabled"], true);
    assert_eq!(hub["AutoEnableControls"], false);
    let recorder = config(&loaded, "aws_config_configuration_recorder.main");
    assert_eq!(
        recorder,
        &json!({"Name": "main", "RoleARN": "${aws_iam_role/config.arn}", "AllSupported": true,
                "IncludeGlobalResourceTypes": true, "ExclusionTypes": [], "ResourceTypes": [],
                "Recording": true})
    );
    let picky = config(&loaded, "aws_config_configuration_recorder.picky");
    assert_eq!(picky["Recording"], false, "no status resource starts it");
    assert_eq!(picky["AllSupported"], false);
    assert_eq!(picky["ResourceTypes"], json!(["AWS::EC2::Volume"]));
}

/// Launch templates, one requiring IMDSv2 with an encrypted volume, one leaving tokens optional
/// and asking for a public address, each with an instance launched from it.
fn launch_templates() -> Value {
    let lt = |name: &str, tokens: &str, public: &str| {
        json!({"address": format!("aws_launch_template.{name}"), "type": "aws_launch_template",
               "after": {"name": name, "image_id": "ami-1", "instance_type": "t3.micro",
                   "user_data": "IyEvYmluL3NoCg==", "vpc_security_group_ids": ["sg-1"],
                   "iam_instance_profile": [],
                   "metadata_options": [{"http_endpoint": "enabled", "http_tokens": tokens,
                       "http_put_response_hop_limit": 1, "http_protocol_ipv6": "disabled",
                       "instance_metadata_tags": "disabled"}],
                   "block_device_mappings": [{"device_name": "/dev/xvda", "no_device": null,
                       "virtual_name": null, "ebs": [{"encrypted": "true", "kms_key_id": null,
                       "volume_size": 20, "volume_type": "gp3", "delete_on_termination": "",
                       "iops": null, "throughput": null, "snapshot_id": null}]}],
                   "network_interfaces": [{"associate_public_ip_address": public,
                       "device_index": 0, "subnet_id": "subnet-1", "security_groups": []}],
                   "tags": null},
               "after_unknown": {"arn": true, "id": true, "latest_version": true}})
    };
    let instance = |name: &str| {
        let lt = format!("aws_launch_template.{name}");
        json!({"address": format!("aws_instance.{name}"), "type": "aws_instance",
               "after": {"launch_template": [{"version": "$Default"}], "tags": null},
               "after_unknown": {"id": true, "arn": true, "ami": true, "instance_type": true,
                   "metadata_options": true, "public_ip": true, "subnet_id": true,
                   "launch_template": [{"id": true, "name": true}]},
               "expressions": {"launch_template": [{"id": to(&lt, "id")}]}})
    };
    json!([
        lt("hardened", "required", ""),
        instance("hardened"),
        lt("open", "optional", "true"),
        instance("open"),
    ])
}

#[test]
fn a_launch_template_is_the_template_shape_and_its_instance_reads_it() {
    let text = plan(launch_templates(), None);
    let planned = crate::iac::terraform::plan::read("plan.json", &text).expect("a plan");
    let t = crate::iac::terraform::translate::translate(&planned.resources);
    let lt = t
        .resources
        .iter()
        .find(|r| r.logical_id == "aws_launch_template/hardened")
        .expect("translated");
    assert_eq!(lt.resource_type, "AWS::EC2::LaunchTemplate");
    assert_eq!(
        lt.properties,
        json!({"LaunchTemplateName": "hardened", "LaunchTemplateData": {
            "ImageId": "ami-1", "InstanceType": "t3.micro", "UserData": "IyEvYmluL3NoCg==",
            "SecurityGroupIds": ["sg-1"],
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled",
                                "HttpPutResponseHopLimit": 1},
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                "Ebs": {"Encrypted": true, "VolumeSize": 20, "VolumeType": "gp3"}}],
            "NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": "subnet-1", "Groups": []}],
        }})
    );
    let open = t
        .resources
        .iter()
        .find(|r| r.logical_id == "aws_launch_template/open")
        .expect("translated");
    assert_eq!(
        open.properties["LaunchTemplateData"]["NetworkInterfaces"][0]["AssociatePublicIpAddress"],
        true
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let hardened = config(&loaded, "aws_instance.hardened");
    assert_eq!(hardened["MetadataOptions"]["HttpTokens"], "required");
    assert_eq!(
        config(&loaded, "aws_instance.open")["MetadataOptions"]["HttpTokens"],
        "optional"
    );
}

#[test]
fn the_edge_and_guard_rules_find_what_apply_would_make() {
    let mut resources: Vec<Value> = Vec::new();
    for list in [
        certificates(),
        addresses(),
        web_acls(),
        guards(),
        launch_templates(),
    ] {
        resources.extend(list.as_array().cloned().unwrap_or_default());
    }
    let (fail, open) = verdicts(Value::Array(resources));
    let fails = |rule: &str, address: &str| fail.contains(&(rule.into(), address.into()));
    let opens = |rule: &str, address: &str| open.contains(&(rule.into(), address.into()));
    let judged = |rule: &str| {
        let of = |(r, _): &Verdict| r == rule;
        fail.iter().chain(&open).filter(|p| of(p)).count()
    };
    // Certificates: the weak key and the opt-out fail; the preference a local decides waits.
    assert!(
        fails("ACM-AWS-003", "aws_acm_certificate.legacy"),
        "{fail:?}"
    );
    assert!(fails("ACM-AWS-002", "aws_acm_certificate.legacy"));
    assert!(!fails("ACM-AWS-002", "aws_acm_certificate.site"));
    assert!(
        opens("ACM-AWS-002", "aws_acm_certificate.maybe"),
        "{open:?}"
    );
    assert!(!fails("ACM-AWS-002", "aws_acm_certificate.maybe"));
    assert_eq!(judged("ACM-AWS-001"), 0, "nothing uses a certificate yet");
    // Web ACLs: the bare one has no rules and logs nothing; the front one is logged.
    assert!(fails("WAF-AWS-002", "aws_wafv2_web_acl.bare"));
    assert!(fails("WAF-AWS-001", "aws_wafv2_web_acl.bare"));
    assert!(!fails("WAF-AWS-002", "aws_wafv2_web_acl.front"));
    assert!(!fails("WAF-AWS-001", "aws_wafv2_web_acl.front"));
    // Elastic IPs: nothing in a plan has been idle for any time.
    assert_eq!(judged("IDLE-AWS-003"), 0);
    // Guards: the suspended detector and the recorder never started fail.
    assert!(fails("LOG-AWS-006", "aws_guardduty_detector.suspended"));
    assert!(!fails("LOG-AWS-006", "aws_guardduty_detector.main"));
    assert!(
        opens("LOG-AWS-006", "aws_guardduty_detector.maybe"),
        "{open:?}"
    );
    assert!(!fails("GUARD-AWS-001", "aws_securityhub_account.this"));
    assert!(!fails(
        "GUARD-AWS-002",
        "aws_config_configuration_recorder.main"
    ));
    assert!(fails(
        "GUARD-AWS-002",
        "aws_config_configuration_recorder.picky"
    ));
    // Instances launched from a template: IMDSv2 as their template says.
    assert!(!fails("EC2-AWS-001", "aws_instance.hardened"));
    assert!(fails("EC2-AWS-001", "aws_instance.open"), "{fail:?}");
}
