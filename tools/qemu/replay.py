#!/usr/bin/python3
"""Differential replay under QEMU: runs harness programs inside the lparsec
firmware (qemu-system-ppc64 -M powernv9|powernv10), where every hcall, load and
store is a real instruction of a partition through the processor's own hash MMU,
and compares each program's run with its host-direct run, operation by
operation. Any difference in an operation's status, return code, resolved
arguments or outputs, or in the verdict, is I12 (one program, the same results
on every driver).

All programs go to the firmware in one batch (one QEMU boot, passed with
-initrd); the host-direct runs are lparsec-repro --transcript on machines with
the firmware's platform capabilities (stores-unseen). Both print the lines of
harness/include/lparsec/transcript.h.

usage: replay.py --firmware FILE --repro BIN --fmt BIN [--machine powernv9|powernv10]
                 [--backdoor] [--expect] [--plant NAME] [--timeout S] [--quiet | --console]
                 [--json FILE] FILE...
Exit status: 0 every program agrees (and has no violation; with --expect, the
verdict its file expects on a '# expect:' line, clean by default); 1 a
disagreement, a violation, or the firmware failed to run the batch (a hang, its
driver failed); 2 bad usage, QEMU or a tool missing, or a program file could
not be read.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boot  # noqa: E402  (the QEMU runner and the judge of the firmware's own verdict)

BATCH_MAGIC = b"LPSMBAT1"
BATCH_BACKDOOR = 0x1
FIRMWARE_CAPS = "stores-unseen"  # hv/plat/ppc64/replay.c: rp.drv.caps
PLANTS = ("stale-load", "no-swap", "lost-dirty")  # hv/plat/ppc64/fw.h enum fw_replay_plant
FW_LINE = re.compile(r"^\[replay\] (.*)$")
FW_PROGRAM = re.compile(r"^program (.*) \((\d+) operations?\)$")
HOST_PROGRAM = re.compile(r"^# == (.*) \((text|binary), (\d+) operations?\)$")
OP_LINE = re.compile(r"^op (\d+): (\S+) rc (-?\d+) args (\S+) outs (\S+)$")
FIELDS = ["status", "return code"] + [f"argument {i}" for i in range(9)] + [f"output r{i + 4}" for i in range(9)]


def parse_args(argv):
    p = argparse.ArgumentParser(prog="lparsec repro --engine qemu", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--firmware", required=True, help="the raw firmware image (lparsec-fw.bin)")
    p.add_argument("--repro", required=True, help="lparsec-repro of the host build")
    p.add_argument("--fmt", required=True, help="lparsec-fmt of the host build (text programs to binary)")
    p.add_argument("--machine", default="powernv9", choices=boot.MACHINES)
    p.add_argument("--backdoor", action="store_true", help="let backdoor operations corrupt (oracle tests only)")
    p.add_argument("--expect", action="store_true",
                   help="judge each verdict against the file's '# expect:' line (clean by default)")
    p.add_argument("--plant", choices=PLANTS, action="append",
                   help="a deliberate bug in the firmware's driver (tests: the comparison must catch it)")
    p.add_argument("--timeout", type=float, metavar="S", help="QEMU's time for the batch (default 30 + 2 per program)")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--quiet", action="store_true", help="only one line per program and the summary")
    shown.add_argument("--console", action="store_true", help="the firmware's console as it comes")
    p.add_argument("--json", metavar="FILE", help="write every program's result to FILE")
    p.add_argument("--skip-unsupported", action="store_true",
                   help="a program whose machines the firmware cannot hold is listed as not run, not an error (exit 2)")
    p.add_argument("files", nargs="+", metavar="FILE")
    return p.parse_args(argv)


def file_directives(path):
    """(backdoor wanted, expected verdict) from a text program's comment lines."""
    backdoor, expect = False, "clean"
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return False, "clean"
    for raw in head.splitlines():
        line = raw.decode("utf-8", "replace").strip()
        if line.startswith("# repro-flags:") and "--backdoor" in line.split():
            backdoor = True
        elif line.startswith("# expect:"):
            expect = line.split(":", 1)[1].strip() or "clean"
    return backdoor, expect


