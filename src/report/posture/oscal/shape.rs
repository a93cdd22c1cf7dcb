//! The typed shapes of the OSCAL items there are many of (one or more per failure): built
//! from borrowed posture text and serialized as they are written, no map per item.

use std::sync::LazyLock;

use serde::Serialize;
use serde_json::Value;

use super::{deadline, nist_severity, uuid, NS};
use crate::report::stream::Seq;

/// A prop of the items there are one of per failure (typed: no map built per item).
#[derive(Serialize)]
pub(super) struct Prop<'a> {
    pub(super) name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) ns: Option<&'static str>,
    pub(super) value: std::borrow::Cow<'a, str>,
}

/// vigil's prop, left out when its value is blank.
pub(super) fn vprop<'a>(
    name: &'static str,
    value: impl Into<std::borrow::Cow<'a, str>>,
) -> Option<Prop<'a>> {
    let value = value.into();
    let value = match value {
        std::borrow::Cow::Borrowed(v) => std::borrow::Cow::Borrowed(v.trim()),
        std::borrow::Cow::Owned(v) => std::borrow::Cow::Owned(v.trim().to_string()),
    };
    (!value.is_empty()).then_some(Prop {
        name,
        ns: Some(NS),
        value,
    })
}

pub(super) fn vprops<'a>(list: impl IntoIterator<Item = Option<Prop<'a>>>) -> Vec<Prop<'a>> {
    list.into_iter().flatten().collect()
}

/// The one component the documents' actors are: vigil.
pub(super) static VIGIL: LazyLock<String> = LazyLock::new(|| uuid("component:vigil"));

#[derive(Serialize)]
pub(super) struct Actor {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    #[serde(rename = "actor-uuid")]
    pub(super) uuid: &'static str,
}

#[derive(Serialize)]
pub(super) struct Origin {
    pub(super) actors: [Actor; 1],
}

pub(super) fn vigil_origin() -> Origin {
    Origin {
        actors: [Actor {
            kind: "tool",
            uuid: VIGIL.as_str(),
        }],
    }
}

#[derive(Serialize)]
pub(super) struct Facet {
    pub(super) name: &'static str,
    pub(super) system: &'static str,
    pub(super) value: &'static str,
}

#[derive(Serialize)]
pub(super) struct Characterization {
    pub(super) origin: Origin,
    pub(super) facets: [Facet; 1],
}

#[derive(Serialize)]
pub(super) struct Remediation<'a> {
    pub(super) uuid: String,
    pub(super) lifecycle: &'static str,
    pub(super) title: String,
    pub(super) description: &'a str,
}

#[derive(Serialize)]
pub(super) struct Risk<'a> {
    pub(super) uuid: &'a str,
    pub(super) title: String,
    pub(super) description: &'a str,
    pub(super) statement: String,
    pub(super) props: Vec<Prop<'a>>,
    pub(super) status: &'static str,
    pub(super) characterizations: [Characterization; 1],
    #[serde(rename = "related-observations")]
    pub(super) observations: [ObservationRef<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) deadline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) remediations: Option<[Remediation<'a>; 1]>,
}

#[derive(Serialize)]
pub(super) struct Subject<'a> {
    #[serde(rename = "subject-uuid")]
    pub(super) uuid: &'a str,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) title: &'a str,
    pub(super) props: Vec<Prop<'a>>,
}

#[derive(Serialize)]
pub(super) struct InventoryItem<'a> {
    pub(super) uuid: &'a str,
    pub(super) description: &'a str,
    pub(super) props: [Prop<'a>; 2],
}

#[derive(Serialize)]
pub(super) struct PoamItem<'a> {
    pub(super) uuid: String,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) props: Vec<Prop<'a>>,
    #[serde(rename = "related-observations")]
    pub(super) observations: [ObservationRef<'a>; 1],
    #[serde(rename = "related-risks")]
    pub(super) risks: [RiskRef<'a>; 1],
}

#[derive(Serialize)]
pub(super) struct Observation<'a> {
    #[serde(flatten)]
    pub(super) head: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) subjects: Option<Seq<'a, Subject<'a>>>,
}

#[derive(Serialize)]
pub(super) struct ObservationRef<'a> {
    #[serde(rename = "observation-uuid")]
    pub(super) uuid: &'a str,
}

