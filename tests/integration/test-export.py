#!/usr/bin/env python3
# test-export.py — `run --record`, `replay` and `export` as a user runs them
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints TAP so meson reports each case."""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

CLI = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="shmviz-test-export-")
REC = os.path.join(TMP, "races.shmviz")
PIDS = []
results = []
state = {}


def case(name):
    def wrap(fn):
        results.append((name, fn))
        return fn
    return wrap


def run(*args, timeout=90):
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
    prefixes = tuple(f"shmviz-{pid}-" for pid in PIDS)
    return [n for n in os.listdir("/dev/shm") if prefixes and n.startswith(prefixes)]


TOTALS = ["produced", "consumed", "in_buffer", "lost", "duplicated", "empty_reads",
          "corrupt", "index_drift", "dropped_events", "deadlock"]


@case("run --record writes a recording of a racy run")
def _():
    p = run("run", "-p", "2", "-c", "2", "--slots", "4", "--sync", "off", "--items", "3000",
            "--produce-time", "50us", "--race-window", "50us", "--json", "-q", "--record", REC)
    assert p.returncode == 0, p.stderr
    live = json.loads(p.stdout)
    assert live["lost"] + live["duplicated"] + live["empty_reads"] + live["corrupt"] > 0, live
    with open(REC, "rb") as f:
        assert f.read(8) == b"SHMVZREC"
    state["live"] = live


@case("replay --json gives the live totals and anomalies")
def _():
    p = run("replay", REC, "--json")
    assert p.returncode == 0, p.stderr
    replayed = json.loads(p.stdout)
    live = state["live"]
    for key in TOTALS:
        assert replayed[key] == live[key], (key, replayed[key], live[key])
    strip = lambda l: [{k: v for k, v in a.items()} for a in l]
    assert strip(replayed["anomalies"]) == strip(live["anomalies"])
    p = run("replay", REC)
    assert p.returncode == 0 and p.stdout.strip(), p.stderr


@case("export chrome-json is a well-formed trace")
def _():
    out = os.path.join(TMP, "trace.json")
    p = run("export", REC, "--format", "chrome-json", "-o", out)
    assert p.returncode == 0, p.stderr
    with open(out) as f:
        trace = json.load(f)
    events = trace["traceEvents"]
    assert events, "no events"
    phases = {}
    for e in events:
        for key in ("ph", "pid", "tid", "name"):
            assert key in e, (key, e)
        if e["ph"] != "M":
            assert "ts" in e and isinstance(e["ts"], (int, float)) and e["ts"] >= 0, e
        if e["ph"] == "X":
            assert e["dur"] >= 0, e
        phases[e["ph"]] = phases.get(e["ph"], 0) + 1
    names = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert {"P1", "P2", "C1", "C2"} <= names, names
    assert phases.get("X", 0) > 100, phases
    anomalies = [e for e in events if e.get("cat") == "anomaly"]
    assert len(anomalies) == len(state["live"]["anomalies"]) or len(state["live"]["anomalies"]) == 1000, \
        (len(anomalies), len(state["live"]["anomalies"]))
    assert all(a["ph"] == "i" and a["args"]["explanation"] for a in anomalies)


@case("export csv has a header and one row per event")
def _():
    out = os.path.join(TMP, "events.csv")
    p = run("export", REC, "-o", out)
    assert p.returncode == 0, p.stderr
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:6] == ["index", "ts_ns", "time_us", "proc", "process", "kind"], rows[0]
    body = rows[1:]
    assert len(body) > 1000
    assert [int(r[0]) for r in body] == list(range(len(body)))
    assert all(len(r) == len(rows[0]) for r in body)
    kinds = {r[5] for r in body}
    assert "write-slot" in kinds or "WRITE_SLOT" in kinds or len(kinds) > 5, kinds


@case("drawing formats need a file, not standard output")
def _():
    # The formats themselves are tested in test-export-video.py.
    for fmt in ("webm", "png", "svg", "pdf"):
        p = run("export", REC, "--format", fmt, "-o", "-")
        assert p.returncode == 2, (fmt, p.returncode)


@case("bad input: usage errors exit 2, bad files exit 1 with the reason")
def _():
    assert run("export", REC, "--format", "xml", "-o", os.path.join(TMP, "x")).returncode == 2
    assert run("export", REC).returncode == 2
    assert run("replay").returncode == 2
    png = os.path.join(TMP, "image.png")
    with open(png, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    p = run("replay", png)
    assert p.returncode == 1 and "PNG" in p.stderr, p.stderr
    p = run("replay", os.path.join(TMP, "missing.shmviz"))
    assert p.returncode == 1 and p.stderr, p.stderr
    p = run("run", "--items", "10", "--record", os.path.join(TMP, "nodir", "x.shmviz"))
    assert p.returncode == 1, p.stderr


@case("a recording cut short replays up to its last complete record")
def _():
    cut = os.path.join(TMP, "cut.shmviz")
    with open(REC, "rb") as f:
        data = f.read()
    with open(cut, "wb") as f:
        f.write(data[: len(data) * 2 // 3])
    p = run("replay", cut, "--json")
    assert p.returncode == 0, p.stderr
    assert "cut short" in p.stderr, p.stderr
    replayed = json.loads(p.stdout)
    assert 0 < replayed["produced"] <= state["live"]["produced"]


@case("nothing left in /dev/shm")
def _():
    assert leftovers() == [], leftovers()


def main():
    print(f"1..{len(results)}")
    failed = 0
    for i, (name, fn) in enumerate(results, 1):
        try:
            fn()
            print(f"ok {i} - {name}")
        except Exception as e:  # noqa: BLE001 - report every failure as TAP
            failed += 1
            print(f"not ok {i} - {name}")
            for line in repr(e).splitlines():
                print(f"# {line}")
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
