#!/usr/bin/env bash
# campaign.ossfuzz_build: the OSS-Fuzz / ClusterFuzzLite build contract.
#
# Lays the sources out as the .clusterfuzzlite Dockerfile does ($SRC/lparsec,
# .clusterfuzzlite/build.sh as $SRC/build.sh), runs it from $SRC/lparsec with
# the environment OSS-Fuzz sets for libFuzzer + AddressSanitizer, then checks:
#   - $OUT holds exactly <t>, <t>_seed_corpus.zip, <t>.dict, <t>.options for
#     every target, and the dict/options are fuzz/'s;
#   - each seed zip holds one <stem>.bin per corpora/<t>/<stem>.txt;
#   - each target is ASan-instrumented, carries the custom mutator, runs every
#     seed clean, and fuzzes 500 runs with its .options as ClusterFuzz passes
#     them, exit 0 and no artifact;
#   - the source tree is left untouched (everything goes to $WORK and $OUT);
#   - fuzz/build.sh without OUT is a usage error (exit 2).
set -euo pipefail

root=${LPARSEC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
targets=(hcall_seq hpt tce dlpar dispatch)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lparsec-ossfuzz-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- the container layout: COPY . $SRC/lparsec; COPY .clusterfuzzlite/build.sh $SRC/
export SRC=$tmp/src WORK=$tmp/work OUT=$tmp/out
mkdir -p "$SRC/lparsec" "$WORK" "$OUT"
(cd "$root" && git ls-files -z -co --exclude-standard) |
	tar -C "$root" --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$SRC/lparsec" -xf -
cp "$SRC/lparsec/.clusterfuzzlite/build.sh" "$SRC/build.sh"
(cd "$SRC/lparsec" && find . -type f -printf '%p %s %T@\n' | sort) >"$tmp/src-before"

# ---- what OSS-Fuzz's `compile` exports for FUZZING_ENGINE=libfuzzer SANITIZER=address
export CC=clang CXX=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS -stdlib=libc++"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer FUZZING_ENGINE=libfuzzer SANITIZER=address ARCHITECTURE=x86_64

echo "ossfuzz_build: building (log: build.log)"
if ! (cd "$SRC/lparsec" && bash -eu "$SRC/build.sh") >"$tmp/build.log" 2>&1; then
	tail -40 "$tmp/build.log" >&2
	fail "\$SRC/build.sh failed"
fi

# ---- $OUT: exactly the expected files
expected=$(for t in "${targets[@]}"; do printf '%s\n' "$t" "$t.dict" "$t.options" "${t}_seed_corpus.zip"; done | sort)
actual=$(cd "$OUT" && find . -mindepth 1 -printf '%P\n' | sort)
[ "$actual" = "$expected" ] || {
	diff <(echo "$expected") <(echo "$actual") >&2 || true
	fail "\$OUT does not hold exactly the expected files"
}

# libFuzzer options as ClusterFuzz derives them from <t>.options ([libfuzzer] key = value -> -key=value).
options_args() {
	sed -n '/^\[libfuzzer\]/,/^\[/{s/^[[:space:]]*\([a-z_]*\)[[:space:]]*=[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/-\1=\2/p}' "$1"
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
unset UBSAN_OPTIONS
for t in "${targets[@]}"; do
	[ -x "$OUT/$t" ] || fail "$OUT/$t is not executable"
	cmp -s "$OUT/$t.dict" "$root/fuzz/$t.dict" || fail "$t.dict differs from fuzz/$t.dict"
	cmp -s "$OUT/$t.options" "$root/fuzz/$t.options" || fail "$t.options differs from fuzz/$t.options"
	nm "$OUT/$t" >"$tmp/$t.nm"
	grep -qw __asan_init "$tmp/$t.nm" || fail "$t: not built with AddressSanitizer"
	grep -qw LLVMFuzzerCustomMutator "$tmp/$t.nm" || fail "$t: no custom mutator"

	# seeds: one .bin per corpora/<t>/*.txt, nothing else
	want=$(cd "$root/corpora/$t" && for s in *.txt; do echo "${s%.txt}.bin"; done | sort)
	nwant=$(echo "$want" | grep -c .)
	[ "$nwant" -gt 0 ] || fail "corpora/$t has no seeds"
	got=$(python3 -c 'import sys, zipfile; print("\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))' \
		"$OUT/${t}_seed_corpus.zip")
	[ "$got" = "$want" ] || fail "${t}_seed_corpus.zip lists [$(echo $got)], expected [$(echo $want)]"
	seeds=$tmp/seeds/$t
	mkdir -p "$seeds"
	python3 -m zipfile -e "$OUT/${t}_seed_corpus.zip" "$seeds"
	for s in "$seeds"/*.bin; do [ -s "$s" ] || fail "$t: empty seed $(basename "$s")"; done

	# every seed runs clean (libFuzzer's run-these-files mode)
	(cd "$OUT" && "./$t" "$seeds"/*.bin) >"$tmp/$t-seeds.log" 2>&1 ||
		{ tail -30 "$tmp/$t-seeds.log" >&2; fail "$t: a seed does not run clean"; }
	nran=$(grep -c '^Executed ' "$tmp/$t-seeds.log" || true)
	[ "$nran" -eq "$nwant" ] || fail "$t: executed $nran seeds, expected $nwant"

	# a brief fuzz run with the target's options, from its seeds
	mapfile -t opts < <(options_args "$OUT/$t.options")
	[ "${#opts[@]}" -eq 3 ] || fail "$t.options: expected 3 libFuzzer options, got: ${opts[*]}"
	mkdir -p "$tmp/corpus/$t" "$tmp/artifacts/$t"
	rc=0
	(cd "$OUT" && "./$t" "${opts[@]}" -runs=500 -seed=1 -timeout=10 -rss_limit_mb=2560 \
		-artifact_prefix="$tmp/artifacts/$t/" "$tmp/corpus/$t" "$seeds") >"$tmp/$t-fuzz.log" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || { tail -30 "$tmp/$t-fuzz.log" >&2; fail "$t: fuzz run exited $rc"; }
	ndict=$(grep -vc '^[[:space:]]*\(#\|$\)' "$root/fuzz/$t.dict")
	grep -q '^INFO: found LLVMFuzzerCustomMutator' "$tmp/$t-fuzz.log" || fail "$t: libFuzzer did not find the custom mutator"
	grep -q "^Dictionary: $ndict entries" "$tmp/$t-fuzz.log" || fail "$t: dictionary of $ndict entries not loaded"
	grep -q '^Done 500 runs' "$tmp/$t-fuzz.log" || fail "$t: did not complete 500 runs"
	[ -z "$(ls -A "$tmp/artifacts/$t")" ] || fail "$t: the run left artifacts: $(ls "$tmp/artifacts/$t")"
	echo "ossfuzz_build: $t: $nwant seeds clean, 500 runs clean ($(grep -o 'cov: [0-9]*' "$tmp/$t-fuzz.log" | tail -1))"
done

# ---- the sources are read-only input
(cd "$SRC/lparsec" && find . -type f -printf '%p %s %T@\n' | sort) >"$tmp/src-after"
cmp -s "$tmp/src-before" "$tmp/src-after" || {
	diff "$tmp/src-before" "$tmp/src-after" | head -20 >&2
	fail "the build wrote into the source tree"
}

# ---- a missing contract variable is a usage error
rc=0
env -u OUT bash "$SRC/lparsec/fuzz/build.sh" >"$tmp/noout.log" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "fuzz/build.sh without OUT exited $rc, expected 2"
grep -q 'OUT is not set' "$tmp/noout.log" || fail "fuzz/build.sh without OUT: no clear message"

echo "ossfuzz_build: ok"
