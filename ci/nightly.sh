#!/usr/bin/env bash
# The nightly fuzz campaign: every target, both engines, every core, for
# LPARSEC_NIGHTLY_MINUTES (default 480: a night) into LPARSEC_NIGHTLY_OUT
# (default build/nightly). The output directory is kept from night to night:
# its corpus grows, known findings stay grouped, and a killed run resumes.
# A finished night makes way for the next (its campaign.json goes to
# history/), and each night leaves a record there (reports/history.py)
# from which the report says what changed since the night before.
# Extra arguments go to `./lparsec campaign` (e.g. --promote).
#
# Exit status: the campaign's (0 nothing new, 1 new findings, 2 tool error).
# On CI with job summaries ($GITHUB_STEP_SUMMARY), summary.md is appended.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

minutes=${LPARSEC_NIGHTLY_MINUTES:-480}
out=${LPARSEC_NIGHTLY_OUT:-build/nightly}
rc=0
if [ -f "$out/campaign.json" ]; then
	/usr/bin/python3 reports/history.py archive "$out"
fi
./lparsec campaign --minutes "$minutes" --out "$out" "$@" || rc=$?
if [ $rc -ne 2 ]; then
	# This night's record, then the report again with the nights in it.
	/usr/bin/python3 reports/history.py record "$out" && ./lparsec report "$out" >/dev/null || rc=2
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/summary.md" ]; then
	cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
echo "nightly: report $out/report.html (summary $out/summary.md), campaign exit $rc"
exit "$rc"
