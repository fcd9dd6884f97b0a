#!/usr/bin/env python3
"""Counts test cases in meson test logs and prints 'N passed, N failed'.

A TAP script counts each 'ok' / 'not ok' line, a cmocka executable its
PASSED / FAILED totals; anything else counts once by its result. Exits 1 if
anything failed or nothing ran.

usage: test_summary.py testlog.json [testlog.json ...]
"""
import json
import re
import sys

passed = failed = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        print(f"{path}: no test log (did the build fail?)", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        tap_ok = len(re.findall(r"^ok\b", out, re.M))
        tap_bad = len(re.findall(r"^not ok\b", out, re.M))
        cm_ok = re.search(r"\[  PASSED  \] (\d+) test", out)
        cm_bad = re.search(r"\[  FAILED  \] (\d+) test", out)
        good = t.get("result") in ("OK", "EXPECTEDFAIL")
        if tap_ok or tap_bad:
            p, f = tap_ok, tap_bad
        elif cm_ok or cm_bad:
            p = int(cm_ok.group(1)) if cm_ok else 0
            f = int(cm_bad.group(1)) if cm_bad else 0
        else:
            p, f = (1, 0) if good else (0, 1)
        if not good and f == 0:
            f = 1  # crashed or timed out after its cases passed
        if not good:
            print(f"FAILED: {t.get('name')} ({t.get('result')})", file=sys.stderr)
        passed += p
        failed += f
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
