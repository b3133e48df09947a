"""nonreading.py: what the peers that do not read their replies share (imported)."""
import socket
import sys
import time


def slow_socket(host, port):
    """A connected, non-blocking socket with small kernel buffers, so that replies pile up
    in the server, where they are counted, rather than in the kernel."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    # a small MSS keeps the server's send buffer from growing to megabytes (its kernel
    # sizes it by segments)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1024)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    s.settimeout(5)
    s.connect((host, port))
    s.setblocking(False)
    return s


def hold_forever(sent):
    """Reports what was sent ("sent N" on stderr, "ready" on stdout), then holds every
    connection open, still not reading, until killed."""
    print(f"sent {sent}", file=sys.stderr, flush=True)
    print("ready", flush=True)
    while True:
        time.sleep(3600)
