//! The edge and the account's guards: ACM certificates, Elastic IPs with their associations,
//! WAFv2 web ACLs with their logging, launch templates, GuardDuty detectors with their
//! features, Security Hub, and the AWS Config recorder with its status and delivery channel.
//!
//! A block given once is a list of one in the plan (`options`, `visibility_config`); an
//! argument the configuration leaves out and the provider computes is known only after apply
//! and left out, so the template's default (AWS's) applies. Terraform says a few things no
//! template property does, each put where the template documents look: a NAT gateway's
//! Elastic IP (a patch on the gateway, whose own translation leaves it out), a recorder being
//! started (`aws_config_configuration_recorder_status`, a `Recording` patch on the recorder).

use serde_json::{json, Map, Value};

use super::{
    append, block, blocks, extra, given, link, patch, props, resource, target, with_tags,
    without_empty, Out,
};
use crate::iac::cfn::resolve::unknown_reason;
use crate::iac::terraform::plan::Planned;

const INSTANCE: &[&str] = &["aws_instance"];
const EIP: &[&str] = &["aws_eip"];
const NAT: &[&str] = &["aws_nat_gateway"];
const WEB_ACL: &[&str] = &["aws_wafv2_web_acl"];
const DETECTOR: &[&str] = &["aws_guardduty_detector"];
const RECORDER: &[&str] = &["aws_config_configuration_recorder"];
const GROUP: &[&str] = &["aws_security_group"];

