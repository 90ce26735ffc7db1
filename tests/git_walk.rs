//! The commit walk (src/git.rs) against git itself: on tangled histories
//! (many branches, criss-cross merges, clocks that go backwards) the commits
//! of a range are exactly those `git rev-list TO ^HIDE` lists, each once,
//! every commit before its parents. (libgit2's own revwalk gives the same
//! sets; relnotes walks by itself to read each commit once.)

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use relnotes::sources::git::{write_history, HistorySpec, Repo, Step};

/// A small deterministic generator (xorshift), so the histories are the same
/// on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn step() -> Step {
    Step {
        commit: None,
        author: None,
        at: None,
        latin1: false,
        branch: None,
        from: None,
        merge: None,
        files: Vec::new(),
        tag: None,
        annotated: None,
    }
}

/// A history of `n` steps over a few branches, with merges both ways and
/// one commit in eight dated hours or days before its parent.
fn tangled(seed: u64, n: usize, max_skew_hours: usize) -> HistorySpec {
    let mut rng = Rng(seed);
    let start: jiff::Timestamp = "2026-01-05T09:00:00Z".parse().unwrap();
    let mut clock = start.as_second();
    let mut branches = vec!["main".to_string()];
    let mut current = 0;
    let mut steps = vec![Step {
        commit: Some("feat: first".into()),
        ..step()
    }];
    let mut tags = 0;
    for k in 0..n {
        clock += 3600;
        let mut s = step();
        let roll = rng.below(100);
        if roll < 12 {
            // Switch to another branch, sometimes a new one.
            if branches.len() < 6 && rng.below(2) == 0 {
                branches.push(format!("side-{k}"));
                current = branches.len() - 1;
            } else {
                current = rng.below(branches.len());
            }
            s.branch = Some(branches[current].clone());
            s.commit = Some(format!("fix: work {k}"));
        } else if roll < 30 && branches.len() > 1 {
            let other = rng.below(branches.len());
            if other != current {
                s.merge = Some(branches[other].clone());
            } else {
                s.commit = Some(format!("chore: step {k}"));
            }
        } else {
            s.commit = Some(format!("feat: change {k}"));
        }
        if max_skew_hours > 0 && rng.below(8) == 0 {
            // A skewed clock: this commit claims to be older than its parent.
            let back = 3600 * (1 + rng.below(max_skew_hours) as i64);
            s.at = Some(jiff::Timestamp::from_second(clock - back).unwrap());
        } else {
            s.at = Some(jiff::Timestamp::from_second(clock).unwrap());
        }
        if rng.below(10) == 0 {
            tags += 1;
            s.tag = Some(format!("t{tags}"));
        }
        steps.push(s);
    }
    HistorySpec {
        author: "Dana Lee <dana@example.com>".into(),
        start,
        shallow: false,
        head: None,
        steps,
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn ranges_match_git_rev_list_on_tangled_histories() {
    let mut ranges = 0;
    // Clocks that are right, a few hours off, and up to three days off.
    let cases = [0, 3, 72]
        .into_iter()
        .flat_map(|skew| [7u64, 1234, 99_991].map(|seed| (seed, skew)));
    for (seed, skew) in cases {
        let tmp = tempfile::tempdir().unwrap();
        write_history(tmp.path(), &tangled(seed, 400, skew)).unwrap();
        let repo = Repo::open(tmp.path()).unwrap();
        // Every tag and branch tip, as commit ids.
        let mut tips: Vec<String> = git(
            tmp.path(),
            &[
                "for-each-ref",
                "--format=%(objectname)",
                "refs/tags",
                "refs/heads",
            ],
        )
        .lines()
        .map(str::to_string)
        .collect();
        tips.sort();
        tips.dedup();
        assert!(tips.len() > 20, "seed {seed}: only {} tips", tips.len());
        let parents: HashMap<String, Vec<String>> =
            git(tmp.path(), &["rev-list", "--all", "--parents"])
                .lines()
                .map(|l| {
                    let mut ids = l.split(' ').map(str::to_string);
                    (ids.next().unwrap(), ids.collect())
                })
                .collect();
        let mut rng = Rng(seed ^ 0x5555);
        let picks: Vec<(&String, Option<&String>)> = (0..60)
            .map(|_| {
                let to = &tips[rng.below(tips.len())];
                let hide = (rng.below(6) != 0).then(|| &tips[rng.below(tips.len())]);
                (to, hide)
            })
            .collect();
        // As `build --all` reads them: every range walked (planned) first,
        // then read in turn, sharing the commits several ranges list; and
        // each on its own, as a tag-time build reads one.
        let planned: Vec<_> = picks
            .iter()
            .map(|(to, hide)| repo.range(to, hide.map(String::as_str)).unwrap())
            .collect();
        let mut planned = planned.into_iter();
        for (to, hide) in picks {
            let mut args = vec!["rev-list", to.as_str()];
            let not;
            if let Some(h) = hide {
                not = format!("^{h}");
                args.push(&not);
            }
            let expected: HashSet<String> =
                git(tmp.path(), &args).lines().map(str::to_string).collect();
            let ids = |commits: Vec<relnotes::domain::assemble::Commit>| -> Vec<String> {
                commits.into_iter().map(|c| c.id).collect()
            };
            let got = ids(repo.read_range(planned.next().unwrap()).unwrap());
            let alone = ids(repo.commits(to, hide.map(String::as_str)).unwrap());
            assert_eq!(got, alone, "seed {seed}: planned and single reads differ");
            let got_set: HashSet<String> = got.iter().cloned().collect();
            assert_eq!(
                got.len(),
                got_set.len(),
                "seed {seed}: a commit listed twice"
            );
            assert_eq!(
                got_set, expected,
                "seed {seed}, skew {skew}: {to} ^{hide:?}"
            );
            // Children before parents.
            let pos: HashMap<&str, usize> = got
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i))
                .collect();
            for (i, c) in got.iter().enumerate() {
                for p in &parents[c] {
                    if let Some(&j) = pos.get(p.as_str()) {
                        assert!(j > i, "seed {seed}: parent {p} listed before its child {c}");
                    }
                }
            }
            ranges += 1;
        }
    }
    assert_eq!(ranges, 9 * 60);
}

