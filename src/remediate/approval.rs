//! Whether an approval is accepted, decided in plain code: the approver's lockout and TOTP
//! time step (each step once), the plan's state and hash, separation of duties, approvals
//! already given, and whether enough are in (two for production plans) and until when.
//! `store::approvals` loads the [`Case`], calls [`decide`] (handed to it by `flow`) and
//! writes what it says, in one transaction.

use chrono::{DateTime, Duration, SubsecRound as _, Utc};

pub use crate::model::plan::approval::{Case, Decision, Mfa, PlanView, Policy, Request};
use crate::model::plan::PlanState;

/// Decides an approval.
pub fn decide(case: &Case) -> Decision {
    let Case {
        plan,
        mfa,
        prior,
        request: req,
        policy,
        now,
    } = case;
    let now = now.trunc_subsecs(0);
    let refuse = |reason: String, mfa: Option<Mfa>| Decision::Refused { reason, mfa };
    let step = match second_factor(mfa, req, policy, now) {
        Ok(step) => step,
        Err(refused) => return refused,
    };
    // The step is used from here on, whatever the plan says.
    let consumed = Mfa {
        last_step: step as i64,
        failures: 0,
        locked_until: None,
    };
    let id = plan.id;
    if plan.state != PlanState::Proposed {
        return refuse(
            format!(
                "plan {id} is {}; only a proposed plan takes approvals",
                plan.state
            ),
            Some(consumed),
        );
    }
    if req.hash != plan.hash {
        return refuse(
            format!(
                "hash {} is not plan {id}'s ({}): approve the plan as `vigil plan show {id}` shows it now",
                req.hash, plan.hash
            ),
            Some(consumed),
        );
    }
    if req.principal == plan.requester {
        return refuse(
            format!(
                "{} requested plan {id} and cannot approve it (separation of duties)",
                req.principal
            ),
            Some(consumed),
        );
    }
    let ttl = Duration::hours(policy.ttl_hours as i64);
    let cutoff = now - ttl;
    if prior
        .iter()
        .any(|(who, at)| who == req.principal && *at > cutoff)
    {
        return refuse(
            format!("{} has already approved plan {id}", req.principal),
            Some(consumed),
        );
    }
    // This approval replaces the principal's expired one, if any.
    let mut valid: Vec<DateTime<Utc>> = prior
        .iter()
        .filter(|(who, at)| who != req.principal && *at > cutoff)
        .map(|(_, at)| *at)
        .collect();
    valid.push(now);
    let approvals = valid.len() as u32;
    let approved_until = (approvals >= plan.approvals_required)
        .then(|| valid.iter().min().copied().unwrap_or(now) + ttl);
    Decision::Accepted {
        mfa: consumed,
        at: now,
        step,
        approvals,
        required: plan.approvals_required,
        approved_until,
    }
}

