"""Triage and minimisation of a campaign's crash inputs (see LAYOUT.md).

A crash input (libFuzzer artifact, AFL++ crash, or a seed that crashes) is
replayed through replay-<target>, which prints the program that ran (after the
target's filter) and the failure; the failure's title names its group
findings/<slug>/. The first input of a group is then replayed with
lparsec-repro --runs 3 and minimised (operations removed while the same title
still fires) into repro.txt + repro.bin.

Crash safety: every file is written atomically, and in an order that a
kill -9 between two writes loses nothing: an input is copied into its group
and the group's finding.json updated before triaged.json records the input
as done; a group whose finding.json has "reproduced": null has not been
finished (reproduced, minimised) yet and is finished by the next pass.

Two threads use this module (the campaign's sampling loop may triage seeds
while the worker thread triages engine findings): one lock guards every
read-modify-write of finding.json and triaged.json.
"""

import datetime
import glob
import hashlib
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

import lpcommon
from lpcommon import ToolError

MAX_INPUTS = 5             # raw inputs kept per group
MINIMISE_BUDGET = 300      # repro/replay runs one minimisation may spend
REPLAY_TIMEOUT = 30        # seconds; libFuzzer's own -timeout is 10
SWEEP_BATCH = 2000         # inputs per replay process in the sanitizer sweep
SETTLE_S = 2.0             # an engine may still be writing a crash file younger than this
LIBFUZZER_PREFIXES = ("crash-", "timeout-", "oom-", "leak-")
HEADER_WORDS = ("lparsec", "config", "part", "window", "segment")  # the configuration lines (v2: windows, segments)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha1(data):
    return hashlib.sha1(data).hexdigest()


def kind_of(title):
    """finding.json's "kind" for a title."""
    if lpcommon.invariant_of(title):
        return "violation"
    if title.startswith(("ASan", "UBSan")):
        return "sanitizer"
    if title == "timeout":
        return "timeout"
    if title == "out-of-memory":
        return "oom"
    return "crash"


# ---- where the engines leave crash inputs --------------------------------------

def crash_files(out, target):
    """(engine, path) of every crash input the engines left for target so far."""
    found = []
    lf = os.path.join(out, "libfuzzer", target)
    if os.path.isdir(lf):
        found += [("libfuzzer", os.path.join(lf, n)) for n in sorted(os.listdir(lf))
                  if n.startswith(LIBFUZZER_PREFIXES)]
    # AFL++ moves crashes/ to crashes.<date>/ when it resumes: both are findings.
    for d in sorted(glob.glob(os.path.join(out, "afl", target, "*", "crashes*"))):
        if os.path.isdir(d):
            found += [("afl", os.path.join(d, n)) for n in sorted(os.listdir(d)) if n.startswith("id:")]
    return found


def _last_named_input(stderr):
    """The input replay-<target> --name-inputs started last (the one that failed), or None."""
    names = [line[len("replay: input "):] for line in stderr.splitlines() if line.startswith("replay: input ")]
    return names[-1] if names else None


def engine_log_title(out, target, engine, path):
    """The title libFuzzer's log gave the failure that wrote path, if the log has it
    (not in fork mode, where the jobs' logs are gone): for inputs that do not crash
    on replay."""
    if engine != "libfuzzer":
        return None
    try:
        with open(os.path.join(out, "libfuzzer", target, "libfuzzer.log"), errors="replace") as f:
            log = f.read()
    except OSError:
        return None
    end = log.find("Test unit written to " + path)
    if end < 0:
        return None
    start = log.rfind("Test unit written to ", 0, end)
    return lpcommon.title_from_log(log[start + 1 if start >= 0 else 0:end])


# ---- programs ------------------------------------------------------------------

