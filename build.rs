//! Gives the binary an identity derived from its source: a hash of every
//! file under src/ and templates/ and of Cargo.lock. `relnotes build` puts it
//! into each release's build stamp, so outputs written by a different
//! relnotes are rebuilt rather than trusted. Also the commit it was built
//! from, for `relnotes --version`, when it is built inside a git checkout.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let mut paths = Vec::new();
    for dir in ["src", "templates"] {
        println!("cargo:rerun-if-changed={dir}");
        files(Path::new(dir), &mut paths);
    }
    println!("cargo:rerun-if-changed=Cargo.lock");
    paths.push(PathBuf::from("Cargo.lock"));
    paths.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in &paths {
        // Forward slashes, so the identity is the same on every system.
        p.to_string_lossy().replace('\\', "/").hash(&mut h);
        std::fs::read(p).unwrap_or_default().hash(&mut h);
    }
    println!("cargo:rustc-env=RELNOTES_BUILD_ID={:016x}", h.finish());
    commit();
}

/// `RELNOTES_COMMIT`: the short id of the commit being built, or nothing
/// outside a git checkout (a crates.io tarball). Rebuilt when HEAD moves.
fn commit() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let id = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_default();
    println!("cargo:rustc-env=RELNOTES_COMMIT={id}");
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        let dir = PathBuf::from(dir);
        println!("cargo:rerun-if-changed={}", dir.join("HEAD").display());
        // Branches live in the common folder (a worktree has its own HEAD).
        let common = git(&["rev-parse", "--git-common-dir"]).map_or(dir, PathBuf::from);
        if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
            let path = common.join(head);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        if common.join("packed-refs").exists() {
            println!(
                "cargo:rerun-if-changed={}",
                common.join("packed-refs").display()
            );
        }
    }
}
