//! Plain data: resources, snapshots, findings, severities, and the shape facts of
//! Kubernetes objects (`k8s`). No I/O.

pub mod aws;
pub mod finding;
pub mod k8s;
pub mod resource;
pub mod severity;
pub mod snapshot;
pub mod synthetic;
pub mod waiver;

pub use finding::{Finding, FindingStatus, RuleResult};
pub use resource::Resource;
pub use severity::Severity;
pub use snapshot::{Coverage, CoverageStatus, ScanStatus, Snapshot};
pub use waiver::{Waiver, WaiverNote};
