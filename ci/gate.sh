#!/usr/bin/env bash
# CI entry of the release gate: the whole test suite, every corpora program
# with its recorded verdict, 60 s of libFuzzer per target, the QEMU boot suite
# once it exists. Reports stay under build/gate/ for the CI job to collect:
#   build/gate/junit.xml      test report (one testsuite per step)
#   build/gate/results.sarif  findings (code scanning), reproducers in build/gate/findings/
#   build/gate/summary.md     one table, for the job summary
# Extra arguments go to the gate and win over these defaults (e.g. --strict,
# --fuzz-seconds 300). Exit status: the gate's (0 pass, 1 fail, 2 tool error).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEFAULT_OUT=$ROOT/build/gate

# An --out among the arguments moves the reports: say where they really are.
OUT=$DEFAULT_OUT prev=
for a in "$@"; do
	if [ "$prev" = --out ]; then OUT=$a; fi
	case "$a" in --out=*) OUT=${a#--out=} ;; esac
	prev=$a
done

rc=0
"$ROOT/lparsec" gate --fuzz-seconds 60 --out "$DEFAULT_OUT" "$@" || rc=$?
if [ -f "$OUT/junit.xml" ]; then
	echo "ci/gate.sh: JUnit $OUT/junit.xml"
	echo "ci/gate.sh: SARIF $OUT/results.sarif"
	echo "ci/gate.sh: summary $OUT/summary.md"
fi
exit $rc
