#!/usr/bin/python3
"""./lparsec bench mutants: the planted-bug benchmark.

Every patch in bench/mutants/ is a realistic isolation bug in hv/ (or an
engine), its header naming what must catch it:

    Mutant: <one line>
    Invariant: I7 I1        (any of these is the right catch)
    Targets: hcall_seq dlpar (the fuzz targets whose programs reach it)

The user's tree is never touched: it is copied once (tracked and untracked
files, no build output) into OUT/tree, where each mutant in turn is applied,
the fuzz targets it names are rebuilt (incrementally, without sanitizers,
as the campaign's fast builds: libFuzzer, or AFL++ with --engine afl, its
custom mutator too), fuzzed from their seeds for up to --seconds each trial (the named targets side by side, --jobs at a time),
and reverted. The first violation stops a trial; its invariant is read from
the target's own report. Per mutant: detected in how many trials, the times
to detection, the invariants found.

--baseline also fuzzes each mutant as a byte-level fuzzer would (libFuzzer's
own mutations, no program mutator, no dictionary, every argument a literal
register value: LPARSEC_FUZZ_BASELINE=1), the same number of trials, for the
speed-up the structure buys.

Writes OUT/mutants.json, OUT/mutants.md (the table) and, with gnuplot,
OUT/survival.svg (the share of trials a mutant survived, over time, per
mode: Magma's survival plot), atomically, after every mutant, so an
interrupted run keeps what it measured. Exit 0 when every mutant was caught
by an invariant its header names, 1 when one survived or was caught by
another (the table says which), 2 on a tool error.

Only the standard library of Debian's /usr/bin/python3.
"""

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import lpcommon
from lpcommon import ROOT, ToolError

PROG = "lparsec bench mutants"
MUTANTS_DIR = os.path.join(ROOT, "bench", "mutants")


def parse_mutant(path):
    """The header fields of a mutant patch: name, title, invariants, targets."""
    fields = {}
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith(("--- ", "diff ")):
                break
            m = re.match(r"(Mutant|Invariant|Targets):\s*(.*)", line)
            if m:
                fields[m.group(1)] = m.group(2).strip()
    name = os.path.basename(path)[: -len(".patch")]
    missing = [k for k in ("Mutant", "Invariant", "Targets") if k not in fields]
    if missing:
        raise ToolError(f"{path}: the header has no {', '.join(missing)} line")
    targets = fields["Targets"].split()
    unknown = [t for t in targets if t not in lpcommon.TARGETS]
    if unknown:
        raise ToolError(f"{path}: unknown target(s) {' '.join(unknown)} (fuzz/targets.txt)")
    return {"name": name, "path": path, "title": fields["Mutant"], "invariants": fields["Invariant"].split(),
            "targets": targets}


def all_mutants(only):
    names = sorted(f for f in os.listdir(MUTANTS_DIR) if f.endswith(".patch")) if os.path.isdir(MUTANTS_DIR) else []
    mutants = [parse_mutant(os.path.join(MUTANTS_DIR, f)) for f in names]
    if only:
        wanted = only.split(",")
        unknown = sorted(set(wanted) - {m["name"] for m in mutants})
        if unknown:
            raise ToolError(f"no mutant named {', '.join(unknown)} in bench/mutants/")
        mutants = [m for m in mutants if m["name"] in wanted]
    if not mutants:
        raise ToolError("no mutant to run (bench/mutants/*.patch)")
    return mutants


# ---- the scratch tree ----------------------------------------------------------

def copy_tree(dest):
    """The tree as it is (committed or not), without build output, into dest."""
    r = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise ToolError("git ls-files failed: " + r.stderr.decode(errors="replace").strip())
    for rel in r.stdout.decode().split("\0"):
        if not rel or not os.path.isfile(os.path.join(ROOT, rel)):
            continue
        os.makedirs(os.path.join(dest, os.path.dirname(rel)), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), os.path.join(dest, rel))


