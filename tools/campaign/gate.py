#!/usr/bin/env python3
"""./lparsec gate: the release gate.

Builds the dev preset, then runs in order
  suite    the test suite (ctest; its per-test cases are kept),
  corpora  every corpora program (seeds and regressions) through lparsec-repro,
           compared with the verdict the file records ('# expect:'),
  fuzz     a bounded libFuzzer run per target from its seeds,
  qemu     the QEMU boot suite: the ctest tests labelled qemu (the firmware
           booted under powernv9 and powernv10, its failure paths, transcripts),
and writes OUT/junit.xml (one testsuite per step), OUT/results.sarif (one result
per finding title, located at OUT/findings/<slug>/repro.txt) and OUT/summary.md.

A finding whose title corpora/regressions/ already records is known: it is
reported (SARIF level "note") but fails the gate only with --strict. With
--bisect REV every new finding is bisected between REV and HEAD
(bisection.py): OUT/findings/<slug>/bisect.json, its first bad commit in
summary.md and in the SARIF result's properties.
Exit 0 pass, 1 fail, 2 tool error (bad option, unwritable output directory).

Only the Python standard library of Debian's /usr/bin/python3.
"""

import argparse
import concurrent.futures
import dataclasses
import glob
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ beside the sources in the work tree
import bisection  # noqa: E402
import lpcommon as lp  # noqa: E402
from lpcommon import ToolError  # noqa: E402

PROG = "gate"
STEPS = ["suite", "corpora", "fuzz", "qemu"]
# The ctest tests of the gate itself run the gate; the suite step running them
# would recurse. QEMU-labelled tests belong to the qemu step, not the suite.
SUITE_EXCLUDE = r"^campaign\.gate"
QEMU_LABEL = "^qemu$"
QEMU_SCRIPT = os.path.join(lp.ROOT, "tools", "qemu-boot.sh")
QEMU_TIMEOUT_S = 3600
# libFuzzer stops at its first crash. A known finding must not use up a
# target's time (a known bug in a seed would end every run at once), so the
# run restarts without that input, a bounded number of times.
MAX_FUZZ_RUNS = 6
# Per-input limit: an input running longer is a 'timeout' finding (I10: every loop bounded).
INPUT_TIMEOUT_S = 25
MARKER = ".lparsec-gate"

# Short descriptions of the SARIF rules: the invariants as DESIGN.md §2 states
# them, plus the findings that carry no invariant id.
RULES = {
    "I1": "every valid real HPTE of partition P maps a real range wholly inside memory owned by P, "
          "for the entry's actual page size",
    "I2": "no valid HPTE, TCE or registration points into hypervisor memory "
          "(HPTs, partition table, TCE tables, save areas)",
    "I3": "every valid TCE of a window owned by P points into memory owned by P; W only where P may write",
    "I4": "after an LMB leaves P, nothing of P refers to it, and it reads as zero before its next owner sees it",
    "I5": "after dispatch, a hardware thread's registers equal the dispatched vCPU's saved state, bit for bit",
    "I6": "hcall outputs contain no real address, no hypervisor-private bits, no other partition's data",
    "I7": "a failing hcall changes nothing (except documented partial progress); "
          "return codes are in the call's allowed set",
    "I8": "resources named by a partition (PTEX, LIOBN, vCPU id, vty) resolve only inside that partition",
    "I9": "no stale translation survives a call that removed or weakened it (emulated TLB)",
    "I10": "memory safety: ASan/UBSan clean; every loop bounded",
    "I11": "relocation and migration preserve the partition's logical view exactly "
           "and leave nothing pointing at the old real pages",
    "I12": "every driver (host-direct, Unicorn, firmware) gives the same per-operation results and verdict "
           "for the same program: the harness's MMU model and an emulated MMU agree",
    "sanitizer": "AddressSanitizer or UndefinedBehaviorSanitizer report (memory safety, I10)",
    "timeout": "an input ran longer than the per-input limit (every loop bounded, I10)",
    "crash": "the target died without an invariant or sanitizer report (out of memory, deadly signal)",
}


@dataclasses.dataclass
class Case:
    """One JUnit test case. status: pass | fail | skip."""
    classname: str
    name: str
    status: str = "pass"
    message: str = ""
    detail: str = ""  # the failure's body
    out: str = ""  # system-out
    time: float = 0.0


