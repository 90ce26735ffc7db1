#!/usr/bin/env python3
"""Timing, bookkeeping and the report for benches/bench.sh.

Subcommands (all write or read one JSON-lines results file):

  run     time a command several times; record wall times and peak RSS
  pair    time two commands in turns (A, B, A, B, ...); record both, and
          the median of the B/A ratios of each turn
  note    record facts (tags used, whether outputs matched, ...)
  tags    print the newest tag and the one before it, by semantic version
  cache-ok  exit 0 if a cached generated repository is complete and current
  report  print the Markdown table with medians, ratios and targets

Keeping the arithmetic here keeps bench.sh free of fragile shell maths.
Python 3.11+, standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TIME = "/usr/bin/time"


def append(results, record):
    with open(results, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, sort_keys=True) + "\n")


def load(results):
    with open(results, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# --------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------

def peak_rss_kb(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", line)
            if m:
                return int(m.group(1))
    return None


def run_once(cmd, env, cwd, rss, tmpdir):
    """One run: (seconds, peak RSS in KiB or None). Exits on failure."""
    err_path = os.path.join(tmpdir, "stderr")
    time_path = os.path.join(tmpdir, "time")
    argv = [TIME, "-v", "-o", time_path, *cmd] if rss else cmd
    with open(err_path, "wb") as err:
        start = time.perf_counter()
        rc = subprocess.call(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        secs = time.perf_counter() - start
    if rc != 0:
        with open(err_path, encoding="utf-8", errors="replace") as fh:
            tail = fh.read()[-4000:]
        sys.stderr.write(f"timeit: command failed with exit code {rc}:\n  {shlex.join(cmd)}\n")
        if cwd:
            sys.stderr.write(f"  (in {cwd})\n")
        if tail:
            sys.stderr.write("--- its stderr (last 4000 characters) ---\n" + tail + "\n")
        sys.exit(1)
    return secs, (peak_rss_kb(time_path) if rss else None)


_IN_MEMORY = {}


def in_memory(path):
    """True if `path` is on a file system in memory (tmpfs, ramfs)."""
    key = os.path.realpath(path)
    if key not in _IN_MEMORY:
        try:
            out = subprocess.run(["df", "--output=fstype", key], capture_output=True,
                                 text=True, check=False).stdout.split()
        except OSError:
            out = []
        _IN_MEMORY[key] = bool(out) and out[-1] in ("tmpfs", "ramfs")
    return _IN_MEMORY[key]


def set_aside(path, trash):
    """Clears `path` before a timed run, the way that disturbs the next run
    least. On a disk, the old output is moved aside, not deleted: creating
    thousands of files right after deleting thousands costs ext4 far more
    (it skips recently freed inodes one by one), which would time the file
    system's clean-up rather than the program; `trash` is removed by the
    caller at the end of the benchmark. In memory (tmpfs) it is the other
    way round: deleting is instant, while gigabytes of old outputs kept in
    memory made every later run spend three times as long in the kernel
    (measured: `build --all` at 100,000 commits, 0.45 s of system time
    with tmpfs empty, 1.5 s with 3 GB of earlier outputs in it)."""
    if not os.path.lexists(path):
        return
    if not trash or in_memory(os.path.dirname(os.path.abspath(path))):
        shutil.rmtree(path, ignore_errors=True)
        return
    os.makedirs(trash, exist_ok=True)
    os.rename(path, tempfile.mkdtemp(prefix="old.", dir=trash))


def cmd_run(a):
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        sys.exit("timeit run: no command given (put it after --)")
    if a.rss and not os.access(TIME, os.X_OK):
        sys.exit(f"timeit run: {TIME} is missing; install the Debian package 'time' (apt-get install time)")
    env = dict(os.environ)
    for kv in a.env:
        k, _, v = kv.partition("=")
        env[k] = v
    times, rss = [], []
    with tempfile.TemporaryDirectory(prefix="timeit.") as tmpdir:
        for i in range(a.warmup + a.reps):
            if a.fresh:
                set_aside(a.fresh, a.trash)
            secs, kb = run_once(cmd, env, a.cwd, a.rss, tmpdir)
            if a.expect_dir and not (os.path.isdir(a.expect_dir) and os.listdir(a.expect_dir)):
                sys.exit(f"timeit run: {shlex.join(cmd)}\n  succeeded but wrote nothing to {a.expect_dir}")
            if i >= a.warmup:
                times.append(secs)
                if kb is not None:
                    rss.append(kb)
    record_times(a.results, a.label, a.size, cmd, a.cwd, a.env, times, rss)


def record_times(a_results, label, size, cmd, cwd, env, times, rss):
    rec = {"label": label, "size": size, "cmd": cmd, "cwd": cwd, "env": env,
           "times": times, "median": statistics.median(times)}
    if rss:
        rec["rss_kb"] = rss
        rec["rss_median_kb"] = statistics.median(rss)
        rec["rss_max_kb"] = max(rss)
    append(a_results, rec)
    msg = f"  {label:<14} {size:>8} commits: median {fmt_secs(rec['median'])} over {len(times)} run(s)"
    if rss:
        msg += f", peak RSS {mb(rec['rss_median_kb']):.1f} MB"
    print(msg, file=sys.stderr)


def cmd_pair(a):
    """Two commands timed in turns, so that both see the same moment of a
    shared machine: the ratio of each turn is taken, then their median."""
    rest = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if "--then" not in rest:
        sys.exit("timeit pair: give two commands: -- CMD_A ... --then CMD_B ...")
    cut = rest.index("--then")
    cmd_a, cmd_b = rest[:cut], rest[cut + 1:]
    if not cmd_a or not cmd_b:
        sys.exit("timeit pair: one of the two commands is empty")
    if a.rss and not os.access(TIME, os.X_OK):
        sys.exit(f"timeit pair: {TIME} is missing; install the Debian package 'time' (apt-get install time)")
    env = dict(os.environ)
    times_a, times_b, rss_a, rss_b, ratios = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="timeit.") as tmpdir:
        for i in range(a.warmup + a.reps):
            if a.fresh_a:
                set_aside(a.fresh_a, a.trash)
            secs_a, kb_a = run_once(cmd_a, env, None, a.rss, tmpdir)
            if a.fresh_b:
                set_aside(a.fresh_b, a.trash)
            secs_b, kb_b = run_once(cmd_b, env, None, a.rss, tmpdir)
            if a.expect_dir_b and not (os.path.isdir(a.expect_dir_b) and os.listdir(a.expect_dir_b)):
                sys.exit(f"timeit pair: {shlex.join(cmd_b)}\n  succeeded but wrote nothing to {a.expect_dir_b}")
            if i >= a.warmup:
                times_a.append(secs_a)
                times_b.append(secs_b)
                ratios.append(secs_b / secs_a)
                if kb_a is not None:
                    rss_a.append(kb_a)
                if kb_b is not None:
                    rss_b.append(kb_b)
    record_times(a.results, a.label_a, a.size, cmd_a, None, [], times_a, rss_a)
    record_times(a.results, a.label_b, a.size, cmd_b, None, [], times_b, rss_b)
    append(a.results, {"label": "pair", "size": a.size, "a": a.label_a, "b": a.label_b,
                       "ratios": ratios, "median_ratio": statistics.median(ratios)})
    print(f"  {a.label_b} ÷ {a.label_a}: median of {len(ratios)} turns "
          f"{statistics.median(ratios):.2f}x (each {', '.join(f'{r:.2f}' for r in ratios)})",
          file=sys.stderr)


# --------------------------------------------------------------------------
# note, tags, cache-ok
# --------------------------------------------------------------------------

def cmd_note(a):
    rec = {"label": "note", "size": a.size}
    for kv in a.facts:
        k, _, v = kv.partition("=")
        rec[k] = v
    append(a.results, rec)


SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def semver_key(version):
    """Sort key following semver precedence (build metadata ignored)."""
    m = SEMVER.match(version)
    major, minor, patch, pre = int(m[1]), int(m[2]), int(m[3]), m[4]
    if pre is None:
        return (major, minor, patch, 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (major, minor, patch, 0, ids)


def cmd_tags(a):
    out = subprocess.run(["git", "-C", a.repo, "tag", "--list"], check=True,
                         capture_output=True, text=True).stdout.split()
    found = [(semver_key(t[len(a.prefix):]), t) for t in out
             if t.startswith(a.prefix) and SEMVER.match(t[len(a.prefix):])]
    if len(found) < 2:
        sys.exit(f"timeit tags: {a.repo} needs at least two '{a.prefix}<semver>' tags")
    found.sort()
    print(found[-1][1], found[-2][1])


def cmd_cache_ok(a):
    marker = os.path.join(a.repo, ".git", "gen_history.json")
    try:
        with open(marker, encoding="utf-8") as fh:
            meta = json.load(fh)
        with open(a.generator, "rb") as fh:
            current = hashlib.sha256(fh.read()).hexdigest()
    except (OSError, ValueError):
        sys.exit(1)
    sys.exit(0 if meta.get("generator_sha256") == current else 1)


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------

def mb(kb):
    return kb * 1024 / 1e6


def fmt_secs(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.3f} s"


def verdict(ok):
    if ok is None:
        return "n/a"
    return "PASS" if ok else "**FAIL**"


def cmd_report(a):
    recs = load(a.results)
    sizes = sorted({r["size"] for r in recs if r["label"] not in ("note", "pair")})
    timed = {(r["label"], r["size"]): r for r in recs if r["label"] not in ("note", "pair")}
    pairs = {(r["a"], r["b"], r["size"]): r for r in recs if r["label"] == "pair"}
    notes = {}
    for r in recs:
        if r["label"] == "note":
            notes.setdefault(r["size"], {}).update({k: v for k, v in r.items() if k not in ("label", "size")})

    def med(label, n):
        r = timed.get((label, n))
        return r["median"] if r else None

    def rss(label, n):
        r = timed.get((label, n))
        return r.get("rss_median_kb") if r else None

    def cell(v, unit):
        if v is None:
            return "–"
        if unit == "s":
            return f"{v:.3f} s"
        if unit == "ms":
            return f"{v * 1000:.1f} ms"
        if unit == "MB":
            return f"{mb(v):.1f} MB"
        if unit == "x":
            return f"{v:.2f}x"
        return str(v)

    def ratio(x, y):
        return x / y if x is not None and y else None

    big, small = sizes[-1], sizes[0]
    head = "| measure | " + " | ".join(f"{n:,} commits" for n in sizes) + " | target | result |"
    rows = [head, "|" + "---|" * (len(sizes) + 3)]

    def row(name, values, unit, target="", ok=None):
        rows.append(f"| {name} | " + " | ".join(cell(v, unit) for v in values) +
                    f" | {target} | {verdict(ok) if target else ''} |")

    git_all = [med("git_all", n) for n in sizes]
    rel_all = [med("relnotes_all", n) for n in sizes]
    # Timed in turns: the median of each turn's ratio, when there is one.
    all_ratio = [pairs[("git_all", "relnotes_all", n)]["median_ratio"]
                 if ("git_all", "relnotes_all", n) in pairs else ratio(r, g)
                 for n, r, g in zip(sizes, rel_all, git_all)]
    git_tag = [med("git_tag", n) for n in sizes]
    rel_tag = [med("relnotes_tag", n) for n in sizes]
    rss_all = [rss("relnotes_all", n) for n in sizes]
    rss_tag = [rss("relnotes_tag", n) for n in sizes]
    cliff = [med("git_cliff", n) for n in sizes]
    cliff_rss = [rss("git_cliff", n) for n in sizes]

    rows.append("| tags (newest, previous) | " + " | ".join(
        f"{notes.get(n, {}).get('newest', '?')}, {notes.get(n, {}).get('previous', '?')}" for n in sizes) + " | | |")
    row("`git log` full history", git_all, "s")
    row("`relnotes build --all`", rel_all, "s")
    r_big = all_ratio[-1]
    paired = all(("git_all", "relnotes_all", n) in pairs for n in sizes)
    row("build --all ÷ git log" + (" (median of turns)" if paired else ""), all_ratio, "x",
        f"≤ 2.0x at {big:,}", None if r_big is None else r_big <= 2.0)
    if paired:
        rows.append("| turns' ratios | " + " | ".join(
            ", ".join(f"{x:.2f}" for x in pairs[("git_all", "relnotes_all", n)]["ratios"]) for n in sizes) + " | | |")
    rel_warm = [med("relnotes_warm", n) for n in sizes]
    if any(w is not None for w in rel_warm):
        row("`relnotes build --all` again, all up to date", rel_warm, "s")
        row("incremental build --all ÷ git log", [ratio(w, g) for w, g in zip(rel_warm, git_all)], "x")
    row("`git log <previous>..<newest>`", git_tag, "ms")
    ok_tag = None if None in rel_tag else all(t < 0.050 for t in rel_tag)
    row("`relnotes build --tag <newest>`", rel_tag, "ms", "< 50 ms", ok_tag)
    row("build --tag ÷ git log range", [ratio(r, g) for r, g in zip(rel_tag, git_tag)], "x")
    ok_rss = None if rss_all[-1] is None else mb(rss_all[-1]) < 150
    row("peak RSS, build --all", rss_all, "MB", f"< 150 MB at {big:,}", ok_rss)
    row("peak RSS, build --tag", rss_tag, "MB")
    if any(c is not None for c in cliff):
        row("`git-cliff --offline` (peer)", cliff, "s")
        row("peak RSS, git-cliff (peer)", cliff_rss, "MB")
        row("git-cliff ÷ git log", [ratio(c, g) for c, g in zip(cliff, git_all)], "x")
    else:
        rows.append("| `git-cliff --offline` (peer) | " + " | ".join("not measured" for _ in sizes) + " | | |")
    same = [notes.get(n, {}).get("identical") for n in sizes]
    ok_same = None if None in same else all(s == "yes" for s in same)
    rows.append("| output identical, 1 vs 2 threads | " + " | ".join(s or "–" for s in same) +
                f" | identical | {verdict(ok_same)} |")

    out = [f"### relnotes benchmark: {', '.join(f'{n:,}' for n in sizes)} commits, "
           f"{a.tags:,} release tags, {a.known_issues:,} known issues, seed {a.seed}", ""]
    out += [f"Medians of {a.reps} runs ({a.tag_reps} for the tag-time rows) after one warm-up run "
            f"(git-cliff: {a.cliff_reps} run(s)); "
            f"{a.machine}.", ""]
    out += rows

    out += ["", "| growth | " + f"{small:,} → {big:,} commits | target | result |", "|---|---|---|---|"]
    if len(sizes) > 1:
        limit = 1.1 * big / small
        g_all = ratio(rel_all[-1], rel_all[0])
        g_tag = ratio(rel_tag[-1], rel_tag[0])
        turns = pairs.get(("relnotes_tag_small", "relnotes_tag_big", big))
        if turns:
            # Timed in turns, which is what the growth target is about.
            g_tag = turns["median_ratio"]
        out.append(f"| `relnotes build --all` time | {cell(g_all, 'x')} | ≤ {limit:.1f}x | "
                   f"{verdict(None if g_all is None else g_all <= limit)} |")
        out.append(f"| `relnotes build --tag` time{' (median of turns)' if turns else ''} | {cell(g_tag, 'x')} | within 20% (0.80x–1.20x) | "
                   f"{verdict(None if g_tag is None else abs(g_tag - 1) <= 0.20)} |")
        out.append(f"| `git log` full history (reference) | {cell(ratio(git_all[-1], git_all[0]), 'x')} | | |")
        g_rss = ratio(rss_all[-1], rss_all[0])
        out.append(f"| peak RSS, build --all (reference) | {cell(g_rss, 'x')} | | |")
    else:
        out.append("| (needs two sizes) | – | | n/a |")

    out += ["", "Commands (at the largest size):", "", "```",
            f"python3 benches/gen_history.py --commits {big} --tags {a.tags} --known-issues {a.known_issues} "
            f"--last-release {os.environ.get('BENCH_LAST_RELEASE', '50')} "
            f"--seed {a.seed} target/bench-repos/{big}-{a.tags}-{a.known_issues}-{a.seed}-{os.environ.get('BENCH_LAST_RELEASE', '50')}"]
    for label in ("git_all", "relnotes_all", "relnotes_warm", "git_tag", "relnotes_tag", "git_cliff"):
        r = timed.get((label, big))
        if r:
            line = shlex.join(r["cmd"])
            if r.get("cwd"):
                line = f"cd {shlex.quote(r['cwd'])} && {line}"
            for alias in a.alias:
                path, _, name = alias.partition("=")
                line = line.replace(path, name)
            out.append(line)
    out.append("```")
    print("\n".join(out))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)

    def timed(p, rss_help):
        """The options every timing command takes."""
        p.add_argument("--results", required=True)
        p.add_argument("--size", type=int, required=True)
        p.add_argument("--reps", type=int, default=5)
        p.add_argument("--warmup", type=int, default=1)
        p.add_argument("--rss", action="store_true", help=rss_help)
        p.add_argument("--trash", help="where --fresh* moves old outputs on a disk "
                                       "(default, and in memory: delete them; see set_aside)")

    p = sub.add_parser("run", help="time a command")
    timed(p, f"run under {TIME} -v and record peak RSS")
    p.add_argument("--label", required=True)
    p.add_argument("--fresh", help="clear this path before every run (outside the timing)")
    p.add_argument("--expect-dir", help="fail if this directory is missing or empty after a run")
    p.add_argument("--cwd")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("pair", help="time two commands in turns")
    timed(p, f"run both under {TIME} -v and record peak RSS")
    p.add_argument("--label-a", required=True)
    p.add_argument("--label-b", required=True)
    p.add_argument("--fresh-a", help="clear this path before every run of A (outside the timing)")
    p.add_argument("--fresh-b", help="clear this path before every run of B (outside the timing)")
    p.add_argument("--expect-dir-b", help="fail if this directory is missing or empty after a run of B")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_pair)

    p = sub.add_parser("note", help="record facts for the report")
    p.add_argument("--results", required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("facts", nargs="+", metavar="KEY=VALUE")
    p.set_defaults(func=cmd_note)

    p = sub.add_parser("tags", help="print the newest tag and the previous one")
    p.add_argument("--prefix", default="v")
    p.add_argument("repo")
    p.set_defaults(func=cmd_tags)

    p = sub.add_parser("cache-ok", help="is a cached repository complete and current?")
    p.add_argument("repo")
    p.add_argument("generator")
    p.set_defaults(func=cmd_cache_ok)

    p = sub.add_parser("report", help="print the Markdown report")
    p.add_argument("--results", required=True)
    p.add_argument("--tags", type=int, required=True)
    p.add_argument("--known-issues", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--reps", type=int, required=True)
    p.add_argument("--cliff-reps", type=int, default=1)
    p.add_argument("--tag-reps", type=int, default=21)
    p.add_argument("--machine", default="")
    p.add_argument("--alias", action="append", default=[], metavar="PATH=NAME")
    p.set_defaults(func=cmd_report)

    a = ap.parse_args(argv)
    a.func(a)


if __name__ == "__main__":
    main()
