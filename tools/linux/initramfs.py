#!/usr/bin/python3
"""Writes the Linux partition's initramfs: a newc cpio archive holding Debian's
static busybox, /dev/console and an /init that prints the init marker and
powers the partition off (issue 17).

usage: initramfs.py --busybox FILE --out FILE
Exit status: 0 written, 2 bad usage or an unreadable busybox (nothing written).
"""
import argparse
import os
import sys

INIT_MARKER = "LPARSEC-LINUX-INIT-OK"
INIT = f"""#!/bin/busybox sh
/bin/busybox echo "{INIT_MARKER}: Linux $(/bin/busybox uname -r) ran /init as pid $$"
/bin/busybox poweroff -f
"""


def entry(ino, name, mode, data=b"", rdev=(0, 0)):
    """One newc header (070701) with its name and data, each padded to 4 bytes."""
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = head + name_b
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def archive(busybox):
    parts = [
        entry(1, "bin", 0o040755),
        entry(2, "dev", 0o040755),
        entry(3, "dev/console", 0o020600, rdev=(5, 1)),
        entry(4, "bin/busybox", 0o100755, busybox),
        entry(5, "init", 0o100755, INIT.encode()),
        entry(0, "TRAILER!!!", 0),
    ]
    data = b"".join(parts)
    return data + b"\0" * (-len(data) % 512)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--busybox", required=True)
    p.add_argument("--out", required=True)
    opts = p.parse_args(argv)
    try:
        with open(opts.busybox, "rb") as f:
            busybox = f.read()
    except OSError as e:
        print(f"initramfs: cannot read busybox: {e}", file=sys.stderr)
        return 2
    if busybox[:4] != b"\x7fELF":
        print(f"initramfs: {opts.busybox} is not an ELF file", file=sys.stderr)
        return 2
    tmp = opts.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(archive(busybox))
    os.replace(tmp, opts.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
