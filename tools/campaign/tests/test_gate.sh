#!/usr/bin/env bash
# campaign.gate: `./lparsec gate` end to end (never its suite step: that would
# run this test again).
#
#   - bad options and an output directory that cannot exist: exit 2, a message,
#     no traceback, before anything is built;
#   - (a) the normal build: exit 0; junit.xml has one case per corpora program
#     and per fuzz target, no failure, the QEMU case skipped; results.sarif has
#     no error result;
#   - (b) the deliberately broken build (single-entry TLB flushes dropped):
#     exit 1; the seeds that now violate I9 are JUnit failures, and the SARIF
#     has an I9 error result located at a reproducer that replays I9;
#   - (c) the same finding recorded in a regressions directory is known: the
#     fuzz step passes (SARIF level note), and fails with --strict.
set -euo pipefail

root=${LPARSEC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lparsec-gate-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
py() { /usr/bin/python3 - "$@"; }
cd "$root"

# The normal build, whatever the caller's environment asks for.
normal() { env -u LPARSEC_CMAKE_ARGS "$@"; }
# The broken build, shared with the other campaign tests (planted.sh).
LPARSEC_ROOT=$root . "$(dirname "${BASH_SOURCE[0]}")/planted.sh"
planted_root=$PLANTED_BUILD_ROOT
planted() {
	env LPARSEC_BUILD_ROOT="$planted_root" LPARSEC_CMAKE_ARGS="$PLANTED_CMAKE_ARGS" "$@"
}

# expect_rc WANT LOG CMD...: runs CMD with its output in LOG, checks its exit status.
expect_rc() {
	local want=$1 log=$2 rc=0
	shift 2
	"$@" >"$log" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$log" >&2; fail "'$*' exited $rc, expected $want"; }
	! grep -q Traceback "$log" || { cat "$log" >&2; fail "'$*' printed a traceback"; }
}

# ---- tool errors: exit 2 before any build ------------------------------------
expect_rc 2 "$tmp/e1" ./lparsec gate --bogus
grep -q "unrecognized arguments: --bogus" "$tmp/e1" || fail "bad option: no message"
expect_rc 2 "$tmp/e2" ./lparsec gate --fuzz-seconds 0
grep -q "^gate: --fuzz-seconds must be at least 1$" "$tmp/e2" || fail "--fuzz-seconds 0: no message"
expect_rc 2 "$tmp/e3" ./lparsec gate --targets hpt,nope
grep -q "^gate: unknown target 'nope'" "$tmp/e3" || fail "unknown target: no message"
# A path under a regular file cannot be created, even by root.
touch "$tmp/file"
expect_rc 2 "$tmp/e4" ./lparsec gate --no-suite --out "$tmp/file/gate"
grep -q "^gate: cannot create output directory $tmp/file/gate" "$tmp/e4" || fail "unwritable --out: no message"
expect_rc 2 "$tmp/e5" ./lparsec gate --regressions "$tmp/none"
grep -q "^gate: --regressions $tmp/none: not a directory$" "$tmp/e5" || fail "missing --regressions: no message"
echo "gate test: tool errors exit 2"

# ---- (a) the normal build passes ---------------------------------------------
expect_rc 0 "$tmp/a.log" normal ./lparsec gate --no-suite --fuzz-seconds 3 --out "$tmp/a"
[ "$(tail -1 "$tmp/a.log")" = "gate: PASS" ] || fail "(a) last line: $(tail -1 "$tmp/a.log")"
qemu_tests=$(ctest --test-dir "${LPARSEC_BUILD_ROOT:-$root/build}/dev" -N -L '^qemu$' | sed -n 's/^Total Tests: //p')
py "$tmp/a" "$root" "$( [ -e tools/qemu-boot.sh ] || [ "${qemu_tests:-0}" -gt 0 ] && echo exists || echo absent)" <<'EOF'
import glob, json, os, sys
import xml.etree.ElementTree as ET
out, root, qemu = sys.argv[1:]
sys.path.insert(0, os.path.join(root, "tools", "campaign"))
import lpcommon
suites = {ts.get("name"): ts for ts in ET.parse(os.path.join(out, "junit.xml")).getroot()}
assert list(suites) == ["gate.build", "gate.suite", "gate.corpora", "gate.fuzz", "gate.qemu"], list(suites)
def cases(s):
    return [(tc.get("name"), "fail" if tc.find("failure") is not None else
             "skip" if tc.find("skipped") is not None else "pass") for tc in suites[s].iter("testcase")]
programs = [os.path.relpath(p, os.path.join(root, "corpora"))
            for t in lpcommon.TARGETS + ["regressions"] for p in sorted(glob.glob(f"{root}/corpora/{t}/*.txt"))]
assert sorted(cases("gate.corpora")) == sorted((p, "pass") for p in programs), cases("gate.corpora")
assert sorted(cases("gate.fuzz")) == sorted((t, "pass") for t in lpcommon.TARGETS), cases("gate.fuzz")
assert cases("gate.suite") == [("suite", "skip")], cases("gate.suite")
assert cases("gate.build") == [("build dev", "pass")], cases("gate.build")
qemu_cases = cases("gate.qemu")
if qemu == "absent":
    assert qemu_cases == [("qemu.boot (not built yet)", "skip")], qemu_cases
else:
    # The firmware's boot tests (ctest label qemu) are the step's cases, and they pass.
    assert qemu_cases and all(st == "pass" for _, st in qemu_cases), qemu_cases
    assert any(name.startswith("qemu.boot_every_scenario") for name, _ in qemu_cases), qemu_cases
top = ET.parse(os.path.join(out, "junit.xml")).getroot()
assert top.get("failures") == "0" and top.get("tests") == str(len(programs) + len(lpcommon.TARGETS) + 2 + len(qemu_cases)), top.attrib
sarif = json.load(open(os.path.join(out, "results.sarif")))
assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["name"] == "lparsec-gate"
assert [r for r in sarif["runs"][0]["results"] if r["level"] == "error"] == [], sarif["runs"][0]["results"]
summary = open(os.path.join(out, "summary.md")).read()
assert f"| corpora | {len(programs)} | 0 | 0 |" in summary and f"| fuzz | {len(lpcommon.TARGETS)} | 0 | 0 |" in summary, summary
assert not glob.glob(os.path.join(out, ".tmp-*")), "a temporary file of an atomic write was left"
EOF
echo "gate test: (a) the normal build passes"

# ---- (b) the broken build: red, an I9 result at a reproducer that replays ----
expect_rc 1 "$tmp/b.log" planted ./lparsec gate --no-suite --fuzz-seconds 3 --targets hpt --out "$tmp/b"
grep -q "^gate: FAIL (corpora: [0-9]* failed; fuzz: 1 failed)$" "$tmp/b.log" || fail "(b) verdict: $(tail -1 "$tmp/b.log")"
py "$tmp/b" "$planted_root/dev/lparsec-repro" <<'EOF'
import json, os, subprocess, sys
import xml.etree.ElementTree as ET
out, repro = sys.argv[1:]
fails = {tc.get("name"): tc.find("failure").get("message")
         for tc in ET.parse(os.path.join(out, "junit.xml")).getroot().iter("testcase") if tc.find("failure") is not None}
assert fails["hpt/01_lifecycle.txt"] == ("expected clean, got I9 "
                                         "(I9: stale translation survived: its HPTE was removed or retargeted)"), fails
assert fails["hpt"].startswith("new finding: I9: "), fails
run = json.load(open(os.path.join(out, "results.sarif")))["runs"][0]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
assert "I9" in rules and all(r["ruleId"] == rules[r["ruleIndex"]] for r in run["results"]), run
i9 = [r for r in run["results"] if r["ruleId"] == "I9" and r["level"] == "error"]
assert i9, run["results"]
for r in i9:
    loc = r["locations"][0]["physicalLocation"]["artifactLocation"]
    path = os.path.join(out, loc["uri"])
    assert loc["uri"].startswith("findings/") and loc["uri"].endswith("/repro.txt") and os.path.isfile(path), loc
    p = subprocess.run([repro, path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 1 and ": VIOLATION I9 after op" in p.stdout, p.stdout
    assert open(path).readline() == "# expect: I9\n", path
EOF
echo "gate test: (b) the broken build fails the gate with an I9 finding"

# ---- (c) the same finding, already in the regressions: known ------------------
reg=$tmp/regressions
mkdir "$reg"
cp corpora/regressions/*.txt "$reg/"
# Both titles the broken build gives on the hpt seeds (H_REMOVE, H_PROTECT).
{ echo "# expect: I9"; cat corpora/hpt/01_lifecycle.txt; } >"$reg/planted-i9-remove.txt"
{ echo "# expect: I9"; cat corpora/hpt/05_protect_avpn.txt; } >"$reg/planted-i9-protect.txt"
expect_rc 0 "$tmp/c.log" planted ./lparsec gate --steps fuzz --targets hpt --regressions "$reg" \
	--fuzz-seconds 3 --out "$tmp/c"
[ "$(tail -1 "$tmp/c.log")" = "gate: PASS" ] || fail "(c) last line: $(tail -1 "$tmp/c.log")"
py "$tmp/c" <<'EOF'
import json, os, sys
import xml.etree.ElementTree as ET
out = sys.argv[1]
fuzz = [tc for tc in ET.parse(os.path.join(out, "junit.xml")).getroot().iter("testcase")
        if tc.get("classname") == "gate.fuzz"]
assert [tc.get("name") for tc in fuzz] == ["hpt"] and fuzz[0].find("failure") is None, ET.tostring(fuzz[0])
assert "known finding" in fuzz[0].findtext("system-out"), ET.tostring(fuzz[0])
results = json.load(open(os.path.join(out, "results.sarif")))["runs"][0]["results"]
assert results and all(r["level"] == "note" and r["ruleId"] == "I9" for r in results), results
for r in results:
    d = os.path.dirname(os.path.join(out, r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]))
    assert os.path.isfile(os.path.join(d, "repro.txt")) and os.path.isfile(os.path.join(d, "input.bin")), d
EOF
expect_rc 1 "$tmp/s.log" planted ./lparsec gate --steps fuzz --targets hpt --regressions "$reg" \
	--fuzz-seconds 3 --out "$tmp/c" --strict
grep -q "^  FAIL hpt: known finding: I9: " "$tmp/s.log" || fail "(c) --strict: $(cat "$tmp/s.log")"
[ "$(tail -1 "$tmp/s.log")" = "gate: FAIL (fuzz: 1 failed)" ] || fail "(c) --strict last line: $(tail -1 "$tmp/s.log")"
echo "gate test: (c) a known finding passes, and fails with --strict"
echo "gate test: PASS"
