"""What the users' daily tools (campaign, report, gate) share.

- where the project and its binaries are, and how to build them
  (LPARSEC_BUILD_ROOT / LPARSEC_CMAKE_ARGS select another build, e.g. the
  deliberately broken one of the tests);
- atomic writes (a killed tool never leaves a half-written file);
- finding titles: one line naming what went wrong, used to group findings,
  to decide whether a finding is already known (corpora/regressions/), and as
  the SARIF rule;
- running lparsec-repro and replay-<target> and reading what they print.

Only the Python standard library of Debian's /usr/bin/python3.
"""

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.realpath(os.environ.get("LPARSEC_ROOT") or os.path.join(os.path.dirname(__file__), "..", ".."))

def _target_lines():
    """fuzz/targets.txt, the one list of fuzz targets: [name, marks...] per line."""
    with open(os.path.join(ROOT, "fuzz", "targets.txt")) as f:
        return [line.split("#")[0].split() for line in f if line.split("#")[0].strip()]


TARGETS = [words[0] for words in _target_lines()]
# Targets whose programs run on the Unicorn engine (marked "emu"): their findings replay with
# `lparsec-repro --engine unicorn` (the same program, compared with its host-direct run).
EMU_TARGETS = {words[0] for words in _target_lines() if "emu" in words[1:]}


def repro_engine_flags(target):
    """The lparsec-repro flags that replay target's programs the way the target ran them."""
    return ["--engine", "unicorn"] if target in EMU_TARGETS else []
ENGINES = ["libfuzzer", "afl"]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_TOOL_ERROR = 0, 1, 2


class ToolError(Exception):
    """A problem the user must fix (bad option, unwritable directory, corrupt file): exit 2."""


def main_wrapper(prog, fn):
    """Runs fn() and maps ToolError to 'prog: message' + exit 2, Ctrl-C to exit 130."""
    try:
        sys.exit(fn())
    except ToolError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        sys.exit(EXIT_TOOL_ERROR)
    except KeyboardInterrupt:
        print(f"\n{prog}: interrupted; everything written so far is kept", file=sys.stderr)
        sys.exit(130)


# ---- builds ------------------------------------------------------------------

def build_root():
    return os.path.realpath(os.environ.get("LPARSEC_BUILD_ROOT") or os.path.join(ROOT, "build"))


def extra_cmake_args():
    return shlex.split(os.environ.get("LPARSEC_CMAKE_ARGS", ""))


def build_dir(preset):
    return os.path.join(build_root(), preset)


def build(preset, targets=None, quiet=True):
    """Configures and builds a preset of CMakePresets.json into build_root()/preset."""
    cfg = ["cmake", "--preset", preset, "-B", build_dir(preset)] + extra_cmake_args()
    bld = ["cmake", "--build", build_dir(preset)]
    if targets:
        bld += ["--target"] + list(targets)
    for cmd in (cfg, bld):
        r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise ToolError(f"build failed: {' '.join(cmd)}\n{build_errors(r.stdout)}")
        if not quiet:
            sys.stderr.write(r.stdout)


def build_errors(log):
    """What a failed build said that matters: the compiler's and lparsec-fmt's error lines (a
    malformed seed in corpora/ names its file, line and column), else the last 30 lines."""
    lines = log.splitlines()
    errors = [l for l in lines if re.search(r"^lparsec-fmt: |\berror\b|^CMake Error", l)]
    return "\n".join(errors[:30] if errors else lines[-30:])


def repro_binary():
    return os.path.join(build_dir("dev"), "lparsec-repro")


def fmt_binary():
    return os.path.join(build_dir("dev"), "lparsec-fmt")


# The presets of the fuzz binaries (CMakePresets.json): with ASan/UBSan, and
# without sanitizers (fast: several times the executions per second).
LIBFUZZER_PRESETS = {False: "dev", True: "fuzz-fast"}
AFL_PRESETS = {False: "afl", True: "afl-fast"}


def libfuzzer_binary(target, fast=False):
    return os.path.join(build_dir(LIBFUZZER_PRESETS[fast]), "fuzz", f"fuzz-{target}")


def replay_binary(target):
    """The ASan/UBSan build without an engine: triage and the sanitizer sweep."""
    return os.path.join(build_dir("dev"), "fuzz", f"replay-{target}")


