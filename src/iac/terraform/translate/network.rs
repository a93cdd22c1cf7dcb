//! Networking: security groups with their rule resources, instances, volumes with their
//! attachments, VPCs with flow logs, subnets, network ACLs with their entries and associations,
//! NAT gateways with the routes through them, load balancers with listeners and web ACLs.

use serde_json::{json, Map, Value};

use super::{block, blocks, extra, given, link, resource, target, with_tags, Out};
use crate::iac::cfn::resolve::{reference, unknown_reason};
use crate::iac::terraform::plan::Planned;

const GROUP: &[&str] = &["aws_security_group", "aws_default_security_group"];
const VPC: &[&str] = &["aws_vpc"];
const SUBNET: &[&str] = &["aws_subnet"];
const ACL: &[&str] = &["aws_network_acl"];
const LB: &[&str] = &["aws_lb", "aws_alb"];
/// What a flow log can watch.
const WATCHED: &[&str] = &["aws_vpc", "aws_subnet", "aws_network_interface"];

/// The template resources `r` becomes, if it is one of this area's types.
pub(super) fn translate(r: &Planned, all: &[Planned]) -> Option<Vec<Out>> {
    let v = &r.values;
    // The argument `k` naming a resource of `types`, as its deploy-time identifier if it is one
    // of the plan's.
    let to = |k: &str, types: &[&str]| given(v, k).map(|x| link(all, x, types));
    let one = |ty: &str, m: Value| vec![resource(r, ty, set(m))];
    let tagged = |ty: &str, m: Value| vec![resource(r, ty, with_tags(set(m), v))];
    Some(match r.resource_type.as_str() {
        "aws_security_group" | "aws_default_security_group" => security_group(r, all),
        "aws_security_group_rule" => {
            let egress = v.get("type").and_then(Value::as_str) == Some("egress");
            group_rule(r, all, "protocol", egress)
        }
        "aws_vpc_security_group_ingress_rule" => group_rule(r, all, "ip_protocol", false),
        "aws_vpc_security_group_egress_rule" => group_rule(r, all, "ip_protocol", true),
        "aws_instance" => instance(r, all),
        "aws_ebs_volume" => tagged(
            "AWS::EC2::Volume",
            json!({
                "AvailabilityZone": given(v, "availability_zone"), "Size": given(v, "size"),
                "Encrypted": given(v, "encrypted"), "KmsKeyId": given(v, "kms_key_id"),
                "VolumeType": given(v, "type"), "SnapshotId": given(v, "snapshot_id"),
            }),
        ),
        "aws_volume_attachment" => one(
            "AWS::EC2::VolumeAttachment",
            json!({
                "Device": given(v, "device_name"), "VolumeId": to("volume_id", &["aws_ebs_volume"]),
                "InstanceId": to("instance_id", &["aws_instance"]),
            }),
        ),
        "aws_vpc" => tagged(
            "AWS::EC2::VPC",
            json!({"CidrBlock": given(v, "cidr_block")}),
        ),
        "aws_flow_log" => {
            let keys = ["vpc_id", "subnet_id", "eni_id", "transit_gateway_id"];
            let watched = keys.iter().find_map(|k| to(k, WATCHED));
            one(
                "AWS::EC2::FlowLog",
                json!({
                    "ResourceId": watched, "TrafficType": given(v, "traffic_type"),
                    "LogDestinationType": given(v, "log_destination_type"),
                }),
            )
        }
        "aws_subnet" => tagged(
            "AWS::EC2::Subnet",
            json!({
                "VpcId": to("vpc_id", VPC), "CidrBlock": given(v, "cidr_block"),
                "AvailabilityZone": given(v, "availability_zone"),
                "MapPublicIpOnLaunch": given(v, "map_public_ip_on_launch"),
            }),
        ),
        "aws_network_acl" => network_acl(r, all),
        "aws_network_acl_rule" => {
            let mut m = entry(v, "rule_number", "rule_action");
            m["NetworkAclId"] = to("network_acl_id", ACL).into();
            m["Egress"] = given(v, "egress").cloned().unwrap_or(false.into());
            one("AWS::EC2::NetworkAclEntry", m)
        }
        "aws_network_acl_association" => one(
            "AWS::EC2::SubnetNetworkAclAssociation",
            json!({
                "NetworkAclId": to("network_acl_id", ACL), "SubnetId": to("subnet_id", SUBNET),
            }),
        ),
        "aws_nat_gateway" => tagged(
            "AWS::EC2::NatGateway",
            json!({
                "SubnetId": to("subnet_id", SUBNET),
                "ConnectivityType": given(v, "connectivity_type"),
            }),
        ),
        "aws_route" => one(
            "AWS::EC2::Route",
            json!({
                "RouteTableId": to("route_table_id", &["aws_route_table"]),
                "NatGatewayId": to("nat_gateway_id", &["aws_nat_gateway"]),
            }),
        ),
        "aws_lb" | "aws_alb" => load_balancer(r, all),
        "aws_lb_listener" | "aws_alb_listener" => listener(r, all),
        "aws_wafv2_web_acl_association" => one(
            "AWS::WAFv2::WebACLAssociation",
            json!({
                "ResourceArn": to("resource_arn", LB), "WebACLArn": given(v, "web_acl_arn"),
            }),
        ),
        _ => return None,
    })
}

