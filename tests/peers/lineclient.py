#!/usr/bin/env python3
"""lineclient.py: the tests' reusable client.

TCP/UNIX: connects, sends the input (a file, or stdin), shuts down its write side, reads
until EOF and writes every byte received to stdout.
UDP (-u): each line of the input (without its newline) is one datagram; waits for one
reply per datagram and writes each reply's bytes to stdout, as they came.

Exit status: 0 at EOF (or every reply came), 4 on a connection error (refused, reset),
5 when the deadline passed first (what arrived is still written).
"""
import argparse
import hashlib
import socket
import sys
import threading
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("host", nargs="?", default="127.0.0.1")
    p.add_argument("port", nargs="?", type=int, default=0)
    p.add_argument("input", nargs="?", help="file to send (default: stdin)")
    p.add_argument("-U", "--unix", help="connect to a UNIX-domain socket instead")
    p.add_argument("-u", "--udp", action="store_true", help="one datagram per input line")
    p.add_argument("--chunk", type=int, default=0, help="bytes per send (1: one byte a write)")
    p.add_argument("--deadline", type=float, default=10.0, help="seconds for the whole run")
    p.add_argument("--no-shutdown", action="store_true", help="do not half-close after sending")
    p.add_argument("--sha256", action="store_true", help="print the SHA-256 and size of what came")
    p.add_argument("--until", help="stop reading once the bytes received end with this text")
    return p.parse_args()


def read_input(path):
    if path:
        with open(path, "rb") as f:
            return f.read()
    return sys.stdin.buffer.read()


def run_udp(args, data, deadline):
    s = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((args.host, args.port))
    grams = data.split(b"\n")
    if len(grams) > 1 and grams[-1] == b"":
        grams.pop()  # the newline ending the last line does not start another datagram
    for g in grams:
        s.send(g)
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            reply = s.recv(65536)
        except socket.timeout:
            return 5
        except ConnectionRefusedError:
            return 4
        sys.stdout.buffer.write(reply)
        sys.stdout.buffer.flush()
    return 0


def sender(s, data, chunk, shut, errors):
    """Sends beside the reader, so a peer that answers as it reads (echo) never deadlocks."""
    try:
        if chunk <= 0:
            s.sendall(data)
        else:
            for i in range(0, len(data), chunk):
                s.sendall(data[i:i + chunk])
        if shut:
            s.shutdown(socket.SHUT_WR)
    except OSError as e:
        errors.append(e)


def run_stream(args, data, deadline):
    try:
        if args.unix:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(args.unix)
        else:
            s = socket.create_connection((args.host, args.port), timeout=5)
            if args.chunk > 0:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError as e:
        print(f"lineclient: {e}", file=sys.stderr)
        return 4
    s.settimeout(max(0.01, deadline - time.monotonic()))
    errors = []
    t = threading.Thread(target=sender, args=(s, data, args.chunk, not args.no_shutdown, errors))
    t.daemon = True
    t.start()
    rc = receive(s, args, deadline)
    if errors and rc == 0:
        print(f"lineclient: {errors[0]}", file=sys.stderr)
        rc = 4
    return rc


def receive(s, args, deadline):
    digest = hashlib.sha256() if args.sha256 else None
    total = 0
    tail = b""
    rc = 0
    while True:
        if time.monotonic() >= deadline:
            rc = 5
            break
        try:
            b = s.recv(1 << 16)
        except socket.timeout:
            rc = 5
            break
        except OSError as e:
            print(f"lineclient: {e}", file=sys.stderr)
            rc = 4
            break
        if not b:
            break
        total += len(b)
        if digest:
            digest.update(b)
        else:
            sys.stdout.buffer.write(b)
            sys.stdout.buffer.flush()
        tail = (tail + b)[-256:]
        if args.until and tail.endswith(args.until.encode()):
            break
    if digest:
        print(digest.hexdigest(), total)
    return rc


def main():
    args = parse_args()
    data = read_input(args.input)
    deadline = time.monotonic() + args.deadline
    sys.exit(run_udp(args, data, deadline) if args.udp else run_stream(args, data, deadline))


if __name__ == "__main__":
    main()
