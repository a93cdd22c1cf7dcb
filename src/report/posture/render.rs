//! The posture through minijinja templates: `reports/templates/`, embedded in the binary,
//! or a user's own (`--template DIR`). HTML is auto-escaped as HTML, Markdown as Markdown
//! (estate text cannot add links, images or markup to a pull-request comment).

use std::path::Path;

use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment};

use super::Posture;

/// The templates vigil ships, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "posture.md.j2",
        include_str!("../../../reports/templates/posture.md.j2"),
    ),
    (
        "posture.html.j2",
        include_str!("../../../reports/templates/posture.html.j2"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("template {name}: {source:#}")]
    Template {
        name: String,
        #[source]
        source: minijinja::Error,
    },
    #[error("reading template {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Markdown-escapes text: the characters that would make emphasis, code, links, images,
/// HTML or table cells are backslash-escaped; line breaks become spaces.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '>' | '<' => {
                out.push('\\');
                out.push(ch);
            }
            '&' => out.push_str("&amp;"),
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn environment(dir: Option<&Path>) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".md.j2") || name.ends_with(".md") {
            AutoEscape::Custom("markdown".into())
        } else {
            minijinja::default_auto_escape_callback(name)
        }
    });
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Custom(n) if n == "markdown") {
            if value.is_safe() || value.is_none() {
                if !value.is_none() {
                    write!(out, "{value}")?;
                }
            } else {
                write!(out, "{}", md_escape(&value.to_string()))?;
            }
            Ok(())
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    for (name, text) in TEMPLATES {
        let own = dir.map(|d| d.join(name)).filter(|p| p.is_file());
        let text: String = match own {
            Some(p) => std::fs::read_to_string(&p).map_err(|source| Error::Read {
                path: p.display().to_string(),
                source,
            })?,
            None => text.to_string(),
        };
        env.add_template_owned(name.to_string(), text)
            .map_err(|source| Error::Template {
                name: name.to_string(),
                source,
            })?;
    }
    Ok(env)
}

/// The posture as templates see it: all of it but the top-level `findings` list (a large
/// estate has 100,000 of them; the HTML page lists each control's most severe ones, in
/// `extra.drill`).
#[derive(serde::Serialize)]
struct View<'a> {
    baseline: &'a str,
    baseline_version: &'a str,
    catalog_version: &'a str,
    generated_at: &'a str,
    vigil_version: &'a str,
    rules_digest: &'a str,
    audit_head: Option<&'a str>,
    accounts: &'a [String],
    scans: &'a [super::ScanRef],
    summary: &'a super::Summary,
    families: &'a [super::FamilySummary],
    trend: &'a [super::TrendPoint],
    controls: &'a [super::ControlPosture],
    code_drift: Option<DriftView<'a>>,
}

/// Drift from the code as the templates show it: one line per changed attribute (one per
/// resource without any), each value as JSON text.
#[derive(serde::Serialize)]
struct DriftView<'a> {
    sources: &'a [String],
    controls: &'static [&'static str],
    summary: &'a crate::iac::drift::Summary,
    errors: &'a [String],
    lines: Vec<DriftLine<'a>>,
}

#[derive(serde::Serialize)]
struct DriftLine<'a> {
    status: serde_json::Value,
    /// `file:line name` where the code declares it.
    declared_at: String,
    live: &'a str,
    resource_type: &'a str,
    path: &'a str,
    declared: String,
    value: String,
}

impl<'a> DriftView<'a> {
    fn of(d: &'a crate::iac::drift::CodeDrift) -> Self {
        let text = |v: &Option<serde_json::Value>| {
            v.as_ref().map_or("(absent)".to_string(), |v| v.to_string())
        };
        let mut lines = Vec::new();
        for r in &d.resources {
            let line = |path: &'a str, declared: String, value: String| DriftLine {
                status: serde_json::to_value(r.status).unwrap_or_default(),
                declared_at: r.declared.as_ref().map_or(String::new(), |o| {
                    let name = o.address.as_deref().unwrap_or(&o.logical_id);
                    format!("{}:{} {name}", o.file, o.line)
                }),
                live: r.live.as_deref().unwrap_or(""),
                resource_type: &r.resource_type,
                path,
                declared,
                value,
            };
            if r.changes.is_empty() {
                lines.push(line("", String::new(), String::new()));
            }
            for c in &r.changes {
                lines.push(line(&c.path, text(&c.declared), text(&c.live)));
            }
        }
        DriftView {
            sources: &d.sources,
            controls: d.controls,
            summary: &d.summary,
            errors: &d.errors,
            lines,
        }
    }
}

