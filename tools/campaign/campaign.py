"""./lparsec campaign: fuzz every target with libFuzzer and AFL++, triage, minimise, report.

The targets run one after another, each for its share of --minutes; within a
target's slice the engines run side by side (or, with one job and both
engines, one after the other). Everything the campaign knows is in --out
(LAYOUT.md), written atomically, so that kill -9 and the same command again
resumes with the remaining time and loses no finding.

Only the standard library of Debian's /usr/bin/python3.
"""

import argparse
import glob
import math
import os
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lpcommon  # noqa: E402
import triage  # noqa: E402
from engines import ENGINES, Registry, spawn, stop_group  # noqa: E402
from lpcommon import ToolError  # noqa: E402

PROG = "campaign"
# The report generator and its parts (report, matrix, coverage): the campaign calls them there.
REPORTS = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reports"))
TICK_S = 2.0          # progress line
SAMPLE_S = 5.0        # stats/*.csv, campaign.json, a triage pass
LOG_LINE_S = 15.0     # progress when stderr is not a terminal
MAX_RESTARTS = 5      # an engine that keeps exiting early is given up for the phase
CSV_HEADER = "elapsed_s,execs,execs_per_s,coverage,corpus,findings\n"

EPILOG = """\
Each target gets MINUTES/len(targets) of wall time. With both engines,
libFuzzer runs ceil(J/2) processes and AFL++ floor(J/2) instances (one -M,
the rest -S); with --jobs 1 they take turns (first half libFuzzer, second
AFL++). One libFuzzer process runs in-process until its first finding, then
in fork mode (-fork, -ignore_crashes), which several always use.
Crash inputs are triaged while the campaign runs (replayed, grouped by title
into DIR/findings/<slug>/, the first of each group reproduced with
lparsec-repro --runs 3 and minimised into repro.txt and repro.bin); at the end
of each target's slice its corpus is merged (libFuzzer -merge=1 of its
corpus and the AFL++ queues). Interrupted (Ctrl-C, kill -9)? Run the same
command again: it resumes with the remaining time.

A directory kept from an earlier campaign (ci/nightly.sh's, whose finished
night makes way with reports/history.py archive) keeps its corpus and its
finding groups: a group this campaign did not create is not new, and at the
end its reproducer is replayed on this build -- it still fires, or it no
longer does (the bug was fixed), which the report and the night's record say.

--builds: the invariants are checked after every operation in every build;
ASan/UBSan cost 3-4x the executions. mixed (the default) fuzzes with
libFuzzer on the build without sanitizers (preset fuzz-fast) and with AFL++
on ASan/UBSan; fast runs both without (fuzz-fast, afl-fast); sanitized both
with (dev, afl). Whenever a build without sanitizers ran, the target's corpus
and AFL++ queues are replayed under ASan/UBSan before the merge (the
sanitizer sweep): a memory error those builds ran past becomes a finding.

LPARSEC_BUILD_ROOT / LPARSEC_CMAKE_ARGS select another build (tests use a
deliberately broken one). Exit status: 0 nothing new, 1 new findings (titles
not already in corpora/regressions/ nor found by an earlier campaign in
DIR), 2 a tool error (bad option, unwritable
or corrupt output directory, failed build)."""


