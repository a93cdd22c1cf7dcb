//! Every export format by name, rendered from one posture: what `vigil report --format`
//! and the daemon's `[[reports]]` share.

use std::io::Write;
use std::path::Path;

use super::Posture;
use crate::policy::RuleSet;
use crate::report::stream::pretty_json;

pub use crate::config::ReportFormat as Format;

/// Writes one format to `w` as it renders (the large formats item by item).
pub fn write(
    format: Format,
    p: &Posture,
    rules: &RuleSet,
    template: Option<&Path>,
    oscal_version: &str,
    w: &mut dyn Write,
) -> crate::report::Result<()> {
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
