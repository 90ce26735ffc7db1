//! Which git reader for relnotes (issue 15)? Reads every commit reachable
//! from HEAD (id, parents, author, committer time, message) three ways in
//! one run and prints the medians:
//!
//! - relnotes' own reader (`relnotes::sources::git::Repo`: the run's graph,
//!   the pack reader, libgit2 for the rest),
//! - gitoxide (`gix`: its rev walk, pack cache and commit decoder),
//! - libgit2 (`git2`: revwalk, then a lookup per commit).
//!
//!     cargo run --release --manifest-path benches/reader/Cargo.toml -- REPO [TURNS]
//!
//! Each turn runs the three in the same order; each reader opens the
//! repository afresh. Not built by CI: it needs gix, which relnotes does
//! not depend on.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let repo = args.next().expect("usage: reader-compare REPO [TURNS]");
    let turns: usize = args.next().map_or(5, |t| t.parse().expect("TURNS is a number"));
    let path = std::path::Path::new(&repo);
    let mut times: [Vec<f64>; 3] = Default::default();
    let mut counts = [0usize; 3];
    for _ in 0..turns {
        let start = Instant::now();
        counts[0] = relnotes_reader(path);
        times[0].push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        counts[1] = gix_reader(path);
        times[1].push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        counts[2] = libgit2_reader(path);
        times[2].push(start.elapsed().as_secs_f64());
    }
    println!("| reader | commits | median of {turns} | all turns |");
    println!("|---|---|---|---|");
    for (k, name) in ["relnotes' own", "gitoxide (gix)", "libgit2 (git2)"].iter().enumerate() {
        let mut t = times[k].clone();
        t.sort_by(f64::total_cmp);
        let all: Vec<String> = times[k].iter().map(|s| format!("{s:.2}")).collect();
        println!("| {name} | {} | {:.2} s | {} |", counts[k], t[t.len() / 2], all.join(", "));
    }
}

/// Bytes that depend on every field read, so nothing is optimized away.
fn mix(acc: &mut u64, bytes: &[u8]) {
    for b in bytes.iter().step_by(16) {
        *acc = acc.wrapping_mul(31).wrapping_add(u64::from(*b));
    }
}

fn relnotes_reader(path: &std::path::Path) -> usize {
    let repo = relnotes::sources::git::Repo::open(path).expect("opens");
    let head = repo.head().expect("HEAD names a commit");
    let commits = repo.commits(&head, None).expect("reads");
    let mut acc = 0;
    for c in &commits {
        mix(&mut acc, c.message.as_bytes());
        mix(&mut acc, c.author_name.as_bytes());
        acc ^= c.time as u64;
    }
    std::hint::black_box(acc);
    commits.len()
}

fn gix_reader(path: &std::path::Path) -> usize {
    let repo = gix::open(path).expect("opens");
    let head = repo.head_id().expect("HEAD names a commit");
    let mut n = 0;
    let mut acc = 0;
    for info in head.ancestors().all().expect("walks") {
        let info = info.expect("walks");
        let commit = info.object().expect("reads");
        let c = commit.decode().expect("decodes");
        mix(&mut acc, c.message);
        let author = c.author().expect("author");
        mix(&mut acc, author.name);
        acc ^= c.committer().expect("committer").time().map_or(0, |t| t.seconds as u64);
        acc ^= info.parent_ids().count() as u64;
        n += 1;
    }
    std::hint::black_box(acc);
    n
}

fn libgit2_reader(path: &std::path::Path) -> usize {
    let repo = git2::Repository::open(path).expect("opens");
    let mut walk = repo.revwalk().expect("walks");
    walk.push_head().expect("HEAD");
    let mut n = 0;
    let mut acc = 0;
    for id in walk {
        let c = repo.find_commit(id.expect("walks")).expect("reads");
        mix(&mut acc, c.message_bytes());
        mix(&mut acc, c.author().name_bytes());
        acc ^= c.time().seconds() as u64 ^ c.parent_count() as u64;
        n += 1;
    }
    std::hint::black_box(acc);
    n
}
