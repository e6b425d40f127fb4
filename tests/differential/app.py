# An echo backend for the differential test, one gunicorn per socket or
# port, told apart by BACKEND_ID.  Every answer carries, in X-Echo-*
# headers (which Apache passes on untouched), what this backend received:
# its id, the path, Host and X-Forwarded-* headers.  With a request header
# X-Diff-Redirect: PATH it redirects (302) the way web frameworks do: to
# <scheme>://<Host>PATH, the scheme being what gunicorn makes of
# X-Forwarded-Proto from a trusted peer (Unix sockets, 127.0.0.1).
import os

BACKEND = os.environ.get("BACKEND_ID", "?")


def app(environ, start_response):
    raw = environ.get("RAW_URI", environ.get("PATH_INFO", "/"))
    path = raw.split("?", 1)[0]
    host = environ.get("HTTP_HOST", "")
    scheme = environ["wsgi.url_scheme"]
    headers = [("Content-Type", "text/plain"),
               ("X-Echo-Backend", BACKEND),
               ("X-Echo-Path", path),
               ("X-Echo-Host", host)]
    for name in ("X_FORWARDED_PROTO", "X_FORWARDED_HOST",
                 "X_FORWARDED_SERVER"):
        value = environ.get("HTTP_" + name)
        if value is not None:
            headers.append(("X-Echo-" + name.replace("_", "-").title()
                            .replace("X-Forwarded-", "Xf-"), value))
    target = environ.get("HTTP_X_DIFF_REDIRECT")
    if target is not None:
        location = "%s://%s%s" % (scheme, host, target or "/")
        status = "302 Found"
        headers.append(("Location", location))
        headers.append(("X-Echo-Location", location))
    else:
        status = "200 OK"
    data = ("backend %s path %s\n" % (BACKEND, path)).encode()
    headers.append(("Content-Length", str(len(data))))
    start_response(status, headers)
    return [data]
