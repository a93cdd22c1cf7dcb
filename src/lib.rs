#![doc = include_str!("../README.md")]

pub mod collect;
pub mod config;
pub mod controls;
pub mod daemon;
pub mod digest;
pub mod drift;
pub mod idle;
pub mod llm;
pub mod mail;
pub mod model;
pub mod policy;
pub mod redact;
pub mod remediate;
pub mod report;
pub mod scan;
pub mod store;
