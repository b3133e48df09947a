#!/usr/bin/env python3
"""http_keepalive.py: a keep-alive HTTP server for tests/41-many-urls.bats: many requests
on one connection, canned responses chosen by the test, and the ways a kept connection
goes wrong.

usage: http_keepalive.py DIR [--bind ADDR] [--close-every N]

Prints "port N" once it listens (on ADDR, default 127.0.0.1, a free port). Each accepted
connection adds a line to DIR/accepts.log; each request adds "CONN METHOD PATH close|keep"
to DIR/requests.log (CONN counts connections from 1; close if the request carried
Connection: close). A request for /KIND/NAME answers with the bytes of DIR/NAME (NAME
percent-decoded), a whole response written by the test, then reads the next request:

  /r/NAME       send them
  /drop/NAME    on a connection that answered before: close at once without a word
                (FIN); on a new one: send them
  /rst/NAME     the same, with a reset (RST) instead of a FIN
  /never/NAME   never answer: close at once
  anything else 404 with an empty body

--close-every N: close (FIN) after every Nth response of a connection, saying nothing
beforehand, as a server whose keep-alive limit is reached without a Connection: close.
"""
import os
import socket
import struct
import sys
import threading
import urllib.parse

from http_fixture import close_gently

HEAD_MAX = 65536
lock = threading.Lock()
accepts = [0]


def log(directory, name, line):
    with lock:
        with open(os.path.join(directory, name), "ab") as f:
            f.write(line + b"\n")


def read_head(conn, buf):
    """A request head and what followed it; (None, b"") when the client has gone."""
    while b"\r\n\r\n" not in buf:
        if len(buf) > HEAD_MAX:
            return None, b""
        chunk = conn.recv(4096)
        if not chunk:
            return None, b""
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    return head, rest


def reset(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def answer(directory, path):
    segments = path.split("?", 1)[0].split("/")
    kind = segments[1] if len(segments) > 2 else ""
    name = urllib.parse.unquote(segments[-1]) if len(segments) > 2 else ""
    if kind not in ("r", "drop", "rst", "never") or name in ("", ".", "..") or "/" in name:
        return kind, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    try:
        with open(os.path.join(directory, name), "rb") as f:
            return kind, f.read()
    except OSError:
        return kind, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def serve(directory, conn, number, every):
    buf = b""
    served = 0
    while True:
        head, buf = read_head(conn, buf)
        if head is None:
            return
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        path = parts[1].decode("latin-1") if len(parts) == 3 else ""
        close = any(l.lower().replace(b" ", b"") == b"connection:close" for l in lines[1:])
        log(directory, "requests.log", b"%d %s %s %s" % (number, parts[0], path.encode(),
                                                         b"close" if close else b"keep"))
        kind, body = answer(directory, path)
        if kind == "never" or (kind in ("drop", "rst") and served > 0):
            if kind == "rst":
                reset(conn)
            return
        conn.sendall(body)
        served += 1
        if close or (every and served % every == 0):
            close_gently(conn)
            return


def handle(directory, conn, number, every):
    try:
        conn.settimeout(10)
        serve(directory, conn, number, every)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    directory = sys.argv[1]
    args = sys.argv[2:]
    addr = args[args.index("--bind") + 1] if "--bind" in args else "127.0.0.1"
    every = int(args[args.index("--close-every") + 1]) if "--close-every" in args else 0
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    lsock = socket.socket(family, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((addr, 0))
    lsock.listen(64)
    print("port %d" % lsock.getsockname()[1], flush=True)
    while True:
        conn, _ = lsock.accept()
        accepts[0] += 1
        log(directory, "accepts.log", b"%d" % accepts[0])
        threading.Thread(target=handle, args=(directory, conn, accepts[0], every),
                         daemon=True).start()


if __name__ == "__main__":
    main()
