#!/usr/bin/env python3
"""calc_load.py: N concurrent calc clients, each asking K CALCs one after another (the next
sent when the last is answered), every answer checked.

usage: calc_load.py HOST PORT [--clients N] [--requests K] [--deadline SECS] [--closed-ok]
Prints "ok N*K answers" and exits 0, or says what went wrong and exits 1. With
--closed-ok (a server under injected faults) a client the server closes or resets, or
cannot accept, is counted, not a failure: "ok A answers, C closed"; a wrong answer
still is.
"""
import argparse
import random
import selectors
import socket
import sys
import time


def c_div(a, b):
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def request(rng):
    """A CALC request and its answer, worked out here as C would."""
    a, b, c = rng.randint(-10**6, 10**6), rng.randint(1, 10**6), rng.randint(-10**6, 10**6)
    form = rng.randrange(3)
    if form == 0:
        return f"CALC:{a}*{b}+{c}", a * b + c
    if form == 1:
        return f"CALC:({a} - {c}) / {b}", c_div(a - c, b)
    return f"CALC:{a}%{b}*-1", -(a - c_div(a, b) * b)


class Client:
    def __init__(self, addr, rng, k):
        self.sock = socket.create_connection(addr, timeout=5)
        self.sock.setblocking(False)
        self.rng, self.left, self.buf = rng, k, b""
        self.want = None

    def send_next(self):
        req, ans = request(self.rng)
        self.want = f"CALC:{ans}".encode()
        self.sock.sendall(req.encode() + b"\n")  # small: the socket takes it whole
        self.left -= 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--requests", type=int, default=50)
    p.add_argument("--deadline", type=float, default=30)
    p.add_argument("--closed-ok", action="store_true")
    a = p.parse_args()
    rng = random.Random(42)
    sel = selectors.DefaultSelector()
    clients, closed = [], 0
    for _ in range(a.clients):
        try:
            c = Client((a.host, a.port), rng, a.requests)
            c.send_next()
        except OSError:
            if not a.closed_ok:
                raise
            closed += 1
            continue
        sel.register(c.sock, selectors.EVENT_READ, c)
        clients.append(c)
    busy, answered = len(clients), 0
    deadline = time.monotonic() + a.deadline
    while busy:
        events = sel.select(max(0, deadline - time.monotonic()))
        if not events:
            print(f"calc_load: deadline passed with {answered} answers", file=sys.stderr)
            return 1
        for key, _ in events:
            c = key.data
            try:
                b = c.sock.recv(4096)
            except ConnectionResetError:
                b = b""
            if not b and a.closed_ok:
                sel.unregister(c.sock)
                c.sock.close()
                busy, closed = busy - 1, closed + 1
                continue
            if not b:
                print("calc_load: the server closed a client early", file=sys.stderr)
                return 1
            c.buf += b
            while b"\n" in c.buf:
                line, c.buf = c.buf.split(b"\n", 1)
                if line != c.want:
                    print(f"calc_load: expected {c.want!r}, got {line!r}", file=sys.stderr)
                    return 1
                answered += 1
                if c.left:
                    try:
                        c.send_next()
                    except OSError:
                        if not a.closed_ok:
                            raise
                        c.left = 0
                        c.buf = b""  # the reset shows as EOF on the next read
                        break
                else:
                    sel.unregister(c.sock)
                    c.sock.close()
                    busy -= 1
    if a.closed_ok:
        print(f"ok {answered} answers, {closed} closed")
        return 0
    print(f"ok {a.clients}*{a.requests} answers")
    return 0 if answered == a.clients * a.requests else 1


if __name__ == "__main__":
    sys.exit(main())