def patch(tree, path, reverse=False):
    cmd = ["patch", "-p1", "--quiet", "--force", "--no-backup-if-mismatch"] + (["-R"] if reverse else [])
    with open(path, "rb") as f:
        r = subprocess.run(cmd, cwd=tree, stdin=f, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise ToolError(f"{os.path.basename(path)} does not {'revert' if reverse else 'apply'}:\n"
                        + r.stdout.decode(errors="replace"))


def build(tree, targets, log, engine="libfuzzer"):
    """Configures (once) and builds the engine's targets without sanitizers in the scratch tree."""
    preset = "afl-fast" if engine == "afl" else "fuzz-fast"
    bdir = os.path.join(tree, "build", preset)
    binaries = [f"afl-{t}" for t in targets] + ["lparsec-afl-mutator"] if engine == "afl" else [f"fuzz-{t}" for t in targets]
    cmds = [["cmake", "--build", bdir, "--target", "lparsec-corpora"] + binaries]
    if not os.path.exists(os.path.join(bdir, "CMakeCache.txt")):
        cmds.insert(0, ["cmake", "--preset", preset, "-B", bdir] + lpcommon.extra_cmake_args())
    for cmd in cmds:
        with open(log, "ab") as f:
            r = subprocess.run(cmd, cwd=tree, stdout=f, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            with open(log, errors="replace") as f:
                raise ToolError(f"build failed ({' '.join(cmd[:3])}...); see {log}:\n"
                                + lpcommon.build_errors(f.read()))
    return bdir


# ---- one trial -----------------------------------------------------------------

def start_target(bdir, tree, target, seed, seconds, work, baseline=False):
    """libFuzzer on target from its seeds, stopping at the first violation; (process, log, artifacts).
    baseline: the byte-level baseline (no program mutator, no selectors, no dictionary)."""
    corpus = os.path.join(work, f"corpus-{target}")
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(os.path.join(bdir, "corpora", target), corpus)
    artifacts = os.path.join(work, f"found-{target}") + "/"
    os.makedirs(artifacts, exist_ok=True)
    log = os.path.join(work, f"{target}.log")
    opts = [o.replace(os.path.join(ROOT, "fuzz"), os.path.join(tree, "fuzz")) for o in lpcommon.libfuzzer_options(target)
            if not (baseline and o.startswith("-dict="))]
    cmd = [os.path.join(bdir, "fuzz", f"fuzz-{target}"), corpus, f"-seed={seed}", f"-max_total_time={seconds}",
           f"-artifact_prefix={artifacts}", "-print_final_stats=1"] + opts
    env = dict(os.environ, LPARSEC_FUZZ_BASELINE="1" if baseline else "0")
    with open(log, "wb") as f:
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env)
    return proc, log, artifacts


def start_afl(bdir, tree, target, seed, seconds, work):
    """AFL++ on target from its seeds with the program mutator, stopping at its first crash
    (AFL_BENCH_UNTIL_CRASH); (process, log, crash directory)."""
    corpus = os.path.join(work, f"corpus-{target}")
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(os.path.join(bdir, "corpora", target), corpus)
    sync = os.path.join(work, f"afl-{target}")
    shutil.rmtree(sync, ignore_errors=True)
    log = os.path.join(work, f"{target}.log")
    env = {k: v for k, v in os.environ.items() if k not in ("ASAN_OPTIONS", "UBSAN_OPTIONS")}
    env.update(AFL_CUSTOM_MUTATOR_LIBRARY=os.path.join(bdir, "fuzz", "lparsec-afl-mutator.so"), AFL_NO_UI="1",
               AFL_SKIP_CPUFREQ="1", AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1", AFL_NO_AFFINITY="1",
               AFL_BENCH_UNTIL_CRASH="1", AFL_SKIP_CRASHES="1")
    cmd = ["afl-fuzz", "-V", str(max(1, int(seconds))), "-s", str(seed), "-M", "main", "-i", corpus, "-o", sync,
           "-x", os.path.join(tree, "fuzz", f"{target}.dict"), "--", os.path.join(bdir, "fuzz", f"afl-{target}")]
    with open(log, "wb") as f:
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env)
    return proc, log, os.path.join(sync, "main", "crashes")


