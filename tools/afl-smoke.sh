#!/usr/bin/env bash
# Proves the AFL++ side works end to end: builds every target with
# afl-clang-fast (preset "afl", build/afl), then fuzzes hcall_seq for a few
# seconds in persistent mode with the structure-aware custom mutator and
# requires executions and no finding.
#
#   tools/afl-smoke.sh [SECONDS]        (default 5)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-5}

cmake --preset afl >/dev/null
cmake --build --preset afl >/dev/null
for t in $(sed -e 's/#.*//' fuzz/targets.txt | awk 'NF { print $1 }'); do
	[ -x "build/afl/fuzz/afl-$t" ] || { echo "afl-smoke: build/afl/fuzz/afl-$t was not built"; exit 1; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
env -u ASAN_OPTIONS -u UBSAN_OPTIONS \
	AFL_CUSTOM_MUTATOR_LIBRARY="$PWD/build/afl/fuzz/lparsec-afl-mutator.so" \
	AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
	afl-fuzz -V "$seconds" -i build/afl/corpora/hcall_seq -o "$out" -x fuzz/hcall_seq.dict \
	-- build/afl/fuzz/afl-hcall_seq >"$out/afl.log" 2>&1 || { tail -20 "$out/afl.log"; exit 1; }
stats=$out/default/fuzzer_stats
execs=$(sed -n 's/^execs_done *: *//p' "$stats")
crashes=$(sed -n 's/^saved_crashes *: *//p' "$stats")
echo "afl-smoke: hcall_seq ${seconds} s: ${execs} execs, ${crashes} crashes"
[ "${execs:-0}" -gt 0 ] && [ "${crashes:-1}" -eq 0 ]
