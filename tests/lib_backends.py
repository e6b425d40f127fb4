"""lib_backends.py: the backends the Python test tools start and stop
(tests/differential/run.py, tests/realworld/measure.py): free loopback
ports, waiting for a condition, gunicorn serving an app.py, and stopping
every process started."""

import os
import shutil
import signal
import socket
import subprocess
import time

GUNICORN = shutil.which("gunicorn") or shutil.which("gunicorn3")


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on (now)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_for(cond, secs=10.0):
    """Poll cond until it holds or secs pass; its last answer."""
    end = time.time() + secs
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def can_connect(addr):
    """Does something accept on addr (a socket path or (host, port))?"""
    fam = socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET
    s = socket.socket(fam)
    try:
        s.connect(addr)
        return True
    except OSError:
        return False
    finally:
        s.close()


def start_gunicorn(bind, app_dir, args=(), env=None, **popen):
    """gunicorn with one worker serving app_dir's app.py on bind
    ("unix:PATH" or "HOST:PORT"), args before the app, env added to
    ours; popen goes to subprocess.Popen.  Returns the process."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", **(env or {}))
    return subprocess.Popen([GUNICORN, "--bind", bind, "--workers", "1",
                             "--chdir", app_dir] + list(args) + ["app:app"],
                            env=env, **popen)


def stop_all(procs):
    """SIGTERM to every process still running, then wait for each (a
    SIGKILL after 10 s)."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