@dataclasses.dataclass
class Step:
    """One JUnit testsuite: a step of the gate and its cases."""
    name: str
    cases: list
    time: float = 0.0

    def count(self, status):
        return sum(c.status == status for c in self.cases)


def tail(text, lines=40):
    return "\n".join((text or "").splitlines()[-lines:])


def parallel_map(fn, items, jobs):
    """fn over items on `jobs` threads, in order. On Ctrl-C no queued item starts
    (the running children got the SIGINT too and end on their own)."""
    pool = concurrent.futures.ThreadPoolExecutor(max(1, min(jobs, len(items))))
    try:
        return list(pool.map(fn, items))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


# ---- options -----------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="./lparsec gate",
        description="The release gate: test suite, corpora verdicts, a bounded fuzz run per target, "
                    "QEMU boot suite; writes OUT/junit.xml, OUT/results.sarif, OUT/summary.md. "
                    "Exit 0 pass, 1 fail, 2 tool error.")
    p.add_argument("--fuzz-seconds", type=int, default=30, metavar="S", help="libFuzzer time per target (default 30)")
    p.add_argument("--strict", action="store_true", help="known findings (in the regressions) fail the gate too")
    p.add_argument("--out", default=os.path.join(lp.ROOT, "build", "gate"), metavar="DIR",
                   help="output directory (default build/gate)")
    p.add_argument("--no-suite", action="store_true", help="skip the test suite step")
    p.add_argument("--steps", default=",".join(STEPS), metavar="A,B",
                   help=f"steps to run (default {','.join(STEPS)}); the others are recorded as skipped")
    p.add_argument("--regressions", default=os.path.join(lp.ROOT, "corpora", "regressions"), metavar="DIR",
                   help="regression programs: replayed with their verdicts, and what makes a finding known "
                        "(default corpora/regressions)")
    p.add_argument("--targets", default=",".join(lp.TARGETS), metavar="A,B",
                   help=f"fuzz targets and seed corpora (default {','.join(lp.TARGETS)})")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="J",
                   help="programs replayed / targets fuzzed at once (default: the CPU count)")
    p.add_argument("--bisect", metavar="REV",
                   help="bisect every new finding between REV and HEAD (./lparsec bisect) and report the commit")
    return validate(p.parse_args(argv))


def split_list(value, allowed, what):
    items = [x for x in value.split(",") if x]
    bad = [x for x in items if x not in allowed]
    if bad or not items:
        raise ToolError(f"unknown {what} '{','.join(bad)}' (choose from {','.join(allowed)})")
    return items


def validate(opts):
    if opts.fuzz_seconds < 1:
        raise ToolError("--fuzz-seconds must be at least 1")
    if opts.jobs < 1:
        raise ToolError("--jobs must be at least 1")
    opts.targets = split_list(opts.targets, lp.TARGETS, "target")
    opts.steps = split_list(opts.steps, STEPS, "step")
    if opts.no_suite and "suite" in opts.steps:
        opts.steps.remove("suite")
    # Relative paths are the caller's: ./lparsec runs us from the caller's directory.
    opts.out = os.path.abspath(opts.out)
    opts.regressions = os.path.abspath(opts.regressions)
    if not os.path.isdir(opts.regressions):
        raise ToolError(f"--regressions {opts.regressions}: not a directory")
    if opts.bisect:
        bisection.git(lp.ROOT, "rev-parse", "--verify", opts.bisect + "^{commit}")  # a bad REV: exit 2 now
    return opts


def bisect_new_findings(out, findings, good, repo=lp.ROOT, log=print):
    """Bisects each new finding's reproducer between good and HEAD of repo: the group's "bisect" (the first
    bad commit, or why there is none) and OUT/findings/<slug>/bisect.json."""
    for g in findings.groups.values():
        if g["known"] or not g["location"].endswith("repro.txt"):
            continue
        try:
            r = bisection.run(os.path.join(out, g["location"]), good, "HEAD", repo, log)
            lp.atomic_write_json(os.path.join(out, os.path.dirname(g["location"]), "bisect.json"), r)
            g["bisect"] = r["subject"] if r["status"] == "found" else \
                "one of " + ", ".join(c[:12] for c in r["candidates"])
        except ToolError as e:
            g["bisect"] = f"not bisected: {e}"



# ---- findings ----------------------------------------------------------------

