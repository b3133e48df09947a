#!/usr/bin/env python3
"""http_fixture.py: an HTTP server for tests/40-http.bats that answers what nginx will not:
canned bytes chosen by the test, trickles, silence, endless headers. It also answers
requests in absolute form (GET http://HOST/...), as a forward proxy would be asked.

usage: http_fixture.py DIR [--bind ADDR]

Prints "port N" once it listens on a free port: on ADDR, or by default on both 127.0.0.1
and ::1 (the same port), so that http://localhost:N/ reaches it whichever address
localhost gives first (a stock /etc/hosts lists ::1 too). Every request
head is appended to DIR/requests.log; a request for .../NAME is also appended, exactly as
received, to DIR/NAME.req. The path picks the behaviour; NAME is the last path segment,
so /raw/a/../b/NAME and /raw/NAME serve the same file:

  /raw/.../NAME      send the bytes of DIR/NAME as they are, then close
  /hold/.../NAME     send them, then stay silent until the client closes
  /reset/.../NAME    send them, and 0.2 s later reset the connection (RST)
  /trickle/.../NAME  send the head at once, then the rest one byte every 0.4 s, then stay
                     silent until the client closes
  /endless           a status line, then header lines until the client gives up
  anything else      404
"""
import errno
import os
import socket
import struct
import sys
import threading
import time

HEAD_MAX = 65536
HOLD_MAX = 30  # seconds a silent connection is kept at most
TRICKLE_GAP = 0.4
ENDLESS_MAX = 64 << 20

lock = threading.Lock()


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < HEAD_MAX:
        chunk = conn.recv(4096)
        if not chunk:
            break
        if data + chunk[:1] == b"\x16":
            return None  # a TLS handshake record: no request will come, close at once
        data += chunk
    return data


def log(directory, name, head):
    with lock:
        with open(os.path.join(directory, "requests.log"), "ab") as f:
            f.write(head.split(b"\r\n", 1)[0] + b"\n")
        if name:
            with open(os.path.join(directory, name + ".req"), "ab") as f:
                f.write(head)


def hold(conn):
    """Silence until the client closes (or HOLD_MAX passes)."""
    conn.settimeout(HOLD_MAX)
    try:
        while conn.recv(4096):
            pass
    except OSError:
        pass


def close_gently(conn):
    """Half-close, then wait for the client's close, so no unread byte turns into a RST."""
    try:
        conn.shutdown(socket.SHUT_WR)
        hold(conn)
    except OSError:
        pass


def endless(conn):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    line = b"X-Endless: " + b"x" * 1011 + b"\r\n"  # 1 KiB: the section limit comes first
    sent = 0
    try:
        while sent < ENDLESS_MAX:
            conn.sendall(line * 64)
            sent += len(line) * 64
    except OSError:
        pass


def serve(directory, conn):
    conn.settimeout(10)
    head = read_head(conn)
    if head is None:
        return
    parts = head.split(b" ", 2)
    path = parts[1].decode("latin-1").split("?", 1)[0] if len(parts) == 3 else ""
    if path.startswith("http://"):  # the absolute form a forward proxy is asked with
        path = "/" + path[len("http://"):].partition("/")[2]
    segments = path.split("/")
    kind = segments[1] if len(segments) > 1 else ""
    name = segments[-1] if kind in ("raw", "hold", "reset", "trickle") else ""
    if name in ("", ".", "..") or "\\" in name:
        name = ""
    log(directory, name, head)
    body = b""
    if name:
        try:
            with open(os.path.join(directory, name), "rb") as f:
                body = f.read()
        except OSError:
            name = ""
    if kind == "endless":
        endless(conn)
    elif not name:
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        close_gently(conn)
    elif kind == "raw":
        conn.sendall(body)
        close_gently(conn)
    elif kind == "hold":
        conn.sendall(body)
        hold(conn)
    elif kind == "reset":
        conn.sendall(body)
        time.sleep(0.2)  # the client reads what came before the RST can overtake it
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        cut = body.find(b"\r\n\r\n") + 4 if b"\r\n\r\n" in body else 0
        conn.sendall(body[:cut])
        for i in range(cut, len(body)):
            time.sleep(TRICKLE_GAP)
            conn.sendall(body[i : i + 1])
        hold(conn)


def handle(directory, conn):
    try:
        serve(directory, conn)
    except OSError:
        pass
    finally:
        conn.close()


def listener(addr, port=0):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    lsock = socket.socket(family, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        lsock.bind((addr, port))
    except OSError:
        lsock.close()
        raise
    lsock.listen(64)
    return lsock


def loopbacks():
    """127.0.0.1 and ::1 on one free port (only 127.0.0.1 on a host without IPv6)."""
    for _ in range(100):
        v4 = listener("127.0.0.1")
        try:
            return [v4, listener("::1", v4.getsockname()[1])]
        except OSError as e:
            v4.close()
            if e.errno != errno.EADDRINUSE:
                return [listener("127.0.0.1")]
    sys.exit("http_fixture.py: no port free on both 127.0.0.1 and ::1")


def accept_loop(directory, lsock):
    while True:
        conn, _ = lsock.accept()
        threading.Thread(target=handle, args=(directory, conn), daemon=True).start()


def main():
    directory = sys.argv[1]
    if len(sys.argv) > 3 and sys.argv[2] == "--bind":
        socks = [listener(sys.argv[3])]
    else:
        socks = loopbacks()
    print("port %d" % socks[0].getsockname()[1], flush=True)
    for lsock in socks[1:]:
        threading.Thread(target=accept_loop, args=(directory, lsock), daemon=True).start()
    accept_loop(directory, socks[0])


if __name__ == "__main__":
    main()
