#!/usr/bin/env bash
# campaign.nightly: three real nights of ci/nightly.sh in one kept directory,
# the story a hypervisor team lives through: a bug lands, the night finds it,
# it is fixed.
#
#   night 1  the normal build: nothing found, exit 0;
#   night 2  the deliberately broken build (single-entry TLB flushes dropped,
#            planted.sh): the two I9 titles are new findings, exit 1;
#   night 3  the normal build again: nothing new (exit 0); night 2's groups
#            stay in findings/ but their reproducers, replayed on this build,
#            no longer fire -- they vanish from the night.
#
# Each night leaves its record in history/ (execs, coverage, the matrix's
# cells, the findings that fired); the report of the last night shows the
# matrix with what was never reached, the oracles' counts, the findings of
# night 2 as "no longer fires", what changed since night 2, the table and the
# plots of the three nights -- one self-contained page, nothing loaded from
# elsewhere. The job summary ($GITHUB_STEP_SUMMARY) gets each night's.
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
cd "$ROOT"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/planted.sh"

out=$tmp/nightly
cp -r corpora/regressions "$tmp/regressions"  # known titles: the project's, never written to
export LPARSEC_REGRESSIONS_DIR=$tmp/regressions LPARSEC_NIGHTLY_OUT=$out LPARSEC_NIGHTLY_MINUTES=0.2
export GITHUB_STEP_SUMMARY=$tmp/step-summary.md
NIGHT_ARGS=(--targets hpt --engine libfuzzer --jobs 1)
RETARGET="I9: stale translation survived: its HPTE was removed or retargeted"
WRITEPROT="I9: stale writable translation survived a write protection"

# night N WANT_RC [env...]: one run of ci/nightly.sh; its output in $tmp/nightN.log.
night() {
	local n=$1 want=$2 rc=0
	shift 2
	env "$@" ci/nightly.sh "${NIGHT_ARGS[@]}" >"$tmp/night$n.log" 2>&1 || rc=$?
	grep -q Traceback "$tmp/night$n.log" && { cat "$tmp/night$n.log" >&2; fail "night $n: a traceback"; }
	[ $rc -eq "$want" ] || { tail -30 "$tmp/night$n.log" >&2; fail "night $n exited $rc, not $want"; }
	grep -q "^nightly: report $out/report.html (summary $out/summary.md), campaign exit $want$" "$tmp/night$n.log" ||
		fail "night $n: no closing line"
	echo "night $n: exit $rc, $(ls "$out"/history/2*Z.json | wc -l) night record(s)"
}

night 1 0 -u LPARSEC_CMAKE_ARGS
night 2 1 LPARSEC_BUILD_ROOT="$PLANTED_BUILD_ROOT" LPARSEC_CMAKE_ARGS="$PLANTED_CMAKE_ARGS"
grep -q "2 finding group(s): 2 new, 0 known, 0 flaky" "$tmp/night2.log" || fail "night 2: summary line"
night 3 0 -u LPARSEC_CMAKE_ARGS
grep -q "2 finding group(s): 0 new, 0 known, 2 from earlier campaigns (0 still fire), 0 flaky" "$tmp/night3.log" ||
	{ grep "finding group" "$tmp/night3.log" >&2; fail "night 3: summary line"; }
[ "$(grep -c "^  \[earlier, no longer fires\] I9: " "$tmp/night3.log")" -eq 2 ] || fail "night 3: the groups' tags"

/usr/bin/python3 - "$out" "$RETARGET" "$WRITEPROT" "$GITHUB_STEP_SUMMARY" <<'EOF'
import glob, json, os, re, sys
out, retarget, writeprot, step = sys.argv[1:]
def fail(msg):
    sys.exit(f"FAIL: {msg}")
both = sorted([retarget, writeprot])

# The three records, oldest first, and the two archived campaigns.
recs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "history", "2*Z.json")))]
if len(recs) != 3 or len(glob.glob(os.path.join(out, "history", "campaign-*.json"))) != 2:
    fail(f"history: {sorted(os.listdir(os.path.join(out, 'history')))}")
n1, n2, n3 = recs
if not (n1["night"] < n2["night"] < n3["night"]):
    fail(f"nights out of order: {[r['night'] for r in recs]}")
