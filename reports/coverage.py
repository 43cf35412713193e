#!/usr/bin/python3
"""llvm-cov line and function coverage of hv/core from a campaign's corpus.

collect(out_dir) builds the `coverage` preset (clang -fprofile-instr-generate
-fcoverage-mapping, replay-<target> only, no sanitizers), runs every target's
replay binary over DIR/corpus/<target>, merges the raw profiles with
llvm-profdata and keeps, from `llvm-cov export -summary-only` over all replay
binaries, the line/function/region coverage of each file under hv/core/ and
their total. Written atomically to DIR/coverage/coverage.json:

  {"version": 1, "generated": "...Z", "build_dir": "...",
   "targets": {"hpt": {"inputs": 6, "ran": 6, "aborted": ["<file>", ...], "note": "..."}},
   "files": {"hv/core/hpt.c": {"lines": {"count": 212, "covered": 173, "percent": 81.6},
                               "functions": {...}, "regions": {...}}},
   "total": {"lines": {...}, "functions": {...}, "regions": {...}},
   "profdata": "coverage/merged.profdata"}

replay-<target> stops at the first input that violates an invariant (abort:
that process writes no profile), so when a directory run fails the inputs
are run in halves until every failing input is isolated; those are listed as
"aborted" (their coverage is not counted, everything else is).

`coverage.py DIR` runs collect(DIR) on its own.
"""

import argparse
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "campaign"))
import lpcommon as lp  # noqa: E402

CORE_PREFIX = "hv/core/"
KINDS = ("lines", "functions", "regions")
# Corpus files passed on one command line when the directory run failed.
BATCH = 256


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def corpus_files(out_dir, target):
    """The inputs replay-<target> would read from DIR/corpus/<target> (regular, not hidden), sorted."""
    d = os.path.join(out_dir, "corpus", target)
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if not f.startswith(".") and os.path.isfile(os.path.join(d, f)))


def corpus_targets(out_dir):
    return [t for t in lp.TARGETS if corpus_files(out_dir, t)]


def _clang_major():
    """The major version of the compiler the coverage build used (its profile format)."""
    try:
        with open(os.path.join(lp.build_dir("coverage"), "CMakeCache.txt")) as f:
            for line in f:
                m = re.match(r"CMAKE_C_COMPILER_VERSION:\w+=(\d+)", line)
                if m:
                    return m.group(1)
    except OSError:
        pass
    cache = os.path.join(lp.build_dir("coverage"), "CMakeFiles")
    for path in glob.glob(os.path.join(cache, "*", "CMakeCCompiler.cmake")):
        with open(path) as f:
            m = re.search(r'set\(CMAKE_C_COMPILER_VERSION "(\d+)', f.read())
            if m:
                return m.group(1)
    return None


def llvm_tool(name):
    """llvm-profdata / llvm-cov matching the coverage build's clang (-<major>, then -14, then plain)."""
    names = []
    major = _clang_major()
    if major:
        names.append(f"{name}-{major}")
    names += [f"{name}-14", name]
    for n in names:
        path = shutil.which(n)
        if path:
            return path
    raise lp.ToolError(f"{name} not found (tried {', '.join(names)}); install llvm (see ci/packages.txt)")


def _run_replay(binary, args, raw_dir, target, timeout):
    """Runs replay-<target> on args; True when it exited 0 (and so wrote its profile)."""
    env = dict(os.environ, LLVM_PROFILE_FILE=os.path.join(raw_dir, f"{target}-%p.profraw"),
               LPARSEC_FUZZ_PRINT="0")
    try:
        r = subprocess.run([binary] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                           timeout=timeout, errors="replace", text=True)
    except subprocess.TimeoutExpired:
        return False, f"timeout after {timeout:.0f} s"
    if r.returncode == 0:
        return True, ""
    title = lp.title_from_log(r.stderr or "")
    if title:
        return False, title
    last = (r.stderr or "").strip().splitlines()[-1:]
    return False, (last[0] if last else f"exit status {r.returncode}")


def _timeout(n):
    return 30 + 0.05 * n


