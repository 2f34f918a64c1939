#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The window as a screen reader sees it, through AT-SPI.

Starts the real shmviz (GTK_A11Y left unset, so GTK talks to the
accessibility bus of this session), finds the main controls by name and
role, then clicks into the buffer view and presses Home through the AT-SPI
registry's synthetic events, and reads the focused slot's description
("slot 0 of 8, ...").  Needs an X server, a session bus (the bus launcher
is started on demand) and python3-pyatspi; run with the system python.

usage: test-a11y.py PATH-TO-shmviz"""

import os
import re
import signal
import subprocess
import sys
import time

try:
    import pyatspi
except ImportError:
    print('1..0 # SKIP python3-pyatspi is not installed')
    sys.exit(77)

TIMEOUT = 60

n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n, what), flush=True)
    if not cond:
        failed += 1
    return cond


def walk(acc, depth=0):
    if acc is None or depth > 60:
        return
    yield acc
    for i in range(acc.childCount):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


def find_app(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            pass
    return None


class Node:
    """One accessible, read once: without GTK 4.8 implementing the AT-SPI
    cache, every property is a round trip on the bus."""

    def __init__(self, acc):
        self.acc = acc
        self.role = acc.getRole()
        self.name = acc.name


def find_first(root, role, name):
    """Depth first, stopping at the first match: cheap for the header bar."""
    for acc in walk(root):
        try:
            if acc.getRole() == role and acc.name == name:
                return acc
        except Exception:
            pass
    return None


def snapshot(root):
    return [Node(acc) for acc in walk(root)]


def find(nodes, role, name):
    if not isinstance(nodes, list):
        nodes = snapshot(nodes)
    for node in nodes:
        if node.role == role and node.name == name:
            return node.acc
    return None


def wait_for(fn, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = fn()
        if value:
            return value
        time.sleep(0.25)
    return fn()


def check_announcements(app, nodes, sync, pause):
    """Races are announced through a status object (ui/shmviz-announcer.c):
    switch synchronization off as a screen reader user would, run, and wait
    for its name to mention a race."""
    status = [node for node in nodes if node.role == pyatspi.ROLE_STATUS_BAR]
    if not ok(len(status) == 1, 'one status bar for announcements (%d)' % len(status)):
        return
    status = status[0].acc
    ok('race' not in (status.name or '').lower(),
       'no race announced while synchronized (%r)' % status.name)
    if sync is None or pause is None:
        return
    # The switch's own AT-SPI action; the run restarts with sync off.
    sync.queryAction().doAction(0)
    ok(wait_for(lambda: not sync.getState().contains(pyatspi.STATE_CHECKED)),
       'synchronization switched off through AT-SPI')
    # A restart may keep the pause or not: make sure it runs.
    if wait_for(lambda: pause.name in ('Pause', 'Resume')) == 'Resume' or pause.name == 'Resume':
        pause.queryAction().doAction(0)
    # Races need a few rounds of the default delays; generous for a loaded
    # machine.
    name = wait_for(lambda: 'race' in (status.name or '').lower() and status.name, 45)
    ok(bool(name), 'the status announces races: %r' % (name or status.name))
    # Back to paused and synchronized, so the rest runs on a quiet window.
    sync.queryAction().doAction(0)
    wait_for(lambda: sync.getState().contains(pyatspi.STATE_CHECKED))
    if wait_for(lambda: pause.name in ('Pause', 'Resume')) == 'Pause' or pause.name == 'Pause':
        pause.queryAction().doAction(0)
    ok(wait_for(lambda: pause.name == 'Resume'), 'paused again (%r)' % pause.name)


def main():
    env = dict(os.environ)
    for var in ('GTK_A11Y', 'NO_AT_BRIDGE'):
        env.pop(var, None)
    # Under Xvfb GTK's default renderer is GL on llvmpipe, which burns one
    # and a half CPUs drawing the animated window: on a loaded machine the
    # app then took over a minute even to register on the accessibility
    # bus.  What a screen reader sees does not depend on the renderer.
    env.setdefault('GSK_RENDERER', 'cairo')
    global proc_env
    proc_env = env
    proc = subprocess.Popen([sys.argv[1]], env=env)
    try:
        return run(proc)
    finally:
        # SIGTERM takes the same road as closing the window: workers
        # stopped, shared memory removed.
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        ok(proc.returncode == 0, 'shmviz quit cleanly on SIGTERM (status %s)' % proc.returncode)
        print('1..%d' % n)


def run(proc):
    app = wait_for(lambda: find_app(proc.pid))
    if not ok(app is not None, 'shmviz is on the accessibility bus'):
        return
    ok(app.name == 'shmviz', 'the application is called shmviz (%r)' % app.name)

    # The pause button first: it sits in the header bar, early in a depth
    # first walk, and pausing matters for the rest: while the views
    # animate, a loaded machine answers each AT-SPI call in ~0.2 s, so a
    # walk of the whole window for the buffer view could outlast any
    # timeout; paused, each call takes ~1 ms.
    pause = wait_for(lambda: find_first(app, pyatspi.ROLE_PUSH_BUTTON, 'Pause'))
    ok(pause is not None, 'pause button: a push button named "Pause"')
    if pause is not None:
        ok('Space' in (pause.description or ''),
           'the pause button tells its shortcut (%r)' % pause.description)
        # The button does nothing until the run has started (its action is
        # disabled before): wait for that rather than for a fixed time.
        ok(wait_for(lambda: pause.getState().contains(pyatspi.STATE_SENSITIVE)),
           'the pause button becomes sensitive once the run starts')
        # Pressed through AT-SPI as a screen reader user would.
        pause.queryAction().doAction(0)
        ok(wait_for(lambda: pause.name == 'Resume'), 'after a press it reads "Resume" (%r)' % pause.name)

    # The window's contents, not only the application.
    buffer = wait_for(lambda: find_first(app, pyatspi.ROLE_PANEL, 'Buffer'))
    ok(buffer is not None, 'buffer view: a panel named "Buffer"')

    nodes = snapshot(app)

    # GtkSwitch is exposed as a toggle in GTK 4.8 (check box or toggle button).
    sync = None
    for role in (pyatspi.ROLE_CHECK_BOX, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_SWITCH
                 if hasattr(pyatspi, 'ROLE_SWITCH') else pyatspi.ROLE_CHECK_BOX):
        sync = sync or find(nodes, role, 'Synchronization')
    ok(sync is not None, 'synchronization switch found by name and role')
    if sync is not None:
        ok(sync.getState().contains(pyatspi.STATE_CHECKED), 'synchronization is on by default')

    producers = find(nodes, pyatspi.ROLE_SPIN_BUTTON, 'Producers')
    ok(producers is not None, 'producers spin button')
    if producers is not None:
        value = producers.queryValue().currentValue
        ok(value == 2, 'producers spin reads 2 (%r)' % value)

    # Every push button has a name a screen reader can say.
    unnamed = []
    for node in nodes:
        if node.role == pyatspi.ROLE_PUSH_BUTTON and (not node.name or node.name.startswith('Gtk')):
            try:
                if node.acc.getState().contains(pyatspi.STATE_SHOWING):
                    unnamed.append('%s (%s)' % (node.name, node.acc.description))
            except Exception:
                pass
    ok(not unnamed, 'every visible push button has a name: %s' % (', '.join(unnamed) or 'yes'))

    for name in ('Processes and locks', 'Timeline'):
        panel = find(nodes, pyatspi.ROLE_PANEL, name)
        ok(panel is not None and bool(panel.description),
           '%s view has a description (%r)' % (name, panel.description if panel else None))

    # GApplication uniqueness: a second launch hands over to this instance
    # and exits, and no second window or application appears.
    second = subprocess.run([sys.argv[1]], env=proc_env, timeout=TIMEOUT)
    ok(second.returncode == 0, 'a second launch exits at once (status %d)' % second.returncode)

    def shmviz_apps():
        apps = []
        for a in pyatspi.Registry.getDesktop(0):
            try:
                if a is not None and a.name == 'shmviz':
                    apps.append(a)
            except Exception:
                pass  # the second instance, gone while we asked
        return apps

    # The registry drops the second instance when it sees its bus name go,
    # which a loaded machine may take a while to notice: wait for it, not
    # for a fixed second.  One that stays fails as before.
    wait_for(lambda: len(shmviz_apps()) == 1)
    apps = shmviz_apps()
    ok(len(apps) == 1 and proc.poll() is None, 'one shmviz on the bus, the first still running (%d)' % len(apps))
    frames = [c for c in app if c is not None and c.getRole() == pyatspi.ROLE_FRAME]
    ok(len(frames) == 1, 'the running instance still has one window (%d)' % len(frames))

    check_announcements(app, nodes, sync, pause)

    if buffer is None:
        return
    summary = buffer.description or ''
    ok(re.match(r'^\d+ slots?, \d+ full', summary) is not None,
       'buffer view describes the ring before focus (%r)' % summary)

    # Focus a slot as a user would: click into the view, then Home.  GTK 4
    # knows no screen coordinates; under Xvfb without a window manager the
    # window sits at 0,0, so window coordinates are the screen's.
    x, y, w, h = buffer.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    ok(w > 0 and h > 0, 'buffer view has extents %dx%d at %d,%d' % (w, h, x, y))
    pyatspi.Registry.generateMouseEvent(x + w // 2, y + h // 2, pyatspi.MOUSE_B1C)
    # The click and the key travel in order through the registry, but wait
    # (up to a bound, not a fixed time) for the click to land so that a slow
    # machine does not send Home to whatever had the focus before.
    wait_for(lambda: buffer.getState().contains(pyatspi.STATE_FOCUSED), 10)
    home = 0xff50  # GDK_KEY_Home
    pyatspi.Registry.generateKeyboardEvent(home, None, pyatspi.KEY_SYM)

    def slot_description():
        d = buffer.description or ''
        return d if d.startswith('slot ') else None

    desc = wait_for(slot_description, 30)
    ok(desc is not None and re.match(r'^slot 0 of 8, ', desc) is not None,
       'focused slot description: %r' % (desc or buffer.description))
    ok(buffer.getState().contains(pyatspi.STATE_FOCUSED) or desc is not None,
       'the buffer view has the keyboard focus')

    # End, not Right: Right is also the window's "step" key.
    end = 0xff57  # GDK_KEY_End
    pyatspi.Registry.generateKeyboardEvent(end, None, pyatspi.KEY_SYM)
    desc = wait_for(lambda: (buffer.description or '').startswith('slot 7 of 8') and buffer.description, 30)
    ok(bool(desc), 'End moves to the last slot: %r' % buffer.description)

if __name__ == '__main__':
    main()
    sys.exit(1 if failed else 0)
