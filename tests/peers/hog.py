#!/usr/bin/env python3
"""hog.py: a client that writes and never reads.

usage: hog.py HOST PORT --bytes N [--pattern TEXT] [--rcvbuf BYTES]
Sends TEXT (default "PING:x\\n") over and over, N bytes in all, never reading what comes
back (--rcvbuf shrinks its receive buffer, so the kernel holds little of the replies).
Prints "ready" once all N bytes are sent or the socket has taken nothing for half a
second (the server stopped reading it), and "sent M" on stderr; then holds the
connection open, still not reading, until killed.
"""
import argparse
import select
import socket
import sys
import time

from nonreading import hold_forever


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--pattern", default="PING:x\n")
    p.add_argument("--rcvbuf", type=int, default=0)
    a = p.parse_args()
    pat = a.pattern.encode()
    block = pat * (65536 // len(pat) + 1)
    s = socket.socket()
    if a.rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    s.settimeout(5)
    s.connect((a.host, a.port))
    s.setblocking(False)
    sent = 0
    while sent < a.bytes:
        _, w, _ = select.select([], [s], [], 0.5)
        if not w:
            break  # it has stopped taking bytes: the server throttles us
        off = sent % len(pat)
        n = s.send(block[off:off + min(65536, a.bytes - sent)])
        sent += n
    hold_forever(sent)


if __name__ == "__main__":
    main()
