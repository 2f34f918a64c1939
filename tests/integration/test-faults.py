#!/usr/bin/env python3
# test-faults.py — the CLI under faults a classroom can produce: the
# supervisor killed, /dev/shm too small, no more processes allowed
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints TAP so meson reports each case."""

import os
import shutil
import signal
import subprocess
import sys
import time

CLI = sys.argv[1]
results = []


def case(name):
    def wrap(fn):
        results.append((name, fn))
        return fn
    return wrap


class Skip(Exception):
    pass


def children(pid):
    """Worker pids: the CLI's direct children, from /proc."""
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def regions_of(pid):
    return [n for n in os.listdir("/dev/shm") if n.startswith(f"shmviz-{pid}-")]


@case("SIGKILL of the supervisor: no worker survives 2 s, nothing left in /dev/shm")
def _():
    proc = subprocess.Popen([CLI, "run", "-p", "3", "-c", "3", "--duration", "30",
                             "--produce-time", "1ms", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    workers = []
    while time.monotonic() < deadline and len(workers) < 6:
        time.sleep(0.05)
        workers = children(proc.pid)
    assert len(workers) == 6, f"workers not started: {workers}"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed = time.monotonic()
    while time.monotonic() < killed + 2 and any(alive(w) for w in workers):
        time.sleep(0.02)
    survivors = [w for w in workers if alive(w)]
    assert not survivors, f"survivors after 2 s: {survivors}"
    # The region was unlinked once every worker had mapped it; a later
    # start would sweep it anyway.
    subprocess.run([CLI, "run", "--items", "10", "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    assert not regions_of(proc.pid), regions_of(proc.pid)


@case("SIGINT stops the run cleanly with a summary")
def _():
    proc = subprocess.Popen([CLI, "run", "--duration", "30", "--produce-time", "1ms",
                             "--json", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.8)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, (proc.returncode, err)
    assert '"produced"' in out, out
    assert not regions_of(proc.pid)


def unshare_available():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


@case("/dev/shm too small: a clear error, no SIGBUS, no crash")
def _():
    if not unshare_available():
        raise Skip("needs root and unshare for a private tmpfs")
    script = ("mount -t tmpfs -o size=256k tmpfs /dev/shm && "
              f"exec {CLI} run --slots 4096 --item-size 65536 --items 10 --quiet")
    p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "shared memory" in p.stderr and "/dev/shm" in p.stderr, p.stderr
    assert "Bus error" not in p.stderr


@case("no more processes allowed (EAGAIN from fork): a clear error, nothing left behind")
def _():
    if os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("prlimit"):
        raise Skip("needs root to run as an unprivileged user with a process limit")
    # Root ignores RLIMIT_NPROC; an unprivileged user does not.
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        "prlimit", "--nproc=4", CLI, "run", "-p", "16", "-c", "16",
                        "--items", "1000", "--quiet"],
                       capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, HOME="/tmp"))
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "worker" in p.stderr.lower(), p.stderr
    left = [n for n in os.listdir("/dev/shm") if n.startswith("shmviz-")
            and os.stat(f"/dev/shm/{n}").st_uid == 65534]
    assert not left, left


@case("--fault kills, recovers and restarts on schedule; conservation holds")
def _():
    p = subprocess.run([CLI, "run", "-p", "2", "-c", "2", "--duration", "3",
                        "--race-window", "20ms", "--fault", "kill:P1@1s",
                        "--fault", "recover@1.5s", "--fault", "restart:P1@1.7s",
                        "--fault", "stop:C2@2s", "--fault", "cont:C2@2.4s", "--json", "--quiet"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "P1 was killed by signal 9" in p.stderr, p.stderr
    import json
    out = json.loads(p.stdout)
    assert out["produced"] == out["consumed"] + out["lost"] + out["in_buffer"], out
    assert out["duplicated"] == 0 and out["empty_reads"] == 0 and out["index_drift"] == 0, out
    # Killed holding the mutex, P1 leaves the others blocked until the
    # recovery: that stall is reported as a deadlock naming the dead holder.
    for a in out["anomalies"]:
        assert a["kind"] == "deadlock" and "P1" in a["explanation"], a


@case("bad --fault specs are usage errors")
def _():
    for spec in ["kill:P9@1s", "explode:P1@1s", "kill@1s", "recover:P1@1s", "kill:P1", "kill:P1@soon"]:
        p = subprocess.run([CLI, "run", "--fault", spec], capture_output=True, text=True, timeout=30)
        assert p.returncode == 2, (spec, p.returncode, p.stderr)
        assert "--fault" in p.stderr, (spec, p.stderr)


print(f"1..{len(results)}")
failed = 0
for i, (name, fn) in enumerate(results, 1):
    try:
        fn()
        print(f"ok {i} - {name}")
    except Skip as e:
        print(f"ok {i} - {name} # SKIP {e}")
    except Exception as e:  # noqa: BLE001 - report every failure as TAP
        failed += 1
        print(f"not ok {i} - {name}: {e!r}")
sys.exit(1 if failed else 0)
