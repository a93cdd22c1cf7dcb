//! The edge and the account's guards: ACM certificates, Elastic IPs (with the
//! `AWS::EC2::EIPAssociation` or NAT gateway that associates them), WAFv2 web ACLs (with their
//! `AWS::WAFv2::LoggingConfiguration`), and the guards the live scan reads once per region:
//! GuardDuty's detector, Security Hub, and the AWS Config recorder (with the
//! `AWS::Config::DeliveryChannel` that lets it start).
//!
//! The live guard documents are one per region, present whether the guard is on or not (a
//! region without a detector is `detector/none` with status `NONE`). A template declaring one
//! says "this stack turns it on in the region it is deployed to": its document is the region's
//! guard as the stack leaves it, so a detector created with `Enable: false` fails as the live
//! `DISABLED` one does. A template without one says nothing about its region's guards; the
//! live scan judges those.
//!
//! A certificate's expiry (`NotAfter`) is set when ACM issues it, and what uses it (`InUseBy`)
//! is known to ACM once a load balancer or distribution takes it; both are left out. The
//! expiry rule (ACM-AWS-001) judges only certificates in use, so it has nothing to judge here,
//! which is its verdict on the deployed certificate too: ACM issues certificates valid for
//! months (ACM user guide, certificate characteristics), far beyond the rule's days. Putting
//! either back as unknown would leave every certificate a listener takes "unknown until
//! deploy" (a missing or unknown `NotAfter` fails the rule at both extremes) for no reason.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::refs::{done, each, id_of, joined};
use super::{name, or, text_of, Mapped, Parts};
use crate::iac::cfn::resolve::{unknown, unknown_reason, Resolved};
use crate::model::aws::{self, Place};

/// The types joined into this area's resources.
pub(super) const JOINED: &[&str] = &[
    "AWS::EC2::EIPAssociation",
    "AWS::WAFv2::LoggingConfiguration",
    "AWS::Config::DeliveryChannel",
];

/// The start of an ACM certificate's ARN; a certificate's `Ref` is its ARN, which the load
/// balancers' listeners of a template hold the same way.
const ACM_ARN: &str = "arn:aws:acm:${AWS::Region}:${AWS::AccountId}:certificate/";

/// Where a certificate's transparency logging preference is in its document.
const TRANSPARENCY: &str = "config.Options.CertificateTransparencyLoggingPreference";

/// Not a template property: whether a Terraform plan's recorder is started (its
/// `aws_config_configuration_recorder_status`). A template's recorder is started by
/// CloudFormation, once a delivery channel is there.
const RECORDING: &str = "Recording";

/// `r`'s document, if it is one of this area's types.
pub(super) fn build(r: &Resolved, all: &[Resolved]) -> Option<Mapped> {
    Some(match r.resource_type.as_str() {
        "AWS::CertificateManager::Certificate" => certificate(r),
        "AWS::EC2::EIP" => eip(r, all),
        "AWS::WAFv2::WebACL" => web_acl(r, all),
        "AWS::GuardDuty::Detector" => detector(r),
        "AWS::SecurityHub::Hub" => hub(r),
        "AWS::Config::ConfigurationRecorder" => recorder(r, all),
        _ => return None,
    })
}

/// A certificate ACM issues (or a private CA signs), with ACM's defaults.
fn certificate(r: &Resolved) -> Mapped {
    let p = &r.properties;
    // A certificate a private CA signs (CertificateAuthorityArn) is PRIVATE; else ACM issues
    // it (AWS::CertificateManager::Certificate reference).
    let kind = match p.get("CertificateAuthorityArn") {
        Some(_) => "PRIVATE",
        None => "AMAZON_ISSUED",
    };
    let transparency = "CertificateTransparencyLoggingPreference";
    let doc = json!({
        "CertificateArn": format!("{ACM_ARN}{}", text_of(&id_of(r, None))),
        "DomainName": p.get("DomainName"), "Type": kind,
        // ACM API reference, RequestCertificate KeyAlgorithm: "Default: RSA_2048".
        "KeyAlgorithm": or(p, "KeyAlgorithm", "RSA_2048"),
        // The template reference: leaving the preference out "is the same as explicitly
        // enabling" it.
        "Options": { transparency: or(p, transparency, "ENABLED") },
    });
    done(doc, r, certificate_finish)
}

