use serde_json::{json, Value};

use crate::iac::terraform::testing::{config, failing, load, plan};

/// A reference written in the configuration to `address`'s `attr`.
fn to(address: &str, attr: &str) -> Value {
    json!({"references": [format!("{address}.{attr}"), address]})
}

/// Certificates as provider 5.x plans them: one with its defaults, one asking for a weak key
/// without transparency logging, one whose preference is a local known only after apply, and
/// an imported one.
fn certificates() -> Value {
    let computed = json!({"arn": true, "id": true, "domain_validation_options": true,
        "not_after": true, "not_before": true, "status": true, "type": true,
        "renewal_eligibility": true, "subject_alternative_names": true});
    let with = |extra: Value| {
        let mut u = computed.clone();
        for (k, x) in extra.as_object().cloned().unwrap_or_default() {
            u[k] = x;
        }
        u
    };
    let after = |domain: &str, key: Value, options: Value| {
        json!({"domain_name": domain, "validation_method": "DNS", "key_algorithm": key,
            "options": options, "certificate_authority_arn": null, "certificate_body": null,
            "private_key": null, "tags": {"team": "web"}, "tags_all": {"team": "web"},
            "validation_option": []})
    };
    json!([
        {"address": "aws_acm_certificate.site", "type": "aws_acm_certificate",
         "after": after("example.com", Value::Null, Value::Null),
         "after_unknown": with(json!({"key_algorithm": true, "options": true})),
         "after_sensitive": {"private_key": true}},
        {"address": "aws_acm_certificate.legacy", "type": "aws_acm_certificate",
         "after": after("old.example.com", json!("RSA_1024"),
                        json!([{"certificate_transparency_logging_preference": "DISABLED"}])),
         "after_unknown": computed},
        {"address": "aws_acm_certificate.maybe", "type": "aws_acm_certificate",
         "after": after("maybe.example.com", Value::Null, json!([{}])),
         "after_unknown": with(json!({"key_algorithm": true,
             "options": [{"certificate_transparency_logging_preference": true}]})),
         "expressions": {"options": [{"certificate_transparency_logging_preference":
             {"references": ["local.transparency"]}}]}},
        {"address": "aws_acm_certificate.imported", "type": "aws_acm_certificate",
         "after": {"certificate_body": "-----BEGIN CERTIFICATE-----\n…", "private_key": null},
         "after_unknown": {"arn": true, "id": true, "key_algorithm": true},
         "after_sensitive": {"private_key": true}},
    ])
}

