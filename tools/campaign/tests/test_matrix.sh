#!/usr/bin/env bash
# campaign.matrix: the hcall x return code matrix of a campaign. A campaign
# directory whose hpt corpus holds one program -- an H_ENTER that succeeds,
# one refused with H_PARAMETER -- is replayed through replay-hpt (the
# target's own filter) with the census on: matrix.json must count exactly
# those two cells, list H_ENTER's H_PTEG_FULL and H_PRIVILEGE among the
# never reached, count I9's two looks as on trivial states only (nothing was
# cached in the TLB) and the model oracles' looks (I7 rich for the failing
# call), and the report must show all of it.
# A campaign directory without a corpus is said, exit 2.
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
BUILD=${LPARSEC_BUILD_ROOT:-$ROOT/build}/dev
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$BUILD/fuzz/replay-hpt" ] && [ -x "$BUILD/lparsec-fmt" ] || fail "no dev build at $BUILD (./lparsec build)"

camp=$tmp/campaign
mkdir -p "$camp/corpus/hpt"
echo '{"version": 1, "status": "done"}' > "$camp/campaign.json"
cat > "$tmp/enter.txt" <<'EOF'
lparsec program v2
config parts=1 threads=1
part p0 lmbs=1 vcpus=1 windows=0 shared
p0.v0 H_ENTER flags=0x0 ptex=0x0 pteh=0x4001 ptel=0x1192
p0.v0 H_ENTER flags=0x0 ptex=0x0 pteh=0x4001 ptel=0x7ffffffffff000
EOF
"$BUILD/lparsec-fmt" --to bin "$tmp/enter.txt" -o "$camp/corpus/hpt/enter"

/usr/bin/python3 "$ROOT/reports/matrix.py" "$camp" --replay-dir "$BUILD/fuzz" > "$tmp/out"
cat "$tmp/out"
grep -q "^matrix: 1 programs replayed; 2 of [0-9]* hcall x return code cells reached" "$tmp/out" || fail "the summary line"
/usr/bin/python3 - "$camp/matrix.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["programs"] == {"hpt": 1}, m["programs"]
assert m["hcalls"]["hpt"] == {"H_ENTER": {"H_SUCCESS": 1, "H_PARAMETER": 1}}, m["hcalls"]["hpt"]
assert m["hcalls"]["merged"] == m["hcalls"]["hpt"]
never = {tuple(c) for c in m["never"]}
assert ("H_ENTER", "H_PTEG_FULL") in never and ("H_ENTER", "H_PRIVILEGE") in never, sorted(never)[:5]
assert ("H_ENTER", "H_SUCCESS") not in never and ("H_REMOVE", "H_NOT_FOUND") in never
hcall_never = [c for c in never if c[0].startswith("H_") or c[0] == "(unknown opcode)"]
assert m["reached"] == 2 and m["cells"] == len(hcall_never) + 2, (m["reached"], m["cells"], len(hcall_never))
assert m["unexpected"] == [], m["unexpected"]
# I9 looked after each hcall, never with a translation cached (nothing was loaded): only trivial states.
# The model's oracles judged both calls: the failing one is I7's rich state, the success's predicted
# outputs I6's, neither names another partition's resource (I8). The scans saw the valid 4 KiB HPTE.
looks = m["invariants"]["merged"]
assert {k: looks[k] for k in ("I6", "I7", "I8", "I9")} == {
    "I6": {"checks": 2, "rich": 1}, "I7": {"checks": 2, "rich": 1}, "I8": {"checks": 2, "rich": 0},
    "I9": {"checks": 2, "rich": 0}}, looks
assert looks["I1"]["checks"] >= 1 and looks["I1"]["rich"] == 0 and looks["I2"]["rich"] >= 1, looks
assert set(looks) == {"I1", "I2", "I6", "I7", "I8", "I9"}, looks
print("matrix.json: H_ENTER H_SUCCESS 1, H_PARAMETER 1;", m["reached"], "of", m["cells"], "cells")
PY
LPARSEC_ROOT=$ROOT /usr/bin/python3 "$ROOT/reports/report.py" "$camp" --no-coverage > /dev/null ||
	fail "the report failed"
grep -q '^| H\\_ENTER | H\\_SUCCESS 1, H\\_PARAMETER 1, \*\*H\\_PTEG\\_FULL 0\*\*, \*\*H\\_PRIVILEGE 0\*\* |$' \
	"$camp/summary.md" || fail "summary.md lacks H_ENTER's row"
grep -q "^Never reached: .*H\\\\_ENTER → H\\\\_PTEG\\\\_FULL" "$camp/summary.md" || fail "summary.md: never reached"
grep -q '<span class="b-never">H_PTEG_FULL 0</span>' "$camp/report.html" || fail "report.html lacks the matrix"
grep -qx '| I9 | 2 | \*\*0: only trivial states\*\* (with a translation cached in the emulated TLB) |' "$camp/summary.md" ||
	fail "summary.md: I9 shown as having seen only trivial states"

# No corpus: said, exit 2.
rm -rf "$camp/corpus"
rc=0
/usr/bin/python3 "$ROOT/reports/matrix.py" "$camp" --replay-dir "$BUILD/fuzz" 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "nothing to replay" "$tmp/err" || { cat "$tmp/err"; fail "no corpus: rc $rc"; }
echo "campaign.matrix: the cells counted exactly, the never reached listed, the report shows them"
