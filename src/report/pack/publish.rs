//! Publishing an evidence pack, the one way `vigil report --pack` and the daemon's
//! `[[reports]]` do it: the pack made at its path with its public key beside it (`.pub`,
//! when signed), then both uploaded to `s3://bucket/prefix` with their checksums. The
//! callers audit what this returns, each under its own action.

use std::path::{Path, PathBuf};

use super::upload::Uploaded;
use super::{sign, Made};
use crate::policy::RuleSet;
use crate::report::posture::Posture;
use crate::store::Store;

/// A pack on disk: where, what `make` said of it, and its public key's file.
pub struct Packed {
    pub path: PathBuf,
    pub made: Made,
    /// `<pack>.pub`, written when the pack is signed and `public_beside` asked for it.
    pub public_path: Option<PathBuf>,
}

/// What a pack carries besides the posture.
pub struct PackOptions<'a> {
    pub key: Option<&'a sign::SigningKey>,
    /// The bag's root folder in the zip.
    pub root: &'a str,
    pub template: Option<&'a Path>,
    pub oscal_version: &'a str,
    /// Write the public key beside the pack (not for a pack made only to be uploaded).
    pub public_beside: bool,
}

/// Makes the pack at `path` and, when signed, its public key beside it.
pub fn pack_to(
    store: &Store,
    rules: &RuleSet,
    p: &Posture,
    o: &PackOptions,
    path: &Path,
) -> crate::report::Result<Packed> {
    let made = super::make(
        store,
        rules,
        p,
        o.key,
        o.root,
        o.template,
        o.oscal_version,
        path,
    )?;
    let mut public_path = None;
    if let (Some(text), true) = (&made.public, o.public_beside) {
        let pub_path = path.with_extension("pub");
        std::fs::write(&pub_path, text)
            .map_err(|e| crate::report::Error::from(e).at("writing", &pub_path))?;
        public_path = Some(pub_path);
    }
    Ok(Packed {
        path: path.to_path_buf(),
        made,
        public_path,
    })
}

/// Uploads a pack and its public key (`<stem>.zip`, `<stem>.pub`) to `url`.
pub async fn upload(
    packed: &Packed,
    url: &str,
    endpoint_url: Option<&str>,
    region: Option<&str>,
) -> Result<Vec<Uploaded>, String> {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let bytes = std::fs::read(&packed.path)
        .map_err(|e| format!("reading {}: {e}", packed.path.display()))?;
    let mut files = vec![(name(&packed.path), bytes)];
    if let Some(text) = &packed.made.public {
        files.push((
            name(&packed.path.with_extension("pub")),
            text.clone().into_bytes(),
        ));
    }
    let s3 = super::upload::client(endpoint_url, region).await;
    super::upload::upload(&s3, url, files).await
}
