#!/usr/bin/env python3
"""exec_clients.py: clients of a `sockit serve -e/-c` server (tests/25-exec.bats).

usage: exec_clients.py [HOST PORT | -U PATH] [--count N] [--echo | --hold | --local]
Opens --count connections (default 1), every one connected before any is used, then:
  --local  (one connection) half-closes at once (it sends nothing), prints "local PORT",
           this client's own port (0 over UNIX), then every byte the program sends, to
           its EOF
  --echo   reads the first line each program sends, then on each connection sends
           "ping I\\n", half-closes and reads to EOF: the rest must be exactly that line
           (a `cat`); prints "distinct K": how many different first lines came (a pid
           each: each client its own process)
  --hold   reads the first line each program sends, prints "ready", and keeps every
           connection open until killed
Exits 1 if a connection failed or a reply differed.
"""
import argparse
import socket
import sys
import time


def connect(a):
    if a.unix:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(a.unix)
    else:
        s = socket.create_connection((a.host, a.port), timeout=10)
    s.settimeout(10)
    return s


def read_line(s):
    got = b""
    while not got.endswith(b"\n"):
        b = s.recv(1)
        if not b:
            break
        got += b
    return got


def read_all(s):
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            return got
        got += b


def echo(socks):
    firsts = [read_line(s) for s in socks]
    if b"" in firsts:
        print(f"exec_clients: client {firsts.index(b'')}: no first line", file=sys.stderr)
        return 1
    for i, s in enumerate(socks):
        want = f"ping {i}\n".encode()
        s.sendall(want)
        s.shutdown(socket.SHUT_WR)
        got = read_all(s)
        if got != want:
            print(f"exec_clients: client {i}: sent {want!r}, got {got!r}", file=sys.stderr)
            return 1
        s.close()
    print(f"distinct {len(set(firsts))}")
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host", nargs="?", default="127.0.0.1")
    p.add_argument("port", nargs="?", type=int, default=0)
    p.add_argument("-U", "--unix")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--echo", action="store_true")
    p.add_argument("--hold", action="store_true")
    p.add_argument("--local", action="store_true")
    a = p.parse_args()
    socks = [connect(a) for _ in range(a.count)]
    if a.local:
        name = socks[0].getsockname()
        socks[0].shutdown(socket.SHUT_WR)
        sys.stdout.buffer.write(b"local %d\n" % (name[1] if isinstance(name, tuple) else 0))
        sys.stdout.buffer.write(read_all(socks[0]))
        return 0
    if a.echo:
        return echo(socks)
    if a.hold:
        for i, s in enumerate(socks):
            if not read_line(s):
                print(f"exec_clients: client {i}: no first line", file=sys.stderr)
                return 1
        print("ready", flush=True)
        while True:
            time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