for i, r in enumerate(recs, 1):
    if r["execs"] <= 0 or not r["coverage_lines_pct"] or r["reached"] < 10 or r["cells"] < r["reached"] \
            or "H_ENTER H_SUCCESS" not in r["reached_cells"]:
        fail(f"night {i}: execs {r['execs']}, coverage {r['coverage_lines_pct']}, cells {r['reached']}/{r['cells']}")
want = [([], [], []), (both, both, []), ([], [], both)]
for i, (r, (fired, new, gone)) in enumerate(zip(recs, want), 1):
    if (r["findings"], r["new_findings"], r["no_longer_firing"]) != (fired, new, gone):
        fail(f"night {i}: fired {r['findings']}, new {r['new_findings']}, no longer {r['no_longer_firing']}")

# Night 3's campaign: the earlier groups replayed, none new.
st = json.load(open(os.path.join(out, "campaign.json")))
slugs = sorted(os.listdir(os.path.join(out, "findings")))
if st["new_findings"] != [] or sorted(st["findings_before"]) != slugs or st["earlier_findings"] != {s: False for s in slugs}:
    fail(f"night 3 state: new {st['new_findings']}, before {st['findings_before']}, rechecked {st['earlier_findings']}")

# The report of night 3.
rep = json.load(open(os.path.join(out, "report.json")))
fnd = rep["totals"]["findings"]
if (fnd["new"], fnd["earlier"], fnd["fixed"], fnd["still_firing"]) != (0, 2, 2, 0):
    fail(f"report.json findings totals {fnd}")
if sorted((f["title"], f["earlier"], f["fires_now"]) for f in rep["findings"]) != [(t, True, False) for t in both]:
    fail(f"report.json findings {[(f['title'], f['earlier'], f['fires_now']) for f in rep['findings']]}")
c = rep["history"]["changes"]
if (c["from"], c["new_findings"], c["vanished_findings"]) != (n2["night"], [], both):
    fail(f"changes since night 2: {c}")
mx = rep["matrix"]
if not mx or not mx["never"] or mx["reached"] < 10 or mx["invariants"][[i["inv"] for i in mx["invariants"]].index("I9")]["checks"] < 1:
    fail(f"matrix: {mx and {k: mx[k] for k in ('reached', 'cells')}}")
md = open(os.path.join(out, "summary.md")).read()
esc = lambda s: s.replace("_", "\\_")
for needle in ["### Night over night", f"Since {n2['night']}: new findings: none; vanished: {esc(both[0])}, {esc(both[1])}",
               "### Hcall × return code", "| I9 |", "from an earlier night, no longer fires (fixed?)",
               "0 new finding(s)**, 0 known, 2 from earlier nights (0 still fire, 2 no longer)"]:
    if needle not in md:
        fail(f"summary.md lacks {needle!r}")
if len(re.findall(r"^\| 20\d\d-\d\d-\d\dT[0-9:]+Z \|", md, re.M)) != 3:
    fail("summary.md: not a row per night")
page = open(os.path.join(out, "report.html")).read()
for kind in ("reach", "findings", "execs"):
    svg = open(os.path.join(out, "plots", f"history-{kind}.svg")).read()
    if "<svg" not in svg:
        fail(f"plots/history-{kind}.svg is not an SVG")
night_figs = re.findall(r"<figure><svg.*?</svg></figure>", page.split("<h2>Night over night</h2>", 1)[-1], re.S)
if len(night_figs) != 3 or "findings by night" not in night_figs[1]:
    fail(f"report.html: {len(night_figs)} plots of the nights")
if "no longer fires" not in page or "Never reached" not in page and "never reached" not in page:
    fail("report.html: the fixed findings or the never-reached cells")
# Opens from disk with no server: nothing fetched from elsewhere.
ext = re.findall(r"""(?:src|href)\s*=\s*["'](?!#)[^"']+|url\((?!#)[^)]+\)|@import""", page)
if ext or "<script" in page:
    fail(f"report.html loads from elsewhere: {ext[:3]}")
# The job summary has each night's.
if open(step).read().count("## lparsec campaign report") != 3:
    fail("GITHUB_STEP_SUMMARY: not three nights appended")
print(f"history: {[(r['night'], r['execs'], r['coverage_lines_pct'], r['reached'], len(r['findings'])) for r in recs]}")
EOF
echo "campaign.nightly: three nights -- clean, a planted bug found, fixed -- recorded, compared and plotted"