def afl_title(bdir, target, crashes, prefix="id:"):
    """The violation an input of the directory reports when the target replays it (afl-<target> < FILE):
    AFL++'s crashes, or the seeds (AFL++ refuses to start on a seed that crashes), or None."""
    files = sorted(f for f in os.listdir(crashes) if f.startswith(prefix)) if os.path.isdir(crashes) else []
    for name in files:
        with open(os.path.join(crashes, name), "rb") as f:
            r = subprocess.run([os.path.join(bdir, "fuzz", f"afl-{target}")], stdin=f, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=60)
        title = lpcommon.title_from_log(r.stdout.decode(errors="replace"))
        if title:
            return title
    return None


def run_trial(bdir, tree, mutant, seed, seconds, jobs, work, baseline=False, engine="libfuzzer"):
    """Fuzzes the mutant's targets (jobs at a time) until one finds something or time runs out.
    Returns {"detected", "seconds", "target", "title", "invariant"}."""
    pending = list(mutant["targets"])
    running, started = [], time.monotonic()
    if engine == "afl":
        # What libFuzzer finds while it loads its corpus: a seed that already violates an invariant.
        for t in pending:
            title = afl_title(bdir, t, os.path.join(bdir, "corpora", t), prefix="")
            if title:
                return {"detected": True, "seconds": round(time.monotonic() - started, 2), "target": t,
                        "title": title, "invariant": lpcommon.invariant_of(title)}
    try:
        while pending or running:
            while pending and len(running) < jobs:
                t = pending.pop(0)
                running.append((t,) + (start_afl(bdir, tree, t, seed, seconds, work) if engine == "afl"
                                       else start_target(bdir, tree, t, seed, seconds, work, baseline)))
            time.sleep(0.05)
            for entry in list(running):
                t, proc, log, artifacts = entry
                if proc.poll() is None:
                    continue
                running.remove(entry)
                if engine == "afl":
                    title = afl_title(bdir, t, artifacts)
                else:
                    with open(log, errors="replace") as f:
                        title = lpcommon.title_from_log(f.read()) if proc.returncode != 0 else None
                if title:
                    return {"detected": True, "seconds": round(time.monotonic() - started, 2), "target": t,
                            "title": title, "invariant": lpcommon.invariant_of(title)}
        return {"detected": False, "seconds": None, "target": None, "title": None, "invariant": None}
    finally:
        for _, proc, _, _ in running:
            try:
                os.killpg(proc.pid, 9)
            except OSError:
                pass
            proc.wait()


# ---- the table -----------------------------------------------------------------

def summarize(mutant, trials):
    found = [t for t in trials if t["detected"]]
    right = [t for t in found if t["invariant"] in mutant["invariants"]]
    times = [t["seconds"] for t in found]
    return {
        "name": mutant["name"], "title": mutant["title"], "expected": mutant["invariants"],
        "targets": mutant["targets"], "trials": trials, "detected": len(found), "right_invariant": len(right),
        "median_s": statistics.median(times) if times else None, "max_s": max(times) if times else None,
        "invariants": sorted({t["invariant"] or t["title"] for t in found}),
    }


def speedup(r, seconds):
    """Baseline median over structured median; a survivor counts as the time limit (so: at least)."""
    def median_or_limit(trials):
        return statistics.median([t["seconds"] if t["detected"] else seconds for t in trials])
    return median_or_limit(r["baseline"]["trials"]) / max(median_or_limit(r["trials"]), 0.01)


