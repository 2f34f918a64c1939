#!/usr/bin/env python3
# test-export-video.py — the drawing exporters of `shmviz-cli export`
#
# Records a real session with `shmviz-cli run --record`, then exports a
# 5-second WebM at 1280x720 (checked with gst-discoverer-1.0: duration,
# size, VP8), a PNG frame (signature, size, not blank), the timelines as
# SVG (parses as XML) and PDF (%PDF).  Prints the video export speed at
# 1080p as a figure; no timing is asserted.
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints TAP so meson reports each case."""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zlib

CLI = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="shmviz-test-export-video-")
REC = os.path.join(TMP, "races.shmviz")
results = []


def case(name):
    def wrap(fn):
        results.append((name, fn))
        return fn
    return wrap


def run(*args, timeout=300):
    proc = subprocess.run([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout)
    return proc


def check(proc):
    if proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr.strip()}")
    return proc


@case("record a real session with races")
def t_record():
    check(run("run", "-p", "2", "-c", "2", "-s", "8", "--sync", "off",
              "--produce-time", "10ms", "--consume-time", "12ms", "--race-window", "2ms",
              "--speed", "1", "--duration", "2", "--record", REC))
    assert os.path.getsize(REC) > 1000


def discover(path):
    tool = shutil.which("gst-discoverer-1.0")
    if tool is None:
        raise AssertionError("gst-discoverer-1.0 is missing (gstreamer1.0-plugins-base-apps)")
    out = subprocess.run([tool, "-v", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=60).stdout
    return out


@case("5 s WebM at 1280x720: duration, size and codec")
def t_webm():
    out = os.path.join(TMP, "clip.webm")
    check(run("export", REC, "--format", "webm", "-o", out, "--size", "1280x720",
              "--fps", "30", "--duration", "5"))
    info = discover(out)
    m = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", info)
    assert m, info
    seconds = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    assert abs(seconds - 5.0) < 0.2, f"duration {seconds} s"
    assert re.search(r"Width: 1280", info) and re.search(r"Height: 720", info), info
    assert re.search(r"VP8", info), info
    assert re.search(r"video/webm|WebM", info, re.I), info


def png_size(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return data, width, height


@case("PNG frame: valid, right size, not blank")
def t_png():
    out = os.path.join(TMP, "frame.png")
    check(run("export", REC, "--format", "png", "-o", out, "--size", "1280x720", "--at", "1"))
    data, width, height = png_size(out)
    assert (width, height) == (1280, 720), (width, height)
    # Decode the IDAT stream and count distinct bytes: a blank frame has
    # one colour, ours has text, slots and processes.
    idat = b""
    pos = 8
    while pos < len(data):
        length, = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    assert len(set(raw)) > 16, "the frame is blank"
    if shutil.which("identify"):
        ident = subprocess.run(["identify", out], stdout=subprocess.PIPE, text=True).stdout
        assert "1280x720" in ident, ident


@case("timeline SVG parses as XML")
def t_svg():
    out = os.path.join(TMP, "timeline.svg")
    check(run("export", REC, "--format", "svg", "-o", out, "--size", "1600x600"))
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg"), root.tag
    assert root.get("width", "").startswith("1600"), root.attrib


@case("timeline PDF starts with %PDF")
def t_pdf():
    out = os.path.join(TMP, "timeline.pdf")
    check(run("export", REC, "--format", "pdf", "-o", out))
    with open(out, "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert os.path.getsize(out) > 1000


@case("bad size is a usage error")
def t_bad_size():
    proc = run("export", REC, "--format", "png", "-o", os.path.join(TMP, "x.png"), "--size", "13x7")
    assert proc.returncode == 2, proc.returncode
    assert "--size" in proc.stderr


@case("figure: video export speed at 1080p")
def t_speed_1080p():
    out = os.path.join(TMP, "speed.webm")
    start = time.monotonic()
    proc = check(run("export", REC, "--format", "webm", "-o", out, "--size", "1080p",
                     "--fps", "30", "--duration", "3"))
    wall = time.monotonic() - start
    line = [l for l in proc.stderr.splitlines() if "frames/s" in l]
    print(f"# 1080p: {line[-1] if line else ''} (wall {wall:.2f} s)")


def main():
    print(f"1..{len(results)}")
    failed = 0
    try:
        for i, (name, fn) in enumerate(results, 1):
            try:
                fn()
                print(f"ok {i} {name}")
            except Exception as e:  # noqa: BLE001 - TAP reports any failure
                failed += 1
                print(f"not ok {i} {name}")
                for line in str(e).splitlines() or [repr(e)]:
                    print(f"# {line}")
            sys.stdout.flush()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
