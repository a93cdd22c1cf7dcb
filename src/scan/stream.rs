//! A scan recorded part by part, as its source collects: each AWS account of an
//! organization is redacted, evaluated and recorded (its own transaction) as soon as it is
//! read, then dropped, so the memory a scan holds is that of the accounts in flight, not of
//! the organization. Every other source is one part, recorded the same way.
//!
//! Two sides joined by a channel: [`collect`] (async, the source's reads) sends parts into a
//! [`Feed`]; [`record`] (blocking: evaluation is CPU work, the store is SQLite) takes them
//! from the [`Intake`]. The channel holds one part: a collector that gets ahead waits.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use tokio::sync::{mpsc, oneshot};

use super::{Error, Finish, Recorded, Result, ScanRun, Target};
use crate::collect::source::Cx;
use crate::collect::Collected;
use crate::model::Finding;
use crate::policy::{EvalReport, RuleSet};
use crate::redact::Redactor;
use crate::store::{Part, ScanHead, ScanWriter, Store};

/// The collecting side of a scan's channel.
pub struct Feed {
    parts: mpsc::Sender<Collected>,
    outcome: oneshot::Sender<Result<()>>,
}

/// The recording side of a scan's channel.
pub struct Intake {
    parts: mpsc::Receiver<Collected>,
    outcome: oneshot::Receiver<Result<()>>,
}

/// A channel for one scan's parts.
pub fn channel() -> (Feed, Intake) {
    let (parts_tx, parts_rx) = mpsc::channel(1);
    let (out_tx, out_rx) = oneshot::channel();
    (
        Feed {
            parts: parts_tx,
            outcome: out_tx,
        },
        Intake {
            parts: parts_rx,
            outcome: out_rx,
        },
    )
}

/// Collects a target into `feed`, part by part, then says how the collection ended.
pub async fn collect(
    target: &Target,
    started: DateTime<Utc>,
    progress: &(dyn Fn(&str) + Sync),
    feed: Feed,
) {
    let cx = Cx { started, progress };
    let r = target.source.collect_parts(&cx, feed.parts).await;
    let _ = feed.outcome.send(r.map_err(Error::Source));
}

impl Feed {
    /// Ends the collection before it began (its target could not be resolved).
    pub fn fail(self, e: Error) {
        let _ = self.outcome.send(Err(e));
    }

    /// Sends a part made elsewhere (`vigil bench`'s synthetic accounts); false when the
    /// recording side has hung up.
    pub async fn part(&self, part: Collected) -> bool {
        self.parts.send(part).await.is_ok()
    }

    /// Ends a collection whose parts were all sent.
    pub fn done(self) {
        let _ = self.outcome.send(Ok(()));
    }
}

/// Why a scan ended when its collection ended without saying how (it panicked, or was
/// aborted without a reason).
pub const COLLECTION_LOST: &str = "the collection ended without a result (it panicked)";

/// What recording needs besides the parts.
pub struct Recorder<'a> {
    pub store: &'a tokio::sync::Mutex<Store>,
    pub rules: &'a RuleSet,
    pub params: serde_json::Map<String, serde_json::Value>,
    pub redactor: &'a Redactor,
    pub run: ScanRun<'a>,
    /// Keep every part, merged (`vigil scan --save-snapshot`): memory grows with the target.
    pub keep: bool,
    /// Read the scan's findings back when it is recorded (to print them); the daemon and
    /// the bench need only the counts.
    pub findings: bool,
}

/// A scan recorded part by part.
pub struct Streamed {
    pub recorded: Recorded,
    /// Resources recorded, by type.
    pub by_type: BTreeMap<String, u64>,
    /// Every part merged, when [`Recorder::keep`] asked for it.
    pub kept: Option<Collected>,
}

