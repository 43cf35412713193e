#!/usr/bin/python3
"""Night over night: one small record per nightly campaign, kept in its directory.

    history.py record DIR     the finished campaign in DIR becomes DIR/history/<night>.json
    history.py archive DIR    a finished campaign makes way for the next night (its campaign.json
                              to DIR/history/; corpus/ and findings/ stay)
    history.py show DIR       the nights, and what changed since the one before

ci/nightly.sh records each night and archives the last one before the next
starts; ./lparsec report shows the nights and what changed since the
previous one: findings new and vanished, hcall x return code cells gained
and lost (matrix.json), coverage and executions.

A record: {"night": "<campaign start, UTC>", "recorded": "...", "elapsed_s": s,
"execs": n, "coverage_lines_pct": p | null, "cells": n, "reached": n,
"reached_cells": ["H_ENTER H_SUCCESS", ...], "findings": [titles that fired this night: the new
ones and the earlier nights' whose reproducer still fires], "new_findings": [titles],
"no_longer_firing": [earlier nights' titles whose reproducer no longer fires]}. Written
atomically; a corrupt one is skipped with a warning, never fatal. Exit 0, 2 a tool error (not a campaign directory).
Only the standard library of Debian's /usr/bin/python3.
"""

import argparse
import datetime
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(HERE, "..", "tools", "campaign"))  # lpcommon, the tools' shared helpers
import lpcommon as lp  # noqa: E402


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _campaign(out_dir):
    path = os.path.join(out_dir, "campaign.json")
    if not os.path.isfile(path):
        raise lp.ToolError(f"{out_dir} is not a campaign directory (no campaign.json)")
    state = lp.read_json(path, "campaign")
    if not isinstance(state, dict):
        raise lp.ToolError(f"{path}: corrupt campaign (not a JSON object)")
    return state


def _night_name(started):
    """A file name for a night: its start time without separators."""
    return re.sub(r"[^0-9TZ]", "", str(started or "")) or "unknown"


def _findings(out_dir):
    """Titles of every finding group in DIR, and of those first seen by the campaign now there."""
    d = os.path.join(out_dir, "findings")
    titles = {}
    for slug in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        try:
            f = lp.read_json(os.path.join(d, slug, "finding.json"), "finding")
            titles[slug] = str(f.get("title") or slug)
        except (lp.ToolError, AttributeError):
            continue
    return titles


def make_record(out_dir):
    """The record of the campaign in DIR (finished or not: what it has done so far)."""
    state = _campaign(out_dir)
    execs = sum(int(e.get("execs") or 0) for per in (state.get("totals") or {}).values() if isinstance(per, dict)
                for e in per.values() if isinstance(e, dict))
    titles = _findings(out_dir)
    new = [titles[s] for s in state.get("new_findings") or [] if s in titles]
    # The groups of earlier nights kept in DIR count only while their reproducer still fires on
    # this night's build (the campaign replayed each: earlier_findings); one that no longer fires
    # was fixed -- it "vanishes" from this night.
    rechecked = state.get("earlier_findings") if isinstance(state.get("earlier_findings"), dict) else {}
    fixed = sorted(titles[s] for s, fires in rechecked.items() if fires is False and s in titles)
    firing = sorted(t for s, t in titles.items() if rechecked.get(s) is not False)
    rec = {"night": state.get("started"), "recorded": _now(), "elapsed_s": state.get("elapsed_s"), "execs": execs,
           "coverage_lines_pct": None, "cells": None, "reached": None, "reached_cells": [],
           "findings": firing, "new_findings": sorted(new), "no_longer_firing": fixed}
    try:
        cov = lp.read_json(os.path.join(out_dir, "coverage", "coverage.json"), "coverage")
        rec["coverage_lines_pct"] = ((cov.get("total") or {}).get("lines") or {}).get("percent")
    except (lp.ToolError, AttributeError):
        pass
    try:
        mx = lp.read_json(os.path.join(out_dir, "matrix.json"), "matrix")
        merged = (mx.get("hcalls") or {}).get("merged") or {}
        rec["cells"], rec["reached"] = mx.get("cells"), mx.get("reached")
        rec["reached_cells"] = sorted(f"{name} {rc}" for name, rcs in merged.items() for rc, n in rcs.items() if n)
    except (lp.ToolError, AttributeError):
        pass
    return rec


def record(out_dir):
    """Writes DIR/history/<night>.json for the campaign in DIR; the path."""
    rec = make_record(out_dir)
    path = os.path.join(out_dir, "history", _night_name(rec["night"]) + ".json")
    lp.atomic_write_json(path, rec)
    return path


def archive(out_dir):
    """A finished campaign's campaign.json goes to DIR/history/ so that the next night starts anew
    (its corpus and findings stay); True when there was one to archive."""
    state = _campaign(out_dir)
    if state.get("status") != "done":
        return False
    night = _night_name(state.get("started"))
    if not os.path.exists(os.path.join(out_dir, "history", night + ".json")):
        record(out_dir)  # a night not recorded yet (nightly.sh killed after its campaign) is kept too
    os.replace(os.path.join(out_dir, "campaign.json"), os.path.join(out_dir, "history", f"campaign-{night}.json"))
    return True


def load(out_dir, warnings=None):
    """The nights recorded in DIR, oldest first."""
    d = os.path.join(out_dir, "history")
    nights = []
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if not name.endswith(".json") or name.startswith(("campaign-", ".")):
            continue
        try:
            rec = lp.read_json(os.path.join(d, name), "night record")
            if not isinstance(rec, dict) or not isinstance(rec.get("findings"), list):
                raise lp.ToolError(f"{os.path.join(d, name)}: not a night record")
            nights.append(rec)
        except lp.ToolError as e:
            if warnings is not None:
                warnings.append(f"history: {e}; skipped")
    return sorted(nights, key=lambda r: str(r.get("night") or ""))


def changes(prev, cur):
    """What changed from night prev to night cur."""
    def delta(key):
        a, b = prev.get(key), cur.get(key)
        return None if a is None or b is None else round(b - a, 2)
    pf, cf = set(prev.get("findings") or []), set(cur.get("findings") or [])
    pc, cc = set(prev.get("reached_cells") or []), set(cur.get("reached_cells") or [])
    return {"from": prev.get("night"), "to": cur.get("night"), "new_findings": sorted(cf - pf),
            "vanished_findings": sorted(pf - cf), "cells_gained": sorted(cc - pc), "cells_lost": sorted(pc - cc),
            "coverage_delta": delta("coverage_lines_pct"), "execs_delta": delta("execs")}


def main():
    ap = argparse.ArgumentParser(prog="history.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("record", "archive", "show"))
    ap.add_argument("dir", metavar="DIR")
    a = ap.parse_args()
    if a.what == "record":
        print(f"history: recorded {record(a.dir)}")
    elif a.what == "archive":
        print(f"history: {'archived the finished night' if archive(a.dir) else 'nothing to archive'} in {a.dir}")
    else:
        nights = load(a.dir)
        for n in nights:
            print(f"{n.get('night')}: {n.get('execs')} execs, coverage {n.get('coverage_lines_pct')} %, "
                  f"{n.get('reached')}/{n.get('cells')} cells, {len(n.get('findings') or [])} findings")
        if len(nights) >= 2:
            c = changes(nights[-2], nights[-1])
            print(f"since {c['from']}: new {c['new_findings']}, vanished {c['vanished_findings']}, "
                  f"cells +{len(c['cells_gained'])} -{len(c['cells_lost'])}")
    return 0


if __name__ == "__main__":
    lp.main_wrapper("history", main)