def afl_binary(target, fast=False):
    return os.path.join(build_dir(AFL_PRESETS[fast]), "fuzz", f"afl-{target}")


def afl_mutator(fast=False):
    return os.path.join(build_dir(AFL_PRESETS[fast]), "fuzz", "lparsec-afl-mutator.so")


def seed_dir(preset, target):
    """The binary seeds the build made from corpora/<target>/*.txt."""
    return os.path.join(build_dir(preset), "corpora", target)


def dict_file(target):
    return os.path.join(ROOT, "fuzz", f"{target}.dict")


def libfuzzer_options(target):
    """The [libfuzzer] section of fuzz/<target>.options as flags, as ClusterFuzz passes them
    (key = value -> -key=value; the dictionary named beside the file)."""
    flags, section = [], None
    with open(os.path.join(ROOT, "fuzz", f"{target}.options")) as f:
        for line in f:
            m = re.match(r"\s*\[(\w+)\]", line)
            if m:
                section = m.group(1)
                continue
            m = re.match(r"\s*([a-z_]+)\s*=\s*(\S+)\s*$", line)
            if m and section == "libfuzzer":
                value = os.path.join(ROOT, "fuzz", m.group(2)) if m.group(1) == "dict" else m.group(2)
                flags.append(f"-{m.group(1)}={value}")
    return flags


def max_len(target):
    for flag in libfuzzer_options(target):
        if flag.startswith("-max_len="):
            return int(flag.split("=", 1)[1])
    return 8192


# ---- files -------------------------------------------------------------------

def atomic_write(path, data):
    """Writes bytes or str to path through a temporary file + fsync + rename."""
    if isinstance(data, str):
        data = data.encode()
    d = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
    except OSError as e:
        raise ToolError(f"cannot write in {d}: {e.strerror}") from e
    try:
        # mkstemp makes the file 0600; reports and reproducers are for everyone the umask allows.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ToolError(f"cannot write {path}: {e.strerror}") from e


def atomic_write_json(path, obj):
    atomic_write(path, json.dumps(obj, indent=2, sort_keys=True) + "\n")


def read_json(path, what="file"):
    """Reads a JSON file this tool wrote; a corrupt one is a ToolError naming it."""
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ToolError(f"{path}: corrupt {what} (not JSON: {e.msg} at line {e.lineno})") from e
    except OSError as e:
        raise ToolError(f"{path}: cannot read {what}: {e.strerror}") from e


def sha1_file(path):
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def check_writable_dir(path):
    """Creates path if needed and proves a file can be written there (exit 2 otherwise)."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise ToolError(f"cannot create output directory {path}: {e.strerror}") from e
    probe = os.path.join(path, ".lparsec-write-probe")
    try:
        with open(probe, "wb") as f:
            f.write(b"x" * 4096)
            f.flush()
            os.fsync(f.fileno())
        os.unlink(probe)
    except OSError as e:
        raise ToolError(f"output directory {path} is not writable: {e.strerror}") from e


RAM_ROOT = "/dev/shm"
RAM_MIN_FREE = 256 << 20


def ram_usable():
    """RAM_ROOT (a tmpfs on Debian) exists, is writable and has RAM_MIN_FREE bytes
    free. libFuzzer writes every new and every reduced input as a file and
    deletes the one it replaced, thousands a minute: on ext4 that churn took
    17-19 % of a run's CPU time (system time), on tmpfs 4 %."""
    try:
        st = os.statvfs(RAM_ROOT)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize >= RAM_MIN_FREE and os.access(RAM_ROOT, os.W_OK)


def growth_dir(out, target):
    """Where a campaign in out grows libFuzzer's corpus of target in RAM: named
    after the campaign directory, so a campaign resumed after a kill finds it."""
    key = hashlib.sha1(os.path.realpath(out).encode()).hexdigest()[:12]
    return os.path.join(RAM_ROOT, f"lparsec-{key}-{target}")


# ---- titles ------------------------------------------------------------------

