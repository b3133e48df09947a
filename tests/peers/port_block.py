#!/usr/bin/env python3
"""port_block.py N [OPEN]: N consecutive TCP ports of 127.0.0.1, all ours.

Binds N consecutive free ports (so nobody else can listen on them: a connect to one is
refused) and listens on the one at index OPEN (0-based; none if OPEN is not given).
Prints "range LO-HI", then "port P" for the open one (or "ready"), then holds the ports
until killed.
"""
import random
import signal
import socket
import sys


def bind_block(n):
    for _ in range(200):
        lo = random.randrange(20000, 60000 - n)
        socks = []
        try:
            for port in range(lo, lo + n):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(s)
                s.bind(("127.0.0.1", port))
            return lo, socks
        except OSError:
            for s in socks:
                s.close()
    raise SystemExit("port_block: no block of free ports found")


def main():
    n = int(sys.argv[1])
    lo, socks = bind_block(n)
    print(f"range {lo}-{lo + n - 1}", flush=True)
    if len(sys.argv) > 2:
        i = int(sys.argv[2])
        socks[i].listen(8)
        print("port", lo + i, flush=True)
    else:
        print("ready", flush=True)
    signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
