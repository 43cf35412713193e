#!/usr/bin/python3
"""Boots the lparsec firmware under qemu-system-ppc64 -M powernv9|powernv10 and
judges the run: the partitions' consoles are shown as they come, then one line
says whether it passed.

A run passes when the firmware printed its final "VERDICT PASS" line, no FAIL
line of a guest or a scenario came before it, and QEMU exited by itself (the
firmware's IPMI power-off) with status 0 within the timeout. A hang (timeout),
a FAIL line, a missing verdict or another exit status fails it.

With --linux the firmware boots Debian's stock ppc64el Linux kernel as a
partition instead (tools/linux/fetch.sh gets it and busybox-static, cached;
tools/linux/initramfs.py packs the initramfs): the run passes when Linux's
/init printed its marker, the partition powered itself off through RTAS and
the firmware's verdict is PASS; the result line gives the time from QEMU's
start to the marker. Attacker guests run beside it (--beside, by default the
firmware's att_memory, att_regs and att_tce) and the invariant checker watches
the whole machine at every dispatch and at the end: an attacker's FAIL or a
"[hv] VIOLATION" line fails the boot.

With --mutant NAME the firmware is built from a scratch copy of the tree with
bench/mutants/NAME.patch applied (the user's tree untouched) and booted: the
result line says whether the boot caught the planted bug, and with which
invariant; exit 0 only when it was caught by an invariant the patch's header
names.

usage: boot.py --firmware FILE [--machine powernv9|powernv10] [--all |
               --scenario NAME... | --guests G,G... | --linux [--kernel F --busybox F]
               [--trace F [--trace-calls N|all]] [--beside G,G|none]] [--slice TICKS] [--append ARGS]
               [--initrd BATCH] [--timeout S] [--quiet] [--json FILE] [--mutant NAME]
Exit status: 0 pass (--mutant: caught as expected), 1 fail (--mutant: not caught, or by
another check), 2 bad usage or QEMU/the firmware file/the kernel/the mutant missing.
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MACHINES = ("powernv9", "powernv10")
VERDICT = re.compile(r"^lparsec-fw: VERDICT (PASS|FAIL)\b")
FAIL_LINE = re.compile(r"^(\[p\d+\] FAIL |\[hv\] verdict: .*: FAIL\b|\[hv\] VIOLATION |HV_CHECK failed"
                       r"|lparsec-fw: interrupt )")
VIOLATION = re.compile(r"^\[hv\] VIOLATION (I\d+) (.*)$")
QEMU_FW_LIMIT = 16 << 20  # qemu-powernv-notes.md §1: a larger -bios is refused
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "linux"))
import initramfs  # noqa: E402  (tools/linux/initramfs.py)
sys.path.insert(0, os.path.join(ROOT, "tools", "campaign"))
import lpcommon  # noqa: E402
import mutants  # noqa: E402  (the planted-bug benchmark's tree copy and patch headers)

INIT_MARKER = re.compile(r"^" + re.escape(initramfs.INIT_MARKER) + r":")
LINUX_TIMEOUT = 180.0
TRACE_LINES = ("[trace] ", "[trace-mem] ")  # the hcalls, and the memory the memory-reading ones read


def parse_args(argv):
    p = argparse.ArgumentParser(prog="lparsec boot", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--firmware", required=True, help="the raw firmware image (lparsec-fw.bin)")
    p.add_argument("--machine", default="powernv9", choices=MACHINES)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--all", action="store_true", help="every scenario (the default)")
    what.add_argument("--scenario", nargs="+", metavar="NAME", help="these scenarios, in order")
    what.add_argument("--guests", metavar="G,G", help="these guests together, one partition each")
    what.add_argument("--linux", action="store_true",
                      help="boot Debian's ppc64el Linux kernel as a partition (fetched and cached on first use)")
    p.add_argument("--kernel", metavar="FILE", help="with --linux: this vmlinux instead of Debian's")
    p.add_argument("--busybox", metavar="FILE", help="with --linux: this static ppc64el busybox instead of Debian's")
    p.add_argument("--trace", metavar="FILE",
                   help="with --linux: write the kernel's first hcalls ([trace] lines) to FILE for import-trace")
    p.add_argument("--trace-calls", default="2048", metavar="N|all",
                   help="with --trace: how many of its hcalls (default 2048; all: every one, ~12 s more)")
    p.add_argument("--beside", metavar="G,G",
                   help="with --linux: the attacker guests beside it (at most 3; 'none': Linux alone)")
    p.add_argument("--mutant", metavar="NAME",
                   help="build the firmware with bench/mutants/NAME.patch applied (a scratch copy) and say if "
                        "the boot caught it")
    p.add_argument("--slice", type=int, metavar="TICKS", help="timebase ticks (512 MHz) per slice")
    p.add_argument("--append", default="", metavar="ARGS", help="more boot arguments, as they stand")
    p.add_argument("--initrd", metavar="FILE",
                   help="a batch of harness programs for the firmware to replay (replay.py writes them)")
    p.add_argument("--timeout", type=float, metavar="S",
                   help=f"a run longer than this hangs (default 60, {LINUX_TIMEOUT:g} with --linux)")
    p.add_argument("--quiet", action="store_true", help="no consoles, only the result line")
    p.add_argument("--json", metavar="FILE", help="write the result (times, verdict, status) to FILE")
    return p.parse_args(argv)


def boot_arguments(opts):
    args = []
    if getattr(opts, "scenario", None):
        args.append("lparsec.scenarios=" + ",".join(opts.scenario))
    elif getattr(opts, "guests", None):
        args.append("lparsec.guests=" + opts.guests)
    elif getattr(opts, "linux", False):
        args.append("lparsec.linux")
        if getattr(opts, "trace", None):
            args.append("lparsec.trace=" + getattr(opts, "trace_calls", "2048"))
        if getattr(opts, "beside", None):
            args.append("lparsec.beside=" + opts.beside)
    if getattr(opts, "slice", None):
        args.append(f"lparsec.slice={opts.slice}")
    if opts.append:
        args.append(opts.append)
    return " ".join(args)


def run(opts, kernel, extra=()):
    """Runs QEMU; returns (lines, status or None on timeout, seconds to the verdict, seconds in all).

    opts needs machine, firmware, timeout, quiet and what boot_arguments reads;
    extra are more QEMU arguments (replay.py's -initrd)."""
    # -append needs -kernel; the firmware reads only /chosen/bootargs, and QEMU
    # puts the kernel at 512 MiB, outside the firmware's machines.
    cmd = ["qemu-system-ppc64", "-M", opts.machine, "-bios", opts.firmware, "-nographic", "-no-reboot",
           "-kernel", kernel, "-append", boot_arguments(opts), *extra]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    lines, verdict_at, buf = [], None, b""
    opts.marker_at = None
    deadline = t0 + opts.timeout
    status = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if not ready:
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            try:
                status = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            break
        buf += chunk
        *done, buf = buf.split(b"\n")
        for raw in done:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            lines.append(line)
            if verdict_at is None and VERDICT.match(line):
                verdict_at = time.monotonic() - t0
            if opts.marker_at is None and INIT_MARKER.match(line):
                opts.marker_at = time.monotonic() - t0
            if not opts.quiet and not (getattr(opts, "trace", None) and line.startswith(TRACE_LINES)):
                print(line, flush=True)
    if buf:
        lines.append(buf.decode("utf-8", "replace").rstrip("\r"))
        if not opts.quiet:
            print(lines[-1], flush=True)
    return lines, status, verdict_at, time.monotonic() - t0


def dummy_kernel(tmp):
    """The file QEMU's -kernel needs for -append (and -initrd): 8 bytes at 512 MiB, never run."""
    kernel = os.path.join(tmp, "no-kernel")
    with open(kernel, "wb") as f:
        f.write(b"lparsec\0")
    return kernel


def judge(lines, status, opts):
    """The reason the run failed, or None."""
    verdicts = [m.group(1) for m in (VERDICT.match(l) for l in lines) if m]
    fails = [l for l in lines if FAIL_LINE.match(l)]
    if status is None:
        last = next((l for l in reversed(lines) if l.strip()), "(no output)")
        return f"hang: QEMU did not exit within {opts.timeout:g} s (last line: {last})"
    if status != 0:
        return f"QEMU exited with status {status}" + (f": {lines[-1]}" if lines else "")
    if fails:
        return f"{len(fails)} FAIL line(s), the first: {fails[0]}"
    if not verdicts:
        return "QEMU exited without the firmware's verdict line"
    if verdicts[-1] != "PASS":
        return "the firmware's verdict is FAIL"
    if getattr(opts, "linux", False) and not any(INIT_MARKER.match(l) for l in lines):
        return f"Linux's /init never printed {initramfs.INIT_MARKER}"
    return None


def linux_pieces(opts, tmp):
    """(vmlinux, initramfs) for --linux, or a reason they cannot be had."""
    kernel, busybox = opts.kernel, opts.busybox
    if not (kernel and busybox):
        fetch = subprocess.run([os.path.join(ROOT, "tools", "linux", "fetch.sh"), "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if fetch.returncode != 0:
            return None, None, "cannot get Debian's kernel and busybox: " + fetch.stderr.strip()
        paths = dict(l.split(" ", 1) for l in fetch.stdout.splitlines() if " " in l)
        kernel, busybox = kernel or paths.get("vmlinux"), busybox or paths.get("busybox")
    for what, path in (("kernel", kernel), ("busybox", busybox)):
        if not path or not os.path.isfile(path):
            return None, None, f"no {what} at {path}"
    cpio = os.path.join(tmp, "initramfs.cpio")
    if initramfs.main(["--busybox", busybox, "--out", cpio]) != 0:
        return None, None, "the initramfs could not be written"
    return kernel, cpio, None


def mutant_firmware(name, tmp):
    """(firmware, the invariants its header names) built from a scratch copy of the tree with
    bench/mutants/NAME.patch applied; ToolError when there is no such mutant or it does not build."""
    path = os.path.join(mutants.MUTANTS_DIR, name + ".patch")
    if "/" in name or not os.path.isfile(path):
        raise lpcommon.ToolError(f"no mutant named {name} (bench/mutants/{name}.patch)")
    header = mutants.parse_mutant(path)
    tree = os.path.join(tmp, "tree")
    mutants.copy_tree(tree)
    mutants.patch(tree, path)
    bdir = os.path.join(tree, "build", "firmware")
    for cmd in (["cmake", "-S", "hv/plat/ppc64", "-B", bdir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                 "-DCMAKE_TOOLCHAIN_FILE=" + os.path.join(tree, "cmake", "ppc64-be-firmware.toolchain.cmake")],
                ["cmake", "--build", bdir]):
        r = subprocess.run(cmd, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise lpcommon.ToolError(f"the firmware with {name} applied did not build:\n"
                                     + lpcommon.build_errors(r.stdout))
    return os.path.join(bdir, "lparsec-fw.bin"), header["invariants"]


def mutant_result(name, expected, lines, reason):
    """The result line of a --mutant boot and its exit status: caught by an expected invariant or not."""
    found = [m for m in (VIOLATION.match(l) for l in lines) if m]
    want = "/".join(expected)
    if reason is None:
        return f"boot: mutant {name} NOT caught (expects {want}): the boot passed", 1
    if found and found[0].group(1) in expected:
        return f"boot: mutant {name} caught as {found[0].group(1)} (expects {want}): {found[0].group(2)}", 0
    return f"boot: mutant {name} caught, but not as {want}: {reason}", 1


def main(argv):
    opts = parse_args(argv)
    if not shutil.which("qemu-system-ppc64"):
        print("lparsec boot: qemu-system-ppc64 not found (./lparsec setup installs qemu-system-ppc)",
              file=sys.stderr)
        return 2
    if not os.path.isfile(opts.firmware):
        print(f"lparsec boot: no firmware image at {opts.firmware}", file=sys.stderr)
        return 2
    if opts.initrd and not os.path.isfile(opts.initrd):
        print(f"lparsec boot: no initrd at {opts.initrd}", file=sys.stderr)
        return 2
    if opts.timeout is None:
        opts.timeout = LINUX_TIMEOUT if opts.linux else 60.0
    if (opts.kernel or opts.busybox or opts.trace or opts.beside) and not opts.linux:
        print("lparsec boot: --kernel, --busybox, --trace and --beside go with --linux", file=sys.stderr)
        return 2
    if not re.fullmatch(r"all|[1-9][0-9]{0,6}", opts.trace_calls):
        print("lparsec boot: --trace-calls takes a count or 'all'", file=sys.stderr)
        return 2
    if opts.beside and not re.fullmatch(r"[a-z0-9_]+(,[a-z0-9_]+){0,2}", opts.beside):
        print("lparsec boot: --beside takes 'none' or up to 3 guest names, comma separated", file=sys.stderr)
        return 2
    if opts.linux and opts.initrd:
        print("lparsec boot: --linux makes its own initramfs; --initrd is for program batches", file=sys.stderr)
        return 2
    if opts.timeout <= 0 or (opts.slice is not None and opts.slice < 1000):
        print("lparsec boot: --timeout must be positive and --slice at least 1000", file=sys.stderr)
        return 2
    expected = None
    with tempfile.TemporaryDirectory(prefix="lparsec-boot-") as tmp:
        if opts.mutant:
            try:
                opts.firmware, expected = mutant_firmware(opts.mutant, tmp)
            except lpcommon.ToolError as e:
                print(f"lparsec boot: {e}", file=sys.stderr)
                return 2
        if opts.linux:
            kernel, cpio, why = linux_pieces(opts, tmp)
            if why:
                print(f"lparsec boot: {why}", file=sys.stderr)
                return 2
            lines, status, verdict_at, total = run(opts, kernel, ["-initrd", cpio])
        else:
            lines, status, verdict_at, total = run(opts, dummy_kernel(tmp),
                                                   ["-initrd", opts.initrd] if opts.initrd else [])
    reason = judge(lines, status, opts)
    if opts.mutant:
        line, rc = mutant_result(opts.mutant, expected, lines, reason)
        print(line)
        return rc
    if opts.trace:
        trace = [l for l in lines if l.startswith(TRACE_LINES)]
        tmpname = opts.trace + ".tmp"
        with open(tmpname, "w") as f:
            f.write("\n".join(trace) + "\n")
        os.replace(tmpname, opts.trace)
        if not trace or trace[-1] != "[trace] end":
            reason = reason or f"the firmware's trace is missing or cut short ({len(trace)} lines in {opts.trace})"
    size = os.path.getsize(opts.firmware)
    if reason and status not in (None, 0) and size > QEMU_FW_LIMIT:
        reason += f" (the image is {size} bytes; QEMU loads at most {QEMU_FW_LIMIT})"
    result = {"machine": opts.machine, "status": status, "pass": reason is None, "reason": reason,
              "seconds_to_verdict": verdict_at, "seconds": total,
              "seconds_to_init": opts.marker_at if opts.linux else None,
              "scenarios": [l.split("verdict: ", 1)[1] for l in lines if l.startswith("[hv] verdict: ")],
              "invariants": next((l.split(": ", 1)[1] for l in lines if l.startswith("[hv] invariants: ")), None),
              "violations": [l[len("[hv] VIOLATION "):] for l in lines if VIOLATION.match(l)]}
    if opts.json:
        tmpname = opts.json + ".tmp"
        with open(tmpname, "w") as f:
            json.dump(result, f, indent=1)
        os.replace(tmpname, opts.json)
    timing = (f"verdict after {verdict_at:.2f} s, " if verdict_at is not None else "") + f"{total:.2f} s in all"
    if opts.linux and opts.marker_at is not None:
        timing = f"Linux's init after {opts.marker_at:.2f} s, " + timing
    if reason:
        print(f"boot: FAIL ({opts.machine}, {timing}): {reason}")
        return 1
    print(f"boot: PASS ({opts.machine}, {timing}, QEMU exited 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
