//! Shapes that are credentials whatever key they sit under.

use std::sync::LazyLock;

/// Shapes that are credentials whatever key they sit under, each named.
const SHAPES: &[(&str, &str)] = &[
    (
        "AWS access key id",
        r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b",
    ),
    (
        "private key",
        r"-----BEGIN[ A-Z0-9]*PRIVATE KEY( BLOCK)?-----",
    ),
    ("bearer token", r"(?i)\bbearer\s+[a-z0-9._~+/-]{16,}=*"),
    (
        "basic credentials",
        r"(?i)\bauthorization:\s*basic\s+[a-z0-9+/]{8,}=*",
    ),
    (
        "URL with a password",
        r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@",
    ),
    (
        "JWT",
        r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    ),
    (
        "GitHub token",
        r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{40,}",
    ),
    ("GitLab token", r"\bglpat-[A-Za-z0-9_-]{20}\b"),
    ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("Stripe key", r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}"),
    ("Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
];

static SHAPE_SET: LazyLock<regex::RegexSet> =
    LazyLock::new(|| regex::RegexSet::new(SHAPES.iter().map(|(_, re)| re)).expect("valid"));

/// The kind of credential a text contains, if it has one's shape.
pub fn shape(s: &str) -> Option<&'static str> {
    // Every shape is longer than this (`ftp://u:p@h` is 11): most strings are shorter.
    if s.len() < 10 {
        return None;
    }
    SHAPE_SET.matches(s).iter().next().map(|i| SHAPES[i].0)
}
