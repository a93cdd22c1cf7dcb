//! `[[reports]]` in the daemon: on each report's cron, the posture of the latest scans in
//! its formats (and an evidence pack) written to its directory, the pack uploaded to S3,
//! the summary mailed through the outbox; each an audit-log entry. A failure is logged and
//! counted (`vigil_reports_total{result="failed"}`), and the next run comes on the cron.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;

use super::state::with_store;
use super::State;
use crate::config::Report;
use crate::report::pack;
use crate::report::posture::{export, load};

/// One report on its cron (see `scheduler`): made unless the previous run of it is still
/// going, then logged and counted.
pub(super) async fn scheduled(state: &Arc<State>, name: &str) {
    let Some(r) = (state.current().config.reports.iter())
        .find(|r| r.name == name)
        .cloned()
    else {
        return;
    };
    if !super::state::lock(&state.reports_running).insert(name.to_string()) {
        tracing::warn!(target: "report", report = %name, "the previous run of this report is still going; this one is skipped");
        return;
    }
    let result = run(state, &r).await;
    super::state::lock(&state.reports_running).remove(name);
    let label = if result.is_ok() { "ok" } else { "failed" };
    super::metrics::Metrics::count(&state.metrics.reports, label);
    match result {
        Ok(files) => {
            tracing::info!(target: "report", report = %r.name, files = ?files, "report made")
        }
        Err(e) => {
            tracing::warn!(target: "report", report = %r.name, error = %e, "report failed")
        }
    }
}

/// What one run made, before it is uploaded and mailed.
struct Made {
    files: Vec<PathBuf>,
    /// The pack to upload, and the scratch directory it is in when no directory is named
    /// (kept until the upload is done).
    pack: Option<(pack::publish::Packed, Option<tempfile::TempDir>)>,
    mail: Option<crate::store::Mail>,
    audit: Vec<serde_json::Value>,
}

/// The blocking part of a run: the posture, its formats and pack written, the mail composed.
/// With `[iac] templates`: the drift of the live resources from them, in `p` (evidence for
/// CM-2, CM-3 and CM-6).
pub(super) fn add_code_drift(
    store: &crate::store::Store,
    p: &mut crate::report::posture::Posture,
    loaded: &super::Loaded,
) -> crate::store::Result<()> {
    let templates = &loaded.config.iac.templates;
    if templates.is_empty() {
        return Ok(());
    }
    let sources = templates.iter().map(|t| t.display().to_string()).collect();
    p.code_drift = Some(load::code_drift(store, p, sources, &loaded.iac)?);
    Ok(())
}

fn make(
    loaded: &super::Loaded,
    db: &std::path::Path,
    report: &Report,
    base_url: Option<String>,
) -> Result<Made, String> {
    let store = crate::store::Store::open(db).map_err(|e| e.to_string())?;
    let cfg = &loaded.config;
    let level = report
        .baseline
        .as_deref()
        .and_then(crate::controls::Level::parse)
        .unwrap_or_else(|| cfg.posture.level());
    let sel = load::Selection {
        target: None,
        scan: None,
        trend: 10,
        accounts: Vec::new(),
    };
    let mut p = load::posture(&store, &loaded.rules, &cfg.posture, level, &sel, Utc::now())
        .map_err(|e| e.to_string())?;
    add_code_drift(&store, &mut p, loaded).map_err(|e| e.to_string())?;
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let stem = format!("{}-{stamp}", report.name);
    let mut made = Made {
        files: Vec::new(),
        pack: None,
        mail: None,
        audit: Vec::new(),
    };
    if let Some(dir) = &report.directory {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for f in &report.formats {
            let path = dir.join(format!("{stem}.{}", f.extension()));
            let sha = crate::report::stream::atomic(&path, |w| {
                crate::report::stream::hashed(w, |w| {
                    export::write(*f, &p, &loaded.rules, None, "1.1.3", w)
                })
            })
            .map_err(|e| format!("{}: {e:#}", f.name()))?;
            made.audit.push(
                serde_json::json!({"format": f.name(), "output": path.display().to_string(),
                "sha256": sha}),
            );
            made.files.push(path);
        }
    }
    if report.pack {
        let key = report
            .sign_key
            .as_deref()
            .map(pack::sign::SigningKey::load)
            .transpose()
            .map_err(|e| e.to_string())?;
        // Without a directory the pack is only uploaded: it is made in a scratch one.
        let scratch = match &report.directory {
            Some(_) => None,
            // Beside the database (the daemon's volume), not in a small /tmp.
            None => {
                let near = db
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(std::path::Path::new("."));
                Some(
                    tempfile::tempdir_in(near)
                        .map_err(|e| format!("a scratch directory in {}: {e}", near.display()))?,
                )
            }
        };
        let dir = report
            .directory
            .as_deref()
            .or(scratch.as_ref().map(|d| d.path()))
            .expect("one of them");
        let path = dir.join(format!("{stem}.zip"));
        let opts = pack::publish::PackOptions {
            key: key.as_ref(),
            root: &stem,
            template: None,
            oscal_version: "1.1.3",
            public_beside: scratch.is_none(),
        };
        let packed = pack::publish::pack_to(&store, &loaded.rules, &p, &opts, &path)
            .map_err(|e| format!("the pack: {e:#}"))?;
        if scratch.is_none() {
            made.audit.push(serde_json::json!({"format": "pack", "output": path.display().to_string(), "sha256": packed.made.sha256}));
            made.files.push(path.clone());
        }
        if report.upload.is_some() {
            made.pack = Some((packed, scratch));
        }
    }
    if !report.mail_to.is_empty() {
        made.mail = Some(
            crate::mail::report_mail(&p, &report.mail_to, base_url.as_deref())
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(made)
}

async fn run(state: &Arc<State>, r: &Report) -> Result<Vec<String>, String> {
    let loaded = state.current();
    let db = state.db_path.clone();
    let report = r.clone();
    let base_url = loaded.config.notify.base_url.clone();
    let made = tokio::task::spawn_blocking(move || make(&loaded, &db, &report, base_url))
        .await
        .map_err(|e| format!("the report task panicked: {e}"))??;

    let mut done: Vec<String> = made.files.iter().map(|p| p.display().to_string()).collect();
    let mut audit = made.audit;
    if let (Some(url), Some((packed, _scratch))) = (&r.upload, made.pack) {
        let up = pack::publish::upload(&packed, url, r.endpoint_url.as_deref(), None).await?;
        done.extend(up.iter().map(|u| u.url.clone()));
        audit.push(serde_json::json!({"format": "upload", "uploaded": up}));
    }
    let name = r.name.clone();
    let mail = made.mail;
    let queued = mail.is_some();
    with_store(state, move |s| {
        for details in &audit {
            s.audit_event(
                "vigil",
                "report.scheduled",
                &format!("report/{name}"),
                details,
            )
            .map_err(|e| e.to_string())?;
        }
        if let Some(m) = &mail {
            s.enqueue_mail(m, Utc::now()).map_err(|e| e.to_string())?;
        }
        Ok(())
    })
    .await?;
    if queued {
        state.mail_wake.notify_one();
        done.push("mail queued".into());
    }
    Ok(done)
}