/// The approver's code: refused while locked out; a code matching no current step, or a
/// step used before, counts a failure (and locks out after `max_failures`). Otherwise the
/// step to spend.
fn second_factor(
    mfa: &Mfa,
    req: &Request,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<u64, Decision> {
    if let Some(until) = mfa.locked_until.filter(|u| *u > now) {
        return Err(Decision::Refused {
            reason: format!(
                "{} is locked out until {} after {} failed codes",
                req.principal,
                stamp(until),
                mfa.failures
            ),
            mfa: None,
        });
    }
    let fail = |why: &str| {
        let failures = mfa.failures + 1;
        let locked_until = (failures >= policy.max_failures)
            .then(|| now + Duration::minutes(policy.lockout_minutes as i64));
        let then = locked_until
            .map(|l| format!("; locked out until {}", stamp(l)))
            .unwrap_or_default();
        Err(Decision::Refused {
            reason: format!("{why} ({failures} failed in a row{then})"),
            mfa: Some(Mfa {
                failures,
                locked_until,
                ..*mfa
            }),
        })
    };
    let Some(step) = req.totp_step else {
        return fail(&format!(
            "the TOTP code is not current for {}",
            req.principal
        ));
    };
    if step as i64 <= mfa.last_step {
        return fail("this TOTP code (or a later one) was already used; wait for the next code");
    }
    Ok(step)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const POLICY: Policy = Policy {
        ttl_hours: 24,
        max_failures: 3,
        lockout_minutes: 15,
    };

    fn plan(required: u32) -> PlanView<'static> {
        PlanView {
            id: 7,
            state: PlanState::Proposed,
            hash: "abc",
            requester: "rita",
            approvals_required: required,
        }
    }

    fn ask(principal: &'static str, step: Option<u64>) -> Request<'static> {
        Request {
            principal,
            hash: "abc",
            totp_step: step,
        }
    }

    /// Decides under [`POLICY`] at `now`.
    fn run(
        plan: PlanView,
        mfa: Mfa,
        prior: &[(String, DateTime<Utc>)],
        request: Request,
        now: &str,
    ) -> Decision {
        decide(&Case {
            plan,
            mfa,
            prior,
            request,
            policy: POLICY,
            now: t(now),
        })
    }

    fn reason(d: &Decision) -> &str {
        match d {
            Decision::Refused { reason, .. } => reason,
            Decision::Accepted { .. } => panic!("accepted: {d:?}"),
        }
    }

    const NOW: &str = "2026-12-07T10:00:00.750Z";

    #[test]
    fn one_approval_approves_a_plan_outside_production_for_the_ttl() {
        let d = run(plan(1), Mfa::default(), &[], ask("ann", Some(100)), NOW);
        assert_eq!(
            d,
            Decision::Accepted {
                mfa: Mfa {
                    last_step: 100,
                    failures: 0,
                    locked_until: None
                },
                at: t("2026-12-07T10:00:00Z"),
                step: 100,
                approvals: 1,
                required: 1,
                approved_until: Some(t("2026-12-08T10:00:00Z")),
            }
        );
    }

    #[test]
    fn production_needs_two_distinct_approvers_and_runs_out_after_the_oldest() {
        let first = run(plan(2), Mfa::default(), &[], ask("ann", Some(100)), NOW);
        assert!(matches!(
            first,
            Decision::Accepted {
                approvals: 1,
                required: 2,
                approved_until: None,
                ..
            }
        ));
        let prior = [("ann".to_string(), t("2026-12-07T09:00:00Z"))];
        let again = run(plan(2), Mfa::default(), &prior, ask("ann", Some(200)), NOW);
        assert_eq!(reason(&again), "ann has already approved plan 7");
        let second = run(plan(2), Mfa::default(), &prior, ask("bob", Some(100)), NOW);
        let Decision::Accepted {
            approvals,
            approved_until,
            ..
        } = second
        else {
            panic!("{second:?}")
        };
        assert_eq!(approvals, 2);
        assert_eq!(approved_until, Some(t("2026-12-08T09:00:00Z")));
        // An approval older than the ttl no longer counts, and may be given again.
        let stale = [("ann".to_string(), t("2026-12-06T09:00:00Z"))];
        for who in ["ann", "bob"] {
            let d = run(plan(2), Mfa::default(), &stale, ask(who, Some(100)), NOW);
            assert!(
                matches!(
                    d,
                    Decision::Accepted {
                        approvals: 1,
                        approved_until: None,
                        ..
                    }
                ),
                "{who}: {d:?}"
            );
        }
    }

    #[test]
    fn the_requester_a_wrong_hash_and_a_plan_not_proposed_are_refused_and_the_step_is_spent() {
        let spent = Some(Mfa {
            last_step: 100,
            failures: 0,
            locked_until: None,
        });
        let d = run(plan(1), Mfa::default(), &[], ask("rita", Some(100)), NOW);
        assert_eq!(
            d,
            Decision::Refused {
                reason: "rita requested plan 7 and cannot approve it (separation of duties)".into(),
                mfa: spent
            }
        );
        let wrong = Request {
            hash: "abd",
            ..ask("ann", Some(100))
        };
        let d = run(plan(1), Mfa::default(), &[], wrong, NOW);
        assert!(reason(&d).starts_with("hash abd is not plan 7's (abc)"));
        let applied = PlanView {
            state: PlanState::Applied,
            ..plan(1)
        };
        let d = run(applied, Mfa::default(), &[], ask("ann", Some(100)), NOW);
        assert_eq!(
            reason(&d),
            "plan 7 is applied; only a proposed plan takes approvals"
        );
    }

    #[test]
    fn bad_and_reused_codes_count_towards_a_lockout_that_refuses_even_good_codes() {
        let mut mfa = Mfa {
            last_step: 100,
            ..Default::default()
        };
        let d = run(plan(1), mfa, &[], ask("ann", Some(100)), NOW);
        assert_eq!(
            reason(&d),
            "this TOTP code (or a later one) was already used; wait for the next code (1 failed in a row)"
        );
        let Decision::Refused { mfa: Some(m), .. } = d else {
            panic!()
        };
        mfa = m;
        let d = run(plan(1), mfa, &[], ask("ann", None), NOW);
        let Decision::Refused { mfa: Some(m), .. } = d else {
            panic!()
        };
        mfa = m;
        let d = run(plan(1), mfa, &[], ask("ann", None), NOW);
        assert_eq!(
            reason(&d),
            "the TOTP code is not current for ann (3 failed in a row; locked out until 2026-12-07T10:15:00Z)"
        );
        let Decision::Refused { mfa: Some(m), .. } = d else {
            panic!()
        };
        assert_eq!(m.locked_until, Some(t("2026-12-07T10:15:00Z")));
        let d = run(
            plan(1),
            m,
            &[],
            ask("ann", Some(101)),
            "2026-12-07T10:14:59Z",
        );
        assert_eq!(
            d,
            Decision::Refused {
                reason: "ann is locked out until 2026-12-07T10:15:00Z after 3 failed codes".into(),
                mfa: None
            }
        );
        // After the lockout a good code is taken and clears the failures.
        let d = run(
            plan(1),
            m,
            &[],
            ask("ann", Some(101)),
            "2026-12-07T10:15:00Z",
        );
        assert!(matches!(
            d,
            Decision::Accepted {
                mfa: Mfa {
                    last_step: 101,
                    failures: 0,
                    locked_until: None
                },
                ..
            }
        ));
    }
}
