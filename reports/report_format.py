"""How the report writes numbers, durations, engine names, paths and a finding's
where/when: one spelling for report.html, summary.md and the plots alike.

Only the standard library of Debian's /usr/bin/python3.
"""

import os
import shlex

import lpcommon as lp

ENGINE_NAMES = {"libfuzzer": "libFuzzer", "afl": "AFL++"}


def num(v, default=None):
    """A finite number from JSON/CSV (bools and junk are not numbers)."""
    if isinstance(v, bool) or v is None:
        return default
    try:
        f = float(v)
    except (TypeError, ValueError):
        return default
    if f != f or f in (float("inf"), float("-inf")):
        return default
    return f


def int_or_float(f):
    return int(f) if f is not None and float(f).is_integer() else f


def fmt_int(v):
    f = num(v)
    return "–" if f is None else f"{int(round(f)):,}"


def fmt_rate(v):
    f = num(v)
    if f is None:
        return "–"
    return f"{f:,.0f}" if f >= 100 else f"{f:,.1f}"


def fmt_pct(v):
    f = num(v)
    return "–" if f is None else f"{f:.1f} %"


def fmt_duration(s):
    s = num(s)
    if s is None:
        return "–"
    s = int(round(s))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h} h {m:02d} min {sec:02d} s"
    if m:
        return f"{m} min {sec:02d} s"
    return f"{sec} s"


def engine_name(e):
    return ENGINE_NAMES.get(e, e)


def display_path(path):
    """A path as the user types it after ./lparsec: relative to the project root when inside it."""
    real = os.path.realpath(path)
    rel = os.path.relpath(real, lp.ROOT)
    return real if rel == ".." or rel.startswith("../") else rel


def repro_command(path):
    return "./lparsec repro " + shlex.quote(display_path(path))


def finding_first_seen(f):
    s = f["first_seen"] or "–"
    if f["first_seen_elapsed_s"] is not None:
        s += f" ({fmt_duration(f['first_seen_elapsed_s'])} into the campaign"
        s += " that found it)" if f.get("earlier") else ")"
    return s


def finding_earlier(f):
    """A group an earlier campaign in the same directory found: does it still fire on this build?"""
    if not f.get("earlier"):
        return None
    return {True: "from an earlier night, still fires", False: "from an earlier night, no longer fires (fixed?)"} \
        .get(f.get("fires_now"), "from an earlier night, not replayed")


def finding_where(f):
    if not f["target"] and not f["engine"]:
        return "–"
    return f"{f['target'] or '?'} / {engine_name(f['engine']) if f['engine'] else '?'}"


def bisect_text(b):
    """One line for a finding's bisection (report.read_bisect's record)."""
    if b["status"] == "found":
        return f"{b['subject']} (bisected {b['good']}..{b['bad']})"
    return f"one of {', '.join(b['candidates'])} (skipped commits hide which; bisected {b['good']}..{b['bad']})"


# What a state where an oracle's bug could live is (struct lp_inv_counts in inv_state.h).
RICH_STATES = {
    "I1": "a valid HPTE of a page larger than 4 KiB (checks: valid hardware HPTEs)",
    "I2": "a valid HPTE or TCE, a registration on (checks: every one examined)",
    "I3": "a TCE granting DMA (checks: TCEs examined)",
    "I4": "after removing an LMB that was mapped (HPTE or TCE), registered in or written",
    "I5": "after dispatching a vCPU whose record the thread did not already hold",
    "I6": "an hcall returning outputs the model predicted",
    "I7": "an hcall that failed (and must have changed nothing)",
    "I8": "an hcall naming another partition's resource",
    "I9": "with a translation cached in the emulated TLB",
    "I11": "after moving memory that was mapped (HPTE or TCE), registered in or written",
    "I12": "a driver's access the harness's MMU translates, an operation that ran on both drivers",
}