def rule_of(title):
    """The SARIF rule of a title: its invariant id, else the kind of report."""
    inv = lp.invariant_of(title)
    if inv:
        return inv
    if title.startswith(("ASan", "UBSan")):
        return "sanitizer"
    return "timeout" if title == "timeout" else "crash"


def reproducer_text(title, where, program, engine_flags=()):
    """A program file that `./lparsec repro` replays and corpora/regressions/ accepts as is
    (engine_flags: how the target ran it, recorded as its '# repro-flags:')."""
    inv = lp.invariant_of(title)
    head = [f"# expect: {inv}"] if inv else []
    head += [f"# repro-flags: {' '.join(engine_flags)}"] if engine_flags else []
    head += [f"# Found by ./lparsec gate ({where}): {title}"]
    body = [line for line in program.splitlines() if not line.startswith("# expect:")]
    return "\n".join(head + body) + "\n"


class Findings:
    """Findings grouped by title; each group's reproducer is in OUT/findings/<slug>/.
    Fuzz targets report from several threads, hence the lock."""

    def __init__(self, out, regressions):
        self.out, self.regressions = out, regressions
        self.groups = {}
        self._known = None
        self._lock = threading.Lock()

    def is_known(self, title):
        # Replaying the regressions takes a while: only once, and only if something was found.
        if self._known is None:
            self._known = lp.known_titles(self.regressions)
        return title in self._known

    def add(self, title, where, program, raw_input=None, engine_flags=()):
        """Records that `where` produced `title`; returns the group (a dict)."""
        with self._lock:
            g = self.groups.get(title)
            if g:
                g["seen_in"].append(where)
                return g
            g = {"title": title, "rule": rule_of(title), "known": self.is_known(title), "seen_in": [where],
                 "engine_flags": list(engine_flags)}
            g["location"] = self._write_reproducer(title, where, program, raw_input, engine_flags)
            self.groups[title] = g
            return g

    def _write_reproducer(self, title, where, program, raw_input, engine_flags):
        """Writes repro.txt (and input.bin for a fuzzer input); returns the path relative to OUT."""
        rel = os.path.join("findings", lp.slug(title))
        d = os.path.join(self.out, rel)
        if raw_input:
            with open(raw_input, "rb") as f:
                lp.atomic_write(os.path.join(d, "input.bin"), f.read())
        if program is None:  # the replay printed no program: the raw input is all there is
            return os.path.join(rel, "input.bin")
        lp.atomic_write(os.path.join(d, "repro.txt"), reproducer_text(title, where, program, engine_flags))
        return os.path.join(rel, "repro.txt")


# ---- step: build -------------------------------------------------------------

def step_build(opts, findings):
    """Builds the dev preset (every binary the later steps run). Code that does
    not build is a red gate, not a tool error."""
    case = Case("gate.build", "build dev")
    t0 = time.monotonic()
    # Two builds of one directory at once (a second gate, a developer's build)
    # can make ninja fail spuriously; a real compile error fails twice.
    for _ in range(2):
        try:
            lp.build("dev")
            case.status = "pass"
            break
        except ToolError as e:
            case.status, case.message, case.detail = "fail", "the dev preset does not build", str(e)
    case.time = time.monotonic() - t0
    return Step("build", [case], case.time)


# ---- step: suite (ctest) -----------------------------------------------------

def test_preset_env():
    """The environment of CMakePresets.json's dev test preset (sanitizer options),
    which `ctest --test-dir` alone would not apply."""
    try:
        with open(os.path.join(lp.ROOT, "CMakePresets.json")) as f:
            presets = json.load(f).get("testPresets", [])
    except (OSError, ValueError):
        return {}
    return next((p.get("environment", {}) for p in presets if p.get("name") == "dev"), {})


def run_logged(cmd, log_path, env=None, timeout=None):
    """Runs cmd with its output into log_path; returns the exit status (-1 on timeout)."""
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    with open(log_path, "w") as log:
        try:
            return subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=timeout,
                                  cwd=lp.ROOT).returncode
        except subprocess.TimeoutExpired:
            return -1
        except OSError as e:
            log.write(f"cannot run {cmd[0]}: {e.strerror}\n")
            return 127


