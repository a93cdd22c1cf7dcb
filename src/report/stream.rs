//! Writing large reports in bounded memory: JSON arrays serialized item by item from an
//! iterator (never held whole), a writer that hashes what passes through it, and files
//! that appear only once they are complete.

use std::io::{self, Write};
use std::path::Path;

use serde::{Serialize, Serializer};
use sha2::{Digest as _, Sha256};

/// A JSON array whose items are made as it is serialized: a report of 100,000 findings
/// goes to its file one item at a time.
pub struct Seq<'a, T>(Box<dyn Fn() -> Box<dyn Iterator<Item = T> + 'a> + 'a>);

impl<'a, T: 'a> Seq<'a, T> {
    pub fn new<I>(items: impl Fn() -> I + 'a) -> Self
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: 'a,
    {
        Seq(Box::new(move || Box::new(items().into_iter())))
    }

    /// None when there is nothing to list (OSCAL arrays have at least one item, so an
    /// empty one is left out).
    pub fn unless_empty<I>(nonempty: bool, items: impl Fn() -> I + 'a) -> Option<Self>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: 'a,
    {
        nonempty.then(|| Self::new(items))
    }
}

impl<T: Serialize> Serialize for Seq<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// Pretty JSON and a final newline, straight to `w`.
pub fn pretty_json(w: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, v)?;
    w.write_all(b"\n")
}

/// Compact JSON (one line) and a final newline, straight to `w`: for the documents tools
/// read (OSCAL, SARIF), a third smaller than pretty; `jq .` pretty-prints them.
pub fn compact_json(w: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *w, v)?;
    w.write_all(b"\n")
}

/// A writer that passes bytes on and keeps their SHA-256 and count.
pub struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Self {
        Hashing {
            inner,
            hash: Sha256::new(),
            bytes: 0,
        }
    }

    /// The inner writer, the SHA-256 in hex and the byte count.
    pub fn finish(self) -> (W, String, u64) {
        (self.inner, hex::encode(self.hash.finalize()), self.bytes)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes through `write` to `w`, buffered before the hash (serde writes in small pieces);
/// the SHA-256 in hex of what was written.
pub fn hashed(
    w: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> super::Result<()>,
) -> super::Result<String> {
    let mut b = io::BufWriter::with_capacity(1 << 16, Hashing::new(w));
    write(&mut b)?;
    let h = b.into_inner().map_err(|e| e.into_error())?;
    Ok(h.finish().1)
}

/// Writes `path` through `write` into a temporary file beside it, renamed into place only
/// when `write` succeeded: a failed report never leaves half a file under its name. A
/// symlink is followed to the file it names; what is not a regular file (`/dev/stdout`, a
/// FIFO) is written in place.
pub fn atomic<T>(
    path: &Path,
    write: impl FnOnce(&mut io::BufWriter<&std::fs::File>) -> super::Result<T>,
) -> super::Result<T> {
    let asked = path.to_path_buf();
    let at = |e: super::Error| e.at("writing", asked.clone());
    let io_at = |e: io::Error| at(e.into());
    let real = match std::fs::canonicalize(path) {
        Ok(real) if path.is_symlink() => real,
        _ => path.to_path_buf(),
    };
    let path = real.as_path();
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(io_at)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, &f);
        let out = write(&mut w).map_err(at)?;
        w.flush().map_err(io_at)?;
        return Ok(out);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut b = tempfile::Builder::new();
    b.prefix(".vigil-");
    // As `std::fs::write` would leave it under the usual umask, not tempfile's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    if !dir.is_dir() {
        return Err(super::Error::NoDirectory {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
        });
    }
    // tempfile's errors name its scratch file; say what the user asked for instead.
    let tmp = b
        .tempfile_in(dir)
        .map_err(|e| io_at(io::Error::from(e.kind())))?;
    let out = {
        let mut w = io::BufWriter::with_capacity(1 << 16, tmp.as_file());
        let out = write(&mut w).map_err(at)?;
        w.flush().map_err(io_at)?;
        out
    };
    tmp.persist(path).map_err(|e| io_at(e.error))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seq_is_made_as_it_is_written_and_each_time() {
        let made = std::cell::Cell::new(0);
        let seq = Seq::new(|| {
            made.set(made.get() + 1);
            (1..=3).map(|i| i * 10)
        });
        assert_eq!(made.get(), 0, "nothing is made before it is written");
        assert_eq!(serde_json::to_string(&seq).unwrap(), "[10,20,30]");
        assert_eq!(serde_json::to_string(&seq).unwrap(), "[10,20,30]");
        assert_eq!(made.get(), 2);
        let none: Option<Seq<'_, i32>> = Seq::unless_empty(false, || 0..3);
        assert!(none.is_none());
    }

    #[test]
    fn hashed_is_the_sha256_of_what_was_written() {
        let mut out = Vec::new();
        let sha = hashed(&mut out, |w| Ok(w.write_all(b"abc")?)).unwrap();
        assert_eq!(out, b"abc");
        // FIPS 180-2's test vector.
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_scratch_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old\n").unwrap();
        let err = atomic(&path, |w| -> crate::report::Result<()> {
            w.write_all(b"half a report")?;
            Err(crate::report::Error::Other("the template failed".into()))
        })
        .unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            format!("writing {}: the template failed", path.display())
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.json")]);

        atomic(&path, |w| Ok(w.write_all(b"new\n")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644);

            // Through a symlink, the file it names; a device is written in place.
            let link = dir.path().join("latest.json");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            atomic(&link, |w| Ok(w.write_all(b"newer\n")?)).unwrap();
            assert!(link.is_symlink());
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "newer\n");
            atomic(Path::new("/dev/null"), |w| Ok(w.write_all(b"gone\n")?)).unwrap();
            assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
        }
    }
}
