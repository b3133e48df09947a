#!/usr/bin/env python3
# udp_qotd_client.py HOST PORT: the seeds' QOTD client over UDP (RFC 865), as a first
# socket program is written: send an empty datagram, print the quote that comes back.
import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"", (host, port))
data, server = s.recvfrom(1024)
sys.stdout.write(data.decode())
s.close()
