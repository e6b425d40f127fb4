# sockhelper.py: the broken backends of the live-evidence tests.
#
#   stale PATH          a socket file nobody listens on (bound, closed,
#                       mode 0777): what a crashed backend leaves behind
#   listen PATH MODE    a Unix socket that listens (never answers), chmod
#                       MODE (octal): for permission cases
#   reset PORT          TCP on 127.0.0.1:PORT that reads the request and
#                       closes the connection without a reply
import os
import socket
import sys
import time


def main():
    what = sys.argv[1]
    if what == "stale":
        s = socket.socket(socket.AF_UNIX)
        s.bind(sys.argv[2])
        s.close()
        os.chmod(sys.argv[2], 0o777)
        return
    if what == "listen":
        s = socket.socket(socket.AF_UNIX)
        s.bind(sys.argv[2])
        os.chmod(sys.argv[2], int(sys.argv[3], 8))
        s.listen(64)
        while True:
            time.sleep(60)
    if what == "reset":
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(sys.argv[2])))
        s.listen(16)
        while True:
            c, _ = s.accept()
            c.recv(4096)
            c.close()
    sys.exit("sockhelper.py: unknown command " + what)


main()
