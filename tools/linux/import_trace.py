#!/usr/bin/python3
"""Turns the hcall trace of a Linux boot in the firmware (`./lparsec boot --linux
--trace FILE`: "[trace]" lines, r3..r12 going in and coming out of each of the
kernel's hcalls, and "[trace-mem]" lines, the memory a call read) into harness
programs, so the fuzzers start from what a real kernel does, and checks what
host-direct replay of them answers against what the kernel was answered.

Each program is a version 2 program of Linux's partition as the firmware built it
(a 1 GiB machine of 16 MiB LMBs, 16 LMBs, an HPT of 2^22) holding the next calls
of the trace, at most --ops of them. What changes on the way:
- H_ENTER becomes H_EXACT at the slot the kernel got: the firmware's HPT also
  held the partition's real-mode area (bolted VRMA entries), a program's does
  not, so the first free slot of a group differs;
- a call that read partition memory (H_RTAS's argument block, H_REGISTER_VPA's
  area) is preceded by pokes that put back what it read there ("[trace-mem]");
- calls whose answer depends on memory the trace does not hold (H_PAGE_INIT,
  or the above in a trace without their memory), that leave the vCPU asleep
  (H_CEDE, H_CONFER) or that the core does not implement are left out, each
  counted;
- registers a call does not read are passed as the kernel left them.
With --check, every program is replayed host-direct (`lparsec-repro
--transcript`) and each call's return code and outputs compared with the
trace; the first program starts at the kernel's first hcall, later ones do not
hold the entries their predecessors made, so their differences are counted
apart.

usage: import_trace.py TRACE --out DIR [--first N] [--ops N] [--programs N|all] [--check --repro BIN]
Exit status: 0 written (and, with --check, the first program agrees call for
call), 1 a disagreement in the first program, 2 bad input (nothing written).
"""
import argparse
import os
import re
import subprocess
import sys

H_EXACT = 1 << 39
# The opcodes the text form names (hv/include/hv/papr.h).
NAMES = {
    0x04: "H_REMOVE", 0x08: "H_ENTER", 0x0C: "H_READ", 0x10: "H_CLEAR_MOD", 0x14: "H_CLEAR_REF",
    0x18: "H_PROTECT", 0x1C: "H_GET_TCE", 0x20: "H_PUT_TCE", 0x24: "H_SET_SPRG0", 0x2C: "H_PAGE_INIT",
    0x54: "H_GET_TERM_CHAR", 0x58: "H_PUT_TERM_CHAR", 0x64: "H_EOI", 0x68: "H_CPPR", 0x6C: "H_IPI",
    0x70: "H_IPOLL", 0x74: "H_XIRR", 0xDC: "H_REGISTER_VPA", 0xE0: "H_CEDE", 0xE4: "H_CONFER", 0xE8: "H_PROD",
    0x124: "H_BULK_REMOVE", 0x138: "H_STUFF_TCE", 0x1C8: "H_GET_CPU_CHARACTERISTICS",
    0x1CC: "H_PUT_TCE_INDIRECT", 0x300: "H_RANDOM", 0x31C: "H_SET_MODE", 0x37C: "H_REGISTER_PROC_TBL",
    0xF000: "H_RTAS",
}
# Calls that read partition memory: where ("[trace-mem]" holds what was there).
READS_MEMORY = {0xF000: "reads its argument block from memory", 0xDC: "reads the area's size from memory"}
LEFT_OUT = {
    0x2C: "reads and writes pages of memory",
    0xE0: "leaves the vCPU asleep until an interrupt",
    0xE4: "leaves the vCPU asleep until an interrupt",
    0x300: "answers from the platform's entropy",
}
HEADER = """lparsec program v2
config memory=1g lmb=16m threads=1
part p0 lmbs=16 vcpus=1 windows=0 shared hpt=22
"""
LINE = re.compile(r"^\[trace\] (\d+)((?: [0-9a-f]+){10}) ->((?: [0-9a-f]+){10})\s*$")
MEM_LINE = re.compile(r"^\[trace-mem\] (\d+) ([0-9a-f]+)((?: [0-9a-f]+){10})\s*$")


