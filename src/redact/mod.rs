//! Credentials never stored: one redaction pass every collected resource goes through before
//! anything stores, prints, logs or evaluates it.
//!
//! What is redacted, the way gitleaks, trufflehog and detect-secrets look for secrets:
//! - **by key** where a user chooses keys: AWS tags, Kubernetes labels and annotations (an
//!   object's own and its pod template's), container `args` and `command` (`--db-password=…`,
//!   `--token VALUE`, `DB_PASSWORD=…`, and such assignments inside a shell script), HTTP
//!   probe headers. A key is sensitive when one of its words names a credential (`password`,
//!   `token`, `secret`, `api key`, `credentials`, …) and none says it only describes one
//!   (`secret_name`, `token-ttl`, `password-file`);
//! - **every literal container `env` value**, whatever its name, and so every ECS container
//!   `Environment` value and every Lambda `Environment.Variables` value;
//! - **by shape** in every string of a resource: AWS access key ids (`AKIA…`, `ASIA…`),
//!   private key blocks, bearer tokens, JWTs, `user:password@` URLs, GitHub, GitLab, Slack,
//!   Stripe and Google API keys.
//!
//! The key stays and the value becomes `(redacted by vigil) hmac-sha256:<32 hex>`: an HMAC
//! of the value under a key kept in the database (never a bare hash of the secret, which
//! would give a short password away), so drift still shows that a value changed.

use std::sync::LazyLock;

use hmac::{Hmac, KeyInit as _, Mac as _};
use regex::Regex;
use serde_json::Value;
use sha2::Sha256;

use crate::model::{Resource, Snapshot};

mod keys;
mod shapes;

use keys::inert_value;
pub use keys::sensitive_key;
pub use shapes::shape;

/// The text every redacted value starts with.
pub const REDACTED: &str = "(redacted by vigil)";

/// Whether a value was redacted by vigil (it starts with [`REDACTED`]).
pub fn is_redacted(s: &str) -> bool {
    s.contains(REDACTED)
}

/// Redacts with one key: the database's ([`crate::store::Store::redaction_key`]), or a
/// random one where nothing is kept (manifest scans).
#[derive(Clone)]
pub struct Redactor {
    key: [u8; 32],
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor { key: (not shown) }")
    }
}

impl Redactor {
    pub fn new(key: [u8; 32]) -> Redactor {
        Redactor { key }
    }

    /// A redactor with a fresh random key: its hashes mean nothing beyond this process.
    pub fn ephemeral() -> Redactor {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the OS gives random bytes");
        Redactor { key }
    }

    /// What replaces a secret: [`REDACTED`] and the value's keyed hash (128 bits).
    pub fn marker(&self, secret: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(secret.as_bytes());
        let tag = mac.finalize().into_bytes();
        let hex = hex::encode(&tag[..16]);
        format!("{REDACTED} hmac-sha256:{hex}")
    }

    /// Redacts a snapshot's resources and coverage errors; returns how many values changed.
    pub fn snapshot(&self, s: &mut Snapshot) -> usize {
        let mut n = 0;
        for r in &mut s.resources {
            n += self.resource(r);
        }
        for c in &mut s.coverage {
            if let Some(e) = &mut c.error {
                n += usize::from(self.text(e));
            }
        }
        n
    }

    /// Redacts one resource in place; returns how many values changed.
    pub fn resource(&self, r: &mut Resource) -> usize {
        let mut n = 0;
        for (k, v) in r.tags.iter_mut() {
            n += usize::from(self.keyed(k, v));
        }
        if let Some(name) = &mut r.name {
            n += usize::from(self.text(name));
        }
        n + self.walk(&mut r.config, None)
    }

    /// A value under a user-chosen key (tag, label, annotation, header): all of it when the
    /// key names a credential or the value has a credential's shape.
    pub fn keyed(&self, key: &str, value: &mut String) -> bool {
        if is_redacted(value) {
            return false;
        }
        if (sensitive_key(key) && !inert_value(value)) || shape(value).is_some() {
            *value = self.marker(value);
            return true;
        }
        false
    }

