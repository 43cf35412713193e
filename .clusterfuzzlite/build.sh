#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz entry point ($SRC/build.sh, run from $SRC/lparsec):
# every fuzz target, its seed corpus zip, dictionary and options into $OUT.
exec bash "$SRC/lparsec/fuzz/build.sh"
