//! Where the repo is, and how xtask calls cargo.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

/// What every xtask command returns: a message for the user on failure.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace xtask belongs to.
pub struct Workspace {
    /// The repo's root folder, where the workspace `Cargo.toml` is.
    pub root: PathBuf,
    /// Cargo's target folder (see [`Workspace::target_dir`]).
    target: PathBuf,
    /// Pass `--locked` to cargo's build commands.
    locked: bool,
}

impl Workspace {
    /// Finds the repo xtask was run in: the nearest folder, from the current one upwards, that
    /// holds a workspace `Cargo.toml` and `xtask/`. Found at run time, never from the path xtask
    /// was built from: with one `CARGO_TARGET_DIR` for two clones, cargo runs the binary built in
    /// the first clone from the second, and a compile-time path would act on the first.
    pub fn find(locked: bool) -> Result<Workspace> {
        let here = env::current_dir()
            .map_err(|error| format!("cannot read the current folder: {error}"))?;
        let root = repo_root(&here)?;
        // Absolute: a relative `$CARGO_TARGET_DIR` is relative to where the user ran cargo, not
        // to the root where xtask's own cargo commands run.
        let target = match env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => here.join(dir),
            None => root.join("target"),
        };
        Ok(Workspace {
            root,
            target,
            locked,
        })
    }

    /// Another copy of the workspace, at `root`, building into `target`: the scratch copy that
    /// `cargo xtask break` changes.
    pub fn copy_at(&self, root: PathBuf, target: PathBuf) -> Workspace {
        Workspace {
            root,
            target,
            locked: self.locked,
        }
    }

    /// Cargo's target folder: `$CARGO_TARGET_DIR`, or `target/` in the root.
    pub fn target_dir(&self) -> PathBuf {
        self.target.clone()
    }

    /// `cargo <args>`, with `--locked` after the subcommand if asked for.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = self.bare_cargo();
        if let Some((subcommand, rest)) = args.split_first() {
            command.arg(subcommand);
            if self.locked {
                command.arg("--locked");
            }
            command.args(rest);
        }
        command
    }

    /// The same command, for the loom build: `--cfg loom`, in its own target folder, `loom/` inside
    /// the normal one, so that switching `RUSTFLAGS` never throws away the normal build cache.
    pub fn loom_command(&self, args: &[&str]) -> Command {
        let mut command = self.command(args);
        let mut rustflags = env::var_os("RUSTFLAGS").unwrap_or_default();
        if !rustflags.is_empty() {
            rustflags.push(" ");
        }
        rustflags.push("--cfg loom");
        command
            .env("RUSTFLAGS", rustflags)
            .env("CARGO_TARGET_DIR", self.target.join("loom"));
        command
    }

    /// Runs `cargo <args>` to completion with its output shown; an error if it fails.
    pub fn cargo(&self, args: &[&str]) -> Result {
        status(self.command(args), args)
    }

    /// Like [`Workspace::cargo`], for subcommands that take no `--locked` (`cargo fmt`).
    pub fn cargo_plain(&self, args: &[&str]) -> Result {
        let mut command = self.bare_cargo();
        command.args(args);
        status(command, args)
    }

    /// Like [`Workspace::cargo`], in the loom build.
    pub fn cargo_loom(&self, args: &[&str]) -> Result {
        status(self.loom_command(args), args)
    }

    /// `cargo`, in the root, through `$CARGO` (the cargo that runs xtask) when it is set, building
    /// into [`Workspace::target_dir`].
    fn bare_cargo(&self) -> Command {
        let mut command =
            Command::new(env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")));
        command
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", self.target_dir());
        command
    }

    /// A path relative to the root, for messages.
    pub fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// The nearest of `here` and its parents that is this repo's root.
fn repo_root(here: &Path) -> Result<PathBuf> {
    here.ancestors()
        .find(|dir| {
            dir.join("xtask/Cargo.toml").is_file()
                && fs::read_to_string(dir.join("Cargo.toml"))
                    .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "run cargo xtask inside the repo: no folder from {} upwards holds the workspace's \
                 Cargo.toml and xtask/",
                here.display()
            )
        })
}

fn status(mut command: Command, args: &[&str]) -> Result {
    run(&mut command, &format!("`cargo {}`", args.join(" ")))
}

/// Runs `command` to completion, its output shown; an error naming `what` if it fails.
pub fn run(command: &mut Command, what: &str) -> Result {
    let status = command
        .status()
        .map_err(|e| format!("could not start {what}: {e}"))?;
    match status.success() {
        true => Ok(()),
        false => Err(format!("{what} failed ({status})")),
    }
}

/// Reads a child's pipe to the end on its own thread, so neither pipe can fill up and stall it.
pub fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
