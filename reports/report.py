#!/usr/bin/python3
"""Regenerates a campaign's report.html, report.json and summary.md.

usage: report.py DIR [--no-coverage]

Reads only the campaign directory DIR (campaign.json, stats/*.csv,
findings/*/finding.json + repro.txt, coverage/coverage.json; LAYOUT.md) and
writes, each atomically:

  DIR/report.html   static page (opens from disk: no server, nothing external;
                    plots are inline SVG drawn by gnuplot)
  DIR/report.json   the same facts, machine-readable
  DIR/summary.md    for CI job summaries
  DIR/plots/*.svg   the plots on their own

Coverage: when DIR/corpus/ exists and coverage/coverage.json is missing or
older than the corpus, the coverage preset is built and the corpus replayed
(coverage.py) first; --no-coverage skips that and reports what is there.

Exit status: 0 written, 2 DIR is not a campaign directory, campaign.json is
missing or corrupt, or an output cannot be written.
"""

import argparse
import datetime
import html
import importlib.util
import os
import re
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(HERE, "..", "tools", "campaign"))  # lpcommon, the tools' shared helpers
import lpcommon as lp  # noqa: E402
from report_format import (RICH_STATES, bisect_text, display_path, engine_name, finding_earlier,  # noqa: E402
                           finding_first_seen, finding_where, fmt_duration, fmt_int, fmt_pct, fmt_rate, int_or_float, num, repro_command)
from report_html import render_html  # noqa: E402
from report_plots import history_plots, make_plots  # noqa: E402

STATS_FIELDS = ["elapsed_s", "execs", "execs_per_s", "coverage", "corpus", "findings"]
REPRO_INLINE_MAX = 200_000  # characters of a reproducer shown inline


