#!/usr/bin/env bash
# Finding titles (lpcommon.title_from_log) for every kind of failure a
# tool's output can carry, as triage, the report and the gate name them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 - <<'PY'
import lpcommon as c

cases = [
    ("lparsec-repro: f.txt: VIOLATION I9 after op 4: stale translation survived: a=0x10 b=0x20",
     "I9: stale translation survived"),
    ("x: VIOLATION I12 after op 2: the driver's MMU faulted where the harness's translates a=0x10003008 b=0x400008",
     "I12: the driver's MMU faulted where the harness's translates"),
    ("HV_CHECK failed: l->hpte_count > 0 at hv/core/hpt.c:160\n==1== ERROR: libFuzzer: deadly signal",
     "HV_CHECK l->hpte_count > 0 at hv/core/hpt.c:160"),
    ("==1==ERROR: AddressSanitizer: heap-buffer-overflow on address\n    #0 0x1 in hv_tce_store x.c:1\n"
     "    #1 0x2 in h_put_tce y.c:2\n    #2 0x3 in hv_enter z.c:3\n",
     "ASan heap-buffer-overflow in hv_tce_store < h_put_tce < hv_enter"),
    ("emu: engine error: thread 0 of machine 0: the interpreter stopped with interrupt 3 at 0x100000040 (status 0x40000000)",
     "emu engine error: thread of machine : the interpreter stopped with interrupt at"),
    ("==1== ERROR: libFuzzer: timeout after 25 seconds", "timeout"),
    ("==1== ERROR: libFuzzer: deadly signal", "crash (deadly signal)"),
    ("nothing went wrong", None),
]
bad = 0
for text, want in cases:
    got = c.title_from_log(text)
    if got != want:
        print(f"FAIL: {text.splitlines()[0]!r}: got {got!r}, want {want!r}")
        bad += 1
print(f"{len(cases) - bad} passed, {bad} failed")
raise SystemExit(1 if bad else 0)
PY
