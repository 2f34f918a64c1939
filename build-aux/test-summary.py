#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sum up meson test logs for build-aux/run-tests.

Usage: test-summary.py [--extra-failure REASON]... [--attach FILE]...
                       LABEL=testlog.json...

Reads each meson-logs/testlog.json (one JSON object per line), lists the
failed tests, and prints as its very last line "N passed, N failed, N skipped".
A missing or unreadable log counts as one failure: a build that broke must
not look like a clean run.  Each failed test's last lines of output are
printed too: CI keeps only the tail of what the run printed, and a failure
that happens once in many runs must leave its reason there, with the tail
of each --attach file (a server's log, say).  Exits 0 iff
nothing failed.
"""

import json
import sys

PASSED = {"OK", "EXPECTEDFAIL"}
TAIL_LINES = 25
SKIPPED = {"SKIP"}


def main(argv):
    passed = failed = skipped = 0
    problems = []
    failures = []
    logs = []
    attachments = []

    args = iter(argv)
    for arg in args:
        if arg == "--extra-failure":
            problems.append(next(args, "unspecified failure"))
        elif arg == "--attach":
            attachments.append(next(args, ""))
        else:
            label, sep, path = arg.partition("=")
            logs.append((label, path) if sep else (arg, arg))

    for label, path in logs:
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
        except OSError as e:
            problems.append(f"{label}: no test log ({e.strerror}: {path})")
            continue
        for n, line in enumerate(lines, 1):
            line = line.strip()
            if not line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                problems.append(f"{label}: unreadable line {n} in {path}")
                continue
            result = entry.get("result", "")
            if result in PASSED:
                passed += 1
            elif result in SKIPPED:
                skipped += 1
            else:
                failed += 1
                failures.append((label, entry))

    for label, entry in failures:
        output = (entry.get("stdout") or "") + (entry.get("stderr") or "")
        tail = output.rstrip("\n").splitlines()[-TAIL_LINES:]
        print(f"--- [{label}] {entry.get('name', '?')}: exit status "
              f"{entry.get('returncode')}, last {len(tail)} lines of output:")
        for line in tail:
            print(f"  {line}")
    if failures or problems:
        for path in attachments:
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    tail = f.read().rstrip("\n").splitlines()[-TAIL_LINES:]
            except OSError:
                continue
            print(f"--- last {len(tail)} lines of {path}:")
            for line in tail:
                print(f"  {line}")
    for label, entry in failures:
        print(f"FAILED [{label}] {entry.get('name', '?')}: {entry.get('result', '')}")
    for problem in problems:
        print(f"FAILED {problem}")
    failed += len(problems)

    sys.stdout.flush()
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
