#!/usr/bin/env python3
# gen.py: random, valid Apache reverse-proxy configurations and requests
# for the differential test (run.py), from a seed.
#
#   gen.py SEED N      prints N cases as JSON lines
#
# A case is one site file (1-4 vhosts) and about 10 requests.  The text
# holds placeholders the runner fills in: @P1@ (the plain HTTP port),
# @P2@ (the TLS port), @SOCKA@ @SOCKB@ (two gunicorn Unix sockets),
# @PC@ (a gunicorn TCP port), @TLS@ (the certificate directory),
# @DOCS@ (a directory for Alias).  Each vhost sends "X-Diff-Vhost: vN" so
# the runner can tell which vhost answered.
#
# What it mixes: names, aliases (exact and wildcard), vhosts without
# ServerName, "*" and "127.0.0.1" addresses, TLS; ProxyPass lines to
# Unix sockets with equal, prefix and distinct labels after "|", TCP
# backends, "!" exclusions, <Location> forms, Alias, ProxyPreserveHost,
# X-Forwarded-Proto variants, ProxyPassReverse lines right, wrong, for
# other paths, and missing.
import json
import random
import sys

NAMES = ["app.test", "shop.test", "blog.test", "api.test", "wiki.test"]
MOUNTS = ["/", "/app/", "/api/", "/app/api/", "/static/", "/shop/",
          "/shop", "/api/admin/", "/signup"]
LABELS = ["http://localhost/", "http://localhost/api/", "http://lbl-a/",
          "http://lbl-b/", "http://lbl-a/app/", "http://localhost/app/",
          "http://localhost"]
XFP = [None, None, 'set X-Forwarded-Proto "https"',
       "set X-Forwarded-Proto expr=%{REQUEST_SCHEME}",
       'set X-Forwarded-Proto "http"', "setifempty X-Forwarded-Proto https",
       "unset X-Forwarded-Proto", "set X-Forwarded-Proto %{REQUEST_SCHEME}s"]
# Forms beyond ProxyPass, each with the mount its requests use.
EXTRAS = [
    ("RewriteRule ^/r/(.*)$ http://127.0.0.1:@PC@/rw/$1 [P]", "/r/"),
    ("RewriteRule ^/old/(.*)$ /new/$1 [R=301,L]", "/old/"),
    ("RewriteRule ^/gone$ - [G]", "/gone"),
    ("Redirect /go/ http://elsewhere.test/landing/", "/go/"),
    ("Redirect 301 /here/ /there/", "/here/"),
    ("RedirectMatch 301 ^/rm/(.*)$ https://elsewhere.test/$1", "/rm/"),
    ("ProxyPassMatch ^/m/(.*)$ http://127.0.0.1:@PC@/pm/$1", "/m/"),
    ("ProxyPassMatch ^/n/.*$ unix:@SOCKB@|http://lbl-b", "/n/"),
]
SERVER = [
    "ProxyPass /health/ unix:@SOCKB@|http://localhost/health/",
    "ProxyPass /srv/ http://127.0.0.1:@PC@/srv/",
    "ProxyPassReverse / http://127.0.0.1:@PC@/",
    'RequestHeader set X-Forwarded-Proto "https"',
    "ProxyPreserveHost On",
    "Redirect /here/ http://server-level.test/",
    "Alias /files/ @DOCS@/files/",
]


def backend_url(rnd, mount):
    """A ProxyPass target and the backend it names."""
    kind = rnd.choice(["A", "B", "A", "B", "C", "C"])
    if kind == "C":
        path = rnd.choice(["/", "/", "/x/", mount if mount.endswith("/")
                           else mount + "/"])
        url = "http://127.0.0.1:@PC@" + path
    else:
        url = rnd.choice(LABELS)
        url = "unix:@SOCK%s@|%s" % (kind, url)
    # Keep both sides' trailing slash alike, mostly: a mismatch is its
    # own rule (trailing-slash) and glues paths.
    after = url.split("|")[-1]
    if mount.endswith("/") != after.endswith("/") and rnd.random() < 0.8:
        if mount.endswith("/"):
            url += "/"
        else:
            url = url.rstrip("/") if after.count("/") > 3 else url
    return url


def reverse_for(rnd, mount, url, names):
    """A ProxyPassReverse for a ProxyPass: right, for another path, with
    the socket prefix, https, a name, or none."""
    if url == "!":
        return None
    after = url.split("|")[-1]
    r = rnd.random()
    if r < 0.45:
        return (mount, after)
    if r < 0.55:
        return (mount, url)                 # unix:...| prefix: dead
    if r < 0.65:
        return ("/signup", after)           # another path first
    if r < 0.75:
        return (mount, after.replace("http://", "https://"))
    if r < 0.85 and names:
        return (mount, "http://%s:@P1@/" % rnd.choice(names))
    return None