def table(results, seconds, trials_n, machine, engine="libfuzzer"):
    baseline = any("baseline" in r for r in results)
    flag = (" --baseline" if baseline else "") + (f" --engine {engine}" if engine != "libfuzzer" else "")
    lines = [f"Mutants (`./lparsec bench mutants --seconds {seconds} --trials {trials_n}{flag}`; {machine}): "
             "detected trials, time to detection (median / worst, seconds), what caught it"
             + ("; the byte-level baseline's detected trials and median." if baseline else "."), "",
             "| mutant | expected | detected | median s | worst s | caught as | targets |"
             + (" baseline | baseline median s |" if baseline else ""),
             "|---|---|---|---|---|---|---|" + ("---|---|" if baseline else "")]
    for r in results:
        med = f"{r['median_s']:.1f}" if r["median_s"] is not None else "-"
        worst = f"{r['max_s']:.1f}" if r["max_s"] is not None else "-"
        row = (f"| {r['name']} | {' '.join(r['expected'])} | {r['detected']}/{len(r['trials'])} | {med} | "
               f"{worst} | {', '.join(r['invariants']) or 'survived'} | {' '.join(r['targets'])} |")
        if baseline and "baseline" in r:
            b = r["baseline"]
            row += (f" {b['detected']}/{len(b['trials'])} | "
                    + (f"{b['median_s']:.1f}" if b["median_s"] is not None else "survived") + " |")
        lines.append(row)
    times = [t["seconds"] for r in results for t in r["trials"] if t["detected"]]
    caught = sum(1 for r in results if r["right_invariant"] == len(r["trials"]))
    lines += ["", f"{caught} of {len(results)} mutants caught in every trial by an invariant their header names; "
              f"median time to detection over all trials {statistics.median(times):.1f} s." if times else
              f"{caught} of {len(results)} mutants caught."]
    if baseline:
        ups = [speedup(r, seconds) for r in results if "baseline" in r]
        survived = sum(1 for r in results if "baseline" in r and r["baseline"]["detected"] < len(r["baseline"]["trials"]))
        lines.append(f"The byte-level baseline caught {sum(1 for r in results if 'baseline' in r) - survived} of "
                     f"{len(ups)} in every trial; median speed-up of the structured fuzzing over it "
                     f"{statistics.median(ups):.0f}x (a survivor counted at the {seconds:g} s limit: at least).")
    return "\n".join(lines) + "\n"