def ctest_cases(junit_path):
    """The cases of a `ctest --output-junit` file; passing ones without their output."""
    try:
        root = ET.parse(junit_path).getroot()
    except (OSError, ET.ParseError):
        return []
    cases = []
    for tc in root.iter("testcase"):
        c = Case(tc.get("classname") or "ctest", tc.get("name") or "?", time=float(tc.get("time") or 0))
        failure, skipped = tc.find("failure"), tc.find("skipped")
        if tc.get("status") == "fail" or failure is not None:
            c.status = "fail"
            c.message = failure.get("message", "failed") if failure is not None else "failed"
            c.detail = tail(tc.findtext("system-out"), 60)
        elif tc.get("status") in ("notrun", "disabled") or skipped is not None:
            c.status = "skip"
            c.message = skipped.get("message", "not run") if skipped is not None else "not run"
        cases.append(c)
    return cases


def run_ctest(opts, name, select):
    """Runs ctest on the dev build with the selection arguments; returns its cases,
    plus a failed case when ctest itself failed without a failing test to show for it."""
    junit = os.path.join(opts.out, f"ctest-{name}.xml")
    log = os.path.join(opts.out, f"ctest-{name}.log")
    if os.path.exists(junit):
        os.unlink(junit)  # a stale file would pass for this run's results
    cmd = ["ctest", "--test-dir", lp.build_dir("dev"), "--output-junit", junit, "--output-on-failure",
           "-j", str(opts.jobs)] + select
    rc = run_logged(cmd, log, env=dict(os.environ, **test_preset_env()))
    cases = ctest_cases(junit)
    if rc != 0 and not any(c.status == "fail" for c in cases):
        cases.append(Case("gate." + name, "ctest", "fail", f"ctest exited {rc} (log: {log})", tail(read_text(log))))
    return cases


def step_suite(opts, findings):
    t0 = time.monotonic()
    cases = run_ctest(opts, "suite", ["-E", SUITE_EXCLUDE, "-LE", QEMU_LABEL])
    return Step("suite", cases, time.monotonic() - t0)


# ---- step: corpora -----------------------------------------------------------

def corpora_files(opts):
    files = []
    for t in opts.targets:
        files += sorted(glob.glob(os.path.join(lp.ROOT, "corpora", t, "*.txt")))
    return files + lp.regression_files(opts.regressions)


def verdict_of(r):
    """What a repro run says, in the words of '# expect:' (clean, I<n>) or why not."""
    if r["rc"] == 0:
        return "clean"
    if r["rc"] == 1 and r["inv"]:
        return r["inv"]
    return r["title"] or f"error (exit {r['rc']})"


def check_program(path, findings):
    """Replays one corpus program with its recorded repro flags; one case."""
    name = os.path.join(os.path.basename(os.path.dirname(path)), os.path.basename(path))
    case = Case("gate.corpora", name)
    t0 = time.monotonic()
    expect, flags = lp.expected_verdict(path)
    unsupported = [f for f in flags if f not in ("--backdoor", "--engine", "unicorn")]
    if unsupported:
        case.status, case.message = "fail", f"unsupported '# repro-flags: {' '.join(unsupported)}'"
        return case
    r = lp.run_repro(path, backdoor="--backdoor" in flags, engine_flags=[f for f in flags if f != "--backdoor"])
    got = verdict_of(r)
    case.time = time.monotonic() - t0
    if got != expect:
        case.status, case.message = "fail", f"expected {expect}, got {got}" + (f" ({r['title']})" if r["title"] else "")
        case.detail = tail(r["output"], 12)
        # A violation nobody planted (backdoor programs are oracle tests) is a finding too.
        if r["title"] and "--backdoor" not in flags:
            findings.add(r["title"], f"corpora {name}", read_text(path))
    return case


def step_corpora(opts, findings):
    t0 = time.monotonic()
    cases = parallel_map(lambda p: check_program(p, findings), corpora_files(opts), opts.jobs)
    return Step("corpora", cases, time.monotonic() - t0)


# ---- step: fuzz --------------------------------------------------------------

def fresh_fuzz_dirs(opts, target):
    """OUT/fuzz/<target>/{corpus,artifacts}: the corpus a copy of the built seeds
    (libFuzzer adds to it, and known crashing inputs are taken out of it)."""
    work = os.path.join(opts.out, "fuzz", target)
    shutil.rmtree(work, ignore_errors=True)
    corpus, artifacts = os.path.join(work, "corpus"), os.path.join(work, "artifacts")
    os.makedirs(artifacts)
    seeds = lp.seed_dir("dev", target)
    if os.path.isdir(seeds):
        shutil.copytree(seeds, corpus)
    else:
        os.makedirs(corpus)
    return work, corpus, artifacts


