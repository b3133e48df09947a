#!/usr/bin/env python3
"""nonreaders.py: clients that write requests and never read a reply.

usage: nonreaders.py HOST PORT [--clients N] (--seconds S | --bytes B) [--pattern TEXT]
Opens N connections (default 1; small kernel buffers, so the replies pile up in the
server rather than in the kernel) and writes TEXT (default "x\\n") over and over on each
while the socket takes it: for S seconds, or until each has sent B bytes or taken nothing
for half a second (the server stopped reading it: it throttles). Then prints
"sent BYTES" on stderr and "ready" on stdout, and holds every connection open, still not
reading, until killed.
"""
import argparse
import selectors
import time

from nonreading import hold_forever, slow_socket

STALL = 0.5  # seconds a socket may take nothing before the server counts as throttling


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--clients", type=int, default=1)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--seconds", type=float)
    g.add_argument("--bytes", type=int)
    p.add_argument("--pattern", default="x\n")
    a = p.parse_args()
    pat = a.pattern.encode()
    block = pat * (16384 // len(pat) + 1)
    sel = selectors.DefaultSelector()
    sent = {}
    for _ in range(a.clients):
        s = slow_socket(a.host, a.port)
        sel.register(s, selectors.EVENT_WRITE)
        sent[s] = 0
    end = time.monotonic() + a.seconds if a.seconds is not None else None
    while sel.get_map() and (end is None or time.monotonic() < end):
        ready = sel.select(STALL if end is None else 0.1)
        if not ready and end is None:
            break  # nothing taken for STALL: every writer left is throttled
        for key, _ in ready:
            s = key.fileobj
            off = sent[s] % len(pat)  # each socket's stream stays whole requests
            size = 16384 if a.bytes is None else min(16384, a.bytes - sent[s])
            try:
                sent[s] += s.send(block[off:off + size])
            except BlockingIOError:
                continue
            if a.bytes is not None and sent[s] >= a.bytes:
                sel.unregister(s)
    hold_forever(sum(sent.values()))


if __name__ == "__main__":
    main()
