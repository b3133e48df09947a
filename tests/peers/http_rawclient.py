#!/usr/bin/env python3
"""http_rawclient.py: the beginner's HTTP client, for comparison with sockit's output.

usage: http_rawclient.py HOST PORT METHOD PATH

Writes the request by hand, reads the reply until the server closes, and prints it as
received, CRs and all.
"""
import socket
import sys

host, port, method, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.create_connection((host, port), timeout=10)
request = "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n" % (method, path, host, port)
s.sendall(request.encode("ascii"))
reply = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    reply += chunk
sys.stdout.buffer.write(reply)
