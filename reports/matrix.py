#!/usr/bin/python3
"""The campaign's coverage in the domain's terms: every hcall x every return code it
can give, every other operation x its outcome, counted over a replay of the
campaign's corpus (no cost per fuzz input).

    matrix.py DIR        (./lparsec report DIR refreshes it when the corpus is newer)

Each target's corpus (DIR/corpus/<target>/) is replayed by that target's
replay-<target> (the dev preset: the same filter the fuzzer ran the inputs
through) with LPARSEC_FUZZ_CENSUS=1, which prints one line per operation that
ran: the hcall's name (or the operation's) and how it came out
(lp_census_print). The cells a target
could reach are the return codes harness/include/lparsec/hcalls.def allows
each hcall, plus H_PRIVILEGE (any hcall from problem state); for the other
operations ok and, for accesses, fault. Cells never reached by any target
are listed first: a failure path the night never exercised. Writes
DIR/matrix.json atomically:

    {"version": 1, "generated": "...", "programs": {target: n}, "cells": n, "reached": n,
     "hcalls": {target: {name: {rc: count}}, "merged": {...}},
     "ops": {target: {kind: {outcome: count}}, "merged": {...}},
     "invariants": {target: {"I4": {"checks": n, "rich": n}}, "merged": {...}},  # how often each oracle looked,
                                                   # and how often at a state where its bug could live
     "never": [[name, rc], ...],      # cells of the universe no program reached
     "unexpected": [[name, rc, count], ...]}   # return codes outside hcalls.def's list ("skipped": not run)

Exit 0 written, 2 a tool error (no corpus, a replay binary missing or failing).
Only the standard library of Debian's /usr/bin/python3.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(HERE, "..", "tools", "campaign"))  # lpcommon, the tools' shared helpers
import coverage  # noqa: E402  (the corpus files of a campaign directory)
import lpcommon as lp  # noqa: E402

HCALLS_DEF = os.path.join(lp.ROOT, "harness", "include", "lparsec", "hcalls.def")
EVERY_HCALL = ["H_PRIVILEGE"]  # what any hcall answers from problem state
ACCESSES = ("load", "store", "dma_read", "dma_write")


UNKNOWN = "(unknown opcode)"  # every opcode the core does not serve, in one row


def universe():
    """{hcall name: [the return codes hcalls.def allows it, then H_PRIVILEGE]}, in the file's order, and the
    opcodes the core does not serve (H_FUNCTION)."""
    calls = {}
    with open(HCALLS_DEF) as f:
        for m in re.finditer(r"^LP_HCALL\((\w+),\s*LP_RCS\(([^)]*)\)", f.read(), re.M):
            calls[m.group(1)] = [rc.strip() for rc in m.group(2).split(",") if rc.strip()] + EVERY_HCALL
    if not calls:
        raise lp.ToolError(f"{HCALLS_DEF}: no LP_HCALL lines")
    calls[UNKNOWN] = ["H_FUNCTION"] + EVERY_HCALL
    return calls


def census(target, corpus_dir, replay=None):
    """({(what, outcome): count} over the operations that ran, {invariant: {checks, rich}}), replaying
    corpus_dir as target's fuzzer did."""
    replay = replay or lp.replay_binary(target)
    if not os.access(replay, os.X_OK):
        raise lp.ToolError(f"no {os.path.basename(replay)} at {replay} (./lparsec fuzz build)")
    env = dict(os.environ, LPARSEC_FUZZ_CENSUS="1")
    r = subprocess.run([replay, corpus_dir], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                       errors="replace")
    if r.returncode != 0:
        raise lp.ToolError(f"{os.path.basename(replay)} {corpus_dir} exited {r.returncode}: "
                           + (lp.title_from_log(r.stderr) or r.stderr.strip()[-300:]))
    counts, looks = {}, {}
    for line in r.stdout.splitlines():
        if line.startswith("census\t"):
            _, what, outcome = line.split("\t", 2)
            counts[(what, outcome)] = counts.get((what, outcome), 0) + 1
        elif line.startswith("inv\t"):
            _, inv, checks, rich = line.split("\t", 3)
            seen = looks.setdefault(inv, {"checks": 0, "rich": 0})
            seen["checks"] += int(checks)
            seen["rich"] += int(rich)
    return counts, looks


