#!/usr/bin/env python3
# run.py: differential test of "vhostfix explain" against a real apache2.
#
#   run.py --seed S --n N [--cases FILE]... [--verbose] [--no-fail]
#
# Starts three gunicorn echo backends (app.py: two Unix sockets, one TCP
# port) and one apache2 on two free loopback ports (plain and TLS), then
# for each generated case (gen.py) or kept regression case (--cases, one
# JSON case per line, same format) writes the site file, checks it with
# apache2 -t, restarts Apache gracefully, sends every request with curl
# and compares field by field with "vhostfix explain --format json": the
# vhost that answered, whether it was proxied, which backend got it, the
# path, Host and X-Forwarded-Proto/-Host/-Server it received, and the
# Location the visitor got for a backend redirect (or Apache's own
# status).  Prints every disagreement and the agreement; exits 1 if there
# is one (unless --no-fail), 77 when apache2, gunicorn or curl is missing.
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(HERE))
from lib_backends import (free_port, start_gunicorn, stop_all,  # noqa: E402
                          wait_for)
MODDIR = "/usr/lib/apache2/modules"
MODULES = ["mpm_event", "authz_core", "alias", "rewrite", "proxy",
           "proxy_http",
           "headers", "socache_shmcb", "ssl"]
CONFIG = "/etc/apache2/apache2.conf"


