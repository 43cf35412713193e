"""The report's HTML page: one static file that opens from disk (no server,
nothing loaded from elsewhere, plots inline), with its CSS.

Only the standard library of Debian's /usr/bin/python3.
"""

import html
import os

from report_format import (bisect_text, display_path, engine_name, finding_earlier, finding_first_seen,
                           finding_where, fmt_duration, fmt_int, fmt_pct, fmt_rate, num)

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
.b-never{color:#d1242f;font-weight:bold}
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
    if f.get("earlier"):
        b.append('<span class="badge b-known">earlier night</span>' + (
            ' <span class="badge b-new">still fires</span>' if f.get("fires_now") is True else
            ' <span class="badge b-known">no longer fires</span>' if f.get("fires_now") is False else ""))
    if f["flaky"]:
        b.append('<span class="badge b-flaky">flaky</span>')
    if f["invariant"]:
        b.append(f'<span class="badge b-inv">{e(f["invariant"])}</span>')
    if f["kind"]:
        b.append(f'<span class="badge b-kind">{e(f["kind"])}</span>')
    return " ".join(b)


def _minimised(f):
    if f["ops_before"] is not None and f["ops_after"] is not None:
        return f"{'yes' if f['minimised'] else 'no'} ({f['ops_before']} → {f['ops_after']} operations)"
    return "yes" if f["minimised"] else "no"


def html_finding(f):
    cls = "finding" + (" known" if f["known"] or (f.get("earlier") and f.get("fires_now") is False)
                       else " flaky" if f["flaky"] else "")
    out = [f'<div class="{cls}" id="{e("f-" + f["slug"])}">',
           f'<div>{_badges(f)}</div>',
           f'<h3>{e(f["title"])}</h3>',
           '<dl class="meta">',
           f'<dt>invariant</dt><dd>{e(f["invariant"] or "– (not an invariant violation)")}</dd>',
           f'<dt>target / engine</dt><dd>{e(finding_where(f))}</dd>',
           f'<dt>first seen</dt><dd>{e(finding_first_seen(f))}</dd>',
           f'<dt>inputs</dt><dd>{e(fmt_int(f["count"]))}</dd>',
           f'<dt>reproduced</dt><dd>{e(f["reproduced"] or "–")}'
           f'{" — flaky: did not fire the same title every run" if f["flaky"] else ""}</dd>',
           f'<dt>minimised</dt><dd>{e(_minimised(f))}</dd>']
    if f.get("earlier"):
        out.append(f'<dt>this night</dt><dd>{e(finding_earlier(f))}: its reproducer replayed on this build</dd>')
    if f["known"]:
        out.append('<dt>known</dt><dd>the title is already in corpora/regressions/</dd>')
    if f["promoted"]:
        out.append(f'<dt>promoted to</dt><dd>{e(f["promoted"])}</dd>')
    if f.get("bisect"):
        out.append(f'<dt>first bad commit</dt><dd>{e(bisect_text(f["bisect"]))}</dd>')
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
    p = max(0.0, min(100.0, num(pct, 0.0)))
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
    n_inputs = sum(int(num(v.get("inputs"), 0)) for v in targets.values() if isinstance(v, dict))
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
    for path, ranges in (cov.get("uncovered") or {}).items():
        n = sum(r[1] - r[0] + 1 for r in ranges)
        body = "\n".join(f"{first + i:5d}  {line}" for first, _last, lines in ranges for i, line in enumerate(lines))
        out.append(f'<details><summary>{e(path)}: {n} line(s) never run</summary><pre>{e(body)}</pre></details>')
    return "\n".join(out)


def html_matrix(mx):
    """Every hcall's return codes: how often the corpus reached each; the never reached first, marked."""
    if not mx:
        return '<p class="note">Not measured (no corpus, or <code>--no-coverage</code>).</p>'
    progs = ", ".join(f"{t} {n}" for t, n in sorted(mx["programs"].items()))
    out = [f'<p>{mx["reached"]} of {mx["cells"]} cells reached over {e(progs)} programs '
           f'(the return codes hcalls.def allows each hcall, and H_PRIVILEGE from problem state).</p>']
    if mx["never"]:
        out.append('<p class="warn">never reached: ' + ", ".join(e(f"{a} → {b}") for a, b in mx["never"]) + "</p>")
    if mx["unexpected"]:
        out.append('<p class="warn">outside hcalls.def\'s list: '
                   + ", ".join(e(f"{a} → {b} ({n})") for a, b, n in mx["unexpected"]) + "</p>")
    out.append("<table><tr><th>hcall</th><th>return codes (inputs' calls)</th></tr>")
    for r in mx["rows"]:
        cells = " ".join(f'<span class="{"" if c["count"] else "b-never"}">{e(c["rc"])} {fmt_int(c["count"])}</span>'
                         for c in r["cells"])
        out.append(f'<tr><td>{e(r["hcall"])}</td><td>{cells}</td></tr>')
    out.append("</table>")
    if mx.get("invariants"):
        out.append("<table><tr><th>invariant</th><th>checks</th><th>on a state where its bug could live</th></tr>")
        for v in mx["invariants"]:
            if not v["rich_means"]:
                rich = "–"
            elif v["rich"]:
                rich = f'{e(fmt_int(v["rich"]))} ({e(v["rich_means"])})'
            else:
                rich = f'<span class="b-never">0: only trivial states</span> ({e(v["rich_means"])})'
            out.append(f'<tr><td>{e(v["inv"])}</td><td>{e(fmt_int(v["checks"]))}</td><td>{rich}</td></tr>')
        out.append("</table>")
    return "\n".join(out)


def html_history(h):
    """What changed since the previous night, then a row per night."""
    out = []
    c = h.get("changes")
    if c:
        def items(xs):
            return ", ".join(e(x) for x in xs) or "none"
        out.append(f'<p>Since {e(c["from"])}: new findings <b>{items(c["new_findings"])}</b>; vanished '
                   f'{items(c["vanished_findings"])}; hcall × return code cells gained {items(c["cells_gained"])}, '
                   f'lost <span class="b-never">{items(c["cells_lost"])}</span>; coverage '
                   f'{e("%+.2f" % c["coverage_delta"] if c["coverage_delta"] is not None else "–")} points.</p>')
    out.append("<table><tr><th>night</th><th>execs</th><th>coverage (lines)</th><th>cells reached</th>"
               "<th>findings fired (new)</th><th>no longer fire</th></tr>")
    for n in h["nights"]:
        out.append(f'<tr><td>{e(n["night"])}</td><td>{e(fmt_int(n["execs"]))}</td>'
                   f'<td>{e(fmt_pct(n["coverage_lines_pct"]))}</td>'
                   f'<td>{e(fmt_int(n["reached"]))}/{e(fmt_int(n["cells"]))}</td>'
                   f'<td>{n["findings"]} ({n["new_findings"]})</td><td>{n["no_longer_firing"]}</td></tr>')
    out.append("</table>")
    return "\n".join(out)


def render_html(model, plots, night_plots=()):
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
    ] + ([("earlier nights' findings", f'{fnd["still_firing"]} still fire, {fnd["fixed"]} no longer',
           "bad" if fnd["still_firing"] else "good")] if fnd.get("earlier") else []) + [
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
    out.append("<h2>Hcall × return code (the merged corpus replayed)</h2>")
    out.append(html_matrix(model.get("matrix")))
    if (model.get("history") or {}).get("nights"):
        out.append("<h2>Night over night</h2>")
        out.append(html_history(model["history"]))
        if night_plots:
            out.append('<div class="plots">' + "".join(f"<figure>{svg}</figure>" for _kind, svg in night_plots)
                       + "</div>")
    out.append('<p class="note">Regenerate with <code>./lparsec report ' + e(display_path(c["dir"])) +
               '</code>. Machine-readable: report.json; CI summary: summary.md.</p>')
    out.append("</main></body></html>\n")
    return "\n".join(out)

