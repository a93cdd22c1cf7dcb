//! One writer per database: an exclusive lock on `<database>.lock`, held for the life of the
//! process (`vigil run`, `vigil scan`, `vigil prune`). The lock is the kernel's (`flock`), so
//! it goes away with the process however it ends; the file stays and says who held it last.

use std::fs::File;
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database {db} is in use by another vigil ({holder}); one process writes to a database at a time: stop it, or ask it for a scan (POST /api/v1/scans) instead")]
    Busy { db: String, holder: String },
    #[error("lock file {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Held while the process may write; dropping it releases the lock.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    pub path: PathBuf,
}

pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    db.with_file_name(name)
}

/// Takes the database's lock, or says who has it.
pub fn acquire(db: &Path) -> Result<Lock, Error> {
    let path = lock_path(db);
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(Error::Busy {
                db: db.display().to_string(),
                holder: if holder.is_empty() {
                    "its lock file names no process".into()
                } else {
                    holder.to_string()
                },
            });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    let argv: Vec<String> = std::env::args().take(2).collect();
    let who = format!(
        "pid {}, `{}`, since {}",
        std::process::id(),
        argv.iter()
            .map(|a| Path::new(a)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" "),
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    file.write_all(who.as_bytes()).map_err(io)?;
    Ok(Lock { _file: file, path })
}