def to_binary(fmt, path, tmp, index):
    """The program's binary form (lparsec-fmt), or raises ValueError with fmt's message."""
    out = os.path.join(tmp, f"{index}.bin")
    r = subprocess.run([fmt, "--to", "bin", path, "-o", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        words = r.stderr.strip() or f"lparsec-fmt exited {r.returncode}"
        fmt_prefix = f"lparsec-fmt: {path}: "
        raise ValueError(words[len(fmt_prefix):] if words.startswith(fmt_prefix) else words)
    with open(out, "rb") as f:
        return f.read()


def write_batch(path, programs):
    """programs: [(name, binary, backdoor)] in the firmware's batch format (replay.c)."""
    parts = [BATCH_MAGIC, struct.pack(">I", len(programs))]
    for name, data, backdoor in programs:
        encoded = name.encode("utf-8", "replace")
        parts.append(struct.pack(">III", BATCH_BACKDOOR if backdoor else 0, len(encoded), len(data)))
        parts += [encoded, data]
    with open(path, "wb") as f:
        f.write(b"".join(parts))


def firmware_runs(lines):
    """The firmware's transcript per program, in batch order: [{ops, verdict, message, us}]."""
    runs = []
    for line in lines:
        m = FW_LINE.match(line)
        if not m:
            continue
        body = m.group(1)
        start = FW_PROGRAM.match(body)
        if start:
            runs.append({"ops": [], "verdict": None, "message": "", "us": None, "unsupported": None})
        elif not runs:
            continue
        elif body.startswith("op "):
            runs[-1]["ops"].append(body)
        elif body.startswith("verdict: "):
            runs[-1]["verdict"] = body
        elif body.startswith("message: "):
            runs[-1]["message"] = body[len("message: "):]
        elif body.startswith("time: "):
            runs[-1]["us"] = int(body.split()[1])
        elif body.startswith("unsupported: "):
            runs[-1]["unsupported"] = body[len("unsupported: "):]
    return runs


def host_runs(repro, paths, backdoor):
    """lparsec-repro --transcript on paths: the same per-program dicts, in order; raises ValueError on exit 2."""
    cmd = [repro, "--transcript", "--caps", FIRMWARE_CAPS] + (["--backdoor"] if backdoor else []) + ["--"] + paths
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode not in (0, 1):
        raise ValueError(r.stderr.strip() or f"lparsec-repro exited {r.returncode}")
    runs = []
    for line in r.stdout.splitlines():
        if HOST_PROGRAM.match(line):
            runs.append({"ops": [], "verdict": None, "message": ""})
        elif runs and line.startswith("op "):
            runs[-1]["ops"].append(line)
        elif runs and line.startswith("verdict: "):
            runs[-1]["verdict"] = line
        elif runs and line.startswith("message: "):
            runs[-1]["message"] = line[len("message: "):]
    if len(runs) != len(paths):
        raise ValueError(f"lparsec-repro printed {len(runs)} runs for {len(paths)} programs")
    return runs


def op_difference(host_line, fw_line):
    """Which field of an operation's line differs, with both values."""
    h, q = OP_LINE.match(host_line), OP_LINE.match(fw_line)
    if not h or not q:
        return f"the lines differ: host-direct '{host_line}', qemu '{fw_line}'"
    hv = [h.group(2), h.group(3)] + h.group(4).split(",") + h.group(5).split(",")
    qv = [q.group(2), q.group(3)] + q.group(4).split(",") + q.group(5).split(",")
    for name, a, b in zip(FIELDS, hv, qv):
        if a != b:
            return f"{name} differs: host-direct {a}, qemu {b}"
    return f"the lines differ: host-direct '{host_line}', qemu '{fw_line}'"


def compare(host, fw):
    """None when both runs agree, else the I12 finding's words."""
    for i, (a, b) in enumerate(zip(host["ops"], fw["ops"])):
        if a != b:
            return f"op {i}: " + op_difference(a, b)
    if len(host["ops"]) != len(fw["ops"]):
        return (f"operations run differ: host-direct {len(host['ops'])}, qemu {len(fw['ops'])}")
    if host["verdict"] != fw["verdict"]:
        words = f"verdicts differ: host-direct '{host['verdict']}', qemu '{fw['verdict']}'"
        message = fw["message"] or host["message"]
        return words + (f" ({message})" if message else "")
    return None


def verdict_id(verdict):
    """'clean' or the invariant id ('I7') of a 'verdict: ...' line."""
    if not verdict or verdict == "verdict: clean":
        return "clean"
    return verdict.split()[1]


def main(argv):
    opts = parse_args(argv)
    opts.append = ("lparsec.plant=" + ",".join(opts.plant)) if opts.plant else ""
    for tool, what in ((opts.repro, "lparsec-repro"), (opts.fmt, "lparsec-fmt")):
        if not os.access(tool, os.X_OK):
            print(f"lparsec replay: {what} not found at {tool} (build the host first)", file=sys.stderr)
            return 2
    if not shutil.which("qemu-system-ppc64"):
        print("lparsec replay: qemu-system-ppc64 not found (./lparsec setup installs qemu-system-ppc)", file=sys.stderr)
        return 2
    if not os.path.isfile(opts.firmware):
        print(f"lparsec replay: no firmware image at {opts.firmware}", file=sys.stderr)
        return 2
    if opts.timeout is None:
        opts.timeout = 30.0 + 2.0 * len(opts.files)
    status, programs = 0, []
    with tempfile.TemporaryDirectory(prefix="lparsec-replay-") as tmp:
        for i, path in enumerate(opts.files):
            backdoor, expect = file_directives(path)
            try:
                data = to_binary(opts.fmt, path, tmp, i)
            except ValueError as e:
                print(f"lparsec replay: {path}: {e}", file=sys.stderr)
                status = 2
                continue
            programs.append({"path": path, "data": data, "backdoor": backdoor or opts.backdoor, "expect": expect})
        if not programs:
            return status
        batch = os.path.join(tmp, "batch")
        write_batch(batch, [(p["path"], p["data"], p["backdoor"]) for p in programs])
        opts.quiet = not opts.console
        lines, qemu_status, _, seconds = boot.run(opts, boot.dummy_kernel(tmp), ["-initrd", batch])
    failure = boot.judge(lines, qemu_status, opts)
    said = [l for l in lines if l.startswith(("lparsec-fw: replay:", "lparsec-fw: interrupt", "HV_CHECK failed"))]
    if failure and said:
        failure += f" ({said[0]})"
    fw = firmware_runs(lines)
    host = [None] * len(programs)
    try:
        for flag in (False, True):
            idx = [i for i, p in enumerate(programs) if p["backdoor"] == flag]
            if idx:
                for i, run in zip(idx, host_runs(opts.repro, [programs[i]["path"] for i in idx], flag)):
                    host[i] = run
    except ValueError as e:
        print(f"lparsec replay: the host-direct runs: {e}", file=sys.stderr)
        return 2
    results, agree, bad, not_run = [], 0, 0, 0
    for i, p in enumerate(programs):
        unsupported = fw[i]["unsupported"] if i < len(fw) else None
        run = fw[i] if i < len(fw) and fw[i]["verdict"] else None
        r = {"path": p["path"], "operations": len(host[i]["ops"]), "host_verdict": verdict_id(host[i]["verdict"]),
             "firmware_us": run["us"] if run else None}
        if unsupported:
            r["verdict"], r["finding"], r["agree"] = "not run", unsupported, False
            not_run += 1
            results.append(r)
            print(f"{p['path']}: NOT RUN: {unsupported}")
            if not opts.skip_unsupported:
                status = 2
            continue
        if run is None:
            r["finding"] = "the firmware did not finish this program" + (f" ({failure})" if failure else "")
            r["verdict"] = "error"
        else:
            diff = compare(host[i], run)
            r["verdict"] = "I12" if diff else verdict_id(run["verdict"])
            r["finding"] = diff or (run["message"] if run["verdict"] != "verdict: clean" else None)
        r["agree"] = r["verdict"] not in ("I12", "error")
        agree += r["agree"]
        ok = r["verdict"] == p["expect"] if opts.expect else r["verdict"] == "clean"
        bad += not ok
        results.append(r)
        if not opts.quiet and not opts.console and run:
            print(f"# == {p['path']} (qemu {opts.machine}, {len(run['ops'])} operations)")
            for line in run["ops"] + [run["verdict"]]:
                print(line)
        took = f"{r['firmware_us'] / 1000:.1f} ms in the firmware" if r["firmware_us"] is not None else "not run"
        if r["verdict"] == "I12":
            words = f"VIOLATION I12 (host-direct and qemu disagree) at {r['finding']}"
        elif r["verdict"] == "error":
            words = f"ERROR: {r['finding']}"
        elif r["verdict"] != "clean":
            words = f"VIOLATION {r['verdict']} (host-direct and qemu agree): {r['finding']}"
        else:
            words = f"agree, no violation ({r['operations']} operations, {took})"
        mark = "" if ok or not opts.expect else f"MISMATCH (expected {p['expect']}): "
        print(f"{p['path']}: {mark}{words}")
    summary = (f"replay: {len(programs)} program(s) on {opts.machine}: {agree} agree with host-direct, "
               f"{len(programs) - agree - not_run} do not" + (f", {not_run} not run" if not_run else "") +
               f"; QEMU {seconds:.2f} s in all")
    if failure:
        summary += f"; the firmware's run failed: {failure}"
    print(summary)
    if opts.json:
        tmpname = f"{opts.json}.tmp.{os.getpid()}"
        with open(tmpname, "w") as f:
            json.dump({"machine": opts.machine, "seconds": seconds, "firmware_failure": failure,
                       "programs": results}, f, indent=1)
        os.replace(tmpname, opts.json)
    if bad or failure:
        status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