/// The template resources `r` becomes, if it is one of this area's types.
pub(super) fn translate(r: &Planned, all: &[Planned]) -> Option<Vec<Out>> {
    let v = &r.values;
    let one = |o: Option<Out>| o.into_iter().collect::<Vec<_>>();
    Some(match r.resource_type.as_str() {
        "aws_acm_certificate" => return certificate(r),
        "aws_eip" => eip(r, all),
        "aws_eip_association" => vec![association(r, all)],
        "aws_wafv2_web_acl" => vec![web_acl(r)],
        "aws_wafv2_web_acl_logging_configuration" => {
            let acl = given(v, "resource_arn").map(|a| link(all, a, WEB_ACL));
            let m = set(json!({
                "ResourceArn": acl, "LogDestinationConfigs": given(v, "log_destination_configs"),
            }));
            vec![resource(r, "AWS::WAFv2::LoggingConfiguration", m)]
        }
        "aws_guardduty_detector" => {
            // `enable` "Defaults to `true`" (aws_guardduty_detector, provider docs).
            let enable = given(v, "enable").cloned().unwrap_or(true.into());
            let m = set(json!({
                "Enable": enable,
                "FindingPublishingFrequency": given(v, "finding_publishing_frequency"),
            }));
            vec![resource(r, "AWS::GuardDuty::Detector", with_tags(m, v))]
        }
        "aws_guardduty_detector_feature" => {
            let feature = set(json!({"Name": given(v, "name"), "Status": given(v, "status")}));
            let on = v.get("detector_id");
            one(append(all, on, DETECTOR, "Features", json!([feature])))
        }
        "aws_securityhub_account" => {
            let m = without_empty(props(
                v,
                &[
                    ("enable_default_standards", "EnableDefaultStandards"),
                    ("auto_enable_controls", "AutoEnableControls"),
                    ("control_finding_generator", "ControlFindingGenerator"),
                ],
            ));
            vec![resource(r, "AWS::SecurityHub::Hub", m)]
        }
        "aws_config_configuration_recorder" => vec![recorder(r)],
        // Starts or stops the recorder its `name` names.
        "aws_config_configuration_recorder_status" => {
            let enabled = given(v, "is_enabled").cloned().unwrap_or(false.into());
            one(patch(all, v.get("name"), RECORDER, "Recording", enabled))
        }
        "aws_config_delivery_channel" => {
            let m = without_empty(props(
                v,
                &[
                    ("name", "Name"),
                    ("s3_bucket_name", "S3BucketName"),
                    ("sns_topic_arn", "SnsTopicARN"),
                ],
            ));
            vec![resource(r, "AWS::Config::DeliveryChannel", m)]
        }
        "aws_launch_template" => vec![launch_template(r, all)],
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

/// The deploy-time identifier of `r`'s attribute `attr` (`${aws_eip/ip.AllocationId}`).
fn me(r: &Planned, attr: &str) -> Value {
    Value::String(format!("${{{}.{attr}}}", r.logical_id))
}

/// A boolean the provider takes as text (`"true"`, `"false"`, `""` for not set) as the
/// boolean a template takes; `None` when not set.
fn flag(v: &Value, key: &str) -> Option<Value> {
    match given(v, key)? {
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true.into()),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false.into()),
        other => Some(other.clone()),
    }
}

/// A requested certificate; `None` for an imported one (`certificate_body`), which no template
/// resource makes (CloudFormation only requests certificates), so it is listed as unsupported.
fn certificate(r: &Planned) -> Option<Vec<Out>> {
    let v = &r.values;
    if given(v, "certificate_body").is_some() || given(v, "private_key").is_some() {
        return None;
    }
    let mut m = without_empty(props(
        v,
        &[
            ("domain_name", "DomainName"),
            ("subject_alternative_names", "SubjectAlternativeNames"),
            ("validation_method", "ValidationMethod"),
            ("key_algorithm", "KeyAlgorithm"),
            ("certificate_authority_arn", "CertificateAuthorityArn"),
        ],
    ));
    let preference = block(v, "options").and_then(|o| match unknown_reason(o) {
        Some(_) => Some(o),
        None => given(o, "certificate_transparency_logging_preference"),
    });
    if let Some(p) = preference {
        m.insert("CertificateTransparencyLoggingPreference".into(), p.clone());
    }
    let cert = resource(r, "AWS::CertificateManager::Certificate", with_tags(m, v));
    Some(vec![cert])
}

/// An Elastic IP; one put on a network interface as the association the template would
/// declare; a patch naming it on each NAT gateway of the plan that takes it.
fn eip(r: &Planned, all: &[Planned]) -> Vec<Out> {
    let v = &r.values;
    // `vpc = true`, deprecated in provider 5.x, is `domain = "vpc"`.
    let vpc = (v.get("vpc") == Some(&Value::Bool(true))).then(|| json!("vpc"));
    let m = set(json!({
        "InstanceId": given(v, "instance").map(|i| link(all, i, INSTANCE)),
        "Domain": given(v, "domain").cloned().or(vpc),
        "Address": given(v, "address"), "PublicIpv4Pool": given(v, "public_ipv4_pool"),
    }));
    let mut out = vec![resource(r, "AWS::EC2::EIP", with_tags(m, v))];
    if let Some(nic) = given(v, "network_interface") {
        let m = set(json!({
            "AllocationId": me(r, "AllocationId"), "NetworkInterfaceId": nic,
            "PrivateIpAddress": given(v, "associate_with_private_ip"),
        }));
        out.push(extra(r, "association", "AWS::EC2::EIPAssociation", m));
    }
    out.extend(nat_patches(r, all));
    out
}

/// A patch on each NAT gateway of the plan whose `allocation_id` names `r`, setting the
/// template's `AllocationId` through which the Elastic IP's document sees it is in use.
fn nat_patches(r: &Planned, all: &[Planned]) -> Vec<Out> {
    let takes = |n: &&Planned| {
        let id = given(&n.values, "allocation_id");
        n.resource_type == "aws_nat_gateway"
            && id.and_then(|i| target(all, i, EIP)).map(|t| &t.logical_id) == Some(&r.logical_id)
    };
    let on = |n: &Planned| Value::String(format!("${{{}}}", n.logical_id));
    let allocation = me(r, "AllocationId");
    let one = |n: &Planned| patch(all, Some(&on(n)), NAT, "AllocationId", allocation.clone());
    all.iter().filter(takes).filter_map(one).collect()
}

/// An `aws_eip_association` as the template's association, naming the address by its
/// allocation (`${aws_eip/ip}`) or its public IP.
fn association(r: &Planned, all: &[Planned]) -> Out {
    let v = &r.values;
    let to = |k: &str, types: &[&str]| given(v, k).map(|x| link(all, x, types));
    let m = set(json!({
        "AllocationId": to("allocation_id", EIP), "EIP": given(v, "public_ip"),
        "InstanceId": to("instance_id", INSTANCE),
        "NetworkInterfaceId": given(v, "network_interface_id"),
        "PrivateIpAddress": given(v, "private_ip_address"),
    }));
    resource(r, "AWS::EC2::EIPAssociation", m)
}

/// A web ACL with its default action (`{Allow: {}}` or `{Block: {}}`), rules and visibility.
fn web_acl(r: &Planned) -> Out {
    let v = &r.values;
    let default_action = block(v, "default_action").map(|d| match unknown_reason(d) {
        Some(_) => d.clone(),
        None if block(d, "block").is_some() => json!({"Block": {}}),
        None if block(d, "allow").is_some() => json!({"Allow": {}}),
        None => Value::Null,
    });
    let visibility = block(v, "visibility_config").map(|c| match unknown_reason(c) {
        Some(_) => c.clone(),
        None => Value::Object(set(json!({
            "CloudWatchMetricsEnabled": given(c, "cloudwatch_metrics_enabled"),
            "MetricName": given(c, "metric_name"),
            "SampledRequestsEnabled": given(c, "sampled_requests_enabled"),
        }))),
    });
    let m = set(json!({
        "Name": given(v, "name"), "Scope": given(v, "scope"),
        "DefaultAction": default_action, "Rules": rules(v),
        "VisibilityConfig": visibility,
    }));
    resource(r, "AWS::WAFv2::WebACL", with_tags(m, v))
}

/// A web ACL's rules, by name and priority: its `rule` blocks, or the rules its `rule_json`
/// gives in the API's shape; a list unknown until apply as it is.
fn rules(v: &Value) -> Value {
    let named = |b: &Value| match unknown_reason(b) {
        Some(_) => b.clone(),
        None => Value::Object(set(
            json!({"Name": given(b, "name"), "Priority": given(b, "priority")}),
        )),
    };
    if let Some(text) = given(v, "rule_json") {
        let parsed = text.as_str().and_then(|t| serde_json::from_str(t).ok());
        let api = |b: &Value| set(json!({"Name": b.get("Name"), "Priority": b.get("Priority")}));
        return match parsed {
            Some(Value::Array(a)) => a.iter().map(api).map(Value::Object).collect(),
            _ => text.clone(),
        };
    }
    match v.get("rule") {
        Some(u) if unknown_reason(u).is_some() => u.clone(),
        _ => blocks(v, "rule").iter().map(named).collect(),
    }
}

/// A configuration recorder with its recording group, stopped until its status resource says.
fn recorder(r: &Planned) -> Out {
    let v = &r.values;
    let group = block(v, "recording_group").map(|g| match unknown_reason(g) {
        Some(_) => g.clone(),
        None => {
            let listed =
                |b: &str| block(g, b).map(|x| json!({"ResourceTypes": x.get("resource_types")}));
            let strategy =
                block(g, "recording_strategy").map(|s| json!({"UseOnly": given(s, "use_only")}));
            Value::Object(set(json!({
                "AllSupported": given(g, "all_supported"),
                "IncludeGlobalResourceTypes": given(g, "include_global_resource_types"),
                "ResourceTypes": given(g, "resource_types"),
                "ExclusionByResourceTypes": listed("exclusion_by_resource_types"),
                "RecordingStrategy": strategy,
            })))
        }
    });
    // The provider creates a recorder stopped; `aws_config_configuration_recorder_status`
    // starts it (aws_config_configuration_recorder, provider docs), patching `Recording`.
    let m = set(json!({
        "Name": given(v, "name"), "RoleARN": given(v, "role_arn"),
        "RecordingGroup": group, "Recording": false,
    }));
    resource(r, "AWS::Config::ConfigurationRecorder", m)
}

/// A launch template as the template's `LaunchTemplateData`, which an instance launched from
/// it reads (its metadata options) as a template's instance does.
fn launch_template(r: &Planned, all: &[Planned]) -> Out {
    let v = &r.values;
    let profile = block(v, "iam_instance_profile")
        .map(|p| set(json!({"Arn": given(p, "arn"), "Name": given(p, "name")})));
    let groups = given(v, "vpc_security_group_ids").map(|g| match g {
        Value::Array(a) => a.iter().map(|x| link(all, x, GROUP)).collect(),
        other => other.clone(),
    });
    let data = set(json!({
        "ImageId": given(v, "image_id"), "InstanceType": given(v, "instance_type"),
        "UserData": given(v, "user_data"), "SecurityGroupIds": groups,
        "IamInstanceProfile": profile.filter(|p| !p.is_empty()),
        "MetadataOptions": block(v, "metadata_options").map(metadata),
        "BlockDeviceMappings": listed(v, "block_device_mappings", device),
        "NetworkInterfaces": listed(v, "network_interfaces", interface),
    }));
    let m = set(json!({"LaunchTemplateName": given(v, "name"), "LaunchTemplateData": data}));
    resource(r, "AWS::EC2::LaunchTemplate", m)
}

/// Each of the blocks at `key` mapped by `f` (one unknown until apply as it is); none when
/// there are none.
fn listed(v: &Value, key: &str, f: fn(&Value) -> Value) -> Option<Value> {
    if let Some(u) = v.get(key).filter(|u| unknown_reason(u).is_some()) {
        return Some(u.clone());
    }
    let each = |b: &Value| unknown_reason(b).map_or_else(|| f(b), |_| b.clone());
    let out: Vec<Value> = blocks(v, key).iter().map(each).collect();
    (!out.is_empty()).then(|| out.into())
}

/// A `metadata_options` block as the template's `MetadataOptions`; one unknown until apply
/// leaves its tokens and endpoint unknown.
fn metadata(o: &Value) -> Value {
    if unknown_reason(o).is_some() {
        return json!({"HttpTokens": o, "HttpEndpoint": o});
    }
    Value::Object(set(json!({
        "HttpTokens": given(o, "http_tokens"), "HttpEndpoint": given(o, "http_endpoint"),
        "HttpPutResponseHopLimit": given(o, "http_put_response_hop_limit"),
    })))
}

/// A `block_device_mappings` block as a template's mapping, its EBS flags as booleans.
fn device(d: &Value) -> Value {
    let ebs = block(d, "ebs").map(|e| {
        set(json!({
            "Encrypted": flag(e, "encrypted"), "KmsKeyId": given(e, "kms_key_id"),
            "VolumeSize": given(e, "volume_size"), "VolumeType": given(e, "volume_type"),
            "DeleteOnTermination": flag(e, "delete_on_termination"),
        }))
    });
    Value::Object(set(
        json!({"DeviceName": given(d, "device_name"), "Ebs": ebs}),
    ))
}

/// A `network_interfaces` block as a template's interface.
fn interface(n: &Value) -> Value {
    Value::Object(set(json!({
        "DeviceIndex": given(n, "device_index"),
        "AssociatePublicIpAddress": flag(n, "associate_public_ip_address"),
        "SubnetId": given(n, "subnet_id"), "Groups": given(n, "security_groups"),
    })))
}

#[cfg(test)]
#[path = "../translate_edge_tests.rs"]
mod tests;
