//! Digests as vigil writes them: lowercase hex.

use sha2::{Digest as _, Sha256};

/// SHA-256 of `bytes`, in hex.
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    hex::encode(Sha256::digest(bytes.as_ref()))
}