def gen_vhost(rnd, idx, used_names):
    v = {"id": "v%d" % idx}
    tls = rnd.random() < 0.25
    if tls:
        addr = "*:@P2@"
    else:
        addr = rnd.choice(["*:@P1@", "*:@P1@", "*:@P1@", "127.0.0.1:@P1@",
                           "_default_:@P1@", "127.0.0.1:@P1@ *:@P1@",
                           "127.0.0.2:@P1@"])
    v["tls"] = tls
    names = []
    if rnd.random() < 0.9:
        free = [n for n in NAMES if n not in used_names] or NAMES
        if rnd.random() < 0.1:
            free = NAMES
        name = rnd.choice(free)
        used_names.add(name)
        names.append(name)
        v["name"] = name
    else:
        v["name"] = None
    aliases = []
    if rnd.random() < 0.5:
        base = v["name"] or rnd.choice(NAMES)
        aliases.append(rnd.choice(["www.", "*.", "m."]) + base)
    if rnd.random() < 0.2:
        aliases.append(rnd.choice(NAMES))
    v["aliases"] = aliases
    lines = ["<VirtualHost %s>" % addr]
    if v["name"]:
        lines.append("\tServerName %s%s" % (v["name"], rnd.choice(
            ["", "", "", ":@P1@", ":80"])))
    if aliases:
        lines.append("\tServerAlias %s" % " ".join(aliases))
    if tls:
        lines.append("\tSSLEngine on")
        lines.append("\tSSLCertificateFile @TLS@/cert.pem")
        lines.append("\tSSLCertificateKeyFile @TLS@/key.pem")
    lines.append('\tHeader always set X-Diff-Vhost "%s"' % v["id"])
    if rnd.random() < 0.35:
        lines.append("\tProxyPreserveHost On")
    xfp = rnd.choice(XFP)
    if xfp:
        lines.append("\tRequestHeader %s" % xfp)
    if rnd.random() < 0.1:
        lines.append("\tProxyAddHeaders Off")
    mounts = []
    locs = []
    n = rnd.randint(1, 6)
    for _ in range(n):
        mount = rnd.choice(MOUNTS)
        r = rnd.random()
        if r < 0.12 and mount != "/":
            lines.append("\tProxyPass %s !" % mount)
            mounts.append(mount)
            continue
        url = backend_url(rnd, mount)
        if r < 0.3 and mount != "/":
            if r < 0.15:
                url = "!"
            locs.append((mount, url, reverse_for(rnd, mount, url,
                                                 names + aliases)))
            mounts.append(mount)
            continue
        lines.append("\tProxyPass %s %s" % (mount, url))
        rev = reverse_for(rnd, mount, url, [x for x in names + aliases
                                            if "*" not in x])
        if rev:
            lines.append("\tProxyPassReverse %s %s" % rev)
        mounts.append(mount)
    if rnd.random() < 0.3:
        lines.append("\tAlias /files/ @DOCS@/")
        mounts.append("/files/")
    if rnd.random() < 0.3:
        extras = rnd.sample(EXTRAS, rnd.randint(1, 3))
        if any(e[0].startswith("Rewrite") for e in extras):
            lines.append("\tRewriteEngine On")
        for e, m in extras:
            lines.append("\t" + e)
            mounts.append(m)
    for mount, url, rev in locs:
        lines.append("\t<Location %s>" % mount)
        lines.append("\t\tProxyPass %s" % url)
        if rev:
            lines.append("\t\tProxyPassReverse %s" % rev[1])
        lines.append("\t</Location>")
    lines.append("</VirtualHost>")
    v["mounts"] = mounts
    return v, lines


def gen_case(rnd, k):
    used = set()
    vhosts = []
    text = ["# differential case %d" % k,
            "<Directory @DOCS@>", "\tRequire all granted", "</Directory>"]
    server_mounts = []
    if rnd.random() < 0.2:
        for line in rnd.sample(SERVER, rnd.randint(1, 2)):
            text.append(line)
            if line.split()[0] in ("ProxyPass", "Redirect", "Alias"):
                server_mounts.append(line.split()[1])
    for i in range(rnd.randint(1, 4)):
        v, lines = gen_vhost(rnd, i, used)
        v["line"] = len(text) + 1
        text.extend(lines)
        vhosts.append(v)
    reqs = []
    for _ in range(10):
        v = rnd.choice(vhosts)
        r = rnd.random()
        if r < 0.6 and v["name"]:
            host = v["name"]
        elif r < 0.75 and v["aliases"]:
            host = rnd.choice(v["aliases"]).replace("*", "x")
        elif r < 0.85:
            host = "unknown.test"
        elif r < 0.88:
            host = "127.0.0.1"
        elif r < 0.9:
            host = "localhost"
        else:
            host = rnd.choice(NAMES)
        tls = v["tls"]
        if rnd.random() < 0.1 and any(x["tls"] for x in vhosts):
            tls = not tls
        mount = rnd.choice(v["mounts"] + server_mounts + ["/"])
        path = mount + rnd.choice(["", "x", "api/admin", "next",
                                   "files/hello.txt"])
        if rnd.random() < 0.15:
            path = rnd.choice(["/apple", "/application/x", "/other",
                               "/shopping", "/api", "/app"])
        path = path.replace("//", "/")
        if rnd.random() < 0.08:
            # As browsers and scripts send them: Apache merges the
            # slashes, resolves dot segments, decodes unreserved %XX.
            path = rnd.choice(["/.", "/x/..", "/", "/%2E"]) + path
            path = path.replace("/a", "/%61", 1) if rnd.random() < 0.5 \
                else path.replace("/", "//", 2)
        if rnd.random() < 0.1:
            path += "?q=1"
        req = {"host": host, "tls": tls, "path": path,
               "xfp": rnd.choice([None, None, None, "https", "http"])}
        if rnd.random() < 0.1:
            req["xfh"] = "client.test"
        reqs.append(req)
    return {"case": k, "site": "\n".join(text) + "\n", "vhosts": vhosts,
            "requests": reqs}


def main():
    seed = int(sys.argv[1])
    n = int(sys.argv[2])
    rnd = random.Random(seed)
    for k in range(n):
        print(json.dumps(gen_case(rnd, k)))


if __name__ == "__main__":
    main()
