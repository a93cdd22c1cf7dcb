//! `[[reports]]` in the daemon: on each report's cron, the posture of the latest scans in
//! its formats (and an evidence pack) written to its directory, the pack uploaded to S3,
//! the summary mailed through the outbox; each an audit-log entry. A failure is logged and
//! counted (`vigil_reports_total{result="failed"}`), and the next run comes on the cron.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::plans::with_store;
use super::State;
use crate::config::Report;
use crate::report::pack;
use crate::report::posture::{self, export, load};

fn next(cron: &str, last: DateTime<Utc>) -> Option<DateTime<Utc>> {
    crate::config::parse_cron(cron)
        .ok()?
        .find_next_occurrence(&last, false)
        .ok()
}

/// Runs each report when its cron comes; until aborted.
pub(super) async fn report_loop(state: Arc<State>) {
    let mut last: HashMap<String, DateTime<Utc>> = HashMap::new();
    loop {
        let reports = state.current().config.reports.clone();
        for r in reports {
            let since = *last.entry(r.name.clone()).or_insert(state.started_at);
            if next(&r.cron, since).is_some_and(|t| t <= Utc::now()) {
                last.insert(r.name.clone(), Utc::now());
                let result = run(&state, &r).await;
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
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// What one run made, before it is uploaded and mailed.
struct Made {
    files: Vec<PathBuf>,
    /// The pack to upload: its name stem, its bytes and its public key.
    pack: Option<(String, Vec<u8>, Option<String>)>,
    mail: Option<crate::store::Mail>,
    audit: Vec<serde_json::Value>,
}

async fn run(state: &Arc<State>, r: &Report) -> Result<Vec<String>, String> {
    let loaded = state.current();
    let db = state.db_path.clone();
    let report = r.clone();
    let base_url = loaded.config.notify.base_url.clone();
    let made = tokio::task::spawn_blocking(move || -> Result<Made, String> {
        let store = crate::store::Store::open(&db).map_err(|e| e.to_string())?;
        let cfg = &loaded.config;
        let level = report
            .baseline
            .as_deref()
            .and_then(crate::controls::Level::parse)
            .unwrap_or_else(|| cfg.posture.level());
        let sel = load::Selection { target: None, scan: None, trend: 10 };
        let p = load::posture(&store, &loaded.rules, &cfg.posture, level, &sel, Utc::now())
            .map_err(|e| e.to_string())?;
        let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        let stem = format!("{}-{stamp}", report.name);
        let mut made = Made { files: Vec::new(), pack: None, mail: None, audit: Vec::new() };
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
                made.audit.push(serde_json::json!({"format": f.name(), "output": path.display().to_string(),
                    "sha256": sha}));
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
                    let near = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
                    Some(tempfile::tempdir_in(near).map_err(|e| format!("a scratch directory in {}: {e}", near.display()))?)
                }
            };
            let dir = report.directory.as_deref().or(scratch.as_ref().map(|d| d.path())).expect("one of them");
            let path = dir.join(format!("{stem}.zip"));
            let m = pack::make(&store, &loaded.rules, &p, key.as_ref(), &stem, None, "1.1.3", &path)
                .map_err(|e| format!("the pack: {e:#}"))?;
            if scratch.is_none() {
                if let Some(public) = &m.public {
                    std::fs::write(path.with_extension("pub"), public)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                }
                made.audit.push(serde_json::json!({"format": "pack", "output": path.display().to_string(), "sha256": m.sha256}));
                made.files.push(path.clone());
            }
            if report.upload.is_some() {
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                made.pack = Some((stem.clone(), bytes, m.public.clone()));
            }
        }
        if !report.mail_to.is_empty() {
            let md = posture::render::markdown(&p, None).map_err(|e| e.to_string())?;
            let html = posture::render::html(&p, None).map_err(|e| e.to_string())?;
            let link = base_url
                .map(|b| format!("\n\nThe live report: {}/reports/posture?baseline={}\n", b.trim_end_matches('/'), p.baseline))
                .unwrap_or_default();
            let s = &p.summary.counts;
            made.mail = Some(crate::store::Mail {
                kind: "report".into(),
                plan: None,
                to: report.mail_to.clone(),
                subject: format!(
                    "[vigil] NIST SP 800-53 {} posture: {} pass, {} fail, {} not assessed",
                    p.baseline.to_uppercase(), s.pass, s.fail, s.not_assessed
                ),
                text: md + &link,
                html,
            });
        }
        Ok(made)
    })
    .await
    .map_err(|e| format!("the report task panicked: {e}"))??;

    let mut done: Vec<String> = made.files.iter().map(|p| p.display().to_string()).collect();
    let mut audit = made.audit;
    if let (Some(url), Some((stem, bytes, public))) = (&r.upload, made.pack) {
        let s3 = pack::upload::client(r.endpoint_url.as_deref(), None).await;
        let mut files = vec![(format!("{stem}.zip"), bytes)];
        if let Some(public) = public {
            files.push((format!("{stem}.pub"), public.into_bytes()));
        }
        let up = pack::upload::upload(&s3, url, files).await?;
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
