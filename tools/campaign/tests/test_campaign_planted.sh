#!/usr/bin/env bash
# campaign.campaign_planted: a campaign on a deliberately broken build (the
# host platform drops single-entry TLB flushes: bench/mutants/tlbie-entry-lost)
# must find the two I9 titles that build has, group the inputs by title,
# reproduce and minimise the first of each group, mark what
# corpora/regressions already knows, promote the rest, and exit 1.
# Once with libFuzzer, once with AFL++.
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
cd "$ROOT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/planted.sh"
use_planted_build
# Known titles and --promote work on a copy of corpora/regressions/, which
# also knows one of the two titles (the seed that violates it, with its verdict).
regs=$tmp/regressions
cp -r corpora/regressions "$regs"
{ echo "# expect: I9"; cat corpora/hpt/05_protect_avpn.txt; } >"$regs/planted-write-protection.txt"
export LPARSEC_REGRESSIONS_DIR=$regs

RETARGET="I9: stale translation survived: its HPTE was removed or retargeted"
WRITEPROT="I9: stale writable translation survived a write protection"

# check_campaign DIR ENGINE RETARGET_KNOWN: the findings of a finished campaign on the planted build.
check_campaign() {
	local dir=$1 engine=$2
	/usr/bin/python3 - "$dir" "$engine" "$RETARGET" "$WRITEPROT" "$3" <<'EOF'
import json, os, sys
out, engine, retarget, writeprot, retarget_known = sys.argv[1:]
def fail(msg):
    sys.exit(f"FAIL: {msg}")
st = json.load(open(os.path.join(out, "campaign.json")))
if st["status"] != "done":
    fail(f"status {st['status']}")
planned = st["slices"]["hpt"]["planned_s"]
if not (planned - 0.5 <= st["elapsed_s"] <= planned + 0.5):
    fail(f"elapsed_s {st['elapsed_s']} for a slice of {planned}")
# The matrix of the merged corpus, refreshed after the slice: hpt's hcalls reached, I9's looks counted.
mx = json.load(open(os.path.join(out, "matrix.json")))
if mx["programs"].get("hpt", 0) < 1 or not mx["hcalls"]["hpt"].get("H_ENTER", {}).get("H_SUCCESS"):
    fail(f"matrix: {mx['programs']} {mx['hcalls'].get('hpt', {}).get('H_ENTER')}")
if mx["invariants"]["merged"].get("I9", {}).get("checks", 0) < 1:
    fail(f"matrix: I9 never looked: {mx['invariants']['merged']}")
summary = open(os.path.join(out, "summary.md")).read()
if "### Hcall × return code" not in summary or "| I9 |" not in summary:
    fail("summary.md lacks the matrix or the invariants' counts")
groups = {}
for slug in os.listdir(os.path.join(out, "findings")):
    f = json.load(open(os.path.join(out, "findings", slug, "finding.json")))
    groups[f["title"]] = (slug, f)
if set(groups) != {retarget, writeprot}:
    fail(f"finding groups {sorted(groups)}")
if sorted(st["new_findings"]) != sorted(s for s, _ in groups.values()):
    fail(f"new_findings {st['new_findings']}")
for title, (slug, f) in groups.items():
    g = os.path.join(out, "findings", slug)
    if f["invariant"] != "I9" or f["kind"] != "violation" or f["target"] != "hpt":
        fail(f"{slug}: invariant/kind/target {f['invariant']} {f['kind']} {f['target']}")
    if f["reproduced"] != "3/3" or f["flaky"] or not f["minimised"]:
        fail(f"{slug}: reproduced {f['reproduced']} flaky {f['flaky']} minimised {f['minimised']}")
    if not (1 <= f["ops_after"] < f["ops_before"]):
        fail(f"{slug}: not minimised: {f['ops_before']} -> {f['ops_after']} ops")
    if len(f["inputs"]) != min(f["count"], 5) or sorted(os.listdir(os.path.join(g, "inputs"))) != \
            sorted(s + ".bin" for s in f["inputs"]):
        fail(f"{slug}: inputs {f['inputs']} count {f['count']}")
    if not os.path.getsize(os.path.join(g, "repro.bin")):
        fail(f"{slug}: empty repro.bin")
    text = open(os.path.join(g, "repro.txt")).read().splitlines()
    if text[0] != "# expect: I9" or not any(title in l for l in text[:3]):
        fail(f"{slug}: repro.txt header {text[:3]}")
    ops = [l for l in text if l and not l.startswith("#") and l.split()[0] not in ("lparsec", "config", "part", "window", "segment")]
    if len(ops) != f["ops_after"]:
        fail(f"{slug}: repro.txt has {len(ops)} operations, finding.json says {f['ops_after']}")
# The group the fuzzer keeps hitting has more than its seed; the engine's own inputs are in it.
slug, f = groups[retarget]
if f["count"] < 2:
    fail(f"{retarget}: count {f['count']}")
if f["known"] != (retarget_known == "known") or not groups[writeprot][1]["known"]:
    fail(f"known: {retarget} known={f['known']}, {writeprot} known={groups[writeprot][1]['known']}")
csv = open(os.path.join(out, "stats", f"hpt-{engine}.csv")).read().splitlines()
if csv[0] != "elapsed_s,execs,execs_per_s,coverage,corpus,findings" or len(csv) < 3:
    fail(f"stats/hpt-{engine}.csv: {csv[:3]}")
last = csv[-1].split(",")
if int(last[1]) <= 0 or int(last[3]) <= 0 or int(last[5]) <= 0:
    fail(f"stats/hpt-{engine}.csv last sample {csv[-1]}: no execs, coverage or crash inputs")
print(f"{engine}: {retarget}: {f['count']} inputs, {f['ops_before']} -> {f['ops_after']} ops; "
      f"{writeprot}: {groups[writeprot][1]['count']} inputs; last sample {csv[-1]}")
EOF
	local g
	for g in "$dir"/findings/*/; do
		local rc=0 out
		out=$("$LPARSEC_BUILD_ROOT/dev/lparsec-repro" "$g/repro.txt" 2>&1) || rc=$?
		[ $rc -eq 1 ] || fail "lparsec-repro $g/repro.txt exited $rc"
		grep -q ": VIOLATION I9 after op" <<<"$out" || fail "lparsec-repro $g/repro.txt: no I9"
		rc=0
		"$LPARSEC_BUILD_ROOT/dev/lparsec-repro" "$g/repro.bin" >/dev/null 2>&1 || rc=$?
		[ $rc -eq 1 ] || fail "lparsec-repro $g/repro.bin exited $rc"
	done
	# The report shows both findings, with their titles and the commands that replay them.
	local f
	for f in report.html report.json summary.md; do
		[ -s "$dir/$f" ] || fail "$dir/$f missing"
	done
	/usr/bin/python3 - "$dir" "$RETARGET" "$WRITEPROT" <<'EOF'
import html, json, os, sys
out, *titles = sys.argv[1:]
r = json.load(open(os.path.join(out, "report.json")))
got = sorted(f["title"] for f in r["findings"])
if got != sorted(titles):
    sys.exit(f"FAIL: report.json findings {got}")
page = open(os.path.join(out, "report.html")).read()
summary = open(os.path.join(out, "summary.md")).read()
for t in titles:
    if html.escape(t, quote=False) not in page:
        sys.exit(f"FAIL: report.html does not show {t!r}")
    if t.split(":")[1].strip().split()[0] not in summary:
        sys.exit(f"FAIL: summary.md does not show {t!r}")
if page.count("./lparsec repro") < 2:
    sys.exit("FAIL: report.html lacks the replay commands")
EOF
}

# ---- libFuzzer, with --promote
rc=0
./lparsec campaign --minutes 0.5 --targets hpt --engine libfuzzer --jobs 1 --promote --out "$tmp/lf" \
	>"$tmp/lf.out" 2>"$tmp/lf.err" || rc=$?
cat "$tmp/lf.out"
[ $rc -eq 1 ] || { tail -20 "$tmp/lf.err"; fail "libfuzzer campaign exited $rc, not 1"; }
check_campaign "$tmp/lf" libfuzzer new
grep -q "matrix: [0-9]* of [0-9]* hcall x return code cells reached so far" "$tmp/lf.out" "$tmp/lf.err" ||
	fail "the matrix was not refreshed after the slice"
grep -q "2 finding group(s): 1 new, 1 known, 0 flaky" "$tmp/lf.out" || fail "summary line"
# Promotion: the new title only, and the promoted file replays with its verdict.
new_slug=$(basename "$(grep -l '"known": false' "$tmp"/lf/findings/*/finding.json | xargs dirname)")
[ -f "$regs/$new_slug.txt" ] || fail "$new_slug not promoted"
cmp -s "$regs/$new_slug.txt" "$tmp/lf/findings/$new_slug/repro.txt" || fail "promoted file differs from repro.txt"
[ "$(ls "$regs" | wc -l)" -eq "$(($(ls corpora/regressions | wc -l) + 2))" ] || fail "promoted more than one file"
grep -q "\"promoted\": \"$regs/$new_slug.txt\"" "$tmp/lf/findings/$new_slug/finding.json" || fail "promoted path"
mkdir "$tmp/promoted"
cp "$regs/$new_slug.txt" "$tmp/promoted/"
tools/check-corpora.sh "$LPARSEC_BUILD_ROOT/dev/lparsec-repro" "$tmp/promoted" >/dev/null ||
	fail "the promoted regression does not replay with its recorded verdict"

# ---- AFL++ (one -M instance); its crash inputs join the same groups. Both
# titles are known now (one was promoted above): nothing new, exit 0.
rc=0
./lparsec campaign --minutes 0.3 --targets hpt --engine afl --jobs 1 --out "$tmp/afl" \
	>"$tmp/afl.out" 2>"$tmp/afl.err" || rc=$?
cat "$tmp/afl.out"
[ $rc -eq 0 ] || { tail -20 "$tmp/afl.err"; fail "afl campaign exited $rc, not 0"; }
check_campaign "$tmp/afl" afl known
grep -q "2 finding group(s): 0 new, 2 known, 0 flaky" "$tmp/afl.out" || fail "summary line"
ls "$tmp"/afl/afl/hpt/main/crashes/id:* >/dev/null || fail "AFL++ saved no crash"
afl_inputs=$(/usr/bin/python3 -c "
import json, sys
t = json.load(open(sys.argv[1]))
print(sum(1 for v in t.values() if v != 'unreproducible'))" "$tmp/afl/triaged.json")
[ "$afl_inputs" -ge 3 ] || fail "only $afl_inputs triaged inputs in the AFL++ campaign"
echo "PASS"
