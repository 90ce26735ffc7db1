#!/usr/bin/env python3
"""relnotes on a real repository (issue 15): is every release's commit list
exactly what `git rev-list TAG ^PREVIOUS` gives, and how does `build --all`
compare with `git log` over the same history?

    benches/real_history.py REPO [--relnotes target/dist/relnotes] [--turns 3] [--tag-turns 21] [--out-base /dev/shm]

It also times the tag-time build of the newest release against `git log`
over that release's range, and prints the issue's targets with PASS or
FAIL (a FAIL does not change the exit code; a wrong commit list does).

REPO is any clone with tags (for example git's own: 80,000 commits, 1,000
tags, release candidates). Nothing here needs the network; fetch the
repository first. Prints a Markdown report; exit 1 if any release's commits
differ from git's.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMAT = "%H%n%an%n%ae%n%at%n%B"


def run(cmd, cwd=None):
    """Runs cmd; returns (wall seconds, CPU seconds, peak RSS in MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    wrapped = ["/usr/bin/time", "-f", "%M"] + cmd if Path("/usr/bin/time").exists() else cmd
    proc = subprocess.run(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = 0.0
    if wrapped is not cmd:
        last = proc.stderr.strip().splitlines()[-1]
        rss = int(last) / 1024 if last.isdigit() else 0.0
    return wall, cpu, rss


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("repo")
    ap.add_argument("--relnotes", default=str(Path(__file__).resolve().parent.parent / "target/dist/relnotes"))
    ap.add_argument("--turns", type=int, default=3)
    ap.add_argument("--tag-turns", type=int, default=21,
                    help="turns of the tag-time pair (milliseconds each: more turns for a stable median)")
    ap.add_argument("--out-base", default=None,
                    help="where the output goes (default: the system's temporary folder); "
                         "/dev/shm leaves out the file system's cost of creating thousands of files")
    a = ap.parse_args()
    repo = str(Path(a.repo).resolve())
    binary = str(Path(a.relnotes).resolve())
    out = Path(tempfile.mkdtemp(prefix="relnotes-real-", dir=a.out_base)) / "dist"

    # The same history for git log: every commit reachable from a tag relnotes releases.
    build = [binary, "--repo", repo, "-q", "build", "--all", "--force", "--format", "md", "--out", str(out)]
    run(build)  # warm-up, and the outputs checked below
    releases = []
    for d in sorted(out.iterdir()):
        f = d / "release.json"
        if f.is_file():
            releases.append(json.loads(f.read_text())["release"])
    tags = [r["tag"] for r in releases if r.get("tag")]
    log = ["git", "-C", repo, "log", f"--format={FORMAT}", *tags]

    # Correctness: each release's commits are `git rev-list TAG ^PREVIOUS`.
    wrong = []
    total = 0
    for r in releases:
        if not r.get("tag"):
            continue
        args = ["rev-list", r["tag"]]
        if r.get("previous"):
            args.append("^" + r["previous"]["tag"])
        want = set(git(repo, *args).split())
        got = {c["id"] for c in r["commits"]}
        total += len(got)
        if want != got:
            wrong.append((r["version"], len(want), len(got), len(want - got), len(got - want)))

    # Speed: git log and relnotes in turns; the ratio of each turn.
    ratios, cpu_ratios, rows = [], [], []
    for _ in range(a.turns):
        g = run(log)
        shutil.rmtree(out, ignore_errors=True)
        r = run(build)
        ratios.append(r[0] / g[0])
        cpu_ratios.append(r[1] / g[1])
        rows.append((g, r))
    # Tag time: the newest release alone against git log over its range.
    def key(r):
        v = r["version"]
        core, _, pre = v.partition("-")
        return tuple(int(x) for x in core.split(".")[:3]) + ((0, pre) if pre else (1, ""),)
    tagged = sorted((r for r in releases if r.get("tag")), key=key)
    newest = tagged[-1]
    tag_out = out.parent / "tag"
    tag_build = [binary, "--repo", repo, "-q", "build", "--tag", newest["tag"], "--force",
                 "--format", "md", "--out", str(tag_out)]
    span = f"{newest['previous']['tag']}..{newest['tag']}" if newest.get("previous") else newest["tag"]
    tag_log = ["git", "-C", repo, "log", f"--format={FORMAT}", span]
    run(tag_build)
    tag_rows = []
    for _ in range(a.tag_turns):
        g = run(tag_log)
        shutil.rmtree(tag_out, ignore_errors=True)
        r = run(tag_build)
        tag_rows.append((g, r))
    tag_git = statistics.median(g[0] for g, _ in tag_rows)
    tag_rel = statistics.median(r[0] for _, r in tag_rows)

    head = git(repo, "rev-parse", "--short", "HEAD").strip()
    commits = int(git(repo, "rev-list", "--count", *tags).strip())
    print(f"## relnotes on {os.path.basename(repo)} ({head})\n")
    print(f"{len(releases)} releases from {len(tags)} tags, {commits} commits reachable from them; "
          f"relnotes lists {total} commit entries (a commit in several releases' ranges counts once per release).\n")
    print("| turn | git log wall | relnotes build --all wall | ratio | CPU ratio | git log peak MiB | relnotes peak MiB |")
    print("|---|---|---|---|---|---|---|")
    for i, (g, r) in enumerate(rows, 1):
        print(f"| {i} | {g[0]:.2f} s | {r[0]:.2f} s | {r[0] / g[0]:.2f} | {r[1] / g[1]:.2f} | {g[2]:.0f} | {r[2]:.0f} |")
    print(f"\nMedian wall ratio {statistics.median(ratios):.2f}, median CPU ratio {statistics.median(cpu_ratios):.2f}.\n")
    mem_ratio = statistics.median(r[2] for _, r in rows) / max(statistics.median(g[2] for g, _ in rows), 1)
    verdict = lambda ok: "PASS" if ok else "FAIL"
    wall = statistics.median(ratios)
    print("| target | measured | result |")
    print("|---|---|---|")
    print(f"| cold `build --all` <= 2x `git log --tags` (median of turns) | {wall:.2f}x | {verdict(wall <= 2.0)} |")
    print(f"| peak memory < 1.5x git log's (medians) | {mem_ratio:.2f}x | {verdict(mem_ratio < 1.5)} |")
    print(f"| `build --tag {newest['tag']}` <= 2x `git log {span}` + 30 ms "
          f"(medians of {a.tag_turns} turns) | {tag_rel * 1000:.1f} ms vs {tag_git * 1000:.1f} ms "
          f"(limit {(2 * tag_git + 0.030) * 1000:.1f} ms) | {verdict(tag_rel <= 2 * tag_git + 0.030)} |")
    print()
    if wrong:
        print(f"**{len(wrong)} release(s) differ from git rev-list:**\n")
        for v, w, g, missing, extra in wrong[:20]:
            print(f"- {v}: git {w}, relnotes {g} ({missing} missing, {extra} extra)")
        shutil.rmtree(out.parent, ignore_errors=True)
        sys.exit(1)
    print(f"Every release's commits are exactly `git rev-list TAG ^PREVIOUS` ({len(tags)} of {len(tags)}).")
    shutil.rmtree(out.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
