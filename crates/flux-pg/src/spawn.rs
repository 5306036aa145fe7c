//! Starting PostgreSQL processes, as root or not.
//!
//! PostgreSQL refuses to run with an effective uid of 0. Rather than asking
//! the operator to create a user, when we are root we start `initdb` and
//! `postgres` in a fresh *user namespace* without a uid mapping: inside it the
//! process is the unprivileged overflow user, so PostgreSQL's check passes,
//! while the kernel still accounts its files to the real (root) owner, so the
//! data directory can live anywhere root can write, including `/root`.
//! The namespace is created by `unshare(2)` between `fork` and `exec`, which
//! needs a few lines of `unsafe` (there is no safe std API for it).

#![allow(unsafe_code)]

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::{io_err, PgError};

/// Builds a command for a PostgreSQL binary with output going to `log`.
/// `detach` puts the child in its own session so that it outlives the
/// caller's process group (test runners kill process groups on exit).
pub(crate) fn command(program: &Path, log: &Path, detach: bool) -> Result<Command, PgError> {
    let out = File::options()
        .create(true)
        .append(true)
        .open(log)
        .map_err(io_err(log))?;
    let err = out.try_clone().map_err(io_err(log))?;
    let mut cmd = Command::new(program);
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    cmd.env("LC_ALL", "C");
    let as_root = nix::unistd::geteuid().is_root();
    // SAFETY: the closure runs in the forked child before exec and only makes
    // async-signal-safe system calls (setsid, unshare); it touches no locks
    // or allocations of the parent.
    unsafe {
        cmd.pre_exec(move || {
            if detach {
                nix::unistd::setsid().map_err(std::io::Error::from)?;
            }
            if as_root {
                nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWUSER)
                    .map_err(std::io::Error::from)?;
            }
            Ok(())
        });
    }
    Ok(cmd)
}

/// Runs a command to completion, failing with a pointer to its log.
pub(crate) fn run(mut cmd: Command, log: &Path) -> Result<(), PgError> {
    let name = format!("{:?}", cmd.get_program());
    let status = cmd.status().map_err(io_err(log))?;
    if status.success() {
        Ok(())
    } else {
        Err(PgError::CommandFailed {
            command: name,
            status: status.to_string(),
            log: log.display().to_string(),
        })
    }
}

/// Starts a long-running command (the postmaster).
pub(crate) fn start(mut cmd: Command, log: &Path) -> Result<Child, PgError> {
    cmd.spawn().map_err(io_err(log))
}
