//! IAM: roles, users and groups (with their inline and managed policies, and the policy
//! resources that attach to them).

use super::Mapped;
use crate::iac::cfn::resolve::Resolved;

/// The types joined into this area's resources.
pub(super) const JOINED: &[&str] = &[];

/// `r`'s document, if it is one of this area's types.
pub(super) fn build(_r: &Resolved, _all: &[Resolved]) -> Option<Mapped> {
    None
}
