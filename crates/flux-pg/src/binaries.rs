//! Locating the PostgreSQL server binaries (`initdb`, `postgres`).
//!
//! Debian keeps the server binaries out of `PATH` (in
//! `/usr/lib/postgresql/<major>/bin`), other systems put them on `PATH` or
//! report them through `pg_config`, so we look in all three places and take
//! the newest major version that has both binaries.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::PgError;

/// The oldest major version Flux's migrations are written for.
const MIN_MAJOR: u32 = 15;

/// A directory holding a usable `initdb` and `postgres`.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    pub dir: PathBuf,
    pub major: u32,
}

impl PgBinaries {
    pub fn initdb(&self) -> PathBuf {
        self.dir.join("initdb")
    }
    pub fn postgres(&self) -> PathBuf {
        self.dir.join("postgres")
    }
    /// The client tools of the same version, for backups: a dump is
    /// restorable by the same or a newer `pg_restore` only.
    pub fn pg_dump(&self) -> PathBuf {
        self.client_tool("pg_dump")
    }
    pub fn pg_restore(&self) -> PathBuf {
        self.client_tool("pg_restore")
    }

    /// Beside `postgres`, or beside the file it links to (a `PATH`
    /// directory may hold links to just the server binaries), or on `PATH`.
    fn client_tool(&self, name: &str) -> PathBuf {
        let linked = std::fs::canonicalize(self.postgres())
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        [Some(self.dir.clone()), linked]
            .into_iter()
            .flatten()
            .map(|d| d.join(name))
            .find(|p| p.is_file())
            .unwrap_or_else(|| PathBuf::from(name))
    }
}

/// Finds the newest PostgreSQL server binaries on this machine.
pub fn find_binaries() -> Result<PgBinaries, PgError> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        if out.status.success() {
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
            candidates.push(PathBuf::from(dir));
        }
    }
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        for entry in entries.flatten() {
            candidates.push(entry.path().join("bin"));
        }
    }

    let mut best: Option<PgBinaries> = None;
    let mut too_old: Option<PgBinaries> = None;
    for dir in candidates {
        if !dir.join("initdb").is_file() || !dir.join("postgres").is_file() {
            continue;
        }
        let Some(major) = major_version(&dir.join("postgres")) else {
            continue;
        };
        let found = PgBinaries { dir, major };
        if major < MIN_MAJOR {
            too_old = Some(found);
        } else if best.as_ref().is_none_or(|b| major > b.major) {
            best = Some(found);
        }
    }
    match (best, too_old) {
        (Some(b), _) => Ok(b),
        (None, Some(old)) => Err(PgError::TooOld {
            found: old.major,
            dir: old.dir.display().to_string(),
        }),
        (None, None) => Err(PgError::BinariesNotFound),
    }
}

/// Reads the major version from `postgres --version` ("postgres (PostgreSQL) 15.4 ...").
fn major_version(postgres: &Path) -> Option<u32> {
    let out = Command::new(postgres).arg("--version").output().ok()?;
    parse_major(&String::from_utf8_lossy(&out.stdout))
}

fn parse_major(version_line: &str) -> Option<u32> {
    let number = version_line
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_major_versions_of_old_and_new_style_numbers() {
        assert_eq!(
            parse_major("postgres (PostgreSQL) 15.4 (Debian 15.4-1)"),
            Some(15)
        );
        assert_eq!(parse_major("postgres (PostgreSQL) 17beta1"), Some(17));
        assert_eq!(parse_major("postgres (PostgreSQL) 9.6.24"), Some(9));
        assert_eq!(parse_major("garbage"), None);
    }

    #[test]
    fn finds_binaries_on_this_machine() {
        // The test suite runs on a real PostgreSQL; without binaries nothing
        // else would work either, so this failing is the clearest signal.
        let bins = find_binaries().expect("PostgreSQL server binaries must be installed");
        assert!(bins.major >= MIN_MAJOR);
        assert!(bins.initdb().is_file());
    }
}
