#!/usr/bin/env python3
"""Validate vhostfix's JSON output and print it in the fixtures' line format.

    vfjson.py findings FILE   check --format json: validate, then print one
                              "RULE FILE:LINE SEVERITY" per finding
    vfjson.py vhosts FILE     list or check --format json: validate, then
                              print one "FILE:LINE NAME [ALIAS...]" per vhost,
                              in the document's order
    vfjson.py list FILE       like vhosts, and the document must carry no
                              findings (list prints the check document
                              without them)
    vfjson.py pair CHECK LIST PREFIX
                              all three at once (one interpreter start),
                              into PREFIX.findings (sorted),
                              PREFIX.check-vhosts and PREFIX.list-vhosts

The document format is the one README.md describes ("JSON format").  Any
deviation is printed to stderr and the exit status is 1.
"""

import json
import sys

# Rule ids and severities of the rule table (a stable interface).  The
# reverse-* severities follow the harm the redirect model predicts.
RULES = {
    "parse-error": {"error"},
    "reverse-socket-prefix": {"error", "warning", "info"},
    "reverse-mismatch": {"error", "warning", "info"},
    "reverse-missing": {"error", "warning", "info"},
    "reverse-scheme-missing": {"error", "warning", "info"},
    "proxypass-order": {"error"},
    "trailing-slash": {"error", "warning"},
    "forwarded-proto-missing": {"warning"},
    "server-header-exposed": {"info"},
    "module-missing": {"error"},
    "socket-missing": {"warning", "info"},
    "socket-permission": {"error"},
    "socket-path-too-long": {"error"},
    "socket-in-private-tmp": {"warning"},
    "socket-label-shared": {"error"},
    "socket-url-syntax": {"error"},
    "reverse-no-effect": {"info"},
    "forwarded-proto-spoofable": {"info"},
    "preserve-host-conflict": {"warning"},
    "listen-duplicate": {"error"},
    "servername-duplicate": {"warning"},
    "open-proxy": {"error"},
    "tls-certificate-missing": {"error"},
    "tls-port-plain": {"error"},
    "ssl-proxy-engine-missing": {"error"},
    "proxypass-not-url": {"error"},
    "alias-shadowed": {"warning"},
    "socket-stale": {"error"},
    "socket-backlog-full": {"warning"},
    "backend-ipv6-first": {"warning", "error"},
    "backend-unreachable": {"error"},
    "log-unmatched": {"info"},
}
EVIDENCE_KEYS = ("log", "code", "errno", "error", "backend", "address",
                 "count", "first", "last", "debug", "sample")
PREVIEW_RULES = {"reverse-socket-prefix", "reverse-mismatch",
                 "reverse-missing", "reverse-scheme-missing"}

errors = []


def bad(where, what):
    errors.append("%s: %s" % (where, what))


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_finding(f, where):
    if not isinstance(f, dict):
        bad(where, "finding is not an object")
        return None
    for key in ("rule", "severity", "file", "line", "message",
                "suggestion"):
        if key not in f:
            bad(where, "finding has no %r" % key)
    rule = f.get("rule")
    sev = f.get("severity")
    if rule not in RULES:
        bad(where, "unknown rule id %r" % (rule,))
    elif sev not in RULES[rule]:
        bad(where, "%s has severity %r, the rule table says %s"
            % (rule, sev, "/".join(sorted(RULES[rule]))))
    path = f.get("file")
    if path is not None and (not isinstance(path, str)
                             or not path.startswith("/")):
        bad(where, "file %r is not root-relative with a leading /"
            % (path,))
    line = f.get("line")
    if not is_int(line) or line < 0:
        bad(where, "line %r is not a line number" % (line,))
    msg = f.get("message")
    if not isinstance(msg, str) or not msg or "\n" in msg:
        bad(where, "message is not one non-empty line: %r" % (msg,))
    sug = f.get("suggestion")
    if isinstance(sug, list):
        if not all(isinstance(s, str) for s in sug):
            bad(where, "suggestion list holds non-strings")
    elif sug is not None and not isinstance(sug, str):
        bad(where, "suggestion is neither text, a list of lines nor null")
    if "preview" in f and f["preview"] is not None:
        p = f["preview"]
        if rule not in PREVIEW_RULES:
            bad(where, "preview on a %s finding" % rule)
        if not isinstance(p, dict):
            bad(where, "preview is not an object")
        else:
            for key in ("backend_location", "visitor_location_before",
                        "visitor_location_after"):
                if key not in p:
                    bad(where, "preview has no %r" % key)
                elif p[key] is not None and not isinstance(p[key], str):
                    bad(where, "preview %s is not a string" % key)
    if "evidence" in f:
        ev = f["evidence"]
        if not isinstance(ev, list) or not ev:
            bad(where, "evidence is not a non-empty list")
        else:
            for e in ev:
                if not isinstance(e, dict) or \
                        any(k not in e for k in EVIDENCE_KEYS):
                    bad(where, "evidence entry lacks one of %s: %r"
                        % (", ".join(EVIDENCE_KEYS), e))
                elif not is_int(e["count"]) or e["count"] < 1 or \
                        not is_int(e["errno"]):
                    bad(where, "evidence count/errno are not numbers")
    return "%s %s:%s %s" % (rule, path if path is not None else "-",
                            line, sev)


