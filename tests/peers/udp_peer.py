#!/usr/bin/env python3
"""udp_peer.py MODE [HOST]: a UDP peer for the udp-send tests, on a free port of HOST
(default 127.0.0.1). Prints "port N" when ready, then "got LEN" for each datagram.

MODE  echo        send each datagram back
      silent      never answer
      other       answer from another socket (another port): not the address sent to
      other+echo  first that, then the echo from the right address
      three       answer with three datagrams: "one\\n", "two\\n", "three\\n"
"""
import socket
import sys

mode = sys.argv[1]
host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET

sock = socket.socket(family, socket.SOCK_DGRAM)
sock.bind((host, 0))
other = socket.socket(family, socket.SOCK_DGRAM)
other.bind((host, 0))
print("port", sock.getsockname()[1], flush=True)

while True:
    data, addr = sock.recvfrom(65536)
    print("got", len(data), flush=True)
    if mode in ("other", "other+echo"):
        other.sendto(b"from another port\n", addr)
    if mode in ("echo", "other+echo"):
        sock.sendto(data, addr)
    elif mode == "three":
        for word in (b"one\n", b"two\n", b"three\n"):
            sock.sendto(word, addr)