/// The files a commit changes, as monorepos read them, are exactly what
/// `git diff-tree -r --name-only <first parent> <commit>` lists (every
/// file of a root commit), on tangled histories whose commits change files
/// in nested folders, add folders and merge branches.
#[test]
fn changed_paths_match_git_diff_tree() {
    let folders = [
        "services/api/src",
        "services/api",
        "apps/web",
        "apps/web/src/deep",
        "docs",
    ];
    for seed in [5u64, 77, 4242] {
        let mut spec = tangled(seed, 150, 0);
        let mut rng = Rng(seed ^ 0x77);
        for s in spec.steps.iter_mut() {
            if s.commit.is_some() || s.merge.is_some() {
                for _ in 0..rng.below(3) {
                    let dir = folders[rng.below(folders.len())];
                    s.files.push(format!("{dir}/f{}.txt", rng.below(6)));
                }
            }
        }
        let tmp = tempfile::tempdir().unwrap();
        write_history(tmp.path(), &spec).unwrap();
        if seed != 5 {
            // Packed, with trees stored as chains of deltas (read by the
            // pack reader); the first history stays loose (read by libgit2).
            git(
                tmp.path(),
                &[
                    "repack",
                    "-a",
                    "-d",
                    "-f",
                    "-q",
                    "--window=50",
                    "--depth=50",
                ],
            );
        }
        let repo = Repo::open(tmp.path()).unwrap();
        let mut checked = 0;
        for line in git(tmp.path(), &["rev-list", "--all", "--parents"]).lines() {
            let mut ids = line.split(' ');
            let id = ids.next().unwrap();
            let expected: Vec<String> = match ids.next() {
                Some(parent) => git(tmp.path(), &["diff-tree", "-r", "--name-only", parent, id]),
                None => git(tmp.path(), &["ls-tree", "-r", "--name-only", id]),
            }
            .lines()
            .map(str::to_string)
            .collect();
            let mut expected = expected;
            expected.sort();
            let got = repo.changed_paths(id).unwrap();
            assert_eq!(
                got.as_ref(),
                expected.as_slice(),
                "seed {seed}: commit {id}"
            );
            checked += 1;
        }
        assert!(checked > 150, "{checked}");
    }
}