/// Takes parts from `intake` until the collection ends: each is redacted, evaluated with
/// the idle history as it stood when the scan began, recorded in its own transaction and
/// dropped. `seen` is shown each part before it is evaluated (its notes and problems).
/// `stop` is asked before each part: a reason ends the scan there, recorded as such (the
/// parts already in stand; the accounts not reached keep their findings as they were).
/// Nothing is recorded when the collection fails or stops before its first part.
pub fn record(
    r: Recorder,
    mut intake: Intake,
    seen: &mut dyn FnMut(&Collected),
    stop: &dyn Fn() -> Option<String>,
) -> Result<Streamed> {
    let ScanRun {
        target,
        run_id,
        started,
        finish,
    } = r.run;
    let started_s = started.to_rfc3339_opts(SecondsFormat::Secs, true);
    let now = || match finish {
        Finish::AtStart => started_s.clone(),
        Finish::Now => Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    let history = r.store.blocking_lock().idle_since()?;
    let mut writer = ScanWriter::new(ScanHead {
        started_at: started_s.clone(),
        target: target.to_string(),
        rules_loaded: r.rules.rules.len(),
        rule_problems: r
            .rules
            .problems
            .iter()
            .map(|p| (p.file.clone(), p.message.clone()))
            .collect(),
        run_id: run_id.map(str::to_string),
    });
    let mut eval = EvalReport::default();
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    let mut kept: Option<Collected> = None;
    let mut stopped = None;
    loop {
        if let Some(reason) = stop() {
            stopped = Some(reason);
            break;
        }
        let Some(mut part) = intake.parts.blocking_recv() else {
            break;
        };
        super::redact(r.redactor, &mut part.snapshot);
        seen(&part);
        let evaluated =
            super::evaluate(r.rules, r.params.clone(), &part.snapshot, started, &history);
        if let Some(reason) = stop() {
            stopped = Some(reason);
            break;
        }
        let written = writer.part(
            &mut r.store.blocking_lock(),
            &Part {
                snapshot: &part.snapshot,
                report: &evaluated.eval,
                idle: &evaluated.idle,
            },
            &now(),
        );
        match written {
            Ok(_) => {}
            Err(e) if writer.scan_id().is_none() => return Err(e.into()),
            // The parts before stand: the scan ends with this one's error.
            Err(e) => {
                stopped = Some(format!("recording {}: {e}", describe(&part)));
                break;
            }
        }
        eval.absorb(evaluated.eval);
        for res in &part.snapshot.resources {
            *by_type.entry(res.resource_type.clone()).or_default() += 1;
        }
        if r.keep {
            match kept.as_mut() {
                None => kept = Some(part),
                Some(k) => k.absorb(part),
            }
        }
    }
    // Hanging up ends the collection (its next send fails) before its outcome is awaited.
    drop(intake.parts);
    if stopped.is_none() {
        stopped = match intake.outcome.blocking_recv() {
            Ok(Ok(())) => None,
            Ok(Err(e)) if writer.scan_id().is_none() => return Err(e),
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some(stop().unwrap_or_else(|| COLLECTION_LOST.into())),
        };
    }
    if let (Some(reason), None) = (&stopped, writer.scan_id()) {
        return Err(Error::Stopped(reason.clone()));
    }
    let mut store = r.store.blocking_lock();
    let (scan_id, lifecycle) = writer.finish(&mut store, &now(), stopped.as_deref())?;
    let scan = store
        .scan(scan_id)?
        .ok_or_else(|| crate::store::Error::NotFound(format!("scan {scan_id}")))?;
    let findings: Vec<Finding> = if r.findings {
        store.scan_findings(scan_id)?
    } else {
        Vec::new()
    };
    let unmatched_waivers = super::unmatched_waivers(&store, started)?;
    if let Some(k) = kept.as_mut() {
        k.snapshot.coverage.sort_by(|a, b| a.scope.cmp(&b.scope));
    }
    Ok(Streamed {
        recorded: Recorded {
            scan,
            findings,
            lifecycle,
            eval,
            unmatched_waivers,
        },
        by_type,
        kept,
    })
}

/// A part by the accounts or clusters its coverage names.
fn describe(part: &Collected) -> String {
    let mut names: Vec<&str> = part
        .snapshot
        .coverage
        .iter()
        .filter_map(|c| crate::model::resource::parse_scope(&c.scope))
        .map(|p| p.account)
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.len() {
        0 => "a part of the scan".into(),
        1 => names[0].to_string(),
        _ => names.join(", "),
    }
}

/// Collects a target on `rt` while this thread's helper records it: `vigil scan` and
/// `vigil bench`, which own their store (the daemon joins the two sides itself).
pub fn run(
    rt: &tokio::runtime::Runtime,
    target: &Target,
    recorder: Recorder<'_>,
    progress: &(dyn Fn(&str) + Sync),
    seen: &mut (dyn FnMut(&Collected) + Send),
) -> Result<Streamed> {
    let (feed, intake) = channel();
    let started = recorder.run.started;
    std::thread::scope(|s| {
        let recording = s.spawn(move || record(recorder, intake, seen, &|| None));
        rt.block_on(collect(target, started, progress, feed));
        recording.join().expect("the recording thread panicked")
    })
}