    /// Free text: all of it when it has a credential's shape.
    pub fn text(&self, value: &mut String) -> bool {
        if is_redacted(value) || shape(value).is_none() {
            return false;
        }
        *value = self.marker(value);
        true
    }

    /// A command line (`args` or `command`): `--flag=value` and `KEY=value` keep their key,
    /// `--flag value` keeps the flag and loses the next word, a shell script keeps all but
    /// the values of its credential assignments, and a word with a credential's shape goes.
    pub fn args(&self, args: &mut [Value]) -> usize {
        self.args_after(args, false)
    }

    /// [`Redactor::args`], the first word being a credential flag's value when
    /// `next_is_secret` (a container's `args` continue its `command`).
    fn args_after(&self, args: &mut [Value], mut next_is_secret: bool) -> usize {
        let mut n = 0;
        for a in args.iter_mut() {
            let Value::String(s) = a else {
                next_is_secret = false;
                continue;
            };
            if std::mem::take(&mut next_is_secret) && !s.starts_with('-') && !is_redacted(s) {
                if !inert_value(s) {
                    *s = self.marker(s);
                    n += 1;
                }
                continue;
            }
            if let Some(flag) = bare_flag(s) {
                next_is_secret = sensitive_key(flag);
                continue;
            }
            n += usize::from(self.word(s));
        }
        n
    }

    /// One word of a command line, or a script.
    fn word(&self, s: &mut String) -> bool {
        if is_redacted(s) {
            return false;
        }
        // --flag=value, -flag=value, KEY=value as one word: the key stays.
        if let Some(caps) = ASSIGNMENT.captures(s) {
            let (key, value) = (&caps["key"], caps.name("value").expect("the value group"));
            if (sensitive_key(key) && !inert_value(value.as_str()))
                || shape(value.as_str()).is_some()
            {
                let keep = value.start();
                let marker = self.marker(&s[keep..]);
                s.replace_range(keep.., &marker);
                return true;
            }
            // `--set=auth.password=x`, `--from-literal=password=x`: look inside.
            return self.script(s);
        }
        if shape(s).is_some() {
            *s = self.marker(s);
            return true;
        }
        self.script(s)
    }

    /// Credential assignments inside a script (`--password x`, `TOKEN=x`, `"password": "x"`):
    /// each value is replaced, the rest of the script stays readable.
    fn script(&self, s: &mut String) -> bool {
        let mut edits: Vec<(usize, usize)> = Vec::new();
        let mut after = 0;
        for key in SCRIPT_KEY.find_iter(s) {
            if key.start() < after || !sensitive_key(key.as_str()) {
                continue;
            }
            let Some(caps) = SCRIPT_VALUE.captures(&s[key.end()..]) else {
                continue;
            };
            let spaced = caps["sep"].trim().is_empty();
            if spaced && !key.as_str().starts_with('-') {
                continue; // `token bucket`: words, not an assignment
            }
            let value = caps.name("value").expect("the value group");
            let v = value.as_str().trim_matches(|c| c == '"' || c == '\'');
            if inert_value(v) || is_redacted(v) {
                continue;
            }
            let (start, mut end) = (key.end() + value.start(), key.end() + value.end());
            // `Authorization: Bearer x`, `Token x`: the credential is the word after.
            if SCHEMES.contains(&v.to_ascii_lowercase().as_str()) {
                if let Some(next) = NEXT_WORD.find(&s[end..]) {
                    end += next.end();
                }
            }
            edits.push((start, end));
            after = end;
        }
        for &(start, end) in edits.iter().rev() {
            let marker = self.marker(&s[start..end]);
            s.replace_range(start..end, &marker);
        }
        !edits.is_empty()
    }