/// The properties of `m` (an object) that are set: a null is one the plan leaves out.
fn set(m: Value) -> Map<String, Value> {
    let Value::Object(mut m) = m else {
        return Map::new();
    };
    m.retain(|_, x| !x.is_null());
    m
}

/// The deploy-time identifier of `r` itself (`${logical}`), as its joined resources name it.
fn me(r: &Planned) -> Value {
    Value::String(format!("${{{}}}", r.logical_id))
}

/// Each item of the list at `key` (none when it is not set); a list unknown until apply as
/// its one item.
fn items(v: &Value, key: &str) -> Vec<Value> {
    match given(v, key) {
        Some(Value::Array(a)) => a.clone(),
        Some(one) => vec![one.clone()],
        None => vec![],
    }
}

/// A list of names or ids, each known one of `types` as its deploy-time identifier; one
/// reference standing for the whole list (`aws_security_group.web[*].id`) as its one item.
fn links(all: &[Planned], v: Option<&Value>, types: &[&str]) -> Value {
    match v {
        Some(Value::Array(a)) => a.iter().map(|x| link(all, x, types)).collect(),
        Some(r) if reference(r).is_some() => json!([r]),
        other => other.cloned().unwrap_or(Value::Null),
    }
}

/// A text in lower case, as the API gives it back; another value as it is.
fn lower(v: &Value) -> Value {
    v.as_str()
        .map_or_else(|| v.clone(), |s| s.to_ascii_lowercase().into())
}

fn security_group(r: &Planned, all: &[Planned]) -> Vec<Out> {
    let v = &r.values;
    let me = me(r);
    let mut egress = inline_rules(v.get("egress"), &me, true, all);
    if egress.as_array().is_some_and(Vec::is_empty) {
        // EC2 gives a new group an allow-all egress rule, which a template group without
        // egress rules keeps; the AWS provider deletes it ("NOTE on Egress rules",
        // aws_security_group, provider docs), so a group without `egress` blocks has no egress
        // rule, separate egress rule resources aside. A template rule without a destination
        // adds nothing (AWS::EC2::SecurityGroupEgress reference) but is a rule of the group's
        // own: it stands for "no default rule".
        egress = json!([{"IpProtocol": "-1"}]);
    }
    let mut m = set(json!({
        "GroupName": given(v, "name"), "GroupDescription": given(v, "description"),
        "VpcId": given(v, "vpc_id").map(|x| link(all, x, VPC)),
        "SecurityGroupIngress": inline_rules(v.get("ingress"), &me, false, all),
        "SecurityGroupEgress": egress,
    }));
    if r.resource_type == "aws_default_security_group" {
        // The VPC's own group, which the provider adopts: it removes every rule the group has,
        // then adds those configured (aws_default_security_group, provider docs).
        m.insert("GroupName".into(), "default".into());
    }
    vec![resource(r, "AWS::EC2::SecurityGroup", with_tags(m, v))]
}

/// A group's `ingress` or `egress` blocks as its template rules; unknown until apply as it is.
fn inline_rules(list: Option<&Value>, me: &Value, egress: bool, all: &[Planned]) -> Value {
    let blocks = match list {
        None | Some(Value::Null) => return json!([]),
        Some(Value::Array(a)) => a,
        Some(unknown_list) => return unknown_list.clone(),
    };
    let one = |b: &Value| match unknown_reason(b) {
        Some(_) => vec![b.clone()],
        None => per_peer(rule(b, "protocol"), peers(b, me, egress, all)),
    };
    blocks.iter().flat_map(one).collect()
}

