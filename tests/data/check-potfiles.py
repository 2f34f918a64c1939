#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a source file with translatable strings is missing from
po/POTFILES.in, or when POTFILES.in lists a file that does not exist.

A string that is marked but whose file is not listed is silently left out
of the catalogue, so the translators never see it: that is what this
catches."""

import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.').resolve()

# _("..."), N_("..."), C_("ctx", "..."), NC_, ngettext/g_dngettext, and
# translatable="yes" in GtkBuilder and <_name> style tags in XML inputs.
C_MARK = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2)\s*\(\s*"')
UI_MARK = re.compile(r'translatable="yes"')

def listed():
    out = set()
    for line in (root / 'po' / 'POTFILES.in').read_text().splitlines():
        line = line.strip()
        if line and not line.startswith('#'):
            out.add(line)
    return out

def marked():
    out = set()
    patterns = [('ui', '*.c', C_MARK), ('core', '*.c', C_MARK), ('app', '*.c', C_MARK),
                ('ui', '*.ui', UI_MARK)]
    for folder, glob, mark in patterns:
        for path in sorted((root / folder).glob(glob)):
            if mark.search(path.read_text(errors='replace')):
                out.add(str(path.relative_to(root)))
    return out

def main():
    have = listed()
    need = marked()
    failed = False
    for path in sorted(need - have):
        print(f'missing from po/POTFILES.in: {path}')
        failed = True
    for path in sorted(have):
        if not (root / path).exists():
            print(f'po/POTFILES.in lists a file that does not exist: {path}')
            failed = True
    print(f'{len(need)} source files with marked strings, {len(have)} listed')
    return 1 if failed else 0

if __name__ == '__main__':
    sys.exit(main())
