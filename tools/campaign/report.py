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
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import lpcommon as lp  # noqa: E402

STATS_FIELDS = ["elapsed_s", "execs", "execs_per_s", "coverage", "corpus", "findings"]
ENGINE_NAMES = {"libfuzzer": "libFuzzer", "afl": "AFL++"}
ENGINE_COLORS = {"libfuzzer": "#1f6fb4", "afl": "#e0701b"}
OTHER_COLORS = ["#2a9d3a", "#9b3fb5", "#b5343f", "#666666"]
REPRO_INLINE_MAX = 200_000  # characters of a reproducer shown inline


def _coverage_module():
    """tools/campaign/coverage.py, loaded by path (a 'coverage' package installed elsewhere must not win)."""
    spec = importlib.util.spec_from_file_location("lparsec_coverage", os.path.join(HERE, "coverage.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---- small formatting helpers ------------------------------------------------

def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _num(v, default=None):
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


def _int_or_float(f):
    return int(f) if f is not None and float(f).is_integer() else f


def fmt_int(v):
    f = _num(v)
    return "–" if f is None else f"{int(round(f)):,}"


def fmt_rate(v):
    f = _num(v)
    if f is None:
        return "–"
    return f"{f:,.0f}" if f >= 100 else f"{f:,.1f}"


def fmt_pct(v):
    f = _num(v)
    return "–" if f is None else f"{f:.1f} %"


def fmt_duration(s):
    s = _num(s)
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


def _engine_order(engines):
    known = [e for e in lp.ENGINES if e in engines]
    return known + sorted(e for e in engines if e not in lp.ENGINES)


def display_path(path):
    """A path as the user types it after ./lparsec: relative to the project root when inside it."""
    real = os.path.realpath(path)
    rel = os.path.relpath(real, lp.ROOT)
    return real if rel == ".." or rel.startswith("../") else rel


def repro_command(path):
    return "./lparsec repro " + shlex.quote(display_path(path))


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
            if _num(parts[0]) is None:  # header
                fields = [p.lower() for p in parts]
                continue
        if len(parts) != len(fields):
            dropped += 1
            continue
        row = {}
        for name, p in zip(fields, parts):
            v = _num(p)
            if v is None:
                row = None
                break
            row[name] = v
        if row is None or "elapsed_s" not in row:
            dropped += 1
            continue
        for k in STATS_FIELDS:
            cols[k].append(_int_or_float(row.get(k)) if k in row else None)
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


def read_findings(out_dir, new_slugs, warnings):
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
        count = _num(f.get("count"))
        findings.append({
            "slug": slug,
            "title": title,
            "invariant": invariant,
            "kind": f.get("kind") or ("violation" if invariant else "crash"),
            "target": f.get("target"),
            "engine": f.get("engine"),
            "first_seen": f.get("first_seen"),
            "first_seen_elapsed_s": _num(f.get("first_seen_elapsed_s")),
            "count": int(count) if count is not None else None,
            "flaky": bool(f.get("flaky")),
            "reproduced": f.get("reproduced"),
            "known": bool(f.get("known")),
            "new": (not f.get("known")) and (slug in new_slugs if new_slugs is not None else True),
            "minimised": bool(f.get("minimised")),
            "ops_before": f.get("ops_before"),
            "ops_after": f.get("ops_after"),
            "promoted": f.get("promoted"),
            "inputs": f.get("inputs") if isinstance(f.get("inputs"), list) else [],
            "reproducer": text,
            "reproducer_path": display_path(repro_path) if repro_path else None,
            "replay_command": repro_command(repro_path) if repro_path else None,
        })
    findings.sort(key=lambda x: (x["known"], x["flaky"], x["first_seen_elapsed_s"] if x["first_seen_elapsed_s"]
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
           "targets": cov.get("targets", {})}
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
                v = _num(tot.get(key))
                return _int_or_float(v) if v is not None else _last(series, key)
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
            grand_execs += int(_num(row["execs"], 0))
            per[e] = row
        targets[t] = per
    slices = state.get("slices") or {}
    elapsed = _num(state.get("elapsed_s"))
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
            },
            "coverage": {k: cov_total.get(k) for k in ("lines", "functions")} if cov_total else None,
        },
        "targets": targets,
        "findings": findings,
        "coverage": coverage,
        "warnings": warnings,
    }


# ---- plots (gnuplot -> SVG) --------------------------------------------------

