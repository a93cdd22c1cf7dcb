//! Networking and compute: security groups (with their separate ingress and egress rules), EBS
//! volumes, instances, VPCs (with their flow logs), subnets, network ACLs (with their entries and
//! subnet associations), NAT gateways (with the routes through them), ELBv2 load balancers (with
//! their listeners and web ACL). An id is what a `Ref` gives (`${Sg}`), as others hold it.

use serde_json::{json, Value};

use super::refs::{done, each, id_of, joined, refers, target, text};
use super::{name, or, text_of, Mapped};
use crate::iac::cfn::resolve::{unknown, unknown_reason, Resolved};
use crate::model::aws;

/// The start of an instance profile's ARN, and of an ACM certificate's.
const PROFILE_ARN: &str = "arn:aws:iam::${AWS::AccountId}:instance-profile/";
const ACM_ARN: &str = "arn:aws:acm:${AWS::Region}:${AWS::AccountId}:certificate/";

/// The types joined into this area's resources.
pub(super) const JOINED: &[&str] = &[
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::NetworkAclEntry",
    "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::EC2::VolumeAttachment",
    "AWS::EC2::FlowLog",
    "AWS::EC2::Route",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::WAFv2::WebACLAssociation",
];

/// `r`'s document, if it is one of this area's types.
pub(super) fn build(r: &Resolved, all: &[Resolved]) -> Option<Mapped> {
    Some(match r.resource_type.as_str() {
        "AWS::EC2::SecurityGroup" => security_group(r, all),
        "AWS::EC2::Volume" => volume(r, all),
        "AWS::EC2::Instance" => instance(r, all),
        "AWS::EC2::VPC" => vpc(r, all),
        "AWS::EC2::Subnet" => subnet(r),
        "AWS::EC2::NetworkAcl" => network_acl(r, all),
        "AWS::EC2::NatGateway" => nat_gateway(r, all),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => load_balancer(r, all),
        _ => return None,
    })
}

/// `VpcId` of the subnet of the template that `v` refers to.
fn vpc_of<'a>(v: Option<&Value>, all: &'a [Resolved]) -> Option<&'a Value> {
    target(v, "AWS::EC2::Subnet", all)?.properties.get("VpcId")
}