impl<'a> View<'a> {
    fn of(p: &'a Posture) -> Self {
        View {
            baseline: p.baseline,
            baseline_version: &p.baseline_version,
            catalog_version: &p.catalog_version,
            generated_at: &p.generated_at,
            vigil_version: p.vigil_version,
            rules_digest: &p.rules_digest,
            audit_head: p.audit_head.as_deref(),
            accounts: &p.accounts,
            scans: &p.scans,
            summary: &p.summary,
            families: &p.families,
            trend: &p.trend,
            controls: &p.controls,
            code_drift: p.code_drift.as_ref().map(DriftView::of),
        }
    }
}

/// Renders one of the templates with the posture and the values made for it.
pub fn render(name: &str, p: &Posture, extra: Value, dir: Option<&Path>) -> Result<String, Error> {
    let env = environment(dir)?;
    let err = |source| Error::Template {
        name: name.to_string(),
        source,
    };
    let t = env.get_template(name).map_err(err)?;
    t.render(minijinja::context! { p => Serde(View::of(p)), extra => extra })
        .map_err(err)
}

/// The Markdown report.
pub fn markdown(p: &Posture, dir: Option<&Path>) -> Result<String, Error> {
    render("posture.md.j2", p, Value::UNDEFINED, dir)
}

/// The stylesheet the HTML report inlines (yours when `DIR/posture.css` exists).
pub const CSS: &str = include_str!("../../../reports/templates/posture.css");

/// The HTML report's Content-Security-Policy for a stylesheet: nothing may load, and only
/// that exact stylesheet applies.
pub fn csp(css: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'none'; base-uri 'none'; form-action 'none'"
    )
}

/// Findings listed per control in the HTML page (the exports have every one).
const DRILL: usize = 50;

/// The HTML report: one self-contained file.
pub fn html(p: &Posture, dir: Option<&Path>) -> Result<String, Error> {
    use super::svg;
    let own = dir.map(|d| d.join("posture.css")).filter(|p| p.is_file());
    let css = match own {
        Some(path) => std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.display().to_string(),
            source,
        })?,
        None => CSS.to_string(),
    };
    let s = &p.summary.counts;
    let classes = svg::stacked_bar(
        "Controls by class",
        &[
            ("automated", s.automated, "s-auto"),
            ("partial", s.partial, "s-partial"),
            ("organizational", s.organizational, "s-org"),
            ("not applicable / inherited", s.not_applicable, "s-decl"),
            ("gap", s.gap, "s-gap"),
        ],
        640,
    );
    let assessed = s.automated + s.partial;
    let status = svg::stacked_bar(
        "Assessed controls by status",
        &[
            ("pass", s.pass.min(assessed), "s-pass"),
            ("fail", s.fail, "s-fail"),
            ("not assessed", s.not_assessed, "s-na"),
        ],
        640,
    );
    let sparks: std::collections::BTreeMap<String, Value> = p
        .families
        .iter()
        .filter(|_| p.trend.len() > 1)
        .map(|f| {
            let fails: Vec<usize> = p
                .trend
                .iter()
                .map(|t| t.families.get(&f.id).map(|c| c.fail).unwrap_or(0))
                .collect();
            (
                f.id.clone(),
                Value::from_safe_string(svg::sparkline(&fails)),
            )
        })
        .collect();
    // Each control's findings, most severe first, at most DRILL of them in the page.
    let by_id: std::collections::HashMap<i64, &super::ControlFinding> =
        p.findings.iter().map(|f| (f.id, f)).collect();
    let rank = |s: &str| match s {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        "low" => 3,
        _ => 4,
    };
    let mut drill = std::collections::BTreeMap::new();
    let mut more = std::collections::BTreeMap::new();
    for c in p.controls.iter().filter(|c| !c.findings.is_empty()) {
        let mut list: Vec<&super::ControlFinding> = c
            .findings
            .iter()
            .filter_map(|id| by_id.get(id).copied())
            .collect();
        list.sort_by_key(|f| (rank(&f.severity), f.rule.as_str(), f.resource.as_str()));
        if list.len() > DRILL {
            more.insert(c.id.clone(), list.len() - DRILL);
            list.truncate(DRILL);
        }
        drill.insert(c.id.clone(), Value::from(Serde(list)));
    }
    let extra = minijinja::context! {
        drill => drill,
        more => more,
        csp => csp(&css),
        css => Value::from_safe_string(css),
        open_findings => p.summary.open_findings.values().sum::<usize>(),
        sparks => sparks,
        charts => minijinja::context! {
            classes => Value::from_safe_string(classes),
            status => Value::from_safe_string(status),
            families => Value::from_safe_string(svg::families(&p.families)),
            trend => Value::from_safe_string(svg::trend(&p.trend)),
        },
    };
    render("posture.html.j2", p, extra, dir)
}
