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
MINUTES_FROM_S = 300  # a campaign this long or longer is plotted in minutes


def _gp_str(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def gnuplot_svg(title, ylabel, series, xspan_s, minutes):
    """series: [(engine, xs_seconds, ys)], drawn over xspan_s = (first, last) seconds of campaign time.
    Returns (svg, None) or (None, why)."""
    gp = shutil.which("gnuplot")
    if not gp:
        return None, "gnuplot is not installed (Debian package gnuplot-nox): no plots"
    lo, hi = (f"{(x / 60.0 if minutes else x):.6g}" for x in xspan_s)
    lines = [
        'set terminal svg size 560,300 dynamic noenhanced font "sans,10" background "#ffffff"',
        f"set title {_gp_str(title)}",
        f"set xlabel {_gp_str('campaign time (min)' if minutes else 'campaign time (s)')}",
        f"set ylabel {_gp_str(ylabel)}",
        "set key below horizontal",
        "set grid lc rgb '#dddddd'",
        "set border 3",
        "set tics nomirror",
        # A target that ran in a later slice is plotted over its own samples, not from time 0.
        # One sample is an empty range, which gnuplot refuses when given but widens when it scales.
        f"set xrange [{lo}:{hi if hi != lo else '*'}]",
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
            svg, why = gnuplot_svg(title, ylabel, series, (min(times), max(times)), minutes)
            if svg is None:
                if why not in said:
                    said.add(why)
                    warnings.append(why)
                continue
            lp.atomic_write(os.path.join(out_dir, "plots", f"{t}-{kind}.svg"), svg)
            plots.setdefault(t, []).append((kind, inline_svg(svg, f"p{ti}{kind[0]}-")))
    return plots
