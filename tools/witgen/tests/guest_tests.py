#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Tests of witgen's guest C bindings (`witgen guest-c`), printed as TAP.

usage: guest_tests.py WITGEN WIT_DIR TESTS_DIR

- golden: the keyvalue and messaging bindings equal expected/guest/*.{h,c}
  byte for byte (WITGEN_UPDATE=1 rewrites them after a deliberate change);
- compile: the bindings of every wit/ file and of shapes*.wit, imported and
  exported, compile with clang --target=wasm32-wasi -Wall -Wextra -Werror;
- abi: a guest using keyvalue and messaging links, and `wasm-objdump -x`
  shows exactly the imports of guest/abi_imports.txt (SLIGHT-SPEC §6.6);
  the return areas have the sizes and alignments of §6.6/§6.2; the exported
  interfaces have the export types of §6.8.
The compile and abi tests are skipped when clang or wasm-objdump is missing.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

WITGEN, WIT_DIR, TESTS = sys.argv[1:4]
GOLDEN = os.path.join(TESTS, "expected", "guest")
GUEST = os.path.join(TESTS, "guest")
CFLAGS = ["--target=wasm32-wasi", "-O2", "-Wall", "-Wextra", "-Werror"]

results = []


def report(name, problem=None, skip=None):
    results.append((name, problem, skip))


def run(args, cwd=None):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def gen(wit, outdir, export=False):
    """Writes <p>.h and <p>.c for wit into outdir; returns (h, c) paths or raises."""
    stem = os.path.basename(wit)[:-4].replace("-", "_")
    h, c = os.path.join(outdir, stem + ".h"), os.path.join(outdir, stem + ".c")
    args = [WITGEN, "guest-c"] + (["--export"] if export else []) + [wit, h, c]
    rc, out = run(args)
    if rc != 0:
        raise RuntimeError("witgen failed: " + out.strip())
    return h, c


def have_wasm_clang(tmp):
    if shutil.which("clang") is None:
        return False
    src = os.path.join(tmp, "probe.c")
    with open(src, "w") as f:
        f.write("#include <stdlib.h>\nint main(void) { return 0; }\n")
    rc, _ = run(["clang", "--target=wasm32-wasi", src, "-o", os.path.join(tmp, "probe.wasm")])
    return rc == 0


def test_golden(tmp):
    update = os.environ.get("WITGEN_UPDATE") == "1"
    for name in ["keyvalue", "messaging"]:
        d = os.path.join(tmp, "golden-" + name)
        os.makedirs(d)
        try:
            paths = gen(os.path.join(WIT_DIR, name + ".wit"), d)
        except RuntimeError as e:
            report("golden " + name, str(e))
            continue
        for p in paths:
            want_path = os.path.join(GOLDEN, os.path.basename(p))
            got = open(p, "rb").read()
            if update:
                os.makedirs(GOLDEN, exist_ok=True)
                open(want_path, "wb").write(got)
            want = open(want_path, "rb").read() if os.path.exists(want_path) else b""
            report("golden " + os.path.basename(p),
                   None if got == want else "differs from " + want_path)


def wit_inputs():
    files = sorted(os.path.join(WIT_DIR, f) for f in os.listdir(WIT_DIR) if f.endswith(".wit"))
    files += sorted(os.path.join(TESTS, f) for f in os.listdir(TESTS)
                    if f.startswith("shapes") and f.endswith(".wit"))
    files.append(os.path.join(GUEST, "available.wit"))
    return files


def test_compile(tmp, clang_ok):
    for wit in wit_inputs():
        for export in (False, True):
            name = "compile %s%s" % (os.path.basename(wit), " --export" if export else "")
            if not clang_ok:
                report(name, skip="no clang for wasm32-wasi")
                continue
            d = tempfile.mkdtemp(dir=tmp)
            try:
                _, c = gen(wit, d, export)
            except RuntimeError as e:
                report(name, str(e))
                continue
            rc, out = run(["clang"] + CFLAGS + ["-I", d, "-c", c, "-o", c + ".o"])
            report(name, None if rc == 0 else out.strip())


def objdump(path):
    rc, out = run(["wasm-objdump", "-x", path])
    if rc != 0:
        raise RuntimeError("wasm-objdump failed: " + out.strip())
    return out


def imports_of(dump):
    """Sorted "module.field (params) -> results" lines of a linked module's imports."""
    types = dict(re.findall(r"^ - type\[(\d+)\] (.*)$", dump, re.M))
    got = []
    for sig, where in re.findall(r"^ - func\[\d+\] sig=(\d+) <[^>]*> <- (\S+)$", dump, re.M):
        if not where.startswith("wasi_snapshot_preview1."):
            got.append("%s %s" % (where, types[sig]))
    return sorted(got)


def test_imports(tmp):
    d = os.path.join(tmp, "abi")
    os.makedirs(d)
    srcs = [gen(os.path.join(WIT_DIR, n + ".wit"), d)[1] for n in ["keyvalue", "messaging"]]
    wasm = os.path.join(d, "guest.wasm")
    rc, out = run(["clang"] + CFLAGS + ["-I", d, os.path.join(GUEST, "abi_main.c")] + srcs
                  + ["-o", wasm])
    if rc != 0:
        raise RuntimeError(out.strip())
    want = sorted(l for l in open(os.path.join(GUEST, "abi_imports.txt")).read().splitlines()
                  if l and not l.startswith("#"))
    got = imports_of(objdump(wasm))
    if got != want:
        return "imports differ:\n  got  %s\n  want %s" % ("\n       ".join(got),
                                                          "\n       ".join(want))
    exports = re.findall(r'-> "(canonical_abi_\w+)"', objdump(wasm))
    if sorted(exports) != ["canonical_abi_free", "canonical_abi_realloc"]:
        return "canonical_abi exports: %s" % exports
    return None


def ret_area(tmp, wit, export=False):
    """(size, p2align) of RET_AREA in the object file of wit's bindings."""
    d = tempfile.mkdtemp(dir=tmp)
    _, c = gen(wit, d, export)
    rc, out = run(["clang"] + CFLAGS + ["-I", d, "-c", c, "-o", c + ".o"])
    if rc != 0:
        raise RuntimeError(out.strip())
    dump = objdump(c + ".o")
    size = re.search(r"<\.bss\.RET_AREA> memory=0 size=(\d+)", dump)
    align = re.search(r"\.bss\.RET_AREA p2align=(\d+)", dump)
    if not size or not align:
        raise RuntimeError("no RET_AREA in " + c)
    return int(size.group(1)), 1 << int(align.group(1))


# RET_AREA (size, align) per interface: the largest result of each (SLIGHT-SPEC §6.6)
RET_AREAS = [
    ("keyvalue.wit", False, (16, 4)),
    ("messaging.wit", False, (16, 4)),
    ("configs.wit", False, (16, 4)),
    ("distributed-locking.wit", False, (16, 4)),
    ("blob-store.wit", False, (40, 8)),
    ("http-client.wit", False, (32, 4)),
    ("http-server.wit", False, (16, 4)),
    ("http-handler.wit", True, (32, 4)),
    ("http-server-export.wit", True, (12, 4)),
    ("guest/available.wit", False, (20, 8)),
]

# export name -> core type of the exported interfaces (SLIGHT-SPEC §6.8)
EXPORTS = [
    ("http-handler.wit", "handle-http", "(" + ", ".join(["i32"] * 10) + ") -> i32"),
    ("http-server-export.wit", "on-server-init", "() -> i32"),
]


def test_abi(tmp, tools_ok):
    checks = ["abi imports keyvalue+messaging"]
    checks += ["abi RET_AREA " + w for w, _, _ in RET_AREAS]
    checks += ["abi export " + e for _, e, _ in EXPORTS]
    if not tools_ok:
        for c in checks:
            report(c, skip="no clang for wasm32-wasi or no wasm-objdump")
        return
    try:
        report(checks[0], test_imports(tmp))
    except RuntimeError as e:
        report(checks[0], str(e))
    for wit, export, want in RET_AREAS:
        path = os.path.join(GUEST if wit.startswith("guest/") else WIT_DIR,
                            os.path.basename(wit))
        try:
            got = ret_area(tmp, path, export)
            report("abi RET_AREA " + wit,
                   None if got == want else "size/align %d/%d, want %d/%d" % (got + want))
        except RuntimeError as e:
            report("abi RET_AREA " + wit, str(e))
    for wit, name, want in EXPORTS:
        report("abi export " + name, check_export(tmp, wit, name, want))


def check_export(tmp, wit, name, want):
    d = tempfile.mkdtemp(dir=tmp)
    try:
        _, c = gen(os.path.join(WIT_DIR, wit), d, True)
    except RuntimeError as e:
        return str(e)
    wasm = os.path.join(d, "m.wasm")
    rc, out = run(["clang"] + CFLAGS + ["-mexec-model=reactor", "-I", d, c, "-o", wasm])
    if rc != 0:
        return out.strip()
    dump = objdump(wasm)
    types = dict(re.findall(r"^ - type\[(\d+)\] (.*)$", dump, re.M))
    funcs = dict(re.findall(r"^ - func\[(\d+)\] sig=(\d+) <", dump, re.M))
    m = re.search(r'^ - func\[(\d+)\] <[^>]*> -> "%s"$' % re.escape(name), dump, re.M)
    if m is None:
        return "no export " + name
    got = types.get(funcs.get(m.group(1), ""), "?")
    return None if got == want else "type %s, want %s" % (got, want)


def main():
    tmp = tempfile.mkdtemp(prefix="witgen-guest-")
    try:
        clang_ok = have_wasm_clang(tmp)
        tools_ok = clang_ok and shutil.which("wasm-objdump") is not None
        test_golden(tmp)
        test_compile(tmp, clang_ok)
        test_abi(tmp, tools_ok)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % len(results))
    failed = 0
    for i, (name, problem, skip) in enumerate(results, 1):
        if skip:
            print("ok %d - %s # SKIP %s" % (i, name, skip))
        elif problem:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for l in problem.splitlines():
                print("# " + l)
        else:
            print("ok %d - %s" % (i, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