/// A Terraform rule's protocol and ports as a template rule's.
fn rule(v: &Value, protocol: &str) -> Value {
    let protocol = given(v, protocol).map(|p| match p.as_str() {
        // The provider takes `all` for `-1` (ProtocolForValue, its protocol normalisation).
        Some(s) if s.eq_ignore_ascii_case("all") => json!("-1"),
        _ => lower(p),
    });
    let (from, to) = (given(v, "from_port"), given(v, "to_port"));
    json!({"IpProtocol": protocol, "FromPort": from, "ToPort": to})
}

/// The sources (or, for egress, destinations) of a Terraform rule, each as the template rule
/// property naming one; `me` is the group itself (`self = true`).
fn peers(v: &Value, me: &Value, egress: bool, all: &[Planned]) -> Vec<(&'static str, Value)> {
    let (group, list) = match egress {
        true => ("DestinationSecurityGroupId", "DestinationPrefixListId"),
        false => ("SourceSecurityGroupId", "SourcePrefixListId"),
    };
    let ranges = [("cidr_blocks", "CidrIp"), ("cidr_ipv4", "CidrIp")]
        .into_iter()
        .chain([("ipv6_cidr_blocks", "CidrIpv6"), ("cidr_ipv6", "CidrIpv6")])
        .chain([("prefix_list_ids", list), ("prefix_list_id", list)]);
    let mut out = Vec::new();
    for (tf, cfn) in ranges {
        out.extend(items(v, tf).into_iter().map(|x| (cfn, x)));
    }
    for tf in ["security_groups", "source_security_group_id"]
        .into_iter()
        .chain(["referenced_security_group_id"])
    {
        out.extend(items(v, tf).iter().map(|g| (group, link(all, g, GROUP))));
    }
    if v.get("self") == Some(&Value::Bool(true)) {
        out.push((group, me.clone()));
    }
    out
}

/// One template rule per peer, as a template rule takes one; a rule without any as it is.
fn per_peer(base: Value, peers: Vec<(&str, Value)>) -> Vec<Value> {
    let base = set(base);
    if peers.is_empty() {
        return vec![Value::Object(base)];
    }
    let one = |(key, peer): (&str, Value)| {
        let mut m = base.clone();
        m.insert(key.into(), peer);
        Value::Object(m)
    };
    peers.into_iter().map(one).collect()
}

/// A rule resource (its protocol at `protocol`) as template rule resources, one per peer, the
/// first one `r`'s own.
fn group_rule(r: &Planned, all: &[Planned], protocol: &str, egress: bool) -> Vec<Out> {
    let v = &r.values;
    let group = given(v, "security_group_id").map_or(Value::Null, |g| link(all, g, GROUP));
    let mut base = rule(v, protocol);
    base["GroupId"] = group.clone();
    let ty = match egress {
        true => "AWS::EC2::SecurityGroupEgress",
        false => "AWS::EC2::SecurityGroupIngress",
    };
    let one = |(i, m): (usize, Value)| match i {
        0 => resource(r, ty, set(m)),
        _ => extra(r, &i.to_string(), ty, set(m)),
    };
    let rules = per_peer(base, peers(v, &group, egress, all));
    rules.into_iter().enumerate().map(one).collect()
}

