#!/usr/bin/env python3
"""idle_holder.py: opens N connections and holds them, idle, until killed.

usage: idle_holder.py HOST PORT N [--control FIFO] [--pace]
Prints "ready" once all N are connected (with --pace, for a calc server: and accepted).
With --control, obeys lines read from FIFO:
  close K   closes the K oldest connections, then prints "closed K"
  ping      sends PING:i on each open connection i and waits (10 s at most) for every
            PONG:i, then prints "pinged M" (M: the answers that came, all in order)
"""
import argparse
import os
import selectors
import socket
import sys
import time


def ping_all(conns, deadline):
    sel = selectors.DefaultSelector()
    for i, s in enumerate(conns):
        s.sendall(f"PING:{i}\n".encode())
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, [i, b""])
    answered = 0
    while answered < len(conns) and time.monotonic() < deadline:
        for key, _ in sel.select(max(0, deadline - time.monotonic())):
            i, buf = key.data
            try:
                b = key.fileobj.recv(256)
            except OSError:
                b = b""
            if not b:
                sel.unregister(key.fileobj)
                continue
            buf += b
            key.data[1] = buf
            if buf == f"PONG:{i}\n".encode():
                answered += 1
                sel.unregister(key.fileobj)
    for s in conns:
        s.setblocking(True)
    return answered


def paced(s, deadline):
    """A PING answered on the newest connection: the server has accepted it, and (its
    accept queue being first in, first out) every connection opened before it."""
    s.sendall(b"PING:pace\n")
    got = b""
    while not got.endswith(b"\n"):
        s.settimeout(max(0.01, deadline - time.monotonic()))
        b = s.recv(64)
        if not b:
            sys.exit("idle_holder: closed while pacing")
        got += b
    s.settimeout(None)


def connect_all(host, port, n, deadline, pace, wave=100):
    """n connections, opened a wave at a time (as clients arrive in a crowd). With pace,
    each wave waits until the server has accepted the last (calc only): a server slower
    to accept than we are to connect would overflow its listen backlog, and the dropped
    handshakes would be retried only a second later."""
    conns = []
    sel = selectors.DefaultSelector()
    while len(conns) < n:
        pending = []
        for _ in range(min(wave, n - len(conns))):
            s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
            s.setblocking(False)
            s.connect_ex((host, port))
            sel.register(s, selectors.EVENT_WRITE)
            pending.append(s)
        left = len(pending)
        while left:
            events = sel.select(max(0, deadline - time.monotonic()))
            if not events:
                sys.exit("idle_holder: connecting took too long")
            for key, _ in events:
                sel.unregister(key.fileobj)
                left -= 1
                err = key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    sys.exit(f"idle_holder: connect: {os.strerror(err)}")
        for s in pending:
            s.setblocking(True)
        if pace:
            paced(pending[-1], deadline)
        conns += pending
    return conns


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("n", type=int)
    p.add_argument("--control")
    p.add_argument("--pace", action="store_true", help="calc: wait for each wave's accept")
    a = p.parse_args()
    conns = connect_all(a.host, a.port, a.n, time.monotonic() + 60, a.pace)
    print("ready", flush=True)
    if not a.control:
        while True:
            time.sleep(3600)
    with open(a.control) as ctl:
        for line in ctl:
            words = line.split()
            if words[:1] == ["close"]:
                k = int(words[1])
                for s in conns[:k]:
                    s.close()
                del conns[:k]
                print(f"closed {k}", flush=True)
            elif words == ["ping"]:
                print(f"pinged {ping_all(conns, time.monotonic() + 10)}", flush=True)


if __name__ == "__main__":
    main()
