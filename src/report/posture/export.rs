//! Every export format by name, rendered from one posture: what `vigil report --format`
//! and the daemon's `[[reports]]` share.

use std::io::Write;
use std::path::Path;

use serde::Deserialize;

use super::Posture;
use crate::policy::RuleSet;
use crate::report::stream::pretty_json;

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

/// Writes one format to `w` as it renders (the large formats item by item).
pub fn write(
    format: Format,
    p: &Posture,
    rules: &RuleSet,
    template: Option<&Path>,
    oscal_version: &str,
    w: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        Format::Html => w.write_all(super::render::html(p, template)?.as_bytes())?,
        Format::Json => pretty_json(w, p)?,
        Format::Md => w.write_all(super::render::markdown(p, template)?.as_bytes())?,
        Format::Csv => super::csv::write(p, w)?,
        Format::OscalAr => super::oscal::write_assessment_results(p, oscal_version, w)?,
        Format::OscalPoam => super::oscal::write_poam(p, oscal_version, w)?,
        Format::Sarif => crate::report::sarif::write_live(rules, p, w)?,
        Format::Ocsf => super::ocsf::write(p, w)?,
    }
    Ok(())
}
