#!/usr/bin/env python3
"""udp_client.py HOST PORT STEP...: UDP clients that follow a script.

Each STEP is NAME:send:TEXT (send TEXT plus "\\n" from the socket called NAME, made on
first use, each on its own port) or NAME:recv (wait at most 5 s for one datagram on
NAME, and print "NAME got TEXT" with the datagram as it came, minus a final newline).
Exits 1 if a datagram does not come.
"""
import socket
import sys


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks = {}
    for step in sys.argv[3:]:
        name, verb, *rest = step.split(":", 2)
        if name not in socks:
            s = socket.socket(family, socket.SOCK_DGRAM)
            s.bind((host, 0))
            s.settimeout(5)
            socks[name] = s
        s = socks[name]
        if verb == "send":
            s.sendto(rest[0].encode() + b"\n", (host, port))
        else:
            try:
                data = s.recv(65536)
            except socket.timeout:
                print(f"{name}: no datagram within 5 s", file=sys.stderr)
                return 1
            print(name, "got", data.decode(errors="replace").removesuffix("\n"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
