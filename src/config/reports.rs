//! `[[reports]]`: reports the daemon makes on a cron: formats written to a directory, an
//! evidence pack (signed, uploaded to S3), a mail with the summary.

use std::path::PathBuf;

use serde::{Deserialize, Deserializer};

use super::de::{self, key, Seg};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Names the files (`NAME-20261201T060000Z.html`); default `posture`.
    #[serde(default = "default_name", deserialize_with = "name")]
    pub name: String,
    /// When (cron with seconds: `0 0 6 1 * *` is 06:00 UTC on the 1st).
    #[serde(default, deserialize_with = "de::cron")]
    pub cron: String,
    /// low, moderate or high (default: `posture.baseline`).
    #[serde(default, deserialize_with = "super::posture::baseline")]
    pub baseline: Option<String>,
    /// Formats to write: html, json, md, csv, oscal-ar, oscal-poam, sarif, ocsf.
    #[serde(default)]
    pub formats: Vec<ReportFormat>,
    /// Also an evidence pack (every format, snapshots, coverage, audit log).
    #[serde(default)]
    pub pack: bool,
    /// Signs the pack (a key from `vigil keys new`).
    pub sign_key: Option<PathBuf>,
    /// Where the files go.
    pub directory: Option<PathBuf>,
    /// And/or s3://bucket/prefix (the pack, with its public key).
    pub upload: Option<String>,
    /// An S3 endpoint for `upload` (a VPC endpoint, a test server).
    pub endpoint_url: Option<String>,
    /// Mail the Markdown summary (and the HTML report) to these addresses through
    /// `[notify.smtp]`.
    #[serde(default, deserialize_with = "de::addresses")]
    pub mail_to: Vec<String>,
}

fn default_name() -> String {
    "posture".into()
}

fn name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    de::checked(d, |s: &String| {
        if !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            Ok(())
        } else {
            Err(format!(
                "`{s}`: a report's name is letters, digits, `-` and `_`"
            ))
        }
    })
}

/// Each report has a cron, something to make and somewhere for it to go.
pub(super) fn checks(c: &super::Config) -> Vec<(Vec<Seg>, String)> {
    let mut out = Vec::new();
    for (i, r) in c.reports.iter().enumerate() {
        let at = |k: &str| vec![key("reports"), Seg::Index(i), key(k)];
        let what = format!("`reports[{}]`", i + 1);
        if r.cron.is_empty() {
            out.push((at("cron"), format!("{what}: `cron` is missing")));
        }
        if r.formats.is_empty() && !r.pack {
            out.push((
                at("formats"),
                format!("{what}: no `formats` and no `pack`: nothing to make"),
            ));
        }
        if r.directory.is_none() && r.upload.is_none() && r.mail_to.is_empty() {
            out.push((
                at("directory"),
                format!("{what}: no `directory`, `upload` or `mail_to`: nowhere for it to go"),
            ));
        }
        if let Some(u) = &r.upload {
            if let Err(e) = parse_s3_url(u) {
                out.push((at("upload"), format!("{what}: {e}")));
            } else if !r.pack {
                out.push((
                    at("upload"),
                    format!("{what}: `upload` sends the evidence pack: set `pack = true`"),
                ));
            }
        }
        if r.sign_key.is_some() && !r.pack {
            out.push((
                at("sign_key"),
                format!("{what}: `sign_key` signs the evidence pack: set `pack = true`"),
            ));
        }
        if !r.mail_to.is_empty() && c.notify.smtp.is_none() {
            out.push((
                at("mail_to"),
                format!("{what}: `mail_to` needs [notify.smtp]"),
            ));
        }
    }
    let mut names: Vec<&str> = c.reports.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        out.push((
            vec![key("reports")],
            format!("two `[[reports]]` are named `{}`: name each", w[0]),
        ));
    }
    out
}

/// A report format: what `vigil report --format` and `[[reports]] formats` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
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

impl ReportFormat {
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Json => "json",
            ReportFormat::Md => "md",
            ReportFormat::Csv => "csv",
            ReportFormat::OscalAr => "oscal-ar",
            ReportFormat::OscalPoam => "oscal-poam",
            ReportFormat::Sarif => "sarif",
            ReportFormat::Ocsf => "ocsf",
        }
    }

    /// The file name ending a report of this format gets.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Json => "json",
            ReportFormat::Md => "md",
            ReportFormat::Csv => "csv",
            ReportFormat::OscalAr => "oscal-ar.json",
            ReportFormat::OscalPoam => "oscal-poam.json",
            ReportFormat::Sarif => "sarif",
            ReportFormat::Ocsf => "ocsf.ndjson",
        }
    }
}

/// `s3://bucket/prefix` → (bucket, prefix without trailing slash).
pub fn parse_s3_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| format!("`{url}` is not an s3://bucket/prefix URL"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("`{url}` names no bucket"));
    }
    Ok((bucket.to_string(), prefix.trim_matches('/').to_string()))
}
