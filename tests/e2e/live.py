# live.py: assertions on "vhostfix check --format json" for the live
# evidence tests.
#
#   python3 live.py CHECK.json RULE FILE-SUFFIX LINE [CODE ERRNO BACKEND
#       COUNT [MESSAGE-PART]]
#
# Exit 0 when CHECK.json has a finding RULE at a file ending in FILE-SUFFIX,
# line LINE, and (when CODE is given) its "evidence" holds an entry with
# that code, errno, backend and count, taken from the error log; and its
# message contains MESSAGE-PART.  "-" skips a field.
import json
import sys


def main():
    doc = json.load(open(sys.argv[1]))
    rule, suffix, line = sys.argv[2], sys.argv[3], int(sys.argv[4])
    want = sys.argv[5:]
    seen = []
    for v in doc.get("vhosts", []) + [{"findings": doc.get("findings", [])}]:
        for f in v.get("findings", []):
            seen.append("%s %s:%s" % (f["rule"], f["file"], f["line"]))
            if f["rule"] != rule or f["line"] != line or \
                    not (f["file"] or "").endswith(suffix):
                continue
            if len(want) >= 5 and want[4] not in f["message"]:
                print("message lacks %r: %s" % (want[4], f["message"]))
                sys.exit(1)
            if not want:
                sys.exit(0)
            code, err, backend, count = want[:4]
            for e in f.get("evidence", []):
                if e["code"] == code and \
                        (err == "-" or e["errno"] == int(err)) and \
                        (backend == "-" or e["backend"] == backend) and \
                        (count == "-" or e["count"] == int(count)) and \
                        e["sample"] and code in e["sample"]:
                    print("evidence: %s" % e["sample"])
                    sys.exit(0)
            print("no evidence %s in %s" % (want[:4], f.get("evidence")))
            sys.exit(1)
    print("no %s at %s:%d; findings: %s" % (rule, suffix, line, seen))
    sys.exit(1)


main()
