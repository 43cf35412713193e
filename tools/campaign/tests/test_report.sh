#!/usr/bin/env bash
# campaign.report: `./lparsec report DIR` on a hand-made campaign directory.
#
#   - a campaign with stats (one CSV cut short in its last line, as a killed
#     campaign leaves it; one with its header only), two findings (one new
#     invariant violation, one known + flaky sanitizer crash whose title needs
#     HTML escaping) and a corpus of real binary seeds: report.html,
#     report.json and summary.md are written; report.json has the findings,
#     the time series without the cut line, and llvm-cov coverage of
#     hv/core/hpt.c measured from the corpus; report.html is self-contained
#     (inline SVG plots, no http reference, no script) and escaped;
#   - coverage is measured again only when the corpus is newer than it;
#   - --no-coverage on a campaign without coverage says so;
#   - an empty campaign (no stats, no findings, no corpus) reports that;
#   - a corrupt campaign.json and a directory that is not a campaign: exit 2
#     with a message naming them.
set -euo pipefail

root=${LPARSEC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
build=${LPARSEC_BUILD_ROOT:-$root/build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lparsec-report-test.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
py() { /usr/bin/python3 - "$@"; }

# ---- the binary seeds the dev build makes from corpora/<target>/*.txt
if [ ! -d "$build/dev/corpora/hpt" ] || [ ! -d "$build/dev/corpora/tce" ]; then
	echo "report: building the binary seed corpora (build/dev, target lparsec-corpora)"
	(cd "$root" && cmake --preset dev -B "$build/dev" >/dev/null && cmake --build "$build/dev" --target lparsec-corpora >/dev/null)
fi

# ---- a campaign directory, as `./lparsec campaign --out DIR` leaves it
camp=$tmp/camp
mkdir -p "$camp/stats" "$camp/corpus/hpt" "$camp/corpus/tce"
cat >"$camp/campaign.json" <<'EOF'
{
  "version": 1,
  "started": "2026-11-26T02:00:00Z",
  "config": {"minutes": 10, "jobs": 2, "engine": "both", "targets": ["hpt", "tce"]},
  "elapsed_s": 600.0,
  "slices": {"hpt": {"done_s": 300.0, "planned_s": 300.0}, "tce": {"done_s": 300.0, "planned_s": 300.0}},
  "status": "done",
  "totals": {"hpt": {"libfuzzer": {"execs": 900000, "execs_per_s": 3100, "coverage": 1450, "corpus": 41},
                     "afl": {"execs": 1800000, "execs_per_s": 6000, "coverage": 900, "corpus": 57}}},
  "new_findings": ["i9-stale-translation-survived-its-hpte-was-remo-0badc0de"]
}
EOF
# the libFuzzer series ends in a line cut short (no newline): it must not count
printf 'elapsed_s,execs,execs_per_s,coverage,corpus,findings\n5,15000,3000,1000,6,0\n10,30500,3100,1200,10,0\n15,46000,3100,1450,12,1\n20,61' \
	>"$camp/stats/hpt-libfuzzer.csv"
printf 'elapsed_s,execs,execs_per_s,coverage,corpus,findings\n5,30000,6000,500,6,0\n10,60000,6000,700,9,0\n15,90000,6000,900,11,0\n' \
	>"$camp/stats/hpt-afl.csv"
printf 'elapsed_s,execs,execs_per_s,coverage,corpus,findings\n' >"$camp/stats/tce-libfuzzer.csv"

title='I9: stale translation survived: its HPTE was removed or retargeted'
slug=i9-stale-translation-survived-its-hpte-was-remo-0badc0de
f=$camp/findings/$slug
mkdir -p "$f/inputs"
cat >"$f/finding.json" <<EOF
{
  "title": "$title",
  "invariant": "I9", "kind": "violation", "target": "hpt", "engine": "libfuzzer",
  "first_seen": "2026-11-26T02:03:04Z", "first_seen_elapsed_s": 184.0,
  "count": 7, "inputs": ["da39a3ee5e6b4b0d3255bfef95601890afd80709"],
  "flaky": false, "reproduced": "3/3", "minimised": true, "ops_before": 41, "ops_after": 3,
  "known": false, "repro_command": "./lparsec repro DIR/findings/$slug/repro.txt", "promoted": null
}
EOF
{ echo "# expect: I9"; cat "$root/corpora/hpt/01_lifecycle.txt"; } >"$f/repro.txt"
first_op=$(grep -m1 '^p0.v0 ' "$root/corpora/hpt/01_lifecycle.txt")

asan='ASan heap-buffer-overflow in hv_tce_store < h_put_tce < hv_enter'
g=$camp/findings/asan-heap-buffer-overflow-in-hv-tce-store-h-put-t-12345678
mkdir -p "$g"
cat >"$g/finding.json" <<EOF
{"title": "$asan", "invariant": null, "kind": "sanitizer", "target": "tce", "engine": "afl",
 "first_seen": "2026-11-26T02:07:00Z", "first_seen_elapsed_s": 420.0, "count": 1, "inputs": [],
 "flaky": true, "reproduced": "1/3", "minimised": false, "known": true, "promoted": null}
EOF
cp "$root/corpora/tce/$(ls "$root/corpora/tce" | head -1)" "$g/repro.txt"

ls "$build/dev/corpora/hpt"/*.bin | head -3 | xargs cp -t "$camp/corpus/hpt"
ls "$build/dev/corpora/tce"/*.bin | head -2 | xargs cp -t "$camp/corpus/tce"

# ---- the report
rc=0
"$root/lparsec" report "$camp" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$tmp/out" "$tmp/err" >&2; fail "report exited $rc on a good campaign"; }
for n in report.html report.json summary.md coverage/coverage.json plots/hpt-execs_per_s.svg plots/hpt-coverage.svg; do
	[ -s "$camp/$n" ] || fail "$n was not written"
done
grep -qF 'stats/hpt-libfuzzer.csv: 1 incomplete line(s) ignored' "$tmp/err" || fail "the cut CSV line is not reported"

py "$camp/report.json" "$title" "$asan" "$slug" "$first_op" <<'EOF'
import json, sys
path, title, asan, slug, first_op = sys.argv[1:]
r = json.load(open(path))
def check(cond, what):
    if not cond:
        sys.exit(f"FAIL: report.json: {what}")
fs = r["findings"]
check([f["title"] for f in fs] == [title, asan], f"finding titles {[f['title'] for f in fs]}")
f = fs[0]
check(f["invariant"] == "I9" and f["kind"] == "violation", f"invariant/kind {f['invariant']} {f['kind']}")
check((f["target"], f["engine"], f["count"], f["reproduced"]) == ("hpt", "libfuzzer", 7, "3/3"), "where/count/reproduced")
check(f["first_seen"] == "2026-11-26T02:03:04Z" and f["first_seen_elapsed_s"] == 184.0, "first seen")
check(f["new"] is True and f["known"] is False and f["flaky"] is False, "new/known/flaky of the I9 finding")
check(f["reproducer"].startswith("# expect: I9\n") and first_op in f["reproducer"], "reproducer text inline")
check(f["replay_command"].startswith("./lparsec repro /") and
      f["replay_command"].endswith(f"/findings/{slug}/repro.txt"), f"replay command {f['replay_command']}")
g = fs[1]
check(g["invariant"] is None and g["known"] is True and g["flaky"] is True and g["new"] is False, "the ASan finding")
check(r["totals"]["findings"] == {"total": 2, "new": 1, "known": 1, "flaky": 1, "earlier": 0, "fixed": 0,
                                  "still_firing": 0}, f"totals {r['totals']['findings']}")
check(r["totals"]["execs"] == 2700000 and r["totals"]["duration_s"] == 600.0, "total execs / duration")
hpt = r["targets"]["hpt"]
check(sorted(hpt) == ["afl", "libfuzzer"], f"hpt engines {sorted(hpt)}")
lf = hpt["libfuzzer"]
check(lf["execs"] == 900000 and lf["execs_per_s"] == 3100 and lf["coverage"] == 1450, "hpt libfuzzer totals")
check(lf["series"]["elapsed_s"] == [5, 10, 15] and lf["series"]["execs"] == [15000, 30500, 46000],
      f"hpt libfuzzer series {lf['series']}")
check(lf["dropped_lines"] == 1 and lf["samples"] == 3, "the cut line is dropped")
check(hpt["afl"]["series"]["coverage"] == [500, 700, 900], "hpt afl series")
check(r["targets"]["tce"]["libfuzzer"]["samples"] == 0, "tce header-only CSV")
c = r["coverage"]
check(c["status"] == "ok", f"coverage status {c.get('status')}: {c.get('message')}")
h = c["files"].get("hv/core/hpt.c")
check(h is not None and h["lines"]["covered"] > 0 and h["functions"]["covered"] > 0, f"hv/core/hpt.c coverage {h}")
check(all(p.startswith("hv/core/") for p in c["files"]), "only hv/core files")
t = c["total"]["lines"]
check(0 < t["covered"] <= t["count"], f"total lines {t}")
check(c["targets"]["hpt"]["inputs"] == 3 and c["targets"]["tce"]["inputs"] == 2, "inputs replayed per target")
# The lines no input ran, with their source: no seed of hpt or tce calls H_RTAS, so h_rtas's first test is there.
missed = [l for a, b, lines in c["uncovered"].get("hv/core/rtas.c", []) for l in lines]
check(any("block_owned(c->m, c->p, r.block, RTAS_BLOCK)" in l for l in missed), "h_rtas among the lines never run")
check(all(p.startswith("hv/core/") for p in c["uncovered"]), "uncovered lines of hv/core only")
check(not any(l.lstrip().startswith("#") for rs in c["uncovered"].values() for a, b, ls in rs for l in ls),
      "no preprocessor lines among the lines never run")
print(f"report.json ok: hv/core lines {t['covered']}/{t['count']} ({t['percent']} %)")
EOF

html=$camp/report.html
grep -qF "$title" "$html" || fail "report.html lacks the finding title"
grep -qF 'ASan heap-buffer-overflow in hv_tce_store &lt; h_put_tce &lt; hv_enter' "$html" || fail "title not escaped"
grep -qF "$asan" "$html" && fail "an unescaped '<' reached report.html"
grep -qF "./lparsec repro " "$html" || fail "report.html lacks the replay command"
grep -qF "$first_op" "$html" || fail "report.html lacks the reproducer"
[ "$(grep -c '<svg' "$html")" -eq 2 ] || fail "report.html should hold 2 inline SVG plots (hpt), has $(grep -c '<svg' "$html")"
grep -qi 'http' "$html" && fail "report.html references something over http: $(grep -oi '[^ ]*http[^ ]*' "$html" | head -3)"
grep -qi '<script\|<link\|<img\|<iframe\|@import' "$html" && fail "report.html loads something"
grep -qF 'hv/core/hpt.c' "$html" || fail "report.html lacks the coverage table"
grep -q '<details><summary>hv/core/rtas.c: [0-9]* line(s) never run</summary>' "$html" ||
	fail "report.html lacks the lines never run"

md=$camp/summary.md
grep -qF '| target | engine | execs | execs/s (last) | execs/s (mean) | coverage | corpus | findings |' "$md" ||
	fail "summary.md lacks the target table"
grep -qF '| hpt | libFuzzer | 900,000 | 3,100 | 3,067 | 1,450 | 41 | 1 |' "$md" || fail "summary.md hpt/libFuzzer row"
grep -qF "replay: \`./lparsec repro " "$md" || fail "summary.md lacks the replay command"
grep -qF '| hv/core/hpt.c |' "$md" || fail "summary.md lacks the coverage table"
grep -qF '**1 new finding(s)**, 1 known, 1 flaky' "$md" || fail "summary.md totals"

# ---- coverage is measured again only when the corpus changed
before=$(stat -c %Y.%y "$camp/coverage/coverage.json")
sleep 1
"$root/lparsec" report "$camp" >/dev/null 2>"$tmp/err2" || fail "second report failed"
[ "$(stat -c %Y.%y "$camp/coverage/coverage.json")" = "$before" ] || fail "coverage re-measured with an unchanged corpus"
grep -q '^coverage: ' "$tmp/err2" && fail "coverage ran again with an unchanged corpus"
ls "$build/dev/corpora/hpt"/*.bin | tail -1 | xargs cp -t "$camp/corpus/hpt"
"$root/lparsec" report "$camp" --no-coverage >/dev/null 2>&1 || fail "--no-coverage report failed"
[ "$(stat -c %Y.%y "$camp/coverage/coverage.json")" = "$before" ] || fail "--no-coverage measured coverage"
grep -qF 'older than the corpus' "$camp/report.html" || fail "a stale coverage is not flagged"
"$root/lparsec" report "$camp" >/dev/null 2>"$tmp/err3" || fail "third report failed"
[ "$(stat -c %Y.%y "$camp/coverage/coverage.json")" != "$before" ] || fail "coverage not re-measured after the corpus grew"
py "$camp/report.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["coverage"]
if c["targets"]["hpt"]["inputs"] != 4:
    sys.exit(f"FAIL: re-measured coverage: hpt inputs {c['targets']['hpt']['inputs']}, expected 4")
EOF

# ---- an empty campaign: no stats, no findings, no corpus
empty=$tmp/empty
mkdir -p "$empty"
echo '{"version": 1, "started": "2026-11-26T02:00:00Z", "config": {"targets": ["hpt"]}, "status": "running"}' \
	>"$empty/campaign.json"
"$root/lparsec" report "$empty" >/dev/null 2>&1 || fail "report of an empty campaign failed"
grep -qF 'No statistics yet' "$empty/report.html" || fail "empty campaign: no 'No statistics yet' in report.html"
grep -qF 'No findings' "$empty/report.html" || fail "empty campaign: no 'No findings' in report.html"
grep -qF 'No statistics yet' "$empty/summary.md" || fail "empty campaign: summary.md"
py "$empty/report.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
if r["findings"] != [] or r["totals"]["execs"] != 0 or r["coverage"]["status"] != "missing":
    sys.exit(f"FAIL: empty campaign report.json: {r['totals']} {r['coverage']}")
EOF

# ---- a corrupt campaign.json: exit 2 naming the file, nothing written
bad=$tmp/bad
mkdir -p "$bad"
printf '{"version": 1, "status": "runn' >"$bad/campaign.json"
rc=0
"$root/lparsec" report "$bad" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || fail "corrupt campaign.json: exit $rc, expected 2"
grep -qF "$bad/campaign.json: corrupt" "$tmp/err" || fail "corrupt campaign.json not named: $(cat "$tmp/err")"
[ ! -e "$bad/report.html" ] || fail "a report was written for a corrupt campaign"

# ---- a directory that is not a campaign, and no directory at all
rc=0
"$root/lparsec" report "$tmp/notcamp" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || fail "missing directory: exit $rc, expected 2"
mkdir -p "$tmp/notcamp/stats"
rc=0
"$root/lparsec" report "$tmp/notcamp" >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] || fail "not a campaign: exit $rc, expected 2"
grep -qF "$tmp/notcamp is not a campaign directory" "$tmp/err" || fail "not a campaign: message $(cat "$tmp/err")"
[ ! -e "$tmp/notcamp/report.html" ] || fail "a report was written in a directory that is not a campaign"

echo "report: all checks passed"
