//! `[[reports]]`: reports the daemon makes on a cron: formats written to a directory, an
//! evidence pack (signed, uploaded to S3), a mail with the summary.

use std::path::PathBuf;

use serde::{Deserialize, Deserializer};

use super::validate::{self, key, Seg};
use crate::report::posture::export::Format;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Names the files (`NAME-20261201T060000Z.html`); default `posture`.
    #[serde(default = "default_name", deserialize_with = "name")]
    pub name: String,
    /// When (cron with seconds: `0 0 6 1 * *` is 06:00 UTC on the 1st).
    #[serde(default, deserialize_with = "validate::cron")]
    pub cron: String,
    /// low, moderate or high (default: `posture.baseline`).
    #[serde(default, deserialize_with = "super::posture::baseline")]
    pub baseline: Option<String>,
    /// Formats to write: html, json, md, csv, oscal-ar, oscal-poam, sarif, ocsf.
    #[serde(default)]
    pub formats: Vec<Format>,
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
    #[serde(default, deserialize_with = "validate::addresses")]
    pub mail_to: Vec<String>,
}

fn default_name() -> String {
    "posture".into()
}

fn name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |s: &String| {
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
            if let Err(e) = crate::report::pack::upload::parse_url(u) {
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