/// The items of a list property; none when it is absent or not a list.
fn items(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// A number written as text as the number (`"22"` → `22`), so that equal ports compare equal.
fn number(v: &Value) -> Value {
    let n = v.as_str().and_then(|s| s.parse::<i64>().ok());
    n.map_or_else(|| v.clone(), Value::from)
}

fn security_group(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let given_name = p.get("GroupName").filter(|n| n.is_string());
    // A rule resource names its group by `GroupId` (`!Ref Sg`, `!GetAtt Sg.GroupId`), or by
    // `GroupName` (the group's name, or `!Ref Sg`, which gives it outside a VPC).
    let of = |q: &Value| {
        let by_name = given_name.is_some() && q.get("GroupName") == given_name;
        refers(q.get("GroupId"), r) || refers(q.get("GroupName"), r) || by_name
    };
    let separate = |ty: &str| -> Vec<Value> {
        let of_type = |j: &&Resolved| j.resource_type == ty && of(&j.properties);
        all.iter()
            .filter(of_type)
            .map(|j| j.properties.clone())
            .collect()
    };
    let empty = |v: &&Value| v.as_array().is_some_and(Vec::is_empty);
    let inline = |k: &str| p.get(k).filter(|v| !empty(v));
    let ingress = separate("AWS::EC2::SecurityGroupIngress");
    let mut egress = separate("AWS::EC2::SecurityGroupEgress");
    if inline("SecurityGroupEgress").is_none() {
        // Without egress rules of its own, a group gets one allowing all outbound IPv4 traffic
        // (AWS::EC2::SecurityGroup reference); a separate egress resource adds to it.
        egress.insert(0, json!({"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}));
    }
    let doc = json!({
        "GroupId": id_of(r, None), "GroupName": name(r, "GroupName"),
        "Description": p.get("GroupDescription"), "VpcId": p.get("VpcId"),
        "IpPermissions": permissions(inline("SecurityGroupIngress"), ingress, false),
        "IpPermissionsEgress": permissions(inline("SecurityGroupEgress"), egress, true),
    });
    done(doc, r, super::finish::<aws::ec2::SecurityGroup>)
}

/// CloudFormation's rules (inline, then the separate ones) as the permissions
/// DescribeSecurityGroups gives: one per protocol and port range, with all its peers.
fn permissions(inline: Option<&Value>, separate: Vec<Value>, egress: bool) -> Value {
    let rules: Vec<Value> = match inline {
        Some(Value::Array(a)) => a.iter().cloned().chain(separate).collect(),
        Some(unknown_list) => return unknown_list.clone(),
        None => separate,
    };
    let key = |v: &Value| ["IpProtocol", "FromPort", "ToPort"].map(|k| v.get(k).cloned());
    let mut out: Vec<Value> = Vec::new();
    for rule in rules {
        if unknown_reason(&rule).is_some() {
            out.push(rule);
            continue;
        }
        let Some(p) = permission(&rule, egress) else {
            continue;
        };
        let same = |o: &&mut Value| unknown_reason(o).is_none() && key(o) == key(&p);
        let Some(Value::Object(o)) = out.iter_mut().find(same) else {
            out.push(p);
            continue;
        };
        for k in ["IpRanges", "Ipv6Ranges", "UserIdGroupPairs"] {
            if let Some(Value::Array(peers)) = o.get_mut(k) {
                for peer in items(p.get(k)) {
                    if !peers.contains(peer) {
                        peers.push(peer.clone());
                    }
                }
            }
        }
    }
    Value::Array(out)
}

/// One rule as a permission; `None` for a rule without a source or destination, which
/// CloudFormation creates without adding anything (AWS::EC2::SecurityGroupIngress reference).
fn permission(rule: &Value, egress: bool) -> Option<Value> {
    let get = |k: &str| rule.get(k);
    let group = match egress {
        true => get("DestinationSecurityGroupId"),
        false => get("SourceSecurityGroupId").or(get("SourceSecurityGroupName")),
    };
    let list = get(["SourcePrefixListId", "DestinationPrefixListId"][usize::from(egress)]);
    let (cidr, cidr6) = (get("CidrIp"), get("CidrIpv6"));
    if cidr.is_none() && cidr6.is_none() && group.is_none() && list.is_none() {
        return None;
    }
    // EC2 gives back the name of a protocol it names (`6` → `tcp`), in lower case.
    const NAMED: [&str; 4] = ["tcp", "udp", "icmp", "icmpv6"];
    let protocol = match get("IpProtocol").map(text) {
        Some(Value::String(s)) => {
            let s = s.to_ascii_lowercase();
            let named = ["6", "17", "1", "58"].iter().position(|n| *n == s);
            named.map_or(s, |i| NAMED[i].to_string()).into()
        }
        other => other.unwrap_or(Value::Null),
    };
    // Ports hold for TCP, UDP, ICMP and ICMPv6 only: for all traffic (-1) and other protocols
    // every port is open and EC2 keeps none (EC2 API reference, IpPermission).
    let ports = protocol.as_str().is_none_or(|s| NAMED.contains(&s));
    let port = |k: &str| get(k).filter(|_| ports).map(number);
    let one = |key: &str, v: Option<&Value>| json!(v.map_or(vec![], |v| vec![json!({ key: v })]));
    Some(json!({
        "IpProtocol": protocol, "FromPort": port("FromPort"), "ToPort": port("ToPort"),
        "IpRanges": one("CidrIp", cidr), "Ipv6Ranges": one("CidrIpv6", cidr6),
        "UserIdGroupPairs": one("GroupId", group),
    }))
}

fn volume(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let attachments = joined(all, "AWS::EC2::VolumeAttachment", "VolumeId", r);
    let attached = |a: &&Resolved| {
        let q = &a.properties;
        json!({"InstanceId": q.get("InstanceId"), "Device": q.get("Device"), "State": "attached"})
    };
    let doc = json!({
        "VolumeId": id_of(r, None), "Size": p.get("Size"), "KmsKeyId": p.get("KmsKeyId"),
        "AvailabilityZone": p.get("AvailabilityZone"), "SnapshotId": p.get("SnapshotId"),
        // AWS::EC2::Volume reference: VolumeType "Default: gp2".
        "VolumeType": or(p, "VolumeType", "gp2"),
        // Without it, a volume is encrypted when the region's EBS encryption by default is on
        // or its snapshot is encrypted (AWS::EC2::Volume reference): not known here.
        "Encrypted": p.get("Encrypted").cloned().unwrap_or_else(|| unknown(
            "Encrypted is not set: the region's EBS encryption by default decides it")),
        "State": if attachments.is_empty() { "available" } else { "in-use" },
        "Attachments": attachments.iter().map(attached).collect::<Vec<_>>(),
    });
    done(doc, r, super::finish::<aws::ec2::Volume>)
}

fn instance(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let primary = |n: &&Value| n.get("DeviceIndex").map(text) == Some("0".into());
    let primary = items(p.get("NetworkInterfaces")).iter().find(primary);
    let nic = |k: &str| primary.and_then(|n| n.get(k));
    let subnet = nic("SubnetId").or_else(|| p.get("SubnetId"));
    // `IamInstanceProfile` is the profile's name; the live document holds its ARN.
    let profile = |v: &Value| match target(Some(v), "AWS::IAM::InstanceProfile", all) {
        Some(t) => json!({"Arn": id_of(t, Some("Arn"))}),
        None => json!({"Arn": format!("{PROFILE_ARN}{}", text_of(v))}),
    };
    // The volumes it attaches; those its block device mappings make get ids at launch.
    let volume = |v: &Value| json!({"DeviceName": v.get("Device"), "VolumeId": v.get("VolumeId")});
    let doc = json!({
        "InstanceId": id_of(r, None),
        // AWS::EC2::Instance reference: InstanceType "Default: m1.small".
        "InstanceType": or(p, "InstanceType", "m1.small"), "ImageId": p.get("ImageId"),
        // CloudFormation's create completes once the instance runs.
        "State": {"Name": "running"},
        "PrivateIpAddress": p.get("PrivateIpAddress"),
        "PublicIpAddress": public_ip(r, all, nic("AssociatePublicIpAddress"), subnet),
        "SubnetId": subnet, "VpcId": vpc_of(subnet, all),
        "IamInstanceProfile": p.get("IamInstanceProfile").map(profile),
        "MetadataOptions": metadata_options(p, all),
        "SecurityGroups": instance_groups(p, nic("GroupSet")),
        "BlockDeviceMappings": each(p.get("Volumes"), volume),
    });
    done(doc, r, super::finish::<aws::ec2::Instance>)
}

/// The public IPv4 address an instance gets: an Elastic IP's; else as its primary interface's
/// `AssociatePublicIpAddress` says; else as its subnet's `MapPublicIpOnLaunch` does.
fn public_ip(r: &Resolved, all: &[Resolved], nic: Option<&Value>, subnet: Option<&Value>) -> Value {
    let ip = id_of(r, Some("PublicIp"));
    let eip = |e: &Resolved| {
        let ty = e.resource_type.as_str();
        ["AWS::EC2::EIP", "AWS::EC2::EIPAssociation"].contains(&ty)
            && refers(e.properties.get("InstanceId"), r)
    };
    let assign = match (nic, subnet) {
        _ if all.iter().any(eip) => return ip,
        (Some(a), _) => a,
        // No subnet: a default subnet, which maps public IPs (VPC user guide, default subnets).
        (None, None) => return ip,
        (None, Some(s)) if unknown_reason(s).is_some() => return s.clone(),
        (None, Some(s)) => match target(Some(s), "AWS::EC2::Subnet", all) {
            // AWS::EC2::Subnet reference: MapPublicIpOnLaunch "Default: false".
            Some(t) => &t.properties["MapPublicIpOnLaunch"],
            None => return unknown(format!("whether subnet {} maps public IPs", text_of(s))),
        },
    };
    match assign {
        Value::Bool(true) => ip,
        Value::String(s) if s.eq_ignore_ascii_case("true") => ip,
        u if unknown_reason(u).is_some() => u.clone(),
        _ => Value::Null,
    }
}

/// The instance's metadata options, each from the instance, else from the launch template it
/// names (when the template has it), else EC2's default.
fn metadata_options(p: &Value, all: &[Resolved]) -> Value {
    let by = |t: &Resolved, k: &str| {
        let v = p.get("LaunchTemplate").and_then(|lt| lt.get(k));
        refers(v, t) || (v.is_some() && v == t.properties.get(k))
    };
    let names = |t: &&Resolved| {
        let of_lt = t.resource_type == "AWS::EC2::LaunchTemplate";
        of_lt && (by(t, "LaunchTemplateId") || by(t, "LaunchTemplateName"))
    };
    let lt = all.iter().find(names);
    let from = |k: &str| {
        let in_lt = format!("/LaunchTemplateData/MetadataOptions/{k}");
        let given = p.pointer(&format!("/MetadataOptions/{k}"));
        given.or_else(|| lt?.properties.pointer(&in_lt)).cloned()
    };
    // AWS::EC2::Instance MetadataOptions reference: HttpEndpoint "Default: enabled". HttpTokens
    // is `required` for an AMI whose ImdsSupport is v2.0, else `optional`, unless the account's
    // IMDS defaults say otherwise (EC2 API reference, RunInstances): not known here.
    let tokens = "HttpTokens is not set: the AMI and the account's IMDS defaults decide it";
    json!({
        "HttpEndpoint": from("HttpEndpoint").unwrap_or_else(|| "enabled".into()),
        "HttpTokens": from("HttpTokens").unwrap_or_else(|| unknown(tokens)),
    })
}

/// The instance's security groups: by id, those of its primary interface, by name; without
/// any, its VPC's default group (EC2 API reference, RunInstances SecurityGroupIds).
fn instance_groups(p: &Value, nic_groups: Option<&Value>) -> Value {
    let (ids, names) = (p.get("SecurityGroupIds"), p.get("SecurityGroups"));
    let lists = [ids, nic_groups, names];
    let unknown_list = lists.iter().flatten().find(|v| unknown_reason(v).is_some());
    if let Some(u) = unknown_list {
        return (*u).clone();
    }
    let mut out: Vec<Value> = Vec::new();
    for (i, list) in lists.into_iter().enumerate() {
        let key = if i < 2 { "GroupId" } else { "GroupName" };
        out.extend(items(list).iter().map(|g| json!({ key: g })));
    }
    if out.is_empty() {
        out.push(json!({"GroupName": "default"}));
    }
    out.into()
}

fn vpc(r: &Resolved, all: &[Resolved]) -> Mapped {
    let log = |f: &&Resolved| {
        let q = &f.properties;
        json!({"FlowLogId": id_of(f, None), "FlowLogStatus": "ACTIVE",
            "TrafficType": q.get("TrafficType"),
            // AWS::EC2::FlowLog reference: LogDestinationType "Default: cloud-watch-logs".
            "LogDestinationType": or(q, "LogDestinationType", "cloud-watch-logs")})
    };
    let logs = joined(all, "AWS::EC2::FlowLog", "ResourceId", r);
    let doc = json!({
        "VpcId": id_of(r, None), "CidrBlock": r.properties.get("CidrBlock"),
        "IsDefault": false, "State": "available",
        "FlowLogs": logs.iter().map(log).collect::<Vec<_>>(),
    });
    done(doc, r, super::finish::<aws::ec2::Vpc>)
}

fn subnet(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let doc = json!({
        "SubnetId": id_of(r, None), "VpcId": p.get("VpcId"), "CidrBlock": p.get("CidrBlock"),
        "AvailabilityZone": p.get("AvailabilityZone"),
        // AWS::EC2::Subnet reference: MapPublicIpOnLaunch "Default: false"; a subnet made in a
        // stack is never its zone's default subnet.
        "MapPublicIpOnLaunch": or(p, "MapPublicIpOnLaunch", false), "DefaultForAz": false,
    });
    done(doc, r, super::finish::<aws::network::Subnet>)
}

fn network_acl(r: &Resolved, all: &[Resolved]) -> Mapped {
    let entry = |e: &&Resolved| {
        let e = &e.properties;
        // The API gives the protocol's number as text, and no ports for all traffic.
        let protocol = e.get("Protocol").map(text);
        let all_traffic = protocol.as_ref().and_then(Value::as_str) == Some("-1");
        json!({
            "RuleNumber": e.get("RuleNumber"), "Protocol": protocol,
            "RuleAction": e.get("RuleAction"), "Egress": or(e, "Egress", false),
            "CidrBlock": e.get("CidrBlock"), "Ipv6CidrBlock": e.get("Ipv6CidrBlock"),
            "PortRange": e.get("PortRange").filter(|_| !all_traffic),
        })
    };
    let entries = joined(all, "AWS::EC2::NetworkAclEntry", "NetworkAclId", r);
    let mut entries: Vec<Value> = entries.iter().map(entry).collect();
    // A new network ACL denies all traffic each way with its last rule, `*` (32767), which
    // DescribeNetworkAcls lists (VPC user guide, custom network ACLs).
    for egress in [false, true] {
        let deny = json!({"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny",
            "Egress": egress, "CidrBlock": "0.0.0.0/0"});
        entries.push(deny);
    }
    let ty = "AWS::EC2::SubnetNetworkAclAssociation";
    let associations = joined(all, ty, "NetworkAclId", r);
    let subnet = |a: &&Resolved| json!({"SubnetId": a.properties.get("SubnetId")});
    let doc = json!({
        "NetworkAclId": id_of(r, None), "VpcId": r.properties.get("VpcId"), "IsDefault": false,
        "Entries": entries,
        "Associations": associations.iter().map(subnet).collect::<Vec<_>>(),
    });
    done(doc, r, super::finish::<aws::network::NetworkAcl>)
}

fn nat_gateway(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let routes = joined(all, "AWS::EC2::Route", "NatGatewayId", r);
    let table = |t: &&Resolved| t.properties.get("RouteTableId").cloned();
    let doc = json!({
        "NatGatewayId": id_of(r, None), "SubnetId": p.get("SubnetId"),
        "VpcId": vpc_of(p.get("SubnetId"), all), "State": "available",
        // AWS::EC2::NatGateway reference: ConnectivityType "Default: public".
        "ConnectivityType": or(p, "ConnectivityType", "public"),
        "RoutedBy": routes.iter().filter_map(table).collect::<Vec<_>>(),
    });
    done(doc, r, super::finish::<aws::network::NatGateway>)
}

fn load_balancer(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    // Type "Default: application", Scheme "Default: internet-facing" (CloudFormation reference).
    let kind = or(p, "Type", "application");
    let ty = "AWS::ElasticLoadBalancingV2::Listener";
    let listeners = joined(all, ty, "LoadBalancerArn", r);
    let listeners: Vec<Value> = listeners.iter().map(|l| listener(l, all)).collect();
    let web_acl = joined(all, "AWS::WAFv2::WebACLAssociation", "ResourceArn", r);
    let doc = json!({
        "LoadBalancerName": name(r, "Name"), "LoadBalancerArn": id_of(r, None),
        "Type": kind, "Scheme": or(p, "Scheme", "internet-facing"),
        "DNSName": id_of(r, Some("DNSName")), "SecurityGroups": p.get("SecurityGroups"),
        "Attributes": attributes(p, kind.as_str()), "Listeners": listeners,
        "WebACLArn": web_acl.iter().find_map(|a| a.properties.get("WebACLArn")),
    });
    done(doc, r, super::finish::<aws::elbv2::LoadBalancer>)
}

/// `LoadBalancerAttributes` (`{Key, Value}`s) as DescribeLoadBalancerAttributes' map, over what
/// it gives for a new one of `kind` (ELB API reference, LoadBalancerAttribute: deletion protection
/// and access logs off, desync mitigation `defensive`, invalid headers kept; the last two: ALBs).
fn attributes(p: &Value, kind: Option<&str>) -> Value {
    let kind = kind.map_or("application".into(), str::to_ascii_lowercase);
    let mut m = json!({"deletion_protection.enabled": "false"});
    if kind != "gateway" {
        m["access_logs.s3.enabled"] = "false".into();
    }
    if kind == "application" {
        m["routing.http.desync_mitigation_mode"] = "defensive".into();
        m["routing.http.drop_invalid_header_fields.enabled"] = "false".into();
    }
    for a in items(p.get("LoadBalancerAttributes")) {
        if let (Some(Value::String(k)), Some(v)) = (a.get("Key"), a.get("Value")) {
            m[k.as_str()] = text(v);
        }
    }
    m
}

fn listener(l: &Resolved, all: &[Resolved]) -> Value {
    let p = &l.properties;
    let protocol = p.get("Protocol").and_then(Value::as_str);
    // ELB's default for a TLS listener not made in the console (ALB and NLB user guides,
    // security policies).
    let policy = match protocol.map(str::to_ascii_uppercase).as_deref() {
        Some("HTTPS" | "TLS") => Some(or(p, "SslPolicy", "ELBSecurityPolicy-2016-08")),
        _ => p.get("SslPolicy").cloned(),
    };
    let certificate = |c: &Value| {
        // The `Ref` of an ACM certificate is its ARN, an ACM one.
        let given = c.get("CertificateArn");
        let arn = match target(given, "AWS::CertificateManager::Certificate", all) {
            Some(t) => format!("{ACM_ARN}{}", text_of(&id_of(t, None))).into(),
            None => given.cloned().unwrap_or(Value::Null),
        };
        json!({ "CertificateArn": arn })
    };
    let action = |a: &Value| {
        let rc = a.get("RedirectConfig");
        let field = |k: &str| rc.and_then(|rc| rc.get(k)).map(text);
        let redirect = rc.map(|_| {
            json!({"Protocol": field("Protocol"), "Port": field("Port"),
                "StatusCode": field("StatusCode")})
        });
        json!({"Type": a.get("Type"), "RedirectConfig": redirect})
    };
    json!({
        "ListenerArn": id_of(l, None), "Port": p.get("Port"), "Protocol": p.get("Protocol"),
        "SslPolicy": policy,
        "Certificates": each(p.get("Certificates"), certificate),
        "DefaultActions": each(p.get("DefaultActions"), action),
    })
}

#[cfg(test)]
#[path = "network_tests.rs"]
mod tests;
