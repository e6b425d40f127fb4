#!/usr/bin/env python3
"""Compare vhostfix check --format json with a realworld EXPECT file.

    compare.py EXPECT CHECK.json SITE TOTALS

SITE is the enabled site without ".conf": site.conf is SITE.conf, another
X.conf of the case is SITE-X.conf.  EXPECT (see README.md): one "KEY RULE
[info-ok]" or "KEY -" a line, KEY being the line of the <VirtualHost> in
site.conf, "X.conf:LINE" for another file, or "server" for findings
outside any vhost; "#" starts a comment.  "info-ok": the rule
may be reported at severity info (a dead line that changes nothing for
the visitor) and must not be reported higher; it is no miss when absent.

Prints, per vhost, what is expected and what vhostfix reports, appends
"VHOSTS FALSE_ALARMS MISSES" to TOTALS, exits 1 on any difference.
"""

import json
import sys


def load_expect(path):
    want = {}       # key -> {rule: "required" | "info-ok"}
    keys = []
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        key = line[0]
        if key not in want:
            want[key] = {}
            keys.append(key)
        if len(line) < 2 or line[1] == "-":
            continue
        mode = "required"
        if len(line) > 2:
            if line[2] != "info-ok":
                sys.exit("%s:%d: unknown word %r" % (path, n, line[2]))
            mode = "info-ok"
        want[key][line[1]] = mode
    return want, keys


def main():
    expect, doc_path, site, totals = sys.argv[1:5]
    try:
        want, keys = load_expect(expect)
    except OSError as e:
        print("   FAIL: %s" % e)
        return 1
    try:
        doc = json.load(open(doc_path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        print("   FAIL: check --format json gave no JSON: %s" % e)
        return 1
    got = {}        # key -> {rule: set of severities}
    names = {}
    nvhosts = 0
    for v in doc.get("vhosts", []):
        f = v.get("file", "")
        if f == site + ".conf":
            key = str(v.get("line"))
        elif f.startswith(site + "-") and f.endswith(".conf"):
            key = "%s:%s" % (f[len(site) + 1:], v.get("line"))
        else:
            continue
        nvhosts += 1
        names[key] = "%s %s" % (v.get("server_name") or "-",
                                " ".join(v.get("addresses", [])))
        got.setdefault(key, {})
        for f in v.get("findings", []):
            got[key].setdefault(f["rule"], set()).add(f["severity"])
    for f in doc.get("findings", []):
        got.setdefault("server", {}).setdefault(
            f["rule"], set()).add(f["severity"])
    names.setdefault("server", "(outside any vhost)")

    bad = 0
    false_alarms = misses = 0
    for key in sorted(set(want) | set(got),
                      key=lambda k: (k == "server", ":" in k,
                                     int(k.rsplit(":", 1)[-1])
                                     if k != "server" else 0)):
        w = want.get(key)
        g = got.get(key, {})
        if w is None and key != "server":
            print("   FAIL: %s (%s) is not in EXPECT" % (key, names[key]))
            bad = 1
            w = {}
        elif w is None:
            w = {}
        if key not in names:
            print("   FAIL: EXPECT names %s, which vhostfix does not list"
                  % key)
            bad = 1
        fa = []
        mi = []
        for rule, sev in sorted(g.items()):
            mode = w.get(rule)
            if mode is None or (mode == "info-ok" and sev != {"info"}):
                fa.append("%s(%s)" % (rule, ",".join(sorted(sev))))
        for rule, mode in sorted(w.items()):
            if mode == "required" and rule not in g:
                mi.append(rule)
        exp = " ".join("%s%s" % (r, "?" if m == "info-ok" else "")
                       for r, m in sorted(w.items())) or "-"
        act = " ".join(sorted(g)) or "-"
        mark = "ok" if not fa and not mi else "DIFF"
        print("   %-4s %-6s %s" % (mark, key, names.get(key, "?")))
        print("        expected: %s" % exp)
        print("        actual:   %s" % act)
        if fa:
            print("        false alarm: %s" % " ".join(fa))
        if mi:
            print("        miss: %s" % " ".join(mi))
        false_alarms += len(fa)
        misses += len(mi)
    with open(totals, "a", encoding="utf-8") as t:
        t.write("%d %d %d\n" % (nvhosts, false_alarms, misses))
    return 1 if bad or false_alarms or misses else 0


if __name__ == "__main__":
    sys.exit(main())
