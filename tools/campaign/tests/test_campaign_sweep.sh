#!/usr/bin/env bash
# campaign.campaign_sweep: the sanitizer sweep (Triage.sweep), which replays
# a corpus the builds without sanitizers grew under ASan/UBSan before it is
# merged. On the planted build (single-entry TLB flushes dropped), a corpus
# of clean seeds and two copies of a violating program: both copies are
# reported, the replay goes on past each, the one title is filed as a finding
# of engine "sweep" (one group: same bytes, one input), and clean inputs are
# not findings. Then `./lparsec campaign --builds fast` runs end to end.
set -euo pipefail

ROOT=${LPARSEC_ROOT:?LPARSEC_ROOT must name the project}
cd "$ROOT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/planted.sh"
use_planted_build
export LPARSEC_REGRESSIONS_DIR=$tmp/regressions
mkdir "$LPARSEC_REGRESSIONS_DIR"

/usr/bin/python3 - "$tmp" <<'EOF'
import os, shutil, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["LPARSEC_ROOT"], "tools", "campaign"))
import lpcommon, triage
tmp = sys.argv[1]
def fail(msg):
    sys.exit(f"FAIL: {msg}")
lpcommon.build("dev", ["lparsec-fuzz", "lparsec-fmt", "lparsec-repro"])
corpus = os.path.join(tmp, "corpus")
os.makedirs(corpus)
seeds = lpcommon.seed_dir("dev", "hpt")
for n in sorted(os.listdir(seeds)):
    # the seeds that violate I9 on this build
    if n not in ("01_lifecycle.bin", "05_protect_avpn.bin", "08_segments_and_page_sizes.bin"):
        shutil.copy(os.path.join(seeds, n), os.path.join(corpus, "a-" + n))
bad = os.path.join(seeds, "05_protect_avpn.bin")
for name in ("b-bad", "c-bad"):
    shutil.copy(bad, os.path.join(corpus, name))
shutil.copy(os.path.join(seeds, "02_hostile.bin"), os.path.join(corpus, "d-clean"))
out = os.path.join(tmp, "out")
os.makedirs(out)
t = triage.Triage(out, lambda: 0.0)
failed = t.sweep("hpt", [corpus, os.path.join(tmp, "no-such-queue")])
want = [os.path.join(corpus, "b-bad"), os.path.join(corpus, "c-bad")]
if failed != want:
    fail(f"sweep reported {failed}, not {want}")
groups = t.findings()
if len(groups) != 1:
    fail(f"{len(groups)} finding groups: {[g['title'] for g in groups]}")
g = groups[0]
if g["title"] != "I9: stale writable translation survived a write protection" or g["engine"] != "sweep" \
        or g["target"] != "hpt" or g["count"] != 1 or g["flaky"]:
    fail(f"finding {g}")
# A clean corpus sweeps clean, and nothing new is filed.
os.remove(want[0])
os.remove(want[1])
if t.sweep("hpt", [corpus]) != [] or len(t.findings()) != 1:
    fail("clean corpus: sweep not clean")
print(f"sweep: {failed} -> {g['title']} ({g['engine']})")
EOF

# The whole campaign with both engines on the builds without sanitizers: it
# finds the planted I9 all the same and sweeps the corpus before the merge.
rc=0
./lparsec campaign --minutes 0.4 --targets hpt --builds fast --jobs 2 --out "$tmp/fast" \
	>"$tmp/fast.out" 2>"$tmp/fast.err" || rc=$?
cat "$tmp/fast.out"
[ $rc -eq 1 ] || { tail -20 "$tmp/fast.err"; fail "campaign --builds fast exited $rc, not 1"; }
# The seeds that violate I9 on this build are in the corpus (and in the AFL++ queue): the sweep names them.
grep -Eq "hpt: sanitizer sweep: ([2-9]|[1-9][0-9]+) input\(s\) fail under ASan/UBSan" "$tmp/fast.err" || fail "sanitizer sweep line"
grep -q '"builds": "fast"' "$tmp/fast/campaign.json" || fail "campaign.json does not record --builds fast"
grep -q "afl-fast/fuzz/afl-hpt" "$tmp/fast/afl/hpt/main/cmdline" || fail "AFL++ did not run the afl-fast build"
ls "$tmp"/fast/findings/*/finding.json >/dev/null 2>&1 || fail "no finding on the planted build"
echo "campaign --builds fast: rc 1, findings $(ls "$tmp/fast/findings" | wc -l)"
