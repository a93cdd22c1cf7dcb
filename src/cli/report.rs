//! `vigil report`: the NIST baseline posture of the latest scans (or one past scan) in a
//! format auditors and tools read.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;

use super::args::{actor, DbArgs, RulesArgs};
use vigil::controls::Level;
use vigil::report::posture::{self, load::Selection, oscal};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<ReportCommand>,
    #[command(flatten)]
    pub export: ExportArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Check an evidence pack: its manifests, its signature and its audit log's chain.
    Verify {
        /// The pack (`.zip`).
        pack: PathBuf,
        /// The public key (default: PACK.pub beside the pack).
        #[arg(long = "pub")]
        public_key: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// NIST SP 800-53 baseline: low, moderate or high. Default: config `posture.baseline`,
    /// else moderate.
    #[arg(long, value_parser = parse_level)]
    pub baseline: Option<Level>,
    /// Only this target's scans (`aws`, `kubernetes`).
    #[arg(long)]
    pub target: Option<String>,
    /// Report this scan instead of the latest complete one per target.
    #[arg(long)]
    pub scan: Option<i64>,
    /// Only this account or cluster: an AWS account id or name (an organization's or a
    /// listed one), a cluster name (repeatable). The posture, every format and the evidence
    /// pack count only its scopes, resources and findings.
    #[arg(long = "account", value_name = "ID|NAME")]
    pub accounts: Vec<String>,
    #[arg(long, value_enum, default_value = "json")]
    pub format: ReportFormat,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// A directory with your own `posture.html.j2` / `posture.md.j2` (minijinja); the
    /// bundled ones are in reports/templates/.
    #[arg(long)]
    pub template: Option<PathBuf>,
    /// The OSCAL version oscal-ar and oscal-poam documents declare: 1.1.3 or 1.2.1.
    #[arg(long, default_value = "1.1.3", value_parser = clap::builder::PossibleValuesParser::new(oscal::VERSIONS))]
    pub oscal_version: String,
    /// Write an evidence pack (a BagIt zip: every format, the snapshots, coverage, waivers,
    /// rules and the audit log, with a SHA-256 manifest) instead of one format.
    #[arg(long)]
    pub pack: Option<PathBuf>,
    /// Sign the pack's manifest with this key (`vigil keys new`); its public key is written
    /// beside the pack as PACK.pub.
    #[arg(long, requires = "pack", env = "VIGIL_SIGNING_KEY")]
    pub sign: Option<PathBuf>,
    /// Upload the pack (and PACK.pub) to s3://bucket/prefix, with a SHA-256 checksum and the
    /// bucket's Object Lock retention.
    #[arg(long, requires = "pack")]
    pub upload: Option<String>,
    /// S3 endpoint for --upload (a VPC endpoint, a test server).
    #[arg(long, requires = "upload")]
    pub endpoint_url: Option<String>,
    /// Region for --upload (default: the AWS environment's).
    #[arg(long, requires = "upload")]
    pub region: Option<String>,
    /// Add the drift of the live resources from these CloudFormation templates (files or
    /// directories), as `vigil drift --against-template` finds it: the changed, missing and
    /// unmanaged resources, evidence for CM-2, CM-3 and CM-6 in every format.
    #[arg(long = "against-template", num_args = 1..)]
    pub against_template: Vec<PathBuf>,
    /// Parameter values for --against-template, as `vigil scan --parameters` takes them.
    #[arg(long, requires = "against_template")]
    pub parameters: Option<PathBuf>,
    /// Add the drift from these Terraform plans (`terraform show -json`).
    #[arg(long = "against-plan", num_args = 1..)]
    pub against_plan: Vec<PathBuf>,
    /// The Terraform configuration's directory, for the file and line of each resource.
    #[arg(long = "terraform-dir", requires = "against_plan")]
    pub terraform_dir: Option<PathBuf>,
    /// Scans per target in the trend.
    #[arg(long, default_value_t = 10)]
    pub trend: usize,
    #[command(flatten)]
    pub rules: RulesArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

pub use vigil::report::posture::export::Format as ReportFormat;

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| format!("unknown baseline `{s}` (known: low, moderate, high)"))
}

