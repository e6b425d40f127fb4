#!/usr/bin/env python3
"""A small checker of the Prometheus text exposition format (version 0.0.4),
for `vhostfix check --format prometheus`.

    promcheck.py FILE

Checks every line: "# HELP name text", "# TYPE name gauge|counter|...",
or "name{label="value",...} number [timestamp]", with valid metric and
label names, label values escaped as the format says (\\\\, \\", \\n only),
a TYPE line before a family's samples, each family's lines together, and
no series twice.  Prints the samples as JSON ([name, {labels}, value]) on
stdout; any error to stderr, exit 1.
"""

import json
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_labels(s, i, lineno):
    labels = {}
    assert s[i] == "{"
    i += 1
    while s[i] != "}":
        m = LABEL.match(s, i)
        if not m:
            raise ValueError("line %d: bad label name at %d" % (lineno, i))
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            raise ValueError("line %d: expected =\" after %s" % (lineno, name))
        i += 2
        val = []
        while s[i] != '"':
            if s[i] == "\\":
                nxt = s[i + 1]
                if nxt not in '\\"n':
                    raise ValueError("line %d: bad escape \\%s" % (lineno, nxt))
                val.append("\n" if nxt == "n" else nxt)
                i += 2
            elif s[i] == "\n":
                raise ValueError("line %d: raw newline in a label" % lineno)
            else:
                val.append(s[i])
                i += 1
        i += 1
        if name in labels:
            raise ValueError("line %d: label %s twice" % (lineno, name))
        labels[name] = "".join(val)
        if s[i] == ",":
            i += 1
        elif s[i] != "}":
            raise ValueError("line %d: expected , or } at %d" % (lineno, i))
    return labels, i + 1


def main():
    data = open(sys.argv[1], "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        print("not UTF-8: %s" % e, file=sys.stderr)
        return 1
    if not text.endswith("\n"):
        print("the last line has no newline", file=sys.stderr)
        return 1
    typed, helped, seen, done, samples = {}, set(), set(), set(), []
    current = None
    try:
        for lineno, line in enumerate(text.split("\n")[:-1], 1):
            if line.startswith("# HELP ") or line.startswith("# TYPE "):
                parts = line.split(" ", 3)
                if len(parts) < 4 or not NAME.fullmatch(parts[2]):
                    raise ValueError("line %d: bad %s line" % (lineno, parts[1]))
                fam = parts[2]
                if fam in done:
                    raise ValueError("line %d: family %s not together" % (lineno, fam))
                if current is not None and current != fam:
                    done.add(current)
                current = fam
                if parts[1] == "TYPE":
                    if parts[3] not in TYPES or fam in typed:
                        raise ValueError("line %d: bad or second TYPE" % lineno)
                    typed[fam] = parts[3]
                else:
                    if fam in helped:
                        raise ValueError("line %d: second HELP" % lineno)
                    helped.add(fam)
                continue
            if line.startswith("#") or line == "":
                continue
            m = NAME.match(line)
            if not m:
                raise ValueError("line %d: bad metric name" % lineno)
            name, i = m.group(0), m.end()
            labels = {}
            if i < len(line) and line[i] == "{":
                labels, i = parse_labels(line, i, lineno)
            rest = line[i:].split(" ")
            if rest[0] != "" or len(rest) not in (2, 3):
                raise ValueError("line %d: expected ' value [timestamp]'" % lineno)
            value = float(rest[1])
            if name not in typed:
                raise ValueError("line %d: %s has no TYPE before it" % (lineno, name))
            if name != current:
                if name in done:
                    raise ValueError("line %d: family %s not together" % (lineno, name))
                if current is not None:
                    done.add(current)
                current = name
            key = (name, tuple(sorted(labels.items())))
            if key in seen:
                raise ValueError("line %d: series twice: %s" % (lineno, key))
            seen.add(key)
            samples.append([name, labels, value])
    except (ValueError, IndexError) as e:
        print("%s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    json.dump(samples, sys.stdout)
    print()
    return 0


sys.exit(main())
