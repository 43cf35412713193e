#!/usr/bin/python3
"""./lparsec bisect: which commit made a reproducer fire.

    ./lparsec bisect FINDING|REPRO --good REV [--bad REV] [--repo DIR] [--json FILE]

FINDING is a campaign's findings/<slug>/ directory (its repro.txt, and the
invariant its finding.json names); REPRO a program file (text or binary).
The reproducer must fire at --bad (default HEAD) and not at --good; then
git bisect, driven by lparsec-repro, finds the first commit at which it
fires with the same invariant (a different one, an unreadable program or a
commit that does not build is skipped, as `git bisect skip` does).

Nothing of the user's tree is touched: the repository (--repo, default the
project's own) is cloned into a scratch directory, where each commit's
lparsec-repro is built (the release preset, incrementally: only what a
commit changed is rebuilt) and run. With a FINDING the result goes to
findings/<slug>/bisect.json too, which `./lparsec report` shows in the
finding's entry; --json FILE writes it anywhere.

Exit status: 0 the first bad commit was found (or the candidates it lies
among, when skipped commits hide it), 2 a usage or tool error -- a reproducer
that does not fire at BAD or already fires at GOOD, revisions that are not
ancestor and descendant, a build that fails at BAD.

Only the standard library of Debian's /usr/bin/python3.
"""

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile

import lpcommon as lp
from lpcommon import ToolError

PROG = "lparsec bisect"
GOOD, BAD, SKIP = 0, 1, 125  # git bisect run's verdicts


