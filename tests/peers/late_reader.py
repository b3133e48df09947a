#!/usr/bin/env python3
"""late_reader.py: a client that pipelines numbered requests, reads nothing until the
server stops taking them, then reads every reply and checks count and order.

usage: late_reader.py HOST PORT --count N
Sends "PING:000000\\n" ... "PING:<N-1>\\n" (small kernel buffers, so the replies pile up in
the server). Once the socket has taken nothing for half a second (the server throttles
it) it prints "throttled after BYTES" on stderr; then it sends the rest while reading,
half-closes, and reads to EOF. Prints "replies N in order" if the replies are exactly
"PONG:000000\\n" ... in order, and exits 0; else names the first difference, exits 1.
"""
import argparse
import selectors
import socket
import sys
import time

from nonreading import slow_socket


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--count", type=int, required=True)
    a = p.parse_args()
    req = b"".join(b"PING:%06d\n" % i for i in range(a.count))
    want = req.replace(b"PING:", b"PONG:")
    s = slow_socket(a.host, a.port)
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_WRITE)
    off, last = 0, time.monotonic()
    while off < len(req) and time.monotonic() - last < 0.5:
        if sel.select(0.1):
            try:
                n = s.send(req[off:off + 65536])
            except BlockingIOError:
                n = 0
            if n:
                off += n
                last = time.monotonic()
    if off == len(req):
        print(f"never throttled: all {off} bytes taken", file=sys.stderr)
        return 1
    print(f"throttled after {off}", file=sys.stderr, flush=True)
    got = bytearray()
    sel.modify(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    deadline = time.monotonic() + 30
    shut = False
    while time.monotonic() < deadline:
        if off == len(req) and not shut:
            s.shutdown(socket.SHUT_WR)
            sel.modify(s, selectors.EVENT_READ)
            shut = True
        for _, ev in sel.select(0.5):
            if ev & selectors.EVENT_READ:
                try:
                    data = s.recv(1 << 16)
                except BlockingIOError:
                    data = None
                if data == b"":
                    deadline = 0
                elif data:
                    got += data
            if ev & selectors.EVENT_WRITE and off < len(req):
                try:
                    off += s.send(req[off:off + 65536])
                except BlockingIOError:
                    pass
    if got == want:
        print(f"replies {a.count} in order")
        return 0
    at = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]),
              min(len(got), len(want)))
    print(f"got {len(got)} bytes, want {len(want)}; first difference at {at}: "
          f"{bytes(got[at:at + 24])!r} vs {want[at:at + 24]!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