# ---- options -------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(prog="./lparsec campaign", epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                description="Fuzz every target with libFuzzer and AFL++, triage and minimise "
                                            "what they find, merge the corpora, write the report.")
    p.add_argument("--minutes", type=float, default=10.0, metavar="N", help="total fuzzing time (default 10)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="J",
                   help="engine processes at a time (default: the CPU count)")
    p.add_argument("--engine", choices=["libfuzzer", "afl", "both"], default="both", help="default both")
    p.add_argument("--targets", default=",".join(lpcommon.TARGETS), metavar="A,B",
                   help="comma-separated (default: " + ",".join(lpcommon.TARGETS) + ")")
    p.add_argument("--out", metavar="DIR", help="campaign directory (default: <build root>/campaign)")
    p.add_argument("--promote", action="store_true",
                   help="copy each new finding's repro.txt to corpora/regressions/<slug>.txt")
    p.add_argument("--builds", choices=["mixed", "sanitized", "fast"], default="mixed",
                   help="mixed (default): libFuzzer on the build without sanitizers, AFL++ on ASan/UBSan; "
                        "sanitized: both on ASan/UBSan; fast: neither")
    p.add_argument("--no-build", action="store_true", help="use the binaries already built")
    a = p.parse_args(argv)
    if not math.isfinite(a.minutes) or a.minutes <= 0:
        p.error(f"--minutes must be a positive number, not {a.minutes}")
    if a.jobs < 1:
        p.error(f"--jobs must be at least 1, not {a.jobs}")
    targets = [t.strip() for t in a.targets.split(",") if t.strip()]
    bad = [t for t in targets if t not in lpcommon.TARGETS]
    if not targets or bad or len(set(targets)) != len(targets):
        p.error(f"--targets: '{a.targets}' is not a comma-separated list of distinct targets among "
                + ", ".join(lpcommon.TARGETS))
    a.targets = targets
    a.engines = ["libfuzzer", "afl"] if a.engine == "both" else [a.engine]
    # Which engines run the build without sanitizers (what they find is replayed
    # under ASan/UBSan, and so is their corpus before each merge: the sweep).
    a.fast = {"libfuzzer": a.builds in ("mixed", "fast"), "afl": a.builds == "fast"}
    a.out = os.path.abspath(a.out or os.path.join(lpcommon.build_root(), "campaign"))
    # For tests: known titles and --promote against a copy of corpora/regressions/.
    a.regressions = os.environ.get("LPARSEC_REGRESSIONS_DIR") or None
    return a


# ---- campaign.json -------------------------------------------------------------

ZERO = {"execs": 0, "execs_per_s": 0, "coverage": 0, "corpus": 0}


def new_state(a):
    per = a.minutes * 60.0 / len(a.targets)
    return {"version": 1, "started": triage.utc_now(),
            "config": {"minutes": a.minutes, "jobs": a.jobs, "engine": a.engine, "targets": a.targets,
                       "builds": a.builds},
            "elapsed_s": 0.0,
            "slices": {t: {"planned_s": per, "done_s": 0.0, "seeded": False, "merged": False} for t in a.targets},
            "status": "running", "totals": {t: {e: dict(ZERO) for e in a.engines} for t in a.targets},
            "new_findings": [], "findings_before": [], "findings_before_counts": {}, "earlier_findings": None}


def load_state(path, a):
    """The state of an interrupted campaign; ToolError if corrupt or started with other options."""
    st = lpcommon.read_json(path, "campaign state")
    try:
        cfg, slices = st["config"], st["slices"]
        ok = (st["version"] == 1 and isinstance(cfg, dict) and st["status"] in ("running", "triaging", "done")
              and all(isinstance(slices[t]["done_s"], (int, float)) and isinstance(slices[t]["planned_s"], (int, float))
                      for t in cfg["targets"]) and isinstance(st["totals"], dict))
        float(st["elapsed_s"])
    except (KeyError, TypeError, ValueError):
        ok = False
    if not ok:
        raise ToolError(f"{path}: corrupt campaign state (fields missing or of the wrong type); "
                        "remove the directory or use another --out")
    mine = {"minutes": a.minutes, "engine": a.engine, "targets": a.targets}
    theirs = {k: cfg.get(k) for k in mine}
    if theirs != mine:
        shown = ", ".join(f"--{k} {','.join(v) if isinstance(v, list) else v}" for k, v in theirs.items())
        raise ToolError(f"{path}: this directory holds a campaign started with other options "
                        f"({shown}); run it with the same "
                        "options to resume it, or use another --out")
    cfg["jobs"] = a.jobs  # resources may change between resumes; the time plan may not
    cfg["builds"] = a.builds  # so may the builds (each input is replayed under ASan/UBSan anyway)
    for t in cfg["targets"]:
        slices[t].setdefault("seeded", False)
        slices[t].setdefault("merged", False)
        for e in a.engines:
            st["totals"].setdefault(t, {}).setdefault(e, dict(ZERO))
    return st


