#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every subcommand of shmviz-cli and every long flag its --help lists
must appear in data/man/shmviz-cli.1, and shmviz's own options in
shmviz.1: the man pages must not fall behind the code.

usage: check-man.py MANDIR SHMVIZ-CLI [SHMVIZ]"""

import pathlib
import re
import subprocess
import sys

mandir = pathlib.Path(sys.argv[1])
cli = sys.argv[2]
gui = sys.argv[3] if len(sys.argv) > 3 else None

def unescape(roff):
    return roff.replace('\\-', '-').replace('\\fI', '').replace('\\fR', '').replace('\\fB', '')

def flags(argv):
    out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    text = out.stdout + out.stderr
    return sorted(set(re.findall(r'(--[a-z][a-z0-9-]+)', text)) - {'--help', '--help-all'})

failed = False

def need(page, name, what):
    global failed
    if what not in page:
        print(f'{name}: {what} is not documented')
        failed = True

cli_page = unescape((mandir / 'shmviz-cli.1').read_text())
usage = subprocess.run([cli, '--help'], capture_output=True, text=True, timeout=30).stdout
commands = re.findall(r'^  ([a-z]+) ', usage, re.M)
if not commands:
    print('no commands found in shmviz-cli --help')
    failed = True
for cmd in commands:
    need(cli_page, 'shmviz-cli.1', f'.SS {cmd}')
    for flag in flags([cli, cmd, '--help']):
        need(cli_page, f'shmviz-cli.1 ({cmd})', flag)
    print(f'{cmd}: checked')

if gui:
    gui_page = unescape((mandir / 'shmviz.1').read_text())
    for flag in flags([gui, '--help-all']):
        if flag.startswith('--gapplication'):
            continue
        need(gui_page, 'shmviz.1', flag)

sys.exit(1 if failed else 0)
