#!/usr/bin/env python3
"""full_backlog.py: a listener on 127.0.0.1 that never accepts, its queue already full.

Listens with a backlog of 0, then fills the accept queue with connections of its own,
held open, until one does not complete within 0.2 s: from then on a new client's SYN
goes unanswered, so its connect can only time out. Prints "port N" once full, then
holds everything until killed.
"""
import select
import signal
import socket
import sys


def main():
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(0)
    port = lsock.getsockname()[1]
    held = []
    for _ in range(256):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", port))
        held.append(c)
        _, writable, _ = select.select([], [c], [], 0.2)
        if not writable:
            break
    else:
        print("full_backlog: the queue never filled", file=sys.stderr)
        return 1
    print("port", port, flush=True)
    signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