fn instance(r: &Planned, all: &[Planned]) -> Vec<Out> {
    let v = &r.values;
    let subnet = given(v, "subnet_id").map(|s| link(all, s, SUBNET));
    let groups = links(all, given(v, "vpc_security_group_ids"), GROUP);
    let public = given(v, "associate_public_ip_address");
    // A template takes AssociatePublicIpAddress on a network interface only, the subnet and
    // groups then given there (AWS::EC2::Instance reference).
    let nic = public.map(|p| {
        let nic = json!({"DeviceIndex": "0", "AssociatePublicIpAddress": p, "SubnetId": subnet,
            "GroupSet": groups});
        json!([set(nic)])
    });
    let (subnet, groups) = match public {
        Some(_) => (None, Value::Null),
        None => (subnet, groups),
    };
    let options = block(v, "metadata_options").map(|o| match unknown_reason(o) {
        Some(_) => json!({"HttpTokens": o, "HttpEndpoint": o}),
        None => Value::Object(set(json!({
            "HttpTokens": given(o, "http_tokens"), "HttpEndpoint": given(o, "http_endpoint"),
        }))),
    });
    let launch_template = block(v, "launch_template")
        .filter(|t| t.is_object())
        .map(|t| {
            let id = given(t, "id").map(|id| link(all, id, &["aws_launch_template"]));
            Value::Object(set(
                json!({"LaunchTemplateId": id, "LaunchTemplateName": given(t, "name")}),
            ))
        });
    let profile = given(v, "iam_instance_profile");
    let m = set(json!({
        "ImageId": given(v, "ami"), "InstanceType": given(v, "instance_type"),
        "PrivateIpAddress": given(v, "private_ip"), "NetworkInterfaces": nic,
        "SubnetId": subnet, "SecurityGroupIds": groups,
        "SecurityGroups": given(v, "security_groups"),
        "IamInstanceProfile": profile.map(|p| link(all, p, &["aws_iam_instance_profile"])),
        "MetadataOptions": options, "LaunchTemplate": launch_template,
    }));
    vec![resource(r, "AWS::EC2::Instance", with_tags(m, v))]
}

fn network_acl(r: &Planned, all: &[Planned]) -> Vec<Out> {
    let v = &r.values;
    let vpc = given(v, "vpc_id").map(|x| link(all, x, VPC));
    let m = set(json!({ "VpcId": vpc }));
    let mut out = vec![resource(r, "AWS::EC2::NetworkAcl", with_tags(m, v))];
    for (key, egress) in [("ingress", false), ("egress", true)] {
        for (i, e) in items(v, key).iter().enumerate() {
            // A block unknown until apply: an entry whose every part is unknown.
            let unknown = json!({"rule_no": e, "action": e, "protocol": e, "cidr_block": e});
            let e = if unknown_reason(e).is_some() {
                &unknown
            } else {
                e
            };
            let mut m = entry(e, "rule_no", "action");
            m["NetworkAclId"] = me(r);
            m["Egress"] = egress.into();
            let ty = "AWS::EC2::NetworkAclEntry";
            out.push(extra(r, &format!("{key}{i}"), ty, set(m)));
        }
    }
    let ty = "AWS::EC2::SubnetNetworkAclAssociation";
    for (i, s) in items(v, "subnet_ids").iter().enumerate() {
        let m = json!({"NetworkAclId": me(r), "SubnetId": link(all, s, SUBNET)});
        out.push(extra(r, &format!("subnet{i}"), ty, set(m)));
    }
    out
}

/// A network ACL rule (an `aws_network_acl` block, or an `aws_network_acl_rule`) as a
/// template entry, its number and action at the keys given.
fn entry(e: &Value, number: &str, action: &str) -> Value {
    let (from, to) = (given(e, "from_port"), given(e, "to_port"));
    let ports = (from.is_some() || to.is_some())
        .then(|| Value::Object(set(json!({"From": from, "To": to}))));
    json!({
        "RuleNumber": given(e, number), "RuleAction": given(e, action).map(lower),
        "Protocol": given(e, "protocol").map(acl_protocol),
        "CidrBlock": given(e, "cidr_block"), "Ipv6CidrBlock": given(e, "ipv6_cidr_block"),
        "PortRange": ports,
    })
}

/// A network ACL rule's protocol as the number a template entry takes: the provider takes a
/// name too (`tcp`) and gives EC2 its number (aws_network_acl_rule, provider docs).
fn acl_protocol(p: &Value) -> Value {
    let Some(s) = p.as_str() else {
        return p.clone();
    };
    match s.to_ascii_lowercase().as_str() {
        "all" | "-1" => (-1).into(),
        "icmp" => 1.into(),
        "tcp" => 6.into(),
        "udp" => 17.into(),
        "icmpv6" => 58.into(),
        n => n.parse::<i64>().map_or_else(|_| p.clone(), Value::from),
    }
}

/// A load balancer's type, as the provider gives it (`application` unless told).
fn lb_type(v: &Value) -> String {
    let kind = given(v, "load_balancer_type").and_then(Value::as_str);
    kind.unwrap_or("application").to_ascii_lowercase()
}

