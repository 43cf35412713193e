#!/usr/bin/env bash
# Checks that the portable code is freestanding C11: it compiles with no libc
# headers, and needs nothing from outside but what the firmware links with it.
#
#   tools/check-freestanding.sh [REPO_ROOT]
#
# Two sets, each compiled with -ffreestanding -nostdinc against the
# compiler's own include dir, linked with `ld -r`, and checked with `nm -u`:
#   core     hv/core/*.c (including freestanding_support.c, which provides
#            memcpy/memset/memmove/memcmp for compiler-generated calls):
#            only plat_* may stay undefined.
#   harness  harness/portable/*.c (the binary decoder, executor, oracles and
#            reference model the firmware will run), with -Iharness/include,
#            linked with freestanding_support.o: only plat_*, hv_* (the core,
#            linked separately) and lp_* may stay undefined.
# Repeated with the big-endian ppc64 cross compiler when installed. CC/LD/NM
# override the host tools. Exit 0 = clean, 1 = violation, 2 = usage/tooling
# problem.
set -euo pipefail

root=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
cd "$root"

shopt -s nullglob
core_sources=(hv/core/*.c)
harness_sources=(harness/portable/*.c)
if [ ${#core_sources[@]} -eq 0 ]; then
	echo "check-freestanding: no sources in $root/hv/core" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail=0
checked=()

# Headers the portable harness sources pull in (transitively), found by their
# quoted includes; host-only headers of harness/include (the text form) may use libc.
portable_headers() {
	local todo=("${harness_sources[@]}") seen=" " f inc path
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		while IFS= read -r inc; do
			for path in "harness/include/$inc" "harness/portable/$inc"; do
				if [ -f "$path" ] && [[ $seen != *" $path "* ]]; then
					seen+="$path "
					todo+=("$path")
					echo "$path"
				fi
			done
		done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/p' "$f")
	done
}
mapfile -t harness_headers < <(portable_headers)

# 1. Only compiler-provided headers may be included with <...>.
allowed='^(stdint\.h|stddef\.h|stdbool\.h|stdarg\.h)$'
while IFS= read -r hit; do
	file=${hit%%:*}
	rest=${hit#*:}
	line=${rest%%:*}
	hdr=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<([^>]*)>.*/\1/' <<<"${rest#*:}")
	if ! [[ $hdr =~ $allowed ]]; then
		echo "FAIL: $file:$line includes <$hdr> (only stdint.h, stddef.h, stdbool.h, stdarg.h are allowed)"
		fail=1
	fi
done < <(grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' hv/core/* hv/include/hv/*.h \
	"${harness_sources[@]}" "${harness_headers[@]}" 2>/dev/null || true)

# 2. Compile, link relocatably, and list what is still undefined.
# compile_set NAME OUTDIR CC [cflags...] -- SOURCES...   (objects listed in OUTDIR/objs)
compile_set() {
	local name=$1 out=$2 cc=$3
	shift 3
	local cflags=() src obj inc ok=1
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		cflags+=("$1")
		shift
	done
	shift
	inc=$("$cc" -print-file-name=include)
	mkdir -p "$out"
	: >"$out/objs"
	for src in "$@"; do
		obj="$out/$(basename "${src%.c}").o"
		if ! "$cc" -std=c11 -ffreestanding -fno-builtin -nostdlib -nostdinc -isystem "$inc" \
			-fno-stack-protector -O2 "${cflags[@]}" -c "$src" -o "$obj" 2>"$out/cc.err"; then
			echo "FAIL [$name]: $src does not compile freestanding:"
			sed 's/^/    /' "$out/cc.err" | head -40
			fail=1
			ok=0
			continue
		fi
		echo "$obj" >>"$out/objs"
	done
	[ $ok = 1 ]
}

# undefined_check NAME LD NM ALLOWED_REGEX WHAT OBJS...
undefined_check() {
	local name=$1 ld=$2 nm=$3 allow=$4 what=$5 bad
	shift 5
	"$ld" -r -o "$tmp/$name.o" "$@"
	bad=$("$nm" -u "$tmp/$name.o" | awk '{print $NF}' | grep -Ev "$allow" | sort -u || true)
	if [ -n "$bad" ]; then
		echo "FAIL [$name]: $what:"
		sed 's/^/    /' <<<"$bad"
		fail=1
	fi
}

# check NAME CC LD NM [extra cflags...]
check() {
	local name=$1 cc=$2 ld=$3 nm=$4
	shift 4
	local objs=() hobjs=() support=""

	# The core: exactly as strict as ever, only plat_* undefined.
	if compile_set "$name" "$tmp/$name/core" "$cc" -Ihv/include "$@" -- "${core_sources[@]}"; then
		mapfile -t objs <"$tmp/$name/core/objs"
		undefined_check "$name" "$ld" "$nm" '^plat_' "hv/core needs symbols other than plat_*" "${objs[@]}"
		checked+=("$name")
	else
		checked+=("$name (core compile failed)")
	fi
	support="$tmp/$name/core/freestanding_support.o"

	# The harness's portable pieces: plat_*, hv_* (the core) and lp_* may stay undefined.
	if [ ${#harness_sources[@]} -eq 0 ]; then
		return
	fi
	if compile_set "$name-harness" "$tmp/$name/harness" "$cc" -Ihv/include -Iharness/include "$@" -- \
		"${harness_sources[@]}"; then
		mapfile -t hobjs <"$tmp/$name/harness/objs"
		[ -f "$support" ] && hobjs+=("$support")
		undefined_check "$name-harness" "$ld" "$nm" '^(plat_|hv_|lp_)' \
			"harness/portable needs symbols other than plat_*, hv_*, lp_*" "${hobjs[@]}"
		checked+=("$name-harness")
	else
		checked+=("$name-harness (compile failed)")
	fi
}

hostcc=${CC:-cc}
if ! command -v "$hostcc" >/dev/null; then
	echo "check-freestanding: compiler '$hostcc' not found" >&2
	exit 2
fi
check host "$hostcc" "${LD:-ld}" "${NM:-nm}"

if command -v powerpc64-linux-gnu-gcc >/dev/null; then
	check ppc64be powerpc64-linux-gnu-gcc powerpc64-linux-gnu-ld powerpc64-linux-gnu-nm \
		-mbig-endian -m64 -mcpu=power8 -msoft-float -mno-altivec -mno-vsx -mcmodel=medium
elif [ "${LPARSEC_REQUIRE_CROSS:-0}" = 1 ]; then
	echo "check-freestanding: powerpc64-linux-gnu-gcc is required (LPARSEC_REQUIRE_CROSS=1) but not installed;" \
		"run ./lparsec setup" >&2
	fail=1
else
	echo "note: powerpc64-linux-gnu-gcc not installed, ppc64 check skipped"
fi

echo "toolchains checked: ${checked[*]}"
if [ $fail -ne 0 ]; then
	echo "freestanding check: FAIL (${#core_sources[@]} core files, ${#harness_sources[@]} harness files)"
	exit 1
fi
echo "freestanding check: OK (${#core_sources[@]} core files, only plat_* undefined;" \
	"${#harness_sources[@]} harness files, only plat_*/hv_*/lp_* undefined)"
