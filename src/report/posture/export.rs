//! Every export format by name, rendered from one posture: what `vigil report --format`
//! and the daemon's `[[reports]]` share.

use std::path::Path;

use serde::Deserialize;

use super::Posture;
use crate::policy::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// One self-contained HTML page (print it to PDF from a browser).
    Html,
    /// The posture model itself.
    Json,
    /// Markdown, for CI job summaries and pull-request comments.
    Md,
    /// One row per control × rule × failing resource (and per control × rule).
    Csv,
    /// OSCAL assessment-results.
    OscalAr,
    /// OSCAL plan of action and milestones, for the open and waived failures.
    OscalPoam,
    /// SARIF 2.1.0 for code-scanning UIs, each finding at a stand-in path.
    Sarif,
    /// OCSF 1.6 Compliance Finding events, one per line.
    Ocsf,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Json => "json",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::OscalAr => "oscal-ar",
            Format::OscalPoam => "oscal-poam",
            Format::Sarif => "sarif",
            Format::Ocsf => "ocsf",
        }
    }

    /// The file name ending a report of this format gets.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Json => "json",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::OscalAr => "oscal-ar.json",
            Format::OscalPoam => "oscal-poam.json",
            Format::Sarif => "sarif",
            Format::Ocsf => "ocsf.ndjson",
        }
    }
}

/// One format's text.
pub fn render(
    format: Format,
    p: &Posture,
    rules: &RuleSet,
    template: Option<&Path>,
    oscal_version: &str,
) -> anyhow::Result<String> {
    let pretty = |v: &serde_json::Value| -> anyhow::Result<String> {
        Ok(serde_json::to_string_pretty(v)? + "\n")
    };
    Ok(match format {
        Format::Html => super::render::html(p, template)?,
        Format::Json => serde_json::to_string_pretty(p)? + "\n",
        Format::Md => super::render::markdown(p, template)?,
        Format::Csv => super::csv::render(p)?,
        Format::OscalAr => pretty(&super::oscal::assessment_results(p, oscal_version))?,
        Format::OscalPoam => match super::oscal::poam(p, oscal_version) {
            Some(doc) => pretty(&doc)?,
            None => anyhow::bail!(
                "no open or waived failures in scans {}: a POA&M needs at least one item",
                p.scans
                    .iter()
                    .map(|s| s.id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        Format::Sarif => pretty(&crate::report::sarif::live(rules, p))?,
        Format::Ocsf => super::ocsf::render(p),
    })
}