# "after op N" (repro and the fuzz targets) or "in the final sweep" (repro, after the last operation).
VIOLATION_RE = re.compile(r"VIOLATION (I\d+) (?:after op (\d+)|in the final sweep): (.*)")
# Values the checker appends to its messages ("a=0x10 b=0x380000") and other numbers.
_DETAIL_RE = re.compile(r"\s+[a-z]+=0x[0-9a-f]+|\b0x[0-9a-fA-F]+\b|\b\d+\b")
ASAN_RE = re.compile(r"ERROR: AddressSanitizer: ([\w-]+)")
# The core's own consistency checks (hv/core HV_CHECK -> plat_panic on the host).
HV_CHECK_RE = re.compile(r"HV_CHECK failed: (.*) at (\S+):(\d+)")
# The Unicorn engine's own failures (emu/: an emulated CPU did what the engine cannot explain).
EMU_ERROR_RE = re.compile(r"emu: engine error: (.*)")
UBSAN_RE = re.compile(r"([^\s:]+):(\d+):\d+: runtime error: (.*)")
FRAME_RE = re.compile(r"^\s*#\d+ 0x[0-9a-f]+ in (\S+)(?: (\S+))?")
_RUNTIME_FRAME = re.compile(r"^(__asan|__ubsan|__sanitizer|__interceptor|__libc|fuzzer::|LLVMFuzzer|main$|_start$|"
                            r"abort$|raise$|__GI_|lp_fuzz_run$|run_file$|memcpy|memset|memmove)")


def _clean_message(msg):
    return re.sub(r"\s+", " ", _DETAIL_RE.sub("", msg)).strip(" :,")


def violation_title(inv, msg):
    return f"{inv}: {_clean_message(msg)}"


def title_from_log(text):
    """The title of the first failure in a tool's output, or None.

    Invariant violation:  'I9: stale translation survived: its HPTE was removed or retargeted'
    Core check:           'HV_CHECK l->hpte_count > 0 at hv/core/hpt.c:160'
    Unicorn engine:       'emu engine error: thread of machine : the interpreter stopped with interrupt at'
    ASan:                 'ASan heap-buffer-overflow in hv_tce_store < h_put_tce < hv_enter'
    UBSan:                'UBSan shift exponent is too large for type at hv/core/hpt.c:42'
    libFuzzer limits:     'timeout', 'out-of-memory'
    """
    m = VIOLATION_RE.search(text)
    if m:
        return violation_title(m.group(1), m.group(3))
    m = HV_CHECK_RE.search(text)
    if m:
        return f"HV_CHECK {m.group(1).strip()} at {m.group(2)}:{m.group(3)}"
    m = EMU_ERROR_RE.search(text)
    if m:
        return "emu engine error: " + _clean_message(re.sub(r"\(.*", "", m.group(1)))
    m = ASAN_RE.search(text)
    if m:
        frames = []
        for line in text[m.end():].splitlines():
            f = FRAME_RE.match(line)
            if f and not _RUNTIME_FRAME.match(f.group(1)):
                frames.append(f.group(1))
            if len(frames) == 3:
                break
        return f"ASan {m.group(1)}" + (" in " + " < ".join(frames) if frames else "")
    m = UBSAN_RE.search(text)
    if m:
        path = os.path.relpath(m.group(1), ROOT) if os.path.isabs(m.group(1)) else m.group(1)
        return f"UBSan {_clean_message(m.group(3))} at {path}:{m.group(2)}"
    m = re.search(r"ERROR: LeakSanitizer: detected memory leaks", text)
    if m:
        frames = []
        for line in text[m.end():].splitlines():
            f = FRAME_RE.match(line)
            if f and not _RUNTIME_FRAME.match(f.group(1)) and not f.group(1).startswith(("malloc", "calloc", "realloc")):
                frames.append(f.group(1))
            if len(frames) == 3:
                break
        return "LSan memory leak" + (" in " + " < ".join(frames) if frames else "")
    if "ERROR: libFuzzer: timeout" in text:
        return "timeout"
    if "ERROR: libFuzzer: out-of-memory" in text or "ERROR: libFuzzer: malloc" in text:
        return "out-of-memory"
    if "ERROR: libFuzzer: deadly signal" in text:
        return "crash (deadly signal)"
    return None


def invariant_of(title):
    """'I9' for an invariant title, None for sanitizer and other titles."""
    m = re.match(r"(I\d+):", title or "")
    return m.group(1) if m else None


