#!/usr/bin/env bash
# Benchmark of relnotes on generated histories (issue 6): relnotes build
# --all and --tag against git log over the same commits, peak memory, growth
# from the smaller to the larger history, and git-cliff as the peer figure
# when it is installed. Prints a Markdown table; see benches/README.md.
#
# A missed target shows as FAIL in the table and does not fail the script;
# a command that errors does.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

usage() {
    cat <<EOF
usage: benches/bench.sh [RELNOTES_BINARY] [options]

  RELNOTES_BINARY       relnotes to measure (env RELNOTES;
                        default target/dist/relnotes)
  --sizes "N1 N2 ..."   commit counts (env BENCH_SIZES; default "50000 100000")
  --tags M              release tags per repository (env BENCH_TAGS; default 1000)
  --known-issues K      known issues (env BENCH_KNOWN_ISSUES; default 300)
  --reps R              timed runs per command (env BENCH_REPS; default 5)
  --tag-reps R          timed runs of the tag-time commands, which take
                        milliseconds and need more runs for a stable median
                        (env BENCH_TAG_REPS; default 21)
  --seed S              generator seed (env BENCH_SEED; default 1)
  --last-release C      first-parent commits in the newest release, the same
                        at every size so tag-time runs compare like with like
                        (env BENCH_LAST_RELEASE; default 50; 0 spreads evenly)
  --cliff-reps R        timed git-cliff runs (env BENCH_CLIFF_REPS; default 1;
                        0 skips git-cliff)
  --shaped N            also a generated history shaped like git's own (N
                        commits on main, 120 releases with candidates and
                        maintenance branches: about 700 release tags), run
                        through benches/real_history.py (env BENCH_SHAPED;
                        default 80000; 0 skips it)
  --real REPO           also a real repository (for example a clone of git's
                        own), through benches/real_history.py (env BENCH_REAL;
                        default none: nothing here needs the network)
  --report FILE         also write the Markdown report to FILE
  -h, --help            this text

Generated repositories are cached in target/bench-repos/<n>-<m>-<k>-<seed>
(env BENCH_REPOS overrides the folder) and regenerated when gen_history.py
changes.
EOF
}

die() { echo "bench.sh: $*" >&2; exit 2; }

bin_arg=""
sizes="${BENCH_SIZES:-50000 100000}"
tags="${BENCH_TAGS:-1000}"
known_issues="${BENCH_KNOWN_ISSUES:-300}"
reps="${BENCH_REPS:-5}"
tag_reps="${BENCH_TAG_REPS:-21}"
seed="${BENCH_SEED:-1}"
last_release="${BENCH_LAST_RELEASE:-50}"
cliff_reps="${BENCH_CLIFF_REPS:-1}"
report=""
cache="${BENCH_REPOS:-$root/target/bench-repos}"
shaped="${BENCH_SHAPED:-80000}"
real="${BENCH_REAL:-}"

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="${2:?}"; shift 2 ;;
        --tags) tags="${2:?}"; shift 2 ;;
        --known-issues) known_issues="${2:?}"; shift 2 ;;
        --reps) reps="${2:?}"; shift 2 ;;
        --tag-reps) tag_reps="${2:?}"; shift 2 ;;
        --seed) seed="${2:?}"; shift 2 ;;
        --last-release) last_release="${2:?}"; shift 2 ;;
        --cliff-reps) cliff_reps="${2:?}"; shift 2 ;;
        --report) report="${2:?}"; shift 2 ;;
        --shaped) shaped="${2:?}"; shift 2 ;;
        --real) real="${2:?}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *) [ -z "$bin_arg" ] || die "more than one binary given: $bin_arg, $1"
           bin_arg="$1"; shift ;;
    esac
done

for v in tags known_issues reps tag_reps seed cliff_reps shaped; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "--${v//_/-} must be a whole number, not '${!v}'"
done
[ "$reps" -ge 1 ] || die "--reps must be at least 1"
for n in $sizes; do
    [[ "$n" =~ ^[0-9]+$ ]] || die "--sizes must be whole numbers, not '$n'"
done
[ -n "${sizes// /}" ] || die "--sizes is empty"
# Smallest first: growth is measured from the first size to the last.
sizes="$(printf '%s\n' $sizes | sort -n | uniq | tr '\n' ' ')"

