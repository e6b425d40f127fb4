#!/usr/bin/env python3
"""Validate `vhostfix fix --format json` documents against data/fix.schema.json.

    fixjson.py SCHEMA DOC [KEY=VALUE...]

Each KEY=VALUE is checked against the document after validation: KEY is a
top-level field (or FIELD.SUB for one level down, FIELD.n for a list's
length), VALUE is compared as JSON (true, 3, "written") or, if it does not
parse as JSON, as a string.  Any failure is printed to stderr, exit 1.
"""

import json
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(77)


def get(doc, key):
    cur = doc
    for part in key.split("."):
        if part == "n":
            cur = len(cur)
        elif isinstance(cur, list):
            cur = cur[int(part)]
        else:
            cur = cur[part]
    return cur


def main():
    schema = json.load(open(sys.argv[1]))
    try:
        doc = json.load(open(sys.argv[2]))
    except ValueError as e:
        print("%s: not JSON: %s" % (sys.argv[2], e), file=sys.stderr)
        return 1
    v = jsonschema.Draft202012Validator(schema)
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        print("%s: %s at %s" % (sys.argv[2], e.message,
              "/".join(map(str, e.path))), file=sys.stderr)
    bad = 1 if errors else 0
    for kv in sys.argv[3:]:
        key, _, want = kv.partition("=")
        try:
            want = json.loads(want)
        except ValueError:
            pass
        try:
            got = get(doc, key)
        except (KeyError, IndexError, TypeError, ValueError):
            got = "<missing>"
        if got != want:
            print("%s: %s is %r, expected %r" % (sys.argv[2], key, got, want),
                  file=sys.stderr)
            bad = 1
    return bad


sys.exit(main())
