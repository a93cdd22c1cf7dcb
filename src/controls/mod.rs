//! The NIST SP 800-53 Rev. 5 catalog and its baselines, generated from NIST's OSCAL files
//! (`scripts/gen-nist-controls.py`) and embedded in the binary.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;

mod assessment;

pub use assessment::{assessment, classify, curated, Assessment, Curated};

const CATALOG_TOML: &str = include_str!("../../nist-controls/800-53r5.toml");
const LOW_TOML: &str = include_str!("../../nist-controls/baselines/low.toml");
const MODERATE_TOML: &str = include_str!("../../nist-controls/baselines/moderate.toml");
const HIGH_TOML: &str = include_str!("../../nist-controls/baselines/high.toml");

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

#[derive(Debug, Clone, Deserialize)]
pub struct Family {
    /// `ac`
    pub id: String,
    pub title: String,
}

#[derive(Debug, Deserialize)]
struct RawCatalog {
    version: String,
    family: Vec<Family>,
    control: Vec<Control>,
}

/// A control as a baseline's resolved catalog describes it (NIST SP 800-53B and 800-53A).
#[derive(Debug, Clone, Deserialize)]
pub struct BaselineControl {
    pub id: String,
    /// `organization`, `system`, or both.
    pub implementation_level: Vec<String>,
    /// The 800-53A assessment methods: `examine`, `interview`, `test`.
    pub methods: Vec<String>,
    /// The assessment objective's part id (`ac-2_obj`).
    pub objective: Option<String>,
}

impl BaselineControl {
    pub fn system_level(&self) -> bool {
        self.implementation_level.iter().any(|l| l == "system")
    }
    pub fn organization_level(&self) -> bool {
        self.implementation_level
            .iter()
            .any(|l| l == "organization")
    }
    pub fn testable(&self) -> bool {
        self.methods.iter().any(|m| m == "test")
    }
}

#[derive(Debug, Deserialize)]
pub struct Baseline {
    /// `LOW`, `MODERATE`, `HIGH`.
    #[serde(rename = "baseline")]
    pub name: String,
    /// The baseline profile's version (`5.1.1+u4`).
    pub version: String,
    #[serde(rename = "control")]
    pub controls: Vec<BaselineControl>,
    #[serde(skip)]
    ids: BTreeSet<String>,
}

impl Baseline {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }
    pub fn len(&self) -> usize {
        self.controls.len()
    }
    pub fn is_empty(&self) -> bool {
        self.controls.is_empty()
    }
}

/// Which baseline: `low`, `moderate` or `high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    #[default]
    Moderate,
    High,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some(Level::Low),
            "moderate" => Some(Level::Moderate),
            "high" => Some(Level::High),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Moderate => "moderate",
            Level::High => "high",
        }
    }
}

#[derive(Debug)]
pub struct Catalog {
    pub version: String,
    pub families: Vec<Family>,
    controls: BTreeMap<String, Control>,
    pub low: Baseline,
    pub moderate: Baseline,
    pub high: Baseline,
}

/// The embedded catalog, parsed once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let raw: RawCatalog =
            toml::from_str(CATALOG_TOML).expect("embedded NIST catalog is valid TOML");
        let baseline = |s: &str| -> Baseline {
            let mut b: Baseline = toml::from_str(s).expect("embedded NIST baseline is valid TOML");
            b.ids = b.controls.iter().map(|c| c.id.clone()).collect();
            b
        };
        Catalog {
            version: raw.version,
            families: raw.family,
            controls: raw.control.into_iter().map(|c| (c.id.clone(), c)).collect(),
            low: baseline(LOW_TOML),
            moderate: baseline(MODERATE_TOML),
            high: baseline(HIGH_TOML),
        }
    })
}

impl Catalog {
    pub fn baseline(&self, level: Level) -> &Baseline {
        match level {
            Level::Low => &self.low,
            Level::Moderate => &self.moderate,
            Level::High => &self.high,
        }
    }

    pub fn family(&self, id: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.id == id)
    }

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
        for b in [&c.low, &c.moderate, &c.high] {
            for bc in &b.controls {
                let control = c.get(&bc.id).unwrap_or_else(|| panic!("{} missing", bc.id));
                assert!(!control.withdrawn, "{} is withdrawn", bc.id);
                assert_eq!(
                    bc.objective.as_deref(),
                    Some(format!("{}_obj", bc.id).as_str())
                );
                assert!(!bc.implementation_level.is_empty(), "{}", bc.id);
                assert!(c.family(&control.family).is_some());
            }
        }
        // 800-53B: each baseline contains the one below it.
        assert!(c.low.controls.iter().all(|x| c.moderate.contains(&x.id)));
        assert!(c.moderate.controls.iter().all(|x| c.high.contains(&x.id)));
        let sc28 = c
            .moderate
            .controls
            .iter()
            .find(|x| x.id == "sc-28")
            .unwrap();
        assert!(sc28.system_level() && sc28.testable() && !sc28.organization_level());
    }
}
