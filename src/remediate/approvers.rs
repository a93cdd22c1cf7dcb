//! Approvers and their TOTP secrets (RFC 6238: SHA-1, 6 digits, 30 s steps). The secrets
//! are credentials: they live in a TOML file only its owner may read (mode 0600), named by
//! `[approvers] totp_file`, never in the database. The database keeps each approver's last
//! accepted time step, so a code is accepted once.

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use totp_rs::{Builder, Secret, Totp};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no approvers file: set `[approvers] totp_file` in the config")]
    NoFile,
    #[error("approvers file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("approvers file {path} may be read by others (mode {mode:o}); it holds TOTP secrets: chmod 600 it")]
    Exposed { path: String, mode: u32 },
    #[error("approvers file {path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{0} is already an approver (remove their entry from the approvers file to enroll them again)")]
    Exists(String),
    #[error("{0} is not an approver: `vigil approver add {0}` enrolls them")]
    NotEnrolled(String),
    #[error("`{0}` cannot be an approver's name: use letters, digits, `.`, `_`, `-` and `@`")]
    BadName(String),
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    approvers: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    /// The TOTP secret, base32 as authenticator apps take it.
    secret: String,
}

/// The approvers file, read and checked.
#[derive(Debug)]
pub struct Approvers {
    path: PathBuf,
    file: File,
    skew: u8,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

fn totp(name: &str, secret: Vec<u8>, skew: u8) -> Result<Totp, String> {
    Builder::new()
        .with_secret(Secret::from(secret))
        .with_skew(skew.into())
        .with_account_name(name)
        .with_issuer(Some("vigil"))
        .build()
        .map_err(|e| e.to_string())
}

impl Approvers {
    /// Reads the file; a missing file is no approvers yet. Refused when others may read it.
    pub fn load(path: Option<&Path>, skew: u8) -> Result<Approvers, Error> {
        let path = path.ok_or(Error::NoFile)?.to_path_buf();
        let file = match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::default(),
            Err(e) => return Err(io(&path)(e)),
            Ok(m) => {
                let mode = m.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    return Err(Error::Exposed {
                        path: path.display().to_string(),
                        mode,
                    });
                }
                let text = std::fs::read_to_string(&path).map_err(io(&path))?;
                toml::from_str(&text).map_err(|e| Error::Invalid {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?
            }
        };
        Ok(Approvers { path, file, skew })
    }

    pub fn names(&self) -> Vec<&str> {
        self.file
            .approvers
            .iter()
            .map(|e| e.name.as_str())
            .collect()
    }

    /// Enrolls an approver with a new random secret, writes the file (mode 0600, replaced
    /// whole) and answers the `otpauth://` URI their authenticator app takes. It is shown
    /// once: vigil cannot print it again.
    pub fn add(&mut self, name: &str) -> Result<String, Error> {
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
        if !ok {
            return Err(Error::BadName(name.into()));
        }
        if self.names().contains(&name) {
            return Err(Error::Exists(name.into()));
        }
        let mut secret = vec![0u8; 20];
        getrandom::fill(&mut secret).map_err(|e| Error::Io {
            path: self.path.display().to_string(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let t = totp(name, secret, self.skew).map_err(|message| Error::Invalid {
            path: self.path.display().to_string(),
            message,
        })?;
        self.file.approvers.push(Entry {
            name: name.into(),
            secret: t.secret().to_base32(),
        });
        self.write()?;
        t.to_url().map_err(|e| Error::Invalid {
            path: self.path.display().to_string(),
            message: e.to_string(),
        })
    }

    fn write(&self) -> Result<(), Error> {
        let text = toml::to_string(&self.file).expect("approvers serialize");
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let tmp = self.path.with_extension("tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io(&tmp))?;
        f.write_all(text.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(io(&tmp))?;
        std::fs::rename(&tmp, &self.path).map_err(io(&self.path))
    }

    /// The approver's TOTP, from their stored secret.
    fn totp_of(&self, name: &str) -> Result<Totp, Error> {
        let e = self
            .file
            .approvers
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| Error::NotEnrolled(name.into()))?;
        let invalid = |message: String| Error::Invalid {
            path: self.path.display().to_string(),
            message: format!("the secret of {name}: {message}"),
        };
        let secret = Secret::try_from_base32(&e.secret).map_err(|e| invalid(e.to_string()))?;
        totp(name, secret.as_bytes().to_vec(), self.skew).map_err(invalid)
    }

    /// The time step an approver's code matches at `unix_time` (within the skew), or None.
    pub fn check(&self, name: &str, code: &str, unix_time: u64) -> Result<Option<u64>, Error> {
        Ok(self.totp_of(name)?.check(code.trim(), unix_time))
    }

    /// An approver's code at `unix_time`, as their authenticator app shows it.
    pub fn code_at(&self, name: &str, unix_time: u64) -> Result<String, Error> {
        Ok(self.totp_of(name)?.generate(unix_time).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_appendix_b_vectors_with_six_digits() {
        // The RFC's SHA-1 seed; its 8-digit codes end in these six digits.
        let t = totp("rfc", b"12345678901234567890".to_vec(), 0).unwrap();
        for (time, code) in [
            (59, "287082"),
            (1111111109, "081804"),
            (1111111111, "050471"),
            (1234567890, "005924"),
            (2000000000, "279037"),
        ] {
            assert_eq!(t.generate(time).to_string(), code, "time {time}");
            assert_eq!(t.check(code, time), Some(time / 30));
        }
    }

    #[test]
    fn enrolling_writes_a_private_file_and_codes_check_within_the_skew() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("totp.toml");
        let mut a = Approvers::load(Some(&path), 1).unwrap();
        let uri = a.add("alice").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/vigil:alice?secret="),
            "{uri}"
        );
        assert!(uri.ends_with("&issuer=vigil"), "{uri}");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(matches!(a.add("alice"), Err(Error::Exists(_))));
        assert!(matches!(a.add("al ice"), Err(Error::BadName(_))));
        let a = Approvers::load(Some(&path), 1).unwrap();
        let now = 1_800_000_000;
        let code = a.code_at("alice", now).unwrap();
        assert_eq!(a.check("alice", &code, now).unwrap(), Some(now / 30));
        assert_eq!(
            a.check("alice", &code, now + 30).unwrap(),
            Some(now / 30),
            "one step late"
        );
        assert_eq!(
            a.check("alice", &code, now + 90).unwrap(),
            None,
            "three steps late"
        );
        assert!(matches!(
            a.check("bob", &code, now),
            Err(Error::NotEnrolled(_))
        ));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = Approvers::load(Some(&path), 1).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
}
