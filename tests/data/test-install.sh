#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `meson install --destdir` into a scratch folder, check every file lands in
# its standard place, and launch from there: the installed shmviz-cli runs
# 100 items through real processes with the installed worker.
#
# The worker is found through SHMVIZ_WORKER, pointed at the installed copy
# in DESTDIR/libexecdir: the binaries are built for the prefix, so without
# it shmviz-cli would look beside itself (bin/, where the worker is not) and
# then in the real libexecdir, outside the scratch folder.
#
# usage: test-install.sh BUILDDIR PREFIX BINDIR LIBEXECDIR DATADIR MANDIR
set -eu

builddir=$1 prefix=$2 bindir=$3 libexecdir=$4 datadir=$5 mandir=$6
app_id=io.github.shmviz.Shmviz

scratch=$(mktemp -d "${TMPDIR:-/tmp}/shmviz-install.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM

fail () { echo "not ok: $*"; exit 1; }

# Relative install dirs are under the prefix; absolute ones stand alone.
under () { case $1 in /*) echo "$scratch$1" ;; *) echo "$scratch$prefix/$1" ;; esac; }
bin=$(under "$bindir")
libexec=$(under "$libexecdir")
data=$(under "$datadir")
man=$(under "$mandir")

meson install -C "$builddir" --destdir "$scratch" --no-rebuild --quiet >"$scratch.log" 2>&1 \
  || { cat "$scratch.log"; rm -f "$scratch.log"; fail "meson install failed"; }
rm -f "$scratch.log"

for f in \
  "$bin/shmviz-cli" \
  "$libexec/shmviz-worker" \
  "$man/man1/shmviz-cli.1" \
  "$man/man1/shmviz.1"
do
  [ -e "$f" ] || fail "not installed: ${f#"$scratch"}"
  echo "ok: ${f#"$scratch"}"
done

# The GUI's files exist only in a build with GTK.
if [ -e "$builddir/app/shmviz" ]; then
  for f in \
    "$bin/shmviz" \
    "$data/applications/$app_id.desktop" \
    "$data/metainfo/$app_id.metainfo.xml" \
    "$data/glib-2.0/schemas/$app_id.gschema.xml" \
    "$data/mime/packages/$app_id.xml" \
    "$data/icons/hicolor/scalable/apps/$app_id.svg" \
    "$data/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
    "$data/help/C/shmviz/index.page"
  do
    [ -e "$f" ] || fail "not installed: ${f#"$scratch"}"
    echo "ok: ${f#"$scratch"}"
  done

  # The installed GUI answers --version without a display or a bus; its
  # schema check runs first, against the schema compiled in the scratch dir.
  glib-compile-schemas "$data/glib-2.0/schemas"
  version=$(GSETTINGS_SCHEMA_DIR="$data/glib-2.0/schemas" "$bin/shmviz" --version) \
    || fail "installed shmviz --version failed"
  case $version in "shmviz "*) echo "ok: $version" ;; *) fail "unexpected version: $version" ;; esac
fi

ls /dev/shm | grep '^shmviz-' | sort > "$scratch/shm-before" || true
out=$(SHMVIZ_WORKER="$libexec/shmviz-worker" "$bin/shmviz-cli" run --items 100 --quiet --json) \
  || fail "installed shmviz-cli run failed"
echo "$out"
echo "$out" | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["produced"] == 100, s["produced"]
assert s["consumed"] == 100, s["consumed"]
assert s["lost"] == 0 and s["duplicated"] == 0 and not s["deadlock"], s
' || fail "the installed run did not move 100 items cleanly"
echo "ok: installed shmviz-cli run --items 100"

# Other builds' tests may run on this machine at the same time: only what
# appeared during this run and is still there two seconds later counts.
left=$(ls /dev/shm | grep '^shmviz-' | sort || true)
new=$(echo "$left" | comm -13 "$scratch/shm-before" - | grep . || true)
if [ -n "$new" ]; then
  sleep 2
  now=$(ls /dev/shm | sort)
  new=$(echo "$new" | comm -12 - "$(printf '%s\n' "$now" > "$scratch/shm-now"; echo "$scratch/shm-now")" | grep . || true)
fi
[ -z "$new" ] || fail "left in /dev/shm: $new"
echo "ok: nothing left in /dev/shm"
