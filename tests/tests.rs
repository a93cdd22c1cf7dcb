//! The integration tests, as one test crate (one binary to link, as ripgrep does): each
//! module is one area, run against real parts — moto's server, a real kube-apiserver, the
//! stand-in API for what a real server will not do on demand, aiosmtpd, headless chromium,
//! a stub of the LLM providers' wire formats, SQLite files, the real binary.

mod common;

mod aws_cli_examples;
mod aws_config;
mod aws_moto;
mod aws_services;
mod browser;
mod cli;
mod daemon;
mod demo;
mod deploy;
mod evaluate;
mod exports;
mod golden;
mod history;
mod iac_drift;
mod iac_drift_report;
mod k8s_apiserver;
mod k8s_cluster;
mod llm;
mod llm_e2e;
mod llm_stub;
mod mail;
mod manifests;
mod organizations;
mod oscal;
mod pack;
mod page;
mod plans_aws;
mod plans_daemon;
mod plans_k8s;
mod plans_store;
mod redact;
mod report;
mod rules;
mod smtpd;
mod store;
mod store_parts;
mod targets;
mod templates;
mod templates_containers;
mod templates_edge;
mod templates_parity;
mod terraform;
