#!/usr/bin/env python3
# test-cli.py — `shmviz-cli run` as a user runs it: real processes, JSON out
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints TAP so meson reports each case."""

import json
import os
import subprocess
import sys

CLI = sys.argv[1]
REQUIRED = ["produced", "consumed", "in_buffer", "lost", "duplicated", "empty_reads",
            "corrupt", "index_drift", "dropped_events", "items_per_second", "deadlock",
            "anomalies"]

results = []


def case(name):
    def wrap(fn):
        results.append((name, fn))
        return fn
    return wrap


PIDS = []


def run(*args, timeout=60):
    with subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        PIDS.append(proc.pid)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def leftovers():
    """Regions created by the CLI runs of this test (named after their creator)."""
    prefixes = tuple(f"shmviz-{pid}-" for pid in PIDS)
    return [n for n in os.listdir("/dev/shm") if prefixes and n.startswith(prefixes)]


@case("semaphores run conserves every item")
def _():
    p = run("run", "--producers", "2", "--consumers", "3", "--slots", "4",
            "--items", "20000", "--sync", "semaphores", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    for key in REQUIRED:
        assert key in out, f"missing {key}"
    assert out["produced"] == 20000, out
    assert out["consumed"] == 20000, out
    assert out["in_buffer"] == 0 and out["lost"] == 0 and out["duplicated"] == 0, out
    assert out["anomalies"] == [] and out["deadlock"] is False, out
    assert out["items_per_second"] > 0


@case("off with a race window finds explained anomalies")
def _():
    p = run("run", "--sync", "off", "--duration", "1", "--race-window", "200us",
            "--produce-time", "300us", "--consume-time", "400us", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["anomalies"], out
    assert out["produced"] == out["consumed"] + out["lost"] + out["in_buffer"], out
    a = out["anomalies"][0]
    for key in ("kind", "slot", "item", "processes", "time_ns", "explanation"):
        assert key in a, a
    assert a["kind"] in ("lost", "duplicate", "empty-read", "corrupt", "index-drift"), a


@case("wrong-order deadlocks and the run ends")
def _():
    p = run("run", "--sync", "wrong-order", "--producers", "1", "--consumers", "1",
            "--slots", "2", "--items", "1000000", "--json", timeout=30)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["deadlock"] is True, out
    assert any(a["kind"] == "deadlock" for a in out["anomalies"]), out


@case("without instrumentation a busy run is not reported as stalled")
def _():
    # No events to date progress by: the watchdog must go by the step
    # counters, or it cries "nobody has made progress" over a run moving
    # millions of items.
    # Thirty-two processes take a while to stop: the watch must remember
    # the last progress it saw, not only notice it.
    for shape in (("1", "1"), ("16", "16")):
        p = run("run", "--producers", shape[0], "--consumers", shape[1], "--duration", "3",
                "--no-instrument", "--json")
        assert p.returncode == 0, p.stderr
        out = json.loads(p.stdout)
        assert out["consumed"] > 0, out
        assert "progress" not in p.stderr, (shape, p.stderr)


@case("text summary is readable")
def _():
    p = run("run", "--items", "1000")
    assert p.returncode == 0, p.stderr
    assert "produced 1000" in p.stdout, p.stdout


BAD = [
    ["run", "--producers", "0"],
    ["run", "--producers", "65"],
    ["run", "--slots", "5000"],
    ["run", "--slots", "eight"],
    ["run", "--item-size", "2"],
    ["run", "--sync", "sometimes"],
    ["run", "--duration", "-1s"],
    ["run", "--race-window", "forever"],
    ["run", "--speed", "-2"],
    ["run", "--items", "0"],
    ["run", "--bogus"],
    ["run", "extra"],
    ["frobnicate"],
    [],
]


@case("bad flags are refused with a message and status 2")
def _():
    for args in BAD:
        p = run(*args)
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert p.stderr.strip(), (args, "no message")
        assert "Traceback" not in p.stderr and "CRITICAL" not in p.stderr, p.stderr


print(f"1..{len(results) + 1}")
failed = 0
for i, (name, fn) in enumerate(results, 1):
    try:
        fn()
        print(f"ok {i} - {name}")
    except Exception as e:  # noqa: BLE001 - report every failure as TAP
        failed += 1
        print(f"not ok {i} - {name}: {e!r}")
left = leftovers()
if left:
    failed += 1
    print(f"not ok {len(results) + 1} - nothing left in /dev/shm: {sorted(left)}")
else:
    print(f"ok {len(results) + 1} - nothing left in /dev/shm")
sys.exit(1 if failed else 0)
