#!/usr/bin/env python3
"""tls_client.py: a TLS client for the server tests (python's ssl module).

usage: tls_client.py [--cafile F] [--cert F --key F] [--name NAME] [--in FILE]
                     [--deadline SECS] [--sha256] [--no-shutdown] HOST PORT
Connects, verifies the server (against --cafile, for NAME or HOST), sends FILE (default
stdin) and then close_notify (TLS's half-close), and copies everything received to
stdout until the server's end (close_notify, or a TCP end). Reading and writing go on at
once, so a server that answers as it reads (echo) is never stalled by the client.
Prints "handshake done" on stderr once the handshake is over.
Exit status: 0 at the server's end; 8 if TLS failed (the reason on stderr, as
"tls: REASON"); 4 on a reset; 5 when the deadline passed first.
"""
import argparse
import hashlib
import os
import select
import socket
import ssl
import sys
import time

CHUNK = 65536
OUT_CAP = 1 << 20  # encrypted bytes held for the socket before the input is read again


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--cafile")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--name", help="the name to verify (default: HOST)")
    p.add_argument("--in", dest="input", help="file to send (default: stdin)")
    p.add_argument("--deadline", type=float, default=60.0)
    p.add_argument("--no-shutdown", action="store_true", help="no close_notify after the input")
    p.add_argument("--sha256", action="store_true", help="print the SHA-256 and size of what came")
    return p.parse_args()


class Session:
    def __init__(self, a):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if a.cafile:
            ctx.load_verify_locations(a.cafile)
        if a.cert:
            ctx.load_cert_chain(a.cert, a.key)
        self.raw = socket.create_connection((a.host, a.port), timeout=a.deadline)
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.inc, self.out, server_hostname=a.name or a.host)
        self.pending = b""  # encrypted, not yet taken by the socket
        self.ended = False

    def take_out(self):
        self.pending += self.out.read()

    def send_some(self):
        """Sends what the socket takes now."""
        self.take_out()
        if self.pending:
            try:
                n = self.raw.send(self.pending)
            except BlockingIOError:
                return
            except (ConnectionResetError, BrokenPipeError):
                self.why_gone()
                raise
            self.pending = self.pending[n:]

    def why_gone(self):
        """The server went while we wrote: an alert it sent first is the reason
        (raised as ssl.SSLError); else the caller's reset stands."""
        try:
            while self.fill():
                self.read_plain(lambda data: None)
        except OSError:
            pass
        self.read_plain(lambda data: None)

    def fill(self):
        """Feeds what the socket has to the library; False at the socket's end."""
        try:
            data = self.raw.recv(262144)
        except BlockingIOError:
            return True
        if not data:
            self.inc.write_eof()
            return False
        self.inc.write(data)
        return True

    def handshake(self):
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.take_out()
                self.raw.sendall(self.pending)
                self.pending = b""
                if not self.fill():
                    raise ssl.SSLError("the server closed the connection in the handshake")
        self.take_out()
        self.raw.sendall(self.pending)
        self.pending = b""

    def read_plain(self, sink):
        """Decrypts what has come; sets ended at the server's end."""
        while True:
            try:
                data = self.tls.read(CHUNK)
            except ssl.SSLWantReadError:
                return
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                self.ended = True
                return
            if not data:
                self.ended = True
                return
            sink(data)


def pump(s, src, sink, deadline, notify):
    s.raw.setblocking(False)
    src_done = False
    notified = not notify
    while not s.ended:
        if time.monotonic() > deadline:
            return 5
        want_in = not src_done and len(s.pending) < OUT_CAP
        if want_in and select.select([src], [], [], 0)[0]:
            data = os.read(src, CHUNK)
            if data:
                s.tls.write(data)
            else:
                src_done = True
        if src_done and not notified and not s.pending:
            try:
                s.tls.unwrap()  # close_notify: reading goes on
            except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
                pass
            notified = True
        s.send_some()
        want_w = [s.raw] if s.pending else []
        want_r = [s.raw] + ([src] if not src_done and len(s.pending) < OUT_CAP else [])
        r, w, _ = select.select(want_r, want_w, [], 0.5)
        if s.raw in r:
            alive = s.fill()
            s.read_plain(sink)
            if not alive:
                s.ended = True
        s.send_some()
    return 0


def main():
    a = parse_args()
    src = os.open(a.input, os.O_RDONLY) if a.input else sys.stdin.fileno()
    digest, size = hashlib.sha256(), [0]

    def sink(data):
        size[0] += len(data)
        if a.sha256:
            digest.update(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()

    try:
        s = Session(a)
        s.handshake()
        print("handshake done", file=sys.stderr, flush=True)
        rc = pump(s, src, sink, time.monotonic() + a.deadline, not a.no_shutdown)
    except ssl.SSLError as e:
        print("tls: %s" % (getattr(e, "reason", None) or e.args[0]), file=sys.stderr)
        return 8
    except (ConnectionResetError, BrokenPipeError) as e:
        print("reset: %s" % e, file=sys.stderr)
        return 4
    if a.sha256:
        print("%s %d" % (digest.hexdigest(), size[0]))
    return rc


if __name__ == "__main__":
    sys.exit(main())