def _coverage_module():
    """reports/coverage.py, loaded by path (a 'coverage' package installed elsewhere must not win)."""
    spec = importlib.util.spec_from_file_location("lparsec_coverage", os.path.join(HERE, "coverage.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _engine_order(engines):
    known = [e for e in lp.ENGINES if e in engines]
    return known + sorted(e for e in engines if e not in lp.ENGINES)


# ---- reading the campaign directory -----------------------------------------

def load_campaign(out_dir):
    if not os.path.exists(out_dir):
        raise lp.ToolError(f"{out_dir}: no such directory")
    if not os.path.isdir(out_dir):
        raise lp.ToolError(f"{out_dir}: not a directory")
    path = os.path.join(out_dir, "campaign.json")
    if not os.path.exists(path):
        raise lp.ToolError(f"{out_dir} is not a campaign directory (no campaign.json; "
                           f"`./lparsec campaign --out DIR` makes one)")
    state = lp.read_json(path, "campaign state")
    if not isinstance(state, dict):
        raise lp.ToolError(f"{path}: corrupt campaign state (not a JSON object)")
    version = state.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise lp.ToolError(f"{path}: corrupt campaign state (version is {version!r})")
    if version > 1:
        raise lp.ToolError(f"{path}: campaign state version {version} is newer than this report understands (1)")
    for key, kind in (("config", dict), ("totals", dict), ("slices", dict), ("new_findings", list)):
        if key in state and not isinstance(state[key], kind):
            raise lp.ToolError(f"{path}: corrupt campaign state ({key} is not a JSON {kind.__name__})")
    return state


def read_stats_file(path):
    """One stats CSV -> (columns {field: [values]}, dropped lines). A line counts only when it is
    complete: newline-terminated (a killed writer may cut the last one) with numeric fields."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    lines = text.split("\n")
    dropped = 0
    if lines and lines[-1] != "":
        dropped += 1  # unterminated last line: possibly cut short
    lines = [ln.strip() for ln in lines[:-1]]
    fields = list(STATS_FIELDS)
    cols = {k: [] for k in STATS_FIELDS}
    first = True
    for ln in lines:
        if not ln:
            continue
        parts = [p.strip() for p in ln.split(",")]
        if first:
            first = False
            if num(parts[0]) is None:  # header
                fields = [p.lower() for p in parts]
                continue
        if len(parts) != len(fields):
            dropped += 1
            continue
        row = {}
        for name, p in zip(fields, parts):
            v = num(p)
            if v is None:
                row = None
                break
            row[name] = v
        if row is None or "elapsed_s" not in row:
            dropped += 1
            continue
        for k in STATS_FIELDS:
            cols[k].append(int_or_float(row.get(k)) if k in row else None)
    return cols, dropped


def read_stats(out_dir, warnings):
    """{(target, engine): {"series": columns, "dropped_lines": n}} from DIR/stats/<target>-<engine>.csv."""
    d = os.path.join(out_dir, "stats")
    out = {}
    if not os.path.isdir(d):
        return out
    for name in sorted(os.listdir(d)):
        if not name.endswith(".csv") or "-" not in name:
            continue
        target, engine = name[:-4].rsplit("-", 1)
        try:
            cols, dropped = read_stats_file(os.path.join(d, name))
        except OSError as e:
            warnings.append(f"stats/{name}: cannot read: {e.strerror}")
            continue
        if dropped:
            warnings.append(f"stats/{name}: {dropped} incomplete line(s) ignored (cut short or malformed)")
        out[(target, engine)] = {"series": cols, "dropped_lines": dropped}
    return out


def _first_input(fdir):
    d = os.path.join(fdir, "inputs")
    if os.path.isdir(d):
        names = sorted(n for n in os.listdir(d) if not n.startswith("."))
        if names:
            return os.path.join(d, names[0])
    return None


def read_bisect(fdir, warnings):
    """What ./lparsec bisect found for a finding (findings/<slug>/bisect.json), or None when it did not run."""
    path = os.path.join(fdir, "bisect.json")
    if not os.path.exists(path):
        return None
    try:
        b = lp.read_json(path, "bisection")
    except lp.ToolError as e:
        warnings.append(str(e))
        return None
    if not isinstance(b, dict) or b.get("status") not in ("found", "ambiguous"):
        warnings.append(f"{display_path(path)}: not a bisection result; not shown")
        return None
    return {"status": b["status"], "subject": b.get("subject"), "first_bad": b.get("first_bad"),
            "candidates": [str(c)[:12] for c in b.get("candidates") or []],
            "good": str(b.get("good") or "")[:12], "bad": str(b.get("bad") or "")[:12]}


def read_findings(out_dir, new_slugs, warnings, earlier=None):
    d = os.path.join(out_dir, "findings")
    findings = []
    if not os.path.isdir(d):
        return findings
    for slug in sorted(os.listdir(d)):
        fdir = os.path.join(d, slug)
        if not os.path.isdir(fdir) or slug.startswith("."):
            continue
        fj = os.path.join(fdir, "finding.json")
        if not os.path.exists(fj):
            warnings.append(f"findings/{slug}: no finding.json yet (still being triaged?); not reported")
            continue
        try:
            f = lp.read_json(fj, "finding")
            if not isinstance(f, dict):
                raise lp.ToolError(f"{fj}: corrupt finding (not a JSON object)")
        except lp.ToolError as e:
            warnings.append(str(e))
            f = {"title": f"(unreadable finding {slug}: see {display_path(fj)})", "kind": "unreadable"}
        repro_txt, repro_bin = os.path.join(fdir, "repro.txt"), os.path.join(fdir, "repro.bin")
        text = None
        if os.path.exists(repro_txt):
            try:
                with open(repro_txt, "rb") as fh:
                    text = fh.read(REPRO_INLINE_MAX + 1).decode("utf-8", errors="replace")
                if len(text) > REPRO_INLINE_MAX:
                    text = text[:REPRO_INLINE_MAX] + "\n# ... (cut: see the file)\n"
            except OSError as e:
                warnings.append(f"findings/{slug}/repro.txt: cannot read: {e.strerror}")
        repro_path = next((p for p in (repro_txt, repro_bin) if os.path.exists(p)), None) or _first_input(fdir)
        title = str(f.get("title") or f"(untitled finding {slug})")
        invariant = f.get("invariant")
        if invariant is None:
            invariant = lp.invariant_of(title)
        count = num(f.get("count"))
        findings.append({
            "slug": slug,
            "title": title,
            "invariant": invariant,
            "kind": f.get("kind") or ("violation" if invariant else "crash"),
            "target": f.get("target"),
            "engine": f.get("engine"),
            "first_seen": f.get("first_seen"),
            "first_seen_elapsed_s": num(f.get("first_seen_elapsed_s")),
            "count": int(count) if count is not None else None,
            "flaky": bool(f.get("flaky")),
            "reproduced": f.get("reproduced"),
            "known": bool(f.get("known")),
            "new": (not f.get("known")) and (slug in new_slugs if new_slugs is not None else True),
            # A group an earlier campaign in this directory found (a nightly's kept findings), and whether
            # its reproducer still fired on this campaign's build (None: not replayed).
            "earlier": earlier is not None and slug in earlier["before"],
            "fires_now": earlier["rechecked"].get(slug) if earlier is not None else None,
            "minimised": bool(f.get("minimised")),
            "ops_before": f.get("ops_before"),
            "ops_after": f.get("ops_after"),
            "promoted": f.get("promoted"),
            "inputs": f.get("inputs") if isinstance(f.get("inputs"), list) else [],
            "reproducer": text,
            "reproducer_path": display_path(repro_path) if repro_path else None,
            "replay_command": repro_command(repro_path) if repro_path else None,
            "bisect": read_bisect(fdir, warnings),
        })
    findings.sort(key=lambda x: (x["earlier"] and x["fires_now"] is False, x["known"], x["earlier"], x["flaky"],
                                 x["first_seen_elapsed_s"] if x["first_seen_elapsed_s"]
                                 is not None else float("inf"), x["title"]))
    return findings


def read_coverage(out_dir, collect, warnings):
    """The coverage section: refreshed first (coverage.collect) when asked and stale."""
    cov_json = os.path.join(out_dir, "coverage", "coverage.json")
    has_corpus = os.path.isdir(os.path.join(out_dir, "corpus"))
    error = None
    if collect and has_corpus:
        covmod = _coverage_module()
        stale = covmod.is_stale(out_dir)
        if not stale and os.path.exists(cov_json):
            try:
                lp.read_json(cov_json, "coverage")
            except lp.ToolError:
                stale = True
        if stale:
            try:
                covmod.collect(out_dir)
            except lp.ToolError as e:
                error = str(e)
                warnings.append(f"coverage not measured: {e}")
    if not os.path.exists(cov_json):
        if error:
            return {"status": "error", "message": f"coverage could not be measured: {error}"}
        if not has_corpus:
            return {"status": "missing", "message": "no corpus/ in the campaign directory: nothing to measure"}
        if not _coverage_module().corpus_targets(out_dir):
            return {"status": "missing", "message": "corpus/ holds no inputs yet: nothing to measure"}
        return {"status": "missing", "message": "coverage/coverage.json does not exist "
                "(run `./lparsec report DIR` without --no-coverage to measure it)"}
    try:
        cov = lp.read_json(cov_json, "coverage")
        if not isinstance(cov, dict) or not isinstance(cov.get("files", {}), dict):
            raise lp.ToolError(f"{cov_json}: corrupt coverage (not the expected JSON object)")
    except lp.ToolError as e:
        warnings.append(str(e))
        return {"status": "error", "message": str(e)}
    out = {"status": "ok", "message": error and f"coverage is from an earlier run; refreshing it failed: {error}",
           "generated": cov.get("generated"), "files": cov.get("files", {}), "total": cov.get("total", {}),
           "targets": cov.get("targets", {}),
           "uncovered": cov.get("uncovered") if isinstance(cov.get("uncovered"), dict) else {}}
    if cov.get("profdata"):
        binaries = [lp.coverage_replay_binary(t) for t in sorted(out["targets"])]
        if binaries:
            tool = os.path.basename(str((cov.get("tools") or {}).get("llvm-cov") or "llvm-cov-14"))
            cmd = [tool, "show", "-instr-profile", shlex.quote(display_path(os.path.join(out_dir, cov["profdata"]))),
                   shlex.quote(display_path(binaries[0]))]
            for b in binaries[1:]:
                cmd += ["-object", shlex.quote(display_path(b))]
            out["show_command"] = " ".join(cmd + ["hv/core/FILE.c"])
    if os.path.exists(cov_json) and has_corpus and not collect:
        try:
            if _coverage_module().is_stale(out_dir):
                out["message"] = "coverage/coverage.json is older than the corpus (--no-coverage: not refreshed)"
        except OSError:
            pass
    return out


# ---- the model of the report -------------------------------------------------

def _last(series, key):
    vals = [v for v in series.get(key, []) if v is not None]
    return vals[-1] if vals else None


def read_matrix(out_dir, collect, warnings):
    """The hcall x return code matrix (matrix.json): refreshed first (matrix.collect) when asked and stale;
    None when there is none."""
    import matrix  # noqa: E402  (late: only the report needs it)
    path = os.path.join(out_dir, "matrix.json")
    if collect and matrix.is_stale(out_dir):
        try:
            matrix.collect(out_dir)
        except lp.ToolError as e:
            warnings.append(f"hcall x return code matrix not measured: {e}")
    if not os.path.exists(path):
        return None
    try:
        doc = lp.read_json(path, "matrix")
        if not isinstance(doc, dict) or not isinstance(doc.get("hcalls"), dict):
            raise lp.ToolError(f"{path}: corrupt matrix (not the expected JSON object)")
    except lp.ToolError as e:
        warnings.append(str(e))
        return None
    merged = (doc.get("hcalls") or {}).get("merged") or {}
    universe = matrix.universe()
    rows = []
    for name, rcs in universe.items():
        got = merged.get(name) or {}
        rows.append({"hcall": name, "cells": [{"rc": rc, "count": int(got.get(rc) or 0)} for rc in rcs],
                     "skipped": int(got.get("skipped") or 0)})
    cells = [c for r in rows for c in r["cells"]]
    return {"generated": doc.get("generated"), "programs": doc.get("programs") or {}, "rows": rows,
            "reached": sum(1 for c in cells if c["count"]), "cells": len(cells),
            "never": doc.get("never") or [], "unexpected": doc.get("unexpected") or [],
            "ops": (doc.get("ops") or {}).get("merged") or {},
            "invariants": [{"inv": inv, "checks": int(v.get("checks") or 0), "rich": int(v.get("rich") or 0),
                            "rich_means": RICH_STATES.get(inv)}
                           for inv, v in sorted(((doc.get("invariants") or {}).get("merged") or {}).items(),
                                                key=lambda kv: int(kv[0][1:]) if kv[0][1:].isdigit() else 99)]}


def read_history(out_dir, warnings):
    """The nights recorded in DIR/history/ (history.py) and what changed from the one before the last."""
    import history  # noqa: E402
    nights = history.load(out_dir, warnings)
    rows = [{"night": n.get("night"), "execs": n.get("execs"), "coverage_lines_pct": n.get("coverage_lines_pct"),
             "reached": n.get("reached"), "cells": n.get("cells"), "findings": len(n.get("findings") or []),
             "new_findings": len(n.get("new_findings") or []),
             "no_longer_firing": len(n.get("no_longer_firing") or [])} for n in nights]
    return {"nights": rows, "changes": history.changes(nights[-2], nights[-1]) if len(nights) >= 2 else None}


def build_model(out_dir, state, stats, findings, coverage, warnings):
    config = state.get("config") or {}
    totals = state.get("totals") or {}
    targets_cfg = [t for t in (config.get("targets") or []) if isinstance(t, str)]
    keys = set(stats)
    for t, per in totals.items():
        if isinstance(per, dict):
            keys |= {(t, e) for e in per if isinstance(per[e], dict)}
    target_order = targets_cfg + sorted({t for t, _ in keys} - set(targets_cfg))
    targets = {}
    grand_execs = 0
    for t in target_order:
        per = {}
        engines = _engine_order({e for tt, e in keys if tt == t})
        for e in engines:
            tot = (totals.get(t) or {}).get(e) or {}
            st = stats.get((t, e), {"series": {k: [] for k in STATS_FIELDS}, "dropped_lines": 0})
            series = st["series"]
            rates = [v for v in series.get("execs_per_s", []) if v is not None]

            def pick(key):
                v = num(tot.get(key))
                return int_or_float(v) if v is not None else _last(series, key)
            row = {
                "execs": pick("execs"),
                "execs_per_s": pick("execs_per_s"),
                "execs_per_s_mean": round(sum(rates) / len(rates), 1) if rates else None,
                "coverage": pick("coverage"),
                "corpus": pick("corpus"),
                "findings": _last(series, "findings"),
                "samples": len(series.get("elapsed_s", [])),
                "dropped_lines": st["dropped_lines"],
                "series": series,
            }
            grand_execs += int(num(row["execs"], 0))
            per[e] = row
        targets[t] = per
    slices = state.get("slices") or {}
    elapsed = num(state.get("elapsed_s"))
    if elapsed is None:
        ends = [max(r["series"]["elapsed_s"]) for per in targets.values() for r in per.values()
                if r["series"].get("elapsed_s")]
        elapsed = max(ends) if ends else 0.0
    cov_total = coverage.get("total") if coverage.get("status") == "ok" else None
    return {
        "version": 1,
        "generated": _now(),
        "campaign": {
            "dir": os.path.realpath(out_dir),
            "started": state.get("started"),
            "status": state.get("status"),
            "elapsed_s": elapsed,
            "config": config,
            "slices": slices,
        },
        "totals": {
            "duration_s": elapsed,
            "execs": grand_execs,
            "execs_per_s": round(grand_execs / elapsed, 1) if elapsed else None,
            "samples": sum(r["samples"] for per in targets.values() for r in per.values()),
            "findings": {
                "total": len(findings),
                "new": sum(1 for f in findings if f["new"]),
                "known": sum(1 for f in findings if f["known"]),
                "flaky": sum(1 for f in findings if f["flaky"]),
                "earlier": sum(1 for f in findings if f["earlier"]),
                "fixed": sum(1 for f in findings if f["earlier"] and f["fires_now"] is False),
                "still_firing": sum(1 for f in findings if f["earlier"] and f["fires_now"] is True),
            },
            "coverage": {k: cov_total.get(k) for k in ("lines", "functions")} if cov_total else None,
        },
        "targets": targets,
        "findings": findings,
        "coverage": coverage,
        "warnings": warnings,
    }


# ---- Markdown ------------------------------------------------------------------

def md(s):
    """Text for a Markdown paragraph or table cell (GitHub renders inline HTML, so escape it too)."""
    s = html.escape("" if s is None else str(s), quote=False)
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", s).replace("\n", " ")


def md_matrix(mx):
    """The hcall x return code section of summary.md: what was never reached first, then the table."""
    out = ["### Hcall × return code (the merged corpus replayed)", ""]
    if not mx:
        return out + ["Not measured (no corpus, or `./lparsec report DIR --no-coverage`).", ""]
    progs = ", ".join(f"{t} {n}" for t, n in sorted(mx["programs"].items()))
    out += [f"{mx['reached']} of {mx['cells']} cells reached over {progs} programs.", ""]
    if mx["never"]:
        out += ["Never reached: " + ", ".join(f"{md(a)} → {md(b)}" for a, b in mx["never"]), ""]
    if mx["unexpected"]:
        out += ["Outside hcalls.def's list: " + ", ".join(f"{md(a)} → {md(b)} ({n})" for a, b, n in mx["unexpected"]),
                ""]
    out += ["| hcall | return codes (count) |", "|---|---|"]
    for r in mx["rows"]:
        cells = ", ".join(f"{c['rc']} {fmt_int(c['count'])}" if c["count"] else f"**{c['rc']} 0**" for c in r["cells"])
        out.append(f"| {md(r['hcall'])} | {cells.replace('_', chr(92) + '_')} |")
    out.append("")
    if mx.get("invariants"):
        out += ["| invariant | checks | on a state where its bug could live |", "|---|---:|---|"]
        for v in mx["invariants"]:
            rich = (f"{fmt_int(v['rich'])} ({md(v['rich_means'])})" if v["rich"] else
                    f"**0: only trivial states** ({md(v['rich_means'])})") if v["rich_means"] else "–"
            out.append(f"| {v['inv']} | {fmt_int(v['checks'])} | {rich} |")
        out.append("")
    ops = mx.get("ops") or {}
    if ops:
        out += ["| operation | outcomes (count) |", "|---|---|"]
        out += [f"| {md(k)} | " + ", ".join(f"{o} {fmt_int(n)}" for o, n in sorted(v.items())) + " |"
                for k, v in sorted(ops.items())]
        out.append("")
    return out


def md_history(h):
    """Night over night in summary.md: what changed since the previous night, then every night."""
    if not h or not h["nights"]:
        return []
    out = ["### Night over night", ""]
    c = h["changes"]
    if c:
        out += [f"Since {md(c['from'])}: " + "; ".join([
            f"new findings: {', '.join(md(t) for t in c['new_findings']) or 'none'}",
            f"vanished: {', '.join(md(t) for t in c['vanished_findings']) or 'none'}",
            f"hcall × return code cells gained: {', '.join(md(x) for x in c['cells_gained']) or 'none'}",
            f"lost: {', '.join(md(x) for x in c['cells_lost']) or 'none'}",
            f"coverage {'%+.2f' % c['coverage_delta'] if c['coverage_delta'] is not None else '–'} points"]), ""]
    out += ["| night | execs | coverage (lines) | cells reached | findings fired (new) | no longer fire |",
            "|---|---:|---:|---:|---:|---:|"]
    for n in h["nights"]:
        out.append(f"| {md(n['night'])} | {fmt_int(n['execs'])} | {fmt_pct(n['coverage_lines_pct'])} | "
                   f"{fmt_int(n['reached'])}/{fmt_int(n['cells'])} | {n['findings']} ({n['new_findings']}) | "
                   f"{n['no_longer_firing']} |")
    return out + [""]


def md_code(s):
    s = "" if s is None else str(s)
    fence = "``" if "`" in s else "`"
    return f"{fence} {s} {fence}" if fence == "``" else f"`{s}`"


def render_md(model):
    c, tot = model["campaign"], model["totals"]
    fnd = tot["findings"]
    name = os.path.basename(c["dir"].rstrip("/")) or c["dir"]
    out = [f"## lparsec campaign report — {md_code(name)}", ""]
    cov = tot["coverage"]
    cov_txt = (f"{fmt_pct(cov['lines'].get('percent'))} of hv/core lines, "
               f"{fmt_pct((cov.get('functions') or {}).get('percent'))} of functions") if cov and cov.get("lines") \
        else "not measured"
    earlier = (f"{fnd['earlier']} from earlier nights ({fnd['still_firing']} still fire, "
               f"{fnd['fixed']} no longer), " if fnd["earlier"] else "")
    out += [f"**{fnd['new']} new finding(s)**, {fnd['known']} known, {earlier}{fnd['flaky']} flaky · "
            f"status {md(c['status'] or '–')} · duration {fmt_duration(tot['duration_s'])} · "
            f"{fmt_int(tot['execs'])} execs ({fmt_rate(tot['execs_per_s'])}/s) · coverage: {cov_txt}", ""]
    out += ["### Findings", ""]
    if not model["findings"]:
        out += ["No findings."]
    for f in model["findings"]:
        flags = ["known" if f["known"] else "**new**" if f["new"] else None, finding_earlier(f),
                 "flaky" if f["flaky"] else None]
        parts = [p for p in flags if p] + [
            f"invariant {md(f['invariant'])}" if f["invariant"] else md(f["kind"]),
            md(finding_where(f)), f"first seen {md(finding_first_seen(f))}", f"{fmt_int(f['count'])} input(s)",
            f"reproduced {md(f['reproduced'] or '–')}"]
        out.append(f"- **{md(f['title'])}** — " + ", ".join(parts))
        if f["replay_command"]:
            out.append(f"  replay: {md_code(f['replay_command'])}")
        if f["bisect"]:
            out.append(f"  first bad commit: {md(bisect_text(f['bisect']))}")
    out.append("")
    out += ["### Targets", ""]
    rows = [(t, en, r) for t, per in model["targets"].items() for en, r in per.items()]
    if tot["samples"] == 0 and not any(r["execs"] for _, _, r in rows):
        out += ["No statistics yet: no engine has been sampled.", ""]
    if rows:
        out += ["| target | engine | execs | execs/s (last) | execs/s (mean) | coverage | corpus | findings |",
                "|---|---|---:|---:|---:|---:|---:|---:|"]
        for t in (t for t, per in model["targets"].items() if not per):
            out.append(f"| {md(t)} | – | no samples yet | | | | | |")
        for t, en, r in rows:
            out.append(f"| {md(t)} | {md(engine_name(en))} | {fmt_int(r['execs'])} | {fmt_rate(r['execs_per_s'])} | "
                       f"{fmt_rate(r['execs_per_s_mean'])} | {fmt_int(r['coverage'])} | {fmt_int(r['corpus'])} | "
                       f"{fmt_int(r['findings'])} |")
        out.append("")
    out += ["### Coverage of hv/core", ""]
    cv = model["coverage"]
    if cv.get("status") != "ok":
        out += [md(cv.get("message")), ""]
    else:
        if cv.get("message"):
            out += [md(cv["message"]), ""]
        out += ["| file | lines | functions |", "|---|---:|---:|"]

        def cell(k):
            k = k or {}
            return f"{fmt_int(k.get('covered'))}/{fmt_int(k.get('count'))} ({fmt_pct(k.get('percent'))})"
        for path, v in sorted((cv.get("files") or {}).items()):
            v = v if isinstance(v, dict) else {}
            out.append(f"| {md(path)} | {cell(v.get('lines'))} | {cell(v.get('functions'))} |")
        t = cv.get("total") or {}
        out.append(f"| **total** | **{cell(t.get('lines'))}** | **{cell(t.get('functions'))}** |")
        out.append("")
        missed = cv.get("uncovered") or {}
        if missed:
            out += ["Lines never run (report.html shows them with their source): " + ", ".join(
                f"{md(path)} {sum(r[1] - r[0] + 1 for r in ranges)} in {len(ranges)} range(s)"
                for path, ranges in missed.items()), ""]
    out += md_matrix(model.get("matrix"))
    out += md_history(model.get("history"))
    if model["warnings"]:
        out += ["### Warnings", ""] + [f"- {md(w)}" for w in model["warnings"]] + [""]
    out.append(f"Full report: {md_code(os.path.join(display_path(c['dir']), 'report.html'))}")
    return "\n".join(out) + "\n"


# ---- entry points --------------------------------------------------------------

def generate(out_dir, coverage=True, log=None):
    """Writes DIR/report.html, report.json, summary.md (and plots/*.svg). Returns the report model.
    ToolError when DIR is not a campaign directory, campaign.json is corrupt or nothing can be written."""
    state = load_campaign(out_dir)
    warnings = []
    stats = read_stats(out_dir, warnings)
    new_slugs = state.get("new_findings") if isinstance(state.get("new_findings"), list) else None
    before, rechecked = state.get("findings_before"), state.get("earlier_findings")
    earlier = {"before": set(before), "rechecked": rechecked if isinstance(rechecked, dict) else {}} \
        if isinstance(before, list) else None
    findings = read_findings(out_dir, new_slugs, warnings, earlier)
    cov = read_coverage(out_dir, coverage, warnings)
    mtx = read_matrix(out_dir, coverage, warnings)
    model = build_model(out_dir, state, stats, findings, cov, warnings)
    model["matrix"] = mtx
    model["history"] = read_history(out_dir, warnings)
    plots = make_plots(out_dir, model, warnings)
    night_plots = history_plots(out_dir, model["history"]["nights"], warnings)
    lp.atomic_write_json(os.path.join(out_dir, "report.json"), model)
    lp.atomic_write(os.path.join(out_dir, "summary.md"), render_md(model))
    lp.atomic_write(os.path.join(out_dir, "report.html"), render_html(model, plots, night_plots))
    return model


def main():
    ap = argparse.ArgumentParser(prog="lparsec report", description=__doc__.split("\n\n")[0],
                                 epilog="Writes DIR/report.html, DIR/report.json, DIR/summary.md. "
                                        "Exit 0 written, 2 not a campaign directory / corrupt campaign.json.")
    ap.add_argument("dir", metavar="DIR", help="the campaign directory (./lparsec campaign --out DIR)")
    ap.add_argument("--no-coverage", action="store_true",
                    help="do not build the coverage preset or replay the corpus; report coverage/coverage.json as is")
    args = ap.parse_args()
    model = generate(args.dir, coverage=not args.no_coverage)
    f = model["totals"]["findings"]
    for w in model["warnings"]:
        print(f"report: warning: {w}", file=sys.stderr)
    print(f"report: {f['total']} finding(s) ({f['new']} new, {f['known']} known, {f['flaky']} flaky); wrote")
    for n in ("report.html", "report.json", "summary.md"):
        print(f"  {os.path.join(args.dir, n)}")
    return 0


if __name__ == "__main__":
    lp.main_wrapper("report", main)
