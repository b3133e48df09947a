#!/usr/bin/env python3
"""socks_fixture.py: a SOCKS4/4a proxy that really tunnels, or a scripted proxy that answers
with given bytes, for the proxy tests (tests/81-proxy.bats).

usage: socks_fixture.py [--count N] [--user ID] [--script ITEM...] [--hold]
Listens on 127.0.0.1 on a free port and prints "port N" once it listens; serves --count
connections (default 1), one after the other.

Without --script: a SOCKS4 and SOCKS4a proxy. It prints "request 4 HOST PORT user ID" (4a
for a name), refuses with reply 93 when --user is given and the user id differs, resolves a
4a name itself (the tests use only localhost), replies 91 when the target refuses, else 90,
and then copies bytes both ways, passing each half-close on.

With --script: for each ITEM, it reads what the client sends (printing "got HEX") and answers
with ITEM's bytes: "x:HEX" in hex, "t:TEXT" as text with backslash escapes (\\r\\n), and
"x:" or "t:" alone answers nothing. Then it closes, or with --hold keeps the connection open
until the client leaves (so the client's own timeout is what ends it).
"""
import argparse
import codecs
import socket
import sys
import threading


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def recv_cstring(conn):
    data = b""
    while True:
        c = recv_exact(conn, 1)
        if c == b"\0":
            return data.decode("latin-1")
        data += c


def pump(src, dst):
    """Copies src to dst until src's EOF, then half-closes dst."""
    try:
        while True:
            data = src.recv(1 << 16)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def socks4(conn, a):
    head = recv_exact(conn, 8)
    port = int.from_bytes(head[2:4], "big")
    user = recv_cstring(conn)
    kind, host = "4", socket.inet_ntoa(head[4:8])
    if head[4:7] == b"\0\0\0" and head[7] != 0:
        kind, host = "4a", recv_cstring(conn)
    print(f"request {kind} {host} {port} user {user or '-'}", flush=True)
    if head[0] != 4 or head[1] != 1:
        conn.sendall(b"\0\x5b" + bytes(6))
        return
    if a.user is not None and user != a.user:
        conn.sendall(b"\0\x5d" + bytes(6))
        return
    try:
        target = socket.create_connection((host, port))
    except OSError:
        conn.sendall(b"\0\x5b" + bytes(6))
        return
    conn.sendall(b"\0\x5a" + head[2:4] + bytes(4))
    back = threading.Thread(target=pump, args=(target, conn))
    back.start()
    pump(conn, target)
    back.join()
    target.close()


def item_bytes(item):
    kind, _, body = item.partition(":")
    if kind == "x":
        return bytes.fromhex(body)
    return codecs.escape_decode(body.encode())[0]


def scripted(conn, a):
    for item in a.script:
        got = conn.recv(65536)
        print("got " + got.hex(), flush=True)
        out = item_bytes(item)
        if out:
            conn.sendall(out)
    if a.hold:
        while conn.recv(65536):
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--user")
    ap.add_argument("--script", nargs="+")
    ap.add_argument("--hold", action="store_true")
    a = ap.parse_args()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    print(f"port {srv.getsockname()[1]}", flush=True)
    for _ in range(a.count):
        conn, _ = srv.accept()
        try:
            (scripted if a.script else socks4)(conn, a)
        except (EOFError, OSError) as e:
            print(f"error {e!r}", flush=True)
        conn.close()
        print("closed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
