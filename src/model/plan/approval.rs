//! An approval's decision as data: what it reads (the approver's MFA state, the plan, the
//! approvals given, the request, the policy) and what it decides. The decision itself is
//! `remediate::approval::decide`; the store loads a [`Case`] and writes the [`Decision`].

use chrono::{DateTime, Utc};

use super::PlanState;

/// The approver's second factor as stored: the last TOTP time step used, failed codes in a
/// row, and the end of a lockout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mfa {
    pub last_step: i64,
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// What a decision reads about the plan.
#[derive(Debug, Clone, Copy)]
pub struct PlanView<'a> {
    pub id: i64,
    pub state: PlanState,
    pub hash: &'a str,
    pub requester: &'a str,
    /// 1, or 2 for a plan touching production.
    pub approvals_required: u32,
}

/// An approval as asked for.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub principal: &'a str,
    pub hash: &'a str,
    /// The time step the TOTP code matched (None: no current step).
    pub totp_step: Option<u64>,
}

/// `[plans] approval_ttl_hours` and `[approvers] max_failures`, `lockout_minutes`.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub ttl_hours: u32,
    pub max_failures: u32,
    pub lockout_minutes: u32,
}

/// The decision and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Refused {
        reason: String,
        /// The approver's new MFA state (a failed code counted, or a step consumed before
        /// the plan refused); None: unchanged.
        mfa: Option<Mfa>,
    },
    Accepted {
        mfa: Mfa,
        /// The approval's time (to the second, as stored).
        at: DateTime<Utc>,
        step: u64,
        /// Valid approvals of this hash with this one, and how many the plan needs.
        approvals: u32,
        required: u32,
        /// Enough are in: the plan is approved until then (`ttl` after the oldest approval
        /// it rests on).
        approved_until: Option<DateTime<Utc>>,
    },
}

/// Everything a decision reads.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    pub plan: PlanView<'a>,
    pub mfa: Mfa,
    /// Every approval stored for this plan and hash: who, when.
    pub prior: &'a [(String, DateTime<Utc>)],
    pub request: Request<'a>,
    pub policy: Policy,
    pub now: DateTime<Utc>,
}