    /// Walks a resource's document: key/value places by key, every other string by shape.
    fn walk(&self, v: &mut Value, field: Option<&str>) -> usize {
        match v {
            Value::String(s) => usize::from(self.text(s)),
            Value::Array(items) => match field {
                Some("args" | "command") if items.iter().all(Value::is_string) => self.args(items),
                Some("env") => items.iter_mut().map(|e| self.env(e, "value")).sum(),
                // An ECS container definition's environment: [{Name, Value}].
                Some("Environment") => items.iter_mut().map(|e| self.env(e, "Value")).sum(),
                Some("httpHeaders") => items
                    .iter_mut()
                    .map(|h| self.pair(h, "name", "value"))
                    .sum(),
                _ => items.iter_mut().map(|i| self.walk(i, None)).sum(),
            },
            Value::Object(m) => {
                if matches!(field, Some("labels" | "annotations")) {
                    return m
                        .iter_mut()
                        .map(|(k, v)| match v {
                            Value::String(s) => self.embedded(s) + usize::from(self.keyed(k, s)),
                            other => self.walk(other, None),
                        })
                        .sum();
                }
                // A container's `args` continue its `command`: `[app, --token]` + `[x]`.
                let carry = match m.get("command") {
                    Some(Value::Array(c)) => c
                        .last()
                        .and_then(Value::as_str)
                        .and_then(bare_flag)
                        .is_some_and(sensitive_key),
                    _ => false,
                };
                if carry {
                    if let Some(Value::Array(args)) = m.get_mut("args") {
                        if args.iter().all(Value::is_string) {
                            let n = self.args_after(args, true);
                            return n + m
                                .iter_mut()
                                .filter(|(k, _)| k.as_str() != "args")
                                .map(|(k, v)| self.walk(v, Some(k)))
                                .sum::<usize>();
                        }
                    }
                }
                // A Lambda function's environment: {"Variables": {name: value}}.
                if field == Some("Environment") {
                    if let Some(Value::Object(vars)) = m.get_mut("Variables") {
                        return vars.values_mut().map(|v| self.literal(v)).sum();
                    }
                }
                // AWS's tag shape, wherever an API returns it: {"Key": k, "Value": v}.
                if m.get("Key").is_some_and(Value::is_string) && m.contains_key("Value") {
                    return self.pair(v, "Key", "Value");
                }
                m.iter_mut().map(|(k, v)| self.walk(v, Some(k))).sum()
            }
            _ => 0,
        }
    }

    /// An annotation holding a JSON document (a tool's copy of the object): redacted as a
    /// document, so env values and arguments in the copy go too.
    fn embedded(&self, s: &mut String) -> usize {
        let t = s.trim_start();
        if !(t.starts_with('{') || t.starts_with('[')) {
            return 0;
        }
        let Ok(mut doc) = serde_json::from_str::<Value>(s) else {
            return 0;
        };
        let n = self.walk(&mut doc, None);
        if n > 0 {
            *s = doc.to_string();
        }
        n
    }

    /// A value found in a drift record at `path` (`config.spec.containers[0].args[1]`,
    /// `tags["db_password"]`), its key known only from the path: redacted as it would have
    /// been in place, or whole where the path cannot tell (an argument on its own).
    pub fn at_path(&self, path: &str, v: &mut Value) -> usize {
        let (parent, last) = split_path(path);
        let parent_field = split_path(parent).1;
        match (v, last) {
            (Value::String(s), PathPart::Key(k))
                if matches!(
                    parent_field,
                    PathPart::Key("labels" | "annotations" | "tags")
                ) =>
            {
                self.embedded(s) + usize::from(self.keyed(k, s))
            }
            (Value::String(s), PathPart::Index)
                if matches!(parent_field, PathPart::Key("args" | "command")) =>
            {
                if is_redacted(s) {
                    0
                } else if s.starts_with('-') || s.contains('=') {
                    usize::from(self.word(s))
                } else {
                    *s = self.marker(s);
                    1
                }
            }
            (v @ Value::String(_), PathPart::Key("value")) if path.contains(".env[") => {
                self.literal(v)
            }
            (v @ Value::String(_), PathPart::Key("Value")) if path.contains(".Environment[") => {
                self.literal(v)
            }
            (v @ Value::String(_), PathPart::Key(_))
                if parent.ends_with(".Environment.Variables") =>
            {
                self.literal(v)
            }
            (Value::Object(vars), PathPart::Key("Variables"))
                if parent.ends_with(".Environment") =>
            {
                vars.values_mut().map(|v| self.literal(v)).sum()
            }
            (v, PathPart::Key(k)) => self.walk(v, Some(k)),
            (v, _) => self.walk(v, None),
        }
    }