def _replay_target(target, files, raw_dir, log):
    """Runs every input of a target, isolating the ones that abort. Returns the target's entry."""
    binary = lp.coverage_replay_binary(target)
    corpus = os.path.dirname(files[0])
    ok, _ = _run_replay(binary, [corpus], raw_dir, target, _timeout(len(files)))
    if ok:
        return {"inputs": len(files), "ran": len(files), "aborted": []}
    log(f"coverage: {target}: replay of the corpus stopped at a failing input; isolating the failing inputs")
    aborted, detail = [], {}
    pending = [files[i:i + BATCH] for i in range(0, len(files), BATCH)]
    while pending:
        batch = pending.pop()
        ok, why = _run_replay(binary, batch, raw_dir, target, _timeout(len(batch)))
        if ok:
            continue
        if len(batch) == 1:
            aborted.append(os.path.basename(batch[0]))
            detail[os.path.basename(batch[0])] = why
        else:
            half = len(batch) // 2
            pending += [batch[:half], batch[half:]]
    aborted.sort()
    entry = {"inputs": len(files), "ran": len(files) - len(aborted), "aborted": aborted,
             "note": f"{len(aborted)} input(s) abort replay-{target} (a violation or a crash: see findings/); "
                     "their coverage is not counted"}
    if detail:
        entry["aborted_detail"] = {k: detail[k] for k in aborted}
    return entry


def _core_path(filename):
    """'hv/core/hpt.c' for a file of the core (absolute path from the build), else None."""
    rel = os.path.relpath(os.path.realpath(filename), lp.ROOT) if os.path.isabs(filename) else filename
    if rel.startswith(CORE_PREFIX):
        return rel
    i = filename.rfind("/" + CORE_PREFIX)
    return filename[i + 1:] if i >= 0 else None


def _pct(covered, count):
    return round(100.0 * covered / count, 2) if count else 0.0


def summarize(export):
    """files + total of hv/core from the JSON of `llvm-cov export -summary-only`."""
    files = {}
    for data in export.get("data", []):
        for f in data.get("files", []):
            path = _core_path(f.get("filename", ""))
            if not path:
                continue
            s = f.get("summary", {})
            files[path] = {k: {"count": int(s.get(k, {}).get("count", 0)),
                               "covered": int(s.get(k, {}).get("covered", 0))} for k in KINDS}
    total = {}
    for k in KINDS:
        count = sum(v[k]["count"] for v in files.values())
        covered = sum(v[k]["covered"] for v in files.values())
        total[k] = {"count": count, "covered": covered, "percent": _pct(covered, count)}
    for v in files.values():
        for k in KINDS:
            v[k]["percent"] = _pct(v[k]["covered"], v[k]["count"])
    return dict(sorted(files.items())), total


UNCOVERED_MAX = 400  # uncovered lines kept per file (the report shows them with their source)


def uncovered(cov_tool, profdata, binaries):
    """{'hv/core/x.c': [[first, last, [source lines]], ...]}: the core's lines no input ran, from
    `llvm-cov show` (text: "line|count|source"; a count of 0 is a line never run), in ranges."""
    cmd = [cov_tool, "show", "-instr-profile", profdata, binaries[0]]
    for b in binaries[1:]:
        cmd += ["-object", b]
    cmd.append(os.path.join(lp.ROOT, CORE_PREFIX))  # the core's sources only
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    if r.returncode != 0:
        raise lp.ToolError(f"coverage: {os.path.basename(cov_tool)} show failed:\n{r.stderr[-2000:]}")
    out, path, kept = {}, None, 0
    for line in r.stdout.splitlines():
        if line.endswith(":") and "|" not in line:  # a file's header: its path, then a colon
            path, kept = _core_path(line[:-1]), 0
            continue
        m = re.match(r"^\s*(\d+)\|\s*(\d*)\|(.*)$", line)
        if not path or not m or m.group(2) != "0" or kept >= UNCOVERED_MAX or m.group(3).lstrip().startswith("#"):
            continue  # a macro's definition counts its expansions: not a line that runs
        n, ranges = int(m.group(1)), out.setdefault(path, [])
        if ranges and ranges[-1][1] == n - 1:
            ranges[-1][1] = n
            ranges[-1][2].append(m.group(3))
        else:
            ranges.append([n, n, [m.group(3)]])
        kept += 1
    return dict(sorted(out.items()))