fn load_balancer(r: &Planned, all: &[Planned]) -> Vec<Out> {
    let v = &r.values;
    let scheme = given(v, "internal").map(|i| match i {
        Value::Bool(true) => json!("internal"),
        Value::Bool(false) => json!("internet-facing"),
        unknown => unknown.clone(),
    });
    // The arguments the provider sets as load balancer attributes, at their keys (ELB API
    // reference, LoadBalancerAttribute); the HTTP ones are for application load balancers only,
    // gateway load balancers have no access logs.
    let kind = lb_type(v);
    let http = |k: &str| given(v, k).filter(|_| kind == "application");
    let logs = block(v, "access_logs").filter(|_| kind != "gateway");
    let log = |k: &str| logs.and_then(|l| given(l, k));
    // `enabled` defaults to false: a block naming a bucket alone writes no logs (aws_lb
    // access_logs, provider docs).
    let logging = logs.map(|l| given(l, "enabled").cloned().unwrap_or(false.into()));
    let attributes = set(json!({
        "deletion_protection.enabled": given(v, "enable_deletion_protection"),
        "routing.http.drop_invalid_header_fields.enabled": http("drop_invalid_header_fields"),
        "routing.http.desync_mitigation_mode": http("desync_mitigation_mode"),
        "access_logs.s3.enabled": logging, "access_logs.s3.bucket": log("bucket"),
        "access_logs.s3.prefix": log("prefix"),
    }));
    let text = |x: Value| match x {
        Value::Bool(b) => b.to_string().into(),
        other => other,
    };
    let attribute = |(k, x): (String, Value)| json!({"Key": k, "Value": text(x)});
    let attributes: Vec<Value> = attributes.into_iter().map(attribute).collect();
    let m = set(json!({
        "Name": given(v, "name"), "Type": given(v, "load_balancer_type"), "Scheme": scheme,
        "SecurityGroups": links(all, given(v, "security_groups"), GROUP),
        "LoadBalancerAttributes": attributes,
    }));
    vec![resource(
        r,
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        with_tags(m, v),
    )]
}

fn listener(r: &Planned, all: &[Planned]) -> Vec<Out> {
    let v = &r.values;
    let lb = given(v, "load_balancer_arn");
    let alb = lb
        .and_then(|l| target(all, l, LB))
        .map(|t| lb_type(&t.values));
    let protocol = given(v, "protocol").cloned().or_else(|| {
        // An application load balancer's listener is HTTP unless told (aws_lb_listener,
        // provider docs).
        (alb.as_deref() == Some("application")).then(|| "HTTP".into())
    });
    let certificates =
        given(v, "certificate_arn").map(|c| json!([{"CertificateArn": certificate(all, c)}]));
    let action = |a: &Value| {
        let redirect = block(a, "redirect").map(|rc| {
            json!({"Protocol": given(rc, "protocol"), "Port": given(rc, "port"),
                "StatusCode": given(rc, "status_code")})
        });
        let action = json!({"Type": given(a, "type"), "RedirectConfig": redirect.map(set)});
        Value::Object(set(action))
    };
    let actions = match given(v, "default_action") {
        Some(Value::Array(_)) => blocks(v, "default_action").iter().map(action).collect(),
        Some(unknown) => unknown.clone(),
        None => json!([]),
    };
    let m = set(json!({
        "LoadBalancerArn": lb.map(|l| link(all, l, LB)), "Port": given(v, "port"),
        "Protocol": protocol, "SslPolicy": given(v, "ssl_policy"),
        "Certificates": certificates, "DefaultActions": actions,
    }));
    vec![resource(r, "AWS::ElasticLoadBalancingV2::Listener", m)]
}

/// A listener's certificate: one ACM issues in the plan (`aws_acm_certificate`, or the ARN its
/// `aws_acm_certificate_validation` gives) has an ACM ARN, known at apply.
fn certificate(all: &[Planned], c: &Value) -> Value {
    let acm = reference(c)
        .and_then(|_| target(all, c, &[]))
        .filter(|t| t.resource_type.starts_with("aws_acm_certificate"));
    match acm {
        Some(t) => format!(
            "arn:aws:acm:${{AWS::Region}}:${{AWS::AccountId}}:certificate/${{{}}}",
            t.logical_id
        )
        .into(),
        None => c.clone(),
    }
}

#[cfg(test)]
#[path = "../translate_network_tests.rs"]
mod tests;