def git(repo, *args, check=True):
    r = subprocess.run(["git", "-C", repo] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise ToolError(f"git {' '.join(args)}: {r.stderr.strip() or r.stdout.strip()}")
    return r.stdout.strip()


def reproducer_of(path):
    """(program file, the invariant it must fire with or None for any) of a FINDING dir or a REPRO file."""
    if os.path.isdir(path):
        finding = os.path.join(path, "finding.json")
        prog = next((p for p in (os.path.join(path, "repro.txt"), os.path.join(path, "repro.bin"))
                     if os.path.isfile(p)), None)
        if not os.path.isfile(finding) or not prog:
            raise ToolError(f"{path}: not a finding directory (finding.json and repro.txt or repro.bin)")
        f = lp.read_json(finding, "finding")
        return prog, (f.get("invariant") if isinstance(f, dict) else None) or lp.invariant_of(f.get("title"))
    if not os.path.isfile(path):
        raise ToolError(f"{path}: no such finding directory or program file")
    return path, None


# ---- one commit ----------------------------------------------------------------

def build_repro(tree):
    """lparsec-repro of the commit checked out in tree (release preset), or None when it does not build."""
    bdir = os.path.join(tree, "build", "release")
    cmds = [["cmake", "--build", bdir, "--target", "lparsec-repro"]]
    if not os.path.isfile(os.path.join(bdir, "CMakeCache.txt")):
        cmds.insert(0, ["cmake", "--preset", "release", "-B", bdir] + lp.extra_cmake_args())
    for cmd in cmds:
        r = subprocess.run(cmd, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            return None
    return os.path.join(bdir, "lparsec-repro")


def verdict(tree, program, invariant):
    """(GOOD | BAD | SKIP, what was seen) of the reproducer at the commit checked out in tree."""
    repro = build_repro(tree)
    if not repro:
        return SKIP, "does not build"
    r = subprocess.run([repro, program], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", timeout=600)
    if r.returncode == 0:
        return GOOD, "clean"
    title = lp.title_from_log(r.stdout) or "(no title)"
    if r.returncode == 1 and (invariant is None or lp.invariant_of(title) == invariant):
        return BAD, title
    return SKIP, title if r.returncode == 1 else f"lparsec-repro exited {r.returncode}"


def step_main(argv):
    """`bisect.py --step TREE PROGRAM INVARIANT`: what git bisect run calls at each commit."""
    tree, program, invariant = argv
    code, seen = verdict(tree, program, None if invariant == "-" else invariant)
    sha = git(tree, "rev-parse", "--short", "HEAD")
    print(f"{PROG}: {sha}: {('good', 'bad')[code] if code in (GOOD, BAD) else 'skip'} ({seen})", flush=True)
    return code


# ---- the bisection -------------------------------------------------------------

def subject(repo, rev):
    return git(repo, "log", "-1", "--format=%h %s", rev)


def bisect(repo, program, invariant, good, bad, log):
    """The result dict: status found|ambiguous, first_bad, candidates."""
    scratch = tempfile.mkdtemp(prefix="lparsec-bisect-")
    try:
        tree = os.path.join(scratch, "tree")
        r = subprocess.run(["git", "clone", "--quiet", "--shared", "--no-checkout", repo, tree],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise ToolError(f"cannot clone {repo}: {r.stderr.strip()}")
        prog = os.path.join(scratch, "repro" + os.path.splitext(program)[1])
        shutil.copyfile(program, prog)  # the commits' trees never hold it
        for rev, want in ((bad, BAD), (good, GOOD)):
            git(tree, "checkout", "--quiet", "--detach", rev)
            code, seen = verdict(tree, prog, invariant)
            log(f"{PROG}: {subject(tree, rev)}: {('good', 'bad')[code] if code in (GOOD, BAD) else 'skip'} ({seen})")
            if code != want:
                what = "the reproducer does not fire at" if want == BAD else "the reproducer already fires at"
                raise ToolError(f"{what} {rev[:12]} ({seen}): nothing to bisect")
            if invariant is None:
                invariant = lp.invariant_of(seen)  # a bare program: the invariant it fires with at BAD
        git(tree, "bisect", "start", bad, good)
        step = [sys.executable, os.path.abspath(__file__), "--step", tree, prog, invariant or "-"]
        run = subprocess.run(["git", "-C", tree, "bisect", "run"] + step, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        for line in run.stdout.splitlines():
            if line.startswith(PROG + ":"):
                log(line)
        m = re.search(r"^([0-9a-f]{40}) is the first bad commit", run.stdout, re.M)
        if m:
            return {"status": "found", "first_bad": m.group(1), "subject": subject(tree, m.group(1)),
                    "candidates": [m.group(1)], "invariant": invariant}
        cands = re.findall(r"^([0-9a-f]{40})$", run.stdout.split("could be any of:", 1)[1], re.M) \
            if "could be any of:" in run.stdout else []
        if cands:
            return {"status": "ambiguous", "first_bad": None, "subject": None, "candidates": cands,
                    "invariant": invariant}
        raise ToolError("git bisect run ended without a verdict:\n" + "\n".join(run.stdout.splitlines()[-20:]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def parse_args(argv):
    p = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reproducer", metavar="FINDING|REPRO")
    p.add_argument("--good", required=True, metavar="REV", help="a revision at which it does not fire")
    p.add_argument("--bad", default="HEAD", metavar="REV", help="a revision at which it fires (default HEAD)")
    p.add_argument("--repo", default=lp.ROOT, metavar="DIR", help="the repository to bisect (default: lparsec's)")
    p.add_argument("--json", metavar="FILE", help="write the result there too")
    return p.parse_args(argv)


def run(reproducer, good_rev, bad_rev="HEAD", repo=lp.ROOT, log=print):
    """Bisects a FINDING directory or a REPRO file between good_rev and bad_rev of repo; the result
    (also in the finding's bisect.json). ToolError when there is nothing to bisect."""
    program, invariant = reproducer_of(reproducer)
    repo = os.path.realpath(repo)
    good, bad = git(repo, "rev-parse", "--verify", good_rev + "^{commit}"), \
        git(repo, "rev-parse", "--verify", bad_rev + "^{commit}")
    if good == bad or subprocess.run(["git", "-C", repo, "merge-base", "--is-ancestor", good, bad]).returncode != 0:
        raise ToolError(f"--good {good_rev} must be an ancestor of --bad {bad_rev}")
    log(f"{PROG}: {os.path.basename(program)} ({invariant or 'the violation it fires with at BAD'}) between "
        f"{subject(repo, good)} and {subject(repo, bad)}")
    result = bisect(repo, program, invariant, good, bad, log)
    result.update({"good": good, "bad": bad, "reproducer": reproducer,
                   "when": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")})
    if result["status"] == "found":
        log(f"{PROG}: first bad commit: {result['subject']}")
    else:
        log(f"{PROG}: skipped commits hide it; the first bad commit is one of: "
            + ", ".join(c[:12] for c in result["candidates"]))
    if os.path.isdir(reproducer):
        lp.atomic_write_json(os.path.join(reproducer, "bisect.json"), result)
    return result


def main(argv):
    if argv[:1] == ["--step"]:
        return step_main(argv[1:])
    opts = parse_args(argv)
    result = run(opts.reproducer, opts.good, opts.bad, opts.repo, lambda line: print(line, flush=True))
    if opts.json:
        lp.atomic_write_json(opts.json, result)
    return 0


if __name__ == "__main__":
    lp.main_wrapper(PROG, lambda: main(sys.argv[1:]))
