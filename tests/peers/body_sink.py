#!/usr/bin/env python3
"""body_sink.py: an HTTP/1.1 server for tests/42-bodies.bats that records each request's
method, target, headers and exact body (Content-Length or chunked), and whether it
answered Expect: 100-continue; bodies are hashed as they come, never held whole.

usage: body_sink.py DIR [--unix PATH | --tls CERT KEY]

Prints "port N" once it listens on 127.0.0.1 (or "ready" on the UNIX socket PATH); with
--tls it speaks https (python's ssl, CERT and KEY in PEM, session tickets as it likes). Each
request adds one JSON line to DIR/requests.jsonl:
  {"method","target","headers":[[name,value]...],"framing":"length"|"chunked"|"none",
   "length","sha256","expect","continued","received"}
and a body of at most 1 MiB is kept in DIR/body.N (N counts from 1). The path picks the
answer (each answer closes the connection):

  /status/CODE[/TIMES][/AFTER]   CODE (with Retry-After: AFTER if given) the first TIMES
                                 times this path is asked (default: always), then 200
  /redirect/CODE/TO              CODE with Location: TO (TO's '~' stand for '/')
  /expect-401                    401 at once when Expect is asked, without reading the
                                 body; then it counts what still arrives ("received")
  /ignore-expect                 never sends 100 Continue, reads the body anyway
  /reset-body                    reads 64 KiB of the body, then resets the connection
  anything else                  200 with "LENGTH SHA256\\n" of the body it read
"""
import hashlib
import json
import os
import socket
import ssl
import struct
import sys
import threading

KEEP_MAX = 1 << 20
lock = threading.Lock()
counts = {}
serial = [0]


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def line(self):
        while b"\n" not in self.buf:
            self.fill()
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def take(self, n):
        """Up to n bytes: what is buffered, else one recv."""
        if not self.buf:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


class Body:
    def __init__(self):
        self.sha = hashlib.sha256()
        self.length = 0
        self.kept = bytearray()

    def add(self, data):
        self.sha.update(data)
        self.length += len(data)
        if len(self.kept) <= KEEP_MAX:
            self.kept += data


def read_body(c, framing, length, body, limit=None):
    if framing == "length":
        left = length if limit is None else min(length, limit)
        while left > 0:
            data = c.take(min(left, 1 << 16))
            body.add(data)
            left -= len(data)
        return
    if framing != "chunked":
        return
    while True:
        size = int(c.line().split(b";")[0], 16)
        if size == 0:
            while c.line():
                pass
            return
        left = size
        while left > 0:
            data = c.take(min(left, 1 << 16))
            body.add(data)
            left -= len(data)
            if limit is not None and body.length >= limit:
                return
        c.line()


def answer(sock, code, headers=(), text=b""):
    head = "HTTP/1.1 %d X\r\nContent-Length: %d\r\nConnection: close\r\n" % (code, len(text))
    for h in headers:
        head += h + "\r\n"
    sock.sendall(head.encode() + b"\r\n" + text)


def times_asked(path):
    with lock:
        counts[path] = counts.get(path, 0) + 1
        return counts[path]


def record(directory, rec, body):
    with lock:
        serial[0] += 1
        n = serial[0]
        if body.length <= KEEP_MAX:
            with open(os.path.join(directory, "body.%d" % n), "wb") as f:
                f.write(body.kept)
        with open(os.path.join(directory, "requests.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")


def drain(c):
    """Counts the bytes that still arrive until the client closes or goes quiet."""
    n = len(c.buf)
    c.sock.settimeout(3)
    try:
        while True:
            chunk = c.sock.recv(1 << 16)
            if not chunk:
                break
            n += len(chunk)
    except OSError:
        pass
    return n


def serve(directory, sock, tls):
    if tls:
        try:
            sock = tls.wrap_socket(sock, server_side=True)
        except (OSError, ssl.SSLError):
            sock.close()
            return
    c = Conn(sock)
    try:
        method, target, _ = c.line().decode("latin-1").split(" ", 2)
        headers = []
        while True:
            line = c.line()
            if not line:
                break
            name, value = line.decode("latin-1").split(":", 1)
            headers.append([name, value.strip()])
    except (EOFError, ValueError, OSError):
        sock.close()
        return
    h = {k.lower(): v for k, v in headers}
    framing = "chunked" if "chunked" in h.get("transfer-encoding", "") else \
        "length" if "content-length" in h else "none"
    length = int(h.get("content-length", "0") or 0)
    expect = h.get("expect", "").lower() == "100-continue"
    rec = {"method": method, "target": target, "headers": headers, "framing": framing,
           "expect": expect, "continued": False, "received": None}
    body = Body()
    parts = target.split("?")[0].strip("/").split("/")
    try:
        if parts[0] == "expect-401" and expect:
            answer(sock, 401, ["WWW-Authenticate: Basic realm=x"], b"no\n")
            sock.shutdown(socket.SHUT_WR)
            rec["received"] = drain(c)
            rec.update(length=0, sha256=body.sha.hexdigest())
            record(directory, rec, body)
            return
        if expect and parts[0] != "ignore-expect":
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            rec["continued"] = True
        if parts[0] == "reset-body":
            try:
                read_body(c, framing, length, body, limit=1 << 16)
            finally:
                rec.update(length=body.length, sha256=body.sha.hexdigest())
                record(directory, rec, body)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        read_body(c, framing, length, body)
        rec.update(length=body.length, sha256=body.sha.hexdigest())
        record(directory, rec, body)
        if parts[0] == "status" and len(parts) >= 2:
            times = int(parts[2]) if len(parts) >= 3 else 1 << 30
            if times_asked(target) <= times:
                extra = ["Retry-After: " + parts[3]] if len(parts) >= 4 else []
                answer(sock, int(parts[1]), extra, b"status %s\n" % parts[1].encode())
                return
        if parts[0] == "redirect":
            answer(sock, int(parts[1]), ["Location: " + parts[2].replace("~", "/")])
            return
        answer(sock, 200, ["Content-Type: text/plain"],
               b"%d %s\n" % (body.length, body.sha.hexdigest().encode()))
    except (EOFError, OSError, ValueError):
        pass
    finally:
        sock.close()


def main():
    directory, tls = sys.argv[1], None
    if len(sys.argv) > 4 and sys.argv[2] == "--tls":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(sys.argv[3], sys.argv[4])
    if len(sys.argv) > 3 and sys.argv[2] == "--unix":
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(sys.argv[3])
        srv.listen(16)
        print("ready", flush=True)
    else:
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        print("port %d" % srv.getsockname()[1], flush=True)
    while True:
        sock, _ = srv.accept()
        threading.Thread(target=serve, args=(directory, sock, tls), daemon=True).start()


main()