def run_libfuzzer(target, corpus, artifacts, seconds, log_path):
    """One libFuzzer run; returns (exit status, its log)."""
    cmd = [lp.libfuzzer_binary(target), f"-max_total_time={seconds}", f"-timeout={INPUT_TIMEOUT_S}",
           *lp.libfuzzer_options(target), f"-artifact_prefix={artifacts}/", "-print_final_stats=1",
           "-reload=0"]  # the only writer of its corpus: no rescans of the growing directory
    env = dict(os.environ, **test_preset_env())
    # libFuzzer enforces max_total_time itself; the margin covers one slow input and the shutdown.
    rc = run_logged(cmd + [corpus], log_path, env=env, timeout=seconds + 2 * INPUT_TIMEOUT_S + 60)
    return rc, read_text(log_path)


def new_artifact(artifacts):
    """The crash/timeout/oom/leak input libFuzzer wrote in its last run, or None."""
    found = [p for p in glob.glob(os.path.join(artifacts, "*"))
             if re.match(r"(crash|timeout|oom|leak)-", os.path.basename(p))]
    return max(found, key=os.path.getmtime) if found else None


def set_aside(crash, run):
    """Moves a triaged input out of libFuzzer's way (artifacts are named by their
    contents, so the same input found again after a restart must show up as new);
    returns its new path."""
    d = os.path.join(os.path.dirname(crash), "triaged")
    os.makedirs(d, exist_ok=True)
    moved = os.path.join(d, f"run{run}-{os.path.basename(crash)}")
    os.replace(crash, moved)
    return moved


def drop_input(corpus, crash):
    """Removes the corpus files with the crash's contents (a seed that crashes)."""
    digest = lp.sha1_file(crash)
    for p in glob.glob(os.path.join(corpus, "*")):
        if lp.sha1_file(p) == digest:
            os.unlink(p)


def triage(target, crash, log, findings):
    """Replays a crash (thorough title, the program that ran) and records it; returns its group."""
    r = lp.replay_input(target, crash, timeout=2 * INPUT_TIMEOUT_S + 30)
    title = r["title"] if r["crashed"] and r["title"] else lp.title_from_log(log) or "crash (deadly signal)"
    where = f"fuzz {target}" + ("" if r["crashed"] else ", did not reproduce in replay")
    return findings.add(title, where, r["program"], raw_input=crash, engine_flags=lp.repro_engine_flags(target))


def fuzz_target(opts, findings, target):
    """A bounded libFuzzer run on one target; one case. A known finding restarts the
    run without its input for the time left; an unknown one ends it (the gate is red)."""
    case = Case("gate.fuzz", target)
    t0 = time.monotonic()
    deadline = t0 + opts.fuzz_seconds
    work, corpus, artifacts = fresh_fuzz_dirs(opts, target)
    notes = []
    for run in range(MAX_FUZZ_RUNS):
        left = round(deadline - time.monotonic())
        if run > 0 and left < 1:
            break
        rc, log = run_libfuzzer(target, corpus, artifacts, max(1, left), os.path.join(work, f"libfuzzer-{run}.log"))
        crash = new_artifact(artifacts)
        if crash is None:
            if rc != 0:
                why = "did not stop in time" if rc == -1 else f"exited {rc} without a crash input"
                case.status, case.message, case.detail = "fail", f"libFuzzer {why}", tail(log)
            break
        g = triage(target, crash, log, findings)
        crash = set_aside(crash, run)
        if g["known"] and not opts.strict:
            note = f"known finding (in {opts.regressions}): {g['title']} -> {g['location']}"
            if note not in notes:  # the same known bug is often hit again after a restart
                notes.append(note)
            drop_input(corpus, crash)
            continue
        case.status = "fail"
        case.message = f"{'known' if g['known'] else 'new'} finding: {g['title']}"
        case.detail = f"reproducer: {os.path.join(opts.out, g['location'])}\n\n{tail(log, 30)}"
        break
    else:  # every run ended on a known finding
        notes.append(f"stopped after {MAX_FUZZ_RUNS} runs ended by known findings, "
                     f"{max(0, round(deadline - time.monotonic()))} s before the time was up")
    case.out = "\n".join(notes)
    case.time = time.monotonic() - t0
    return case


