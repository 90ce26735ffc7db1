#!/usr/bin/env bash
# Benchmark of `relnotes kb` (issue 4): builds the knowledge base for a
# generated history of 1,000 releases and 500 known issues and prints its
# time next to the time of `relnotes build --all` on the same repository.
# A script, not a test: it prints medians and never fails on a number. See
# benches/README.md for the generator and book/src/kb.md for one run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

usage() {
    cat <<'USAGE'
usage: benches/kb.sh [RELNOTES_BINARY] [options]

  RELNOTES_BINARY      relnotes to measure (env RELNOTES;
                       default target/dist/relnotes)
  --commits N          commits in the generated history (env KB_COMMITS; default 20000)
  --tags M             release tags (env KB_TAGS; default 1000)
  --known-issues K     known issues (env KB_KNOWN_ISSUES; default 500)
  --reps R             timed runs per command (env KB_REPS; default 3)
  --seed S             generator seed (env KB_SEED; default 1)
  -h, --help           this text

The repository is cached in target/bench-repos/kb-<n>-<m>-<k>-<seed> (env
BENCH_REPOS overrides the folder) and regenerated when gen_history.py changes.
USAGE
}

die() { echo "kb.sh: $*" >&2; exit 2; }

bin_arg=""
commits="${KB_COMMITS:-20000}"
tags="${KB_TAGS:-1000}"
known_issues="${KB_KNOWN_ISSUES:-500}"
reps="${KB_REPS:-3}"
seed="${KB_SEED:-1}"
cache="${BENCH_REPOS:-$root/target/bench-repos}"

while [ $# -gt 0 ]; do
    case "$1" in
        --commits) commits="${2:?}"; shift 2 ;;
        --tags) tags="${2:?}"; shift 2 ;;
        --known-issues) known_issues="${2:?}"; shift 2 ;;
        --reps) reps="${2:?}"; shift 2 ;;
        --seed) seed="${2:?}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *) [ -z "$bin_arg" ] || die "more than one binary given: $bin_arg, $1"
           bin_arg="$1"; shift ;;
    esac
done
for v in commits tags known_issues reps seed; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "--${v//_/-} must be a whole number, not '${!v}'"
done
[ "$reps" -ge 1 ] || die "--reps must be at least 1"

relnotes="${bin_arg:-${RELNOTES:-$root/target/dist/relnotes}}"
[ -x "$relnotes" ] || die "relnotes binary not found at $relnotes; build it first: cargo build --profile dist"
command -v git >/dev/null || die "git is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

repo="$cache/kb-$commits-$tags-$known_issues-$seed"
mkdir -p "$cache"
if [ -d "$repo" ] && python3 "$here/timeit.py" cache-ok "$repo" "$here/gen_history.py"; then
    echo "kb.sh: using cached $repo" >&2
else
    echo "kb.sh: generating $repo" >&2
    rm -rf "$repo" "$repo.partial"
    python3 "$here/gen_history.py" --commits "$commits" --tags "$tags" \
        --known-issues "$known_issues" --seed "$seed" "$repo.partial" >&2
    mv "$repo.partial" "$repo"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/relnotes-kb-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Median wall time in seconds of REPS runs of a command, after one warm-up
# run; the output folder is removed before each run, outside the timing.
median() {
    local out="$1"; shift
    python3 - "$reps" "$out" "$@" <<'PY'
import shutil, statistics, subprocess, sys, time
reps, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
times = []
for i in range(reps + 1):
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    if i > 0:
        times.append(time.perf_counter() - start)
print(f"{statistics.median(times):.2f}")
PY
}

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

echo "kb.sh: timing relnotes build --all and relnotes kb ($reps runs each)" >&2
build_s="$(median "$work/build" "$relnotes" --repo "$repo" build --all --out "$work/build")"
kb_s="$(median "$work/kb" "$relnotes" --repo "$repo" kb --out "$work/kb")"
kb_md_s="$(median "$work/kbmd" "$relnotes" --repo "$repo" kb --format md --out "$work/kbmd")"
kb_cust_s="$(median "$work/kbcust" "$relnotes" --repo "$repo" kb --audience customer --out "$work/kbcust")"

# One more build of the HTML site, kept, for its size.
"$relnotes" --repo "$repo" kb --out "$work/kb" >/dev/null
files="$(find "$work/kb" -type f | wc -l | tr -d ' ')"
site_size="$(du -sh "$work/kb" | cut -f1)"
index_size="$(du -h "$work/kb/search-index.js" | cut -f1)"

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
cat <<REPORT

relnotes kb benchmark: $commits commits, $tags releases (plus pre-releases), $known_issues known issues, seed $seed
$(nproc) cores${cpu:+ ($cpu)}; median of $reps runs after one warm-up

| command | seconds | vs build --all |
|---|---|---|
| relnotes build --all | $build_s | 1.00 |
| relnotes kb | $kb_s | $(ratio "$kb_s" "$build_s") |
| relnotes kb --format md | $kb_md_s | $(ratio "$kb_md_s" "$build_s") |
| relnotes kb --audience customer | $kb_cust_s | $(ratio "$kb_cust_s" "$build_s") |

The HTML site: $files files, $site_size in all, search index $index_size.
REPORT