def slug(title):
    """A short directory name for a title: readable prefix + hash (titles may collide when cut)."""
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48].strip("-")
    return f"{s}-{hashlib.sha1(title.encode()).hexdigest()[:8]}"


# ---- repro / replay ----------------------------------------------------------

def run_repro(path, runs=1, backdoor=False, timeout=120, engine_flags=()):
    """Runs lparsec-repro on one program file (engine_flags: '--engine unicorn' for the emulated CPUs).
    Returns a dict: rc (0 clean, 1 violation, 2 unreadable), title, inv, op, flaky (bool), output (str)."""
    cmd = [repro_binary(), "--runs", str(runs)] + (["--backdoor"] if backdoor else []) + list(engine_flags) + [path]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout,
                           errors="replace")
        out, rc = r.stdout, r.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return {"rc": -1, "title": "timeout", "inv": None, "op": None, "flaky": False, "output": out}
    title = title_from_log(out)
    m = VIOLATION_RE.search(out)
    return {
        "rc": rc,
        "title": title,
        "inv": m.group(1) if m else None,
        "op": int(m.group(2)) if m and m.group(2) else None,
        "flaky": "FLAKY" in out,
        "output": out,
    }


PROGRAM_START = "lparsec: the program that runs (after the target's filter):"
PROGRAM_END = "lparsec: end of program"


def replay_input(target, path, timeout=120):
    """Runs one fuzzer input through replay-<target> (ASan/UBSan, the target's filter),
    printing the program as it runs (LPARSEC_FUZZ_PRINT=1). Returns a dict:
    crashed (bool), title, program (text of the program that ran, or None), output."""
    env = dict(os.environ, LPARSEC_FUZZ_PRINT="1", ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    try:
        r = subprocess.run([replay_binary(target), path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=env, timeout=timeout, text=True, errors="replace")
        out, crashed = r.stdout, r.returncode != 0
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return {"crashed": True, "title": "timeout", "program": _program_of(out), "output": out}
    return {"crashed": crashed, "title": title_from_log(out) if crashed else None, "program": _program_of(out),
            "output": out}


def _program_of(out):
    """The last program replay-<target> printed before running (the one that failed)."""
    start = out.rfind(PROGRAM_START)
    if start < 0:
        return None
    body = out[start + len(PROGRAM_START):].lstrip("\n")
    end = body.find(PROGRAM_END)
    return body[:end] if end >= 0 else body


def regression_files(regressions_dir=None):
    d = regressions_dir or os.path.join(ROOT, "corpora", "regressions")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".txt")) if os.path.isdir(d) else []


def expected_verdict(path):
    """(expect, repro_flags) recorded in a corpus program's '# expect:' / '# repro-flags:' lines."""
    expect, flags = "clean", []
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("# expect:"):
                expect = line.split(":", 1)[1].strip()
            elif line.startswith("# repro-flags:"):
                flags = line.split(":", 1)[1].split()
    return expect, flags


def known_titles(regressions_dir=None):
    """Titles of the violations corpora/regressions/ already records. Oracle programs that
    need --backdoor are not findings and make nothing known."""
    titles = set()
    for path in regression_files(regressions_dir):
        expect, flags = expected_verdict(path)
        if "--backdoor" in flags or expect == "clean":
            continue
        r = run_repro(path, engine_flags=[f for f in flags if f != "--backdoor"])
        if r["title"]:
            titles.add(r["title"])
    return titles


# ---- coverage build (report) -------------------------------------------------

def coverage_replay_binary(target):
    """replay-<target> of the coverage preset (llvm source-based coverage, no sanitizers)."""
    return os.path.join(build_dir("coverage"), "fuzz", f"replay-{target}")


# ---- time series (stats/*.csv: appended by campaign, read by report) ----------

def append_line(path, line, header=""):
    """Appends one line (header first when the file is new) with a single write() on an
    O_APPEND file: a killed writer leaves at most a torn last line (drop_torn_line)."""
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, ((header if os.fstat(fd).st_size == 0 else "") + line).encode())
        finally:
            os.close(fd)
    except OSError as e:
        raise ToolError(f"cannot write {path}: {e.strerror}") from e


def drop_torn_line(path):
    """Cuts a last line that a killed writer left without its newline."""
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        atomic_write(path, data[:data.rfind(b"\n") + 1])