class Harness:
    def __init__(self, vhostfix, verbose):
        self.vhostfix = vhostfix
        self.verbose = verbose
        self.procs = []
        self.apache = None
        self.gen = 0
        self.t = tempfile.mkdtemp(prefix="vhostfix-diff.")
        os.chmod(self.t, 0o711)
        self.run = os.path.join(self.t, "run")
        os.makedirs(self.run)
        os.chmod(self.run, 0o711)
        self.root = os.path.join(self.t, "root")
        self.docs = os.path.join(self.t, "docs")
        os.makedirs(os.path.join(self.docs, "files"))
        with open(os.path.join(self.docs, "files", "hello.txt"), "w") as f:
            f.write("hello from a file\n")
        self.tls = os.path.join(self.t, "tls")
        self.sock = {"A": os.path.join(self.run, "a.sock"),
                     "B": os.path.join(self.run, "b.sock")}
        self.apache2 = shutil.which("apache2") or "/usr/sbin/apache2"

    # -- processes --
    def stop(self):
        pidfile = os.path.join(self.run, "apache2.pid")
        pid = None
        if os.path.exists(pidfile):
            try:
                pid = int(open(pidfile).read().strip())
                os.kill(pid, signal.SIGTERM)
            except (ValueError, OSError):
                pass
        stop_all(self.procs)
        if pid is not None and not wait_for(lambda: not alive(pid), 10):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(self.t, ignore_errors=True)

    def start_backends(self):
        self.pc = free_port()
        binds = {"A": "unix:" + self.sock["A"], "B": "unix:" + self.sock["B"],
                 "C": "127.0.0.1:%d" % self.pc}
        log = open(os.path.join(self.run, "gunicorn.log"), "a")
        for bid, bind in binds.items():
            self.procs.append(start_gunicorn(
                bind, HERE, env={"BACKEND_ID": bid}, cwd=self.run,
                stdin=subprocess.DEVNULL, stdout=log, stderr=log))
        for bid, bind in binds.items():
            args = (["--unix-socket", self.sock[bid], "http://b/"]
                    if bid != "C" else ["http://127.0.0.1:%d/" % self.pc])
            ok = wait_for(lambda: subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "--max-time", "2"] + args)
                .returncode == 0, 15)
            if not ok:
                raise RuntimeError("gunicorn %s did not answer" % bid)
        os.chmod(self.sock["A"], 0o777)
        os.chmod(self.sock["B"], 0o777)

    def make_cert(self):
        os.makedirs(self.tls)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-days", "2", "-subj", "/CN=app.test",
                        "-keyout", os.path.join(self.tls, "key.pem"),
                        "-out", os.path.join(self.tls, "cert.pem")],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for f in os.listdir(self.tls):
            os.chmod(os.path.join(self.tls, f), 0o644)

    def write_tree(self, site):
        etc = os.path.join(self.root, "etc", "apache2")
        if not os.path.isdir(etc):
            os.makedirs(os.path.join(etc, "sites-available"))
            os.makedirs(os.path.join(etc, "sites-enabled"))
            os.symlink("../sites-available/case.conf",
                       os.path.join(etc, "sites-enabled", "case.conf"))
        self.gen += 1
        lines = ["# apache2.conf for the vhostfix differential test",
                 "DefaultRuntimeDir " + self.run,
                 "PidFile %s/apache2.pid" % self.run,
                 "Mutex file:%s default" % self.run,
                 "ErrorLog %s/error.log" % self.run,
                 "LogLevel warn",
                 "ServerName localhost"]
        if os.getuid() == 0:
            lines += ["User www-data", "Group www-data"]
        lines += ["Listen 127.0.0.1:%d" % self.p1,
                  "Listen 127.0.0.1:%d" % self.p2]
        lines += ["LoadModule %s_module %s/mod_%s.so" % (m, MODDIR, m)
                  for m in MODULES]
        lines += ["StartServers 1", "ThreadsPerChild 8",
                  "MinSpareThreads 8", "MaxSpareThreads 16",
                  "MaxRequestWorkers 16",
                  "SSLSessionCache shmcb:%s/ssl_scache(512000)" % self.run,
                  "<Directory />", "\tAllowOverride None",
                  "\tRequire all denied", "</Directory>",
                  'Header always set X-Diff-Vhost "main"',
                  'Header always set X-Diff-Gen "%d"' % self.gen,
                  "IncludeOptional sites-enabled/*.conf"]
        with open(os.path.join(etc, "apache2.conf"), "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(os.path.join(etc, "sites-available", "case.conf"),
                  "w") as f:
            f.write(site)
        subprocess.run(["chmod", "-R", "a+rX", self.root, self.docs])

    def apache_args(self):
        return ["-d", os.path.join(self.root, "etc", "apache2"),
                "-f", os.path.join(self.root, "etc", "apache2",
                                   "apache2.conf")]

    def configtest(self):
        p = subprocess.run([self.apache2, "-t"] + self.apache_args(),
                           capture_output=True, text=True)
        return p.returncode == 0, p.stderr

    def load(self, site):
        """Serve a site file: start Apache or restart it gracefully.
        Returns None, or why Apache refused it."""
        self.write_tree(site)
        ok, err = self.configtest()
        if not ok:
            return err.strip()
        if self.apache is None or self.apache.poll() is not None:
            out = open(os.path.join(self.run, "apache2.out"), "a")
            self.apache = subprocess.Popen(
                [self.apache2] + self.apache_args() + ["-DFOREGROUND"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=out)
            self.procs.append(self.apache)
        else:
            subprocess.run([self.apache2, "-k", "graceful"] +
                           self.apache_args(), capture_output=True)
        gen = str(self.gen)
        if not wait_for(lambda: self.probe() == gen, 20):
            return "Apache did not come back with the new configuration"
        return None

    def probe(self):
        h = self.curl("localhost", False, "/", None)
        return h.get("x-diff-gen")

    # -- requests --
    def curl(self, host, tls, path, xfp, xfh=None):
        port = self.p2 if tls else self.p1
        url = "%s://%s:%d%s" % ("https" if tls else "http", host, port,
                                path)
        cmd = ["curl", "-s", "-k", "--path-as-is", "--noproxy", "*",
               "--max-time", "10",
               "-o", "/dev/null", "-D", "-", "-H", "X-Diff-Redirect: /"]
        if host != "127.0.0.1":
            cmd += ["--resolve", "%s:%d:127.0.0.1" % (host, port)]
        if xfp is not None:
            cmd += ["-H", "X-Forwarded-Proto: " + xfp]
        if xfh is not None:
            cmd += ["-H", "X-Forwarded-Host: " + xfh]
        p = subprocess.run(cmd + [url], capture_output=True, text=True)
        h = {}
        for line in p.stdout.replace("\r", "").split("\n"):
            if line.startswith("HTTP/"):
                h = {"status": line.split()[1]}
            elif ":" in line:
                k, v = line.split(":", 1)
                h.setdefault(k.strip().lower(), v.strip())
        return h

    def explain(self, host, tls, path, xfp, xfh=None):
        port = self.p2 if tls else self.p1
        url = "%s://%s:%d%s" % ("https" if tls else "http", host, port,
                                path)
        cmd = [self.vhostfix, "--root", self.root, "--config", CONFIG,
               "explain", url, "--via", "127.0.0.1:%d" % port,
               "--format", "json"]
        if xfp is not None:
            cmd += ["-H", "X-Forwarded-Proto: " + xfp]
        if xfh is not None:
            cmd += ["-H", "X-Forwarded-Host: " + xfh]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("explain exited %d: %s" % (p.returncode,
                                                        p.stderr))
        return json.loads(p.stdout)


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def fill(h, text):
    return (text.replace("@P1@", str(h.p1)).replace("@P2@", str(h.p2))
            .replace("@PC@", str(h.pc)).replace("@SOCKA@", h.sock["A"])
            .replace("@SOCKB@", h.sock["B"]).replace("@TLS@", h.tls)
            .replace("@DOCS@", h.docs))


def expected(h, case, ex):
    """What explain predicts, in the terms of Apache's answer."""
    e = {}
    v = ex.get("vhost")
    if v is None:
        e["vhost"] = "main"
    else:
        e["vhost"] = "?"
        for cv in case["vhosts"]:
            if cv["line"] == v["line"]:
                e["vhost"] = cv["id"]
    e["handler"] = ex["handler"]
    b = ex.get("backend")
    if ex["handler"] == "proxy" and b is not None:
        if b.get("socket") == h.sock["A"]:
            e["backend"] = "A"
        elif b.get("socket") == h.sock["B"]:
            e["backend"] = "B"
        elif b.get("address") == "127.0.0.1:%d" % h.pc:
            e["backend"] = "C"
        else:
            e["backend"] = "elsewhere: %s" % (b.get("socket") or
                                              b.get("address"))
        hd = b["headers"]
        e["path"] = b["path"]
        e["host"] = hd["Host"]
        e["xfp"] = hd.get("X-Forwarded-Proto")
        e["xfh"] = hd.get("X-Forwarded-Host")
        e["xfs"] = hd.get("X-Forwarded-Server")
        e["location"] = (ex.get("redirect") or {}).get("visitor_location")
    elif ex["handler"] == "redirect":
        e["location"] = ex.get("target")
    elif ex["handler"] == "status":
        e["status"] = ex.get("target")
    elif ex["handler"] == "alias":
        # The file it names: there (200) or not (404).
        e["status"] = "200" if os.path.isfile(ex.get("target") or "") \
            else "404"
    return e


def observed(h, e):
    o = {"vhost": h.get("x-diff-vhost", "none")}
    if "x-echo-backend" in h:
        o["handler"] = "proxy"
        o["backend"] = h["x-echo-backend"]
        o["path"] = h.get("x-echo-path")
        o["host"] = h.get("x-echo-host")
        o["xfp"] = h.get("x-echo-xf-proto")
        o["xfh"] = h.get("x-echo-xf-host")
        o["xfs"] = h.get("x-echo-xf-server")
        o["location"] = h.get("location")
    else:
        st = h.get("status", "")
        if e["handler"] in ("proxy", "unknown"):
            o["handler"] = "not proxied (%s)" % st
        elif e["handler"] == "redirect":
            o["handler"] = "redirect" if st.startswith("3") else st
            o["location"] = h.get("location")
        elif e["handler"] == "status":
            o["handler"] = "status"
            o["status"] = st
        elif e["handler"] == "alias":
            o["handler"] = "alias" if st in ("200", "404") else st
            o["status"] = st
        else:
            o["handler"] = e["handler"] if st in ("200", "403",
                                                  "404") else st
    return o


def differ(e, o):
    keys = ["vhost", "handler"]
    if e["handler"] == o["handler"]:
        keys += [k for k in ("backend", "path", "host", "xfp", "xfh",
                             "xfs", "location", "status") if k in e or k in o]
    return [(k, e.get(k), o.get(k)) for k in keys if e.get(k) != o.get(k)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--cases", action="append", default=[])
    ap.add_argument("--vhostfix", default=os.environ.get("VHOSTFIX"))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--no-fail", action="store_true")
    ap.add_argument("--keep", help="append disagreeing cases to this file")
    a = ap.parse_args()

    for tool in ("curl", "openssl"):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed" % tool)
            return 77
    if not (shutil.which("gunicorn") or shutil.which("gunicorn3")):
        print("SKIP: gunicorn is not installed")
        return 77
    if not (shutil.which("apache2") or os.path.exists("/usr/sbin/apache2")):
        print("SKIP: apache2 is not installed")
        return 77
    for m in MODULES:
        if not os.path.exists("%s/mod_%s.so" % (MODDIR, m)):
            print("SKIP: %s/mod_%s.so is missing" % (MODDIR, m))
            return 77

    cases = []
    for path in a.cases:
        with open(path) as f:
            cases += [("kept %s:%d" % (os.path.basename(path), i + 1),
                       json.loads(l)) for i, l in enumerate(f) if l.strip()]
    if a.n > 0:
        out = subprocess.run([sys.executable, os.path.join(HERE, "gen.py"),
                              str(a.seed), str(a.n)], capture_output=True,
                             text=True, check=True).stdout
        cases += [("seed %d case %d" % (a.seed, i), json.loads(l))
                  for i, l in enumerate(out.splitlines())]

    h = Harness(a.vhostfix, a.verbose)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))
    total = agree = 0
    cfg_ok = cfg_all = 0
    rejected = 0
    kept = []
    kinds = {}
    seen = {}
    t0 = time.time()
    try:
        h.p1, h.p2 = free_port(), free_port()
        h.make_cert()
        h.start_backends()
        for name, case in cases:
            site = fill(h, case["site"])
            why = h.load(site)
            if why is not None:
                print("%s: Apache refused the configuration: %s" %
                      (name, why))
                rejected += 1
                continue
            cfg_all += 1
            bad = 0
            for req in case["requests"]:
                total += 1
                elog = os.path.join(h.run, "error.log")
                esize = os.path.getsize(elog) if os.path.exists(elog) else 0
                args = (req["host"], req["tls"], req["path"], req["xfp"],
                        req.get("xfh"))
                got = h.curl(*args)
                if got.get("x-diff-gen") != str(h.gen):
                    got = h.curl(*args)
                ex = h.explain(*args)
                e = expected(h, case, ex)
                o = observed(got, e)
                d = differ(e, o)
                kinds[o["handler"]] = kinds.get(o["handler"], 0) + 1
                for k in ("backend", "location", "xfp", "vhost"):
                    if o.get(k) is not None:
                        seen.setdefault(k, set()).add(o[k] if k != "location"
                                                      else o[k][:5])
                if not d:
                    agree += 1
                    if a.verbose:
                        print("ok %s %s" % (name, json.dumps(req)))
                    continue
                bad += 1
                print("DISAGREE %s: %s%s://%s%s (X-Forwarded-Proto: %s)" %
                      (name, "", "https" if req["tls"] else "http",
                       req["host"], req["path"], req["xfp"]))
                for k, ev, ov in d:
                    print("    %-8s explain: %s\n    %-8s apache:  %s" %
                          (k, ev, "", ov))
                for nm in ex.get("not_modelled", []):
                    print("    not modelled: %s" % nm["text"])
                with open(elog, errors="replace") as f:
                    f.seek(esize)
                    for line in f.read().splitlines()[-3:]:
                        print("    error.log: %s" % line[:300])
            if bad:
                print("--- %s: the site file\n%s---" % (name, site))
                kept.append(case)
            else:
                cfg_ok += 1
    finally:
        h.stop()
    if a.keep and kept:
        with open(a.keep, "a") as f:
            for c in kept:
                f.write(json.dumps(c) + "\n")
    pct = 100.0 * agree / total if total else 0.0
    print("answers: %s" % ", ".join("%s %d" % kv for kv in
                                    sorted(kinds.items())))
    print("seen: %s" % "; ".join("%s: %s" % (k, " ".join(sorted(v)))
                                 for k, v in sorted(seen.items())))
    print("differential: seed %d, %d configurations (%d fully agree, %d "
          "refused by Apache), %d requests: %d agree (%.2f%%) in %.0f s" %
          (a.seed, cfg_all, cfg_ok, rejected, total, agree, pct,
           time.time() - t0))
    if rejected or (agree != total and not a.no_fail) or total == 0:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
