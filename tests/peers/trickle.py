#!/usr/bin/env python3
"""trickle.py: a peer that sends slowly, for the --expect and --max-time tests.

usage: trickle.py tcp|udp [--text TEXT] [--count N] [--interval SECS] [--bytes]

Binds 127.0.0.1 on a free port and prints "port N" once ready.
  tcp  for each connection (each in its own thread): sends TEXT COUNT times (0: until the
       client leaves), one send every SECS, then closes. With --bytes every byte of TEXT
       is its own send, SECS apart: a line split across many reads.
  udp  for each datagram: answers with TEXT COUNT times (0: never), one every SECS, the
       first SECS after the datagram came.
TEXT takes the escapes \\n and \\r. Defaults: TEXT "tick\\n", COUNT 0, SECS 0.5.
"""
import argparse
import socket
import threading
import time


def chunks(a):
    text = a.text.encode()
    return [bytes([b]) for b in text] if a.bytes else [text]


def serve_tcp(conn, a):
    sent = 0
    try:
        while a.count == 0 or sent < a.count:
            for chunk in chunks(a):
                time.sleep(a.interval)
                conn.sendall(chunk)
            sent += 1
    except OSError:
        pass  # the client went away
    conn.close()


def serve_udp(sock, addr, a):
    for _ in range(a.count):
        time.sleep(a.interval)
        sock.sendto(a.text.encode(), addr)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("tcp", "udp"))
    p.add_argument("--text", default="tick\\n")
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--interval", type=float, default=0.5)
    p.add_argument("--bytes", action="store_true")
    a = p.parse_args()
    a.text = a.text.replace("\\n", "\n").replace("\\r", "\r")
    if a.mode == "tcp":
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(16)
        print("port", lsock.getsockname()[1], flush=True)
        while True:
            conn, _ = lsock.accept()
            threading.Thread(target=serve_tcp, args=(conn, a), daemon=True).start()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    print("port", sock.getsockname()[1], flush=True)
    while True:
        _, addr = sock.recvfrom(65536)
        threading.Thread(target=serve_udp, args=(sock, addr, a), daemon=True).start()


main()