/// The first of the resources joined.
fn first(joined: Vec<&Resolved>) -> Option<&Resolved> {
    joined.into_iter().next()
}

/// A certificate's document; a transparency preference unknown until deploy at `ENABLED` and
/// at `DISABLED`, the only values it takes (the text would pass either way).
fn certificate_finish(
    json: Value,
    tags: BTreeMap<String, String>,
    place: &Place,
) -> Result<Parts, String> {
    let words = ("ENABLED", "DISABLED");
    super::switched::<aws::acm::Certificate>(json, tags, place, TRANSPARENCY, words)
}

/// An Elastic IP, associated when its `InstanceId`, an association or a NAT gateway says.
fn eip(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let association = first(joined(all, "AWS::EC2::EIPAssociation", "AllocationId", r))
        .or_else(|| first(joined(all, "AWS::EC2::EIPAssociation", "EIP", r)));
    let nat = first(joined(all, "AWS::EC2::NatGateway", "AllocationId", r));
    // Associated by the address's own InstanceId, by an association, or by a NAT gateway
    // taking it; the association's id is known once deployed.
    let own = id_of(r, Some("AssociationId"));
    let (association_id, instance, interface) = match (p.get("InstanceId"), association) {
        (Some(i), _) => (own, Some(i), None),
        (None, Some(a)) => {
            let q = &a.properties;
            let (i, n) = (q.get("InstanceId"), q.get("NetworkInterfaceId"));
            (id_of(a, None), i, n)
        }
        (None, None) if nat.is_some() => (own, None, None),
        (None, None) => (Value::Null, None, None),
    };
    let doc = json!({
        "AllocationId": id_of(r, Some("AllocationId")),
        // The `Ref` of an EIP is its address; one asked for (Address) is that one.
        "PublicIp": p.get("Address").cloned().unwrap_or_else(|| id_of(r, None)),
        // AWS::EC2::EIP reference, Domain: the network, `vpc` (EC2-Classic, the only other,
        // was retired in 2023).
        "Domain": or(p, "Domain", "vpc"),
        "AssociationId": association_id, "InstanceId": instance,
        "NetworkInterfaceId": interface,
    });
    done(doc, r, super::finish::<aws::ec2::Eip>)
}

/// A web ACL with its rules (by name and priority) and where its logging configuration logs.
fn web_acl(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    // GetLoggingConfiguration's destinations; none when nothing logs the web ACL.
    let logging = first(joined(
        all,
        "AWS::WAFv2::LoggingConfiguration",
        "ResourceArn",
        r,
    ));
    let destinations = logging.and_then(|l| l.properties.get("LogDestinationConfigs"));
    let rule = |x: &Value| json!({"Name": x.get("Name"), "Priority": x.get("Priority")});
    let doc = json!({
        "Name": text_of(&name(r, "Name")),
        "Id": id_of(r, Some("Id")), "ARN": id_of(r, Some("Arn")),
        "Scope": p.get("Scope"),
        // `{Allow: {}}` or `{Block: {}}`, as GetWebACL gives it; the document names it.
        "DefaultAction": p.get("DefaultAction"),
        "Rules": each(p.get("Rules"), rule),
        "VisibilityConfig": p.get("VisibilityConfig"),
        "LogDestinationConfigs": destinations.cloned().unwrap_or_else(|| json!([])),
    });
    done(doc, r, super::finish::<aws::wafv2::WebAcl>)
}

