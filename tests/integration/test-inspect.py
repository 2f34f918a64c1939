#!/usr/bin/env python3
# test-inspect.py — `shmviz-cli inspect` and `shmviz-cli ls` on the textbook
# program: a real process with a real /my_shm and /my_sem
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: test-inspect.py SHMVIZ-CLI TEXTBOOK-PRODUCER TEXTBOOK-CONSUMER

Prints TAP so meson reports each case."""

import json
import os
import signal
import subprocess
import sys
import time
import traceback

CLI, PRODUCER, CONSUMER = sys.argv[1:4]
SUFFIX = f"t{os.getpid()}"
SHM = f"my_shm-{SUFFIX}"            # entry in /dev/shm
SEM = f"my_sem-{SUFFIX}"            # POSIX name without the slash
SEM_ENTRY = f"sem.{SEM}"
WATCHED = f"my_shm-{SUFFIX}-watch"

results = []
state = {"producer": None}


def case(name):
    def wrap(fn):
        results.append((name, fn))
        return fn
    return wrap


def cli(*args, timeout=30, stdin=subprocess.DEVNULL):
    return subprocess.run([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=stdin, text=True, timeout=timeout)


def exists(entry):
    return os.path.exists(os.path.join("/dev/shm", entry))


def start_producer():
    proc = subprocess.Popen([PRODUCER, SUFFIX], stdout=subprocess.PIPE, text=True)
    state["producer"] = proc
    line = proc.stdout.readline()
    assert line.startswith("ready"), f"producer said {line!r}"
    return proc


def stop_producer():
    proc = state["producer"]
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    state["producer"] = None


def cleanup():
    stop_producer()
    for entry in os.listdir("/dev/shm"):
        if SUFFIX in entry and (entry.startswith("my_shm-") or entry.startswith("sem.my_sem-")):
            try:
                os.unlink(os.path.join("/dev/shm", entry))
            except FileNotFoundError:
                pass


@case("inspect --json shows 100, the semaphore at 1 and the producer among the mappers")
def _():
    proc = start_producer()
    p = cli("inspect", "/" + SHM, "--sem", "/" + SEM, "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    for key in ("size", "hex", "ints", "text", "semaphores", "mapped_by"):
        assert key in out, f"missing {key}: {out}"
    assert out["size"] == 4, out
    assert out["ints"][0] == 100, out
    assert out["hex"].split()[0] == "64" or out["hex"].split()[-1] == "64", out
    assert out["semaphores"] == [{"name": "/" + SEM, "value": 1}], out
    assert proc.pid in out["mapped_by"], out
    # inspect reads with pread(): it never maps the object itself.
    assert all(pid == proc.pid for pid in out["mapped_by"]), out


@case("inspect prints the value for a person, and names without a slash work")
def _():
    p = cli("inspect", SHM, "--sem", SEM)
    assert p.returncode == 0, p.stderr
    assert "as int: 100" in p.stdout, p.stdout
    assert f"semaphore /{SEM} = 1" in p.stdout, p.stdout
    assert f"mapped by: {state['producer'].pid}" in p.stdout, p.stdout


@case("the textbook consumer reads 100 and inspect never changed anything")
def _():
    before = open(f"/dev/shm/{SHM}", "rb").read()
    for _ in range(5):
        assert cli("inspect", SHM, "--sem", SEM, "--json").returncode == 0
    assert open(f"/dev/shm/{SHM}", "rb").read() == before
    p = subprocess.run([CONSUMER, SUFFIX], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=10)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "100", p.stdout
    out = json.loads(cli("inspect", SHM, "--sem", SEM, "--json").stdout)
    assert out["semaphores"][0]["value"] == 1, out


@case("ls --json lists the object and the semaphore with owner, mode, size and mappers")
def _():
    p = cli("ls", "--json")
    assert p.returncode == 0, p.stderr
    objects = {o["entry"]: o for o in json.loads(p.stdout)["objects"]}
    shm = objects[SHM]
    sem = objects[SEM_ENTRY]
    for o in (shm, sem):
        for key in ("name", "kind", "size", "owner", "mode", "age_s", "mapped_by"):
            assert key in o, o
        assert o["mode"] == "0600", o
        assert o["age_s"] >= 0, o
    assert shm["kind"] == "shm" and shm["name"] == "/" + SHM and shm["size"] == 4, shm
    assert sem["kind"] == "semaphore" and sem["name"] == "/" + SEM, sem
    assert state["producer"].pid in shm["mapped_by"], shm
    assert state["producer"].pid in sem["mapped_by"], sem
    import pwd
    assert shm["owner"] == pwd.getpwuid(os.getuid()).pw_name, shm
    text = cli("ls")
    assert text.returncode == 0 and "/" + SHM in text.stdout, text.stdout


@case("ls --remove refuses without confirmation when there is no terminal")
def _():
    p = cli("ls", "--remove", f"sem.{SEM}")
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "--yes" in p.stderr, p.stderr
    assert exists(SEM_ENTRY)


@case("ls --remove refuses while the producer maps the object")
def _():
    p = cli("ls", "--remove", SHM, "--yes")
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert str(state["producer"].pid) in p.stderr and "not removed" in p.stderr, p.stderr
    assert exists(SHM)
    p = cli("ls", "--remove", SEM_ENTRY, "--yes")
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert exists(SEM_ENTRY)


@case("ls --remove works once the producer has exited")
def _():
    stop_producer()
    p = cli("ls", "--remove", "/" + SHM, "--remove", SEM_ENTRY, "--yes")
    assert p.returncode == 0, (p.returncode, p.stderr)
    assert not exists(SHM) and not exists(SEM_ENTRY)
    p = cli("ls", "--remove", SHM, "--yes")
    assert p.returncode == 1 and "No such file" in p.stderr, p.stderr


@case("bad names and missing objects give clear errors, never a crash")
def _():
    p = cli("inspect", "/" + SHM)
    assert p.returncode == 1 and "no shared memory object" in p.stderr, p.stderr
    for bad in ("a/b", "..", "/", "/dev/shm/../etc/passwd"):
        p = cli("inspect", bad)
        assert p.returncode == 2, (bad, p.returncode, p.stderr)
        p = cli("ls", "--remove", bad, "--yes")
        assert p.returncode == 2, (bad, p.returncode, p.stderr)
    assert cli("inspect").returncode == 2
    assert cli("inspect", "x", "--bytes", "-1").returncode == 2
    assert cli("ls", "--yes").returncode == 2
    # A semaphore that does not exist, or a file too small to be one.
    path = f"/dev/shm/{WATCHED}"
    with open(path, "wb") as f:
        f.write(b"hi")
    open(f"/dev/shm/sem.{WATCHED}", "wb").close()
    p = cli("inspect", WATCHED, "--sem", "nosuch-" + SUFFIX, "--sem", WATCHED, "--json")
    assert p.returncode == 1, p.stderr
    out = json.loads(p.stdout)
    assert out["text"] == "hi" and out["ints"] == [], out
    assert [s["value"] for s in out["semaphores"]] == [None, None], out
    assert "no semaphore" in out["semaphores"][0]["error"], out
    assert "not a named semaphore" in out["semaphores"][1]["error"], out
    os.unlink(f"/dev/shm/sem.{WATCHED}")
    os.unlink(path)


@case("inspect --watch prints every change and ends when the object is removed")
def _():
    path = f"/dev/shm/{WATCHED}"
    with open(path, "wb") as f:
        f.write(b"\0" * 8)
    watch = subprocess.Popen([CLI, "inspect", WATCHED, "--watch", "--json", "--interval", "20ms"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = json.loads(watch.stdout.readline())
        assert first["ints"] == [0, 0], first
        with open(path, "r+b") as f:
            f.seek(4)
            f.write((7).to_bytes(4, sys.byteorder))
        second = json.loads(watch.stdout.readline())
        assert second["ints"] == [0, 7], second
        assert second["changed"] == ([4] if sys.byteorder == "little" else [7]), second
        os.unlink(path)
        rest, err = watch.communicate(timeout=10)
        assert watch.returncode == 0, (watch.returncode, err)
        assert "no shared memory object" in err, err
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()


@case("inspect --watch stops cleanly on Ctrl-C")
def _():
    path = f"/dev/shm/{WATCHED}"
    with open(path, "wb") as f:
        f.write(b"abcd")
    watch = subprocess.Popen([CLI, "inspect", WATCHED, "--watch"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = "".join(watch.stdout.readline() for _ in range(3))
        assert "|abcd|" in seen, seen
        time.sleep(0.3)
        watch.send_signal(signal.SIGINT)
        watch.communicate(timeout=10)
        assert watch.returncode == 0, watch.returncode
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()
        os.unlink(path)


def main():
    print(f"1..{len(results)}")
    failed = 0
    try:
        for i, (name, fn) in enumerate(results, 1):
            try:
                fn()
                print(f"ok {i} - {name}")
            except Exception:
                failed += 1
                print(f"not ok {i} - {name}")
                for line in traceback.format_exc().splitlines():
                    print(f"# {line}")
            sys.stdout.flush()
    finally:
        cleanup()
    left = [e for e in os.listdir("/dev/shm") if SUFFIX in e]
    if left:
        print(f"# left in /dev/shm: {left}")
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
