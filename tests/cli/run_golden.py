#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Golden CLI tests: runs every case under cases/ against the slight binary
and prints TAP. A case is a directory with:
  app.wat | app.c     the guest (compiled here: wat2wasm / clang wasm32-wasi)
  app.from            instead: the path of a C guest shared by several cases,
                      relative to the case (e.g. ../../guests/x.c)
  cmd                 slight's arguments, one per line; {app} is the module
                      path, {dir} the case's scratch dir (default: run {app})
  expected.rc         the exit status (default 0)
  expected.stdout     exact stdout (optional)
  expected.stderr     lines that must each appear in stderr (optional)
  wat2wasm.flags      extra wat2wasm flags (optional)
  slightfile.toml, files/   copied into the scratch dir, which is the cwd
  test.sh             instead of cmd: a bash script run in the scratch dir
                      with $SLIGHT, $APP set; the case passes when it exits 0
                      and is skipped when it exits 77 (first stdout line: why)
Usage: run_golden.py SLIGHT CASES_DIR [TIER...]; each case runs once per
tier (--tier=T is added after 'run'); cases with a 'tiers' file list theirs.
"""
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = "\0skip: "  # run_case's answer for a skipped case, then the reason
WASI_CC = ["clang", "--target=wasm32-wasi", "--sysroot=/usr", "-O2"]


def build_guest(case, scratch):
    wat = os.path.join(case, "app.wat")
    c = os.path.join(case, "app.c")
    out = os.path.join(scratch, "app.wasm")
    if os.path.exists(wat):
        flags = []
        fl = os.path.join(case, "wat2wasm.flags")
        if os.path.exists(fl):
            flags = open(fl).read().split()
        subprocess.run(["wat2wasm", *flags, wat, "-o", out], check=True,
                       capture_output=True)
        return out
    shared = os.path.join(case, "app.from")
    if os.path.exists(shared):
        c = os.path.normpath(os.path.join(case, open(shared).read().strip()))
    if os.path.exists(c):
        subprocess.run([*WASI_CC, c, "-o", out], check=True, capture_output=True)
        return out
    return None


def run_case(slight, case, tier, env):
    scratch = tempfile.mkdtemp(prefix="slight-golden-")
    try:
        for extra in ("slightfile.toml",):
            p = os.path.join(case, extra)
            if os.path.exists(p):
                shutil.copy(p, scratch)
        files = os.path.join(case, "files")
        if os.path.isdir(files):
            shutil.copytree(files, scratch, dirs_exist_ok=True)
        app = build_guest(case, scratch) or ""
        script = os.path.join(case, "test.sh")
        if os.path.exists(script):
            e = dict(env, SLIGHT=slight, APP=app, CASE=case, TIER=tier or "")
            p = subprocess.run(["bash", script], cwd=scratch, env=e,
                               capture_output=True, text=True, timeout=300)
            if p.returncode == 77:
                return SKIP + (p.stdout.splitlines() or ["skipped"])[0]
            if p.returncode != 0:
                return "test.sh exited %d\nstdout: %s\nstderr: %s" % (
                    p.returncode, p.stdout[-2000:], p.stderr[-2000:])
            return None
        cmdf = os.path.join(case, "cmd")
        args = (open(cmdf).read().splitlines() if os.path.exists(cmdf)
                else ["run", "{app}"])
        args = [a.replace("{app}", app).replace("{dir}", scratch) for a in args if a != ""]
        if tier and "run" in args:
            i = args.index("run")
            args.insert(i + 1, "--tier=" + tier)
        p = subprocess.run([slight, *args], cwd=scratch, env=env,
                           capture_output=True, timeout=120)
        stdout = p.stdout.decode("utf-8", "replace")
        stderr = p.stderr.decode("utf-8", "replace")
        problems = []
        rcf = os.path.join(case, "expected.rc")
        want_rc = int(open(rcf).read().strip()) if os.path.exists(rcf) else 0
        if p.returncode != want_rc:
            problems.append("exit status %d, expected %d" % (p.returncode, want_rc))
        of = os.path.join(case, "expected.stdout")
        if os.path.exists(of):
            want = open(of).read()
            if stdout != want:
                problems.append("stdout %r, expected %r" % (stdout[:500], want[:500]))
        ef = os.path.join(case, "expected.stderr")
        if os.path.exists(ef):
            for line in open(ef).read().splitlines():
                line = line.replace("{app}", app).replace("{dir}", scratch)
                if line and line not in stderr:
                    problems.append("stderr lacks %r" % line)
        if problems:
            return "; ".join(problems) + "\nstderr was: " + stderr[-1500:]
        return None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    slight = os.path.abspath(sys.argv[1])
    cases_dir = os.path.abspath(sys.argv[2])
    tiers = sys.argv[3:] or [None]
    env = dict(os.environ)
    env.setdefault("XDG_CACHE_HOME", os.path.join(tempfile.gettempdir(), "slight-test-cache"))
    env["SLIGHT_NO_BACKGROUND_COMPILE"] = "1"
    plan = []
    for name in sorted(os.listdir(cases_dir)):
        case = os.path.join(cases_dir, name)
        if not os.path.isdir(case):
            continue
        tf = os.path.join(case, "tiers")
        case_tiers = open(tf).read().split() if os.path.exists(tf) else tiers
        for t in case_tiers:
            if t != "any" and t not in tiers and tiers != [None]:
                continue
            plan.append((name, case, None if t == "any" else t))
    print("1..%d" % len(plan))
    failed = 0
    for n, (name, case, tier) in enumerate(plan, 1):
        label = name + (" [%s]" % tier if tier else "")
        try:
            problem = run_case(slight, case, tier, env)
        except Exception as ex:  # a broken fixture is a failure, not a crash
            problem = "runner error: %s" % ex
        if problem and problem.startswith(SKIP):
            print("ok %d - %s # SKIP %s" % (n, label, problem[len(SKIP):]))
        elif problem:
            failed += 1
            print("not ok %d - %s" % (n, label))
            for line in problem.splitlines():
                print("# " + line)
        else:
            print("ok %d - %s" % (n, label))
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