def parse(path):
    """The trace's records: (number, [r3..r12 in], [r3..r12 out], memory read or None), memory as
    (address, [doublewords]); ValueError when there are none."""
    records, memory = [], {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            m = LINE.match(line)
            if m:
                records.append((int(m.group(1)), [int(v, 16) for v in m.group(2).split()],
                                [int(v, 16) for v in m.group(3).split()]))
                continue
            m = MEM_LINE.match(line)
            if m:
                memory[int(m.group(1))] = (int(m.group(2), 16), [int(v, 16) for v in m.group(3).split()])
    if not records:
        raise ValueError(f"{path}: no [trace] lines (boot with ./lparsec boot --linux --trace FILE)")
    return [(n, regs_in, regs_out, memory.get(n)) for n, regs_in, regs_out in records]


def to_ops(rec):
    """([text operations], the outputs the kernel got) -- pokes of the memory it read, then the call --
    or (None, why it is left out)."""
    _, regs_in, regs_out, memory = rec
    opcode, args = regs_in[0], list(regs_in[1:])
    if opcode in LEFT_OUT:
        return None, LEFT_OUT[opcode]
    if opcode not in NAMES:
        return None, "not implemented by the core"
    if opcode in READS_MEMORY and memory is None:
        return None, READS_MEMORY[opcode] + " (not in the trace)"
    if opcode == 0x08 and regs_out[0] == 0:
        args[0] |= H_EXACT  # the slot the kernel got, whatever else its HPT held
        args[1] = regs_out[1]
    last = max((i for i, v in enumerate(args) if v), default=-1)  # the text form names arguments in order
    ops = [f"p0 poke addr=0x{memory[0] + 8 * i:x} value=0x{w:x}" for i, w in enumerate(memory[1])] if memory else []
    ops.append("p0.v0 " + NAMES[opcode] + "".join(f" a{i}=0x{v:x}" for i, v in enumerate(args[:last + 1])))
    return ops, regs_out


def programs(records, ops, count):
    """Up to count programs (None: as many as the trace fills) of up to ops operations each, as lists
    of (call number, [operations], outputs); the counts of what was left out."""
    out, left, cur, used = [], {}, [], 0
    for rec in records:
        call_ops, got = to_ops(rec)
        if call_ops is None:
            left[got] = left.get(got, 0) + 1
            continue
        if used + len(call_ops) > ops:
            out.append(cur)
            cur, used = [], 0
            if len(out) == count:
                break
        cur.append((rec[0], call_ops, got))
        used += len(call_ops)
    if cur and len(out) != count:
        out.append(cur)
    return out, left


def write(progs, out_dir, source):
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for k, prog in enumerate(progs):
        path = os.path.join(out_dir, f"boot_{k:02d}.txt")
        lines = [f"# Linux's hcalls {prog[0][0]}..{prog[-1][0]} of its boot in the lparsec firmware,",
                 f"# imported from {os.path.basename(source)} by tools/linux/import_trace.py; after each",
                 "# call, what the kernel was answered (r3, then r4..r12 when not zero).",
                 "# expect: clean"]
        body = []
        for n, call_ops, got in prog:
            outs = " ".join(f"r{4 + i}=0x{v:x}" for i, v in enumerate(got[1:]) if v)
            body += call_ops[:-1]
            body.append(f"{call_ops[-1]}  # linux: rc={got[0] - (1 << 64) if got[0] >> 63 else got[0]}"
                        + (f" {outs}" if outs else ""))
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n" + HEADER + "\n".join(body) + "\n")
        os.replace(tmp, path)
        paths.append(path)
    return paths


def check(paths, progs, repro):
    """Per program: (calls compared, calls that agree, the first difference or None, repro's verdict)."""
    results = []
    for path, prog in zip(paths, progs):
        run = subprocess.run([repro, "--transcript", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        got, verdict = {}, "no verdict"
        for line in run.stdout.splitlines():
            if line.startswith("verdict: "):
                verdict = line[len("verdict: "):]
            m = re.match(r"^op (\d+): ran rc (-?\w+) args \S+ outs (\S+)", line)
            if m:
                got[int(m.group(1))] = (int(m.group(2), 0) & ((1 << 64) - 1),
                                        [int(v, 0) for v in m.group(3).split(",")])
        agree, first, i = 0, None, -1
        for n, call_ops, want in prog:
            i += len(call_ops)  # the call is the last of its operations
            have = got.get(i)
            if have and have[0] == want[0] and have[1] == want[1:]:
                agree += 1
            elif first is None:
                first = f"op {i} (hcall {n}, {call_ops[-1].split()[1]}): linux rc {want[0]:#x} outs {want[1:4]}, " \
                        f"host-direct {'rc %#x outs %s' % (have[0], have[1][:3]) if have else 'did not run'}"
        results.append((len(prog), agree, first, verdict))
    return results


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("trace")
    p.add_argument("--out", required=True, help="where the programs go (corpora/linux/)")
    p.add_argument("--first", type=int, default=0, metavar="N", help="the first hcall to import (default 0)")
    p.add_argument("--ops", type=int, default=120, help="operations per program (at most 128)")
    p.add_argument("--programs", default="4", help="how many programs, or 'all' the trace fills")
    p.add_argument("--check", action="store_true", help="replay them host-direct and compare with the trace")
    p.add_argument("--repro", help="lparsec-repro, for --check")
    opts = p.parse_args(argv)
    count = None if opts.programs == "all" else int(opts.programs) if opts.programs.isdigit() else 0
    if not 11 <= opts.ops <= 128 or count == 0 or opts.first < 0 or (opts.check and not opts.repro):
        print("import-trace: --ops 11..128 (a call and the pokes of its memory fit), --programs >= 1 or all, "
              "--first >= 0, --check needs --repro", file=sys.stderr)
        return 2
    try:
        records = [r for r in parse(opts.trace) if r[0] >= opts.first]
    except (OSError, ValueError) as e:
        print(f"import-trace: {e}", file=sys.stderr)
        return 2
    if not records:
        print(f"import-trace: {opts.trace}: no hcall numbered {opts.first} or later", file=sys.stderr)
        return 2
    progs, left = programs(records, opts.ops, count)
    paths = write(progs, opts.out, opts.trace)
    print(f"import-trace: {len(records)} hcalls read, {sum(len(x) for x in progs)} in {len(paths)} programs "
          f"({opts.out}); left out: " + (", ".join(f"{n} ({why})" for why, n in sorted(left.items())) or "none"))
    if not opts.check:
        return 0
    rc = 0
    total = agreed = 0
    for k, (path, (n, agree, first, verdict)) in enumerate(zip(paths, check(paths, progs, opts.repro))):
        print(f"import-trace: {os.path.basename(path)}: {agree} of {n} calls answered as under Linux, "
              f"the oracles' verdict: {verdict}" + (f"; first difference: {first}" if first else ""))
        total, agreed = total + n, agreed + agree
        if k == 0 and (agree != n or verdict != "clean"):
            rc = 1
    print(f"import-trace: {agreed} of {total} calls answered host-direct as under Linux")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
