#!/usr/bin/env python3
# seed_tcp_client.py: the seeds' TCP client, kept as a beginner's socket example writes it
# (connect, send one message if given, one recv, print), to prove sockit serves it as is.
# usage: seed_tcp_client.py HOST PORT [MESSAGE]
import socket
import sys

HOST = sys.argv[1]
PORT = int(sys.argv[2])

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect((HOST, PORT))

if len(sys.argv) > 3:
    message = sys.argv[3]
    client.send(message.encode())

data = client.recv(1024)
print("Received from server:", data.decode())

client.close()