/// `build --all` on a history shaped like git's own (release candidates,
/// maintenance branches from release tags with patch releases, merged back
/// into main): every release lists exactly `git rev-list TAG ^PREVIOUS`,
/// where the previous release comes from relnotes' own ordering. The
/// build walks all ranges through one graph of the history and reads
/// commits several releases share once.
#[test]
fn build_all_lists_what_git_rev_list_does_with_maintenance_branches() {
    let c = |m: &str| Step {
        commit: Some(m.to_string()),
        ..step()
    };
    let tag = |mut s: Step, t: &str| {
        s.tag = Some(t.to_string());
        s.annotated = Some(format!("Release {t}"));
        s
    };
    let on = |b: &str, from: Option<&str>, m: &str| Step {
        branch: Some(b.to_string()),
        from: from.map(str::to_string),
        commit: Some(m.to_string()),
        ..step()
    };
    let merge = |b: &str| Step {
        merge: Some(b.to_string()),
        commit: Some(format!("Merge branch '{b}'")),
        ..step()
    };
    let mut steps = vec![tag(c("feat: first"), "v1.0.0")];
    for minor in 0..4 {
        let base = format!("v1.{minor}.0");
        let maint = format!("maint-1.{minor}");
        steps.push(on("main", None, &format!("feat: work {minor}a")));
        steps.push(tag(
            on(&maint, Some(&base), &format!("fix: backport {minor}a")),
            &format!("v1.{minor}.1"),
        ));
        steps.push(on("main", None, &format!("feat: work {minor}b")));
        steps.push(tag(
            c(&format!("fix: polish {minor}")),
            &format!("v1.{}.0-rc.1", minor + 1),
        ));
        steps.push(tag(
            on(&maint, None, &format!("fix: backport {minor}b")),
            &format!("v1.{minor}.2"),
        ));
        steps.push(on("main", None, &format!("feat: work {minor}c")));
        steps.push(merge(&maint));
        steps.push(tag(
            c(&format!("fix: last {minor}")),
            &format!("v1.{}.0-rc.2", minor + 1),
        ));
        // A fix made on the branch after main merged it.
        steps.push(tag(
            on(&maint, None, &format!("fix: backport {minor}c")),
            &format!("v1.{minor}.3"),
        ));
        steps.push(on("main", None, &format!("docs: notes {minor}")));
        steps.push(tag(
            c(&format!("chore: release 1.{}", minor + 1)),
            &format!("v1.{}.0", minor + 1),
        ));
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_history(
        dir,
        &HistorySpec {
            author: "Dana Lee <dana@example.com>".into(),
            start: "2026-01-05T09:00:00Z".parse().unwrap(),
            shallow: false,
            head: Some("main".into()),
            steps,
        },
    )
    .unwrap();
    let out = dir.join("dist");
    let (code, _, err) = crate::harness::run_in(
        dir,
        &[
            "build".into(),
            "--all".into(),
            "--format".into(),
            "md".into(),
            "--out".into(),
            out.to_string_lossy().into_owned(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let mut checked = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let file = entry.unwrap().path().join("release.json");
        if !file.is_file() {
            continue;
        }
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let r = &json["release"];
        let Some(tag) = r["tag"].as_str() else {
            continue;
        };
        let mut args = vec!["rev-list".to_string(), tag.to_string()];
        if let Some(p) = r["previous"]["tag"].as_str() {
            args.push(format!("^{p}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let expected: HashSet<String> = git(dir, &args).lines().map(str::to_string).collect();
        let got: HashSet<String> = r["commits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, expected, "{tag} ^{}", r["previous"]["tag"]);
        checked += 1;
    }
    // 1.0.0, then per minor: .1 .2 .3, two candidates and the release.
    assert_eq!(checked, 1 + 4 * 6);
}