def collect(out_dir, targets=None, log=None):
    """Builds the coverage preset, replays DIR/corpus/<target>, writes DIR/coverage/coverage.json.
    Returns the coverage dict. ToolError when nothing can be measured (no corpus, build or llvm failure)."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    targets = [t for t in (targets or lp.TARGETS) if corpus_files(out_dir, t)]
    if not targets:
        raise lp.ToolError(f"{os.path.join(out_dir, 'corpus')}: no corpus to measure coverage from")
    cov_dir = os.path.join(out_dir, "coverage")
    raw_dir = os.path.join(cov_dir, "raw")
    log(f"coverage: building the coverage preset ({lp.build_dir('coverage')})")
    lp.build("coverage", targets=[f"replay-{t}" for t in targets])
    profdata_tool, cov_tool = llvm_tool("llvm-profdata"), llvm_tool("llvm-cov")

    shutil.rmtree(raw_dir, ignore_errors=True)
    try:
        os.makedirs(raw_dir)
    except OSError as e:
        raise lp.ToolError(f"cannot create {raw_dir}: {e.strerror}") from e
    per_target = {}
    for t in targets:
        files = corpus_files(out_dir, t)
        log(f"coverage: {t}: replaying {len(files)} input(s)")
        per_target[t] = _replay_target(t, files, raw_dir, log)

    raws = sorted(glob.glob(os.path.join(raw_dir, "*.profraw")))
    if not raws:
        raise lp.ToolError(f"coverage: no profile was written in {raw_dir} (every replay failed)")
    profdata = os.path.join(cov_dir, "merged.profdata")
    tmp = os.path.join(cov_dir, ".tmp-merged.profdata")
    r = subprocess.run([profdata_tool, "merge", "-sparse", "-o", tmp] + raws,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    if r.returncode != 0:
        raise lp.ToolError(f"coverage: {os.path.basename(profdata_tool)} merge failed:\n{r.stdout[-2000:]}")
    os.replace(tmp, profdata)
    shutil.rmtree(raw_dir, ignore_errors=True)

    binaries = [lp.coverage_replay_binary(t) for t in targets]
    cmd = [cov_tool, "export", "-summary-only", "-instr-profile", profdata, binaries[0]]
    for b in binaries[1:]:
        cmd += ["-object", b]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    if r.returncode != 0:
        raise lp.ToolError(f"coverage: {os.path.basename(cov_tool)} export failed:\n{r.stderr[-2000:]}")
    try:
        export = json.loads(r.stdout)
    except ValueError as e:
        raise lp.ToolError(f"coverage: {os.path.basename(cov_tool)} export printed no JSON: {e}") from e
    files, total = summarize(export)
    try:
        missed = uncovered(cov_tool, profdata, binaries)
    except lp.ToolError as e:
        missed = {}
        log(f"coverage: the uncovered lines are not listed: {e}")
    result = {
        "version": 1,
        "generated": _now(),
        "build_dir": lp.build_dir("coverage"),
        "tools": {"llvm-profdata": profdata_tool, "llvm-cov": cov_tool},
        "targets": per_target,
        "files": files,
        "total": total,
        "uncovered": missed,
        "profdata": os.path.relpath(profdata, out_dir),
    }
    lp.atomic_write_json(os.path.join(cov_dir, "coverage.json"), result)
    log(f"coverage: hv/core lines {total['lines']['covered']}/{total['lines']['count']} "
        f"({total['lines']['percent']:.1f} %), functions {total['functions']['covered']}/"
        f"{total['functions']['count']} ({total['functions']['percent']:.1f} %)")
    return result


def corpus_mtime(out_dir):
    """The newest modification time of the corpus (its directories change when inputs come and go)."""
    newest = None
    root = os.path.join(out_dir, "corpus")
    for dirpath, _dirs, names in os.walk(root):
        for p in [dirpath] + [os.path.join(dirpath, n) for n in names]:
            try:
                m = os.stat(p).st_mtime
            except OSError:
                continue
            newest = m if newest is None or m > newest else newest
    return newest


def is_stale(out_dir):
    """True when DIR has a corpus and coverage.json is missing or older than it."""
    newest = corpus_mtime(out_dir)
    if newest is None or not corpus_targets(out_dir):
        return False
    try:
        return os.stat(os.path.join(out_dir, "coverage", "coverage.json")).st_mtime < newest
    except OSError:
        return True


def main():
    ap = argparse.ArgumentParser(prog="coverage.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", metavar="DIR", help="campaign directory (its corpus/ is replayed)")
    args = ap.parse_args()
    if not os.path.isdir(args.dir):
        raise lp.ToolError(f"{args.dir}: not a directory")
    collect(args.dir)
    return 0


if __name__ == "__main__":
    lp.main_wrapper("coverage", main)