def _gp_str(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def gnuplot_svg(title, ylabel, series, xmax_s):
    """series: [(engine, xs_seconds, ys)]. Returns (svg, None) or (None, why)."""
    gp = shutil.which("gnuplot")
    if not gp:
        return None, "gnuplot is not installed (Debian package gnuplot-nox): no plots"
    minutes = xmax_s >= 300
    lines = [
        'set terminal svg size 560,300 dynamic noenhanced font "sans,10" background "#ffffff"',
        f"set title {_gp_str(title)}",
        f"set xlabel {_gp_str('campaign time (min)' if minutes else 'campaign time (s)')}",
        f"set ylabel {_gp_str(ylabel)}",
        "set key below horizontal",
        "set grid lc rgb '#dddddd'",
        "set border 3",
        "set tics nomirror",
        "set xrange [0:*]",
        "set yrange [0:*]",
    ]
    ymax = max([y for _e, _xs, ys in series for y in ys if y is not None] or [0])
    lines.append('set format y "%.1s%c"' if ymax >= 100000 else 'set format y "%g"')
    plots = []
    for i, (engine, xs, ys) in enumerate(series):
        lines.append(f"$D{i} << EOD")
        for x, y in zip(xs, ys):
            if x is not None and y is not None:
                lines.append(f"{(x / 60.0 if minutes else x):.6g} {y:.6g}")
        lines.append("EOD")
        color = ENGINE_COLORS.get(engine) or OTHER_COLORS[i % len(OTHER_COLORS)]
        plots.append(f"$D{i} using 1:2 with linespoints lw 2 pt 7 ps 0.35 lc rgb '{color}' "
                     f"title {_gp_str(engine_name(engine))}")
    lines.append("plot " + ", ".join(plots))
    try:
        r = subprocess.run([gp], input="\n".join(lines) + "\n", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, errors="replace", timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"gnuplot failed: {e}"
    if r.returncode != 0 or "<svg" not in r.stdout:
        return None, "gnuplot failed: " + (r.stderr.strip().splitlines() or ["no output"])[-1]
    return r.stdout, None


def inline_svg(svg, prefix):
    """A gnuplot SVG made fit for inlining in HTML: no XML prolog, no namespace URLs, ids unique in the page."""
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(r"""\bid=(['"])""", lambda m: f"id={m.group(1)}{prefix}", svg)
    svg = re.sub(r"""\b((?:xlink:)?href)=(['"])#""", lambda m: f"{m.group(1)}={m.group(2)}#{prefix}", svg)
    svg = re.sub(r"url\(#", f"url(#{prefix}", svg)
    svg = svg.replace("<title>Gnuplot</title>", "")
    return svg.strip()


def make_plots(out_dir, model, warnings):
    """{target: [(kind, inline svg)]}; also writes DIR/plots/<target>-<kind>.svg."""
    plots, said = {}, set()
    xmax = max([max(r["series"]["elapsed_s"]) for per in model["targets"].values() for r in per.values()
                if r["series"].get("elapsed_s")] or [0])
    for ti, (t, per) in enumerate(model["targets"].items()):
        with_data = [(e, r) for e, r in per.items() if r["series"].get("elapsed_s")]
        if not with_data:
            continue
        for kind, key, ylabel in (("execs_per_s", "execs_per_s", "execs/s"),
                                  ("coverage", "coverage", "coverage (libFuzzer cov / AFL++ edges)")):
            series = [(e, r["series"]["elapsed_s"], r["series"][key]) for e, r in with_data]
            title = f"{t}: {'execs/s' if kind == 'execs_per_s' else 'coverage'} over time"
            svg, why = gnuplot_svg(title, ylabel, series, xmax)
            if svg is None:
                if why not in said:
                    said.add(why)
                    warnings.append(why)
                continue
            lp.atomic_write(os.path.join(out_dir, "plots", f"{t}-{kind}.svg"), svg)
            plots.setdefault(t, []).append((kind, inline_svg(svg, f"p{ti}{kind[0]}-")))
    return plots


# ---- HTML --------------------------------------------------------------------

def e(s):
    return html.escape("" if s is None else str(s), quote=True)


CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:18px 22px 60px}
h1{font-size:22px;margin:6px 0 2px} h2{font-size:18px;margin:28px 0 10px;border-bottom:2px solid #d8dce2;padding-bottom:4px}
h3{font-size:15px;margin:0 0 6px;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-word}
.sub{color:#57606a;margin:0 0 14px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border:1px solid #d8dce2;border-radius:8px;padding:10px 14px;min-width:150px}
.card .k{color:#57606a;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:22px;font-weight:600}
.card.bad{border-color:#d1242f;background:#fff5f5} .card.bad .v{color:#b3141f}
.card.good .v{color:#1a7f37}
.finding{background:#fff;border:1px solid #d8dce2;border-left:5px solid #d1242f;border-radius:6px;padding:12px 14px;margin:12px 0}
.finding.known{border-left-color:#8c959f} .finding.flaky{border-left-color:#bf8700}
.badge{display:inline-block;font-size:11px;font-weight:700;padding:1px 7px;border-radius:10px;margin-right:4px;
 text-transform:uppercase;letter-spacing:.03em;color:#fff;background:#57606a;vertical-align:middle}
.b-new{background:#d1242f}.b-known{background:#8c959f}.b-flaky{background:#bf8700}.b-inv{background:#8250df}
.b-kind{background:#0969da}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
dl.meta dt{color:#57606a} dl.meta dd{margin:0}
pre{background:#f3f4f6;border:1px solid #e1e4e8;border-radius:6px;padding:8px 10px;overflow:auto;font-size:12.5px;
 line-height:1.35;margin:6px 0;max-height:480px}
pre.cmd{background:#0d1117;color:#e6edf3;border-color:#0d1117;max-height:none}
table{border-collapse:collapse;background:#fff;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #d8dce2;padding:4px 9px;text-align:right;white-space:nowrap}
th{background:#eef1f4} td.l,th.l{text-align:left}
tr.total td{font-weight:700;background:#f6f8fa}
.plots{display:flex;flex-wrap:wrap;gap:10px}
.plots figure{margin:0;background:#fff;border:1px solid #d8dce2;border-radius:6px;padding:4px;width:560px;max-width:100%}
.plots svg{width:100%;height:auto}
.bar{display:inline-block;width:90px;height:9px;background:#e6e8eb;border-radius:4px;vertical-align:middle;margin-right:6px}
.bar i{display:block;height:9px;border-radius:4px;background:#2da44e}
.note{color:#57606a} .warn{color:#9a6700}
ul.warn{margin:4px 0;padding-left:20px}
"""


def _badges(f):
    b = []
    if f["known"]:
        b.append('<span class="badge b-known">known</span>')
    elif f["new"]:
        b.append('<span class="badge b-new">new</span>')
    if f["flaky"]:
        b.append('<span class="badge b-flaky">flaky</span>')
    if f["invariant"]:
        b.append(f'<span class="badge b-inv">{e(f["invariant"])}</span>')
    if f["kind"]:
        b.append(f'<span class="badge b-kind">{e(f["kind"])}</span>')
    return " ".join(b)


def _first_seen(f):
    s = f["first_seen"] or "–"
    if f["first_seen_elapsed_s"] is not None:
        s += f" ({fmt_duration(f['first_seen_elapsed_s'])} into the campaign)"
    return s


def _where(f):
    if not f["target"] and not f["engine"]:
        return "–"
    return f"{f['target'] or '?'} / {engine_name(f['engine']) if f['engine'] else '?'}"


def _minimised(f):
    if f["ops_before"] is not None and f["ops_after"] is not None:
        return f"{'yes' if f['minimised'] else 'no'} ({f['ops_before']} → {f['ops_after']} operations)"
    return "yes" if f["minimised"] else "no"


def html_finding(f):
    cls = "finding" + (" known" if f["known"] else " flaky" if f["flaky"] else "")
    out = [f'<div class="{cls}" id="{e("f-" + f["slug"])}">',
           f'<div>{_badges(f)}</div>',
           f'<h3>{e(f["title"])}</h3>',
           '<dl class="meta">',
           f'<dt>invariant</dt><dd>{e(f["invariant"] or "– (not an invariant violation)")}</dd>',
           f'<dt>target / engine</dt><dd>{e(_where(f))}</dd>',
           f'<dt>first seen</dt><dd>{e(_first_seen(f))}</dd>',
           f'<dt>inputs</dt><dd>{e(fmt_int(f["count"]))}</dd>',
           f'<dt>reproduced</dt><dd>{e(f["reproduced"] or "–")}'
           f'{" — flaky: did not fire the same title every run" if f["flaky"] else ""}</dd>',
           f'<dt>minimised</dt><dd>{e(_minimised(f))}</dd>']
    if f["known"]:
        out.append('<dt>known</dt><dd>the title is already in corpora/regressions/</dd>')
    if f["promoted"]:
        out.append(f'<dt>promoted to</dt><dd>{e(f["promoted"])}</dd>')
    out.append("</dl>")
    if f["replay_command"]:
        out.append(f'<div class="note">replay it (from the project root):</div><pre class="cmd">'
                   f'{e(f["replay_command"])}</pre>')
    if f["reproducer"] is not None:
        out.append(f'<div class="note">minimised reproducer ({e(f["reproducer_path"])}):</div>'
                   f'<pre>{e(f["reproducer"])}</pre>')
    else:
        out.append('<div class="warn">no repro.txt in this finding\'s directory</div>')
    out.append("</div>")
    return "\n".join(out)


def html_targets(model, plots):
    out = []
    if not model["targets"] or model["totals"]["samples"] == 0 and not any(
            r["execs"] for per in model["targets"].values() for r in per.values()):
        out.append('<p class="warn">No statistics yet: no engine has been sampled in this campaign '
                   '(it has just started, or did not run). Nothing to tabulate or plot.</p>')
        if not model["targets"]:
            return "\n".join(out)
    out.append('<table><tr><th class="l">target</th><th class="l">engine</th><th>execs</th>'
               '<th>execs/s (last)</th><th>execs/s (mean)</th><th>coverage</th><th>corpus</th>'
               '<th>findings</th><th>samples</th></tr>')
    for t, per in model["targets"].items():
        if not per:
            out.append(f'<tr><td class="l">{e(t)}</td><td class="l note" colspan="8">no samples yet</td></tr>')
        for en, r in per.items():
            out.append(f'<tr><td class="l">{e(t)}</td><td class="l">{e(engine_name(en))}</td>'
                       f'<td>{fmt_int(r["execs"])}</td><td>{fmt_rate(r["execs_per_s"])}</td>'
                       f'<td>{fmt_rate(r["execs_per_s_mean"])}</td><td>{fmt_int(r["coverage"])}</td>'
                       f'<td>{fmt_int(r["corpus"])}</td><td>{fmt_int(r["findings"])}</td>'
                       f'<td>{r["samples"]}</td></tr>')
    out.append("</table>")
    out.append('<p class="note">coverage: libFuzzer counts its "cov:" features, AFL++ its edges found; '
               'the two are not comparable with each other. hv/core line coverage is in the last section.</p>')
    for t, per in model["targets"].items():
        out.append(f"<h3>{e(t)}</h3>")
        if t not in plots:
            out.append('<p class="note">no samples for this target yet: no plot</p>')
            continue
        out.append('<div class="plots">')
        for kind, svg in plots[t]:
            out.append(f'<figure aria-label="{e(t + " " + kind)}">{svg}</figure>')
        out.append("</div>")
    return "\n".join(out)


def _bar(pct):
    p = max(0.0, min(100.0, _num(pct, 0.0)))
    return f'<span class="bar"><i style="width:{p:.1f}%"></i></span>'


def _cov_cells(k):
    k = k or {}
    return (f'<td>{fmt_int(k.get("covered"))} / {fmt_int(k.get("count"))}</td>'
            f'<td class="l">{_bar(k.get("percent"))}{fmt_pct(k.get("percent"))}</td>')


def html_coverage(cov):
    out = []
    if cov.get("status") != "ok":
        out.append(f'<p class="warn">{e(cov.get("message"))}</p>')
        return "\n".join(out)
    if cov.get("message"):
        out.append(f'<p class="warn">{e(cov["message"])}</p>')
    targets = cov.get("targets") or {}
    n_inputs = sum(int(_num(v.get("inputs"), 0)) for v in targets.values() if isinstance(v, dict))
    out.append(f'<p class="note">llvm-cov of hv/core, replaying the campaign corpus ({n_inputs} inputs of '
               f'{e(", ".join(sorted(targets)) or "no target")}) through the coverage build '
               f'(clang -fprofile-instr-generate -fcoverage-mapping); measured {e(cov.get("generated") or "–")}.</p>')
    out.append('<table><tr><th class="l">file</th><th>lines</th><th class="l">line coverage</th>'
               '<th>functions</th><th class="l">function coverage</th></tr>')
    for path, v in sorted((cov.get("files") or {}).items()):
        v = v if isinstance(v, dict) else {}
        out.append(f'<tr><td class="l">{e(path)}</td>{_cov_cells(v.get("lines"))}{_cov_cells(v.get("functions"))}</tr>')
    tot = cov.get("total") or {}
    out.append(f'<tr class="total"><td class="l">hv/core total</td>{_cov_cells(tot.get("lines"))}'
               f'{_cov_cells(tot.get("functions"))}</tr></table>')
    for t, v in sorted(targets.items()):
        if isinstance(v, dict) and v.get("aborted"):
            out.append(f'<p class="warn">{e(t)}: {e(v.get("note") or "")}: {e(", ".join(v["aborted"]))}</p>')
    if cov.get("show_command"):
        out.append('<div class="note">line by line (from the project root):</div>'
                   f'<pre class="cmd">{e(cov["show_command"])}</pre>')
    return "\n".join(out)


def render_html(model, plots):
    c, tot = model["campaign"], model["totals"]
    fnd = tot["findings"]
    cfg = c["config"] or {}
    name = os.path.basename(c["dir"].rstrip("/")) or c["dir"]
    cov_line = "–"
    if tot["coverage"] and tot["coverage"].get("lines"):
        cov_line = fmt_pct(tot["coverage"]["lines"].get("percent"))
    cards = [
        ("duration", fmt_duration(tot["duration_s"]), ""),
        ("execs", fmt_int(tot["execs"]), ""),
        ("execs/s (overall)", fmt_rate(tot["execs_per_s"]), ""),
        ("new findings", str(fnd["new"]), "bad" if fnd["new"] else "good"),
        ("known findings", str(fnd["known"]), ""),
        ("flaky", str(fnd["flaky"]), ""),
        ("hv/core lines covered", cov_line, ""),
    ]
    cfg_txt = ", ".join(f"{k}={v if not isinstance(v, list) else ' '.join(map(str, v))}"
                        for k, v in sorted(cfg.items())) or "–"
    out = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<title>lparsec campaign {e(name)}: {fnd["new"]} new finding(s)</title>',
           f'<style>{CSS}</style></head><body><main>',
           f'<h1>lparsec campaign report — {e(name)}</h1>',
           f'<p class="sub">{e(c["dir"])} · status <b>{e(c["status"] or "–")}</b> · started {e(c["started"] or "–")}'
           f' · report generated {e(model["generated"])}<br>config: {e(cfg_txt)}</p>',
           '<div class="cards">']
    for k, v, cls in cards:
        out.append(f'<div class="card {cls}"><div class="k">{e(k)}</div><div class="v">{e(v)}</div></div>')
    out.append("</div>")
    if model["warnings"]:
        out.append('<ul class="warn">' + "".join(f"<li>{e(w)}</li>" for w in model["warnings"]) + "</ul>")

    out.append(f'<h2>Findings ({fnd["total"]}: {fnd["new"]} new, {fnd["known"]} known, {fnd["flaky"]} flaky)</h2>')
    if not model["findings"]:
        out.append('<p class="note">No findings: every isolation invariant held on every input the engines ran.</p>')
    for f in model["findings"]:
        out.append(html_finding(f))

    out.append("<h2>Targets and engines</h2>")
    out.append(html_targets(model, plots))
    out.append("<h2>Coverage of hv/core (llvm-cov, campaign corpus)</h2>")
    out.append(html_coverage(model["coverage"]))
    out.append('<p class="note">Regenerate with <code>./lparsec report ' + e(display_path(c["dir"])) +
               '</code>. Machine-readable: report.json; CI summary: summary.md.</p>')
    out.append("</main></body></html>\n")
    return "\n".join(out)


# ---- Markdown ------------------------------------------------------------------

def md(s):
    """Text for a Markdown paragraph or table cell (GitHub renders inline HTML, so escape it too)."""
    s = html.escape("" if s is None else str(s), quote=False)
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", s).replace("\n", " ")


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
    out += [f"**{fnd['new']} new finding(s)**, {fnd['known']} known, {fnd['flaky']} flaky · "
            f"status {md(c['status'] or '–')} · duration {fmt_duration(tot['duration_s'])} · "
            f"{fmt_int(tot['execs'])} execs ({fmt_rate(tot['execs_per_s'])}/s) · coverage: {cov_txt}", ""]
    out += ["### Findings", ""]
    if not model["findings"]:
        out += ["No findings."]
    for f in model["findings"]:
        flags = ["known" if f["known"] else "**new**" if f["new"] else None, "flaky" if f["flaky"] else None]
        parts = [p for p in flags if p] + [
            f"invariant {md(f['invariant'])}" if f["invariant"] else md(f["kind"]),
            md(_where(f)), f"first seen {md(_first_seen(f))}", f"{fmt_int(f['count'])} input(s)",
            f"reproduced {md(f['reproduced'] or '–')}"]
        out.append(f"- **{md(f['title'])}** — " + ", ".join(parts))
        if f["replay_command"]:
            out.append(f"  replay: {md_code(f['replay_command'])}")
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
    findings = read_findings(out_dir, new_slugs, warnings)
    cov = read_coverage(out_dir, coverage, warnings)
    model = build_model(out_dir, state, stats, findings, cov, warnings)
    plots = make_plots(out_dir, model, warnings)
    lp.atomic_write_json(os.path.join(out_dir, "report.json"), model)
    lp.atomic_write(os.path.join(out_dir, "summary.md"), render_md(model))
    lp.atomic_write(os.path.join(out_dir, "report.html"), render_html(model, plots))
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
