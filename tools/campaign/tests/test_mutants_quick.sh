#!/usr/bin/env bash
# campaign.mutants_quick: the planted-bug benchmark's quick subset. Five
# mutants, one per oracle that takes nothing from the core (the emulated
# IOTLB, the write-set oracle's foreign and failing-call stores and its
# check that every store is reported to the platform, the hcall register
# file), each fuzzed once for up to 60 s in a scratch copy of the
# tree: every one must be caught by an invariant its header names, and the
# tool must write its table and JSON and exit 0. Then the tool's errors: an
# unknown mutant and an output directory that holds a run are refused with
# exit 2, the user's tree is never patched.
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$ROOT"

quick=tce-iotlb-flush-lost,dtl-ring-overrun,page-init-copy-swapped,set-sprg0-off-by-one,dtl-entry-unannounced
before=$(git status --porcelain -- hv emu | md5sum)
rc=0
./lparsec bench mutants --mutants "$quick" --seconds 60 --trials 1 --out "$tmp/run" >"$tmp/out" 2>"$tmp/err" || rc=$?
cat "$tmp/out"
[ $rc -eq 0 ] || { tail -20 "$tmp/err"; fail "bench mutants exited $rc, not 0"; }
[ "$(git status --porcelain -- hv emu | md5sum)" = "$before" ] || fail "the user's tree was patched"
/usr/bin/python3 - "$tmp/run/mutants.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
names = sorted(x["name"] for x in r["results"])
assert names == sorted(["tce-iotlb-flush-lost", "dtl-ring-overrun", "page-init-copy-swapped", "set-sprg0-off-by-one",
                        "dtl-entry-unannounced"]), names
for x in r["results"]:
    t = x["trials"][0]
    assert t["detected"] and t["invariant"] in x["expected"], (x["name"], t)
    assert x["right_invariant"] == 1, x
print("every quick mutant caught:", ", ".join(f"{x['name']} {x['trials'][0]['invariant']} {x['trials'][0]['seconds']} s" for x in r["results"]))
PY
grep -q "^| tce-iotlb-flush-lost | I9 | 1/1 |" "$tmp/run/mutants.md" || fail "the table lacks its row"

# Errors: exit 2 with a message, nothing run.
rc=0
./lparsec bench mutants --mutants no-such-mutant --out "$tmp/x" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "no mutant named no-such-mutant" "$tmp/err" || fail "an unknown mutant gave $rc: $(cat "$tmp/err")"
rc=0
./lparsec bench mutants --mutants set-sprg0-off-by-one --out "$tmp/run" >/dev/null 2>"$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "holds an earlier run" "$tmp/err" || fail "a used output directory gave $rc: $(cat "$tmp/err")"
echo "mutants_quick: ok"
