#!/usr/bin/env bash
# Builds every fuzz target under the OSS-Fuzz / ClusterFuzzLite build contract
# (what .clusterfuzzlite/build.sh runs; works outside a container too).
#
# Inputs (environment, as the OSS-Fuzz builder sets them):
#   CC                  the compiler (default clang)
#   CFLAGS              sanitizer and coverage flags (e.g. -fsanitize=address
#                       -fsanitize=fuzzer-no-link); nothing is added to them
#   LIB_FUZZING_ENGINE  what links the engine: -fsanitize=fuzzer (libFuzzer) or
#                       a driver library (AFL++, honggfuzz)            (required)
#   FUZZING_ENGINE      libfuzzer, afl, honggfuzz, ... (optional): the
#                       structure-aware custom mutator is linked for libfuzzer;
#                       when unset, for a LIB_FUZZING_ENGINE of -fsanitize=fuzzer
#   OUT                 where the results go                            (required)
#   WORK                scratch space for the build trees (default: a temporary
#                       directory removed at exit)
#   SRC                 not needed: the sources are the tree this script is in
#   LPARSEC_HOST_CC     the compiler for lparsec-fmt, which converts the text
#                       seeds (default: clang, else cc); never gets CFLAGS
#
# Outputs, for each target T in hcall_seq hpt tce dlpar dispatch:
#   $OUT/T                  the fuzz target
#   $OUT/T_seed_corpus.zip  corpora/T/*.txt converted to the binary form
#   $OUT/T.dict $OUT/T.options
#
# Exit status: 0 built, 1 build failure, 2 bad environment.
set -euo pipefail

die() { echo "fuzz/build.sh: $*" >&2; exit "${2:-1}"; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# fuzz/targets.txt, without the targets that need the Unicorn engine (OSS-Fuzz's
# image has neither libunicorn-dev nor the ppc64 cross compiler their guests need).
mapfile -t TARGETS < <(sed -e 's/#.*//' "$ROOT/fuzz/targets.txt" | awk 'NF && $2 != "emu" { print $1 }')

[ -n "${OUT:-}" ] || die "OUT is not set (the directory for the fuzz targets)" 2
[ -n "${LIB_FUZZING_ENGINE:-}" ] || die "LIB_FUZZING_ENGINE is not set (e.g. -fsanitize=fuzzer)" 2
CC=${CC:-clang}
CFLAGS=${CFLAGS:-}
command -v cmake >/dev/null || die "cmake not found" 2
command -v "${CC%% *}" >/dev/null || die "CC '$CC' not found" 2
mkdir -p "$OUT" || die "cannot create OUT '$OUT'" 2

if [ -n "${WORK:-}" ]; then
	mkdir -p "$WORK" || die "cannot create WORK '$WORK'" 2
	work=$WORK
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/lparsec-ossfuzz.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi

# The custom mutator calls LLVMFuzzerMutate, which only libFuzzer provides.
engine=${FUZZING_ENGINE:-}
if [ -z "$engine" ]; then
	case " $LIB_FUZZING_ENGINE " in
	*" -fsanitize=fuzzer "*) engine=libfuzzer ;;
	*) engine=other ;;
	esac
fi
if [ "$engine" = libfuzzer ]; then mutator=ON; else mutator=OFF; fi

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
jobs=$(nproc 2>/dev/null || echo 2)

# One build tree per configuration, so one WORK can hold several.
key=$(printf '%s\n' "$CC" "$CFLAGS" "$LIB_FUZZING_ENGINE" "$mutator" | cksum | cut -d' ' -f1)
fuzz_dir=$work/lparsec-ossfuzz-$key
host_dir=$work/lparsec-host

# ---- the fuzz targets: LPARSEC_FUZZ_ENGINE=ossfuzz (fuzz/CMakeLists.txt) takes
# the compiler, CFLAGS and the engine as given; no sanitizer of its own.
echo "fuzz/build.sh: fuzz targets in $fuzz_dir (CC=$CC, engine $engine, custom mutator $mutator)"
cmake -S "$ROOT" -B "$fuzz_dir" "${generator[@]}" \
	-DCMAKE_C_COMPILER="$CC" \
	-DCMAKE_BUILD_TYPE= \
	-DCMAKE_C_FLAGS="$CFLAGS" \
	-DHV_SANITIZE=OFF -DHV_TESTS=OFF \
	-DLPARSEC_FUZZ_ENGINE=ossfuzz \
	-DLIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
	-DLPARSEC_OSSFUZZ_CUSTOM_MUTATOR=$mutator >"$work/cmake-fuzz.log" 2>&1 ||
	{ cat "$work/cmake-fuzz.log" >&2; die "configuring the fuzz build failed"; }
cmake --build "$fuzz_dir" -j "$jobs" --target "${TARGETS[@]/#/fuzz-}" ||
	die "building the fuzz targets failed"

# ---- lparsec-fmt for the seeds: the host compiler, none of the fuzzing flags.
host_cc=${LPARSEC_HOST_CC:-}
if [ -z "$host_cc" ]; then
	host_cc=$(command -v clang || command -v cc || command -v gcc) || die "no host C compiler (set LPARSEC_HOST_CC)" 2
fi
echo "fuzz/build.sh: lparsec-fmt in $host_dir (host compiler $host_cc)"
env -u CFLAGS -u CXXFLAGS -u LDFLAGS -u CPPFLAGS -u CC -u CXX \
	cmake -S "$ROOT" -B "$host_dir" "${generator[@]}" \
	-DCMAKE_C_COMPILER="$host_cc" -DCMAKE_BUILD_TYPE=Release \
	-DHV_SANITIZE=OFF -DHV_TESTS=OFF -DLPARSEC_FUZZ_ENGINE=none >"$work/cmake-host.log" 2>&1 ||
	{ cat "$work/cmake-host.log" >&2; die "configuring the host build failed"; }
env -u CFLAGS -u CXXFLAGS -u LDFLAGS -u CPPFLAGS \
	cmake --build "$host_dir" -j "$jobs" --target lparsec-fmt || die "building lparsec-fmt failed"
fmt=$host_dir/lparsec-fmt

zip_dir() { # zip_dir ARCHIVE DIR: every file of DIR at the archive's top level
	rm -f "$1"
	if command -v zip >/dev/null; then
		(cd "$2" && zip -q -X "$1" ./*)
	else
		python3 -m zipfile -c "$1" "$2"/*
	fi
}

for t in "${TARGETS[@]}"; do
	install -m 0755 "$fuzz_dir/fuzz/fuzz-$t" "$OUT/$t"
	install -m 0644 "$ROOT/fuzz/$t.dict" "$OUT/$t.dict"
	install -m 0644 "$ROOT/fuzz/$t.options" "$OUT/$t.options"

	seeds=$work/seeds/$t
	rm -rf "$seeds"
	mkdir -p "$seeds"
	n=0
	for s in "$ROOT/corpora/$t"/*.txt; do
		[ -e "$s" ] || continue
		"$fmt" --to bin "$s" -o "$seeds/$(basename "$s" .txt).bin" || die "converting $s failed"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || die "no seeds in corpora/$t"
	out_abs=$(cd "$OUT" && pwd)
	zip_dir "$out_abs/${t}_seed_corpus.zip" "$seeds"
	echo "fuzz/build.sh: $OUT/$t ($n seeds)"
done
