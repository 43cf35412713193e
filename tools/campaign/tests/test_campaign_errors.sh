#!/usr/bin/env bash
# campaign.campaign_errors: what the user gets wrong or what breaks under the
# campaign is a clear one-line message and exit 2, never a traceback: bad
# options, an output directory that cannot be created, is not writable or is
# full, a corrupt campaign.json or finding.json, a corpus path that is not a
# directory, missing binaries with --no-build, other options than the
# campaign being resumed. A garbage corpus file, on the contrary, is just an
# input.
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
cd "$ROOT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/planted.sh"
use_planted_build
export LPARSEC_REGRESSIONS_DIR=$tmp/regressions
mkdir "$LPARSEC_REGRESSIONS_DIR"

# expect_error PATTERN ARGS...: ./lparsec campaign ARGS exits 2 and its stderr matches PATTERN.
expect_error() {
	local pattern=$1 rc=0
	shift
	./lparsec campaign "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ $rc -eq 2 ] || { cat "$tmp/err" >&2; fail "campaign $* exited $rc, not 2"; }
	grep -qE -- "$pattern" "$tmp/err" || { cat "$tmp/err" >&2; fail "campaign $*: no '$pattern'"; }
	! grep -q Traceback "$tmp/err" || { cat "$tmp/err" >&2; fail "campaign $*: a traceback"; }
	echo "ok: campaign $* -> exit 2: $(grep -E -- "$pattern" "$tmp/err" | head -1)"
}

# ---- options
expect_error "argument --minutes: invalid float value: 'abc'" --minutes abc --out "$tmp/o"
expect_error "--minutes must be a positive number" --minutes 0 --out "$tmp/o"
expect_error "--minutes must be a positive number" --minutes nan --out "$tmp/o"
expect_error "--jobs must be at least 1" --jobs 0 --out "$tmp/o"
expect_error "argument --engine: invalid choice: 'honggfuzz'" --engine honggfuzz --out "$tmp/o"
expect_error "argument --builds: invalid choice: 'turbo'" --builds turbo --out "$tmp/o"
expect_error "--targets: 'hpt,nope' is not a comma-separated list" --targets hpt,nope --out "$tmp/o"
expect_error "--targets: 'hpt,hpt' is not" --targets hpt,hpt --out "$tmp/o"
expect_error "unrecognized arguments: --frobnicate" --frobnicate
[ ! -e "$tmp/o" ] || fail "a bad option still created the output directory"

# ---- output directories that cannot take a campaign. The tests may run as
# root, which ignores permission bits, so the portable cases are a path
# through a regular file, a path in /proc, and a full file system simulated
# with a file-size limit (ulimit -f: writes fail with EFBIG, which is what a
# full disk does to the campaign's writes; Python ignores SIGXFSZ).
touch "$tmp/file"
expect_error "cannot create output directory $tmp/file/c: Not a directory" --out "$tmp/file/c"
expect_error "cannot create output directory /proc/lparsec-campaign" --out /proc/lparsec-campaign
rc=0
(ulimit -f 1 && exec ./lparsec campaign --out "$tmp/full") >"$tmp/out" 2>"$tmp/err" || rc=$?
[ $rc -eq 2 ] || fail "full output directory: exit $rc"
grep -q "output directory $tmp/full is not writable: File too large" "$tmp/err" || fail "full: $(cat "$tmp/err")"
echo "ok: full output directory -> exit 2"
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$tmp/ro"
	chmod 555 "$tmp/ro"
	expect_error "output directory $tmp/ro is not writable: Permission denied" --out "$tmp/ro"
	expect_error "cannot create output directory $tmp/ro/c: Permission denied" --out "$tmp/ro/c"
	chmod 755 "$tmp/ro"
fi

