#!/usr/bin/env python3
"""forward_peer.py: clients and targets for the forwarding tests (tests/80-forward.bats).

usage: forward_peer.py MODE ARGS...
  clients HOST PORT N [--keep]
                           N connections at once, each sending its own payload, then
                           half-closing (--keep: not; it reads its payload's length and
                           closes); each must read back exactly its payload (an echo
                           target). Prints "ok N", or "bad I: WHY" for each failure.
  proxy-target [-U PATH]   a target that reads a PROXY v1 or v2 header, then one line:
                           prints "port N" (or "ready"), then for each of two clients
                           "v1 LINE" or "v2 CMD FAM SRC DST SPORT DPORT", then
                           "data LINE".
  read-then-send HOST PORT connects, reads to EOF (the target half-closed first), then
                           sends "late\\n" and half-closes; prints "got BYTES" and "sent".
  reset-after HOST PORT    connects, sends "x\\n", waits for it to come back (an echo
                           target), then resets (RST); prints "reset".
  read-all HOST PORT       connects, reads until the end: prints "got BYTES eof", or
                           "got BYTES reset" if the connection was reset.
  udp-clients HOST PORT N  N UDP clients from N ports, each sending its own datagram
                           twice; each must get its own datagram back both times (an
                           echo target). Prints "ok N" or "bad I".
  hold HOST PORT N         opens N connections, prints "ready", holds them until killed.
"""
import select
import signal
import socket
import struct
import sys
import time

SIG2 = b"\r\n\r\n\x00\r\nQUIT\n"


def payload(i):
    return (b"client %d:" % i) * (50 + i % 17) + b"\n"


def clients(host, port, n, keep):
    conns, want, got = [], [], []
    for i in range(n):
        s = socket.create_connection((host, port), timeout=10)
        conns.append(s)
        want.append(payload(i))
        got.append(b"")
    for i, s in enumerate(conns):
        s.sendall(want[i])
        if not keep:
            s.shutdown(socket.SHUT_WR)
    open_ = set(range(n))
    deadline = time.monotonic() + 30
    while open_ and time.monotonic() < deadline:
        r, _, _ = select.select([conns[i] for i in open_], [], [], 1)
        for s in r:
            i = conns.index(s)
            try:
                d = s.recv(65536)
            except OSError as e:
                print("bad %d: %s" % (i, e), flush=True)
                open_.discard(i)
                continue
            got[i] += d
            if not d or (keep and len(got[i]) >= len(want[i])):
                open_.discard(i)
    bad = [i for i in range(n) if got[i] != want[i]]
    for i in bad:
        print("bad %d: %d bytes, wanted %d" % (i, len(got[i]), len(want[i])), flush=True)
    if not bad:
        print("ok", n, flush=True)


def read_header(c):
    first = c.recv(16, socket.MSG_PEEK | socket.MSG_WAITALL)
    if first[:12] == SIG2:
        hdr = c.recv(16, socket.MSG_WAITALL)
        ln = struct.unpack("!H", hdr[14:16])[0]
        body = c.recv(ln, socket.MSG_WAITALL) if ln else b""
        cmd = "PROXY" if hdr[12] == 0x21 else "LOCAL" if hdr[12] == 0x20 else "?"
        fam = hdr[13]
        if fam == 0x11:
            src, dst = socket.inet_ntop(socket.AF_INET, body[0:4]), socket.inet_ntop(
                socket.AF_INET, body[4:8])
            sp, dp = struct.unpack("!HH", body[8:12])
            return "v2 %s TCP4 %s %s %d %d" % (cmd, src, dst, sp, dp)
        if fam == 0x21:
            src, dst = socket.inet_ntop(socket.AF_INET6, body[0:16]), socket.inet_ntop(
                socket.AF_INET6, body[16:32])
            sp, dp = struct.unpack("!HH", body[32:36])
            return "v2 %s TCP6 %s %s %d %d" % (cmd, src, dst, sp, dp)
        return "v2 %s UNSPEC %d" % (cmd, ln)
    line = b""
    while not line.endswith(b"\r\n") and len(line) < 108:
        line += c.recv(1)
    return "v1 " + line.decode().rstrip("\r\n")


def proxy_target(args):
    if args and args[0] == "-U":
        ls = socket.socket(socket.AF_UNIX)
        ls.bind(args[1])
        ls.listen()
        print("ready", flush=True)
    else:
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen()
        print("port", ls.getsockname()[1], flush=True)
    for _ in range(2):
        c, _ = ls.accept()
        print(read_header(c), flush=True)
        f = c.makefile("rb")
        print("data", f.readline().decode().rstrip("\n"), flush=True)
        c.sendall(b"done\n")
        c.close()


def read_then_send(host, port):
    s = socket.create_connection((host, port), timeout=10)
    got = 0
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += len(d)
    print("got", got, flush=True)
    s.sendall(b"late\n")
    s.shutdown(socket.SHUT_WR)
    print("sent", flush=True)
    s.recv(1)  # the forwarder closes once both ways are done


def reset_after(host, port):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(b"x\n")
    if s.recv(3) != b"x\n":
        print("no echo", flush=True)
        return
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    print("reset", flush=True)


def read_all(host, port):
    try:
        s = socket.create_connection((host, port), timeout=10)
    except ConnectionResetError:  # reset so soon that connect(2) itself saw it
        print("got 0 reset", flush=True)
        return
    got, end = 0, "eof"
    while True:
        try:
            d = s.recv(65536)
        except ConnectionResetError:
            end = "reset"
            break
        if not d:
            break
        got += len(d)
    print("got", got, end, flush=True)


def udp_clients(host, port, n):
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
    bad = 0
    for rnd in range(2):
        for i, s in enumerate(socks):
            s.sendto(b"datagram %d round %d" % (i, rnd), (host, port))
        for i, s in enumerate(socks):
            s.settimeout(5)
            try:
                d = s.recv(65536)
            except OSError:
                d = b""
            if d != b"datagram %d round %d" % (i, rnd):
                print("bad", i, d, flush=True)
                bad += 1
    if not bad:
        print("ok", n, flush=True)


def hold(host, port, n):
    conns = [socket.create_connection((host, port), timeout=10) for _ in range(n)]
    print("ready", flush=True)
    signal.pause()
    del conns


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "clients":
        clients(args[0], int(args[1]), int(args[2]), "--keep" in args)
    elif mode == "proxy-target":
        proxy_target(args)
    elif mode == "read-then-send":
        read_then_send(args[0], int(args[1]))
    elif mode == "reset-after":
        reset_after(args[0], int(args[1]))
    elif mode == "read-all":
        read_all(args[0], int(args[1]))
    elif mode == "udp-clients":
        udp_clients(args[0], int(args[1]), int(args[2]))
    elif mode == "hold":
        hold(args[0], int(args[1]), int(args[2]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
