#!/usr/bin/env python3
# test-bench.py — `shmviz-cli bench` as a user runs it: real processes,
# every message checked, nothing left behind
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints TAP so meson reports each case. Asserts correctness, never timings."""

import json
import math
import os
import signal
import subprocess
import sys
import time

CLI = sys.argv[1]
MECHANISMS = ["pipe", "mqueue", "unix-socket", "shm-semaphores", "shm-lock-free", "spin-floor"]
SIZES = [64, 4096, 65536]
ROW_KEYS = ["mechanism", "size", "supported", "failed", "note", "repetitions",
            "messages_per_second", "messages_per_second_min", "messages_per_second_max",
            "bytes_per_second", "latency_ns_median", "latency_ns_median_min",
            "latency_ns_median_max", "latency_ns_p99", "messages_checked",
            "order_errors", "checksum_errors"]

results = []
PIDS = []


def case(name):
    def wrap(fn):
        results.append((name, fn))
        return fn
    return wrap


def run(*args, timeout=120, env=None):
    with subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env) as proc:
        PIDS.append(proc.pid)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def leftovers():
    """Objects made by the bench runs of this test: shm and message queues
    are both named /shmviz-<pid>-bench-…"""
    prefixes = tuple(f"shmviz-{pid}-" for pid in PIDS)
    found = []
    for d in ("/dev/shm", "/dev/mqueue"):
        if os.path.isdir(d):
            found += [f"{d}/{n}" for n in os.listdir(d) if prefixes and n.startswith(prefixes)]
    return found


def check_row(row):
    for key in ROW_KEYS:
        assert key in row, f"row lacks {key}: {row}"
    where = f"{row['mechanism']} {row['size']}"
    if not row["supported"]:
        # Only the message queue may refuse a size (msgsize_max), and it must say why.
        assert row["mechanism"] == "mqueue", f"{where} unsupported: {row['note']}"
        assert row["note"], f"{where}: unsupported without a reason"
        return
    assert row["failed"] is False, f"{where} failed: {row['note']}"
    assert row["order_errors"] == 0, f"{where}: {row['order_errors']} out of order"
    assert row["checksum_errors"] == 0, f"{where}: {row['checksum_errors']} damaged"
    assert row["repetitions"] >= 1, row
    # Every streamed message and every ping and echo was checked.
    expected = row["repetitions"] * (row["stream_messages"] + 2 * row["round_trips"])
    assert row["messages_checked"] >= expected, (where, row["messages_checked"], expected)
    for key in ("messages_per_second", "bytes_per_second", "latency_ns_median", "latency_ns_p99"):
        v = row[key]
        assert isinstance(v, (int, float)) and v > 0 and math.isfinite(v), f"{where} {key}={v}"
        assert row[key + "_min"] <= v <= row[key + "_max"], f"{where} {key} outside its range"
    assert abs(row["bytes_per_second"] - row["messages_per_second"] * row["size"]) \
        <= 0.01 * row["bytes_per_second"] + 1, row
    assert row["latency_ns_p99"] >= row["latency_ns_median"] * 0.999, row


@case("quick run: every mechanism and size has a row, every message intact")
def _():
    p = run("bench", "--quick", "--json")
    assert p.returncode == 0, (p.returncode, p.stderr)
    out = json.loads(p.stdout)
    assert isinstance(out["results"], list), out
    assert out["memcpy_bytes_per_second"] > 0, out
    assert out["cacheline_handoff_ns"] is None or out["cacheline_handoff_ns"] > 0, out
    assert out["machine"]["cpus"] >= 1 and out["machine"]["kernel"], out["machine"]
    assert isinstance(out["reading"], str) and len(out["reading"]) > 40, out["reading"]
    seen = {(r["mechanism"], r["size"]) for r in out["results"]}
    want = {(m, s) for m in MECHANISMS for s in SIZES}
    assert seen == want, f"missing {sorted(want - seen)}, extra {sorted(seen - want)}"
    assert len(out["results"]) == len(want), "duplicate rows"
    for row in out["results"]:
        check_row(row)
    # 64 B and 4 KiB fit in every message queue's default limit.
    for row in out["results"]:
        if row["size"] <= 4096:
            assert row["supported"], row


@case("a damaged message is caught by every mechanism, at every size")
def _():
    # The sender flips one bit in every 500th message (a test hook): the
    # check that counts zero errors above must count these.
    env = dict(os.environ, SHMVIZ_BENCH_DAMAGE="500")
    p = run("bench", "--quick", "--json", "--sizes", "64,100,4096", "--repetitions", "1",
            env=env)
    # The figures are still printed, and the run fails, naming each row.
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert p.stderr.count("delivered damaged or misordered messages") == 18, p.stderr
    out = json.loads(p.stdout)
    for row in out["results"]:
        where = f"{row['mechanism']} {row['size']} B"
        assert row["order_errors"] == 0, f"{where}: damage taken for disorder: {row}"
        # Streamed and echoed messages are both checked; about one in 500 is spoiled.
        assert row["checksum_errors"] >= row["messages_checked"] // 1000, f"{where}: {row}"
        assert row["checksum_errors"] <= row["messages_checked"] // 250 + 2, f"{where}: {row}"


@case("--sizes and --mechanisms choose the rows")
def _():
    p = run("bench", "--quick", "--json", "--sizes", "100,4k", "--repetitions", "1",
            "--mechanisms", "spin-floor,pipe,shm-lock-free")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    seen = sorted((r["mechanism"], r["size"]) for r in out["results"])
    assert seen == sorted((m, s) for m in ("pipe", "shm-lock-free", "spin-floor")
                          for s in (100, 4096)), seen
    for row in out["results"]:
        check_row(row)
        assert row["repetitions"] == 1, row


@case("--pin runs pinned and still delivers everything")
def _():
    p = run("bench", "--quick", "--json", "--pin", "--sizes", "64", "--repetitions", "1")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["machine"]["pinned"] is True, out["machine"]
    for row in out["results"]:
        check_row(row)


@case("table and reading are readable")
def _():
    p = run("bench", "--quick", "--reading", "--sizes", "64,4096", "--repetitions", "1",
            "--mechanisms", "pipe,shm-semaphores,shm-lock-free,spin-floor")
    assert p.returncode == 0, p.stderr
    for m in ("pipe", "shm-semaphores", "shm-lock-free", "spin-floor", "memcpy"):
        assert m in p.stdout, (m, p.stdout)
    reading = p.stdout.strip().split("\n")[-1]
    assert "At 4 KiB" in reading and "pipe" in reading, reading
    assert "\033" not in p.stderr, "progress bar drawn on a pipe"


@case("Ctrl-C stops the run, exits 130 and leaves nothing")
def _():
    proc = subprocess.Popen([CLI, "bench", "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    PIDS.append(proc.pid)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 130, (proc.returncode, err)
    assert out == "", out
    left = leftovers()
    assert not left, left
    # The runner's children went with it.
    ps = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True)
    assert ps.stdout.strip() == "", ps.stdout


BAD = [
    ["bench", "--sizes", "0"],
    ["bench", "--sizes", "8"],
    ["bench", "--sizes", "64,abc"],
    ["bench", "--sizes", "2m"],
    ["bench", "--sizes", "-64"],
    ["bench", "--sizes", ""],
    ["bench", "--sizes", "1,2,3,4,5,6,7,8,9"],
    ["bench", "--mechanisms", "carrier-pigeon"],
    ["bench", "--mechanisms", ""],
    ["bench", "--repetitions", "0"],
    ["bench", "--repetitions", "51"],
    ["bench", "--repetitions", "many"],
    ["bench", "--bogus"],
    ["bench", "extra"],
]


@case("bad flags are refused with a message and status 2")
def _():
    for args in BAD:
        p = run(*args, timeout=10)
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert p.stderr.strip(), (args, "no message")
        assert p.stdout == "", (args, p.stdout)
        assert "CRITICAL" not in p.stderr and "WARNING" not in p.stderr, p.stderr


print(f"1..{len(results) + 1}")
failed = 0
for i, (name, fn) in enumerate(results, 1):
    try:
        fn()
        print(f"ok {i} - {name}")
    except Exception as e:  # noqa: BLE001 - report every failure as TAP
        failed += 1
        print(f"not ok {i} - {name}: {e!r}")
    sys.stdout.flush()
left = leftovers()
where = "/dev/shm and /dev/mqueue" if os.path.isdir("/dev/mqueue") else \
    "/dev/shm (/dev/mqueue is not mounted; queues are unlinked at creation)"
if left:
    failed += 1
    print(f"not ok {len(results) + 1} - nothing left in {where}: {sorted(left)}")
else:
    print(f"ok {len(results) + 1} - nothing left in {where}")
sys.exit(1 if failed else 0)
