#!/usr/bin/env python3
"""on_pty.py CMD [ARGS...]: runs CMD with a terminal (a pty) as its stdin.

Nothing is ever typed and the terminal stays open until CMD exits, so CMD sees neither
input nor EOF on stdin. stdout and stderr are inherited. Exits with CMD's status.
"""
import os
import pty
import subprocess
import sys


def main():
    master, slave = pty.openpty()
    child = subprocess.Popen(sys.argv[1:], stdin=slave)
    os.close(slave)
    rc = child.wait()
    os.close(master)
    return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main())
