#!/usr/bin/env bash
# campaign.bisect: ./lparsec bisect names the commit that planted a bug. A
# repository is made from the project's history plus three commits -- a
# benign one, bench/mutants/set-sprg0-off-by-one.patch committed, another
# benign one -- and a campaign finding whose reproducer (one H_SET_SPRG0)
# fires I6 at the last: bisect between the project's HEAD and it must name
# the planted commit, write findings/<slug>/bisect.json, which the report
# shows in the finding's entry, and leave the repository it was given as it
# was; the gate's --bisect does the same for its new findings. Then the
# errors: exit 2, said, nothing built.
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
BISECT=(/usr/bin/python3 "$ROOT/tools/campaign/bisection.py")

git clone -q --shared "$ROOT" "$tmp/repo"
cd "$tmp/repo"
git config user.email bisect@lparsec.test
git config user.name "lparsec bisect test"
good=$(git rev-parse HEAD)
echo "a benign change" > benign.txt && git add benign.txt && git commit -qm "benign: before the bug"
patch -p1 --quiet < bench/mutants/set-sprg0-off-by-one.patch
git commit -qam "planted: H_SET_SPRG0 writes SPRG1"
planted=$(git rev-parse --short HEAD)
echo "another benign change" >> benign.txt && git commit -qam "benign: after the bug"
before=$(git status --porcelain; git rev-parse HEAD)

# A finding as the campaign writes it (finding.json names the invariant, repro.txt the program).
camp=$tmp/campaign
mkdir -p "$camp/findings/i6-sprg"
echo '{"version": 1, "status": "done"}' > "$camp/campaign.json"
cat > "$camp/findings/i6-sprg/finding.json" <<'EOF'
{"title": "I6: hcall changed register sprg1, which it does not define", "invariant": "I6", "kind": "violation",
 "target": "dispatch", "engine": "libfuzzer", "count": 1, "reproduced": "3/3", "known": false}
EOF
cat > "$camp/findings/i6-sprg/repro.txt" <<'EOF'
# expect: I6
lparsec program v2
config parts=1 threads=1
part p0 lmbs=1 vcpus=1 windows=0 shared
p0.v0 H_SET_SPRG0 value=0x1234
EOF

rc=0
"${BISECT[@]}" "$camp/findings/i6-sprg" --good "$good" --repo "$tmp/repo" >"$tmp/out" 2>&1 || rc=$?
cat "$tmp/out"
[ $rc -eq 0 ] || fail "bisect exited $rc, not 0"
grep -q "^lparsec bisect: first bad commit: $planted planted: H_SET_SPRG0 writes SPRG1$" "$tmp/out" ||
	fail "bisect did not name the planted commit $planted"
grep -q ": good (clean)$" "$tmp/out" && grep -q ": bad (I6: " "$tmp/out" || fail "the endpoints were not checked"
[ "$(git status --porcelain; git rev-parse HEAD)" = "$before" ] || fail "the repository bisected was changed"
/usr/bin/python3 - "$camp/findings/i6-sprg/bisect.json" "$planted" "$good" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "found" and r["first_bad"].startswith(sys.argv[2]) and r["good"] == sys.argv[3], r
assert r["invariant"] == "I6" and r["subject"].endswith("planted: H_SET_SPRG0 writes SPRG1"), r
print("bisect.json:", r["subject"])
PY
LPARSEC_ROOT=$ROOT /usr/bin/python3 "$ROOT/reports/report.py" "$camp" >/dev/null || fail "the report failed"
grep -q "<dt>first bad commit</dt><dd>$planted planted: H_SET_SPRG0 writes SPRG1 (bisected " "$camp/report.html" &&
	grep -q "^  first bad commit: $planted planted: " "$camp/summary.md" ||
	fail "the report does not show the bisection"

# The gate's --bisect: each new finding's reproducer bisected, the commit in summary.md and the SARIF.
gate_out=$tmp/gate
mkdir -p "$gate_out/findings/i6"
cp "$camp/findings/i6-sprg/repro.txt" "$gate_out/findings/i6/repro.txt"
/usr/bin/python3 - "$ROOT" "$tmp/repo" "$good" "$planted" "$gate_out" <<'PY'
import os, sys
root, repo, good, planted, out = sys.argv[1:6]
sys.path.insert(0, os.path.join(root, "tools", "campaign"))
import gate
f = gate.Findings(out, os.path.join(root, "corpora", "regressions"))
f.groups = {"I6: x": {"title": "I6: x", "rule": "I6", "known": False, "seen_in": ["corpora"],
                      "location": "findings/i6/repro.txt"}}
gate.bisect_new_findings(out, f, good, repo=repo, log=lambda line: None)
g = f.groups["I6: x"]
assert g["bisect"].startswith(planted + " planted:"), g
assert os.path.isfile(os.path.join(out, "findings", "i6", "bisect.json"))
assert f"first bad commit: {planted} planted:" in gate.summary_md([], f)
assert gate.sarif(f, out)["runs"][0]["results"][0]["properties"]["firstBadCommit"].startswith(planted)
print("gate --bisect:", g["bisect"])
PY

# Errors: said, exit 2, before anything is built.
expect_2() {
	local what=$1 rc=0
	shift
	"${BISECT[@]}" "$@" >"$tmp/err" 2>&1 || rc=$?
	[ $rc -eq 2 ] && grep -q "$what" "$tmp/err" || { cat "$tmp/err"; fail "expected exit 2 and '$what' (rc $rc)"; }
}
expect_2 "no such finding directory or program file" "$tmp/nothing" --good "$good" --repo "$tmp/repo"
expect_2 "must be an ancestor of" "$camp/findings/i6-sprg" --good HEAD --bad "$good" --repo "$tmp/repo"
expect_2 "unknown revision\|Needed a single revision" "$camp/findings/i6-sprg" --good no-such-rev --repo "$tmp/repo"
rc=0
(cd "$ROOT" && ./lparsec gate --bisect no-such-rev --out "$tmp/gate2") > "$tmp/err" 2>&1 || rc=$?
[ $rc -eq 2 ] && grep -q "Needed a single revision\|unknown revision" "$tmp/err" || { cat "$tmp/err"; fail "gate --bisect no-such-rev: rc $rc"; }
echo "campaign.bisect: the planted commit named, the repository untouched, the report shows it"
