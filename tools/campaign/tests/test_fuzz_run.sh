#!/usr/bin/env bash
# campaign.fuzz_run: ./lparsec fuzz run, the one-target run people use to
# measure a change and to try a target. A run from the seeds prints its
# figures, loads the options of fuzz/TARGET.options and leaves its grown
# corpus on disk, none in RAM; --resume starts from that corpus, keeps what
# the directory holds and appends to the log; a directory holding an earlier
# finding is never emptied; bad usage is exit 2.
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
cd "$ROOT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_usage_error PATTERN ARGS...: ./lparsec fuzz run ARGS exits 2, its stderr matching PATTERN.
expect_usage_error() {
	local pattern=$1 rc=0
	shift
	./lparsec fuzz run "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ $rc -eq 2 ] || { cat "$tmp/err" >&2; fail "fuzz run $* exited $rc, not 2"; }
	grep -qE -- "$pattern" "$tmp/err" || { cat "$tmp/err" >&2; fail "fuzz run $*: no '$pattern'"; }
	echo "ok: fuzz run $* -> exit 2: $(grep -E -- "$pattern" "$tmp/err" | head -1)"
}

shm_left() { { ls -d /dev/shm/lparsec-fuzz-dispatch.* 2>/dev/null || true; } | wc -l; }
shm_before=$(shm_left)

# ---- from the seeds
rc=0
./lparsec fuzz run dispatch --seconds 4 --out "$tmp/r" >"$tmp/out1" 2>"$tmp/err1" || rc=$?
[ $rc -eq 0 ] || { cat "$tmp/err1" "$tmp/out1" >&2; fail "run from the seeds exited $rc"; }
grep -qE '^fuzz: dispatch libfuzzer 4 s: [0-9]+ execs, [0-9]+ execs/s of [0-9.]+ operations per program, corpus [0-9]+ inputs$' \
	"$tmp/out1" || { cat "$tmp/out1" >&2; fail "no figures line"; }
grep -q '^fuzz: dispatch libfuzzer: no violation$' "$tmp/out1" || fail "no verdict line"
nseeds=$(ls build/dev/corpora/dispatch | wc -l)
n1=$(ls "$tmp/r/corpus" | wc -l)
[ "$n1" -gt "$nseeds" ] || fail "the corpus ($n1 inputs) did not grow past the $nseeds seeds"
ndict=$(grep -vc '^[[:space:]]*\(#\|$\)' fuzz/dispatch.dict)
grep -q "^Dictionary: $ndict entries" "$tmp/r/libfuzzer.log" || fail "fuzz/dispatch.options' dictionary not loaded"
[ "$(shm_left)" -eq "$shm_before" ] || fail "a corpus was left in /dev/shm"
echo "ok: from the seeds: $(grep execs/s "$tmp/out1")"

# ---- resumed: from the grown corpus merged to its minimal subset; an earlier finding and the log stay
echo earlier >"$tmp/r/crash-0123456789abcdef"
first_line=$(head -1 "$tmp/r/libfuzzer.log")
lines1=$(wc -l <"$tmp/r/libfuzzer.log")
rc=0
./lparsec fuzz run dispatch --seconds 3 --out "$tmp/r" --resume >"$tmp/out2" 2>"$tmp/err2" || rc=$?
[ $rc -eq 0 ] || { cat "$tmp/err2" "$tmp/out2" >&2; fail "resumed run exited $rc"; }
m=$(sed -n 's/.*(\([0-9]*\) inputs to start from).*/\1/p' "$tmp/err2")
[ -n "$m" ] && [ "$m" -gt 0 ] && [ "$m" -le "$n1" ] || { cat "$tmp/err2" >&2; fail "resumed run: '$m' inputs to start from, of $n1"; }
grep -qE "^INFO: seed corpus: files: $m " "$tmp/r/libfuzzer.log" || fail "libFuzzer did not load the $m merged inputs"
[ "$(cat "$tmp/r/crash-0123456789abcdef")" = earlier ] || fail "--resume lost the earlier finding"
[ "$(head -1 "$tmp/r/libfuzzer.log")" = "$first_line" ] && [ "$(wc -l <"$tmp/r/libfuzzer.log")" -gt "$lines1" ] ||
	fail "the log was not appended to"
[ "$(grep -c '^fuzz: dispatch libfuzzer 3 s: [0-9]* execs' "$tmp/out2")" -eq 1 ] || fail "no figures of the resumed run"
# merged again at the end: about what libFuzzer held (the merge picks its own subset), not every
# smaller version of the inputs it started from
n2=$(ls "$tmp/r/corpus" | wc -l)
held=$(tail -n +$((lines1 + 1)) "$tmp/r/libfuzzer.log" | grep -oE '^#[0-9]+[[:space:]]+DONE .* corp: [0-9]+' | grep -oE '[0-9]+$')
[ "$n2" -gt 0 ] && [ "$n2" -le $((2 * ${held:-0})) ] ||
	fail "after the resumed run the corpus holds $n2 inputs; libFuzzer ended with ${held:-?}"
[ -z "$(ls -d "$tmp/r/corpus".* 2>/dev/null)" ] || fail "merge leftovers beside the corpus: $(ls -d "$tmp/r/corpus".*)"
echo "ok: resumed: $(grep execs/s "$tmp/out2")"

# ---- a directory holding a finding is not emptied; bad usage
expect_usage_error "holds a finding of an earlier run \(.*crash-0123456789abcdef\)" dispatch --seconds 1 --out "$tmp/r"
[ -f "$tmp/r/crash-0123456789abcdef" ] || fail "the refused run removed the finding"
expect_usage_error "--resume is for libFuzzer" dispatch --engine afl --resume --out "$tmp/a"
expect_usage_error "TARGET must be one of" nope --out "$tmp/n"
expect_usage_error "--seconds needs a positive integer" dispatch --seconds 0 --out "$tmp/n"
echo "fuzz_run: ok"
