#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Prints the closing line of a test run, 'N passed, N failed', counting
every TAP subtest in meson's testlog.json files (one per build), every
non-TAP meson test, and every step recorded in a steps file (lines
'PASS name' / 'FAIL name'). Failed items are listed above the line.
Usage: ci_summary.py STEPS_FILE TESTLOG.json..."""
import json
import re
import sys

TAP_LINE = re.compile(r"^(not ok|ok)\b(.*)$")


def main():
    passed = failed = 0
    failures = []
    with open(sys.argv[1]) as f:
        for line in f:
            word, _, name = line.strip().partition(" ")
            if word == "PASS":
                passed += 1
            elif word == "FAIL":
                failed += 1
                failures.append("step: " + name)
    for path in sys.argv[2:]:
        build = path.split("/meson-logs")[0]
        try:
            entries = [json.loads(l) for l in open(path) if l.strip()]
        except OSError:
            failed += 1
            failures.append("%s: no test log" % build)
            continue
        for e in entries:
            name = "%s: %s" % (build, e.get("name"))
            out = e.get("stdout") or ""
            subtests = [m for m in (TAP_LINE.match(l) for l in out.splitlines()) if m]
            if subtests:
                for m in subtests:
                    if m.group(1) == "ok":
                        passed += 1
                    elif "# TODO" in m.group(2):
                        passed += 1
                    else:
                        failed += 1
                        failures.append("%s:%s" % (name, m.group(2)))
                if e.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and \
                        all(m.group(1) == "ok" for m in subtests):
                    failed += 1
                    failures.append("%s: %s" % (name, e.get("result")))
            elif e.get("result") in ("OK", "EXPECTEDFAIL", "SKIP"):
                passed += 1
            else:
                failed += 1
                failures.append("%s: %s" % (name, e.get("result")))
    for f in failures:
        print("FAILED: " + f)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
