#!/usr/bin/env bash
# fuzz smoke (ctest fuzz.<target>.smoke): a bounded, seeded libFuzzer run from
# the binary seeds; new inputs go to a scratch directory so the corpus stays as
# built. Exit status: libFuzzer's (0 = no violation, no sanitizer report).
#   smoke.sh FUZZER SCRATCH_DIR SEED_DIR RUNS
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: smoke.sh FUZZER SCRATCH_DIR SEED_DIR RUNS" >&2; exit 2; }
fuzzer=$1 scratch=$2 seeds=$3 runs=$4
[ -d "$seeds" ] && [ -n "$(ls -A "$seeds")" ] || { echo "smoke: no seeds in $seeds" >&2; exit 2; }
rm -rf "$scratch"
mkdir -p "$scratch/corpus"
exec "$fuzzer" -runs="$runs" -seed=1 -max_len=5465 -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$scratch/" "$scratch/corpus" "$seeds"
