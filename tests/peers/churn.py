#!/usr/bin/env python3
"""churn.py: many short connections in a row, each read to its EOF.

usage: churn.py HOST PORT --count N [--expect TEXT]
Each of N clients connects, reads until the server closes, and checks that it received
exactly TEXT (default: nothing). Prints "ok N", or what differed and exits 1.
"""
import argparse
import socket
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--expect", default="")
    a = p.parse_args()
    want = a.expect.encode().decode("unicode_escape").encode("latin-1")
    for i in range(a.count):
        s = socket.create_connection((a.host, a.port), timeout=5)
        got = b""
        while True:
            try:
                b = s.recv(4096)
            except ConnectionResetError:
                b = b""
            if not b:
                break
            got += b
        s.close()
        if got != want:
            print(f"churn: client {i}: expected {want!r}, got {got!r}", file=sys.stderr)
            return 1
    print(f"ok {a.count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
