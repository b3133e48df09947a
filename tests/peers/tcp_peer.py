#!/usr/bin/env python3
"""tcp_peer.py: a scripted TCP (or UNIX-domain) server for the connect tests.

usage: tcp_peer.py [-6 | -U PATH] [--count N] [ACTIONS]
Listens on 127.0.0.1 (-6: ::1; -U PATH: a UNIX stream socket) on a free port and prints
"port N" ("ready" for -U) once it listens; then serves --count connections (default 1),
one after the other. For each connection, in this order:
  --peer           print "peer HOST PORT": the client's address
  --silent         neither read nor write: hold the connection until killed
  --greet TEXT     send TEXT, then close without reading (the seeds' first server)
  --rst FILE       send FILE, wait until the client's kernel has acknowledged all of it,
                   then close with SO_LINGER 0: a reset after data that has arrived
  --shut-first     half-close at once (print "shut"), then read as below
  --send FILE      send FILE while reading (from a thread), then half-close
  --flood          send zeros while reading, until the client goes away
  read to EOF      into --recv FILE (default: counted and dropped); then print
                   "eof BYTES SECS", SECS the time from accept to EOF (2 decimals)
  --reply-sha      at EOF, send the SHA-256 (hex) of what was read, and "\\n"
  --then-send FILE at EOF, send FILE
  --hold           then keep the connection open until killed
Prints "closed" when it has closed the connection.
"""
import argparse
import fcntl
import hashlib
import os
import signal
import socket
import struct
import sys
import termios
import threading
import time


def sendfile(conn, path):
    with open(path, "rb") as f:
        conn.sendfile(f)


def unacked(conn):
    """Bytes sent but not yet acknowledged by the peer (SIOCOUTQ, as TIOCOUTQ)."""
    buf = fcntl.ioctl(conn.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    return struct.unpack("i", buf)[0]


def sender(conn, a):
    try:
        if a.send:
            sendfile(conn, a.send)
        else:
            zeros = bytes(1 << 16)
            while True:
                conn.sendall(zeros)
    except OSError:
        pass  # the client went away: the flood ends here
    try:
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def read_all(conn, a, start):
    digest = hashlib.sha256()
    total = 0
    out = open(a.recv, "wb") if a.recv else None
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    try:
        while True:
            n = conn.recv_into(buf)
            if not n:
                break
            total += n
            if a.reply_sha:
                digest.update(view[:n])
            if out:
                out.write(view[:n])
    except OSError as e:
        print("recv:", e, file=sys.stderr, flush=True)
    if out:
        out.close()
    print(f"eof {total} {time.monotonic() - start:.2f}", flush=True)
    return digest


def serve(conn, addr, a):
    start = time.monotonic()
    if a.peer:
        print("peer", addr[0], addr[1], flush=True)
    if a.silent:
        signal.pause()
    if a.greet is not None:
        conn.sendall(a.greet.encode())
        return
    if a.rst:
        sendfile(conn, a.rst)
        while unacked(conn) > 0:
            time.sleep(0.01)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return
    if a.shut_first:
        conn.shutdown(socket.SHUT_WR)
        print("shut", flush=True)
    thread = None
    if a.send or a.flood:
        thread = threading.Thread(target=sender, args=(conn, a))
        thread.start()
    digest = read_all(conn, a, start)
    try:
        if a.reply_sha:
            conn.sendall(digest.hexdigest().encode() + b"\n")
        if a.then_send:
            sendfile(conn, a.then_send)
    except OSError as e:
        print("send:", e, file=sys.stderr, flush=True)
    if thread:
        thread.join()
    if a.hold:
        signal.pause()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-6", dest="v6", action="store_true")
    p.add_argument("-U", dest="unix")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--peer", action="store_true")
    p.add_argument("--silent", action="store_true")
    p.add_argument("--greet")
    p.add_argument("--rst")
    p.add_argument("--shut-first", action="store_true")
    p.add_argument("--send")
    p.add_argument("--flood", action="store_true")
    p.add_argument("--recv")
    p.add_argument("--reply-sha", action="store_true")
    p.add_argument("--then-send")
    p.add_argument("--hold", action="store_true")
    a = p.parse_args()

    if a.unix:
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(a.unix)
    elif a.v6:
        lsock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        lsock.bind(("::1", 0))
    else:
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.bind(("127.0.0.1", 0))
    lsock.listen(16)
    print("ready" if a.unix else f"port {lsock.getsockname()[1]}", flush=True)
    for _ in range(a.count):
        conn, addr = lsock.accept()
        if a.unix:
            addr = ("unix", 0)
        try:
            serve(conn, addr, a)
        finally:
            conn.close()
            print("closed", flush=True)
    if a.unix:
        os.unlink(a.unix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
