//! `vigil scan --templates` / `--terraform-plan`: CloudFormation templates and Terraform plans
//! checked before deploy with the AWS rules; findings name the file and line, and the logical
//! id or the Terraform address; nothing is stored.

use std::process::ExitCode;

use chrono::Utc;

use super::scan::{Args, ScanFormat};
use vigil::model::Severity;
use vigil::report;

/// Reads, evaluates and prints; exits 2 when a file or resource could not be read, else 1
/// when a finding is at or above `fail_on`. Verdicts left to deploy time never gate.
pub fn scan(
    args: &Args,
    cfg: &vigil::config::Config,
    rules: &vigil::policy::RuleSet,
    fail_on: Severity,
) -> anyhow::Result<ExitCode> {
    let loaded = read_code(
        &args.templates,
        args.parameters.as_deref(),
        &args.terraform_plan,
        args.terraform_dir.as_deref(),
    )?;
    let checked = vigil::iac::check(rules, cfg.params(), loaded, Utc::now());
    for e in &checked.rule_errors {
        eprintln!("warning: rule error: {e}");
    }
    let (loaded, v) = (&checked.loaded, &checked.verdicts);
    match args.format {
        ScanFormat::Sarif => {
            let locate = |r: &vigil::model::RuleResult| {
                loaded
                    .origins
                    .get(&r.resource_id)
                    .map(|o| report::sarif::Location {
                        path: o.file.clone(),
                        line: o.line,
                    })
            };
            let open: Vec<(&vigil::model::RuleResult, &str)> = v
                .unknown
                .iter()
                .map(|u| (&u.result, u.reason.as_str()))
                .collect();
            let log = report::sarif::log_with_open(rules, &v.fail, &open, &locate);
            println!("{}", serde_json::to_string_pretty(&log)?);
        }
        ScanFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "templates": report::templates::counts(loaded),
                "findings": report::templates::findings(v, loaded),
                "not_evaluated": report::templates::not_evaluated(v, loaded),
                "summary": v.counts,
                "errors": {"rules": checked.rule_errors},
            }))?
        ),
        ScanFormat::Table => print!("{}", report::templates::table(v, loaded)),
    }
    if !loaded.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    let gate = v.fail.iter().any(|r| r.severity >= fail_on);
    Ok(ExitCode::from(if gate { 1 } else { 0 }))
}

/// Reads templates (with their parameter file) and plans (with their source directory),
/// printing each warning and each file or resource that could not be read.
pub fn read_code(
    templates: &[std::path::PathBuf],
    parameters: Option<&std::path::Path>,
    plans: &[std::path::PathBuf],
    terraform_dir: Option<&std::path::Path>,
) -> anyhow::Result<vigil::iac::cfn::Loaded> {
    let parameters = match parameters {
        Some(p) => vigil::iac::cfn::parameters_file(p).map_err(anyhow::Error::msg)?,
        None => Default::default(),
    };
    let mut loaded = vigil::iac::cfn::load(templates, &parameters);
    if !plans.is_empty() {
        loaded.merge(vigil::iac::terraform::load(plans, terraform_dir));
    }
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    for e in &loaded.errors {
        eprintln!("error: {e}");
    }
    Ok(loaded)
}

/// With `--templates` on a live scan: the template file, line and logical id of each live
/// resource the templates declare (matched as `vigil drift --against-template` matches
/// them). A template that cannot be read is a warning: the scan is recorded either way.
pub fn declared_at(
    args: &Args,
    store: &vigil::store::Store,
) -> anyhow::Result<std::collections::BTreeMap<String, vigil::iac::cfn::Origin>> {
    let loaded = read_code(&args.templates, args.parameters.as_deref(), &[], None)?;
    let live = store.current_resources()?;
    let (rows, _) = vigil::iac::drift::compare(&loaded, &live, &Default::default());
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.live?, r.declared?)))
        .collect())
}
