#!/usr/bin/env python3
"""resetter.py: clients that reset their connection (close with SO_LINGER 0: an RST).

usage: resetter.py HOST PORT --count N [--mid-reply FILE]
Without --mid-reply: N clients, each resetting right after connecting.
With --mid-reply: N clients, each sending FILE (a request whose reply is large), waiting
for the first bytes of the reply, then resetting while the rest is still being written.
Prints "done N" when all have gone.
"""
import argparse
import socket
import struct
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--mid-reply")
    a = p.parse_args()
    data = open(a.mid_reply, "rb").read() if a.mid_reply else b""
    for _ in range(a.count):
        s = socket.socket()
        if data:
            # a small window keeps most of the reply in the server's queue when we reset
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(5)
        s.connect((a.host, a.port))
        if data:
            s.sendall(data)
            if not s.recv(1):
                print("resetter: no reply", file=sys.stderr)
                return 1
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    print(f"done {a.count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