pub fn report(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    if let Some(ReportCommand::Verify { pack, public_key }) = args.command {
        return verify(&pack, public_key.as_deref());
    }
    let a = args.export;
    let cfg = super::load_config(config)?;
    let rules = a.rules.load(&cfg)?;
    let mut store = super::args::open_with(&a.db, &cfg)?;
    let level = a.baseline.unwrap_or_else(|| cfg.posture.level());
    let sel = Selection {
        target: a.target.clone(),
        scan: a.scan,
        trend: a.trend,
        accounts: a.accounts.clone(),
    };
    let mut p = posture::load::posture(&store, &rules, &cfg.posture, level, &sel, Utc::now())?;
    let unread = add_code_drift(&a, &store, &mut p)?;
    let done = if unread {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    };
    if let Some(pack) = &a.pack {
        write_pack(&a, pack, &mut store, &rules, &p)?;
        return Ok(done);
    }
    let write = |w: &mut dyn std::io::Write| {
        vigil::report::stream::hashed(w, |w| {
            posture::export::write(
                a.format,
                &p,
                &rules,
                a.template.as_deref(),
                &a.oscal_version,
                w,
            )
        })
    };
    let sha256 = match &a.output {
        Some(path) => vigil::report::stream::atomic(path, |w| write(w))?,
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            let sha = write(&mut w)?;
            w.flush().context("writing to stdout")?;
            sha
        }
    };
    let scans: Vec<i64> = p.scans.iter().map(|s| s.id).collect();
    store.audit_event(
        &actor(),
        "report.export",
        &format!("posture/{}", p.baseline),
        &serde_json::json!({
            "format": a.format.name(),
            "scans": scans,
            "sha256": sha256,
            "output": a.output.as_ref().map(|p| p.display().to_string()),
        }),
    )?;
    Ok(done)
}

/// With --against-template or --against-plan: the drift from the code, in `p`. True when a
/// template or plan could not be read (the report is written; the exit code says so).
fn add_code_drift(
    a: &ExportArgs,
    store: &vigil::store::Store,
    p: &mut posture::Posture,
) -> anyhow::Result<bool> {
    if a.against_template.is_empty() && a.against_plan.is_empty() {
        return Ok(false);
    }
    let loaded = super::templates::read_code(
        &a.against_template,
        a.parameters.as_deref(),
        &a.against_plan,
        a.terraform_dir.as_deref(),
    )?;
    let sources = a
        .against_template
        .iter()
        .chain(&a.against_plan)
        .map(|s| s.display().to_string())
        .collect();
    let drift = posture::load::code_drift(store, p, sources, &loaded)?;
    let unread = !drift.errors.is_empty();
    p.code_drift = Some(drift);
    Ok(unread)
}

fn verify(pack: &std::path::Path, key: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let v = vigil::report::pack::verify::verify(pack, key).map_err(anyhow::Error::msg)?;
    for p in &v.passed {
        println!("ok: {p}");
    }
    for p in &v.problems {
        println!("FAILED: {p}");
    }
    if v.ok() {
        println!("{}: the pack is intact", pack.display());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{}: {} problem(s)", pack.display(), v.problems.len());
        Ok(ExitCode::from(1))
    }
}

fn write_pack(
    a: &ExportArgs,
    pack: &std::path::Path,
    store: &mut vigil::store::Store,
    rules: &vigil::policy::RuleSet,
    p: &posture::Posture,
) -> anyhow::Result<()> {
    use vigil::report::pack;
    let key = a
        .sign
        .as_deref()
        .map(pack::sign::SigningKey::load)
        .transpose()?;
    if key.is_none() {
        eprintln!(
            "warning: the pack is not signed (make a key with `vigil keys new`, then --sign KEY)"
        );
    }
    let root = pack
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "evidence".into());
    let packed = pack::publish::pack_to(
        store,
        rules,
        p,
        &pack::publish::PackOptions {
            key: key.as_ref(),
            root: &root,
            template: a.template.as_deref(),
            oscal_version: &a.oscal_version,
            public_beside: true,
        },
        pack,
    )?;
    let made = &packed.made;
    let sha = &made.sha256;
    println!(
        "{}: {} files, {} bytes, sha256 {sha}",
        pack.display(),
        made.files,
        made.size
    );
    if let Some(pub_path) = &packed.public_path {
        println!(
            "public key: {} (verify with `vigil report verify {}`)",
            pub_path.display(),
            pack.display()
        );
    }
    store.audit_event(
        &actor(),
        "report.pack",
        &format!("posture/{}", p.baseline),
        &serde_json::json!({"scans": made.scans, "sha256": sha, "files": made.files,
            "signed_by": key.as_ref().map(|k| k.public().id_hex()),
            "output": pack.display().to_string()}),
    )?;
    if let Some(url) = &a.upload {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let done = rt
            .block_on(pack::publish::upload(
                &packed,
                url,
                a.endpoint_url.as_deref(),
                a.region.as_deref(),
            ))
            .map_err(anyhow::Error::msg)?;
        for u in &done {
            match &u.retention {
                Some((mode, until)) => println!(
                    "uploaded {} (sha256 {}), {mode} retention until {until}",
                    u.url, u.sha256
                ),
                None => println!(
                    "uploaded {} (sha256 {}); the bucket has no Object Lock retention",
                    u.url, u.sha256
                ),
            }
        }
        store.audit_event(
            &actor(),
            "report.upload",
            &done[0].url,
            &serde_json::to_value(&done)?,
        )?;
    }
    Ok(())
}
