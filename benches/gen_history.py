#!/usr/bin/env python3
"""Generate a synthetic repository for the relnotes benchmarks.

    python3 benches/gen_history.py --commits N --tags M --known-issues K --seed S OUT_DIR

Writes a git repository to OUT_DIR whose main branch holds exactly N commits
(first-parent commits plus the commits of merged side branches), M release
tags (plus a few pre-release tags), and the matching `.relnotes/` inputs
(config, change files, release metadata, known issues) as untracked files in
the working tree.

Everything is derived from the seed: the same arguments give the same commit
ids on any machine (timestamps count up from 2020-01-01T00:00:00Z, never from
the clock). The history goes through one `git fast-import` process, so
100,000 commits take seconds, not one git command per commit.

Design notes:

* The shape of the history (which first-parent commits are merges, where the
  tags go, which version each tag gets) is planned before anything is written,
  so every commit knows which release it will land in. That lets the
  generator keep the history consistent with the release types: `feat`
  commits only land in minor or major releases and breaking changes only in
  major releases (each major release gets at least one), so a `type:` in
  `releases/<version>.yaml` always agrees with the commits.
* Tags sit on first-parent commits, spread evenly; the newest is a few
  commits before the tip, so there is also an unreleased tail.
* The newest release never has a pre-release, so "the previous release" of
  the newest tag is the same under any ordering of tags.

Python 3.11+, standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

GENERATOR_VERSION = 1
EPOCH = 1577836800  # 2020-01-01T00:00:00Z
TAG_PREFIX = "v"
SCRATCH_REF = "refs/heads/pr-scratch"
MAIN_REF = "refs/heads/main"
ORG = "octoacme"

# --------------------------------------------------------------------------
# Vocabulary. Written for this generator; the point is plausible variety.
# --------------------------------------------------------------------------

AUTHORS = [
    ("Dana Lee", "dana.lee@octoacme.example", "dlee"),
    ("Ravi Shah", "ravi.shah@octoacme.example", "rshah"),
    ("Kim Ortiz", "kim.ortiz@octoacme.example", "kortiz"),
    ("Alex Moreau", "alex.moreau@octoacme.example", "amoreau"),
    ("Mei Chen", "mei.chen@octoacme.example", "mchen"),
    ("Jonas Berg", "jonas.berg@octoacme.example", "jberg"),
    ("Zoë Müller", "zoe.mueller@octoacme.example", "zmueller"),
    ("Priya Nair", "priya.nair@octoacme.example", "pnair"),
    ("Tomás García", "tomas.garcia@octoacme.example", "tgarcia"),
    ("Sam Rivera", "sam@contractor.example", "srivera"),
    ("Ngozi Okafor", "ngozi.okafor@octoacme.example", "nokafor"),
    ("Lena Petrova", "lena.petrova@octoacme.example", "lpetrova"),
]
# Commit authorship is skewed, as in real teams.
AUTHOR_WEIGHTS = [14, 12, 10, 9, 9, 8, 7, 7, 6, 3, 5, 4]
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "dependabot")
RELEASE_MANAGER = ("Release Bot", "release-bot@octoacme.example")

SCOPES = [
    "api", "ui", "auth", "billing", "export", "search", "db", "cli",
    "notifications", "reports", "config", "sync", "storage", "admin",
    "i18n", "webhooks", "importer", "editor",
]

PHRASES = {
    "feat": [
        "add bulk export of invoices",
        "support SAML single sign-on",
        "allow filtering the audit log by actor",
        "add a dark theme to the dashboard",
        "add CSV import for contacts",
        "expose rate limit headers on every response",
        "retry failed webhooks with backoff",
        "support custom fields on invoices",
        "add keyboard shortcuts to the editor",
        "show usage charts on the billing page",
        "add per-user notification preferences",
        "support several currencies in reports",
        "deliver scheduled reports by email",
        "let admins revoke API tokens",
        "suggest search terms while typing",
        "support the OAuth device flow",
        "add an archive action for projects",
        "add a --json flag to the status command",
        "support PostgreSQL 16",
        "record audit events for role changes",
        "add two-factor recovery codes",
        "show a preview before sending invoices",
        "add a read-only role for auditors",
        "support webhook signing secrets",
        "deprecate the legacy XML export",
    ],
    "fix": [
        "handle an empty invoice list in export",
        "prevent duplicate webhook deliveries",
        "round JPY amounts correctly",
        "avoid a race in session refresh",
        "stop leaking file handles in the uploader",
        "keep pagination working when the last page is empty",
        "respect the user's time zone in reports",
        "escape HTML in notification previews",
        "retry transient database errors",
        "do not crash on an empty search query",
        "keep the sort order after a refresh",
        "reject expired invitation links",
        "show the right error when login fails",
        "correct an off-by-one in the usage meter",
        "release the lock when a job is cancelled",
        "accept non-ASCII file names in uploads",
        "restore the default theme after logout",
        "use the configured SMTP port",
        "stop double-counting refunds in totals",
        "load avatars lazily on slow connections",
        "trim whitespace from imported e-mail addresses",
    ],
    "perf": [
        "cache tenant settings per request",
        "batch inserts in the import job",
        "avoid N+1 queries on the projects page",
        "stream large exports instead of buffering them",
        "index invoices by customer and date",
        "reduce allocations in the search tokenizer",
        "reuse HTTP connections to the payment provider",
    ],
    "docs": [
        "document the export API",
        "fix typos in the install guide",
        "explain SSO setup for admins",
        "add an upgrade guide",
        "update the rate limit section",
        "describe the webhook payloads",
        "add examples for the CLI",
    ],
    "chore": [
        "tidy up logging",
        "remove unused feature flags",
        "update the copyright year",
        "rename internal helpers",
        "clean up stale TODOs",
        "regenerate fixtures",
    ],
    "ci": [
        "cache the cargo registry",
        "run integration tests in parallel",
        "pin the runner image",
        "add a nightly security scan",
        "split the lint job",
        "upload test reports as artifacts",
    ],
    "refactor": [
        "extract the billing calculator",
        "split the export worker into stages",
        "move auth middleware into its own module",
        "replace the hand-written date parser",
        "simplify the retry logic",
        "unify error types across services",
        "introduce a repository layer for invoices",
    ],
    "test": [
        "cover export edge cases",
        "add property tests for money rounding",
        "stabilise the flaky session test",
        "add fixtures for SSO",
        "test pagination boundaries",
    ],
    "build": [
        "update the Dockerfile base image",
        "enable LTO for release builds",
        "drop the legacy build script",
        "vendor the protobuf definitions",
    ],
    "security": [
        "escape user input in CSV exports",
        "rotate the session key on logout",
        "tighten the content security policy",
        "validate redirect URLs after login",
        "limit password reset attempts",
        "hash API tokens at rest",
    ],
}

# Breaking changes: (description, change kind, migration step)
BREAKING = [
    ("remove the v1 export endpoint", "removed",
     "Call `/v2/exports` instead of `/v1/export`; the response body is unchanged."),
    ("require an API token for every request", "changed",
     "Create a token under **Settings > API** and send it in the `Authorization` header."),
    ("rename the region setting to location", "changed",
     "Rename `region:` to `location:` in your configuration file before upgrading."),
    ("drop support for PostgreSQL 11", "removed",
     "Upgrade the database to PostgreSQL 13 or later before installing this release."),
    ("change the default page size to 50", "changed",
     "Pass `per_page=100` explicitly if your integration relies on the old default."),
    ("return amounts as strings in the API", "changed",
     "Parse `amount` fields as decimal strings; numbers lost precision above 2^53."),
    ("remove the legacy XML export", "removed",
     "Switch scheduled exports to CSV or JSON under **Billing > Export**."),
]

NON_CONVENTIONAL = [
    "Update README", "WIP tweak", "Fix typo", "Address review comments",
    "Update dependencies", "Small cleanup", "Make the linter happy",
    "More logging", "Tweak error message", "Oops", "Update CHANGELOG",
    "Fix tests", "wip",
]

SIDE_FOLLOW_UPS = [
    ("fix", "address review comments"), ("test", "cover the new code path"),
    ("refactor", "tidy up naming"), ("docs", "document the behaviour"),
    ("fix", "handle the error case"), ("test", "add a regression test"),
]
SQUASHED = ["wip", "review fixes", "add tests", "fix lint", "rename helpers",
            "update snapshots", "handle the error case"]

DEP_PACKAGES = ["serde", "tokio", "axum", "reqwest", "clap", "sqlx", "tracing",
                "lodash", "react", "webpack", "eslint", "jest", "typescript"]

BODY_SENTENCES = [
    "The previous behaviour surprised users who had more than one workspace.",
    "This was reported by several enterprise customers through support.",
    "The change is covered by new integration tests.",
    "Nothing changes for accounts that never used the old setting.",
    "We measured the effect on the staging data set before merging.",
    "The old code path stays behind a flag for one more release.",
    "Errors are now logged with the request id so support can find them.",
    "This keeps the behaviour consistent with the web client.",
    "The migration runs online and takes a few seconds on large tenants.",
    "Follow-up work will move the remaining callers to the new API.",
    "See the linked ticket for the discussion of alternatives.",
    "The timeout was too short for customers on slow connections.",
    "Memory use stays flat now, even for the largest exports.",
    "Existing data is not modified; only new records use the new format.",
    "The fix also removes a confusing warning from the logs.",
    "Without this, the job could run twice after a worker restart.",
    "The defaults match what most teams configure anyway.",
    "Translations for the new strings follow in a separate change.",
    "Benchmarks show the page loading about twice as fast.",
    "The endpoint keeps accepting the old parameter name for now.",
    "This only affects self-hosted installations.",
    "A regression test reproduces the original report.",
    "The admin screen explains the new option in a tooltip.",
    "Metrics for the new code path are on the service dashboard.",
]

CUSTOMER_SENTENCES = [
    "Admins can turn this on under **Settings > Features**.",
    "Nothing needs to be configured: the change applies to every workspace.",
    "Large accounts will notice the difference most.",
    "The same option is available through the API.",
    "This was one of the most requested improvements this quarter.",
    "Existing reports keep working without changes.",
    "Reach out to support if you still see the old behaviour.",
]

SUPPORT_NOTES = [
    "Symptoms before the fix: the page spins and then shows \"Something went wrong\".",
    "Look for `{component}.error` in the worker logs, keyed by request id.",
    "To verify, open the account in the admin console and check the audit log.",
    "Customers on the old mobile app may still see the previous behaviour until they update.",
    "The setting is per workspace; ask which workspace the customer means.",
]

INTERNAL_NOTES = [
    "Behind the `{flag}` flag until the next minor release.",
    "Requested by the enterprise sales team; mention it in renewal calls.",
    "Tracked in the quarterly roadmap under reliability.",
    "No marketing announcement planned; mention it in the monthly digest.",
]

DEPLOY_ITEMS = [
    ("Run migration {n:04d}_{component}", "devops"),
    ("Enable the `{flag}` flag for beta tenants", "product"),
    ("Update the runbook for {component}", "support"),
    ("Warm the {component} cache after deploy", "devops"),
    ("Verify the {component} dashboard after deploy", "qa"),
]

KNOWN_ISSUES = [
    ("Export of more than {n}0,000 invoices times out", "Export one quarter at a time."),
    ("Search results miss documents edited in the last minute", "Refresh the results after a minute."),
    ("Webhook retries can arrive out of order", "Order deliveries by the `sent_at` field on your side."),
    ("Dark theme shows low-contrast buttons in the editor", "Switch to the light theme for now."),
    ("CSV import rejects files with a byte order mark", "Save the file without a byte order mark."),
    ("Scheduled reports use UTC instead of the workspace time zone", "Set the delivery time in UTC."),
    ("Login with SSO fails when the e-mail has upper-case letters", "Sign in with the e-mail address in lower case."),
    ("Usage chart is empty for workspaces created today", "None known; the chart fills in the next day."),
    ("Archived projects still appear in the project picker", "Rename archived projects with an `[archived]` prefix."),
    ("API returns 500 for invoices with more than {n}00 lines", "Split the invoice into several invoices."),
    ("Notification e-mails are sent twice after a password reset", "None known."),
    ("Audit log export omits role changes", "Read role changes from the admin console."),
]

KI_SENTENCES = [
    "It was found after the release by a customer on a large workspace.",
    "Smaller workspaces are rarely affected.",
    "The cause is understood and a fix is scheduled.",
    "Support can confirm it from the request id in the error message.",
    "It only happens when several users work on the same record.",
    "Data is not lost; the operation can be retried safely.",
]
KI_SYMPTOMS = [
    "the request fails after a long wait and the log shows a timeout.",
    "the page shows \"Something went wrong\" and the action is not saved.",
    "the list is shorter than expected, without an error.",
    "users receive the same message twice within a minute.",
]

CODENAME_A = ["Amber", "Brisk", "Cedar", "Dawn", "Ember", "Frost", "Golden", "Hazel",
              "Indigo", "Jade", "Kestrel", "Lunar", "Misty", "Noble", "Opal", "Polar",
              "Quiet", "Rapid", "Silver", "Tidal", "Umber", "Vivid", "Willow", "Zephyr"]
CODENAME_B = ["Aurora", "Basin", "Comet", "Delta", "Estuary", "Fjord", "Glacier",
              "Harbor", "Island", "Juniper", "Kite", "Lagoon", "Meadow", "Nebula",
              "Orchard", "Prairie", "Quarry", "Ridge", "Summit", "Tundra", "Valley",
              "Wave", "Yarrow", "Zenith"]

SIGNERS = {
    "qa": ["Dana Lee", "Priya Nair"],
    "ux": ["Ravi Shah", "Lena Petrova"],
    "devops": ["Kim Ortiz", "Jonas Berg"],
    "product": ["Alex Moreau", "Mei Chen"],
}

TYPE_WEIGHTS = [
    ("feat", 22), ("fix", 28), ("perf", 4), ("docs", 8), ("chore", 10), ("ci", 4),
    ("refactor", 8), ("test", 6), ("build", 4), ("security", 2), ("revert", 1),
]
# Types that become change files (customer-visible by the config below).
CHANGE_KINDS = {"feat": "added", "fix": "fixed", "perf": "changed",
                "security": "security", "revert": "removed"}


def weighted_table(pairs):
    """A flat list for rng.choice: fast and deterministic."""
    table = []
    for name, w in pairs:
        table.extend([name] * w)
    return table


TYPES_ANY = weighted_table(TYPE_WEIGHTS)
TYPES_NO_FEAT = weighted_table([(t, w) for t, w in TYPE_WEIGHTS if t != "feat"])
AUTHOR_TABLE = weighted_table(list(enumerate(AUTHOR_WEIGHTS)))


def wrap(text, width=72):
    """Greedy word wrap (faster than textwrap for this many bodies)."""
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(cur)
    return "\n".join(lines)


def slug(text, words=5):
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words]) or "change"


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------

class Tag:
    __slots__ = ("pos", "version", "release", "pre", "annotated", "mark", "ts")

    def __init__(self, pos, version, release, pre):
        self.pos = pos            # first-parent index of the tagged commit
        self.version = version    # without prefix, e.g. "1.3.0-rc.1"
        self.release = release    # index into the list of final releases
        self.pre = pre
        self.annotated = False
        self.mark = None          # maintenance releases: the tagged commit
        self.ts = None            # ... and its time


def plan_events(rng, n):
    """Each event is one first-parent commit: 0 for a plain commit, or k>0
    for a merge commit that brings in a side branch of k commits."""
    events = [0]
    remaining = n - 1
    while remaining > 0:
        if remaining >= 8 and len(events) > 3 and rng.random() < 0.045:
            k = rng.randint(2, 4)
            events.append(k)
            remaining -= k + 1
        else:
            events.append(0)
            remaining -= 1
    return events


def plan_versions(rng, m, maintenance=False):
    """Versions and bump kinds of the M final releases, oldest first. With
    maintenance branches, main has only minor and major releases (the
    patch releases are made on the branches)."""
    versions, kinds = [(0, 1, 0)], ["initial"]
    one_oh = max(1, min(m // 5, 10)) if m > 1 else None
    for r in range(1, m):
        ma, mi, pa = versions[-1]
        if ma == 0 and r == one_oh:
            kind = "major"
        else:
            p = rng.random()
            if ma >= 1 and p < 0.02:
                kind = "major"
            elif p < 0.20 or maintenance:
                kind = "minor"
            else:
                kind = "patch"
        if kind == "major":
            nv = (ma + 1, 0, 0)
        elif kind == "minor":
            nv = (ma, mi + 1, 0)
        else:
            nv = (ma, mi, pa + 1)
        versions.append(nv)
        kinds.append(kind)
    return ["%d.%d.%d" % v for v in versions], kinds


def plan_tags(rng, n_fp, m, last_release=0, maintenance=False):
    """Positions of the final tags and the pre-release tags before them.
    With `last_release`, the newest release spans exactly that many
    first-parent commits whatever the history's length, so that tag-time
    runs on histories of different lengths compare like with like."""
    tail = min(5, n_fp // 200)          # unreleased commits after the newest tag
    usable = n_fp - tail
    if m > usable:
        sys.exit(f"gen_history: {m} tags need at least {m + tail} first-parent commits; "
                 f"this history has {n_fp}. Use more commits or fewer tags.")
    if last_release and m > 1 and usable - last_release >= m - 1:
        spread = usable - last_release
        positions = [((r + 1) * spread) // (m - 1) - 1 for r in range(m - 1)] + [usable - 1]
    else:
        positions = [((r + 1) * usable) // m - 1 for r in range(m)]
    versions, kinds = plan_versions(rng, m, maintenance)
    tags = []
    for r in range(m):
        prev_pos = positions[r - 1] if r else -1
        gap = positions[r] - prev_pos
        # About one release in ten gets release candidates (with
        # maintenance branches, as in git's own history, most releases get
        # two or three); never the first or the newest one.
        if 0 < r < m - 1 and gap >= 3 and rng.random() < (0.8 if maintenance else 0.10):
            if maintenance and gap >= 8:
                n_rc = rng.randint(1, 3)
            else:
                n_rc = 2 if gap >= 6 and rng.random() < 0.25 else 1
            back = sorted(rng.sample(range(1, min(gap - 1, 12) + 1), n_rc), reverse=True)
            if len(back) == n_rc:
                for i, b in enumerate(back):
                    tags.append(Tag(positions[r] - b, f"{versions[r]}-rc.{i + 1}", r, True))
        tags.append(Tag(positions[r], versions[r], r, False))
    for t in tags:
        t.annotated = t.pre or rng.random() < 0.45
    return tags, versions, kinds, positions


# --------------------------------------------------------------------------
# Commit messages
# --------------------------------------------------------------------------

class Msgs:
    """Makes commit messages; remembers recent subjects for reverts."""

    def __init__(self, rng):
        self.rng = rng
        self.recent = []

    def author(self):
        return AUTHORS[self.rng.choice(AUTHOR_TABLE)]

    def body(self, lo=1, hi=4):
        rng = self.rng
        paras = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            sents = rng.sample(BODY_SENTENCES, rng.randint(lo, hi))
            paras.append(wrap(" ".join(sents)))
        return "\n\n".join(paras)

    def change(self, allow_feat, allow_breaking, force=None):
        """Pick a conventional change: (type, scope, desc, breaking, kind, upgrade).
        `force` is "breaking" or "feat" to make sure a release range has one."""
        rng = self.rng
        if force == "breaking" or (allow_breaking and rng.random() < 0.04):
            desc, kind, upgrade = rng.choice(BREAKING)
            ctype = rng.choice(("feat", "feat", "feat", "refactor"))
            scope = rng.choice(("api", "api", "config", "db", "export"))
            return ctype, scope, desc, True, kind, upgrade
        ctype = "feat" if force == "feat" else rng.choice(TYPES_ANY if allow_feat else TYPES_NO_FEAT)
        if ctype == "revert":
            if self.recent:
                desc = self.recent[rng.randrange(len(self.recent))]
                return "revert", None, desc, False, "removed", None
            ctype = "fix"
        scope = rng.choice(SCOPES) if rng.random() < 0.65 else None
        if ctype in ("build", "chore") and rng.random() < 0.3:
            pkg = rng.choice(DEP_PACKAGES)
            a = rng.randint(1, 9)
            b = rng.randint(0, 30)
            desc = f"bump {pkg} from {a}.{b}.{rng.randint(0, 9)} to {a}.{b + 1}.0"
            return ctype, "deps", desc, False, None, None
        desc = rng.choice(PHRASES[ctype])
        if ctype == "docs" and rng.random() < 0.6:
            scope = None
        kind = CHANGE_KINDS.get(ctype)
        if ctype == "feat" and desc.startswith("deprecate"):
            kind = "deprecated"
        if ctype in ("feat", "fix"):
            self.recent.append(f"{ctype}{'(' + scope + ')' if scope else ''}: {desc}")
            if len(self.recent) > 40:
                del self.recent[0]
        return ctype, scope, desc, False, kind, None

    @staticmethod
    def header(ctype, scope, desc, bang):
        return f"{ctype}{'(' + scope + ')' if scope else ''}{'!' if bang else ''}: {desc}"

    def message(self, change, pr, author, squash):
        """Full message of a commit for `change`; returns (message, is_conventional)."""
        rng = self.rng
        ctype, scope, desc, breaking, kind, upgrade = change
        if not breaking and rng.random() < 0.04:
            subject = rng.choice(NON_CONVENTIONAL)
            if pr is not None and rng.random() < 0.5:
                subject += f" (#{pr})"
            body = self.body(1, 2) if rng.random() < 0.3 else ""
            return subject + ("\n\n" + body if body else "") + "\n", False
        bang = breaking and rng.random() < 0.7
        footer_breaking = breaking and (not bang or rng.random() < 0.5)
        subject = self.header(ctype, scope, desc, bang)
        if pr is not None:
            subject += f" (#{pr})"
        parts = [subject]
        if ctype == "revert":
            parts.append(f"This reverts the change \"{desc}\" after problems in production.")
        elif scope == "deps":
            parts.append(wrap(f"Bumps {desc.split()[1]} to the latest release. "
                              "Release notes are in the upstream changelog."))
        elif rng.random() < 0.65:
            parts.append(self.body())
        if squash and rng.random() < 0.2:
            parts.append("\n".join(f"* {item}" for item in rng.sample(SQUASHED, rng.randint(2, 4))))
        trailers = []
        if footer_breaking:
            trailers.append("BREAKING CHANGE: " + wrap(upgrade, 200))
        if rng.random() < 0.08:
            trailers.append(f"Refs: #{max(1, (pr or 100) - rng.randint(1, 50))}")
        if author[2] != "dependabot" and rng.random() < 0.07:
            for co in rng.sample(range(len(AUTHORS)), rng.choice((1, 1, 2))):
                if AUTHORS[co][0] != author[0]:
                    trailers.append(f"Co-authored-by: {AUTHORS[co][0]} <{AUTHORS[co][1]}>")
        if author[2] != "dependabot" and rng.random() < 0.1:
            trailers.append(f"Signed-off-by: {author[0]} <{author[1]}>")
        if trailers:
            parts.append("\n".join(trailers))
        return "\n\n".join(parts) + "\n", True


# --------------------------------------------------------------------------
# The fast-import stream
# --------------------------------------------------------------------------

def data_cmd(text):
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def ident(kind, who, ts):
    return f"{kind} {who[0]} <{who[1]}> {ts} +0000\n".encode("utf-8")


def plan_maintenance(rng, tags, positions, versions, most):
    """Maintenance branches (`--maintenance K`): after each final release
    but the newest, up to K patch releases on a branch from its tag, made
    while main goes on towards the next release, each followed (mostly)
    by a merge of the branch into main. Returns what happens before which
    first-parent commit: {index: [(branch, base index, version, fixes)]}
    and {index: branch merged there}."""
    maint_at, sync_at = {}, {}
    if most <= 0:
        return maint_at, sync_at
    finals = [t for t in tags if not t.pre]
    for a, b in zip(finals, finals[1:]):
        branch = ".".join(a.version.split(".")[:2])
        start, end = a.pos, positions[b.release]
        k = rng.randint(0, most)
        for i in range(1, k + 1):
            j = start + ((end - start) * i) // (k + 1)
            if j <= start or j >= end:
                continue
            major, minor, _ = a.version.split(".")
            maint_at.setdefault(j, []).append((branch, a.pos, f"{major}.{minor}.{i}", rng.randint(1, 3)))
            if rng.random() < 0.7 and j + 1 < end:
                sync_at[j + 1] = branch
    return maint_at, sync_at


def generate(args, out_dir):
    rng = random.Random(args.seed)
    events = plan_events(rng, args.commits)
    n_fp = len(events)
    tags, versions, kinds, positions = plan_tags(rng, n_fp, args.tags, args.last_release,
                                                 args.maintenance > 0)
    msgs = Msgs(rng)
    maint_at, sync_at = plan_maintenance(rng, tags, positions, versions, args.maintenance)

    # Only now that the plan is known to fit, touch the disk.
    if os.path.exists(out_dir) and os.listdir(out_dir):
        shutil.rmtree(out_dir)   # main() allowed this (--force)
    os.makedirs(out_dir, exist_ok=True)
    # Fixed object format and no templates: ids must not depend on local config.
    subprocess.run(["git", "init", "--quiet", "--object-format=sha1", "--initial-branch=main",
                    "--template=", out_dir], check=True)

    # Which tag (and final release) each first-parent index belongs to.
    tag_at = sorted(tags, key=lambda t: t.pos)

    proc = subprocess.Popen(
        ["git", "-C", out_dir, "fast-import", "--quiet", "--done",
         f"--export-marks={os.path.join(out_dir, '.git', 'gen-marks')}"],
        stdin=subprocess.PIPE)
    buf = []
    buf_len = 0

    def emit(chunk):
        nonlocal buf_len
        buf.append(chunk)
        buf_len += len(chunk)
        if buf_len > 1 << 20:
            proc.stdin.write(b"".join(buf))
            buf.clear()
            buf_len = 0

    emit(b"feature done\n")

    ts = EPOCH
    mark = 0
    fp_marks = []        # mark of each first-parent commit
    fp_ts = []           # its timestamp
    candidates = []      # commits that could get a change file
    file_lines = {}      # path -> recent lines (files stay small)
    pr_number = 10
    cur_tag = 0
    satisfied = set()    # tags whose range already has its feat / breaking change
    n_merges = 0
    n_nonconv = 0
    maint_tags = []      # the maintenance releases' tags
    maint_marks = {}     # maintenance branch -> its tip
    n_maint = 0

    for j, side_len in enumerate(events):
        while cur_tag < len(tag_at) and tag_at[cur_tag].pos < j:
            cur_tag += 1
        # Maintenance releases made while main reaches this commit: a few
        # fixes on the branch, then the patch release's tag.
        for (branch, base_pos, version, n_fix) in maint_at.get(j, ()):
            ref = f"refs/heads/maint-{branch}".encode()
            for f_i in range(n_fix):
                change = msgs.change(False, False)
                author = msgs.author()
                msg, conv = msgs.message(change, None, author, squash=False)
                n_nonconv += not conv
                mark += 1
                n_maint += 1
                ts += rng.randint(120, 3480)
                emit(b"commit %s\nmark :%d\n" % (ref, mark))
                emit(ident("author", author, ts) + ident("committer", author, ts))
                emit(data_cmd(msg + f"\n(cherry picked for {version})\n"))
                if branch not in maint_marks:
                    emit(b"from :%d\n" % fp_marks[base_pos])
                emit(b"M 644 inline maint/" + branch.encode() + b".txt\n"
                     + data_cmd(f"{mark} {version} fix {f_i + 1}\n"))
                emit(b"\n")
                maint_marks[branch] = mark
            t = Tag(None, version, None, False)
            t.mark, t.ts, t.annotated = mark, ts, True
            maint_tags.append(t)
        tag = tag_at[cur_tag] if cur_tag < len(tag_at) else None
        if tag is None:
            kind = "minor"   # the unreleased tail
            rel = None
        else:
            rel = tag.release
            kind = kinds[rel]
        allow_feat = kind != "patch"
        allow_breaking = kind == "major"
        # Every tag's own range shows why it is a major or minor release,
        # including the short range between a release candidate and its release.
        force = None
        if tag is not None and cur_tag not in satisfied:
            force = "breaking" if kind == "major" else "feat" if allow_feat else None

        if j == 0:
            mark += 1
            author = AUTHORS[0]
            ts += rng.randint(120, 3480)
            emit(b"commit %s\nmark :%d\n" % (MAIN_REF.encode(), mark))
            emit(ident("author", author, ts) + ident("committer", author, ts))
            emit(data_cmd("chore: initial commit\n\nSet up the repository layout.\n"))
            emit(b"M 644 inline README.md\n" + data_cmd("# OctoAcme\n\nBilling for teams.\n"))
            emit(b"\n")
            fp_marks.append(mark)
            fp_ts.append(ts)
            continue

        sync = sync_at.get(j)
        if side_len == 0 and sync is not None and sync in maint_marks:
            # The maintenance branch merged back, so that main has its fixes
            # (git's "Sync with maint").
            mark += 1
            ts += rng.randint(120, 3480)
            merger = msgs.author()
            emit(b"commit %s\nmark :%d\n" % (MAIN_REF.encode(), mark))
            emit(ident("author", merger, ts) + ident("committer", merger, ts))
            emit(data_cmd(f"Merge branch 'maint-{sync}'\n\n* maint-{sync}:\n  Sync with maint\n"))
            emit(b"from :%d\nmerge :%d\n" % (fp_marks[-1], maint_marks[sync]))
            emit(b"M 644 inline maint/synced.txt\n" + data_cmd(f"{mark} {sync}\n"))
            emit(b"\n")
            n_merges += 1
        elif side_len == 0:
            # A squash-merged PR or a direct push to main.
            change = msgs.change(allow_feat, allow_breaking, force)
            author = BOT if change[1] == "deps" else msgs.author()
            pr = None
            if rng.random() < 0.72 or change[1] == "deps":
                pr_number += rng.randint(1, 3)
                pr = pr_number
            msg, conv = msgs.message(change, pr, author, squash=pr is not None)
            n_nonconv += not conv
            if conv and (change[3] or (force == "feat" and change[0] == "feat")):
                satisfied.add(cur_tag)
            mark += 1
            ts += rng.randint(120, 3480)
            f = rng.randrange(256)
            path = f"src/d{f // 16:02d}/file_{f % 16:02d}.txt"
            lines = file_lines.setdefault(path, [])
            lines.append(f"{mark} {msg.split(chr(10), 1)[0][:60]}")
            if len(lines) > 6:
                del lines[0]
            emit(b"commit %s\nmark :%d\n" % (MAIN_REF.encode(), mark))
            emit(ident("author", author, ts) + ident("committer", author, ts))
            emit(data_cmd(msg))
            emit(b"M 644 inline " + path.encode() + b"\n" + data_cmd("\n".join(lines) + "\n"))
            emit(b"\n")
            if conv and change[4] is not None:
                candidates.append((mark, j, change, pr, author[0]))
        else:
            # A side branch of side_len commits, merged with a merge commit.
            change = msgs.change(allow_feat, allow_breaking, force)
            pr_number += rng.randint(1, 3)
            pr = pr_number
            author = msgs.author()
            base = fp_marks[max(0, j - rng.randint(1, 3))]
            title = Msgs.header(change[0], change[1], change[2], change[3])
            branch = f"{author[2]}/{slug(change[2], 4)}"
            fpath = f"features/f{pr % 64:02d}/pr-{pr}.txt"
            content = []
            for s in range(side_len):
                mark += 1
                ts += rng.randint(120, 3480)
                if s == 0:
                    sub_change = change
                else:
                    scope = change[1]
                    stype, sdesc = rng.choice(SIDE_FOLLOW_UPS)
                    sub_change = (stype, scope, sdesc, False, None, None)
                msg, conv = msgs.message(sub_change, None, author, squash=False)
                n_nonconv += not conv
                if s == 0 and conv and (change[3] or (force == "feat" and change[0] == "feat")):
                    satisfied.add(cur_tag)
                content.append(f"{mark} {msg.split(chr(10), 1)[0][:60]}")
                emit(b"commit %s\nmark :%d\n" % (SCRATCH_REF.encode(), mark))
                emit(ident("author", author, ts) + ident("committer", author, ts))
                emit(data_cmd(msg))
                if s == 0:
                    emit(b"from :%d\n" % base)
                emit(b"M 644 inline " + fpath.encode() + b"\n" + data_cmd("\n".join(content) + "\n"))
                emit(b"\n")
            side_tip = mark
            mark += 1
            ts += rng.randint(120, 3480)
            merger = msgs.author()
            merge_msg = f"Merge pull request #{pr} from {ORG}/{branch}\n\n{title}\n"
            emit(b"commit %s\nmark :%d\n" % (MAIN_REF.encode(), mark))
            emit(ident("author", merger, ts) + ident("committer", merger, ts))
            emit(data_cmd(merge_msg))
            emit(b"from :%d\nmerge :%d\n" % (fp_marks[-1], side_tip))
            emit(b"M 644 inline " + fpath.encode() + b"\n" + data_cmd("\n".join(content) + "\n"))
            emit(b"\n")
            n_merges += 1
            if change[4] is not None:
                candidates.append((mark, j, change, pr, author[0]))
        fp_marks.append(mark)
        fp_ts.append(ts)

    assert mark == args.commits + n_maint, (mark, args.commits, n_maint)

    # Tags, oldest first. Annotated tags are dated on the day of their commit.
    for t in tag_at + maint_tags:
        name = TAG_PREFIX + t.version
        target = fp_marks[t.pos] if t.mark is None else t.mark
        if t.annotated:
            cts = fp_ts[t.pos] if t.ts is None else t.ts
            day_end = (cts // 86400 + 1) * 86400
            tts = cts + min(900, day_end - cts - 1)
            emit(b"tag %s\nfrom :%d\n" % (name.encode(), target))
            emit(ident("tagger", RELEASE_MANAGER, tts))
            emit(data_cmd(f"Release {t.version}\n"))
        else:
            emit(b"reset refs/tags/%s\nfrom :%d\n\n" % (name.encode(), target))
    # Drop the scratch branch: only main and the tags remain.
    emit(b"reset %s\n\ndone\n" % SCRATCH_REF.encode())
    proc.stdin.write(b"".join(buf))
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("gen_history: git fast-import failed")

    return dict(n_fp=n_fp, fp_marks=fp_marks, fp_ts=fp_ts, tags=tag_at, maint_tags=maint_tags,
                marks=mark,
                versions=versions, kinds=kinds, positions=positions,
                candidates=candidates, rng=rng, n_merges=n_merges, n_nonconv=n_nonconv)


# --------------------------------------------------------------------------
# .relnotes/ inputs
# --------------------------------------------------------------------------

RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/()'+-]*$")


def q(s):
    """A YAML scalar: plain where that is safe in any context, else quoted."""
    if PLAIN.match(s) and s.lower() not in RESERVED and not s.endswith(" "):
        return s
    return json.dumps(s, ensure_ascii=False)


def block(text, indent="  "):
    return "|\n" + "\n".join(indent + line if line else "" for line in text.splitlines()) + "\n"


def flow_list(items):
    return "[" + ", ".join(q(str(i)) if isinstance(i, str) else str(i) for i in items) + "]"


def date_of(ts):
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%d")


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


CONFIG = """\
project:
  name: OctoAcme
  url: https://octoacme.example
