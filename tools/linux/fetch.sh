#!/usr/bin/env bash
# tools/linux/fetch.sh: Debian's stock ppc64el Linux kernel and a static
# busybox, the Debian way (issue 17: Linux in a partition). apt-get
# download from Debian's ppc64el archive with a private apt state (the
# machine's own package configuration is never changed), unpacked with
# dpkg-deb into a cache outside the source tree, never committed.
#
#   tools/linux/fetch.sh [--cache DIR] [--suite SUITE] [--mirror URL] [--quiet]
#
# Prints the paths of the kernel's ELF image (vmlinux) and of busybox,
# both checked to be 64-bit little-endian PowerPC ELF files. Cached: a
# second run with the same packages downloads nothing. Exit 0 on success,
# 2 when something is missing or cannot be fetched (said on stderr).
set -euo pipefail

cache=${LPARSEC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lparsec}/linux-ppc64el
suite=bookworm
mirror=${LPARSEC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
quiet=false
KERNEL_META=linux-image-powerpc64le
BUSYBOX=busybox-static

die() { echo "fetch: $*" >&2; exit 2; }
say() { $quiet || echo "fetch: $*" >&2; }

while [ $# -gt 0 ]; do
	case $1 in
	--cache) cache=${2:?--cache needs a directory}; shift ;;
	--suite) suite=${2:?--suite needs a name}; shift ;;
	--mirror) mirror=${2:?--mirror needs a URL}; shift ;;
	--quiet) quiet=true ;;
	-h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done
case $cache in /*) ;; *) cache=$PWD/$cache ;; esac # apt takes its directories from /
for tool in apt-get apt-cache dpkg-deb tar od sha256sum; do
	command -v $tool >/dev/null || die "$tool not found (Debian's apt and dpkg are needed)"
done
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r $keyring ] || die "$keyring not found (package debian-archive-keyring)"

# The private apt state: its own lists, cache, status and sources, ppc64el only.
apt_dir=$cache/apt
mkdir -p "$apt_dir"/lists/partial "$apt_dir"/archives/partial || die "cannot create $apt_dir"
echo "deb [arch=ppc64el signed-by=$keyring] $mirror $suite main" >"$apt_dir/sources.list"
: >>"$apt_dir/status"
APT=(-o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::status=$apt_dir/status"
	-o "Dir::Cache=$apt_dir" -o "Dir::Cache::archives=$apt_dir/archives"
	-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
	-o "APT::Architecture=ppc64el" -o "APT::Architectures::=ppc64el" -o "Debug::NoLocking=1")
if [ "$(id -u)" -eq 0 ]; then
	APT+=(-o "APT::Sandbox::User=root") # the cache may be in root's home, which apt's _apt user cannot enter
fi

# The package lists: once a day is enough (the archive's bookworm moves with point releases).
if [ -z "$(find "$apt_dir/lists" -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
	say "apt-get update ($mirror $suite, ppc64el)"
	apt-get "${APT[@]}" -q update >"$apt_dir/update.log" 2>&1 ||
		die "apt-get update failed (log: $apt_dir/update.log): $(tail -1 "$apt_dir/update.log")"
	# apt-get update says 0 when a mirror cannot be reached, and warns.
	if grep -q '^\(W: Failed to fetch\|E: \)' "$apt_dir/update.log"; then
		die "apt-get update could not fetch the lists of $mirror: $(grep -m1 '^\(W: Failed to fetch\|E: \)' "$apt_dir/update.log")"
	fi
fi
[ -n "$(find "$apt_dir/lists" -name '*Packages*' 2>/dev/null | head -1)" ] || die "no package lists from $mirror $suite"

# The kernel the metapackage names today (linux-image-6.1.0-N-powerpc64le).
kernel=$(apt-cache "${APT[@]}" depends "$KERNEL_META" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1 || true)
[ -n "$kernel" ] || die "no kernel package behind $KERNEL_META in $suite for ppc64el"

# Download a package and unpack the files matching a pattern into its own directory (atomic: a
# temporary one renamed into place).
unpack() {
	local pkg=$1 wanted=$2 version dir tmp deb
	version=$(apt-cache "${APT[@]}" show "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -1 || true)
	[ -n "$version" ] || die "$pkg is not in $suite for ppc64el"
	dir=$cache/$pkg/${version//:/_}
	if [ -f "$dir/.complete" ]; then
		echo "$dir"
		return
	fi
	tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
	say "apt-get download $pkg ($version)"
	(cd "$tmp" && apt-get "${APT[@]}" -q download "$pkg=$version" >download.log 2>&1) ||
		die "apt-get download $pkg failed: $(tail -1 "$tmp/download.log")"
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || die "apt-get download $pkg left no .deb"
	mkdir "$tmp/root"
	# Only what is used (the kernel package's modules are 250 MB).
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/root" --wildcards "$wanted" ||
		die "unpacking $wanted from $(basename "$deb") failed"
	(cd "$tmp" && sha256sum "$(basename "$deb")" >sha256)
	rm -f "$deb" "$tmp/download.log"
	touch "$tmp/.complete"
	mkdir -p "$(dirname "$dir")"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	echo "$dir"
}

# A 64-bit little-endian PowerPC ELF file (e_ident: ELFCLASS64, ELFDATA2LSB; e_machine 21, EM_PPC64).
check_elf() {
	local f=$1 head
	[ -f "$f" ] || die "$f is missing"
	head=$(od -An -tx1 -N20 "$f" | tr -d ' \n')
	[ "${head:0:12}" = 7f454c460201 ] || die "$f is not a 64-bit little-endian ELF file"
	[ "${head:36:4}" = 1500 ] || die "$f is not a PowerPC 64 ELF file (e_machine ${head:36:4})"
}

kdir=$(unpack "$kernel" './boot/vmlinux-*')
bdir=$(unpack "$BUSYBOX" './bin/busybox')
vmlinux=$(ls "$kdir"/root/boot/vmlinux-* 2>/dev/null | head -1)
[ -n "$vmlinux" ] || die "$kernel has no /boot/vmlinux-*"
busybox=$bdir/root/bin/busybox
check_elf "$vmlinux"
check_elf "$busybox"
echo "vmlinux $vmlinux"
echo "busybox $busybox"
