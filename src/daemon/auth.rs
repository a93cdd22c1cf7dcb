//! API tokens: random bearer tokens, kept only as SHA-256 hashes, each with a role.
//!
//! The tokens file (`daemon.tokens_file`) and the `VIGIL_API_TOKENS` environment variable
//! hold hashes, never tokens; `vigil token new` makes a token and prints its entry. A
//! request's token is hashed and looked up, so the token itself is never stored, compared
//! byte by byte, or logged.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

/// What a token may do; each role includes the ones below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads scans, findings, resources, drift and waivers.
    Viewer,
    /// Also starts scans.
    Operator,
    /// Also reloads rules and config.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "operator" => Some(Role::Operator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: Role,
    /// May approve remediation plans (with a TOTP code). A capability of its own: no role
    /// implies it, `admin` included.
    pub approver: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("reading tokens file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    tokens: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    role: Role,
    sha256: String,
    #[serde(default)]
    approver: bool,
}

/// Token hashes (hex SHA-256) → who they belong to.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    by_hash: HashMap<String, Principal>,
}

/// The SHA-256 a token is kept as (the same as a mail link token's).
pub use crate::store::token_sha256 as hash;

/// A new random token: `vigil_` and 64 hex digits (256 bits from the OS).
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("vigil_{}", hex::encode(bytes)))
}

fn valid_hash(h: &str) -> bool {
    h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Tokens {
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Loads the tokens file (if any) and `VIGIL_API_TOKENS` (if set), reporting every bad
    /// entry with its place.
    pub fn load(file: Option<&Path>, env: Option<&str>) -> Result<Tokens, Error> {
        let mut tokens = Tokens::default();
        let mut problems = Vec::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.display().to_string(),
                source,
            })?;
            match toml::from_str::<File>(&text) {
                Err(e) => {
                    let line = e
                        .span()
                        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                        .unwrap_or(1);
                    problems.push(format!("{}:{line}: {}", path.display(), e.message().trim()));
                }
                Ok(f) => {
                    for (i, e) in f.tokens.into_iter().enumerate() {
                        let at = format!("{}: token {} (`{}`)", path.display(), i + 1, e.name);
                        let who = Principal {
                            name: e.name,
                            role: e.role,
                            approver: e.approver,
                        };
                        tokens.add(&at, who, &e.sha256, &mut problems);
                    }
                }
            }
        }
        if let Some(env) = env {
            // name:role:sha256 (role `ROLE+approver` for an approver), separated by commas
            // or whitespace.
            for (i, item) in env
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty())
                .enumerate()
            {
                let at = format!("VIGIL_API_TOKENS entry {}", i + 1);
                let parts: Vec<&str> = item.split(':').collect();
                match parts.as_slice() {
                    [name, role, sha] => {
                        let (role, approver) = match role.strip_suffix("+approver") {
                            Some(r) => (r, true),
                            None => (*role, false),
                        };
                        match Role::parse(role) {
                            Some(role) => {
                                let who = Principal {
                                    name: name.to_string(),
                                    role,
                                    approver,
                                };
                                tokens.add(&at, who, sha, &mut problems)
                            }
                            None => problems.push(format!(
                                "{at}: unknown role `{role}` (known: viewer, operator, admin; `+approver` adds approving plans)"
                            )),
                        }
                    }
                    _ => problems.push(format!(
                        "{at}: expected NAME:ROLE:SHA256 (from `vigil token new`)"
                    )),
                }
            }
        }
        if problems.is_empty() {
            Ok(tokens)
        } else {
            Err(Error::Invalid(problems.join("\n")))
        }
    }

    fn add(&mut self, at: &str, who: Principal, sha: &str, problems: &mut Vec<String>) {
        let sha = sha.to_ascii_lowercase();
        if !valid_hash(&sha) {
            problems.push(format!(
                "{at}: `sha256` must be the token's SHA-256 in 64 hex digits (never the token itself; `vigil token new` prints it)"
            ));
        } else if who.name.is_empty() {
            problems.push(format!("{at}: the token needs a name"));
        } else if let Some(other) = self.by_hash.get(&sha) {
            problems.push(format!(
                "{at}: the same token is already listed as `{}`",
                other.name
            ));
        } else {
            self.by_hash.insert(sha, who);
        }
    }

    /// Who holds this token, if anyone.
    pub fn check(&self, token: &str) -> Option<&Principal> {
        self.by_hash.get(&hash(token))
    }
}
