#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every language in po/LINGUAS is complete: a template freshly extracted
# from po/POTFILES.in (with the options of meson's i18n 'glib' preset) is
# merged into each po/LL.po, and msgfmt --check must find no untranslated
# and no fuzzy message.  Every bundled lesson carries Title[LL] and
# Explanation[LL] (and Name[LL] when it has a Name) for each language.
#
# Usage: check-translations.py SOURCE_ROOT

import os
import re
import shutil
import subprocess
import sys
import tempfile

# The arguments meson's i18n.gettext (preset: 'glib') hands to xgettext.
GLIB_PRESET = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format', '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format', '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format', '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format', '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format', '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

PLURAL_FORMS = {
    'de': 'nplurals=2; plural=(n != 1);',
    'fr': 'nplurals=2; plural=(n > 1);',
}

LESSON_KEYS_REQUIRED = ('Title', 'Explanation')

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL: ' + msg)


def run(argv, **kw):
    env = dict(os.environ, LC_ALL='C', LANGUAGE='')
    return subprocess.run(argv, capture_output=True, text=True, env=env, **kw)


def linguas(src):
    langs = []
    with open(os.path.join(src, 'po', 'LINGUAS'), encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0]
            langs += line.split()
    return langs


def check_po(src, tmp, pot, lang):
    po = os.path.join(src, 'po', lang + '.po')
    if not os.path.exists(po):
        fail(f'po/{lang}.po is missing')
        return
    with open(po, encoding='utf-8') as f:
        text = f.read()
    header = text.split('\n\n', 1)[0]
    if '#, fuzzy' in header:
        fail(f'po/{lang}.po: the header is marked fuzzy')
    if f'"Language: {lang}\\n"' not in header:
        fail(f'po/{lang}.po: the header lacks "Language: {lang}"')
    if 'charset=UTF-8' not in header:
        fail(f'po/{lang}.po: the header does not declare charset=UTF-8')
    if lang in PLURAL_FORMS and f'"Plural-Forms: {PLURAL_FORMS[lang]}\\n"' not in header:
        fail(f'po/{lang}.po: Plural-Forms should be "{PLURAL_FORMS[lang]}"')

    # The file as it is in the tree must compile cleanly.
    r = run(['msgfmt', '--check', '-o', os.devnull, po])
    if r.returncode != 0:
        fail(f'po/{lang}.po does not compile:\n{r.stderr}')

    merged = os.path.join(tmp, lang + '.po')
    r = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot])
    if r.returncode != 0:
        fail(f'msgmerge po/{lang}.po failed:\n{r.stderr}')
        return
    r = run(['msgfmt', '--check', '--statistics', '-o', os.devnull, merged])
    stats = r.stderr.strip()
    print(f'{lang}: {stats}')
    if r.returncode != 0:
        fail(f'po/{lang}.po merged with the current sources does not compile:\n{stats}')
    if re.search(r'\d+ untranslated', stats) or re.search(r'\d+ fuzzy', stats):
        untranslated = run(['msgattrib', '--untranslated', '--no-obsolete', '--no-location', merged]).stdout
        fuzzy = run(['msgattrib', '--only-fuzzy', '--no-obsolete', '--no-location', merged]).stdout
        ids = []
        for block in re.findall(r'^msgid ((?:".*"\n)+)', untranslated + fuzzy, re.M):
            text = ''.join(re.findall(r'"(.*)"', block))
            if text:
                ids.append('"' + text + '"')
        fail(f'po/{lang}.po is incomplete ({stats}); for example: ' + ', '.join(ids[:10]))


def parse_lesson(path):
    """The [Lesson] group of a GKeyFile, as key -> value."""
    group = None
    keys = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            m = re.match(r'^\[(.+)\]\s*$', line)
            if m:
                group = m.group(1)
                continue
            if group == 'Lesson' and '=' in line:
                k, v = line.split('=', 1)
                keys[k.strip()] = v.strip()
    return keys


def check_lessons(src, langs):
    folder = os.path.join(src, 'data', 'lessons')
    lessons = sorted(n for n in os.listdir(folder) if n.endswith('.lesson'))
    if not lessons:
        fail('no lessons in data/lessons')
    for name in lessons:
        keys = parse_lesson(os.path.join(folder, name))
        wanted = list(LESSON_KEYS_REQUIRED) + (['Name'] if 'Name' in keys else [])
        for base in wanted:
            if not keys.get(base):
                fail(f'{name}: [Lesson] {base} is missing')
            for lang in langs:
                key = f'{base}[{lang}]'
                if not keys.get(key):
                    fail(f'{name}: [Lesson] {key} is missing or empty')
                elif base == 'Explanation' and keys[key] == keys.get(base):
                    fail(f'{name}: [Lesson] {key} is the English text')
    print(f'lessons: {len(lessons)} checked for {", ".join(langs)}')


def main():
    if len(sys.argv) != 2:
        print(__doc__ or 'usage: check-translations.py SOURCE_ROOT', file=sys.stderr)
        return 2
    src = os.path.abspath(sys.argv[1])
    langs = linguas(src)
    if not langs:
        fail('po/LINGUAS lists no language')

    tools = ('xgettext', 'msgmerge', 'msgfmt', 'msgattrib')
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        print('SKIP: gettext tools missing: ' + ', '.join(missing))
        return 77

    with tempfile.TemporaryDirectory(prefix='shmviz-po-') as tmp:
        pot = os.path.join(tmp, 'shmviz.pot')
        r = run(['xgettext', '--package-name=shmviz', '-D', src,
                 '--files-from=' + os.path.join(src, 'po', 'POTFILES.in'),
                 '-o', pot] + GLIB_PRESET)
        if r.returncode != 0 or not os.path.exists(pot):
            print(r.stderr)
            print('FAIL: xgettext could not extract the template')
            return 1
        for lang in langs:
            check_po(src, tmp, pot, lang)
    check_lessons(src, langs)

    if failures:
        print(f'{len(failures)} problem(s) with the translations')
        return 1
    print('translations complete')
    return 0


if __name__ == '__main__':
    sys.exit(main())
