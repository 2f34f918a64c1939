#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the shared-mime-info package for shmviz recordings.

update-mime-database is the real consumer of the file: if it builds a
database from it that maps *.shmviz and the SHMVZREC magic to our type, the
desktop will recognise recordings.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MIME_TYPE = "application/x-shmviz-recording"
NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        fail("usage: check-mime.py MIME.xml")
    src = sys.argv[1]

    root = ET.parse(src).getroot()
    types = root.findall(NS + "mime-type")
    if [t.get("type") for t in types] != [MIME_TYPE]:
        fail("expected exactly one mime-type " + MIME_TYPE)
    globs = [g.get("pattern") for g in types[0].findall(NS + "glob")]
    if "*.shmviz" not in globs:
        fail("glob *.shmviz missing")
    matches = types[0].findall(NS + "magic/" + NS + "match")
    if not any(m.get("value") == "SHMVZREC" and m.get("offset") == "0"
               and m.get("type") == "string" for m in matches):
        fail("magic SHMVZREC at offset 0 missing")

    tool = shutil.which("update-mime-database")
    if tool is None:
        print("update-mime-database not found; checked the XML only")
        return 0

    with tempfile.TemporaryDirectory(prefix="shmviz-mime-test-") as tmp:
        os.makedirs(os.path.join(tmp, "packages"))
        shutil.copy(src, os.path.join(tmp, "packages", "shmviz.xml"))
        # update-mime-database only warns on some errors; PKGSYSTEM_ENABLE_FSYNC
        # keeps it fast in CI.
        env = dict(os.environ, PKGSYSTEM_ENABLE_FSYNC="0")
        proc = subprocess.run([tool, "-V", tmp], env=env,
                              capture_output=True, text=True)
        if proc.returncode != 0 or "error" in proc.stderr.lower():
            fail("update-mime-database: " + proc.stderr.strip())
        with open(os.path.join(tmp, "globs2"), encoding="utf-8") as f:
            if not any(line.strip().endswith(MIME_TYPE + ":*.shmviz")
                       for line in f):
                fail("globs2 does not map *.shmviz")
        with open(os.path.join(tmp, "magic"), "rb") as f:
            magic = f.read()
            if MIME_TYPE.encode() not in magic or b"SHMVZREC" not in magic:
                fail("magic database does not contain SHMVZREC")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
