"""The fuzzing engines of a campaign (libFuzzer, AFL++) and the process groups they run in.

An engine is started for some seconds, polled for its figures (execs, execs/s,
coverage, corpus), restarted when it died early and stopped; ctx is the
Campaign it fuzzes for (ctx.out, ctx.state, ctx.corpus(target), ctx.registry).

Only the standard library of Debian's /usr/bin/python3.
"""

import math
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import lpcommon
import triage
from lpcommon import ToolError

STOP_GRACE_S = 5.0    # SIGTERM, then SIGKILL
SETPRIV = shutil.which("setpriv")


# ---- process groups ------------------------------------------------------------

class Registry:
    """Process groups of the engines, in DIR/engines.json, so that a campaign
    resumed after kill -9 ends engines its dead predecessor left behind (the
    engines die with us through setpriv --pdeathsig, but libFuzzer's fork-mode
    jobs are grandchildren)."""

    def __init__(self, out):
        self.out, self.path, self.pgids = out, os.path.join(out, "engines.json"), set()

    def update(self, add=None, remove=None):
        self.pgids = (self.pgids | {add} if add else self.pgids) - {remove}
        lpcommon.atomic_write_json(self.path, sorted(self.pgids))

    def kill_leftovers(self):
        try:
            old = lpcommon.read_json(self.path, "engine list")
        except ToolError:
            return  # missing, or torn: nothing we can trust to kill
        for pid in os.listdir("/proc") if isinstance(old, list) else []:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    pgid = int(f.read().rsplit(")", 1)[1].split()[2])
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read().decode(errors="replace")
            except (OSError, ValueError, IndexError):
                continue
            if pgid in old and self.out in cmdline:  # ours: its arguments name this campaign's directory
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except OSError:
                    pass
        self.update()


def spawn(ctx, cmd, log_path, env=None):
    """Starts an engine in its own process group, appending its output to log_path."""
    prefix = [SETPRIV, "--pdeathsig", "KILL", "--"] if SETPRIV else []
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    try:
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(prefix + cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True)
    except OSError as e:
        raise ToolError(f"cannot start {cmd[0]}: {e.strerror}") from e
    ctx.registry.update(add=proc.pid)
    return proc


def stop_group(ctx, proc):
    """SIGTERM to the whole group (engines write their final stats), SIGKILL after a grace period.
    The group id stays ours while its leader is unreaped or any member lives."""
    if proc is None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_GRACE_S), (signal.SIGKILL, 0)):
        try:
            os.killpg(proc.pid, sig)
        except OSError:
            pass
        deadline = time.monotonic() + wait
        while proc.returncode is None and time.monotonic() < deadline:
            try:
                if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                    break  # exited, not reaped yet: the SIGKILL still reaches what is left of its group
            except ChildProcessError:
                break
            time.sleep(0.1)
    proc.wait()
    ctx.registry.update(remove=proc.pid)


# ---- the engines ---------------------------------------------------------------

class Rate:
    """execs/s over the last ~10 s, for engines that do not say it themselves."""

    def __init__(self):
        self.hist = []

    def update(self, execs):
        now = time.monotonic()
        self.hist = [h for h in self.hist if now - h[0] <= 10.0] + [(now, execs)]
        t0, e0 = self.hist[0]
        return max(0, round((execs - e0) / (now - t0))) if now - t0 >= 1.0 else 0


LF_STATUS = re.compile(r"^#(\d+):?\s+(?:[A-Z_a-z]+\s+)?cov: (\d+) ft: \d+ corp: (\d+)", re.M)
LF_RATE = re.compile(r"exec/s: (\d+)")
LF_FINAL_EXECS = re.compile(r"^stat::number_of_executed_units: (\d+)", re.M)


