//! The NIST SP 800-53 Rev. 5 catalog and its baselines, generated from NIST's OSCAL files
//! (`scripts/gen-nist-controls.py`) and embedded in the binary.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;

const CATALOG_TOML: &str = include_str!("../nist-controls/800-53r5.toml");
const LOW_TOML: &str = include_str!("../nist-controls/baselines/low.toml");
const MODERATE_TOML: &str = include_str!("../nist-controls/baselines/moderate.toml");
const HIGH_TOML: &str = include_str!("../nist-controls/baselines/high.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Control {
    /// OSCAL id: `ac-2`, `ac-2.1`.
    pub id: String,
    /// Human label: `AC-2`, `AC-2(1)`.
    pub label: String,
    pub title: String,
    pub family: String,
    #[serde(default)]
    pub withdrawn: bool,
}

#[derive(Debug, Deserialize)]
struct RawCatalog {
    version: String,
    control: Vec<Control>,
}

#[derive(Debug, Deserialize)]
struct RawBaseline {
    controls: Vec<String>,
}

#[derive(Debug)]
pub struct Catalog {
    pub version: String,
    controls: BTreeMap<String, Control>,
    pub low: BTreeSet<String>,
    pub moderate: BTreeSet<String>,
    pub high: BTreeSet<String>,
}

/// The embedded catalog, parsed once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let raw: RawCatalog =
            toml::from_str(CATALOG_TOML).expect("embedded NIST catalog is valid TOML");
        let baseline = |s: &str| -> BTreeSet<String> {
            toml::from_str::<RawBaseline>(s)
                .expect("embedded NIST baseline is valid TOML")
                .controls
                .into_iter()
                .collect()
        };
        Catalog {
            version: raw.version,
            controls: raw.control.into_iter().map(|c| (c.id.clone(), c)).collect(),
            low: baseline(LOW_TOML),
            moderate: baseline(MODERATE_TOML),
            high: baseline(HIGH_TOML),
        }
    })
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls.get(&normalize(id)?)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.controls.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.controls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.controls.is_empty()
    }
}

/// Normalizes `AC-6(10)`, `ac-6.10`, `AC-6.10` or `AC-06(10)` to the OSCAL id `ac-6.10`.
/// Returns None when the text is not shaped like a control id.
pub fn normalize(id: &str) -> Option<String> {
    let id = id.trim().to_ascii_lowercase();
    let (family, rest) = id.split_once('-')?;
    if family.len() != 2 || !family.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let (base, enh) = if let Some(open) = rest.find('(') {
        let inner = rest[open + 1..].strip_suffix(')')?;
        (&rest[..open], Some(inner))
    } else if let Some((b, e)) = rest.split_once('.') {
        (b, Some(e))
    } else {
        (rest, None)
    };
    let num = |s: &str| -> Option<u32> {
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    let base = num(base)?;
    match enh {
        Some(e) => Some(format!("{family}-{base}.{}", num(e)?)),
        None => Some(format!("{family}-{base}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_every_spelling() {
        assert_eq!(normalize("AC-6(10)").as_deref(), Some("ac-6.10"));
        assert_eq!(normalize("ac-6.10").as_deref(), Some("ac-6.10"));
        assert_eq!(normalize("AC-06").as_deref(), Some("ac-6"));
        assert_eq!(normalize("SC-28").as_deref(), Some("sc-28"));
        assert_eq!(normalize("AC-6(").as_deref(), None);
        assert_eq!(normalize("XYZ-1").as_deref(), None);
        assert_eq!(normalize("AC-x"), None);
    }

    #[test]
    fn catalog_has_every_control_and_baseline_ids_exist() {
        let c = catalog();
        assert_eq!(c.len(), 1189);
        assert_eq!(c.get("AC-6(10)").unwrap().label, "AC-6(10)");
        assert!(c.get("AC-3(1)").unwrap().withdrawn);
        assert_eq!(c.low.len(), 149);
        assert_eq!(c.moderate.len(), 287);
        assert_eq!(c.high.len(), 370);
        for id in c.low.iter().chain(&c.moderate).chain(&c.high) {
            assert!(c.get(id).is_some(), "{id} missing from the catalog");
        }
    }
}
