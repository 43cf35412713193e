# Sourced by the campaign tests (not a test itself: ctest registers test_*.sh).
# The deliberately broken build they share (build/ is git-ignored): the mutant
# bench/mutants/tlbie-entry-lost.patch, whose host platform drops single-entry
# TLB flushes, applied to a copy of hv/ in the build directory (CMake's
# LPARSEC_MUTANT; the tree is never patched). It is built by the first test
# that needs it, incrementally afterwards.
PLANTED_BUILD_ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}/build/planted
PLANTED_CMAKE_ARGS="-DLPARSEC_MUTANT=tlbie-entry-lost -DHV_TESTS=OFF"

# use_planted_build: every campaign / lpcommon build of this shell uses it.
use_planted_build() {
	export LPARSEC_BUILD_ROOT=$PLANTED_BUILD_ROOT
	export LPARSEC_CMAKE_ARGS=$PLANTED_CMAKE_ARGS
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
