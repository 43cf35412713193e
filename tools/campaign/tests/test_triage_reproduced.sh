#!/usr/bin/env bash
# campaign.triage_reproduced: how triage counts the runs that reproduce a
# finding. An invariant is counted from `lparsec-repro --runs 3`'s verdict
# line; a sanitizer report (or HV_CHECK) ends the process that prints it,
# so each run is a replay of its own -- a deterministic UBSan finding is
# 3/3, not "flaky 0/3" (what counting it from one `--runs 3` process gave).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 - <<'PY'
import tempfile
import lpcommon
import triage

UBSAN = ("hv/core/hpt.c:42:7: runtime error: shift exponent 64 is too large for 64-bit type 'uint64_t'\n"
         "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior hv/core/hpt.c:42:7\n")
calls = []

def fake_repro(path, runs=1, **kw):
    calls.append(runs)
    return {"rc": 1, "title": lpcommon.title_from_log(UBSAN), "inv": None, "op": None, "flaky": False,
            "output": UBSAN}

lpcommon.run_repro = fake_repro
title = lpcommon.title_from_log(UBSAN)
assert title.startswith("UBSan shift exponent") and title.endswith("at hv/core/hpt.c:42"), title
with tempfile.TemporaryDirectory() as work:
    j = triage.Judge("hpt", title, work)
    assert j.choose_mode("lparsec program v1\n") and j.mode == "repro"
    calls.clear()
    n = j.reproduced("lparsec program v1\n")
    assert n == 3 and calls == [1, 1, 1], (n, calls)

    # An invariant: one repro process with --runs 3, its verdict line counted.
    out = "x.txt: reproduced 3/3: VIOLATION I9 after op 4: stale translation survived a=0x1 b=0x2\n"
    lpcommon.run_repro = lambda path, runs=1, **kw: (calls.append(runs) or
        {"rc": 1, "title": lpcommon.title_from_log(out), "inv": "I9", "op": 4, "flaky": False, "output": out})
    j = triage.Judge("hpt", "I9: stale translation survived", work)
    calls.clear()
    assert j.reproduced("lparsec program v1\n") == 3 and calls == [3], calls
print("triage counts sanitizer runs one process each, invariants from --runs: ok")
PY
