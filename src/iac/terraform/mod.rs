//! Terraform plans before apply (`terraform show -json`): each planned `aws_*` resource is
//! translated into the template resource that makes the same thing ([`translate`]), so the
//! template documents, their joins and the unknown-until-deploy verdicts serve both. Findings
//! name the full module address, and `file:line` of the resource block when the source
//! directory is given ([`source`]).

pub mod config;
pub mod group;
pub mod plan;
pub mod source;
#[cfg(test)]
pub(crate) mod testing;
pub mod translate;

use std::path::{Path, PathBuf};

use crate::iac::cfn::{self, Loaded, Origin};
use crate::model::aws::Place;

/// A plan's text: UTF-8, or UTF-16 with its byte-order mark (what PowerShell's `>` writes).
fn text(bytes: Vec<u8>) -> String {
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        [0xFE, 0xFF, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Reads each plan in `plans`; `source_dir` is the Terraform configuration's directory, for
/// `file:line`. A plan that cannot be read is an error naming it; the others are still read.
pub fn load(plans: &[PathBuf], source_dir: Option<&Path>) -> Loaded {
    let mut out = Loaded::default();
    let sources = source_dir.map(source::Sources::new);
    for p in plans {
        out.files += 1;
        let file = p.display().to_string();
        let text = match std::fs::read(p).map(text) {
            Ok(t) => t,
            Err(e) => {
                out.errors.push(format!("{file}: {e}"));
                continue;
            }
        };
        let plan = match plan::read(&file, &text) {
            Ok(plan) => plan,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        out.plans += 1;
        out.warnings.extend(plan.warnings.iter().cloned());
        let region = plan.region.clone().unwrap_or_default();
        let place = Place {
            account: "",
            region: &region,
        };
        for group in group::groups(&plan.resources) {
            let part: Vec<plan::Planned> =
                group.iter().map(|&i| plan.resources[i].clone()).collect();
            add(&mut out, &part, &plan, &file, sources.as_ref(), &place);
        }
    }
    out
}

/// Translates one group of a plan's resources and adds their documents to `out`.
fn add(
    out: &mut Loaded,
    part: &[plan::Planned],
    plan: &plan::Plan,
    file: &str,
    sources: Option<&source::Sources>,
    place: &Place,
) {
    let translated = translate::translate(part);
    out.joined += translated.joined;
    for (t, n) in &translated.unsupported {
        *out.unsupported.entry(t.clone()).or_default() += n;
    }
    let planned = |logical: &str| {
        // `logical#policy`: a resource made from an argument of `logical`.
        let base = logical.split('#').next().unwrap_or(logical);
        part.iter().find(|r| r.logical_id == base)
    };
    let origin = |logical: &str| {
        let Some(r) = planned(logical) else {
            return Origin {
                file: file.to_string(),
                line: 1,
                logical_id: logical.to_string(),
                address: Some(logical.to_string()),
            };
        };
        let (at, line) = sources
            .and_then(|s| s.locate(&r.module_address, &r.resource_type, &r.name, &plan.config))
            .unwrap_or_else(|| (file.to_string(), r.line));
        Origin {
            file: at,
            line,
            logical_id: r.address.clone(),
            address: Some(r.address.clone()),
        }
    };
    let id_of = |logical: &str| {
        let address = planned(logical).map_or(logical, |r| r.address.as_str());
        format!("{file}#{address}")
    };
    let before = std::mem::take(&mut out.unsupported);
    cfn::add(out, &translated.resources, place, &origin, &id_of);
    // A translated resource with no document is named by its Terraform type.
    let without = std::mem::replace(&mut out.unsupported, before);
    for t in without.keys() {
        for r in translated
            .resources
            .iter()
            .filter(|r| &r.resource_type == t)
        {
            let tf = planned(&r.logical_id).map_or(t.as_str(), |p| p.resource_type.as_str());
            *out.unsupported.entry(tf.to_string()).or_default() += 1;
        }
    }
}
