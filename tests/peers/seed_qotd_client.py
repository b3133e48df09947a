#!/usr/bin/env python3
# seed_qotd_client.py: the seeds' QOTD client over UDP (RFC 865), as a beginner writes it:
# send an empty datagram, receive one reply of at most 512 bytes, print it.
# usage: seed_qotd_client.py HOST PORT
import socket
import sys

HOST = sys.argv[1]
PORT = int(sys.argv[2])

client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
client.sendto(b"", (HOST, PORT))

data, server = client.recvfrom(512)
print("Quote of the day:", data.decode().strip())

client.close()
