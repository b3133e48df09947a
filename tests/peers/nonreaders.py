#!/usr/bin/env python3
"""nonreaders.py: many clients that pipeline requests and never read a reply.

usage: nonreaders.py HOST PORT --clients N --seconds S [--pattern TEXT]
Opens N connections (small kernel buffers, so the replies pile up in the server rather
than in the kernel) and writes TEXT (default "x\\n") over and over on each while the socket
takes it, for S seconds (the server stops reading each one once its replies pile up).
Then prints "sent BYTES" on stderr
and "ready" on stdout, and holds every connection open, still not reading, until killed.
"""
import argparse
import selectors
import time

from nonreading import hold_forever, slow_socket


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--clients", type=int, required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--pattern", default="x\n")
    a = p.parse_args()
    pat = a.pattern.encode()
    block = pat * (16384 // len(pat))
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(a.clients):
        s = slow_socket(a.host, a.port)
        sel.register(s, selectors.EVENT_WRITE)
        socks.append(s)
    sent, end = 0, time.monotonic() + a.seconds
    while time.monotonic() < end:
        for key, _ in sel.select(0.1):
            try:
                n = key.fileobj.send(block)
            except BlockingIOError:
                continue
            sent += n
    hold_forever(sent)


if __name__ == "__main__":
    main()
