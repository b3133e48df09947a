#!/usr/bin/env python3
"""late_service.py: a service that comes up late, for tests/71-wait.bats.

usage: late_service.py tcp DELAY       bind 127.0.0.1 (a free port), print "port N", and
                                       listen only DELAY seconds later (until then a
                                       connect is refused); then accept and close
       late_service.py unix PATH DELAY print "ready", and DELAY seconds later listen on PATH
       late_service.py http N          listen at once, print "port N"; answer the first N
                                       requests with 500, then every one with 200

The delay is the behaviour under test (a service that is slow to start), not a wait for
synchronisation. Every request line is appended to stderr.
"""
import socket
import sys
import time


def accept_forever(lsock, answer):
    while True:
        conn, _ = lsock.accept()
        try:
            answer(conn)
        except OSError:
            pass
        conn.close()


def read_head(conn):
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def main():
    mode = sys.argv[1]
    if mode == "unix":
        path, delay = sys.argv[2], float(sys.argv[3])
        print("ready", flush=True)
        time.sleep(delay)
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(path)
        lsock.listen(16)
        accept_forever(lsock, lambda c: None)
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.bind(("127.0.0.1", 0))
    print("port %d" % lsock.getsockname()[1], flush=True)
    if mode == "tcp":
        time.sleep(float(sys.argv[2]))
        lsock.listen(16)
        accept_forever(lsock, lambda c: None)
    lsock.listen(16)
    failures = [int(sys.argv[2])]

    def answer(conn):
        head = read_head(conn)
        sys.stderr.write(head.split(b"\r\n", 1)[0].decode("latin-1") + "\n")
        sys.stderr.flush()
        if failures[0] > 0:
            failures[0] -= 1
            conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")

    accept_forever(lsock, answer)


if __name__ == "__main__":
    main()