def step_fuzz(opts, findings):
    t0 = time.monotonic()
    cases = parallel_map(lambda t: fuzz_target(opts, findings, t), opts.targets, opts.jobs)
    return Step("fuzz", cases, time.monotonic() - t0)


# ---- step: qemu --------------------------------------------------------------

def qemu_ctest_count():
    """How many ctest tests carry the qemu label (0 when none, or no build)."""
    try:
        r = subprocess.run(["ctest", "--test-dir", lp.build_dir("dev"), "-N", "-L", QEMU_LABEL],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=lp.ROOT)
    except OSError:
        return 0
    m = re.search(r"Total Tests:\s*(\d+)", r.stdout)
    return int(m.group(1)) if m else 0


def run_qemu_script(opts):
    case = Case("gate.qemu", "qemu.boot")
    t0 = time.monotonic()
    log = os.path.join(opts.out, "qemu-boot.log")
    rc = run_logged(["bash", QEMU_SCRIPT], log, timeout=QEMU_TIMEOUT_S)
    if rc != 0:
        case.status, case.message = "fail", f"tools/qemu-boot.sh exited {rc}" if rc >= 0 else "timed out"
        case.detail = tail(read_text(log))
    case.time = time.monotonic() - t0
    return [case]


def step_qemu(opts, findings):
    """The QEMU boot suite: tools/qemu-boot.sh, else ctest tests labelled qemu, else
    a skipped case saying it does not exist yet."""
    t0 = time.monotonic()
    if os.path.exists(QEMU_SCRIPT):
        cases = run_qemu_script(opts)
    elif qemu_ctest_count() > 0:
        cases = run_ctest(opts, "qemu", ["-L", QEMU_LABEL])
    else:
        cases = [Case("gate.qemu", "qemu.boot (not built yet)", "skip",
                      "no tools/qemu-boot.sh and no ctest test labelled qemu yet")]
    return Step("qemu", cases, time.monotonic() - t0)


def skipped_step(name, why):
    return Step(name, [Case(f"gate.{name}", name, "skip", why)])


RUNNERS = {"build": step_build, "suite": step_suite, "corpora": step_corpora, "fuzz": step_fuzz,
           "qemu": step_qemu}


# ---- reports -----------------------------------------------------------------

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    """Tool output may hold bytes XML 1.0 cannot carry (libFuzzer prints raw inputs)."""
    return _XML_BAD.sub("?", text or "")


def junit_xml(steps):
    root = ET.Element("testsuites", name="lparsec-gate")
    for key, status in (("tests", None), ("failures", "fail"), ("skipped", "skip")):
        root.set(key, str(sum(len(s.cases) if status is None else s.count(status) for s in steps)))
    root.set("errors", "0")
    root.set("time", f"{sum(s.time for s in steps):.3f}")
    for s in steps:
        ts = ET.SubElement(root, "testsuite", name=f"gate.{s.name}", tests=str(len(s.cases)),
                           failures=str(s.count("fail")), errors="0", skipped=str(s.count("skip")),
                           time=f"{s.time:.3f}")
        for c in s.cases:
            tc = ET.SubElement(ts, "testcase", classname=c.classname, name=xml_safe(c.name), time=f"{c.time:.3f}")
            if c.status == "fail":
                ET.SubElement(tc, "failure", message=xml_safe(c.message), type="failure").text = xml_safe(c.detail)
            elif c.status == "skip":
                ET.SubElement(tc, "skipped", message=xml_safe(c.message))
            if c.out:
                ET.SubElement(tc, "system-out").text = xml_safe(c.out)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def rule_order(rule):
    m = re.match(r"I(\d+)$", rule)
    return (0, int(m.group(1)), "") if m else (1, 0, rule)