    /// `{name_field: key, value_field: value}`: the value by its key.
    fn pair(&self, v: &mut Value, name_field: &str, value_field: &str) -> usize {
        let Value::Object(m) = v else {
            return self.walk(v, None);
        };
        let key = m
            .get(name_field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut n = 0;
        for (k, v) in m.iter_mut() {
            n += match v {
                Value::String(s) if k == value_field => usize::from(self.keyed(&key, s)),
                other => self.walk(other, Some(k)),
            };
        }
        n
    }

    /// A container env entry: a literal value goes whatever the variable's name.
    fn env(&self, e: &mut Value, value_key: &str) -> usize {
        let Value::Object(m) = e else {
            return self.walk(e, None);
        };
        let mut n = 0;
        for (k, v) in m.iter_mut() {
            n += if k == value_key && v.is_string() {
                self.literal(v)
            } else {
                self.walk(v, Some(k))
            };
        }
        n
    }

    /// A literal environment value: redacted whatever its name (an empty one stays).
    fn literal(&self, v: &mut Value) -> usize {
        match v {
            Value::String(s) if !s.is_empty() && !is_redacted(s) => {
                *s = self.marker(s);
                1
            }
            _ => 0,
        }
    }
}

/// `--flag` or `-flag` alone (its value is the next word).
fn bare_flag(s: &str) -> Option<&str> {
    let name = s.strip_prefix("--").or_else(|| s.strip_prefix('-'))?;
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    .then_some(s)
}

/// `--flag=value`, `-flag=value`, `KEY=value` as one word (no space in the value).
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<key>-{0,2}[A-Za-z_][A-Za-z0-9_.-]*)=(?P<value>\S*)$").expect("valid")
});

/// A key or flag inside a longer text.
static SCRIPT_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-{0,2}[A-Za-z_][A-Za-z0-9_.-]*").expect("valid"));

/// What follows a key in a script: `=`, `:` or (after a flag) spaces, then the value.
static SCRIPT_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^"?(?P<sep>\s*[=:]\s*|\s+)(?P<value>"[^"]*"|'[^']*'|[^\s"'&;|]+)"#)
        .expect("valid")
});

/// Authentication schemes: after one, the credential is the next word.
const SCHEMES: &[&str] = &["bearer", "token", "basic", "digest", "apikey"];

/// The next word of a script.
static NEXT_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s+[^\s"'&;|]+"#).expect("valid"));

/// A path segment of a drift record: a key, or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathPart<'a> {
    Key(&'a str),
    Index,
    None,
}

/// `a.b[0]["x.y"]` into (`a.b[0]`, `x.y`): the parent path and the last segment.
fn split_path(path: &str) -> (&str, PathPart<'_>) {
    if let Some(inner) = path.strip_suffix(']') {
        if let Some(open) = inner.rfind('[') {
            let seg = &inner[open + 1..];
            let part = if seg.starts_with('"') {
                PathPart::Key(seg.trim_matches('"'))
            } else {
                PathPart::Index
            };
            return (&path[..open], part);
        }
    }
    match path.rfind('.') {
        Some(dot) => (&path[..dot], PathPart::Key(&path[dot + 1..])),
        None if path.is_empty() => ("", PathPart::None),
        None => ("", PathPart::Key(path)),
    }
}

#[cfg(test)]
mod tests;
