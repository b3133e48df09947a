#!/usr/bin/env python3
"""cutoff.py: a peer that reads a fixed amount, then leaves while data still streams in.

usage: cutoff.py (--listen [--count N] | --connect PORT) --after BYTES --how rst|fin
--listen: listens on 127.0.0.1 on a free port, prints "port N", and serves N connections
(default 1) one after the other; --connect: one connection to 127.0.0.1 PORT.
For each connection: reads BYTES, then
  rst  closes with SO_LINGER 0: a reset, no FIN (the client's next write fails);
  fin  half-closes (the client reads EOF), reads 64 KiB more, then closes with data
       unread, which the kernel answers with a reset: the client's later writes fail.
Prints "done N" once the connections are over.
"""
import argparse
import socket
import struct
import sys


def read_exactly(s, n):
    while n > 0:
        got = s.recv(min(n, 1 << 16))
        if not got:
            raise EOFError(f"EOF with {n} bytes still to read")
        n -= len(got)


def cut(s, a):
    read_exactly(s, a.after)
    if a.how == "rst":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    else:
        s.shutdown(socket.SHUT_WR)
        read_exactly(s, 1 << 16)
    s.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", action="store_true")
    p.add_argument("--connect", type=int)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--after", type=int, required=True)
    p.add_argument("--how", choices=("rst", "fin"), required=True)
    a = p.parse_args()
    if a.listen:
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        print(f"port {ls.getsockname()[1]}", flush=True)
        for _ in range(a.count):
            conn, _ = ls.accept()
            conn.settimeout(10)
            cut(conn, a)
    else:
        s = socket.create_connection(("127.0.0.1", a.connect), timeout=10)
        cut(s, a)
    print(f"done {a.count}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
