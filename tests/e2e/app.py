# A tiny WSGI backend for the end-to-end tests, served by gunicorn on a
# Unix socket.  Like most web frameworks, it builds absolute redirects from
# the Host header and the scheme gunicorn reports (wsgi.url_scheme, which
# gunicorn sets to https when a trusted peer sends X-Forwarded-Proto: https;
# Unix-socket peers are always trusted).
#
#   /seen      200, body "host=<Host> scheme=<scheme>": what the backend saw
#   /whoami/*  200, body "<$E2E_APP_NAME> <path>": which backend answered
#   /static/*  200, body "static from the backend": proves a path reached it
#   /fwd/*     302 to <scheme>://<X-Forwarded-Host, else Host>/next, as
#              frameworks told to trust X-Forwarded-Host build it (Django's
#              USE_X_FORWARDED_HOST, werkzeug's ProxyFix(x_host=1)), also
#              in X-Backend-Location
#   */go       302 to <scheme>://<Host><the same directory>/next (an
#              application redirecting within itself, wherever it is
#              mounted), also in X-Backend-Location
#   anything   302 to <scheme>://<Host>/next, with the same URL in
#              X-Backend-Location, which Apache does not rewrite: the test
#              sees both what the backend sent and what the visitor got


import os


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    host = environ.get("HTTP_HOST", "")
    scheme = environ["wsgi.url_scheme"]
    if "/whoami/" in path:
        body = "%s %s\n" % (os.environ.get("E2E_APP_NAME", "app"), path)
        status = "200 OK"
        headers = [("Content-Type", "text/plain")]
    elif path == "/seen":
        body = "host=%s scheme=%s\n" % (host, scheme)
        status = "200 OK"
        headers = [("Content-Type", "text/plain")]
    elif path.startswith("/static/"):
        body = "static from the backend\n"
        status = "200 OK"
        headers = [("Content-Type", "text/plain")]
    else:
        body = "redirecting\n"
        status = "302 Found"
        where = path.rsplit("/", 1)[0] if path.endswith("/go") else ""
        if path.startswith("/fwd/"):
            host = environ.get("HTTP_X_FORWARDED_HOST", host)
        location = "%s://%s%s/next" % (scheme, host, where)
        headers = [("Content-Type", "text/plain"),
                   ("Location", location),
                   ("X-Backend-Location", location)]
    data = body.encode()
    headers.append(("Content-Length", str(len(data))))
    start_response(status, headers)
    return [data]