# ---- the time plan -------------------------------------------------------------

def phases(a, planned):
    """[(end of the phase in the slice's seconds, {engine: processes})] for one target."""
    if len(a.engines) == 2 and a.jobs == 1:
        return [(planned / 2, {"libfuzzer": 1}), (planned, {"afl": 1})]  # one core: take turns
    if len(a.engines) == 2:
        return [(planned, {"libfuzzer": (a.jobs + 1) // 2, "afl": a.jobs // 2})]
    return [(planned, {a.engines[0]: a.jobs})]


# ---- progress ------------------------------------------------------------------

def clock(s):
    s = int(s)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class Progress:
    """One line on stderr: rewritten in place on a terminal, a full line every
    LOG_LINE_S seconds otherwise (CI logs)."""

    def __init__(self):
        self.tty = sys.stderr.isatty()
        self.last, self.width = 0.0, 0

    def show(self, line):
        if self.tty:
            cols = shutil.get_terminal_size((120, 20)).columns - 1
            line = line[:cols]
            sys.stderr.write("\r" + line.ljust(self.width))
            self.width = len(line)
        elif time.monotonic() - self.last >= LOG_LINE_S:
            sys.stderr.write(line + "\n")
            self.last = time.monotonic()
        sys.stderr.flush()

    def note(self, msg):
        if self.tty and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            self.width = 0
        print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


def fmt_rate(n):
    return f"{n / 1000:.1f}k" if n >= 10000 else str(int(n))


# ---- the campaign --------------------------------------------------------------

class Campaign:
    def __init__(self, a):
        self.a, self.out = a, a.out
        self.state_path = os.path.join(self.out, "campaign.json")
        self.progress = Progress()
        self.registry = Registry(self.out)
        self.worker = None

    # ---- state

    def save(self):
        st = self.state
        st["elapsed_s"] = round(sum(s["done_s"] for s in st["slices"].values()), 1)
        before = set(st.get("findings_before") or [])  # an earlier campaign's groups in a kept directory
        st["new_findings"] = [s for s in self.triage.slugs() if s not in before]
        lpcommon.atomic_write_json(self.state_path, st)

    def elapsed(self):
        return sum(s["done_s"] for s in self.state["slices"].values())

    def total_s(self):
        return sum(s["planned_s"] for s in self.state["slices"].values())

    def corpus(self, target):
        return os.path.join(self.out, "corpus", target)

    def growth(self, target, create=True):
        """Where libFuzzer writes the inputs it adds to the corpus during a slice:
        lpcommon.growth_dir, in RAM (created when there is room), or None to write
        the corpus itself. The merge at the end of the slice takes its inputs into
        the corpus and removes it; a violation's input never goes there
        (-artifact_prefix)."""
        path = lpcommon.growth_dir(self.out, target)
        if os.path.isdir(path):
            return path
        if not create or not lpcommon.ram_usable():
            return None
        try:
            os.makedirs(path, exist_ok=True)
        except OSError:
            return None
        return path

    def corpus_dirs(self, target):
        """The corpus and, if there is one, its growth in RAM."""
        g = self.growth(target, create=False)
        return [self.corpus(target)] + ([g] if g else [])

    # ---- start: directory, state, binaries

    def open(self):
        lpcommon.check_writable_dir(self.out)
        self.registry.kill_leftovers()
        if os.path.exists(self.state_path):
            self.state = load_state(self.state_path, self.a)
            self.progress.note(f"resuming {self.out} at {clock(self.elapsed())} of {clock(self.total_s())} "
                               f"({self.state['status']})")
            fresh = False
        else:
            self.state, fresh = new_state(self.a), True
        self.triage = triage.Triage(self.out, self.elapsed, promote=self.a.promote,
                                    regressions_dir=self.a.regressions)
        if fresh:
            self.state["findings_before"] = self.triage.slugs()
            self.state["findings_before_counts"] = {s: self.triage.read_finding(s)["count"]
                                                    for s in self.state["findings_before"]}
        triage.clean_tmp(self.out)
        stats = os.path.join(self.out, "stats")
        for name in os.listdir(stats) if os.path.isdir(stats) else []:
            lpcommon.drop_torn_line(os.path.join(stats, name))  # a kill -9 mid-append
        self.save()

    def prepare_binaries(self):
        a = self.a
        presets = ["dev"]  # the ASan/UBSan libFuzzer build: triage, sweep, merge, and libFuzzer unless fast
        if "libfuzzer" in a.engines and a.fast["libfuzzer"]:
            presets.append(lpcommon.LIBFUZZER_PRESETS[True])
        if "afl" in a.engines:
            presets.append(lpcommon.AFL_PRESETS[a.fast["afl"]])
        if not a.no_build:
            self.progress.note(f"building what is missing ({', '.join(presets)})")
            lpcommon.build("dev", ["lparsec-fuzz", "lparsec-repro", "lparsec-fmt"])
            for preset in presets[1:]:
                lpcommon.build(preset, ["lparsec-fuzz"])
        need = [lpcommon.repro_binary(), lpcommon.fmt_binary()]
        for t in a.targets:
            # The ASan/UBSan libFuzzer binary merges the corpora even when only AFL++ fuzzes.
            need += [lpcommon.libfuzzer_binary(t), lpcommon.replay_binary(t), lpcommon.seed_dir("dev", t)]
            if "libfuzzer" in a.engines:
                need.append(lpcommon.libfuzzer_binary(t, a.fast["libfuzzer"]))
            if "afl" in a.engines:
                need += [lpcommon.afl_binary(t, a.fast["afl"]), lpcommon.afl_mutator(a.fast["afl"])]
        missing = [p for p in need if not os.path.exists(p)]
        if missing:
            raise ToolError(f"missing {missing[0]}" + (f" and {len(missing) - 1} more" if len(missing) > 1 else "")
                            + (" (run without --no-build)" if a.no_build else ""))
        if "afl" in a.engines and not shutil.which("afl-fuzz"):
            raise ToolError("afl-fuzz is not installed (./lparsec setup)")

    # ---- corpus

    def prepare_corpus(self, t):
        """DIR/corpus/<t>, recovered from an interrupted merge or seeded from the build's seeds."""
        corpus, parent = self.corpus(t), os.path.join(self.out, "corpus")
        ready, old = os.path.join(parent, f".{t}.ready"), os.path.join(parent, f".{t}.old")
        if not os.path.lexists(corpus):
            for done in (ready, old):  # a merge was interrupted between its two renames
                if os.path.isdir(done):
                    os.rename(done, corpus)
                    break
        for stale in (ready, old, os.path.join(parent, f".{t}.new"), os.path.join(parent, f".{t}.seed")):
            shutil.rmtree(stale, ignore_errors=True)
        if os.path.lexists(corpus):
            if not os.path.isdir(corpus):
                raise ToolError(f"{corpus}: the corpus of {t} is not a directory")
            return
        seeds, tmp = lpcommon.seed_dir("dev", t), os.path.join(parent, f".{t}.seed")
        os.makedirs(tmp)
        for name in sorted(os.listdir(seeds)):
            p = os.path.join(seeds, name)
            if os.path.isfile(p):
                shutil.copyfile(p, os.path.join(tmp, lpcommon.sha1_file(p)))
        os.rename(tmp, corpus)

    def sanitizer_sweep(self, t):
        """Replays the corpus and the AFL++ queues under ASan/UBSan before the merge
        (which would drop an input that crashes): memory errors a build without
        sanitizers ran past become findings like any crash."""
        queues = sorted(glob.glob(os.path.join(self.out, "afl", t, "*", "queue")))
        found = self.triage.sweep(t, self.corpus_dirs(t) + queues)
        self.progress.note(f"{t}: sanitizer sweep: " + (f"{len(found)} input(s) fail under ASan/UBSan"
                                                        if found else "clean"))

    def merge_corpus(self, t):
        """libFuzzer -merge=1 of the corpus and the AFL++ queues into a new directory
        that replaces the corpus once complete (the old one stays until then)."""
        parent = os.path.join(self.out, "corpus")
        new, ready, old = (os.path.join(parent, f".{t}.{x}") for x in ("new", "ready", "old"))
        shutil.rmtree(new, ignore_errors=True)
        os.makedirs(new)
        queues = sorted(glob.glob(os.path.join(self.out, "afl", t, "*", "queue")))
        work = os.path.join(self.out, "tmp", "merge-" + t)
        os.makedirs(work, exist_ok=True)
        growth = self.growth(t, create=False)
        queues = ([growth] if growth else []) + queues
        cmd = [lpcommon.libfuzzer_binary(t), "-merge=1", f"-max_len={lpcommon.max_len(t)}", "-timeout=10",
               f"-artifact_prefix={work}/", new, self.corpus(t)] + queues
        proc = spawn(self, cmd, os.path.join(self.out, "libfuzzer", t, "merge.log"), dict(os.environ, TMPDIR=work))
        try:
            rc = proc.wait(timeout=max(120.0, self.state["slices"][t]["planned_s"]))
        except subprocess.TimeoutExpired:
            rc = "timeout"
        finally:
            stop_group(self, proc)
        if rc != 0 or not os.listdir(new):
            shutil.rmtree(new, ignore_errors=True)
            if growth:
                self.keep_growth(t, growth)
            self.progress.note(f"{t}: corpus merge failed ({rc}; see libfuzzer/{t}/merge.log); corpus kept as it was"
                               + (" plus libFuzzer's new inputs" if growth else ""))
            return
        before = len(os.listdir(self.corpus(t))) + sum(len(os.listdir(q)) for q in queues)
        os.rename(new, ready)
        os.rename(self.corpus(t), old)
        os.rename(ready, self.corpus(t))
        shutil.rmtree(old, ignore_errors=True)
        if growth:
            shutil.rmtree(growth, ignore_errors=True)
        self.progress.note(f"{t}: corpus merged: {before} inputs -> {len(os.listdir(self.corpus(t)))}")

    def keep_growth(self, t, growth):
        """Without a merge, the inputs grown in RAM join the corpus as they are
        (libFuzzer names them by their SHA-1), each written whole before its rename."""
        for name in os.listdir(growth):
            src, dst = os.path.join(growth, name), os.path.join(self.corpus(t), name)
            if os.path.isfile(src) and not os.path.exists(dst):
                with open(src, "rb") as f:
                    lpcommon.atomic_write(dst, f.read())
        shutil.rmtree(growth, ignore_errors=True)

    # ---- fuzzing

    def run_target(self, idx, t):
        sl = self.state["slices"][t]
        self.prepare_corpus(t)
        if not sl["seeded"]:
            self.triage.triage_seeds(t, lpcommon.seed_dir("dev", t))
            sl["seeded"] = True
            self.save()
        for end, procs in phases(self.a, sl["planned_s"]):
            if end - sl["done_s"] >= 1.0:  # less than a second is not worth starting engines
                engines = [ENGINES[e](self, t, n) for e, n in procs.items()]
                self.run_phase(idx, t, engines, end)
            sl["done_s"] = max(sl["done_s"], end)
        self.save()
        if not sl["merged"]:
            if any(self.a.fast[e] for e in self.a.engines):
                self.sanitizer_sweep(t)
            self.merge_corpus(t)
            sl["merged"] = True
            self.save()
            self.refresh_matrix()

    def refresh_matrix(self):
        """The hcall x return code matrix and the oracles' counts of the corpus so far (reports/matrix.py),
        after every slice: a replay of the merged corpus, nothing per fuzz input."""
        try:
            if REPORTS not in sys.path:
                sys.path.insert(0, REPORTS)
            import matrix
            doc = matrix.collect(self.out)
            self.progress.note(f"matrix: {doc['reached']} of {doc['cells']} hcall x return code cells reached so far")
        except (ToolError, OSError, ValueError) as e:  # the campaign goes on; the report says it too
            self.progress.note(f"matrix not measured: {e}")

    def run_phase(self, idx, t, engines, end):
        sl = self.state["slices"][t]
        begin, t0 = sl["done_s"], time.monotonic()
        restarts, next_sample = {e.name: 0 for e in engines}, 0.0
        try:
            for e in engines:
                e.start(end - begin)
            while True:
                now = time.monotonic()
                sl["done_s"] = min(end, begin + now - t0)
                stats = {e.name: e.poll() for e in engines}
                self.show(idx, t, stats)
                if sl["done_s"] >= end:
                    break  # the last sample is taken once the engines stopped, with their final counts
                if now >= next_sample:
                    self.sample(t, engines, stats)
                    next_sample = now + SAMPLE_S
                left = end - sl["done_s"]
                for e in engines:
                    if e.alive() or left <= 2.0 or restarts[e.name] > MAX_RESTARTS:
                        continue
                    restarts[e.name] += 1
                    if restarts[e.name] > MAX_RESTARTS:  # the other engine, if any, carries on
                        self.progress.note(f"{t}: {e.name} keeps exiting early; given up for this target "
                                           f"(see {', '.join(e.log_paths())})")
                        continue
                    self.progress.note(f"{t}: {e.name} {e.early_exit_note()} for {clock(left)}")
                    e.restart_dead(left)
                time.sleep(min(TICK_S, left))
        finally:
            for e in engines:
                e.stop()
        self.sample(t, engines, {e.name: e.poll() for e in engines})

    def sample(self, t, engines, stats):
        """One line per engine in stats/<t>-<engine>.csv, the totals, campaign.json, a triage pass."""
        if self.worker.error:
            raise self.worker.error
        el = self.elapsed()
        for e in engines:
            self.state["totals"][t][e.name] = stats[e.name]
        self.save()  # first: a resumed campaign then never writes an elapsed_s below one already in a .csv
        for e in engines:
            s = stats[e.name]
            line = f"{el:.1f},{s['execs']},{s['execs_per_s']},{s['coverage']},{s['corpus']},{e.crashes()}\n"
            lpcommon.append_line(os.path.join(self.out, "stats", f"{t}-{e.name}.csv"), line, CSV_HEADER)
        self.worker.wake.set()

    def show(self, idx, t, stats):
        parts = [f"{PROG} {clock(self.elapsed())}/{clock(self.total_s())}",
                 f"{t} ({idx + 1}/{len(self.a.targets)})"]
        for name, s in stats.items():
            cov = "cov" if name == "libfuzzer" else "edges"
            parts.append(f"{name} {fmt_rate(s['execs_per_s'])} exec/s {cov} {s['coverage']}")
        parts.append(f"findings {len(self.triage.slugs())}")
        self.progress.show(" | ".join(parts))

    # ---- the whole run

    def run(self):
        self.open()
        if self.state["status"] == "done":
            self.progress.note(f"{self.out} holds a finished campaign; showing its result "
                               "(use another --out for a new campaign)")
            return self.finish()
        for t in self.a.targets:  # before the build: a user error should not wait for it
            if os.path.lexists(self.corpus(t)) and not os.path.isdir(self.corpus(t)):
                raise ToolError(f"{self.corpus(t)}: the corpus of {t} is not a directory")
        self.prepare_binaries()
        self.worker = triage.Worker(self.triage, self.a.targets)
        self.worker.start()
        if self.state["status"] == "running":
            for idx, t in enumerate(self.a.targets):
                self.run_target(idx, t)
            self.state["status"] = "triaging"
            self.save()
        self.progress.note("fuzzing done; finishing the triage")
        self.worker.finish()
        if self.worker.error:
            raise self.worker.error
        self.triage.run_pass(self.a.targets, final=True)
        self.recheck_earlier()
        self.state["status"] = "done"
        self.save()
        return self.finish()

    def recheck_earlier(self):
        """The earlier campaigns' groups on this build: {slug: true (still fires), false (no longer
        fires), null (cannot tell)}. A group that took inputs from this campaign fired (even if its
        reproducer is flaky); the others' reproducers are replayed."""
        before = self.state.get("findings_before") or []
        counts = self.state.get("findings_before_counts") or {}
        if not before:
            return
        self.progress.note(f"replaying the reproducers of {len(before)} finding group(s) of earlier campaigns")
        done = {}
        for slug in before:
            if os.path.isfile(os.path.join(self.triage.group_dir(slug), "finding.json")):
                took_inputs = self.triage.read_finding(slug)["count"] > counts.get(slug, float("inf"))
                done[slug] = True if took_inputs else self.triage.still_fires(slug)
        self.state["earlier_findings"] = done

    def finish(self):
        """Report, summary, exit status."""
        slugs = self.triage.slugs()
        findings = [self.triage.read_finding(s) for s in slugs]
        mine = set(self.state.get("new_findings") or [])
        earlier = self.state.get("earlier_findings") or {}
        new = [f for s, f in zip(slugs, findings) if not f["known"] and s in mine]
        report_error = make_report(self.out, self.progress)
        n_earlier = sum(1 for s in slugs if s not in mine)
        print(f"{PROG}: {self.out}: {clock(self.elapsed())} of fuzzing, {len(findings)} finding group(s): "
              f"{len(new)} new, {sum(1 for s, f in zip(slugs, findings) if f['known'] and s in mine)} known, "
              + (f"{n_earlier} from earlier campaigns ({sum(1 for s in slugs if earlier.get(s) is True)} "
                 f"still fire), " if n_earlier else "")
              + f"{sum(1 for f in findings if f['flaky'])} flaky")
        for s, f in zip(slugs, findings):
            if s in mine:
                tag = "known" if f["known"] else "NEW"
            else:
                tag = "earlier" + {True: ", still fires", False: ", no longer fires"}.get(earlier.get(s), "")
            print(f"  [{tag}{', flaky' if f['flaky'] else ''}] {f['title']}\n"
                  f"      {f['count']} input(s), first by {f['engine']} on {f['target']}, reproduced "
                  f"{f['reproduced']}, {f['ops_before']} -> {f['ops_after']} ops; {f['repro_command']}")
        for t, per in self.state["totals"].items():
            for e, s in per.items():
                print(f"  {t} {e}: {s['execs']} execs, {s['execs_per_s']} exec/s at the end, "
                      f"coverage {s['coverage']}, corpus {s['corpus']}")
        if report_error:
            raise ToolError(report_error)
        return lpcommon.EXIT_FINDINGS if new else lpcommon.EXIT_CLEAN


def make_report(out, progress):
    """report.generate(out) if the report generator exists; an error message or None."""
    if not os.path.exists(os.path.join(REPORTS, "report.py")):
        progress.note("no report generator (reports/report.py) yet: no report written")
        return None
    try:
        if REPORTS not in sys.path:
            sys.path.insert(0, REPORTS)
        import report
        report.generate(out)
    except ToolError as e:
        return f"report: {e}"
    except Exception as e:  # the campaign's results stand; say what failed without a traceback
        return f"the report generator failed: {type(e).__name__}: {e}"
    print(f"{PROG}: report: {os.path.join(out, 'report.html')} (also report.json, summary.md)")
    return None


def on_signal(signum, frame):
    raise KeyboardInterrupt  # the finally clauses stop the engines


def main():
    a = parse_args(sys.argv[1:])
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        return Campaign(a).run()
    except OSError as e:  # a full or vanished disk under the campaign: a clear message, not a traceback
        raise ToolError(f"{e.filename or 'output directory'}: {e.strerror}") from e


if __name__ == "__main__":
    lpcommon.main_wrapper(PROG, main)
