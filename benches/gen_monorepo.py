#!/usr/bin/env python3
"""Generate a synthetic monorepo for the relnotes monorepo benchmark.

    python3 benches/gen_monorepo.py --commits N --packages P --tags M OUT_DIR

Writes a git repository to OUT_DIR with N commits on one branch. Package k
lives in `packages/pkg<k>/`; each commit changes one to three files, most of
them in one package, some in two, a few only outside the packages (docs). M
release tags are spread evenly over the history, round-robin over the
packages, each package with its own tag pattern (`pkg<k>/v1.2.3` for even
k, `@acme/pkg<k>@1.2.3` for odd k). `.relnotes/config.yaml` declares the
packages.

Deterministic: the same arguments give the same commit ids (timestamps count
up from 2020-01-01, never from the clock). One `git fast-import` process
writes everything. Python 3.11+, standard library only.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys

KINDS = ["feat", "fix", "fix", "perf", "chore", "docs", "refactor", "test"]


def data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def tag_name(k: int, version: str) -> str:
    return f"pkg{k}/v{version}" if k % 2 == 0 else f"@acme/pkg{k}@{version}"


def generate(args: argparse.Namespace, out: str) -> None:
    rng = random.Random(args.seed)
    os.makedirs(out, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", out], check=True)
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"],
        cwd=out,
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    w = proc.stdin.write
    every = max(1, args.commits // max(1, args.tags))
    versions = [[0, 1, 0] for _ in range(args.packages)]
    ts = 1577836800
    next_tag_pkg = 0
    for n in range(1, args.commits + 1):
        ts += 600
        kind = rng.choice(KINDS)
        roll = rng.random()
        pkgs = [rng.randrange(args.packages)]
        if roll < 0.15:
            pkgs.append(rng.randrange(args.packages))
        files = []
        if roll > 0.97:
            files.append(f"docs/page{rng.randrange(50)}.md")
        else:
            for k in pkgs:
                for _ in range(rng.randint(1, 2)):
                    files.append(f"packages/pkg{k}/src/mod{rng.randrange(40)}.rs")
        scope = f"pkg{pkgs[0]}" if rng.random() < 0.1 else None
        head = f"{kind}({scope})" if scope else kind
        msg = f"{head}: change {n} of the code (#{n})\n\nBody of change {n}.\n"
        w(b"commit refs/heads/main\nmark :%d\n" % n)
        who = f"Dev {n % 17} <dev{n % 17}@acme.example> {ts} +0000\n"
        w(b"author " + who.encode() + b"committer " + who.encode())
        w(data(msg))
        if n > 1:
            w(b"from :%d\n" % (n - 1))
        for f in files:
            w(b"M 100644 inline " + f.encode() + b"\n")
            w(data(f"{f} at change {n}\n"))
        w(b"\n")
        if n % every == 0 and n < args.commits:
            k = next_tag_pkg % args.packages
            next_tag_pkg += 1
            v = versions[k]
            v[2] += 1
            if rng.random() < 0.2:
                v[1] += 1
                v[2] = 0
            version = ".".join(map(str, v))
            w(b"reset refs/tags/" + tag_name(k, version).encode() + b"\nfrom :%d\n\n" % n)
    w(b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=out, check=True)
    rel = os.path.join(out, ".relnotes")
    os.makedirs(rel, exist_ok=True)
    with open(os.path.join(rel, "config.yaml"), "w") as f:
        f.write("project:\n  name: Acme\npackages:\n")
        for k in range(args.packages):
            pattern = tag_name(k, "{version}")
            f.write(
                f"  - id: pkg{k}\n    paths: [\"packages/pkg{k}/**\"]\n    tag: \"{pattern}\"\n"
            )


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--commits", type=int, default=100_000)
    p.add_argument("--packages", type=int, default=10)
    p.add_argument("--tags", type=int, default=1000)
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("out")
    args = p.parse_args(argv)
    generate(args, args.out)


if __name__ == "__main__":
    main()
