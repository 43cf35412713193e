#!/usr/bin/env bash
# Replays every text program under the given directories with lparsec-repro
# (thorough checks) and compares its verdict with the one the file expects:
# a line "# expect: I7" (or "clean", the default for seeds), and optional
# extra repro flags on a line "# repro-flags: --backdoor".
#
#   tools/check-corpora.sh REPRO_BINARY DIR...
# Flags in $LPARSEC_REPRO_FLAGS go to every run (e.g. "--caps emu": the
# machines report what the Unicorn engine's do; verdicts must not change).
# Exit 0 when every verdict matches, 1 otherwise, 2 on usage errors.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 REPRO_BINARY DIR..." >&2; exit 2; }
repro=$1
shift
[ -x "$repro" ] || { echo "check-corpora: $repro is not executable" >&2; exit 2; }

total=0 bad=0
for dir in "$@"; do
	for f in "$dir"/*.txt; do
		[ -e "$f" ] || continue
		total=$((total + 1))
		expect=$(sed -n 's/^# expect: *//p' "$f" | head -1)
		expect=${expect:-clean}
		read -r -a flags <<<"$(sed -n 's/^# repro-flags: *//p' "$f" | head -1)"
		rc=0
		read -r -a extra <<<"${LPARSEC_REPRO_FLAGS:-}"
		out=$("$repro" "${extra[@]}" "${flags[@]}" "$f" 2>&1) || rc=$?
		got=clean
		if [ $rc -eq 1 ]; then
			got=$(printf '%s\n' "$out" | sed -n 's/.*: VIOLATION \(I[0-9]*\) .*/\1/p' | tail -1)
		elif [ $rc -ne 0 ]; then
			got="error (exit $rc)"
		fi
		if [ "$got" != "$expect" ]; then
			bad=$((bad + 1))
			echo "MISMATCH $f: expected $expect, got $got"
			printf '%s\n' "$out" | tail -3 | sed 's/^/    /'
		fi
	done
done
echo "corpora: $total programs, $((total - bad)) with the expected verdict"
echo "$((total - bad)) passed, $bad failed"
[ $bad -eq 0 ]
