#!/usr/bin/env bash
# campaign.history: night over night. A finished campaign is recorded
# (history.py record: execs, coverage, the matrix's reached cells, the
# findings) and archived so that the next night starts anew (its corpus and
# findings stay); with three nights recorded the report says what changed
# since the night before -- a finding new, one vanished, hcall x return code
# cells gained and lost, the coverage delta --, lists and plots every night;
# a corrupt record is skipped with a warning. Errors: exit 2, said.
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
H=(/usr/bin/python3 "$ROOT/reports/history.py")
camp=$tmp/nightly

# Night 1, as a finished campaign leaves it.
mkdir -p "$camp/findings/i9" "$camp/corpus/hpt" "$camp/coverage"
cat > "$camp/campaign.json" <<'EOF'
{"version": 1, "started": "2026-12-01T22:00:00Z", "status": "done", "elapsed_s": 600,
 "config": {"minutes": 10, "jobs": 2, "engine": "both", "targets": ["hpt"], "builds": "mixed"},
 "totals": {"hpt": {"libfuzzer": {"execs": 1000, "execs_per_s": 10, "coverage": 5, "corpus": 3},
                    "afl": {"execs": 500, "execs_per_s": 5, "coverage": 4, "corpus": 2}}},
 "new_findings": ["i9"]}
EOF
echo '{"title": "I9: stale translation survived", "invariant": "I9", "kind": "violation"}' \
	> "$camp/findings/i9/finding.json"
echo '{"total": {"lines": {"percent": 40.5}}, "files": {}}' > "$camp/coverage/coverage.json"
echo '{"cells": 94, "reached": 1, "hcalls": {"merged": {"H_ENTER": {"H_SUCCESS": 3}}}}' > "$camp/matrix.json"
echo prog > "$camp/corpus/hpt/input"

"${H[@]}" record "$camp" | grep -q "history/20261201T220000Z.json" || fail "record: no file named"
/usr/bin/python3 - "$camp/history/20261201T220000Z.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["execs"] == 1500 and r["coverage_lines_pct"] == 40.5 and r["reached"] == 1 and r["cells"] == 94, r
assert r["reached_cells"] == ["H_ENTER H_SUCCESS"], r
assert r["findings"] == ["I9: stale translation survived"] and r["new_findings"] == r["findings"], r
PY
"${H[@]}" archive "$camp" | grep -q "archived the finished night" || fail "archive"
[ ! -e "$camp/campaign.json" ] && [ -f "$camp/history/campaign-20261201T220000Z.json" ] || fail "archive: where"
[ -f "$camp/corpus/hpt/input" ] && [ -f "$camp/findings/i9/finding.json" ] || fail "archive lost the corpus or findings"

# Nights 2 and 3 (recorded as the tool would), night 3 the campaign now there.
cat > "$camp/history/20261202T220000Z.json" <<'EOF'
{"night": "2026-12-02T22:00:00Z", "execs": 2000, "coverage_lines_pct": 41.0, "cells": 94, "reached": 2,
 "reached_cells": ["H_ENTER H_PARAMETER", "H_ENTER H_SUCCESS"],
 "findings": ["I4: free LMB does not read zero", "I9: stale translation survived"],
 "new_findings": ["I4: free LMB does not read zero"]}
EOF
cat > "$camp/history/20261203T220000Z.json" <<'EOF'
{"night": "2026-12-03T22:00:00Z", "execs": 2500, "coverage_lines_pct": 42.25, "cells": 94, "reached": 2,
 "reached_cells": ["H_ENTER H_PARAMETER", "H_REMOVE H_NOT_FOUND"],
 "findings": ["I4: free LMB does not read zero", "I5: dispatched vCPU's registers differ"],
 "new_findings": ["I5: dispatched vCPU's registers differ"]}
EOF
echo '{"night": "broken"' > "$camp/history/20261130T220000Z.json"
sed 's/2026-12-01/2026-12-03/' "$camp/history/campaign-20261201T220000Z.json" > "$camp/campaign.json"
LPARSEC_ROOT=$ROOT /usr/bin/python3 "$ROOT/reports/report.py" "$camp" --no-coverage > "$tmp/out" 2> "$tmp/err" ||
	fail "the report failed: $(cat "$tmp/err")"
grep -q "history: .*20261130T220000Z.json.*skipped" "$tmp/err" || fail "the corrupt record was not said"
md=$camp/summary.md
grep -q "^Since 2026-12-02T22:00:00Z: new findings: I5: dispatched vCPU's registers differ; vanished: I9: stale translation survived; hcall × return code cells gained: H\\\\_REMOVE H\\\\_NOT\\\\_FOUND; lost: H\\\\_ENTER H\\\\_SUCCESS; coverage +1.25 points$" "$md" ||
	{ grep -A2 "Night over night" "$md"; fail "summary.md: the changes since the night before"; }
[ "$(grep -c '^| 2026-12-0[123]T22:00:00Z |' "$md")" -eq 3 ] || fail "summary.md: not three nights"
grep -qx "| 2026-12-03T22:00:00Z | 2,500 | 42.2 % | 2/94 | 2 (1) | 0 |" "$md" &&
	grep -qx "| 2026-12-01T22:00:00Z | 1,500 | 40.5 % | 1/94 | 1 (1) | 0 |" "$md" ||
	{ grep "2026-12-03" "$md"; fail "summary.md: night 3's row"; }
grep -q "<h2>Night over night</h2>" "$camp/report.html" && grep -q "I5: dispatched vCPU&#x27;s registers differ" \
	"$camp/report.html" || fail "report.html: the nights"
# The nights plotted (gnuplot SVG, inline and in plots/), one tic per night with its date.
for k in reach findings execs; do
	grep -q "<svg" "$camp/plots/history-$k.svg" || fail "plots/history-$k.svg"
done
grep -q ">2026-12-02<" "$camp/plots/history-findings.svg" || fail "the findings plot lacks night 2's date"
[ "$(sed -n '/<h2>Night over night<\/h2>/,$p' "$camp/report.html" | grep -o "<figure><svg" | wc -l)" -eq 3 ] ||
	fail "report.html: not three plots of the nights"

# Errors.
rc=0
"${H[@]}" record "$tmp/none" 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "not a campaign directory" "$tmp/err" || fail "record of no campaign: rc $rc"
echo "campaign.history: recorded, archived, three nights compared in the report"
