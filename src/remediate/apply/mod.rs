//! Applying an approved plan: separation of duties checked again, every target read again
//! from the API (a target whose document no longer hashes to the plan's version, or whose
//! precondition no longer holds, makes the plan stale and nothing is written), then the
//! actions in order with the remediation credentials, each call and its answer recorded as
//! it returns, stopping at the first failure.
//!
//! Files: this file (the flow, provider-neutral) and `aws` (the remediation credentials,
//! reading targets again, the calls).

pub mod aws;
mod aws_calls;
pub mod k8s;
mod s3;
mod services;

use chrono::{SecondsFormat, Utc};
use serde::Serialize;

use super::{Execution, Plan, PlanState};
use crate::config::Config;
use crate::model::plan::{Action, ActionKind};
use crate::model::Resource;
use crate::redact::Redactor;
use crate::store::{content_hash, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error("plan {0} is {1}: only an approved plan is applied")]
    NotApproved(i64, PlanState),
    #[error("plan {id} was being applied when vigil stopped (since {since}); it is not run again: read its recorded calls with `vigil plan show {id}`, check the resources, and propose anew")]
    Interrupted { id: i64, since: String },
    #[error("plan {0}: {1} (separation of duties)")]
    Duties(i64, String),
    #[error("plan {0} is stale and nothing was written: {1}. Propose it again from the next scan")]
    Stale(i64, String),
    #[error("plan {0}: nothing was written, and it stays approved: {1}")]
    Unreadable(i64, String),
    #[error("remediation credentials: {0}")]
    Credentials(String),
}

/// What the read-again of one action's target found.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub action: usize,
    pub target: String,
    /// None when the target is as the plan expects; else what changed, or why it could
    /// not be read.
    pub problem: Option<String>,
    /// The target could not be read (denied, throttled): nothing is known to have changed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

/// What `apply` did: the plan as it is now, and the checks made before any write.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub plan: Plan,
    pub checks: Vec<Check>,
    /// True for `--dry-run`: checked, nothing written, the plan unchanged.
    pub dry_run: bool,
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Whether vigil runs this action (else it is for a person, through IaC).
pub fn is_executable(a: &Action) -> bool {
    a.kind != ActionKind::Manual
}

/// Approvals still count at apply: distinct approvers, none the requester, of this hash,
/// as many as the plan needs.
fn check_duties(p: &Plan) -> Result<(), Error> {
    let mut who: Vec<&str> = p
        .approvals
        .iter()
        .filter(|a| a.hash == p.hash)
        .map(|a| a.principal.as_str())
        .collect();
    who.sort();
    who.dedup();
    if who.contains(&p.requester.as_str()) {
        return Err(Error::Duties(
            p.id,
            format!("its requester {} is among its approvers", p.requester),
        ));
    }
    if (who.len() as u32) < p.approvals_required {
        return Err(Error::Duties(
            p.id,
            format!(
                "{} distinct approvals of its hash, {} needed",
                who.len(),
                p.approvals_required
            ),
        ));
    }
    Ok(())
}

/// Reads a target again and compares it with the plan: its version hash (after the same
/// redaction a scan applies) and each precondition.
fn compare(
    a: &Action,
    stored: &Resource,
    fresh: Option<Resource>,
    redactor: &Redactor,
) -> Option<String> {
    let Some(mut fresh) = fresh else {
        return Some(format!("{} is gone", a.target));
    };
    redactor.resource(&mut fresh);
    let (hash, _) = content_hash(&fresh);
    let doc = serde_json::to_value(&fresh).expect("resources serialize");
    if let Some(p) = a.preconditions.iter().find(|p| !p.holds(&doc)) {
        let now = p.read(&doc).cloned().unwrap_or(serde_json::Value::Null);
        return Some(format!(
            "{}: precondition {p} no longer holds (it is {now})",
            a.target
        ));
    }
    if a.version.as_deref().is_some_and(|v| v != hash) {
        let before = serde_json::to_value(stored).expect("resources serialize");
        let paths: Vec<String> = crate::drift::diff_resources(&before, &doc)
            .into_iter()
            .map(|c| c.path)
            .take(5)
            .collect();
        return Some(format!(
            "{} changed since the plan was made ({})",
            a.target,
            if paths.is_empty() {
                "its document hashes differently".to_string()
            } else {
                paths.join(", ")
            }
        ));
    }
    None
}