def check_vhost(v, i, with_findings, reject_findings):
    where = "vhosts[%d]" % i
    if not isinstance(v, dict):
        bad(where, "not an object")
        return None, []
    for key in ("file", "line", "addresses", "server_name", "aliases",
                "tls"):
        if key not in v:
            bad(where, "no %r" % key)
    if not isinstance(v.get("file"), str) or not v["file"].startswith("/"):
        bad(where, "file %r is not root-relative with a leading /"
            % (v.get("file"),))
    if not is_int(v.get("line")) or v.get("line", 0) < 1:
        bad(where, "line %r is not a line number" % (v.get("line"),))
    addrs = v.get("addresses")
    if not isinstance(addrs, list) or not all(isinstance(a, str)
                                              for a in addrs):
        bad(where, "addresses is not a list of strings")
    name = v.get("server_name")
    if name is not None and not isinstance(name, str):
        bad(where, "server_name is neither a string nor null")
    aliases = v.get("aliases")
    if not isinstance(aliases, list) or not all(isinstance(a, str)
                                                for a in aliases):
        bad(where, "aliases is not a list of strings")
        aliases = []
    if not isinstance(v.get("tls"), bool):
        bad(where, "tls is not a boolean")
    found = []
    if with_findings:
        fl = v.get("findings")
        if not isinstance(fl, list):
            bad(where, "findings is not a list")
        else:
            for j, f in enumerate(fl):
                found.append(check_finding(f, "%s.findings[%d]" % (where, j)))
    elif reject_findings and v.get("findings"):
        bad(where, "list output carries findings")
    desc = "%s:%s %s" % (v.get("file"), v.get("line"),
                         name if name is not None else "-")
    if aliases:
        desc += " " + " ".join(aliases)
    return desc, found


def validate(path, mode):
    """Validate one document; returns (error lines, output lines)."""
    del errors[:]
    try:
        with open(path, encoding="utf-8") as fp:
            doc = json.load(fp)
    except (OSError, ValueError, UnicodeDecodeError) as e:
        return ["%s: not valid JSON: %s" % (path, e)], []
    if not isinstance(doc, dict):
        return ["%s: the document is not an object" % path], []
    with_findings = mode == "findings"
    reject_findings = mode == "list"
    if doc.get("version") != 1:
        bad("document", "version is %r, not 1" % (doc.get("version"),))
    for key in ("root", "config"):
        if not isinstance(doc.get(key), str):
            bad("document", "%s is not a string" % key)
    vhosts = doc.get("vhosts")
    if not isinstance(vhosts, list):
        bad("document", "vhosts is not a list")
        vhosts = []
    descs, found = [], []
    for i, v in enumerate(vhosts):
        d, f = check_vhost(v, i, with_findings, reject_findings)
        descs.append(d)
        found.extend(f)
    if with_findings:
        top = doc.get("findings")
        if not isinstance(top, list):
            bad("document", "findings is not a list")
        else:
            for j, f in enumerate(top):
                found.append(check_finding(f, "findings[%d]" % j))
        s = doc.get("summary")
        if not isinstance(s, dict):
            bad("document", "summary is not an object")
        else:
            sevs = [x.rsplit(" ", 1)[1] for x in found if x]
            for key, sev in (("errors", "error"), ("warnings", "warning"),
                             ("infos", "info")):
                if s.get(key) != sevs.count(sev):
                    bad("summary", "%s is %r, the findings hold %d"
                        % (key, s.get(key), sevs.count(sev)))
    elif reject_findings and doc.get("findings"):
        bad("document", "list output carries findings")
    errs = ["%s: %s" % (path, e) for e in errors]
    return errs, (found if with_findings else descs)


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] in ("findings", "vhosts", "list"):
        errs, out = validate(args[1], args[0])
        for e in errs:
            print(e, file=sys.stderr)
        if errs:
            return 1
        for line in out:
            print(line)
        return 0
    if len(args) == 4 and args[0] == "pair":
        # check's and list's documents of one tree, in one run: writes
        # PREFIX.findings, PREFIX.check-vhosts and PREFIX.list-vhosts.
        check, lst, prefix = args[1:]
        allerrs = []
        for mode, path, suffix in (("findings", check, "findings"),
                                   ("vhosts", check, "check-vhosts"),
                                   ("list", lst, "list-vhosts")):
            errs, out = validate(path, mode)
            allerrs.extend(e for e in errs if e not in allerrs)
            with open(prefix + "." + suffix, "w") as fp:
                fp.writelines(line + "\n" for line in
                              (sorted(out) if mode == "findings" else out))
        for e in allerrs:
            print(e, file=sys.stderr)
        return 1 if allerrs else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
