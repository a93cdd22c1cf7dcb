//! How a key and its value are judged: which keys name a credential (and which only
//! describe one), and which values hold none even under such a key.

use std::sync::LazyLock;

use regex::Regex;

/// A cheap first look: the letters every credential name in [`SECRET_WORDS`],
/// [`SECRET_INFIXES`] and [`SECRET_PAIRS`] contains one of.
static MAYBE_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)pass|pwd|secret|token|key|cred|dsn|auth|conn").expect("valid")
});

/// Words that name a credential.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "pass",
    "secret",
    "secrets",
    "token",
    "tokens",
    "apikey",
    "credential",
    "credentials",
    "creds",
    "dsn",
    "privatekey",
    "secretkey",
    "accesskey",
    "clientsecret",
    "authorization",
];

/// Parts of a word that name a credential inside it (`PGPASSWORD`, `githubtoken`).
const SECRET_INFIXES: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
];

/// Two words that together name a credential (`api key`, `private_key`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("private", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("client", "secret"),
    ("connection", "string"),
    ("conn", "str"),
    ("auth", "key"),
];

/// Words that say a key describes a credential rather than holding one.
const META_WORDS: &[&str] = &[
    "name",
    "names",
    "file",
    "files",
    "path",
    "dir",
    "ref",
    "arn",
    "id",
    "type",
    "kind",
    "mode",
    "length",
    "ttl",
    "expiry",
    "expiration",
    "expires",
    "lifetime",
    "duration",
    "timeout",
    "age",
    "rotation",
    "rotate",
    "policy",
    "version",
    "enabled",
    "required",
    "provider",
    "endpoint",
    "audience",
    "issuer",
    "count",
    "size",
    "limit",
    "format",
    "mount",
    "volume",
    "store",
    "manager",
    "inject",
    "template",
    "checksum",
    "hash",
    "sha",
    "digest",
    "owner",
    "status",
    "url",
    "uri",
    "header",
    "algorithm",
    "method",
    "source",
    "namespace",
    "key_id",
    "reset",
    "last",
    "used",
    "changed",
    "min",
    "max",
    "complexity",
    "strength",
    "prompt",
    "stdin",
    "env",
];

/// The words of a key: lower-case, split at non-alphanumerics and camelCase boundaries
/// (`dbPassword`, `DB_PASSWORD`, `example.com/db-credentials`).
pub(super) fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a key (tag, label, annotation, flag, variable) says it holds a credential.
pub fn sensitive_key(key: &str) -> bool {
    // Most keys (`app`, `team`, `--port`) have no part of a credential's name at all.
    if !MAYBE_SECRET.is_match(key) {
        return false;
    }
    let w = words(key);
    // The last word that names a credential: a word that describes one counts only after
    // it (`secret_name`, `token-ttl`, `password-file`, but `keyStorePassword`).
    let single = w.iter().rposition(|x| names_credential(x));
    let pair = w
        .windows(2)
        .rposition(|p| SECRET_PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
        .map(|i| i + 1);
    let Some(last) = single.max(pair) else {
        return false;
    };
    !w[last + 1..]
        .iter()
        .any(|x| META_WORDS.contains(&x.as_str()))
        && !w.iter().any(|x| ANYWHERE_META.contains(&x.as_str()))
}

fn names_credential(word: &str) -> bool {
    SECRET_WORDS.contains(&word)
        || SECRET_INFIXES.iter().any(|s| word.contains(s))
        || (word.ends_with("pass") && !NOT_PASS.contains(&word))
}

/// Words ending in `pass` that are not `storepass`, `dbpass`.
const NOT_PASS: &[&str] = &[
    "bypass",
    "compass",
    "surpass",
    "overpass",
    "underpass",
    "trespass",
    "encompass",
];

/// Words that say a key describes a credential wherever they stand (`checksum/secret`,
/// `vault.hashicorp.com/agent-inject-secret-db`).
const ANYWHERE_META: &[&str] = &["checksum", "hash", "sha", "digest", "inject", "template"];

/// Values that hold no credential even under a credential's key: empty, a switch, a number,
/// a reference to something else (`$VAR`, `${VAR}`, `{{ … }}`, a file path, an ARN).
pub(super) fn inert_value(v: &str) -> bool {
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    v.is_empty()
        || matches!(
            lower.as_str(),
            "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "enabled"
                | "disabled"
                | "none"
                | "null"
                | "required"
                | "optional"
                | "n/a"
        )
        || REFERENCE.is_match(v)
        || (v.starts_with("{{") && v.ends_with("}}"))
        || file_path(v)
        || lower.starts_with("arn:")
}

/// `${VAR}`, `$(VAR)` and an upper-case `$VAR`: a reference, not a value (`$ecr3tPass` is
/// a value: Kubernetes expands only `$(VAR)`, and variables are upper-case by convention).
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\$(?:[A-Z_][A-Z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\}|\([A-Za-z_][A-Za-z0-9_]*\))$")
        .expect("valid")
});

/// An absolute file path (`/run/secrets/db`), not a base64 string that starts with `/`:
/// segments of path characters, none with more than three capitals.
fn file_path(v: &str) -> bool {
    v.starts_with('/')
        && v.len() > 1
        && v[1..].split('/').all(|seg| {
            seg.len() <= 64
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                && seg.chars().filter(char::is_ascii_uppercase).count() <= 3
        })
}
