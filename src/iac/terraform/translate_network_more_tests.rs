use serde_json::{json, Value};

use super::{group, group_rule, instances};
use crate::iac::terraform::testing::{config, load, plan, verdicts};

/// A reference written in the configuration to `address`'s `attr`.
fn to(address: &str, attr: &str) -> Value {
    json!({"references": [format!("{address}.{attr}"), address]})
}

/// An internet-facing ALB with an HTTP listener that forwards, an HTTPS one with an ACM
/// certificate made in the plan, and a web ACL; an internal one whose listener (protocol not
/// given) redirects to HTTPS and whose access log block names a bucket only.
fn load_balancers() -> Value {
    let forward = json!([{"type": "forward", "target_group_arn": "arn:aws:tg/1", "order": null,
                          "redirect": [], "fixed_response": [], "forward": []}]);
    json!([
        {"address": "aws_lb.front", "type": "aws_lb",
         "after": {"name": "front", "internal": false, "load_balancer_type": "application",
                   "drop_invalid_header_fields": false, "enable_deletion_protection": false,
                   "desync_mitigation_mode": "defensive", "access_logs": [],
                   "security_groups": ["sg-0abc"], "subnets": ["subnet-1", "subnet-2"]},
         "after_unknown": {"arn": true, "id": true, "dns_name": true, "vpc_id": true}},
        {"address": "aws_lb_listener.http", "type": "aws_lb_listener",
         "after": {"port": 80, "protocol": "HTTP", "default_action": forward},
         "after_unknown": {"arn": true, "id": true, "load_balancer_arn": true, "ssl_policy": true},
         "expressions": {"load_balancer_arn": to("aws_lb.front", "arn")}},
        {"address": "aws_lb_listener.https", "type": "aws_lb_listener",
         "after": {"port": 443, "protocol": "HTTPS", "default_action": forward},
         "after_unknown": {"arn": true, "id": true, "load_balancer_arn": true, "ssl_policy": true,
                           "certificate_arn": true},
         "expressions": {"load_balancer_arn": to("aws_lb.front", "arn"),
                         "certificate_arn": to("aws_acm_certificate.c", "arn")}},
        {"address": "aws_acm_certificate.c", "type": "aws_acm_certificate",
         "after": {"domain_name": "example.com"}, "after_unknown": {"arn": true, "id": true}},
        {"address": "aws_wafv2_web_acl_association.front", "type": "aws_wafv2_web_acl_association",
         "after": {"web_acl_arn": "arn:aws:wafv2:eu-west-1:1:regional/webacl/w/1"},
         "after_unknown": {"id": true, "resource_arn": true},
         "expressions": {"resource_arn": to("aws_lb.front", "arn")}},
        {"address": "aws_alb.inner", "type": "aws_alb",
         "after": {"name": "inner", "internal": true, "load_balancer_type": "application",
                   "drop_invalid_header_fields": true, "enable_deletion_protection": true,
                   "access_logs": [{"bucket": "logs", "enabled": false, "prefix": ""}]},
         "after_unknown": {"arn": true, "id": true}},
        {"address": "aws_alb_listener.inner", "type": "aws_alb_listener",
         "after": {"port": 8080, "default_action": [{"type": "redirect", "redirect": [
             {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301", "host": "#{host}"}]}]},
         "after_unknown": {"arn": true, "id": true, "protocol": true, "load_balancer_arn": true},
         "expressions": {"load_balancer_arn": to("aws_alb.inner", "arn")}},
    ])
}

#[test]
fn a_load_balancer_has_its_scheme_attributes_listeners_and_web_acl() {
    let loaded = load(&plan(load_balancers(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.joined, 4);
    let c = config(&loaded, "aws_lb.front");
    assert_eq!(c["Scheme"], "internet-facing", "internal = false");
    assert_eq!(c["Type"], "application");
    assert_eq!(c["Attributes"]["deletion_protection.enabled"], "false");
    assert_eq!(
        c["Attributes"]["routing.http.drop_invalid_header_fields.enabled"],
        "false"
    );
    assert_eq!(c["Attributes"]["access_logs.s3.enabled"], "false");
    assert_eq!(c["SecurityGroups"], json!(["sg-0abc"]));
    assert_eq!(
        c["WebACLArn"],
        "arn:aws:wafv2:eu-west-1:1:regional/webacl/w/1"
    );
    let listener = |port: i64| {
        let all = c["Listeners"].as_array().unwrap();
        all.iter().find(|l| l["Port"] == port).unwrap().clone()
    };
    let http = listener(80);
    assert_eq!(http["Protocol"], "HTTP");
    assert_eq!(http["DefaultActions"], json!([{"Type": "forward"}]));
    assert_eq!(http["ListenerArn"], "${aws_lb_listener/http}");
    let https = listener(443);
    let arn = https["Certificates"][0]["CertificateArn"].as_str().unwrap();
    assert!(arn.starts_with("arn:aws:acm:"), "an ACM certificate: {arn}");
    assert_eq!(https["SslPolicy"], "ELBSecurityPolicy-2016-08");

    let inner = config(&loaded, "aws_alb.inner");
    assert_eq!(inner["Scheme"], "internal");
    assert_eq!(inner["Attributes"]["access_logs.s3.enabled"], "false");
    assert_eq!(inner["Attributes"]["access_logs.s3.bucket"], "logs");
    assert_eq!(inner["Attributes"]["deletion_protection.enabled"], "true");
    let l = &inner["Listeners"][0];
    assert_eq!(l["Protocol"], "HTTP", "an ALB listener's default");
    assert_eq!(
        l["DefaultActions"],
        json!([{"Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
    );
}

/// An ACL with an inline allow-all ingress block and a separate SSH rule, associated with a
/// subnet by reference; one with no rules, associated by a separate resource.
fn network_acls() -> Value {
    json!([
        {"address": "aws_network_acl.public", "type": "aws_network_acl",
         "after": {"vpc_id": "vpc-0a1b2c3d", "subnet_ids": [null], "tags": null,
                   "ingress": [{"action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 0,
                                "to_port": 0, "icmp_code": null, "icmp_type": null,
                                "ipv6_cidr_block": "", "protocol": "-1", "rule_no": 100}]},
         "after_unknown": {"id": true, "arn": true, "egress": true, "subnet_ids": [true]},
         "expressions": {"subnet_ids": to("aws_subnet.public", "id")}},
        {"address": "aws_network_acl_rule.ssh", "type": "aws_network_acl_rule",
         "after": {"rule_number": 90, "egress": false, "protocol": "tcp", "rule_action": "ALLOW",
                   "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22,
                   "ipv6_cidr_block": null, "icmp_code": null, "icmp_type": null},
         "after_unknown": {"id": true, "network_acl_id": true},
         "expressions": {"network_acl_id": to("aws_network_acl.public", "id")}},
        {"address": "aws_network_acl.closed", "type": "aws_network_acl",
         "after": {"vpc_id": "vpc-0a1b2c3d"},
         "after_unknown": {"id": true, "ingress": true, "egress": true, "subnet_ids": true}},
        {"address": "aws_network_acl_association.closed", "type": "aws_network_acl_association",
         "after": {"subnet_id": "subnet-0abc"},
         "after_unknown": {"id": true, "network_acl_id": true},
         "expressions": {"network_acl_id": to("aws_network_acl.closed", "id")}},
    ])
}

#[test]
fn a_network_acl_has_its_entries_and_associations() {
    let loaded = load(&plan(network_acls(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.joined, 4);
    let c = config(&loaded, "aws_network_acl.public");
    let entries = c["Entries"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        4,
        "two of its own, and the default deny each way"
    );
    assert!(
        entries.contains(&json!({"RuleNumber": 100, "Protocol": "-1",
        "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"}))
    );
    assert!(
        entries.contains(
            &json!({"RuleNumber": 90, "Protocol": "6", "RuleAction": "allow",
            "Egress": false, "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}})
        ),
        "`tcp` as its number, the action as EC2 gives it: {entries:?}"
    );
    assert_eq!(
        c["Associations"],
        json!([{"SubnetId": "${aws_subnet/public.id}"}])
    );
    let closed = config(&loaded, "aws_network_acl.closed");
    assert_eq!(closed["Entries"].as_array().unwrap().len(), 2);
    assert_eq!(closed["Associations"], json!([{"SubnetId": "subnet-0abc"}]));
}

#[test]
fn a_vpc_has_its_flow_log_and_a_nat_gateway_the_routes_through_it() {
    let text = plan(
        json!([
            {"address": "aws_vpc.main", "type": "aws_vpc", "after": {"cidr_block": "10.0.0.0/16"},
             "after_unknown": {"id": true, "arn": true}},
            {"address": "aws_flow_log.main", "type": "aws_flow_log",
             "after": {"traffic_type": "ALL", "log_destination_type": "s3",
                       "log_destination": "arn:aws:s3:::logs"},
             "after_unknown": {"id": true, "vpc_id": true},
             "expressions": {"vpc_id": to("aws_vpc.main", "id")}},
            {"address": "aws_subnet.public", "type": "aws_subnet",
             "after": {"cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": true,
                       "availability_zone": "eu-west-1a"},
             "after_unknown": {"id": true, "vpc_id": true},
             "expressions": {"vpc_id": to("aws_vpc.main", "id")}},
            {"address": "aws_nat_gateway.nat", "type": "aws_nat_gateway",
             "after": {"connectivity_type": "public"},
             "after_unknown": {"id": true, "subnet_id": true, "allocation_id": true},
             "expressions": {"subnet_id": to("aws_subnet.public", "id")}},
            {"address": "aws_route.out", "type": "aws_route",
             "after": {"route_table_id": "rtb-0123", "destination_cidr_block": "0.0.0.0/0"},
             "after_unknown": {"id": true, "nat_gateway_id": true},
             "expressions": {"nat_gateway_id": to("aws_nat_gateway.nat", "id")}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.unsupported.is_empty(), "{:?}", loaded.unsupported);
    assert_eq!(loaded.joined, 2);
    let vpc = config(&loaded, "aws_vpc.main");
    assert_eq!(vpc["CidrBlock"], "10.0.0.0/16");
    assert_eq!(
        vpc["FlowLogs"],
        json!([{"FlowLogId": "${aws_flow_log/main}", "FlowLogStatus": "ACTIVE",
                "TrafficType": "ALL", "LogDestinationType": "s3"}])
    );
    let subnet = config(&loaded, "aws_subnet.public");
    assert_eq!(subnet["MapPublicIpOnLaunch"], true);
    assert_eq!(subnet["VpcId"], "${aws_vpc/main.id}");
    let nat = config(&loaded, "aws_nat_gateway.nat");
    assert_eq!(nat["RoutedBy"], json!(["rtb-0123"]));
    assert_eq!(nat["VpcId"], "${aws_vpc/main.id}");
    assert_eq!(nat["ConnectivityType"], "public");
}

#[test]
fn the_network_rules_find_what_apply_would_make() {
    let mut resources: Vec<Value> = Vec::new();
    let ssh = group_rule("ssh", "ingress", "tcp", (22, 22), json!(["0.0.0.0/0"]));
    for list in [instances(), load_balancers(), network_acls()] {
        let list = list.as_array().cloned().unwrap_or_default();
        resources.extend(
            list.into_iter()
                .filter(|r| r["address"] != "aws_security_group.web"),
        );
    }
    resources.extend([group(json!({})), ssh]);
    let (fail, open) = verdicts(Value::Array(resources));
    let fails = |rule: &str, address: &str| fail.contains(&(rule.into(), address.into()));
    let opens = |rule: &str, address: &str| open.contains(&(rule.into(), address.into()));
    assert!(fails("NET-AWS-001", "aws_security_group.web"), "{fail:?}");
    assert!(!fails("EC2-AWS-001", "aws_instance.app"), "IMDSv2 required");
    assert!(opens("EC2-AWS-001", "aws_instance.bare"), "{open:?}");
    assert!(!fails("NET-AWS-004", "aws_instance.app"), "no public IP");
    assert!(
        fails("NET-AWS-004", "aws_instance.bare"),
        "the default subnet's"
    );
    assert!(fails("NET-AWS-008", "aws_network_acl.public"));
    assert!(!fails("NET-AWS-008", "aws_network_acl.closed"));
    assert!(fails("ELB-AWS-001", "aws_lb.front"), "HTTP that forwards");
    assert!(
        !fails("ELB-AWS-001", "aws_alb.inner"),
        "HTTP that redirects"
    );
    assert!(
        fails("LOG-AWS-005", "aws_alb.inner"),
        "a bucket named, logs off"
    );
    assert!(!fails("ELB-AWS-007", "aws_lb.front"), "an ACM certificate");
}
