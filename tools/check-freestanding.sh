#!/usr/bin/env bash
# Checks that hv/core is freestanding C11: it compiles with no libc headers,
# and the only symbols it needs from outside are the platform's plat_*.
#
#   tools/check-freestanding.sh [REPO_ROOT]
#
# Every hv/core/*.c (including freestanding_support.c, which provides
# memcpy/memset/memmove/memcmp for compiler-generated calls) is compiled with
# -ffreestanding -nostdinc against the compiler's own include dir, linked with
# `ld -r`, and `nm -u` must list only plat_* symbols. Repeated with the
# big-endian ppc64 cross compiler when installed. CC/LD/NM override the host
# tools. Exit 0 = clean, 1 = violation, 2 = usage/tooling problem.
set -euo pipefail

root=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
cd "$root"

shopt -s nullglob
sources=(hv/core/*.c)
if [ ${#sources[@]} -eq 0 ]; then
	echo "check-freestanding: no sources in $root/hv/core" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail=0
checked=()

# 1. Only compiler-provided headers may be included with <...>.
allowed='^(stdint\.h|stddef\.h|stdbool\.h)$'
while IFS= read -r hit; do
	file=${hit%%:*}
	rest=${hit#*:}
	line=${rest%%:*}
	hdr=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<([^>]*)>.*/\1/' <<<"${rest#*:}")
	if ! [[ $hdr =~ $allowed ]]; then
		echo "FAIL: $file:$line includes <$hdr> (only stdint.h, stddef.h, stdbool.h are allowed)"
		fail=1
	fi
done < <(grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' hv/core/* hv/include/hv/*.h 2>/dev/null || true)

# 2. Compile, link relocatably, and list what is still undefined.
# check NAME CC LD NM [extra cflags...]
check() {
	local name=$1 cc=$2 ld=$3 nm=$4
	shift 4
	local inc out objs=() src obj bad
	out="$tmp/$name"
	mkdir -p "$out"
	inc=$("$cc" -print-file-name=include)
	for src in "${sources[@]}"; do
		obj="$out/$(basename "${src%.c}").o"
		if ! "$cc" -std=c11 -ffreestanding -fno-builtin -nostdlib -nostdinc -isystem "$inc" \
			-fno-stack-protector -Ihv/include -O2 "$@" -c "$src" -o "$obj" 2>"$out/cc.err"; then
			echo "FAIL [$name]: $src does not compile freestanding:"
			sed 's/^/    /' "$out/cc.err" | head -40
			fail=1
			continue
		fi
		objs+=("$obj")
	done
	if [ ${#objs[@]} -ne ${#sources[@]} ]; then
		checked+=("$name (compile failed)")
		return
	fi
	"$ld" -r -o "$out/core.o" "${objs[@]}"
	bad=$("$nm" -u "$out/core.o" | awk '{print $NF}' | grep -v '^plat_' | sort -u || true)
	if [ -n "$bad" ]; then
		echo "FAIL [$name]: hv/core needs symbols other than plat_*:"
		sed 's/^/    /' <<<"$bad"
		fail=1
	fi
	checked+=("$name")
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
	echo "freestanding check: FAIL (${#sources[@]} core files)"
	exit 1
fi
echo "freestanding check: OK (${#sources[@]} core files, only plat_* undefined)"