class LibFuzzer:
    """libFuzzer growing DIR/corpus/<target>. One process runs in-process until
    its first crash, timeout or out-of-memory; after that, and always with
    several processes, in fork mode, where jobs die and the parent carries on
    (-ignore_*). Fork mode restarts its jobs every few seconds early on and
    replays a corpus subset each time: on a target that does not crash, the
    in-process engine runs up to twice the executions."""
    name = "libfuzzer"

    def __init__(self, ctx, target, procs):
        self.ctx, self.target, self.procs, self.proc = ctx, target, procs, None
        self.dir = os.path.join(ctx.out, "libfuzzer", target)
        self.log = os.path.join(self.dir, "libfuzzer.log")
        self.tmp = os.path.join(ctx.out, "tmp", "libfuzzer-" + target)  # fork-mode job dirs and logs
        self.base = ctx.state["totals"][target]["libfuzzer"]["execs"]  # counts restart from 0 per process
        self.fork = procs > 1

    def start(self, seconds):
        shutil.rmtree(self.tmp, ignore_errors=True)
        os.makedirs(self.tmp)
        os.makedirs(self.dir, exist_ok=True)
        self.offset = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        self.parent, self.rate = {"execs": 0, "cov": 0, "corp": 0, "rate": 0}, Rate()
        t = self.target
        mode = [f"-fork={self.procs}", "-ignore_crashes=1", "-ignore_timeouts=1", "-ignore_ooms=1"] \
            if self.fork else []
        # -reload=0: nothing else writes the corpus while libFuzzer runs (AFL++'s queues are merged
        # after the slice); the default rescans the directory every second as it grows.
        cmd = [lpcommon.libfuzzer_binary(t, self.ctx.a.fast["libfuzzer"])] + mode + [
               *lpcommon.libfuzzer_options(t), "-timeout=10", "-reload=0",
               "-print_final_stats=1", f"-max_total_time={int(math.ceil(seconds)) + 5}",
               f"-artifact_prefix={self.dir}/"] + self.corpus_args()
        self.proc = spawn(self.ctx, cmd, self.log, dict(os.environ, TMPDIR=self.tmp))

    def corpus_args(self):
        """libFuzzer adds inputs to the first directory and reads them all: its
        growth in RAM first when there is RAM for it (Campaign.growth)."""
        growth = self.ctx.growth(self.target)
        return ([growth] if growth else []) + [self.ctx.corpus(self.target)]

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def early_exit_note(self):
        return "exited early; restarting it" if self.fork else "stopped at a finding; going on in fork mode"

    def restart_dead(self, seconds):
        if not self.alive():
            # An in-process engine that stopped early found something (or hung, or
            # ran out of memory): from now on fork mode, which carries on past it.
            self.fork = True
            self.stop()
            self.start(seconds)

    def log_paths(self):
        return [self.log]

    def stop(self):
        stop_group(self.ctx, self.proc)
        self.final = self.poll()
        self.base, self.proc = self.final["execs"], None

    def _read_log(self):
        try:
            with open(self.log, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return
        cut = data.rfind(b"\n") + 1  # a line still being written is read next time
        self.offset += cut
        text = data[:cut].decode(errors="replace")
        for m in LF_STATUS.finditer(text):
            eol = text.find("\n", m.start())
            r = LF_RATE.search(text, m.start(), eol if eol >= 0 else len(text))
            self.parent = {"execs": int(m.group(1)), "cov": int(m.group(2)), "corp": int(m.group(3)),
                           "rate": int(r.group(1)) if r else 0}
        final = list(LF_FINAL_EXECS.finditer(text))  # in-process: the exact count at the end
        if final and not self.fork:
            self.parent["execs"] = max(self.parent["execs"], int(final[-1].group(1)))

    def _jobs(self):
        """(execs, cov, execs/s) of the running fork-mode jobs: the parent counts only
        finished ones. A job prints its count at new coverage and at powers of two, so
        its own exec/s says the current speed better than differences of counts."""
        execs, cov, rate = 0, 0, 0
        for d in os.listdir(self.tmp) if os.path.isdir(self.tmp) else []:
            jd = os.path.join(self.tmp, d)
            for n in os.listdir(jd) if os.path.isdir(jd) else []:
                if not n.endswith(".log"):
                    continue
                try:
                    with open(os.path.join(jd, n), "rb") as f:
                        f.seek(max(0, os.path.getsize(f.name) - 8192))
                        tail = f.read().decode(errors="replace")
                except OSError:
                    continue  # the job ended and the parent removed its log
                last = list(LF_STATUS.finditer(tail))
                if last:
                    execs += int(last[-1].group(1))
                    cov = max(cov, int(last[-1].group(2)))
                    r = LF_RATE.search(tail, last[-1].start())
                    rate += int(r.group(1)) if r else 0
        return execs, cov, rate

    def poll(self):
        if self.proc is None:
            return dict(getattr(self, "final", None) or self.ctx.state["totals"][self.target]["libfuzzer"])
        self._read_log()
        job_execs, job_cov, job_rate = self._jobs()
        # The parent's count jumps when a job ends (and its log goes): never backwards.
        execs = self.top = max(getattr(self, "top", 0), self.base + self.parent["execs"] + job_execs)
        # fork mode adds each job's new inputs to the first corpus directory too
        corpus = sum(len(os.listdir(d)) for d in self.ctx.corpus_dirs(self.target) if os.path.isdir(d))
        rate = self.rate.update(execs)
        if not self.fork:  # in-process, counts are printed at new coverage and powers of two only
            rate = self.parent["rate"] or rate
        return {"execs": execs, "execs_per_s": job_rate or rate,
                "coverage": self.parent["cov"] or job_cov, "corpus": corpus}

    def crashes(self):
        return len([n for n in os.listdir(self.dir) if n.startswith(triage.LIBFUZZER_PREFIXES)]) \
            if os.path.isdir(self.dir) else 0


class Afl:
    """AFL++: one -M main and procs-1 -S sN instances on DIR/afl/<target>.
    AFL++ writes fuzzer_stats only every minute: the live figures come from its
    StatsD metrics (one UDP socket per instance on 127.0.0.1)."""
    name = "afl"
    KEYS = {"execs_done": "execs", "edges_found": "coverage", "corpus_count": "corpus"}

    def __init__(self, ctx, target, procs):
        self.ctx, self.target, self.procs = ctx, target, procs
        self.sync = os.path.join(ctx.out, "afl", target)
        self.inst = []  # [name, proc, socket, stats]

    def _launch(self, i, seconds, sock=None):
        """Instance i ("main" or "sN") for seconds; AFL_AUTORESUME makes an existing directory resume."""
        name = "main" if i == 0 else f"s{i}"
        if sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(("127.0.0.1", 0))
            sock.setblocking(False)
        env = {k: v for k, v in os.environ.items() if k not in ("ASAN_OPTIONS", "UBSAN_OPTIONS")}
        fast = self.ctx.a.fast["afl"]
        env.update(AFL_CUSTOM_MUTATOR_LIBRARY=lpcommon.afl_mutator(fast), AFL_NO_UI="1", AFL_SKIP_CPUFREQ="1",
                   AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1", AFL_AUTORESUME="1",
                   AFL_NO_AFFINITY="1",  # the cores are shared with libFuzzer and the triage
                   AFL_STATSD="1", AFL_STATSD_HOST="127.0.0.1", AFL_STATSD_PORT=str(sock.getsockname()[1]))
        t = self.target
        cmd = ["afl-fuzz", "-V", str(max(1, int(math.ceil(seconds)))), "-M" if i == 0 else "-S", name,
               "-i", self.ctx.corpus(t), "-o", self.sync, "-x", lpcommon.dict_file(t), "--",
               lpcommon.afl_binary(t, fast)]
        return [name, spawn(self.ctx, cmd, os.path.join(self.sync, name + ".log"), env), sock, {}]

    def start(self, seconds):
        os.makedirs(self.sync, exist_ok=True)
        self.rate = Rate()
        self.inst = [self._launch(i, seconds) for i in range(self.procs)]

    def alive(self):
        return all(i[1].poll() is None for i in self.inst)

    def early_exit_note(self):
        return "exited early; restarting it"

    def restart_dead(self, seconds):
        for i, inst in enumerate(self.inst):
            if inst[1].poll() is not None:
                stop_group(self.ctx, inst[1])
                self.inst[i] = self._launch(i, seconds, inst[2])

    def log_paths(self):
        return [os.path.join(self.sync, i[0] + ".log") for i in self.inst]

    def stop(self):
        for inst in self.inst:
            stop_group(self.ctx, inst[1])
        self.poll()  # fuzzer_stats written on exit
        for inst in self.inst:
            inst[2].close()
        self.final, self.inst = self.poll(), []

    def _instance_stats(self, inst):
        while True:  # the newest StatsD datagram wins
            try:
                data = inst[2].recv(65536).decode(errors="replace")
            except (BlockingIOError, OSError):
                break
            for m in re.finditer(r"fuzzing\.(\w+):([\d.]+)\|g", data):
                if m.group(1) in self.KEYS:
                    inst[3][self.KEYS[m.group(1)]] = float(m.group(2))
        try:
            with open(os.path.join(self.sync, inst[0], "fuzzer_stats")) as f:
                for line in f:
                    k, _, v = line.partition(":")
                    if k.strip() in self.KEYS and self.KEYS[k.strip()] not in inst[3]:
                        inst[3][self.KEYS[k.strip()]] = float(v.strip().rstrip("%") or 0)
        except (OSError, ValueError):
            pass
        return inst[3]

    def poll(self):
        old = self.ctx.state["totals"][self.target]["afl"]
        if not self.inst:
            return dict(getattr(self, "final", old))
        st = [self._instance_stats(i) for i in self.inst]
        # AFL++ restores its counts when it resumes; a kill -9 may have lost the last minute of them.
        execs = max(old["execs"], int(sum(s.get("execs", 0) for s in st)))
        # Not AFL++'s execs_per_sec: right after a resume it divides all execs by the new run time.
        return {"execs": execs, "execs_per_s": self.rate.update(execs),
                "coverage": int(max([s.get("coverage", 0) for s in st] + [old["coverage"]])),
                "corpus": int(max(s.get("corpus", 0) for s in st))}

    def crashes(self):
        return len([p for e, p in triage.crash_files(self.ctx.out, self.target) if e == "afl"])


ENGINES = {"libfuzzer": LibFuzzer, "afl": Afl}
