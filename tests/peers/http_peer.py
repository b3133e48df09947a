#!/usr/bin/env python3
"""http_peer.py: clients of `sockit serve --proto http` that curl cannot be.

usage:
  http_peer.py raw HOST PORT            stdin's bytes in one write (sent as they are, so
                                        nothing is normalised); the reply to stdout until
                                        the server closes
  http_peer.py keepalive HOST PORT N PATH...
                                        N GETs of each PATH over one http.client
                                        connection; prints "STATUS LENGTH" per answer and
                                        "one connection" if its local port never changed
  http_peer.py slowread HOST PORT PATH SECS
                                        GET PATH, then read 16 KiB every 10 ms for SECS
                                        (prints "ready" after the first bytes, then
                                        "read N" when it stops)
  http_peer.py slowloris HOST PORT SECS  a head sent a byte every 50 ms, for at most SECS;
                                        prints "ready", then "closed after N bytes" if
                                        the server closes, or "still open" at the end
  http_peer.py dribble HOST PORT        stdin's bytes a byte per write; reply to stdout
  http_peer.py stuck HOST PORT N PATH   N GETs of PATH in one write, then (a small receive
                                        buffer) only the first bytes of the answers are
                                        read: prints "ready" after them, then holds the
                                        connection, never reading, until killed
"""
import http.client
import socket
import sys
import time


def read_to_close(s):
    out = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        out += chunk
    return out


def raw(host, port):
    data = sys.stdin.buffer.read()
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(data)
    sys.stdout.buffer.write(read_to_close(s))


def dribble(host, port):
    data = sys.stdin.buffer.read()
    s = socket.create_connection((host, int(port)), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i in range(len(data)):
        s.send(data[i:i + 1])
    sys.stdout.buffer.write(read_to_close(s))


def keepalive(host, port, n, paths):
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    ports = set()
    for _ in range(int(n)):
        for path in paths:
            c.request("GET", path)
            ports.add(c.sock.getsockname()[1])
            r = c.getresponse()
            body = r.read()
            print("%d %d" % (r.status, len(body)))
    if len(ports) == 1:
        print("one connection")
    c.close()


def slowread(host, port, path, secs):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    s.settimeout(10)
    s.connect((host, int(port)))
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode())
    total = len(s.recv(16384))
    print("ready", flush=True)
    end = time.monotonic() + float(secs)
    while time.monotonic() < end:
        chunk = s.recv(16384)
        if not chunk:
            break
        total += len(chunk)
        time.sleep(0.01)  # the slow reader's own pace, not a synchronisation
    print("read %d" % total, flush=True)


def slowloris(host, port, secs):
    head = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Padding: " + b"a" * 4000
    s = socket.create_connection((host, int(port)), timeout=10)
    print("ready", flush=True)
    end = time.monotonic() + float(secs)
    sent = 0
    while time.monotonic() < end and sent < len(head):
        try:
            s.send(head[sent:sent + 1])
        except (BrokenPipeError, ConnectionResetError):
            print("closed after %d bytes" % sent, flush=True)
            return
        sent += 1
        s.settimeout(0.05)  # the attacker's pace: a byte per 50 ms
        try:
            if s.recv(1024) == b"":
                print("closed after %d bytes" % sent, flush=True)
                return
        except socket.timeout:
            pass
        except ConnectionResetError:
            print("closed after %d bytes" % sent, flush=True)
            return
    print("still open", flush=True)


def stuck(host, port, n, path):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect((host, int(port)))
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode() * int(n))
    s.recv(1)
    print("ready", flush=True)
    time.sleep(600)  # held open, unread, until the test kills it


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "raw":
        raw(*args)
    elif cmd == "dribble":
        dribble(*args)
    elif cmd == "keepalive":
        keepalive(args[0], args[1], args[2], args[3:])
    elif cmd == "slowread":
        slowread(*args)
    elif cmd == "slowloris":
        slowloris(*args)
    elif cmd == "stuck":
        stuck(*args)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