/// The remediation connections a plan needs, one per provider of its targets.
struct Providers<'a> {
    aws: Option<&'a aws::Remediator>,
    kube: Option<&'a k8s::KubeRemediator>,
}

type Record<'a> = dyn FnMut(Execution) -> crate::store::Result<()> + 'a;

impl Providers<'_> {
    async fn read(&self, r: &Resource) -> Result<Option<Resource>, String> {
        match (r.provider.as_str(), self.aws, self.kube) {
            ("aws", Some(aws), _) => aws.read(r).await,
            ("kubernetes", _, Some(kube)) => kube.read(r).await,
            (p, _, _) => Err(format!("no remediation connection for {p}")),
        }
    }

    /// Runs one action's calls in order, recording each with its answer as it returns; the
    /// first error ends the action.
    async fn run(
        &self,
        index: usize,
        a: &Action,
        r: &Resource,
        record: &mut Record<'_>,
    ) -> Result<(), String> {
        let region = r.region.as_deref().unwrap_or_default();
        let mut vars = Vars::new();
        for c in &a.calls {
            let at = now();
            let result = match (r.provider.as_str(), self.aws, self.kube) {
                ("aws", Some(aws), _) => aws.call(c, region, &mut vars).await,
                ("kubernetes", _, Some(kube)) => kube.call(c).await,
                (p, _, _) => Err(format!("no remediation connection for {p}")),
            };
            let (outcome, answer) = match &result {
                Ok(v) => ("ok", v.clone()),
                Err(e) => ("failed", serde_json::json!({"error": e})),
            };
            record(Execution {
                action: index,
                call: c.to_string(),
                at,
                outcome: outcome.into(),
                answer,
            })
            .map_err(|e| format!("recording {}: {e}", c.api))?;
            result?;
        }
        Ok(())
    }
}

/// What earlier calls of an action answered, for the later ones: `$snapshot`, `$prior`.
pub(crate) type Vars = std::collections::BTreeMap<&'static str, serde_json::Value>;

/// Applies plan `id` (or, with `dry_run`, only reads its targets again and says what it
/// would do). `actor` is who asked (the audit names them and the approvals relied on).
pub async fn apply(
    store: &mut Store,
    cfg: &Config,
    id: i64,
    actor: &str,
    dry_run: bool,
) -> Result<Applied, Error> {
    let plan = store
        .plan(id)?
        .ok_or_else(|| crate::store::Error::NotFound(format!("plan {id}")))?;
    match plan.state {
        PlanState::Approved => {}
        PlanState::Applying => {
            return Err(Error::Interrupted {
                id,
                since: plan.updated_at.clone(),
            })
        }
        s => return Err(Error::NotApproved(id, s)),
    }
    check_duties(&plan)?;
    let redactor = store.redactor()?;
    // The executable actions with their targets as stored when the plan was made.
    let mut stored = Vec::new();
    for (i, a) in plan
        .actions
        .iter()
        .enumerate()
        .filter(|(_, a)| is_executable(a))
    {
        let r = store.current(&a.target)?.map(|(r, _)| r);
        stored.push((i, a, r));
    }
    let (aws, kube) = connect(cfg, &stored, id).await?;
    let providers = Providers {
        aws: aws.as_ref(),
        kube: kube.as_ref(),
    };
    let checks = check_targets(&stored, &providers, &redactor).await;
    if dry_run {
        return Ok(Applied {
            plan,
            checks,
            dry_run: true,
        });
    }
    let unreadable: Vec<&str> = checks
        .iter()
        .filter(|c| c.unreadable)
        .filter_map(|c| c.problem.as_deref())
        .collect();
    if !unreadable.is_empty() {
        return Err(Error::Unreadable(id, unreadable.join("; ")));
    }
    let problems: Vec<&str> = checks.iter().filter_map(|c| c.problem.as_deref()).collect();
    if !problems.is_empty() {
        let reason = problems.join("; ");
        store.move_plan(
            id,
            PlanState::Stale,
            actor,
            &now(),
            Some(&reason),
            serde_json::json!({}),
        )?;
        return Err(Error::Stale(id, reason));
    }
    let plan = store.start_apply(id, actor, Utc::now())?;
    let (to, reason, done) = execute(store, id, &stored, &providers, actor).await?;
    let plan_now = store.move_plan(
        id,
        to,
        actor,
        &now(),
        reason.as_deref(),
        serde_json::json!({"actions_done": done, "actions": plan.actions.len()}),
    )?;
    Ok(Applied {
        plan: plan_now,
        checks,
        dry_run: false,
    })
}