def split_program(text):
    """(header lines, operation lines) of a text program; comments among the
    operations are dropped (the minimiser only works on operations)."""
    header, ops = [], []
    for line in text.splitlines():
        s = line.strip()
        words = s.split()
        if words and words[0] in HEADER_WORDS:
            header.append(line)
        elif not s or s.startswith("#"):
            if not ops:
                header.append(line)
        else:
            ops.append(line)
    return header, ops


def join_program(header, ops):
    return "\n".join(header + ops) + "\n"


def to_binary(text_path, bin_path):
    """lparsec-fmt --to bin (it writes atomically itself); ToolError when it fails."""
    r = subprocess.run([lpcommon.fmt_binary(), "--to", "bin", text_path, "-o", bin_path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    if r.returncode != 0:
        raise ToolError(f"lparsec-fmt could not convert {text_path}: {r.stdout.strip()[-300:]}")


def to_text(bin_path):
    """The text form of a raw input (before the target's filter): the fallback when
    replay printed no program."""
    r = subprocess.run([lpcommon.fmt_binary(), "--from", "bin", "--to", "text", bin_path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    return r.stdout if r.returncode == 0 else None


class Judge:
    """Decides whether a candidate program still fires the title.

    lparsec-repro (thorough checks, no filter) is the judge when it shows the
    title on the whole program; otherwise (sanitizer titles, or repro's thorough
    checks stop earlier on another violation) the binary form is replayed through
    replay-<target>, which is how the engines saw it."""

    def __init__(self, target, title, workdir):
        self.target, self.title, self.workdir = target, title, workdir
        self.runs = 0
        self.mode = "repro"
        self.last_op = None

    def _path(self, ext):
        return os.path.join(self.workdir, "candidate." + ext)

    def fires(self, text):
        self.runs += 1
        path = self._path("txt")
        with open(path, "w") as f:
            f.write(text)
        if self.mode == "repro":
            r = lpcommon.run_repro(path, timeout=REPLAY_TIMEOUT, engine_flags=lpcommon.repro_engine_flags(self.target))
            self.last_op = r["op"]
            return r["title"] == self.title
        try:
            to_binary(path, self._path("bin"))
        except ToolError:
            return False  # the candidate no longer parses: it does not fire anything
        r = lpcommon.replay_input(self.target, self._path("bin"), timeout=REPLAY_TIMEOUT)
        m = lpcommon.VIOLATION_RE.search(r["output"])
        self.last_op = int(m.group(2)) if m and m.group(2) else None
        return r["crashed"] and r["title"] == self.title

    def choose_mode(self, text):
        """repro if it shows the title on the whole program, else replay; False if neither does."""
        self.mode = "repro"
        if self.fires(text):
            return True
        self.mode = "replay"
        return self.fires(text)

    def reproduced(self, text, runs=3):
        """How many of runs show the title: `repro --runs` for an invariant (its verdict line counts
        them), separate runs otherwise -- a sanitizer or HV_CHECK report ends the process that makes
        it, so `--runs` would count nothing."""
        if self.mode == "repro" and lpcommon.invariant_of(self.title):
            path = self._path("txt")
            with open(path, "w") as f:
                f.write(text)
            r = lpcommon.run_repro(path, runs=runs, timeout=REPLAY_TIMEOUT * runs,
                                   engine_flags=lpcommon.repro_engine_flags(self.target))
            self.runs += runs
            return count_reproduced(r["output"], self.title, runs)
        return sum(1 for _ in range(runs) if self.fires(text))


def count_reproduced(output, title, runs):
    """Runs of `lparsec-repro --runs N` that fired title's invariant, from its
    'reproduced N/N' or 'FLAKY: I9 after op 3 in 2/3 runs; no violation in 1' line."""
    inv = lpcommon.invariant_of(title)
    if lpcommon.title_from_log(output) != title:
        return 0
    if re.search(r": reproduced (\d+)/\d+: ", output):
        return runs
    m = re.search(r": FLAKY: (.*)", output)
    if not m:
        return 1 if runs == 1 else 0
    n = 0
    for part in m.group(1).split(";"):
        c = re.match(r"\s*(I\d+)\b.* in (\d+)", part)
        if c and c.group(1) == inv:
            n += int(c.group(2))
    return n


def minimise(header, ops, judge, budget=MINIMISE_BUDGET):
    """ops reduced while judge still fires (judge.fires was true on all of them).

    First cut everything after the operation that fired, then ddmin-style:
    remove chunks of half, a quarter, ... down to single operations, until no
    single operation can go or the budget of runs is spent."""
    start_runs = judge.runs

    def left():
        return judge.runs - start_runs < budget

    def fires(cand):
        return judge.fires(join_program(header, cand))

    if judge.last_op is not None and judge.last_op + 1 < len(ops) and left():
        cand = ops[:judge.last_op + 1]
        if fires(cand):
            ops = cand
    n = 2
    while len(ops) >= 2 and left():
        size = math.ceil(len(ops) / n)
        removed, i = False, 0
        while i < len(ops) and left() and len(ops) > 1:
            cand = ops[:i] + ops[i + size:]
            if cand and fires(cand):
                ops, removed = cand, True  # the next chunk slid into position i
            else:
                i += size
        if size == 1 and not removed:
            break
        n = max(2, n - 1) if removed else min(len(ops), n * 2)
    return ops


# ---- the triage state ----------------------------------------------------------

class Triage:
    """Groups crash inputs into findings/<slug>/ and finishes new groups."""

    def __init__(self, out, elapsed_fn, promote=False, regressions_dir=None):
        self.out = out
        self.elapsed_fn = elapsed_fn
        self.promote = promote
        self.regressions_dir = regressions_dir or os.path.join(lpcommon.ROOT, "corpora", "regressions")
        self.lock = threading.RLock()
        self.triaged_path = os.path.join(out, "triaged.json")
        self.triaged = self._load_triaged()
        self.sha_of = {}   # path -> sha1 of crash files already triaged (no re-hashing)
        self.known = None  # titles in corpora/regressions, computed once (known_titles runs repro)
        for slug in self.slugs():  # a corrupt finding.json is an error now, not mid-campaign
            self.read_finding(slug)

    def _load_triaged(self):
        if not os.path.exists(self.triaged_path):
            return {}
        t = lpcommon.read_json(self.triaged_path, "triage record")
        if not isinstance(t, dict) or not all(isinstance(v, str) for v in t.values()):
            raise ToolError(f"{self.triaged_path}: corrupt triage record (not a map of sha1 to group)")
        return t

    def known_titles(self):
        if self.known is None:
            self.known = lpcommon.known_titles(self.regressions_dir)
        return self.known

    # ---- findings/<slug>/finding.json

    def group_dir(self, slug):
        return os.path.join(self.out, "findings", slug)

    def slugs(self):
        d = os.path.join(self.out, "findings")
        return sorted(s for s in os.listdir(d) if os.path.isfile(os.path.join(d, s, "finding.json"))) \
            if os.path.isdir(d) else []

    def read_finding(self, slug):
        path = os.path.join(self.group_dir(slug), "finding.json")
        f = lpcommon.read_json(path, "finding")
        if not (isinstance(f, dict) and isinstance(f.get("title"), str) and isinstance(f.get("inputs"), list)
                and isinstance(f.get("count"), int) and isinstance(f.get("target"), str)):
            raise ToolError(f"{path}: corrupt finding (title, target, count or inputs missing)")
        return f

    def write_finding(self, slug, f):
        lpcommon.atomic_write_json(os.path.join(self.group_dir(slug), "finding.json"), f)

    def findings(self):
        return [self.read_finding(s) for s in self.slugs()]

    # ---- one crash input

    def triage_file(self, target, engine, path):
        """Replays one crash input and files it in its group (or as unreproducible)."""
        sha = self.sha_of.get(path)
        if sha in self.triaged:
            return
        try:  # one read: AFL++ renames crashes/ when it resumes, the engines write while we look
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return  # gone: seen again under its new name
        sha = self.sha_of[path] = _sha1(data)
        if sha in self.triaged:
            return
        tmp = os.path.join(self.out, "tmp")
        os.makedirs(tmp, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=tmp, prefix="input-") as copy:
            copy.write(data)
            copy.flush()
            r = None
            # Two more chances before an engine's input is called flaky; seeds and
            # swept corpus inputs are not crash inputs: one clean run clears them.
            for _ in range(1 if engine in ("seed", "sweep") else 3):
                r = lpcommon.replay_input(target, copy.name, timeout=REPLAY_TIMEOUT)
                if r["crashed"]:
                    break
        if r["crashed"]:
            title, flaky = r["title"] or "crash (no violation or sanitizer report)", False
        elif engine in ("seed", "sweep"):
            return  # a seed (corpus input) that runs clean is simply a seed
        else:
            title, flaky = engine_log_title(self.out, target, engine, path), True
        with self.lock:
            if title is None:
                self.triaged[sha] = "unreproducible"
            else:
                self.triaged[sha] = self._add_input(title, target, engine, data, sha, flaky)
            lpcommon.atomic_write_json(self.triaged_path, self.triaged)

    def _add_input(self, title, target, engine, data, sha, flaky):
        slug = lpcommon.slug(title)
        gdir = self.group_dir(slug)
        if os.path.exists(os.path.join(gdir, "finding.json")):
            f = self.read_finding(slug)
            if sha in f["inputs"]:
                return slug  # counted before a kill -9 interrupted us
        else:
            f = {"title": title, "invariant": lpcommon.invariant_of(title), "kind": kind_of(title),
                 "target": target, "engine": engine, "first_seen": utc_now(),
                 "first_seen_elapsed_s": round(self.elapsed_fn(), 1), "count": 0, "inputs": [],
                 "flaky": flaky, "reproduced": None, "minimised": False, "ops_before": None,
                 "ops_after": None, "known": title in self.known_titles(),
                 "repro_command": " ".join(["./lparsec repro"] + lpcommon.repro_engine_flags(target)
                                           + [os.path.join(gdir, "repro.txt")]), "promoted": None}
        f["count"] += 1
        if len(f["inputs"]) < MAX_INPUTS:
            lpcommon.atomic_write(os.path.join(gdir, "inputs", sha + ".bin"), data)
            f["inputs"].append(sha)
        self.write_finding(slug, f)
        return slug

    # ---- finishing a new group: reproduce, minimise, repro.txt/.bin, promote

    def finish_group(self, slug):
        f = self.read_finding(slug)
        if f["reproduced"] is not None:
            return
        title, target = f["title"], f["target"]
        first = os.path.join(self.group_dir(slug), "inputs", f["inputs"][0] + ".bin")
        tmp = os.path.join(self.out, "tmp")
        os.makedirs(tmp, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="triage-", dir=tmp) as work:
            text = lpcommon.replay_input(target, first, timeout=REPLAY_TIMEOUT)["program"] or to_text(first)
            if text is None:
                raise ToolError(f"{first}: neither replay-{target} nor lparsec-fmt could print it as a program")
            header, ops = split_program(text)
            judge = Judge(target, title, work)
            result = {"ops_before": len(ops), "ops_after": len(ops), "minimised": False}
            if f["kind"] in ("timeout", "oom"):
                # Each run may take the whole timeout: no repeated runs, no minimisation.
                result["reproduced"], result["flaky"] = ("1/1", False) if not f["flaky"] else ("0/1", True)
            elif judge.choose_mode(join_program(header, ops)):
                n = judge.reproduced(join_program(header, ops))
                result["reproduced"], result["flaky"] = f"{n}/3", n < 3 or f["flaky"]
                small = minimise(header, ops, judge)
                result["minimised"], result["ops_after"], ops = True, len(small), small
            else:
                result["reproduced"], result["flaky"] = "0/3", True
            self._write_repro(slug, f, header, ops, work)
        with self.lock:  # more inputs may have arrived meanwhile: merge into the current record
            f = self.read_finding(slug)
            f.update(result)
            f["promoted"] = self._promote(slug, f)
            self.write_finding(slug, f)

    def _write_repro(self, slug, f, header, ops, work):
        lines = []
        if f["invariant"]:
            lines.append(f"# expect: {f['invariant']}")
        if lpcommon.repro_engine_flags(f["target"]):
            # The target ran it on the Unicorn engine: so do check-corpora, the gate and repro.
            lines.append("# repro-flags: " + " ".join(lpcommon.repro_engine_flags(f["target"])))
        lines += [f"# Found by ./lparsec campaign: {f['title']}",
                  f"# target {f['target']}, engine {f['engine']}, first seen {f['first_seen']}"]
        if not f["invariant"]:
            replay = lpcommon.replay_binary(f["target"])
            lines.append("# (not an invariant violation: lparsec-repro may not show it; replay the .bin "
                         f"with {os.path.relpath(replay, lpcommon.ROOT) if replay.startswith(lpcommon.ROOT) else replay})")
        text = "\n".join(lines) + "\n" + join_program(header, ops)
        gdir = self.group_dir(slug)
        tmp_txt = os.path.join(work, "repro.txt")
        with open(tmp_txt, "w") as out:
            out.write(text)
        to_binary(tmp_txt, os.path.join(work, "repro.bin"))
        with open(os.path.join(work, "repro.bin"), "rb") as b:
            lpcommon.atomic_write(os.path.join(gdir, "repro.bin"), b.read())
        lpcommon.atomic_write(os.path.join(gdir, "repro.txt"), text)

    def _promote(self, slug, f):
        """corpora/regressions/<slug>.txt for a new title (--promote), else the earlier answer.
        Not a flaky one: corpora.verdicts replays every regression and expects its verdict."""
        if not self.promote or f.get("promoted") or f["known"] or f.get("flaky"):
            return f.get("promoted")
        dst = os.path.join(self.regressions_dir, slug + ".txt")
        if os.path.exists(dst):
            return None
        with open(os.path.join(self.group_dir(slug), "repro.txt")) as src:
            lpcommon.atomic_write(dst, src.read())
        return os.path.relpath(dst, lpcommon.ROOT) if dst.startswith(lpcommon.ROOT + os.sep) else dst

    # ---- a group of an earlier campaign in the same directory (a nightly's kept findings)

    def still_fires(self, slug):
        """Whether an earlier night's group still fires with this build: its minimised repro.txt
        through lparsec-repro, else its repro.bin (or first input) through replay-<target>, the
        title compared exactly. None when it cannot be told: not finished (no reproducer), or a
        timeout/oom title whose every run may take the whole timeout."""
        f = self.read_finding(slug)
        gdir = self.group_dir(slug)
        if f["reproduced"] is None or kind_of(f["title"]) in ("timeout", "oom"):
            return None
        txt = os.path.join(gdir, "repro.txt")
        if os.path.isfile(txt):
            r = lpcommon.run_repro(txt, timeout=REPLAY_TIMEOUT, engine_flags=lpcommon.repro_engine_flags(f["target"]))
            if r["title"] == f["title"]:
                return True
        binary = os.path.join(gdir, "repro.bin")
        if not os.path.isfile(binary) and f["inputs"]:
            binary = os.path.join(gdir, "inputs", f["inputs"][0] + ".bin")
        if not os.path.isfile(binary):
            return None if not os.path.isfile(txt) else False
        r = lpcommon.replay_input(f["target"], binary, timeout=REPLAY_TIMEOUT)
        return r["crashed"] and r["title"] == f["title"]

    # ---- passes

    def triage_seeds(self, target, seed_dir):
        """Seeds that already crash are findings too (the engines skip them silently)."""
        for name in sorted(os.listdir(seed_dir)):
            p = os.path.join(seed_dir, name)
            if os.path.isfile(p):
                self.triage_file(target, "seed", p)

    def sweep(self, target, dirs):
        """Replays every input of dirs in one ASan/UBSan process (replay-<target>
        --name-inputs); an input that fails is triaged like a crash input and the
        replay goes on after it. Returns the paths that failed."""
        paths = sorted(os.path.join(d, n) for d in dirs if os.path.isdir(d) for n in os.listdir(d)
                       if not n.startswith(".") and os.path.isfile(os.path.join(d, n)))
        failed = []
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
        while paths:
            batch = paths[:SWEEP_BATCH]  # bounded command lines
            try:
                # The fast mode of the fuzzers (not --thorough: about 1 s more per program under ASan,
                # hours for a night's corpus); what the sweep adds is ASan/UBSan on every input.
                r = subprocess.run([lpcommon.replay_binary(target), "--name-inputs"] + batch,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True,
                                   errors="replace", timeout=REPLAY_TIMEOUT * 10)
                bad = None if r.returncode == 0 else _last_named_input(r.stderr)
            except subprocess.TimeoutExpired as e:
                bad = _last_named_input(e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes)
                                        else e.stderr or "")
                if bad is None:
                    raise ToolError(f"sanitizer sweep of {target}: replay-{target} hung before its first input")
            else:
                if r.returncode != 0 and bad is None:
                    raise ToolError(f"sanitizer sweep of {target}: replay-{target} failed (exit {r.returncode}) "
                                    "before its first input: " + r.stderr.strip()[-300:])
            if bad is None:
                paths = paths[len(batch):]
                continue
            failed.append(bad)
            self.triage_file(target, "sweep", bad)
            paths = paths[paths.index(bad) + 1:]
        return failed

    def run_pass(self, targets, final=False, stop=None):
        """Triages every new crash input, then finishes every unfinished group.
        final: the engines have stopped (no file can still be being written)."""
        now = time.time()
        for target in targets:
            for engine, path in crash_files(self.out, target):
                if stop is not None and stop.is_set() and not final:
                    return
                try:
                    settled = final or now - os.path.getmtime(path) >= SETTLE_S
                except OSError:
                    continue
                if settled:
                    self.triage_file(target, engine, path)
        for slug in self.slugs():
            if stop is not None and stop.is_set() and not final:
                return
            self.finish_group(slug)
        if self.promote and final:
            for slug in self.slugs():  # a campaign resumed with --promote added
                with self.lock:
                    f = self.read_finding(slug)
                    if f["reproduced"] is not None and not f.get("promoted"):
                        p = self._promote(slug, f)
                        if p:
                            f["promoted"] = p
                            self.write_finding(slug, f)


class Worker(threading.Thread):
    """Triages in the background while the engines run, so that the sampling
    loop (progress, stats) never waits for a minimisation. An error is kept
    for the main thread to raise."""

    def __init__(self, triage, targets):
        super().__init__(name="triage", daemon=True)
        self.triage, self.targets = triage, targets
        self.wake, self.stop = threading.Event(), threading.Event()
        self.error = None

    def run(self):
        while not self.stop.is_set():
            self.wake.wait(5)
            self.wake.clear()
            if self.stop.is_set():
                break
            try:
                self.triage.run_pass(self.targets, stop=self.stop)
            except ToolError as e:
                self.error = e
                return
            except Exception as e:  # a bug: report it instead of dying silently
                self.error = ToolError(f"triage failed: {type(e).__name__}: {e}")
                return

    def finish(self):
        self.stop.set()
        self.wake.set()
        self.join()


def clean_tmp(out):
    shutil.rmtree(os.path.join(out, "tmp"), ignore_errors=True)