def survival_plot(out, results, seconds):
    """OUT/survival.svg with gnuplot (skipped without it): the share of (mutant, trial) pairs not yet detected."""
    if not shutil.which("gnuplot"):
        return None
    modes = [("structured", "trials")] + ([("byte-level baseline", "baseline")] if any("baseline" in r for r in results)
                                          else [])
    dat = os.path.join(out, "survival.dat")
    with open(dat, "w") as f:
        for label, key in modes:
            trials = [t for r in results if key in r for t in (r["baseline"] if key == "baseline" else r)["trials"]]
            times = sorted(t["seconds"] for t in trials if t["detected"])
            f.write(f"# {label}\n0.01 100\n")
            for i, s in enumerate(times):
                f.write(f"{max(s, 0.01)} {100.0 * (len(trials) - i - 1) / len(trials)}\n")
            f.write(f"{seconds} {100.0 * (len(trials) - len(times)) / len(trials)}\n\n\n")
    script = (f"set terminal svg size 640,400; set output '{os.path.join(out, 'survival.svg')}';"
              "set logscale x; set xlabel 'seconds of fuzzing'; set ylabel '% of trials the mutant survived';"
              f"set yrange [0:100]; set xrange [0.01:{seconds}]; set key top right;"
              "plot " + ", ".join(f"'{dat}' index {i} with steps lw 2 title '{label}'"
                                  for i, (label, _) in enumerate(modes)))
    r = subprocess.run(["gnuplot", "-e", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return os.path.join(out, "survival.svg") if r.returncode == 0 else None


def machine_line():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    return f"{os.cpu_count()} vCPUs \"{cpu}\", {datetime.date.today().isoformat()}"


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=300, help="fuzzing time per trial before a mutant counts as survived (default 300)")
    ap.add_argument("--trials", type=int, default=3, help="trials per mutant, each with another libFuzzer seed (default 3)")
    ap.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)), help="targets fuzzed at a time")
    ap.add_argument("--mutants", help="comma-separated names (default: every bench/mutants/*.patch)")
    ap.add_argument("--out", help="output directory (default build/mutants/run-<time>)")
    ap.add_argument("--engine", choices=("libfuzzer", "afl"), default="libfuzzer",
                    help="the fuzzer: libFuzzer (default) or AFL++, both with the program mutator")
    ap.add_argument("--baseline", action="store_true",
                    help="also fuzz each mutant as a byte-level fuzzer (no program mutator, no selectors, no dictionary)")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    a = ap.parse_args()
    mutants = all_mutants(a.mutants)
    if a.list:
        for m in mutants:
            print(f"{m['name']:34} {' '.join(m['invariants']):10} {' '.join(m['targets']):22} {m['title']}")
        return lpcommon.EXIT_CLEAN
    if a.seconds <= 0 or a.trials < 1 or a.jobs < 1:
        raise ToolError("--seconds, --trials and --jobs must be positive")
    if a.engine == "afl" and a.baseline:
        raise ToolError("--baseline is a libFuzzer run (its byte mutations): not with --engine afl")
    if a.engine == "afl" and not shutil.which("afl-fuzz"):
        raise ToolError("afl-fuzz not found (./lparsec setup installs afl++)")
    out = os.path.abspath(a.out or os.path.join(lpcommon.build_root(), "mutants",
                                                 datetime.datetime.now().strftime("run-%Y%m%d-%H%M%S")))
    if os.path.exists(os.path.join(out, "mutants.json")):
        raise ToolError(f"{out} holds an earlier run (mutants.json): name another --out")
    tree = os.path.join(out, "tree")
    os.makedirs(out, exist_ok=True)
    if not os.path.isdir(tree):
        print(f"{PROG}: copying the tree to {tree}", file=sys.stderr)
        copy_tree(tree)
    results, machine = [], machine_line()
    for m in mutants:
        work = tempfile.mkdtemp(prefix=f"{m['name']}-", dir=out)
        patch(tree, m["path"])
        try:
            print(f"{PROG}: {m['name']}: building {' '.join(m['targets'])}", file=sys.stderr)
            bdir = build(tree, m["targets"], os.path.join(out, "build.log"), a.engine)
            trials, base = [], []
            for mode, into in (("", trials),) + ((("baseline ", base),) if a.baseline else ()):
                for k in range(a.trials):
                    r = run_trial(bdir, tree, m, k + 1, a.seconds, a.jobs, work, baseline=bool(mode), engine=a.engine)
                    into.append(r)
                    print(f"{PROG}: {m['name']} {mode}trial {k + 1}: "
                          + (f"{r['title']} after {r['seconds']} s ({r['target']})" if r["detected"] else "survived"),
                          file=sys.stderr)
        finally:
            patch(tree, m["path"], reverse=True)
        results.append(summarize(m, trials))
        results[-1]["engine"] = a.engine
        if a.baseline:
            results[-1]["baseline"] = summarize(m, base)
        lpcommon.atomic_write_json(os.path.join(out, "mutants.json"),
                                   {"seconds": a.seconds, "trials": a.trials, "engine": a.engine, "machine": machine,
                                    "results": results})
        lpcommon.atomic_write(os.path.join(out, "mutants.md"), table(results, a.seconds, a.trials, machine, a.engine))
        survival_plot(out, results, a.seconds)
        shutil.rmtree(work, ignore_errors=True)
    print(table(results, a.seconds, a.trials, machine, a.engine))
    print(f"{PROG}: results in {out}/mutants.md and mutants.json", file=sys.stderr)
    ok = all(r["right_invariant"] == len(r["trials"]) for r in results)
    return lpcommon.EXIT_CLEAN if ok else lpcommon.EXIT_FINDINGS


if __name__ == "__main__":
    lpcommon.main_wrapper(PROG, main)
