#!/usr/bin/env python3
"""Counts single test cases over meson test logs and extra check results, and prints the total.

Usage: total.py [--check NAME=STATUS ...] BUILD_DIR...
Every meson-logs/testlog*.json of each build directory is read (the default run, and the
integration suite's second run on PostgreSQL). Each meson test speaks TAP: its "ok"/"not ok" lines are counted one by one. A test that failed
without a "not ok" line (a crash, a timeout) counts as one more failure. Each --check is one more
case (STATUS 0 passed, anything else failed). The last line printed is the total, alone:
"N passed, N failed".
"""
import glob
import json
import os
import re
import sys

TAP_LINE = re.compile(r"^(not ok|ok)\b(.*)$")


def count_log(path):
    passed = failed = 0
    failures = []
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            test = json.loads(line)
            p = f = 0
            for out_line in (test.get("stdout") or "").splitlines():
                m = TAP_LINE.match(out_line)
                if not m or out_line.startswith("# "):
                    continue
                directive = m.group(2).upper()
                if "# SKIP" in directive or ("# TODO" in directive and m.group(1) == "not ok"):
                    continue  # skipped, or a known gap that TAP says must not fail the run
                if m.group(1) == "ok":
                    p += 1
                else:
                    f += 1
                    failures.append(f"{test['name']}: {out_line}")
            if test["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and f == 0:
                f += 1
                failures.append(f"{test['name']}: {test['result']}")
            if test["result"] == "OK" and p == 0 and f == 0:
                p = 1  # a test without TAP cases (exit-code protocol) counts once
            passed += p
            failed += f
    return passed, failed, failures


def main(argv):
    passed = failed = 0
    failures = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--check":
            name, _, status = args.pop(0).partition("=")
            if status == "0":
                passed += 1
            else:
                failed += 1
                failures.append(f"check: {name}")
            continue
        logs = sorted(glob.glob(os.path.join(arg, "meson-logs", "testlog*.json")))
        if not logs:
            failed += 1
            failures.append(f"{arg}: no test log (the tests did not run)")
            continue
        for log in logs:
            p, f, fl = count_log(log)
            passed += p
            failed += f
            label = os.path.basename(log)[len("testlog"):-len(".json")].lstrip("-") or "tests"
            failures.extend(f"{arg} ({label}): {x}" for x in fl)
    if failures:
        print("Failures:")
        for f in failures:
            print("  " + f)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
