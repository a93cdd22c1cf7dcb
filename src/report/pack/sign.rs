//! Ed25519 signing keys and signatures in minisign's formats, so a pack verifies with
//! `minisign -V` (and, from the raw signature, with OpenSSL) as well as with vigil.
//!
//! The secret key is PKCS#8 in PEM (`vigil keys new`, mode 0600; an `openssl genpkey
//! -algorithm ed25519` key works too). The public key file is minisign's: `"Ed"`, an 8-byte
//! key id (the first 8 bytes of SHA-256 of the public key) and the 32-byte key, in base64.
//! A signature is minisign's legacy (non-prehashed) `"Ed"` signature of the file, with a
//! trusted comment under a second signature.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ring::signature::{self, Ed25519KeyPair, KeyPair as _, UnparsedPublicKey};
use sha2::{Digest as _, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Key { path: String, message: String },
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Signature(String),
}

pub struct SigningKey {
    pair: Ed25519KeyPair,
}

/// A public key: its id and its 32 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub id: [u8; 8],
    pub key: [u8; 32],
}

fn key_id(pk: &[u8]) -> [u8; 8] {
    let d = Sha256::digest(pk);
    let mut id = [0u8; 8];
    id.copy_from_slice(&d[..8]);
    id
}

impl PublicKey {
    /// The id as minisign prints it (its little-endian number in hex).
    pub fn id_hex(&self) -> String {
        format!("{:016X}", u64::from_le_bytes(self.id))
    }

    /// The minisign public key file.
    pub fn to_minisign(&self) -> String {
        let mut raw = b"Ed".to_vec();
        raw.extend_from_slice(&self.id);
        raw.extend_from_slice(&self.key);
        format!(
            "untrusted comment: minisign public key {}\n{}\n",
            self.id_hex(),
            B64.encode(raw)
        )
    }

    /// The key as a PEM SubjectPublicKeyInfo (what `openssl pkeyutl -pubin` reads).
    pub fn to_pem(&self) -> String {
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(&self.key);
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            B64.encode(der)
        )
    }

    pub fn parse(text: &str) -> Result<PublicKey, String> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .ok_or("no key in the file")?;
        let raw = B64.decode(line).map_err(|e| format!("not base64: {e}"))?;
        if raw.len() != 42 || &raw[..2] != b"Ed" {
            return Err("not a minisign Ed25519 public key".into());
        }
        let mut pk = PublicKey {
            id: [0; 8],
            key: [0; 32],
        };
        pk.id.copy_from_slice(&raw[2..10]);
        pk.key.copy_from_slice(&raw[10..]);
        Ok(pk)
    }

    pub fn load(path: &Path) -> Result<PublicKey, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        PublicKey::parse(&text).map_err(|message| Error::Key {
            path: path.display().to_string(),
            message,
        })
    }

    fn verify_raw(&self, msg: &[u8], sig: &[u8]) -> bool {
        UnparsedPublicKey::new(&signature::ED25519, self.key)
            .verify(msg, sig)
            .is_ok()
    }

    /// Checks a minisign signature of `msg`: the key id, the signature and the trusted
    /// comment's. The trusted comment, when all hold.
    pub fn verify(&self, msg: &[u8], minisig: &str) -> Result<String, Error> {
        let bad = |m: &str| Error::Signature(m.to_string());
        let lines: Vec<&str> = minisig.lines().collect();
        let sig_line = lines
            .get(1)
            .ok_or_else(|| bad("the signature file is cut short"))?;
        let raw = B64
            .decode(sig_line.trim())
            .map_err(|_| bad("the signature is not base64"))?;
        if raw.len() != 74 || &raw[..2] != b"Ed" {
            return Err(bad("not a minisign Ed25519 signature"));
        }
        if raw[2..10] != self.id {
            return Err(bad("the signature was made with another key"));
        }
        if !self.verify_raw(msg, &raw[10..]) {
            return Err(bad(
                "the signature does not match the manifest: it was changed after signing",
            ));
        }
        let comment = lines
            .get(2)
            .and_then(|l| l.strip_prefix("trusted comment: "))
            .ok_or_else(|| bad("no trusted comment"))?;
        let global = B64
            .decode(
                lines
                    .get(3)
                    .ok_or_else(|| bad("no comment signature"))?
                    .trim(),
            )
            .map_err(|_| bad("the comment signature is not base64"))?;
        let mut signed = raw[10..].to_vec();
        signed.extend_from_slice(comment.as_bytes());
        if !self.verify_raw(&signed, &global) {
            return Err(bad("the trusted comment was changed after signing"));
        }
        Ok(comment.to_string())
    }
}

impl SigningKey {
    /// A new key: its PKCS#8 PEM text and the key.
    pub fn generate() -> (String, SigningKey) {
        let rng = ring::rand::SystemRandom::new();
        let doc = Ed25519KeyPair::generate_pkcs8(&rng).expect("the system RNG works");
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            B64.encode(doc.as_ref())
        );
        let pair = Ed25519KeyPair::from_pkcs8(doc.as_ref()).expect("a key just made parses");
        (pem, SigningKey { pair })
    }

    pub fn load(path: &Path) -> Result<SigningKey, Error> {
        let err = |message: String| Error::Key {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .map(str::trim)
            .collect();
        let der = B64
            .decode(body)
            .map_err(|_| err("not a PEM private key".into()))?;
        let pair = Ed25519KeyPair::from_pkcs8(&der)
            .or_else(|_| Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der))
            .map_err(|e| err(format!("not an Ed25519 PKCS#8 key ({e})")))?;
        Ok(SigningKey { pair })
    }

    pub fn public(&self) -> PublicKey {
        let pk = self.pair.public_key().as_ref();
        let mut key = [0u8; 32];
        key.copy_from_slice(pk);
        PublicKey {
            id: key_id(pk),
            key,
        }
    }

    /// A minisign signature file for `msg` with this trusted comment.
    pub fn sign(&self, msg: &[u8], trusted_comment: &str) -> String {
        let pk = self.public();
        let sig = self.pair.sign(msg);
        let mut raw = b"Ed".to_vec();
        raw.extend_from_slice(&pk.id);
        raw.extend_from_slice(sig.as_ref());
        let mut signed = sig.as_ref().to_vec();
        signed.extend_from_slice(trusted_comment.as_bytes());
        let global = self.pair.sign(&signed);
        format!(
            "untrusted comment: signature from vigil key {}\n{}\ntrusted comment: {}\n{}\n",
            pk.id_hex(),
            B64.encode(raw),
            trusted_comment,
            B64.encode(global.as_ref())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_fails_it() {
        let (pem, key) = SigningKey::generate();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let pk = PublicKey::parse(&key.public().to_minisign()).unwrap();
        assert_eq!(pk, key.public());
        let sig = key.sign(b"manifest", "timestamp:1 file:manifest-sha256.txt");
        assert_eq!(
            pk.verify(b"manifest", &sig).unwrap(),
            "timestamp:1 file:manifest-sha256.txt"
        );
        assert!(pk.verify(b"manifest!", &sig).is_err());
        let forged = sig.replace("timestamp:1", "timestamp:2");
        assert!(pk
            .verify(b"manifest", &forged)
            .unwrap_err()
            .to_string()
            .contains("trusted comment"));
        let (_, other) = SigningKey::generate();
        assert!(other
            .public()
            .verify(b"manifest", &sig)
            .unwrap_err()
            .to_string()
            .contains("another key"));
    }
}