/// The region's GuardDuty detector as the stack creates it.
fn detector(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let feature = |f: &Value| json!({"Name": f.get("Name"), "Status": f.get("Status")});
    let doc = json!({
        "DetectorId": id_of(r, None),
        "Status": switch(p.get("Enable"), ("ENABLED", "DISABLED"))
            .map_err(|e| format!("AWS::GuardDuty::Detector: property Enable {e}"))?,
        "FindingPublishingFrequency": p.get("FindingPublishingFrequency"),
        "Features": each(p.get("Features"), feature),
    });
    done(doc, r, detector_finish)
}

/// A detector's document; an `Enable` unknown until deploy as `ENABLED` and as `DISABLED`.
fn detector_finish(
    json: Value,
    tags: BTreeMap<String, String>,
    place: &Place,
) -> Result<Parts, String> {
    let words = ("ENABLED", "DISABLED");
    super::switched::<aws::guards::Detector>(json, tags, place, "config.Status", words)
}

/// A required boolean property (`v`) as the status word the API gives, `(on, off)`; an
/// unknown one stays unknown.
fn switch(v: Option<&Value>, (on, off): (&str, &str)) -> Result<Value, String> {
    match v {
        Some(Value::Bool(b)) => Ok(if *b { on } else { off }.into()),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(on.into()),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(off.into()),
        Some(u) if unknown_reason(u).is_some() => Ok(u.clone()),
        Some(other) => Err(format!("{other} is not a boolean")),
        None => Err("is required".into()),
    }
}

/// The region's Security Hub subscription, which the stack turns on.
fn hub(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let doc = json!({
        // The stack subscribes the region; the hub's `Ref` is its ARN.
        "Enabled": true, "HubArn": id_of(r, None),
        // AWS::SecurityHub::Hub reference, AutoEnableControls: "By default, this is set to
        // true, and new controls are enabled automatically."
        "AutoEnableControls": or(p, "AutoEnableControls", true),
    });
    done(doc, r, super::finish::<aws::guards::Hub>)
}

/// The region's AWS Config recorder with its recording group and whether it records.
fn recorder(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let group = p.get("RecordingGroup");
    // Without a recording group a recorder records every supported type but the global IAM
    // ones (Config API reference, PutConfigurationRecorder); a group records all only when
    // it says so (RecordingGroup allSupported, false unless set).
    let (all_supported, global) = match group {
        None => (json!(true), json!(false)),
        Some(g) if unknown_reason(g).is_some() => (g.clone(), g.clone()),
        Some(g) => (
            or(g, "AllSupported", false),
            or(g, "IncludeGlobalResourceTypes", false),
        ),
    };
    let listed = |at: &str| group.and_then(|g| g.pointer(at)).cloned();
    let doc = json!({
        "Name": text_of(&name(r, "Name")), "RoleARN": p.get("RoleARN"),
        "AllSupported": all_supported, "IncludeGlobalResourceTypes": global,
        "ResourceTypes": listed("/ResourceTypes"),
        "ExclusionTypes": listed("/ExclusionByResourceTypes/ResourceTypes"),
        "Recording": recording(p, all),
    });
    done(doc, r, super::finish::<aws::guards::ConfigurationRecorder>)
}

/// Whether the recorder records once deployed: CloudFormation "starts the recorder as soon as
/// the delivery channel is available" (AWS::Config::ConfigurationRecorder reference), so with
/// a channel in the template it does; without one, it does if the region already has one,
/// which is not known here. A plan's recorder says it itself ([`RECORDING`]).
fn recording(p: &Value, all: &[Resolved]) -> Value {
    if let Some(v) = p.get(RECORDING) {
        return v.clone();
    }
    let channels = all
        .iter()
        .filter(|c| c.resource_type == "AWS::Config::DeliveryChannel");
    let (mut any, mut sure) = (false, false);
    for c in channels {
        any = true;
        sure |= c.unknown_condition.is_none();
    }
    match (any, sure) {
        (_, true) => Value::Bool(true),
        (true, false) => unknown("the template's delivery channel may not be created"),
        (false, _) => unknown(
            "no AWS::Config::DeliveryChannel in the template: the recorder starts once the \
             region has one",
        ),
    }
}

#[cfg(test)]
#[path = "edge_tests.rs"]
mod tests;