#[derive(Serialize)]
pub(super) struct RiskRef<'a> {
    #[serde(rename = "risk-uuid")]
    pub(super) uuid: &'a str,
}

/// An assessment-results `finding`: a control's status in one scan.
#[derive(Serialize)]
pub(super) struct ControlResult<'a> {
    #[serde(flatten)]
    pub(super) head: Value,
    #[serde(rename = "related-observations", skip_serializing_if = "Vec::is_empty")]
    pub(super) observations: Vec<ObservationRef<'a>>,
    #[serde(rename = "related-risks", skip_serializing_if = "Option::is_none")]
    pub(super) risks: Option<Seq<'a, RiskRef<'a>>>,
}

#[derive(Serialize)]
pub(super) struct Local<'a> {
    pub(super) components: [Value; 1],
    #[serde(rename = "inventory-items", skip_serializing_if = "Option::is_none")]
    pub(super) inventory: Option<Seq<'a, InventoryItem<'a>>>,
}

/// One `result`: a target scan.
#[derive(Serialize)]
pub(super) struct ScanResult<'a> {
    #[serde(flatten)]
    pub(super) head: Value,
    #[serde(rename = "local-definitions")]
    pub(super) local: Local<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) observations: Option<Seq<'a, Observation<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) findings: Option<Seq<'a, ControlResult<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) risks: Option<Seq<'a, Risk<'a>>>,
}

#[derive(Serialize)]
pub(super) struct Document<T> {
    #[serde(flatten)]
    pub(super) head: Value,
    #[serde(flatten)]
    pub(super) body: T,
}

#[derive(Serialize)]
pub(super) struct Results<'a> {
    pub(super) results: Seq<'a, OneResult<'a>>,
}

/// A `result`: a target scan's, or one built whole (drift from the code, a few rows).
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum OneResult<'a> {
    Scan(ScanResult<'a>),
    Whole(Value),
}

#[derive(Serialize)]
pub(super) struct Poam<'a> {
    #[serde(rename = "local-definitions")]
    pub(super) local: Local<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) observations: Option<Seq<'a, Observation<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) risks: Option<Seq<'a, Risk<'a>>>,
    #[serde(rename = "poam-items")]
    pub(super) items: Seq<'a, PoamItem<'a>>,
}

/// The risk of one failure.
pub(super) fn risk<'a>(x: &'a Failure, remediation: &'a str, observation: &'a str) -> Risk<'a> {
    let f = x.f;
    let mut props = vprops([
        vprop("finding-id", f.id.to_string()),
        vprop("severity", f.severity.as_str()),
        vprop("first-seen", f.first_seen.as_str()),
        vprop("target", f.target.as_str()),
    ]);
    if let Some(w) = &f.waiver {
        // A risk has no remarks: the waiver is its props, and its deadline is the expiry.
        props.extend(
            [
                vprop("waiver-id", w.id.to_string()),
                vprop("waiver-owner", w.owner.as_str()),
                vprop("waiver-reason", w.reason.as_str()),
                vprop("waiver-expires", w.expires_at.as_str()),
            ]
            .into_iter()
            .flatten(),
        );
    }
    Risk {
        uuid: &x.risk,
        title: format!("{} on {}", f.rule, f.resource),
        description: if f.message.trim().is_empty() {
            &f.rule
        } else {
            &f.message
        },
        statement: format!(
            "Rule {} found {} ({}) failing at `{}`; it maps to {}.",
            f.rule,
            f.resource,
            f.resource_type,
            f.path,
            f.controls.join(", ")
        ),
        props,
        status: if f.waiver.is_some() {
            "deviation-approved"
        } else {
            "open"
        },
        characterizations: [Characterization {
            origin: vigil_origin(),
            facets: [Facet {
                name: "severity",
                system: "http://csrc.nist.gov/ns/oscal",
                value: nist_severity(&f.severity),
            }],
        }],
        observations: [ObservationRef { uuid: observation }],
        deadline: deadline(f),
        remediations: (!remediation.trim().is_empty()).then(|| {
            [Remediation {
                uuid: uuid(&format!("remediation:{}:{}", f.rule, f.resource)),
                lifecycle: "recommendation",
                title: format!("Fix {}", f.rule),
                description: remediation,
            }]
        }),
    }
}

/// A failure of one scan, with its risk's UUID.
pub(super) struct Failure<'a> {
    pub(super) f: &'a super::super::ControlFinding,
    pub(super) risk: String,
}
