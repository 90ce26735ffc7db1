#!/usr/bin/env python3
"""The monorepo benchmark: `relnotes build --all` of every package against
`git log --tags --name-only` with the same format, in one run, on a
generated monorepo (benches/gen_monorepo.py).

    cargo build --release
    TMPDIR=/dev/shm python3 benches/monorepo.py [--commits 100000] [--packages 10] [--tags 1000] [--reps 3]

Prints the medians, the ratio (relnotes / git log, per turn, median) and
the peak memory of each. The target (issue 17): ratio <= 2, memory under
300 MB. The generated repository is kept in $TMPDIR between runs, and
the outputs go there too: with TMPDIR=/dev/shm both are in memory, which
compares the two programs rather than the file system (on ext4, creating
thousands of files right after deleting the last run's can take as long as
relnotes' own work; see the book's Performance chapter).
Python 3.11+, standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed(cmd: list[str], cwd: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one run."""
    start = time.perf_counter()
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + cmd,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    rss = int(out.stderr.strip().splitlines()[-1])
    return wall, rss


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--commits", type=int, default=100_000)
    p.add_argument("--packages", type=int, default=10)
    p.add_argument("--tags", type=int, default=1000)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--relnotes", default=os.path.join(ROOT, "target/release/relnotes"))
    a = p.parse_args()
    repo = os.path.join(
        tempfile.gettempdir(),
        f"relnotes-mono-{a.commits}-{a.packages}-{a.tags}",
    )
    if not os.path.isdir(os.path.join(repo, ".relnotes")):
        shutil.rmtree(repo, ignore_errors=True)
        subprocess.run(
            [sys.executable, os.path.join(HERE, "gen_monorepo.py"),
             "--commits", str(a.commits), "--packages", str(a.packages),
             "--tags", str(a.tags), repo],
            check=True,
        )
    out = os.path.join(tempfile.gettempdir(), "relnotes-mono-out")
    git = ["git", "log", "--tags", "--name-only", "--format=%H%n%an%n%ae%n%at%n%B"]
    rel = [a.relnotes, "build", "--all", "--format", "md", "--out", out]
    rows = {"git": [], "relnotes": [], "ratio": []}
    rss = {"git": 0, "relnotes": 0}
    for _ in range(a.reps):
        g, gm = timed(git, repo)
        shutil.rmtree(out, ignore_errors=True)
        r, rm = timed(rel, repo)
        rows["git"].append(g)
        rows["relnotes"].append(r)
        rows["ratio"].append(r / g)
        rss["git"] = max(rss["git"], gm)
        rss["relnotes"] = max(rss["relnotes"], rm)
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"monorepo: {a.commits} commits, {a.packages} packages, {a.tags} tags, {a.reps} turns")
    print(f"| | median wall | peak RSS |")
    print(f"|---|---|---|")
    print(f"| git log --tags --name-only | {med['git']:.2f} s | {rss['git'] // 1024} MB |")
    print(f"| relnotes build --all (every package) | {med['relnotes']:.2f} s | {rss['relnotes'] // 1024} MB |")
    print(f"ratio relnotes / git log (median of turns): {med['ratio']:.1f}x (target <= 2x)")


if __name__ == "__main__":
    main()
