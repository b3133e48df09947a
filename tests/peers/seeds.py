#!/usr/bin/env python3
"""seeds.py: the seeds' first socket programs, kept as a beginner writes them, to prove
that sockit serves them as they are. One task a run:

  seeds.py tcp HOST PORT [MESSAGE]  connect, send MESSAGE if given, one recv, print
                                    "Received from server: ..."
  seeds.py qotd HOST PORT           an empty datagram (RFC 865), one reply of at most
                                    512 bytes, printed as "Quote of the day: ..."
  seeds.py udp HOST PORT DATAGRAM   send DATAGRAM (empty for QOTD, anything for daytime,
                                    RFC 867), print the one reply exactly as it came
"""
import socket
import sys


def tcp(host, port, message=None):
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.connect((host, port))
    if message is not None:
        client.send(message.encode())
    data = client.recv(1024)
    print("Received from server:", data.decode())
    client.close()


def qotd(host, port):
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.sendto(b"", (host, port))
    data, server = client.recvfrom(512)
    print("Quote of the day:", data.decode().strip())
    client.close()


def udp(host, port, datagram):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(datagram.encode(), (host, port))
    data, server = s.recvfrom(1024)
    sys.stdout.write(data.decode())
    s.close()


TASKS = {"tcp": tcp, "qotd": qotd, "udp": udp}

if __name__ == "__main__":
    task, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    TASKS[task](host, port, *sys.argv[4:])
