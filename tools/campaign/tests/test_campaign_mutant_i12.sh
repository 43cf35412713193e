#!/usr/bin/env bash
# campaign.campaign_mutant_i12: the oracle I12 catches the bug it is for.
# bench/mutants/emu-lost-tlb-flush.patch makes the Unicorn engine drop the
# TLB flushes the core asks for (a translation the core removed stays usable
# by the emulated CPU). In a scratch copy of the tree (the user's tree is
# never touched) with the patch applied, a short campaign of the guest target
# must find I12 -- the emulated CPU reaching memory the harness's walk says
# it cannot, inline or as a result that differs from the host-direct run
# (which title comes first depends on the inputs) -- reproduce it with
# `lparsec-repro --engine unicorn`, record that engine in the reproducer, and
# exit 1. (The stale stores also leave I4s behind: reported, not required.) Without the patch the same seeds run clean (the
# suite's corpora.verdicts_on_unicorn and fuzz.guest.* prove that side).
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The tree as it is (committed or not), without build output.
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$tmp" 2>/dev/null) ||
	fail "cannot copy the tree"
mkdir -p "$tmp/src"
(cd "$tmp" && find . -mindepth 1 -maxdepth 1 ! -name src -exec mv {} src/ \;)
src=$tmp/src
(cd "$src" && patch -p1 --quiet <bench/mutants/emu-lost-tlb-flush.patch) || fail "the mutant does not apply"
grep -q "MUTANT" "$src/emu/driver.c" || fail "the mutant is not in place"

rc=0
(cd "$src" && env -u LPARSEC_BUILD_ROOT -u LPARSEC_CMAKE_ARGS -u LPARSEC_REGRESSIONS_DIR LPARSEC_ROOT="$src" \
	./lparsec campaign --minutes 0.75 --targets guest --engine libfuzzer --builds fast --jobs 1 --out "$tmp/c") \
	>"$tmp/c.out" 2>"$tmp/c.err" || rc=$?
cat "$tmp/c.out"
[ $rc -eq 1 ] || { tail -30 "$tmp/c.err"; fail "the campaign on the mutant exited $rc, not 1"; }
/usr/bin/python3 - "$tmp/c" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
paths = sorted(glob.glob(os.path.join(out, "findings", "*", "finding.json")))
found = [json.load(open(p)) for p in paths]
i12 = [f for f in found if f["invariant"] == "I12"]
if not i12:
    sys.exit("FAIL: no I12 finding; titles: " + ", ".join(f["title"] for f in found))
f = i12[0]
if f["target"] != "guest" or "--engine unicorn" not in f["repro_command"]:
    sys.exit(f"FAIL: target {f['target']}, replay command {f['repro_command']}")
if not f["reproduced"] or not f["reproduced"].startswith("3/"):
    sys.exit(f"FAIL: reproduced {f['reproduced']}")
repro = open(os.path.join(os.path.dirname(paths[found.index(f)]), "repro.txt")).read()
if "# repro-flags: --engine unicorn" not in repro or "# expect: I12" not in repro:
    sys.exit("FAIL: the reproducer does not record its engine and verdict:\n" + repro[:400])
print(f"mutant caught: {f['title']} ({f['reproduced']} reproduced, {f['ops_before']} -> {f['ops_after']} operations)")
PY
