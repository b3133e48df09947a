#!/usr/bin/env python3
"""soak.py: a long calc load over many connections, with connects and resets mixed in.

usage: soak.py HOST PORT --requests N --conns C [--batch B] [--warm W]
Keeps C connections busy, each sending B pipelined requests at a time ("PING:<n>"), and
checks every reply ("PONG:<n>", in order). Every 25th batch, a connection is closed
instead (every other time with SO_LINGER 0, a reset, with a batch still unanswered) and
a new one opened. After W answered requests (default 10000) it prints "warm" and waits
for a line on stdin (the test measures the server meanwhile); after N it closes every
connection, prints "done ANSWERED RESETS CLOSES" and exits 0. A wrong reply: exit 1.
"""
import argparse
import selectors
import socket
import struct
import sys


class Conn:
    def __init__(self, addr, sel):
        self.sock = socket.create_connection(addr, timeout=5)
        self.sock.setblocking(False)
        self.want, self.buf = b"", bytearray()
        sel.register(self.sock, selectors.EVENT_READ, self)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--requests", type=int, required=True)
    p.add_argument("--conns", type=int, required=True)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--warm", type=int, default=10000)
    a = p.parse_args()
    addr, sel = (a.host, a.port), selectors.DefaultSelector()
    conns = [Conn(addr, sel) for _ in range(a.conns)]
    answered = sent_batches = resets = closes = 0
    warmed = False
    seq = 0

    def send_batch(c):
        nonlocal seq, sent_batches
        req = b"".join(b"PING:%d\n" % i for i in range(seq, seq + a.batch))
        seq += a.batch
        c.want = req.replace(b"PING:", b"PONG:")
        c.sock.sendall(req)
        sent_batches += 1

    for c in conns:
        send_batch(c)
    while answered < a.requests:
        for key, _ in sel.select(10):
            c = key.data
            data = c.sock.recv(1 << 16)
            if not data:
                print("soak: the server closed a connection", file=sys.stderr)
                return 1
            c.buf += data
            if len(c.buf) < len(c.want):
                continue
            if bytes(c.buf) != c.want:
                print(f"soak: wrong replies: {bytes(c.buf[:60])!r}", file=sys.stderr)
                return 1
            answered += a.batch
            c.buf.clear()
            if not warmed and answered >= a.warm:
                warmed = True
                print("warm", flush=True)
                sys.stdin.readline()
            if sent_batches % 25 == 0:
                # replaced: a reset with a batch in flight, or a plain close
                sel.unregister(c.sock)
                if (resets + closes) % 2 == 0:
                    send_batch(c)
                    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
                    resets += 1
                else:
                    closes += 1
                c.sock.close()
                c = Conn(addr, sel)
            send_batch(c)
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    print(f"done {answered} {resets} {closes}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
