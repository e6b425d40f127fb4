#!/usr/bin/env python3
"""Run a realworld case on the real Apache and print what visitors get.

    top_srcdir=... measure.py CASE [-H 'Header: value'] [PATH...]

Builds CASE's Debian tree (realworld.sh --tree), then, in a private copy
that only this run uses:
  - every backend a ProxyPass, ProxyPassMatch, BalancerMember or
    RewriteRule [P] names (host:port, https/wss too) becomes a gunicorn
    serving tests/e2e/app.py on 127.0.0.1:<free port> (TLS with a
    throwaway certificate for https:// and wss://), each Unix socket a
    gunicorn on a short socket path; a uwsgi:// backend (TCP or socket)
    is answered by a small uwsgi-protocol responder below, which behaves
    like app.py (redirects to <scheme>://<Host>/next, /seen tells what it
    got) and, like uWSGI with Django, sends no Server header; the same
    text is replaced wherever it occurs (ProxyPassReverse lines keep
    matching what they matched);
  - every <VirtualHost> port becomes a free port on 127.0.0.1 (Listen
    lines of the sites are dropped, ports.conf lists the new ports);
then starts apache2 -DFOREGROUND and, for every vhost and PATH (default
/login and /seen), sends curl as a browser would (the vhost's name
resolved to 127.0.0.1, Host "name:port", https on a TLS vhost) and
prints the status, Location, the backend's own Location
(X-Backend-Location) and, for /seen, what the backend saw.  The backends'
access logs (the path each request reached them with) are printed last.

A measuring tool for writing EXPECT files, not a test: it asserts nothing.
Every process it starts is stopped and its directory removed on exit.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.environ.get("top_srcdir") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(TOP, "tests"))
from lib_backends import (can_connect, free_port,  # noqa: E402
                          start_gunicorn, stop_all, wait_for)

APACHE = shutil.which("apache2") or "/usr/sbin/apache2"

BACKEND_LINE = re.compile(
    r"^\s*(ProxyPass|ProxyPassMatch|BalancerMember|RewriteRule)\b(.*)$",
    re.I | re.M)
URL = re.compile(r"\b(https?|wss?|uwsgi)://([A-Za-z0-9._-]+)(?::(\d+))?")
UNIX = re.compile(r"unix:(/[^|\"\s]+)\|(\w+)")
VHOST = re.compile(r"<VirtualHost\s+([^>]+)>", re.I)
DEFAULT_PORT = {"http": 80, "ws": 80, "https": 443, "wss": 443,
                "uwsgi": 3031}

procs = []


def start_app(bind, log, tls, tmp):
    args = ["--access-logfile", log,
            "--access-logformat", '%(r)s -> %(s)s Host=%({host}i)s',
            "--error-logfile", log + ".err"]
    if tls:
        args += ["--certfile", os.path.join(tmp, "cert.pem"),
                 "--keyfile", os.path.join(tmp, "key.pem")]
    procs.append(start_gunicorn(
        bind, os.path.join(TOP, "tests", "e2e"), args,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))


def uwsgi_responder(addr, log):
    """Serve the uwsgi protocol on addr ("host:port" or a socket path)
    until killed: one packet of variables in, a raw HTTP response out."""
    import socketserver
    import struct

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            head = self.rfile.read(4)
            if len(head) < 4:
                return
            size = struct.unpack("<BHB", head)[1]
            data = self.rfile.read(size)
            env = {}
            i = 0
            while i < len(data):
                n = struct.unpack("<H", data[i:i + 2])[0]
                k = data[i + 2:i + 2 + n].decode("latin-1")
                i += 2 + n
                n = struct.unpack("<H", data[i:i + 2])[0]
                env[k] = data[i + 2:i + 2 + n].decode("latin-1")
                i += 2 + n
            scheme = env.get("UWSGI_SCHEME") or (
                "https" if env.get("HTTPS") in ("on", "1") else "http")
            host = env.get("HTTP_HOST", "")
            path = env.get("PATH_INFO", "")
            with open(log, "a") as f:
                f.write("%s %s (PATH_INFO %s) Host=%s X-Forwarded-Proto=%s\n"
                        % (env.get("REQUEST_METHOD"),
                           env.get("REQUEST_URI"), path, host,
                           env.get("HTTP_X_FORWARDED_PROTO", "-")))
            if path.endswith("/seen"):
                body = "host=%s scheme=%s\n" % (host, scheme)
                out = "HTTP/1.1 200 OK\r\n"
            else:
                body = "redirecting\n"
                loc = "%s://%s/next" % (scheme, host)
                out = ("HTTP/1.1 302 Found\r\nLocation: %s\r\n"
                       "X-Backend-Location: %s\r\n" % (loc, loc))
            out += ("Content-Type: text/plain\r\nContent-Length: %d\r\n"
                    "\r\n%s" % (len(body), body))
            self.wfile.write(out.encode())

    if addr.startswith("/"):
        srv = socketserver.ThreadingUnixStreamServer(addr, Handler)
        os.chmod(addr, 0o777)
    else:
        host, port = addr.rsplit(":", 1)
        srv = socketserver.ThreadingTCPServer((host, int(port)), Handler)
    srv.serve_forever()


def start_uwsgi(addr, log):
    procs.append(subprocess.Popen([sys.executable, __file__,
                                   "--uwsgi-responder", addr, log]))


def backends(text):
    """(tls, kind, host, port) of every backend, and (path, scheme) of
    every Unix socket."""
    urls, socks = [], []
    for m in BACKEND_LINE.finditer(text):
        directive, rest = m.group(1).lower(), m.group(2)
        if directive == "rewriterule" and not re.search(
                r"\[[^\]]*\bP\b", rest):
            continue
        for u in URL.finditer(rest):
            if u.group(2) == "unix" or rest[u.start() - 1:u.start()] == "|":
                continue        # the label of a socket URL, not an address
            port = int(u.group(3) or DEFAULT_PORT[u.group(1)])
            kind = "uwsgi" if u.group(1) == "uwsgi" else "http"
            tls = u.group(1) in ("https", "wss")
            for i, (t, k, h, p) in enumerate(urls):
                if (h, p) == (u.group(2), port):
                    # one backend, spoken to in several schemes: TLS
                    # only if every use says so
                    urls[i] = (t and tls, k, h, p)
                    break
            else:
                urls.append((tls, kind, u.group(2), port))
        for m2 in UNIX.finditer(rest):
            if m2.group(1) not in [p for p, _ in socks]:
                socks.append((m2.group(1), m2.group(2)))
    return urls, socks


def main():
    argv = sys.argv[1:]
    if not argv:
        sys.exit(__doc__)
    if argv[0] == "--uwsgi-responder":
        uwsgi_responder(argv[1], argv[2])
        return
    case = os.path.abspath(argv.pop(0))
    headers = []
    paths = []
    while argv:
        a = argv.pop(0)
        if a == "-H":
            headers.append(argv.pop(0))
        else:
            paths.append(a)
    paths = paths or ["/login", "/seen"]

    tmp = tempfile.mkdtemp(prefix="vhostfix-measure.")
    os.chmod(tmp, 0o711)
    try:
        run(case, tmp, headers, paths)
    finally:
        stop_all(procs)
        shutil.rmtree(tmp, ignore_errors=True)


def run(case, tmp, headers, paths):
    subprocess.run(["bash", os.path.join(TOP, "tests", "realworld.sh"),
                    "--tree", case, tmp], check=True,
                   stdout=subprocess.DEVNULL)
    view = os.path.join(tmp, "view")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "2", "-subj", "/CN=backend",
                    "-keyout", os.path.join(tmp, "key.pem"),
                    "-out", os.path.join(tmp, "cert.pem")],
                   check=True, capture_output=True)
    sites = [os.path.join(view, "sites-available", f)
             for f in sorted(os.listdir(os.path.join(view,
                                                      "sites-available")))]
    text = "".join(open(f).read() for f in sites)
    urls, socks = backends(text)

    run_dir = os.path.join(tmp, "run")
    os.mkdir(run_dir)
    os.chmod(run_dir, 0o777)
    subs = []
    logs = []
    for i, (tls, kind, host, port) in enumerate(urls):
        new = free_port()
        log = os.path.join(run_dir, "backend%d.log" % i)
        if kind == "uwsgi":
            start_uwsgi("127.0.0.1:%d" % new, log)
        else:
            start_app("127.0.0.1:%d" % new, log, tls, tmp)
        logs.append(("%s:%d%s" % (host, port, " (TLS)" if tls else ""),
                     log))
        wait_for(lambda: can_connect(("127.0.0.1", new)))
        for sch in ("http", "https", "ws", "wss", "uwsgi"):
            subs.append((r"\b%s://%s:%d(?![\w.:-])" % (
                sch, re.escape(host), port),
                "%s://127.0.0.1:%d" % (sch, new)))
            if port == DEFAULT_PORT[sch]:
                subs.append((r"\b%s://%s(?![\w.:-])" % (
                    sch, re.escape(host)),
                    "%s://127.0.0.1:%d" % (sch, new)))
    for i, (path, scheme) in enumerate(socks):
        sock = os.path.join(run_dir, "s%d.sock" % i)
        log = os.path.join(run_dir, "sock%d.log" % i)
        if scheme == "uwsgi":
            start_uwsgi(sock, log)
        else:
            start_app("unix:" + sock, log, False, tmp)
        logs.append(("unix:" + path, log))
        wait_for(lambda: can_connect(sock))
        subs.append((r"unix:%s\|" % re.escape(path), "unix:%s|" % sock))

    ports = {}
    vhosts = []
    for f in sites:
        s = open(f).read()
        for pat, rep in subs:
            s = re.sub(pat, rep, s)

        def vh(m):
            args = []
            for a in m.group(1).split():
                port = int(a.rsplit(":", 1)[1]) if ":" in a else 80
                ports.setdefault(port, free_port())
                args.append("*:%d" % ports[port])
            return "<VirtualHost %s>" % " ".join(args)
        s = VHOST.sub(vh, s)
        s = re.sub(r"(?m)^\s*Listen\s.*$", "# (Listen dropped)", s)
        open(f, "w").write(s)
        # the vhosts, for the requests
        for block in re.split(r"(?i)</VirtualHost>", s):
            m = VHOST.search(block)
            if not m:
                continue
            name = re.search(r"(?im)^\s*ServerName\s+(\S+)", block)
            tls = re.search(r"(?im)^\s*SSLEngine\s+on\b", block) or \
                re.search(r"(?im)^\s*Include\s+\S*options-ssl-apache",
                          block)
            port = int(m.group(1).split()[0].rsplit(":", 1)[1])
            vhosts.append((name.group(1) if name else "localhost",
                           port, bool(tls)))
    ports.setdefault(80, free_port())
    with open(os.path.join(view, "ports.conf"), "w") as pc:
        for orig, new in sorted(ports.items()):
            pc.write("Listen 127.0.0.1:%d\n" % new)
    if not vhosts:     # server config only: the main server answers
        vhosts.append(("localhost", ports[80], False))

    env = dict(os.environ, APACHE_CONFDIR=view)
    sh = ('. "$APACHE_CONFDIR/envvars"; R=%s; APACHE_RUN_DIR=$R '
          'APACHE_PID_FILE=$R/apache2.pid APACHE_LOCK_DIR=$R '
          'APACHE_LOG_DIR=$R; export APACHE_RUN_DIR APACHE_PID_FILE '
          'APACHE_LOCK_DIR APACHE_LOG_DIR; exec %s -d %s -f %s/apache2.conf '
          '-DFOREGROUND' % (run_dir, APACHE, view, view))
    procs.append(subprocess.Popen(["sh", "-c", sh], env=env,
                                  stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(run_dir,
                                              "apache.out"), "w")))
    if not wait_for(lambda: can_connect(("127.0.0.1", ports[80]))):
        print("apache2 did not start:")
        print(open(os.path.join(run_dir, "apache.out")).read())
        err = os.path.join(run_dir, "error.log")
        if os.path.exists(err):
            print(open(err).read())
        return
    print("backends: " + ", ".join(b for b, _ in logs))
    for name, port, tls in vhosts:
        scheme = "https" if tls else "http"
        print("== %s://%s:%d" % (scheme, name, port))
        for path in paths:
            cmd = ["curl", "-s", "-k", "--noproxy", "*", "--max-time", "10",
                   "-D", "-", "--resolve", "%s:%d:127.0.0.1" % (name, port),
                   "%s://%s:%d%s" % (scheme, name, port, path)]
            for h in headers:
                cmd += ["-H", h]
            out = subprocess.run(cmd, capture_output=True,
                                 text=True).stdout.replace("\r", "")
            head, _, body = out.partition("\n\n")
            lines = head.split("\n")
            status = lines[0] if lines and lines[0] else "(no answer)"
            hdr = {}
            for ln in lines[1:]:
                k, _, v = ln.partition(":")
                hdr.setdefault(k.strip().lower(), v.strip())
            print("  %-10s %s" % (path, status))
            for k in ("location", "x-backend-location", "server"):
                if k in hdr:
                    print("             %s: %s" % (k, hdr[k]))
            if path.endswith("/seen") and status.split()[1:2] == ["200"]:
                print("             body: %s" % body.strip()[:120])
    time.sleep(0.5)
    for b, log in logs:
        print("-- backend %s" % b)
        if os.path.exists(log):
            for ln in open(log):
                print("   " + ln.rstrip())
    # the server's error log, and the vhosts' own (ErrorLog paths were
    # moved into the tree)
    errs = [os.path.join(run_dir, "error.log")]
    for top, _, files in os.walk(os.path.join(tmp, "root")):
        errs += [os.path.join(top, f) for f in files if "error" in f]
    bad = []
    for err in errs:
        if os.path.exists(err):
            bad += [ln.rstrip() for ln in open(err, errors="replace")
                    if "proxy" in ln or "AH0" in ln and "resuming" not in ln]
    if bad:
        print("-- apache error logs (proxy lines)")
        for ln in bad[-15:]:
            print("   " + ln)


if __name__ == "__main__":
    main()
