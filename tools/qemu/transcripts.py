#!/usr/bin/python3
"""Checks that guests say the same thing in the firmware under QEMU and on the
Unicorn engine: for each scenario, every partition's console lines (its
transcript) from `boot.py` and from `lparsec-run-guest` must be identical line
for line. How the partitions' lines interleave may differ (a slice is time on
QEMU and instructions on Unicorn), so each partition is compared on its own.

usage: transcripts.py --firmware FILE --run-guest BINARY [--machine M] SCENARIO...
Exit status: 0 identical, 1 a difference (shown as a diff), 2 bad usage or a
run that could not start.
"""
import argparse
import difflib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PART_LINE = re.compile(r"^\[p(\d+)\] ")


def transcripts(lines):
    """{partition: [its console lines]} from a run's output."""
    out = {}
    for line in lines:
        m = PART_LINE.match(line)
        if m:
            out.setdefault(int(m.group(1)), []).append(line)
    return out


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    return r.returncode, [l.rstrip("\r") for l in r.stdout.splitlines()]


def main(argv):
    p = argparse.ArgumentParser(prog="transcripts.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--firmware", required=True)
    p.add_argument("--run-guest", required=True)
    p.add_argument("--machine", default="powernv9")
    p.add_argument("scenarios", nargs="+")
    opts = p.parse_args(argv)
    differ = 0
    for s in opts.scenarios:
        fw_rc, fw = run([sys.executable, os.path.join(HERE, "boot.py"), "--firmware", opts.firmware,
                         "--machine", opts.machine, "--scenario", s])
        uc_rc, uc = run([opts.run_guest, "--scenario", s])
        if fw_rc == 2 or uc_rc == 2:
            print(f"{s}: a run could not start (firmware {fw_rc}, Unicorn {uc_rc})")
            print("\n".join(fw[-5:] + uc[-5:]))
            return 2
        a, b = transcripts(fw), transcripts(uc)
        if not a or a != b:
            differ += 1
            print(f"{s}: the transcripts differ (firmware exit {fw_rc}, Unicorn exit {uc_rc})")
            for part in sorted(set(a) | set(b)):
                sys.stdout.writelines(difflib.unified_diff([l + "\n" for l in a.get(part, [])],
                                                           [l + "\n" for l in b.get(part, [])],
                                                           f"firmware p{part}", f"unicorn p{part}", n=1))
        else:
            print(f"{s}: identical ({', '.join(f'p{k} {len(v)} lines' for k, v in sorted(a.items()))})")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