links:
  pr: https://git.example/octoacme/app/pull/{number}
  issue: https://tracker.example/browse/{id}
  commit: https://git.example/octoacme/app/commit/{sha}
tags:
  prefix: v
segments:
  enterprise: Enterprise plan
  beta: Beta program
signoffs:
  required: [qa, ux, devops, product]
commits:
  kinds: { feat: added, fix: fixed, perf: changed, security: security, revert: removed }
  internal: [chore, ci, build, refactor, test, docs, style]
  skip: ['^chore\\(release\\)']
output:
  dir: dist
  formats: [md, html]
"""


def change_file(rng, change, pr, sha, author, cid_num):
    ctype, scope, desc, breaking, kind, upgrade = change
    component = scope if scope and scope != "deps" else rng.choice(SCOPES)
    lines = ["---", f"type: {kind}"]
    if breaking:
        lines.append("breaking: true")
    r = rng.random()
    if breaking or ctype == "security":
        lines.append("audiences: [customer, support, internal]")
    elif r < 0.15:
        lines.append("audiences: [customer, support, internal]")
    elif r < 0.25:
        lines.append("audiences: [support, internal]")
    elif r < 0.33:
        lines.append("audiences: [internal]")
    elif r < 0.38:
        lines.append("audiences: [customer]")
    r = rng.random()
    if r < 0.12:
        lines.append("segments: [enterprise]")
    elif r < 0.18:
        lines.append("segments: [beta]")
    elif r < 0.20:
        lines.append("segments: [enterprise, beta]")
    if pr is not None:
        lines.append(f"prs: [{pr}]")
    if sha is not None and (pr is None or rng.random() < 0.3):
        lines.append(f"commits: [{sha}]")
    if rng.random() < 0.15:
        lines.append(f"issues: [OCTO-{100 + cid_num % 9000}]")
    lines.append(f"component: {component}")
    if breaking:
        lines.append("upgrade: " + block(wrap(upgrade)).rstrip("\n"))
    if rng.random() < 0.6:
        note = rng.choice(SUPPORT_NOTES).format(component=component)
        lines.append("support: " + block(wrap(note)).rstrip("\n"))
    if rng.random() < 0.3:
        note = rng.choice(INTERNAL_NOTES).format(flag=f"{component}_{slug(desc, 2).replace('-', '_')}")
        lines.append("internal: " + block(wrap(note)).rstrip("\n"))
    if rng.random() < 0.15:
        lines.append("deploy:")
        for tmpl, owner in rng.sample(DEPLOY_ITEMS, rng.randint(1, 2)):
            item = tmpl.format(n=cid_num % 10000, component=component,
                               flag=f"{component}_{slug(desc, 2).replace('-', '_')}")
            lines.append(f"  - item: {q(item)}")
            lines.append(f"    owner: {owner}")
    lines.append("---")
    text = desc[0].upper() + desc[1:] + "."
    if ctype == "revert":
        text = f"Reverted a recent change ({desc.split(': ', 1)[-1]}) after problems in production."
    extra = rng.sample(CUSTOMER_SENTENCES, rng.randint(0, 2))
    if extra:
        text += " " + " ".join(extra)
    text = wrap(text)
    if rng.random() < 0.1:
        text += f"\n\n- Works with the `{component}` API\n- Shown in the admin console"
    return "\n".join(lines) + "\n" + text + "\n"


def release_yaml(rng, version, kind, date, summary, highlights, prev_final, run_no, newest):
    y, m, d = (int(x) for x in date.split("-"))
    day_before = (dt.date(y, m, d) - dt.timedelta(days=1)).isoformat()
    name = f"{rng.choice(CODENAME_A)} {rng.choice(CODENAME_B)}"
    segs = rng.choice(([], ["enterprise"], ["beta"], ["enterprise", "beta"]))
    out = [f"name: {name}", f"date: {date}", f"type: {kind}",
           "summary: " + block(wrap(summary)).rstrip("\n"),
           f"highlights: {flow_list(highlights)}",
           "requirements:",
           "  acceptance_criteria: true",
           "  prs_merged: true",
           f"  ci: https://ci.example/run/{run_no}",
           f"  security_scan: {'true' if rng.random() < 0.97 else 'false'}",
           "rollback:"]
    if prev_final:
        out += ["  plan: " + block(f"Redeploy {prev_final} with the pipeline's rollback job.", "    ").rstrip("\n"),
                f"  last_known_good: {prev_final}"]
    else:
        out += ["  plan: " + block("First release: disable the service in the load balancer.", "    ").rstrip("\n")]
    out.append("smoke_tests:")
    tests = [("Log in and open the dashboard", "passed"), ("Create and send an invoice", "passed"),
             ("Export invoices as CSV", "passed"), ("Run a search", "passed")]
    for tname, status in tests[: rng.randint(1, 4)]:
        if newest and rng.random() < 0.3:
            status = "pending"
        out.append(f"  - {{ name: {tname}, status: {status} }}")
    out.append("signoffs:")
    for role in ("qa", "ux", "devops", "product"):
        who = rng.choice(SIGNERS[role])
        status = "approved" if rng.random() < 0.98 else "pending"
        pad = " " * (8 - len(role))
        out.append(f"  {role}:{pad}{{ by: {who},{' ' * max(1, 12 - len(who))}at: {day_before}, status: {status} }}")
    out += ["support:",
            "  trained: true",
            f"  kb_published: {'true' if rng.random() < 0.9 else 'false'}",
            "  logs_access: true",
            '  escalation: "#support-escalations, then the billing on-call engineer"',
            f"  hypercare_hours: {rng.choice((24, 48, 48, 48, 72))}",
            "communication:",
            f"  customer_facing: {'false' if kind == 'patch' and rng.random() < 0.5 else 'true'}",
            "  plan_finalized: true",
            f"  segments: {flow_list(segs)}",
            f"  channels: {flow_list(rng.choice((['email'], ['email', 'in-app'], ['in-app'], ['email', 'in-app', 'blog'])))}",
            f"  send_at: {date}T15:00:00Z",
            '  feedback: ["#customer-feedback"]',
            "deployment:",
            f"  window: {{ start: {date}T13:00:00Z, end: {date}T14:00:00Z }}",
            f"  backup: {'snapshot db-' + date if rng.random() < 0.8 else 'not applicable'}",
            "  staging: passed",
            f"  pipeline: https://ci.example/deploy/{run_no + 7}",
            "  verifications: [Health checks green for 30 minutes]",
            "  dashboards: [{ name: Billing latency, url: https://grafana.example/d/billing }]",
            "  alerts_configured: true",
            f'  channels: ["#release-{version.replace(".", "-")}"]',
            "qa:",
            f"  critical_flows: {flow_list(rng.sample(['Checkout', 'Invoice export', 'Login', 'Search', 'Signup'], 2))}",
            "  performance:"]
    base = rng.randint(300, 500)
    out.append(f"    - {{ metric: p95 billing page ms, baseline: {base}, current: {base + rng.randint(-60, 30)} }}")
    out += ["incident:", f"  on_call: {rng.choice(['billing-oncall', 'platform-oncall', 'core-oncall'])}"]
    return "\n".join(out) + "\n"


def known_issue(rng, n, finals, open_issue):
    title, workaround = rng.choice(KNOWN_ISSUES)
    title = title.format(n=rng.randint(2, 9))
    if open_issue:
        a = rng.randrange(max(0, len(finals) - 30), len(finals))
        affects = f">={finals[a]}"
        fixed = None
    else:
        a = rng.randrange(0, max(1, len(finals) - 1))
        b = min(len(finals) - 1, a + rng.randint(1, 25))
        affects = f">={finals[a]}, <{finals[b]}"
        fixed = finals[b]
    lines = ["---", f"id: KI-{n}", f"title: {q(title)}", f"affects: {q(affects)}"]
    if fixed:
        lines.append(f"fixed_in: {fixed}")
    lines.append(f"severity: {rng.choice(['low', 'medium', 'medium', 'high', 'critical'])}")
    r = rng.random()
    if r < 0.2:
        lines.append("segments: [enterprise]")
    elif r < 0.3:
        lines.append("segments: [beta]")
    lines.append(f"status: {'open' if open_issue else 'fixed'}")
    lines.append(f"workaround: {q(workaround)}")
    lines.append("---")
    body = wrap(f"{title}. " + " ".join(rng.sample(KI_SENTENCES, 2)))
    symptoms = wrap("Symptoms: " + rng.choice(KI_SYMPTOMS))
    return "\n".join(lines) + "\n" + body + "\n\n" + symptoms + "\n"


def write_relnotes(out_dir, g, args, shas):
    rng = g["rng"]
    root = os.path.join(out_dir, ".relnotes")
    os.makedirs(os.path.join(root, "changes", "unreleased"))
    os.makedirs(os.path.join(root, "releases"))
    os.makedirs(os.path.join(root, "known-issues"))
    write(os.path.join(root, "config.yaml"), CONFIG)

    tags = g["tags"]
    finals = g["versions"]
    # Group change candidates by the tag whose range holds them.
    by_tag = {i: [] for i in range(len(tags))}
    unreleased = []
    ti = 0
    for cand in g["candidates"]:   # in first-parent order
        j = cand[1]
        while ti < len(tags) and tags[ti].pos < j:
            ti += 1
        (by_tag[ti] if ti < len(tags) else unreleased).append(cand)

    used_ids = set()
    n_changes = 0

    def write_change(dirname, cand, keep):
        nonlocal n_changes
        mark, _, change, pr, author = cand
        base = f"{change[1] + '-' if change[1] and change[1] != 'deps' else ''}{slug(change[2], 4)}"
        if pr is not None:
            cid = f"{base}-{pr}"
        elif mark:
            cid = f"{base}-c{mark}"
        else:
            cid = f"{base}-next"
        while cid in used_ids:
            cid += "-x"
        used_ids.add(cid)
        d = os.path.join(root, "changes", dirname)
        os.makedirs(d, exist_ok=True)
        write(os.path.join(d, cid + ".md"), change_file(rng, change, pr, shas[mark], author, mark))
        keep.append((cid, change))
        n_changes += 1

    prev_final = None
    for i, t in enumerate(tags):
        kept = []
        for cand in by_tag[i]:
            if cand[2][3] or rng.random() < 0.2:
                write_change(t.version, cand, kept)
        hl = [cid for cid, ch in kept if ch[3]] + [cid for cid, ch in kept if not ch[3] and ch[4] in ("added", "security")]
        hl = hl[: rng.randint(1, 3)] if hl else [cid for cid, _ in kept[:1]]
        descs = [ch[2] for cid, ch in kept if cid in hl]
        if descs:
            summary = "; ".join(descs)
            summary = summary[0].upper() + summary[1:] + f", and {len(by_tag[i])} more changes."
        else:
            summary = "Maintenance release with internal improvements."
        kind = g["kinds"][t.release]
        if kind == "initial":
            kind = "minor"
        date = date_of(g["fp_ts"][t.pos])
        newest = i == len(tags) - 1
        write(os.path.join(root, "releases", t.version + ".yaml"),
              release_yaml(rng, t.version, kind, date, summary, hl, prev_final, 1000 + 3 * i, newest))
        if not t.pre:
            prev_final = t.version

    # Maintenance releases: a patch release each, after the release whose
    # branch it is on.
    for i, t in enumerate(g["maint_tags"]):
        branch_base = t.version.rsplit(".", 1)[0] + ".0"
        write(os.path.join(root, "releases", t.version + ".yaml"),
              release_yaml(rng, t.version, "patch", date_of(t.ts),
                           f"Fixes for {branch_base} users.", [], branch_base, 5000 + 3 * i, False))

    kept = []
    for cand in unreleased[:6]:
        write_change("unreleased", cand, kept)
    for extra in range(max(0, 3 - len(kept))):
        change = ("feat", "reports", rng.choice(PHRASES["feat"]), False, "added", None)
        write_change("unreleased", (0, 0, change, None, AUTHORS[0][0]), kept)

    n_open = 0
    for n in range(1, args.known_issues + 1):
        open_issue = rng.random() < 0.3 or len(finals) < 2
        n_open += open_issue
        write(os.path.join(root, "known-issues", f"KI-{n}.md"), known_issue(rng, n, finals, open_issue))
    return n_changes, n_open


def read_marks(path, n):
    shas = [None] * (n + 1)
    with open(path, encoding="ascii") as fh:
        for line in fh:
            m, sha = line.split()
            shas[int(m[1:])] = sha
    return shas


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--commits", type=int, default=2000, help="commits reachable from main (default 2000)")
    ap.add_argument("--tags", type=int, default=20, help="final release tags (default 20); pre-release tags come on top")
    ap.add_argument("--known-issues", type=int, default=10, help="known issues to write (default 10)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--last-release", type=int, default=0,
                    help="first-parent commits in the newest release (default 0: tags evenly spread)")
    ap.add_argument("--maintenance", type=int, default=0,
                    help="up to this many patch releases per release on maintenance branches, merged back "
                         "into main, and release candidates for most releases, as in git's own history "
                         "(default 0: every release on main); their commits come on top of --commits")
    ap.add_argument("--force", action="store_true", help="replace OUT_DIR if it exists")
    ap.add_argument("out_dir", metavar="OUT_DIR")
    args = ap.parse_args(argv)
    if args.commits < 2 or args.tags < 1 or args.known_issues < 0:
        ap.error("need --commits >= 2, --tags >= 1, --known-issues >= 0")

    start = time.perf_counter()
    out_dir = os.path.abspath(args.out_dir)
    if os.path.exists(out_dir) and os.listdir(out_dir) and not args.force:
        ap.error(f"{out_dir} exists and is not empty (use --force to replace it)")

    g = generate(args, out_dir)
    marks_path = os.path.join(out_dir, ".git", "gen-marks")
    shas = read_marks(marks_path, g["marks"])
    os.remove(marks_path)
    subprocess.run(["git", "-C", out_dir, "reset", "--quiet", "--hard", "main"], check=True)
    n_changes, n_open = write_relnotes(out_dir, g, args, shas)

    tags = g["tags"]
    n_pre = sum(t.pre for t in tags)
    summary = {
        "generator_version": GENERATOR_VERSION,
        "generator_sha256": hashlib.sha256(open(__file__, "rb").read()).hexdigest(),
        "commits": args.commits, "tags": args.tags, "known_issues": args.known_issues,
        "last_release": args.last_release,
        "seed": args.seed, "main": shas[g["fp_marks"][-1]],
        "maintenance": args.maintenance, "maintenance_tags": len(g["maint_tags"]),
        "first_parent": g["n_fp"], "merges": g["n_merges"], "pre_release_tags": n_pre,
        "newest_tag": TAG_PREFIX + g["versions"][-1],
        "previous_tag": TAG_PREFIX + g["versions"][-2] if len(g["versions"]) > 1 else None,
    }
    # Written last: its presence means the repository is complete.
    write(os.path.join(out_dir, ".git", "gen_history.json"), json.dumps(summary, indent=2) + "\n")
    secs = time.perf_counter() - start
    print(f"gen_history: {g['marks']} commits ({g['n_fp']} first-parent, {g['n_merges']} merges, "
          f"{g['n_nonconv']} non-conventional), {len(tags)} tags ({args.tags} releases + {n_pre} pre-releases, "
          f"{sum(t.annotated for t in tags)} annotated; plus {len(g['maint_tags'])} maintenance releases), "
          f"{n_changes} change files, "
          f"{args.known_issues} known issues ({n_open} open), main {summary['main'][:12]}, "
          f"in {secs:.1f} s -> {out_dir}")


if __name__ == "__main__":
    main()
