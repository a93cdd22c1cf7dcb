//! `[posture]`: the baseline reports default to, and the operator's declarations about
//! controls: not applicable, inherited from a provider, or attested (each with an owner, a
//! reason and an expiry, like waivers).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};

use super::de::{self, key, Seg};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posture {
    /// `low`, `moderate` (the default) or `high`.
    #[serde(default, deserialize_with = "baseline")]
    pub baseline: Option<String>,
    /// `[[posture.controls]]`
    #[serde(default)]
    pub controls: Vec<PostureControl>,
}

impl Posture {
    pub fn level(&self) -> crate::controls::Level {
        self.baseline
            .as_deref()
            .and_then(crate::controls::Level::parse)
            .unwrap_or_default()
    }
}

/// One declaration about a control (or a family: `pe-*`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostureControl {
    /// `AC-1`, `ac-2.1`, `AC-2(1)` or a family wildcard `pe-*`.
    #[serde(default, deserialize_with = "control_pattern")]
    pub id: String,
    /// `not-applicable`, `inherited`, `satisfied` or `not-satisfied` (an attestation).
    #[serde(default, deserialize_with = "declaration")]
    pub status: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub reason: String,
    /// Where the evidence is (a document, a provider's authorization package).
    pub evidence: Option<String>,
    /// `2027-09-30` or an RFC 3339 time; after it the declaration no longer applies.
    #[serde(default, deserialize_with = "expiry")]
    pub expires: String,
}

impl PostureControl {
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        parse_expiry(&self.expires)
    }
}

/// Every declaration names its control, status, owner, reason and expiry.
pub(super) fn checks(c: &super::Config) -> Vec<(Vec<Seg>, String)> {
    let mut out = Vec::new();
    for (i, d) in c.posture.controls.iter().enumerate() {
        let fields = [
            ("id", &d.id),
            ("status", &d.status),
            ("owner", &d.owner),
            ("reason", &d.reason),
            ("expires", &d.expires),
        ];
        for (k, v) in fields {
            if v.trim().is_empty() {
                out.push((
                    vec![key("posture"), key("controls"), Seg::Index(i), key(k)],
                    format!("`posture.controls[{}]`: `{k}` is missing", i + 1),
                ));
            }
        }
    }
    out
}

/// A date (the end of that day, UTC) or an RFC 3339 time.
pub fn parse_expiry(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map(|t| t.and_utc())
}

pub(super) fn baseline<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    de::checked(d, |s: &String| match crate::controls::Level::parse(s) {
        Some(_) => Ok(()),
        None => Err(format!(
            "unknown baseline `{s}` (known: low, moderate, high)"
        )),
    })
    .map(Some)
}

fn control_pattern<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    de::checked(d, |s: &String| {
        let catalog = crate::controls::catalog();
        if let Some(family) = s.strip_suffix("-*") {
            return match catalog.family(&family.to_ascii_lowercase()) {
                Some(_) => Ok(()),
                None => Err(format!("`{s}`: no control family `{family}`")),
            };
        }
        match catalog.get(s) {
            Some(_) => Ok(()),
            None => Err(format!(
                "`{s}` is not a NIST SP 800-53 Rev. 5 control (like AC-2, AC-2(1) or pe-*)"
            )),
        }
    })
}

fn declaration<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    de::checked(d, |s: &String| match s.as_str() {
        "not-applicable" | "inherited" | "satisfied" | "not-satisfied" => Ok(()),
        s => Err(format!(
            "unknown status `{s}` (known: not-applicable, inherited, satisfied, not-satisfied)"
        )),
    })
}

fn expiry<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    de::checked(d, |s: &String| match parse_expiry(s) {
        Some(_) => Ok(()),
        None => Err(format!(
            "`{s}` is not a date (2027-09-30) or an RFC 3339 time"
        )),
    })
}