#[test]
fn a_certificate_is_requested_with_acm_defaults_and_an_imported_one_is_unsupported() {
    let loaded = load(&plan(certificates(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let site = config(&loaded, "aws_acm_certificate.site");
    assert_eq!(site["Type"], "AMAZON_ISSUED");
    assert_eq!(
        site["KeyAlgorithm"], "RSA_2048",
        "computed, so ACM's default"
    );
    assert_eq!(
        site["Options"],
        json!({"CertificateTransparencyLoggingPreference": "ENABLED"})
    );
    assert_eq!(site["DomainName"], "example.com");
    assert_eq!(
        site["CertificateArn"],
        "arn:aws:acm:${AWS::Region}:${AWS::AccountId}:certificate/${aws_acm_certificate/site}"
    );
    let legacy = config(&loaded, "aws_acm_certificate.legacy");
    assert_eq!(legacy["KeyAlgorithm"], "RSA_1024");
    assert_eq!(
        legacy["Options"]["CertificateTransparencyLoggingPreference"],
        "DISABLED"
    );
    let maybe = failing(&loaded, "aws_acm_certificate.maybe").expect("an unknown");
    assert_eq!(
        maybe["Options"]["CertificateTransparencyLoggingPreference"],
        "DISABLED"
    );
    assert_eq!(loaded.unsupported.get("aws_acm_certificate"), Some(&1));
}

/// Elastic IPs: one on an instance, one associated by a separate resource, one on a network
/// interface, one a NAT gateway takes, one spare.
fn addresses() -> Value {
    let computed = json!({"allocation_id": true, "association_id": true, "id": true,
        "public_ip": true, "public_dns": true, "private_ip": true, "vpc": true});
    let eip = |name: &str, after: Value, unknown: Value, expressions: Value| {
        let mut a = json!({"domain": "vpc", "instance": null, "network_interface": null,
            "address": null, "associate_with_private_ip": null, "tags": {"environment": "dev"}});
        let mut u = computed.clone();
        for (k, x) in after.as_object().cloned().unwrap_or_default() {
            a[k] = x;
        }
        for (k, x) in unknown.as_object().cloned().unwrap_or_default() {
            u[k] = x;
        }
        json!({"address": format!("aws_eip.{name}"), "type": "aws_eip", "after": a,
               "after_unknown": u, "expressions": expressions})
    };
    json!([
        eip("web", json!({}), json!({"instance": true}),
            json!({"instance": to("aws_instance.web", "id")})),
        eip("assoc", json!({}), json!({}), json!({})),
        eip("nic", json!({"network_interface": "eni-0abc", "domain": null, "vpc": true}),
            json!({"vpc": false}), json!({})),
        eip("nat", json!({}), json!({}), json!({})),
        eip("spare", json!({}), json!({}), json!({})),
        {"address": "aws_eip_association.assoc", "type": "aws_eip_association",
         "after": {"instance_id": "i-0abc", "public_ip": null, "network_interface_id": null,
                   "private_ip_address": null, "allow_reassociation": null},
         "after_unknown": {"allocation_id": true, "id": true, "public_ip": true},
         "expressions": {"allocation_id": to("aws_eip.assoc", "id")}},
        {"address": "aws_nat_gateway.out", "type": "aws_nat_gateway",
         "after": {"connectivity_type": "public", "subnet_id": "subnet-1", "tags": null},
         "after_unknown": {"allocation_id": true, "id": true, "network_interface_id": true},
         "expressions": {"allocation_id": to("aws_eip.nat", "id")}},
        {"address": "aws_instance.web", "type": "aws_instance",
         "after": {"ami": "ami-1", "instance_type": "t3.micro", "subnet_id": "subnet-1",
                   "metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled"}]},
         "after_unknown": {"id": true, "arn": true, "public_ip": true}},
    ])
}

#[test]
fn an_elastic_ip_is_associated_by_an_instance_an_association_an_interface_or_a_nat_gateway() {
    let loaded = load(&plan(addresses(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let web = config(&loaded, "aws_eip.web");
    assert_eq!(web["InstanceId"], "${aws_instance/web.id}");
    assert_eq!(web["AssociationId"], "${aws_eip/web.AssociationId}");
    assert_eq!(web["Domain"], "vpc");
    assert_eq!(web["PublicIp"], "${aws_eip/web}");
    let assoc = config(&loaded, "aws_eip.assoc");
    assert_eq!(assoc["AssociationId"], "${aws_eip_association/assoc}");
    assert_eq!(assoc["InstanceId"], "i-0abc");
    let nic = config(&loaded, "aws_eip.nic");
    assert_eq!(nic["NetworkInterfaceId"], "eni-0abc");
    assert_eq!(nic["Domain"], "vpc", "vpc = true");
    let nat = config(&loaded, "aws_eip.nat");
    assert_eq!(nat["AssociationId"], "${aws_eip/nat.AssociationId}");
    assert!(config(&loaded, "aws_eip.spare")
        .get("AssociationId")
        .is_none());
    assert!(loaded.unsupported.is_empty(), "{:?}", loaded.unsupported);
    assert_eq!(
        config(&loaded, "aws_instance.web")["PublicIpAddress"],
        "${aws_instance/web.PublicIp}",
        "the instance's address is its Elastic IP"
    );
}

/// Web ACLs: one with a managed rule group whose requests are logged, one without rules or
/// logging.
fn web_acls() -> Value {
    let visibility = |name: &str| {
        json!([{"cloudwatch_metrics_enabled": true, "metric_name": name,
                "sampled_requests_enabled": true}])
    };
    let rule = json!({"name": "common", "priority": 1, "action": [],
        "override_action": [{"count": [], "none": [{}]}],
        "statement": [{"managed_rule_group_statement": [{"name": "AWSManagedRulesCommonRuleSet",
            "vendor_name": "AWS", "rule_action_override": [], "scope_down_statement": [],
            "managed_rule_group_configs": [], "version": ""}]}],
        "visibility_config": visibility("common"), "rule_label": [], "captcha_config": []});
    let acl = |name: &str, rules: Value, action: Value| {
        json!({"address": format!("aws_wafv2_web_acl.{name}"), "type": "aws_wafv2_web_acl",
               "after": {"name": name, "scope": "REGIONAL", "description": null,
                         "default_action": [action], "rule": rules, "custom_response_body": [],
                         "visibility_config": visibility(name), "tags": null,
                         "token_domains": null, "association_config": []},
               "after_unknown": {"arn": true, "id": true, "capacity": true, "lock_token": true,
                                 "tags_all": true}})
    };
    json!([
        acl("front", json!([rule]),
            json!({"allow": [{"custom_request_handling": []}], "block": []})),
        acl("bare", json!([]), json!({"allow": [], "block": [{"custom_response": []}]})),
        {"address": "aws_wafv2_web_acl_logging_configuration.front",
         "type": "aws_wafv2_web_acl_logging_configuration",
         "after": {"logging_filter": [], "redacted_fields": []},
         "after_unknown": {"id": true, "log_destination_configs": true, "resource_arn": true},
         "expressions": {"log_destination_configs": to("aws_cloudwatch_log_group.waf", "arn"),
                         "resource_arn": to("aws_wafv2_web_acl.front", "arn")}},
        {"address": "aws_cloudwatch_log_group.waf", "type": "aws_cloudwatch_log_group",
         "after": {"name": "aws-waf-logs-front", "retention_in_days": 365},
         "after_unknown": {"arn": true, "id": true}},
    ])
}

#[test]
fn a_web_acl_has_its_rules_default_action_visibility_and_logging() {
    let loaded = load(&plan(web_acls(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let front = config(&loaded, "aws_wafv2_web_acl.front");
    assert_eq!(
        front,
        &json!({
            "Name": "front", "Id": "${aws_wafv2_web_acl/front.Id}",
            "ARN": "${aws_wafv2_web_acl/front.Arn}", "Scope": "REGIONAL",
            "DefaultAction": "ALLOW", "Rules": [{"Name": "common", "Priority": 1}],
            "VisibilityConfig": {"CloudWatchMetricsEnabled": true, "SampledRequestsEnabled": true},
            "LogDestinationConfigs": ["${aws_cloudwatch_log_group/waf.arn}"],
        })
    );
    let bare = config(&loaded, "aws_wafv2_web_acl.bare");
    assert_eq!(bare["DefaultAction"], "BLOCK");
    assert_eq!(bare["Rules"], json!([]));
    assert_eq!(bare["LogDestinationConfigs"], json!([]));
}

#[path = "translate_edge_more_tests.rs"]
mod more;