/// An executable action's index, the action, and its target as stored (None: gone).
type Target<'p> = (usize, &'p Action, Option<Resource>);

/// The connections the targets' providers need (none for a provider no target has).
async fn connect(
    cfg: &Config,
    stored: &[Target<'_>],
    id: i64,
) -> Result<(Option<aws::Remediator>, Option<k8s::KubeRemediator>), Error> {
    let of = |provider: &'static str| {
        stored
            .iter()
            .filter_map(move |(_, _, r)| r.as_ref().filter(|r| r.provider == provider))
    };
    let aws = if of("aws").next().is_some() {
        let regions: Vec<String> = of("aws").filter_map(|r| r.region.clone()).collect();
        Some(
            aws::Remediator::connect(&cfg.remediation.aws, &regions, id)
                .await
                .map_err(Error::Credentials)?,
        )
    } else {
        None
    };
    let kube = if of("kubernetes").next().is_some() {
        Some(
            k8s::KubeRemediator::connect(&cfg.remediation.kubernetes)
                .await
                .map_err(Error::Credentials)?,
        )
    } else {
        None
    };
    Ok((aws, kube))
}

/// Each target read again and compared with the plan.
async fn check_targets(
    stored: &[Target<'_>],
    providers: &Providers<'_>,
    redactor: &Redactor,
) -> Vec<Check> {
    let mut checks = Vec::new();
    for (i, a, r) in stored {
        let (problem, unreadable) = match r {
            None => (
                Some(format!("{} is no longer in the store", a.target)),
                false,
            ),
            Some(r) => match providers.read(r).await {
                Ok(fresh) => (compare(a, r, fresh, redactor), false),
                Err(e) => (Some(format!("reading {} again: {e}", a.target)), true),
            },
        };
        checks.push(Check {
            action: *i,
            target: a.target.clone(),
            problem,
            unreadable,
        });
    }
    checks
}

/// Runs the actions in order, each recorded as it ends; the first failure stops the rest.
/// The state the plan moves to, why, and how many actions were done.
async fn execute(
    store: &mut Store,
    id: i64,
    stored: &[Target<'_>],
    providers: &Providers<'_>,
    actor: &str,
) -> Result<(PlanState, Option<String>, usize), Error> {
    let mut done = 0usize;
    let mut failure: Option<String> = None;
    let mut became_manual: Vec<String> = Vec::new();
    for (i, a, r) in stored {
        let Some(r) = r else {
            continue;
        };
        let mut record = |e: Execution| store.record_call(id, &e);
        let result = providers.run(*i, a, r, &mut record).await;
        match result {
            Ok(()) => {
                store.record_action(id, *i, "ok", None, actor, &now())?;
                done += 1;
            }
            // Another manager owns the fields (409): nothing was written, and the change is
            // for that manager's source to make. The action becomes manual; the rest go on.
            Err(e) if e.contains(k8s::CONFLICT) => {
                let e = format!("action {} ({}) became manual: {e}", i + 1, a.target);
                store.record_action(id, *i, "manual", Some(&e), actor, &now())?;
                became_manual.push(e);
            }
            Err(e) => {
                let e = format!("action {} ({}): {e}", i + 1, a.target);
                store.record_action(id, *i, "failed", Some(&e), actor, &now())?;
                failure = Some(e);
                break;
            }
        }
    }
    let (to, reason) = match failure {
        None if became_manual.is_empty() => (PlanState::Applied, None),
        None => (PlanState::Applied, Some(became_manual.join("; "))),
        Some(e) if done == 0 => (PlanState::Failed, Some(e)),
        Some(e) => (PlanState::PartiallyApplied, Some(e)),
    };
    Ok((to, reason, done))
}
