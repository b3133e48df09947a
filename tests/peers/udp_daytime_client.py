#!/usr/bin/env python3
# udp_daytime_client.py HOST PORT: the seeds' daytime client over UDP (RFC 867), as a
# first socket program is written: send any datagram, print the time that comes back.
import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"what time is it?", (host, port))
data, server = s.recvfrom(1024)
sys.stdout.write(data.decode())
s.close()
