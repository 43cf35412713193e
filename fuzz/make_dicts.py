#!/usr/bin/env python3
"""Writes fuzz/<target>.dict and fuzz/<target>.options (AFL++/libFuzzer
dictionary format) from the binary program format of harness/include/lparsec/prog.h.
Re-run after changing the format: python3 fuzz/make_dicts.py"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
LP_MAX_BIN = 3 + 6 + 64 * (4 + 9 * 9) + 16

KINDS = ["hcall", "mem_add", "mem_remove", "cpu_add", "cpu_remove", "win_assign", "win_unassign", "relocate",
         "migrate", "dispatch", "preempt", "dma_read", "dma_write", "load", "store", "plant"]  # backdoor: never
SELS = ["lit", "own", "other", "hyp", "ptex", "edge", "liobn", "pteh", "ptel", "tce", "ioba", "hash", "ea"]
EDGES = ["zero", "nhpte_m1", "nhpte", "nhpte_p8", "2_63", "ones", "2_32", "lend", "lend_m4k", "wend", "wend_m4k",
         "wstart_m4k", "512", "513", "int64max", "2_60", "lmb_m640", "lmb_m48", "lend_m640"]
# The calls in lp_hcall_opcodes order, with the argument count each takes and the targets that
# keep them: harness/include/lparsec/hcalls.def, the one description of every hcall.
HCALL_DEF = os.path.join(HERE, "..", "harness", "include", "lparsec", "hcalls.def")
TARGET_FLAGS = {"LP_HT_HPT": "hpt", "LP_HT_TCE": "tce", "LP_HT_DISPATCH": "dispatch"}


def read_hcalls():
    """[(name, nargs, {target})] from hcalls.def, in its order."""
    calls = []
    with open(HCALL_DEF) as f:
        for line in f:
            m = re.match(r"LP_HCALL\((\w+), LP_RCS\([^)]*\), (LP_NO_ARGS|LP_ARGS\(([^)]*)\)), ([\w |]+)\)\s*$", line)
            if m:
                nargs = 0 if m.group(2) == "LP_NO_ARGS" else len(m.group(3).split(","))
                targets = {TARGET_FLAGS[t.strip()] for t in m.group(4).split("|") if t.strip() != "0"}
                calls.append((m.group(1), nargs, targets))
            elif line.startswith("LP_HCALL("):
                raise SystemExit(f"make_dicts.py: cannot read this line of {HCALL_DEF}: {line.strip()}")
    return calls


HCALLS = read_hcalls()
LITS = {"2_63": 1 << 63, "ones": (1 << 64) - 1, "16383": 16383, "16384": 16384, "int64max": (1 << 63) - 1,
        # H_PAGE_INIT flags (zero, copy, both: the order the core validates them in matters) and the
        # H_REGISTER_VPA functions (register VPA / DTL / SLB shadow, deregister VPA).
        "page_zero": 1 << 15, "page_copy": 1 << 14, "page_zero_copy": 3 << 14,
        "vpa_reg": 1 << 45, "vpa_reg_dtl": 2 << 45, "vpa_reg_slb": 3 << 45, "vpa_dereg": 5 << 45,
        # H_EOI's XIRR: CPPR 0xFF or 5 with the IPI's source (2); a DAWRX with the hypervisor bit (H_SET_MODE).
        "xirr_ipi": 0xFF000002, "xirr_ipi_5": 0x05000002, "dawrx_hyp": 0x4}

# Per target: the hcalls it keeps (None: every one) and the other operation kinds (None: every one).
def calls_of(target):
    return [name for name, _, targets in HCALLS if target in targets]


TARGETS = {
    "hcall_seq": (None, None),
    "hpt": (calls_of("hpt"), ["load", "store", "mem_add", "mem_remove", "relocate"]),
    "tce": (calls_of("tce"), ["dma_read", "dma_write", "win_assign", "win_unassign", "mem_add", "mem_remove", "relocate"]),
    "dlpar": (None, ["mem_add", "mem_remove", "cpu_add", "cpu_remove", "win_assign", "win_unassign", "relocate",
                     "migrate"]),
    "dispatch": (calls_of("dispatch"), ["dispatch", "preempt", "plant", "cpu_add", "cpu_remove", "store"]),
    # Every operation, as hcall_seq: the Unicorn driver runs whole programs.
    "guest": (None, None),
}


def esc(bs):
    return "".join("\\x%02x" % b for b in bs)


def dict_for(target, calls, kinds):
    out = ["# %s: tokens of the lparsec binary program format (fuzz/make_dicts.py)" % target,
           'magic="%s"' % esc(b"LP\x01"),
           # magic + config: 4 partitions with 2 LMBs, 2 vCPUs, 1 window each, 4 threads
           'magic_config_4p="%s"' % esc(b"LP\x01\x03" + bytes([0x51] * 4) + b"\x03"),
           'magic_config_2p="%s"' % esc(b"LP\x01\x01\x13\x10\x00\x00\x01"),
           # version 2: 2 partitions, p0 with an HPT of 2^20; ESID 1 a 64 KiB segment, ESID 3 a 16 MiB one
           'magic_v2="%s"' % esc(b"LP\x02"),
           'magic_config_v2="%s"' % esc(b"LP\x02\x01\x13\x10\x00\x00\x01\x02\x00\x00\x00"
                                        b"\x02\x01\x01\x01\x20\x00\x03\x02\x03\x10\x00")]
    for k, name in enumerate(KINDS):
        if kinds is None or name in kinds or name == "hcall":
            out.append('kind_%s="%s"' % (name, esc([k])))
    for i, (name, nargs, _) in enumerate(HCALLS):
        if calls is None or name in calls:
            out.append('%s="%s"' % (name.lower(), esc([0, 0, i, nargs])))
            out.append('%s_p1v1="%s"' % (name.lower(), esc([0, 1 | 1 << 2, i, nargs])))
    for s, name in enumerate(SELS):
        out.append('sel_%s="%s"' % (name, esc([s])))
    for e, name in enumerate(EDGES):
        out.append('edge_%s="%s"' % (name, esc([5, e])))
    out += ['ptex_last="%s"' % esc([4, 0]), 'ptex_next="%s"' % esc([4, 1]), 'ptex_prev="%s"' % esc([4, 0xFF]),
            'liobn_own="%s"' % esc([6, 0]), 'liobn_other="%s"' % esc([6, 2])]
    for name, v in LITS.items():
        out.append('lit_%s="%s"' % (name, esc([0] + list(v.to_bytes(8, "little")))))
    return "\n".join(out) + "\n"


for t, (calls, kinds) in TARGETS.items():
    with open(os.path.join(HERE, t + ".dict"), "w") as f:
        f.write(dict_for(t, calls, kinds))
    with open(os.path.join(HERE, t + ".options"), "w") as f:
        # mutate_depth: libFuzzer stacks this many custom mutations on one corpus input (default 5),
        # and each already makes 1-3 structural changes; 5 drifted the programs run to 37-38
        # operations where 2 runs 26-27 with the same coverage per execution (README, Fuzzing speed).
        f.write("[libfuzzer]\nmax_len = %d\ndict = %s.dict\nmutate_depth = 2\n" % (LP_MAX_BIN, t))