def split(counts, calls):
    """(hcalls: {name: {rc: n}}, ops: {kind: {outcome: n}}) of a census."""
    hcalls, ops = {}, {}
    for (what, outcome), n in counts.items():
        what = UNKNOWN if what.startswith("hcall(") else what  # census names them hcall(0x...)
        table = hcalls if what in calls else ops
        table.setdefault(what, {})[outcome] = table.get(what, {}).get(outcome, 0) + n
    return hcalls, ops


def merge(per_target):
    merged = {}
    for table in per_target.values():
        for what, outcomes in table.items():
            for outcome, n in outcomes.items():
                merged.setdefault(what, {})[outcome] = merged.get(what, {}).get(outcome, 0) + n
    return merged


def build(census_by_target, calls):
    """The matrix document of per-target censuses ((counts, looks) each)."""
    hcalls, ops, looks = {}, {}, {}
    for t, (counts, seen) in census_by_target.items():
        hcalls[t], ops[t] = split(counts, calls)
        looks[t] = seen
    looks["merged"] = merge(looks)
    hcalls["merged"], ops["merged"] = merge(hcalls), merge(ops)
    never = [[name, rc] for name, rcs in calls.items() for rc in rcs if not hcalls["merged"].get(name, {}).get(rc)]
    never += [[kind, want] for kind, outcomes in sorted(ops["merged"].items())
              for want in (("ok", "fault") if kind in ACCESSES else ("ok",)) if not outcomes.get(want)]
    unexpected = [[name, rc, n] for name, outcomes in sorted(hcalls["merged"].items())
                  for rc, n in sorted(outcomes.items()) if rc not in calls.get(name, []) + ["skipped"]]
    cells = sum(len(rcs) for rcs in calls.values())
    reached = cells - sum(1 for name, _ in never if name in calls)
    return {"version": 1, "cells": cells, "reached": reached, "hcalls": hcalls, "ops": ops, "never": never,
            "unexpected": unexpected, "invariants": looks}


def collect(out_dir, replay_dir=None):
    """Replays DIR's corpus and writes DIR/matrix.json; returns the document. replay_dir: where the
    replay-<target> binaries are (default: the dev preset's fuzz/)."""
    targets = coverage.corpus_targets(out_dir)
    if not targets:
        raise lp.ToolError(f"{out_dir}: no corpus/<target>/ with programs: nothing to replay")
    calls = universe()
    doc = build({t: census(t, os.path.join(out_dir, "corpus", t),
                           os.path.join(replay_dir, f"replay-{t}") if replay_dir else None) for t in targets}, calls)
    doc["generated"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc["programs"] = {t: len(coverage.corpus_files(out_dir, t)) for t in targets}
    lp.atomic_write_json(os.path.join(out_dir, "matrix.json"), doc)
    return doc


def is_stale(out_dir):
    """True when DIR has a corpus and matrix.json is missing or older than it."""
    newest = coverage.corpus_mtime(out_dir)
    if newest is None or not coverage.corpus_targets(out_dir):
        return False
    try:
        return os.stat(os.path.join(out_dir, "matrix.json")).st_mtime < newest
    except OSError:
        return True


def main():
    ap = argparse.ArgumentParser(prog="matrix.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", metavar="DIR", help="campaign directory (its corpus/ is replayed)")
    ap.add_argument("--replay-dir", help="where replay-<target> are (default: the dev preset's fuzz/)")
    args = ap.parse_args()
    doc = collect(args.dir, args.replay_dir)
    print(f"matrix: {sum(doc['programs'].values())} programs replayed; {doc['reached']} of {doc['cells']} hcall x "
          f"return code cells reached; wrote {os.path.join(args.dir, 'matrix.json')}")
    return 0


if __name__ == "__main__":
    lp.main_wrapper("matrix", main)