def sarif(findings, out):
    groups = list(findings.groups.values())
    rule_ids = sorted({g["rule"] for g in groups}, key=rule_order)
    rules = [{"id": r, "shortDescription": {"text": RULES[r]}} for r in rule_ids]
    results = [{
        "ruleId": g["rule"],
        "ruleIndex": rule_ids.index(g["rule"]),
        "level": "note" if g["known"] else "error",
        "message": {"text": g["title"]},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": g["location"], "uriBaseId": "GATEOUT"}}}],
        "partialFingerprints": {"lparsecTitle/v1": hashlib.sha1(g["title"].encode()).hexdigest()},
        "properties": {"known": g["known"], "seenIn": g["seen_in"], "firstBadCommit": g.get("bisect"),
                       "replay": " ".join(["./lparsec repro"] + g.get("engine_flags", [])
                                          + [os.path.join(out, g["location"])])},
    } for g in groups]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "lparsec-gate", "rules": rules}},
            # Locations are relative to the output directory, wherever CI keeps it.
            "originalUriBaseIds": {"GATEOUT": {"uri": pathlib.Path(out).as_uri() + "/"}},
            "results": results,
        }],
    }


def verdict(steps):
    failed = [f"{s.name}: {s.count('fail')} failed" for s in steps if s.count("fail")]
    return f"gate: FAIL ({'; '.join(failed)})" if failed else "gate: PASS"


def summary_md(steps, findings):
    lines = [f"# {verdict(steps)}", "", "| step | passed | failed | skipped |", "|---|---|---|---|"]
    lines += [f"| {s.name} | {s.count('pass')} | {s.count('fail')} | {s.count('skip')} |" for s in steps]
    if findings.groups:
        lines += ["", "Findings (reproducers relative to this directory):", ""]
        lines += [f"- {'known' if g['known'] else '**new**'} `{g['title']}` — `{g['location']}` "
                  f"({'; '.join(g['seen_in'][:3])})"
                  + (f" — first bad commit: {g['bisect']}" if g.get("bisect") else "") for g in findings.groups.values()]
    return "\n".join(lines) + "\n"


def write_reports(out, steps, findings):
    lp.atomic_write(os.path.join(out, "junit.xml"), junit_xml(steps))
    lp.atomic_write_json(os.path.join(out, "results.sarif"), sarif(findings, out))
    lp.atomic_write(os.path.join(out, "summary.md"), summary_md(steps, findings))


def print_step(step):
    print(f"gate: {step.name}: {step.count('pass')} passed, {step.count('fail')} failed, "
          f"{step.count('skip')} skipped ({step.time:.0f} s)", flush=True)
    failures = [c for c in step.cases if c.status == "fail"]
    for c in failures[:20]:
        print(f"  FAIL {c.name}: {c.message}", flush=True)
        if step.name == "build":  # nothing else would say why
            print(tail(c.detail, 15), flush=True)
    if len(failures) > 20:
        print(f"  ... and {len(failures) - 20} more (junit.xml)", flush=True)


# ---- main --------------------------------------------------------------------

def reset_out(out):
    """Drops the previous run's findings and fuzz scratch so the reports name only
    this run's, but only in a directory the gate made (its marker is there)."""
    if os.path.exists(os.path.join(out, MARKER)):
        for sub in ("findings", "fuzz"):
            shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    lp.atomic_write(os.path.join(out, MARKER), "written by ./lparsec gate: findings/ and fuzz/ are redone each run\n")


def main():
    opts = parse_args(sys.argv[1:])
    lp.check_writable_dir(opts.out)
    reset_out(opts.out)
    findings = Findings(opts.out, opts.regressions)
    steps = []
    for name in ["build"] + STEPS:
        if name != "build" and name not in opts.steps:
            step = skipped_step(name, "not selected (--steps/--no-suite)")
        elif steps and steps[0].count("fail"):
            step = skipped_step(name, "not run: the dev preset did not build")
        else:
            step = RUNNERS[name](opts, findings)
        steps.append(step)
        print_step(step)
        write_reports(opts.out, steps, findings)  # a killed gate keeps what it has
    if opts.bisect and any(not g["known"] for g in findings.groups.values()):
        bisect_new_findings(opts.out, findings, opts.bisect, log=lambda line: print(f"gate: {line}", flush=True))
        write_reports(opts.out, steps, findings)
    print(f"gate: junit {os.path.join(opts.out, 'junit.xml')}, sarif {os.path.join(opts.out, 'results.sarif')}")
    print(verdict(steps))
    return lp.EXIT_FINDINGS if any(s.count("fail") for s in steps) else lp.EXIT_CLEAN


if __name__ == "__main__":
    lp.main_wrapper(PROG, main)
