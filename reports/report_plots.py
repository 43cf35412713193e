"""The report's plots: each target's execs/s and coverage over campaign time,
drawn by gnuplot as SVG (written to DIR/plots/ and inlined in report.html).

Only the standard library of Debian's /usr/bin/python3.
"""

import os
import re
import shutil
import subprocess

import lpcommon as lp
from report_format import engine_name

ENGINE_COLORS = {"libfuzzer": "#1f6fb4", "afl": "#e0701b"}
OTHER_COLORS = ["#2a9d3a", "#9b3fb5", "#b5343f", "#666666"]
SERIES_COLORS = {"fired": "#d1242f", "new": "#e0701b", "no longer fire": "#2a9d3a",  # the nights' findings
                 "hv/core lines covered": "#1f6fb4", "hcall x return code cells reached": "#9b3fb5"}
MINUTES_FROM_S = 300  # a campaign this long or longer is plotted in minutes


def _gp_str(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def time_axis(xspan_s, minutes):
    """The x axis of campaign time: (gnuplot lines, x -> plotted value)."""
    def scale(x):
        return x / 60.0 if minutes else x
    lo, hi = (f"{scale(x):.6g}" for x in xspan_s)
    # A target that ran in a later slice is plotted over its own samples, not from time 0.
    # One sample is an empty range, which gnuplot refuses when given but widens when it scales.
    return [f"set xlabel {_gp_str('campaign time (min)' if minutes else 'campaign time (s)')}",
            f"set xrange [{lo}:{hi if hi != lo else '*'}]"], scale


NIGHT_TICS_MAX = 8  # labelled tics on the nights' axis (560 px); more nights label every k-th


def nights_axis(labels):
    """The x axis of the nights (x = 1..N): a tic per night, labelled with its date, at most
    NIGHT_TICS_MAX of them labelled."""
    step = -(-len(labels) // NIGHT_TICS_MAX)
    tics = ", ".join(f"{_gp_str(label if i % step == 0 else '')} {i + 1}"
                     for i, label in enumerate(labels))
    return ["set xlabel 'night'", f"set xrange [0.5:{len(labels) + 0.5}]", f"set xtics ({tics})"], float


def gnuplot_svg(title, ylabel, series, xaxis, counts=False):
    """series: [(name, xs, ys)] (a name of ENGINE_COLORS is an engine), xaxis: time_axis() or nights_axis();
    counts: the values are small whole numbers (no tic between two). Returns (svg, None) or (None, why)."""
    gp = shutil.which("gnuplot")
    if not gp:
        return None, "gnuplot is not installed (Debian package gnuplot-nox): no plots"
    axis_lines, scale = xaxis
    lines = [
        'set terminal svg size 560,300 dynamic noenhanced font "sans,10" background "#ffffff"',
        f"set title {_gp_str(title)}",
        f"set ylabel {_gp_str(ylabel)}",
        "set key below horizontal",
        "set grid lc rgb '#dddddd'",
        "set border 3",
        "set tics nomirror",
        "set yrange [0:*]",
    ] + axis_lines
    ymax = max([y for _e, _xs, ys in series for y in ys if y is not None] or [0])
    lines.append('set format y "%.1s%c"' if ymax >= 100000 else 'set format y "%g"')
    if counts:
        lines += [f"set ytics {max(1, int(ymax) // 8 + 1)}", f"set yrange [0:{max(1, int(ymax) + 1)}]"]
    plots = []
    for i, (engine, xs, ys) in enumerate(series):
        lines.append(f"$D{i} << EOD")
        for x, y in zip(xs, ys):
            if x is not None and y is not None:
                lines.append(f"{scale(x):.6g} {y:.6g}")
        lines.append("EOD")
        color = ENGINE_COLORS.get(engine) or SERIES_COLORS.get(engine) or OTHER_COLORS[i % len(OTHER_COLORS)]
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
    minutes = xmax >= MINUTES_FROM_S  # by the whole campaign's length: one unit on every plot of the page
    for ti, (t, per) in enumerate(model["targets"].items()):
        with_data = [(e, r) for e, r in per.items() if r["series"].get("elapsed_s")]
        if not with_data:
            continue
        times = [x for _e, r in with_data for x in r["series"]["elapsed_s"]]
        for kind, key, ylabel in (("execs_per_s", "execs_per_s", "execs/s"),
                                  ("coverage", "coverage", "coverage (libFuzzer cov / AFL++ edges)")):
            series = [(e, r["series"]["elapsed_s"], r["series"][key]) for e, r in with_data]
            title = f"{t}: {'execs/s' if kind == 'execs_per_s' else 'coverage'} over time"
            svg, why = gnuplot_svg(title, ylabel, series, time_axis((min(times), max(times)), minutes))
            if svg is None:
                if why not in said:
                    said.add(why)
                    warnings.append(why)
                continue
            lp.atomic_write(os.path.join(out_dir, "plots", f"{t}-{kind}.svg"), svg)
            plots.setdefault(t, []).append((kind, inline_svg(svg, f"p{ti}{kind[0]}-")))
    return plots


def history_plots(out_dir, nights, warnings):
    """The nights (the report's rows of history.py's records, oldest first) plotted: what the
    fuzzers reached (hv/core line coverage, hcall x return code cells, both in %), the findings
    that fired each night, the executions. [(kind, inline svg)]; also writes DIR/plots/history-<kind>.svg. Nothing for one night."""
    if len(nights) < 2:
        return []
    stamps = [str(n.get("night") or "?") for n in nights]
    labels = [t[:10] if len(nights) <= 6 else t[5:10] for t in stamps]  # a month's nights: MM-DD
    if len(set(labels)) < len(labels):  # more than one night a day (tests, reruns): the time too
        labels = [t[5:16].replace("T", " ") for t in stamps]
    xs = list(range(1, len(nights) + 1))

    def pct(n):
        return 100.0 * n["reached"] / n["cells"] if n.get("reached") is not None and n.get("cells") else None

    charts = [
        ("reach", "what each night reached", "%",
         [("hv/core lines covered", [n.get("coverage_lines_pct") for n in nights]),
          ("hcall x return code cells reached", [pct(n) for n in nights])]),
        ("findings", "findings by night", "finding groups",
         [("fired", [n["findings"] for n in nights]), ("new", [n["new_findings"] for n in nights]),
          ("no longer fire", [n["no_longer_firing"] for n in nights])]),
        ("execs", "executions by night", "execs", [("execs", [n.get("execs") for n in nights])]),
    ]
    out = []
    for kind, title, ylabel, rows in charts:
        svg, why = gnuplot_svg(title, ylabel, [(name, xs, ys) for name, ys in rows], nights_axis(labels),
                               counts=kind == "findings")
        if svg is None:
            if why not in warnings:
                warnings.append(why)
            return out
        lp.atomic_write(os.path.join(out_dir, "plots", f"history-{kind}.svg"), svg)
        out.append((kind, inline_svg(svg, f"h{kind[0]}-")))
    return out