# ---- corrupt state
mkdir "$tmp/cj"
printf '{"version": 1, "config": ' >"$tmp/cj/campaign.json"
expect_error "$tmp/cj/campaign.json: corrupt campaign state \(not JSON" --out "$tmp/cj"
echo '{"version": 1, "config": {}}' >"$tmp/cj/campaign.json"
expect_error "$tmp/cj/campaign.json: corrupt campaign state \(fields missing" --out "$tmp/cj"
mkdir -p "$tmp/fj/findings/x"
echo 'not json' >"$tmp/fj/findings/x/finding.json"
expect_error "$tmp/fj/findings/x/finding.json: corrupt finding \(not JSON" --out "$tmp/fj"
echo '{"title": 3}' >"$tmp/fj/findings/x/finding.json"
expect_error "$tmp/fj/findings/x/finding.json: corrupt finding \(title" --out "$tmp/fj"
mkdir "$tmp/tj"
echo '{"0123": ' >"$tmp/tj/triaged.json"
expect_error "$tmp/tj/triaged.json: corrupt triage record \(not JSON" --out "$tmp/tj"

# ---- missing binaries with --no-build (an empty build root)
LPARSEC_BUILD_ROOT=$tmp/nobuild expect_error "missing $tmp/nobuild/dev/lparsec-repro .*\(run without --no-build\)" \
	--no-build --out "$tmp/nb"

# ---- the corpus of a target is a file (found before any build)
mkdir -p "$tmp/cf/corpus"
echo x >"$tmp/cf/corpus/hpt"
expect_error "$tmp/cf/corpus/hpt: the corpus of hpt is not a directory" --minutes 0.05 --targets hpt --out "$tmp/cf"

# ---- garbage corpus files are inputs like any other: empty, random, oversized, text
# (this builds the planted variant if no test did yet)
mkdir -p "$tmp/g/corpus/hpt"
: >"$tmp/g/corpus/hpt/empty"
head -c 4096 /dev/urandom >"$tmp/g/corpus/hpt/random"
head -c 100000 /dev/zero | tr '\0' '\377' >"$tmp/g/corpus/hpt/ones"
cp corpora/hpt/02_hostile.txt "$tmp/g/corpus/hpt/text"
cmd=(./lparsec campaign --minutes 0.1 --targets hpt --engine both --jobs 1 --out "$tmp/g")
rc=0
"${cmd[@]}" >"$tmp/out" 2>"$tmp/err" || rc=$?
# exit 1: the planted build's seeds are findings; the garbage changed nothing to that
[ $rc -eq 1 ] || { cat "$tmp/err" >&2; fail "garbage corpus: exit $rc, not 1"; }
grep -q '"status": "done"' "$tmp/g/campaign.json" || fail "garbage corpus: campaign not done"
# (one libFuzzer process starts in-process and goes on in fork mode after a finding)
grep -qE -- "INFO: seed corpus: files: [1-9][0-9]* |-fork=1: [1-9][0-9]* seed inputs" "$tmp/g/libfuzzer/hpt/libfuzzer.log" ||
	fail "libFuzzer did not start"
# its options come from fuzz/hpt.options, the dictionary named there included
ndict=$(grep -vc '^[[:space:]]*\(#\|$\)' fuzz/hpt.dict)
grep -q "^Dictionary: $ndict entries" "$tmp/g/libfuzzer/hpt/libfuzzer.log" ||
	fail "libFuzzer did not load the $ndict entries of fuzz/hpt.dict that fuzz/hpt.options names"
echo "ok: garbage corpus files -> fuzzed, exit 1"

# ---- a finished campaign run again shows its result; other options do not resume it
rc=0
"${cmd[@]}" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ $rc -eq 1 ] || fail "finished campaign run again: exit $rc"
grep -q "holds a finished campaign" "$tmp/err" || fail "finished campaign run again: $(cat "$tmp/err")"
expect_error "holds a campaign started with other options \(--minutes 0.1, --engine both, --targets hpt\)" \
	--minutes 0.2 --targets hpt --engine both --jobs 1 --out "$tmp/g"
echo "PASS"