# --- tools -----------------------------------------------------------------
relnotes="${bin_arg:-${RELNOTES:-$root/target/dist/relnotes}}"
if [[ "$relnotes" != */* ]]; then
    relnotes="$(command -v "$relnotes" || true)"
    [ -n "$relnotes" ] || die "relnotes binary not found on PATH"
fi
[ -x "$relnotes" ] || die "relnotes binary not found at $relnotes; build it first: cargo build --profile dist"
relnotes="$(cd "$(dirname "$relnotes")" && pwd)/$(basename "$relnotes")"

command -v git >/dev/null || die "git is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
    die "/usr/bin/time (GNU time) is missing; it measures peak memory with 'time -v'.
    Install the Debian package 'time':  apt-get install time"
fi
cliff=""
if [ "$cliff_reps" -gt 0 ] && command -v git-cliff >/dev/null; then
    cliff="$(command -v git-cliff)"
fi

timeit() { python3 "$here/timeit.py" "$@"; }

# generated REPO ARGS...: the repository gen_history.py writes with ARGS,
# from the cache while gen_history.py is unchanged, else written afresh.
generated() {
    local repo="$1"
    shift
    if [ -d "$repo" ] && timeit cache-ok "$repo" "$here/gen_history.py"; then
        echo "bench.sh: using cached $repo" >&2
    else
        echo "bench.sh: generating $repo" >&2
        rm -rf "$repo" "$repo.partial"
        python3 "$here/gen_history.py" "$@" "$repo.partial" >&2
        mv "$repo.partial" "$repo"
    fi
}

work="$(mktemp -d "${TMPDIR:-/tmp}/relnotes-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
results="$work/results.jsonl"
# On a disk, earlier outputs are moved here, not deleted, until the end
# (in memory they are deleted): see set_aside in timeit.py.
trash="$work/trash"
: > "$results"
mkdir -p "$cache"

log_format='--format=%H%n%an%n%ae%n%at%n%B'

echo "bench.sh: relnotes $relnotes; sizes $sizes; $tags tags; $known_issues known issues;" \
     "$reps runs each; seed $seed" >&2
[ -n "$cliff" ] || echo "bench.sh: git-cliff not measured (not on PATH, or --cliff-reps 0)" >&2

export BENCH_LAST_RELEASE="$last_release"
declare -A repo_at newest_at

for n in $sizes; do
    repo="$cache/$n-$tags-$known_issues-$seed-$last_release"
    generated "$repo" --commits "$n" --tags "$tags" --known-issues "$known_issues" \
        --seed "$seed" --last-release "$last_release"

    tag_pair="$(timeit tags --prefix v "$repo")"
    read -r newest previous <<< "$tag_pair"
    repo_at["$n"]="$repo"
    newest_at["$n"]="$newest"
    timeit note --results "$results" --size "$n" "newest=$newest" "previous=$previous"

    # 1. The whole history, git log and relnotes in turns so that each
    # ratio compares runs made at the same moment of a shared machine.
    timeit pair --results "$results" --size "$n" --reps "$reps" --rss \
        --label-a git_all --label-b relnotes_all \
        --fresh-b "$work/all" --trash "$trash" --expect-dir-b "$work/all" -- \
        git -C "$repo" log "$log_format" main \
        --then "$relnotes" --repo "$repo" build --all --out "$work/all"

    # 1b. The same again on the output of an earlier build: every release is
    # up to date (the warm-up run writes them), so only the unreleased
    # changes are rebuilt. This is the incremental case, not the target.
    timeit run --results "$results" --label relnotes_warm --size "$n" --reps "$reps" --rss \
        --expect-dir "$work/warm" -- \
        "$relnotes" --repo "$repo" build --all --out "$work/warm"

    # 2. Tag time: the newest release only.
    timeit run --results "$results" --label git_tag --size "$n" --reps "$tag_reps" --rss -- \
        git -C "$repo" log "$log_format" "$previous..$newest"
    timeit run --results "$results" --label relnotes_tag --size "$n" --reps "$tag_reps" --rss \
        --fresh "$work/tag" --trash "$trash" --expect-dir "$work/tag" -- \
        "$relnotes" --repo "$repo" build --tag "$newest" --out "$work/tag"

    # 3. Same output whatever the number of threads.
    rm -rf "$work/threads-1" "$work/threads-2"
    RAYON_NUM_THREADS=1 "$relnotes" --repo "$repo" build --all --out "$work/threads-1" >/dev/null
    RAYON_NUM_THREADS=2 "$relnotes" --repo "$repo" build --all --out "$work/threads-2" >/dev/null
    [ -d "$work/threads-1" ] && [ -d "$work/threads-2" ] \
        || die "relnotes build --all did not create its output directory"
    if diff -r "$work/threads-1" "$work/threads-2" > "$work/threads.diff"; then
        identical=yes
    else
        status=$?
        [ "$status" -eq 1 ] || die "diff -r failed (exit $status)"
        identical=no
        echo "bench.sh: outputs differ between RAYON_NUM_THREADS=1 and 2 at $n commits:" >&2
        head -n 40 "$work/threads.diff" >&2
    fi
    timeit note --results "$results" --size "$n" "identical=$identical"
    mkdir -p "$trash"
    for d in threads-1 threads-2 all tag warm; do
        [ -e "$work/$d" ] || continue
        # In memory, old outputs slow every later run down: delete them
        # (see set_aside in timeit.py); on a disk, move them aside.
        case "$(df --output=fstype "$work" 2>/dev/null | tail -n 1)" in
            tmpfs|ramfs) rm -rf "${work:?}/$d" ;;
            *) mv "$work/$d" "$(mktemp -d "$trash/old.XXXXXX")" ;;
        esac
    done

    # 4. The peer, if installed: git-cliff over the full history.
    if [ -n "$cliff" ]; then
        timeit run --results "$results" --label git_cliff --size "$n" --reps "$cliff_reps" \
            --warmup 0 --rss --cwd "$repo" -- "$cliff" --offline --output "$work/CHANGELOG.md"
    fi
done
# 5. Tag-time growth, in turns: build --tag on the smallest and the largest
# repository one after the other, so that both see the same moment of the
# machine (a few milliseconds of noise is 20% of a tag-time run).
set -- $sizes
small="$1"
for n in $sizes; do big="$n"; done
if [ "$small" != "$big" ]; then
    timeit pair --results "$results" --size "$big" --reps "$tag_reps" \
        --label-a relnotes_tag_small --label-b relnotes_tag_big \
        --fresh-a "$work/tag-small" --fresh-b "$work/tag-big" --trash "$trash" -- \
        "$relnotes" --repo "${repo_at[$small]}" build --tag "${newest_at[$small]}" --out "$work/tag-small" \
        --then "$relnotes" --repo "${repo_at[$big]}" build --tag "${newest_at[$big]}" --out "$work/tag-big"
fi

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
fstype="$(df --output=fstype "$work" 2>/dev/null | tail -n 1 || true)"
machine="$(nproc) cores${cpu:+ ($cpu)}, $(git --version), outputs written to ${fstype:-?} (\$TMPDIR)"
version="$("$relnotes" --version 2>/dev/null | head -n 1 || true)"
[ -z "$version" ] || machine="$machine, $version"

out="$(timeit report --results "$results" --tags "$tags" --known-issues "$known_issues" \
    --seed "$seed" --reps "$reps" --tag-reps "$tag_reps" --cliff-reps "$cliff_reps" --machine "$machine" \
    --alias "$work=\$TMP" --alias "$cache=target/bench-repos" --alias "$relnotes=relnotes" ${cliff:+--alias "$cliff=git-cliff"})"
# 6. Histories shaped like a real one: git's own layout generated (release
# candidates, maintenance branches merged back, ~700 tags), and a real
# repository if one is given. real_history.py checks every release's
# commits against git rev-list and times both targets in turns.
if [ "$shaped" -gt 0 ]; then
    repo="$cache/shaped-$shaped-$seed"
    generated "$repo" --commits "$shaped" --tags 120 --maintenance 6 \
        --known-issues "$known_issues" --seed "$seed"
    out="$out

### A generated history shaped like git's own

\`python3 benches/gen_history.py --commits $shaped --tags 120 --maintenance 6 --known-issues $known_issues --seed $seed\`

$(python3 "$here/real_history.py" "$repo" --relnotes "$relnotes" --turns "$reps" --tag-turns "$tag_reps" --out-base "$work")"
fi
if [ -n "$real" ]; then
    out="$out

### A real repository: $(basename "$real")

$(python3 "$here/real_history.py" "$real" --relnotes "$relnotes" --turns "$reps" --tag-turns "$tag_reps" --out-base "$work")"
fi

echo
echo "$out"
if [ -n "$report" ]; then
    printf '%s\n' "$out" > "$report"
    echo "bench.sh: report written to $report" >&2
fi
