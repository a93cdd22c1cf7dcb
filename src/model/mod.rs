//! Plain data: resources, snapshots, findings, severities, waivers, idle resources,
//! remediation plans (`plan`: actions, states, approvals, summaries), AWS region and type
//! facts (`aws`) and the shape facts of Kubernetes objects (`k8s`). No I/O, and nothing
//! here imports a folder above it.

pub mod aws;
pub mod doc;
pub mod finding;
pub mod idle;
pub mod k8s;
pub mod plan;
pub mod resource;
pub mod severity;
pub mod snapshot;
pub mod waiver;

pub use finding::{Finding, FindingStatus, RuleResult};
pub use resource::Resource;
pub use severity::Severity;
pub use snapshot::{Coverage, CoverageStatus, ScanStatus, Snapshot};
pub use waiver::{Waiver, WaiverNote};
