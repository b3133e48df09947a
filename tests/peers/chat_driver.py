#!/usr/bin/env python3
"""chat_driver.py: drives several chat clients through a script, checking every line each
one receives, in order.

usage: chat_driver.py [--unix PATH | HOST PORT] [--stdin FIFO] [--deadline SECS] < SCRIPT

The script, one step a line ('#' starts a comment):
  connect NAME [rcvbuf=BYTES] [noread]  a new client; noread: it never reads
  NAME> text            sends text and a newline
  NAME>> b"bytes"       sends exactly these bytes (a Python bytes literal)
  NAME< text            the next line NAME receives is exactly text
  NAME<< b"bytes"       the next line NAME receives is exactly these bytes (no newline)
  NAME<eof              NAME receives nothing more: the server has closed it
  NAME>flood N SIZE     sends N lines of SIZE bytes ("NAME 0000001 xxx..."), in the background
  NAME<flood N SIZE NICK=SENDER...
                        NAME receives the N lines of each SENDER (as "<NICK> line"), each
                        sender's in order; other lines that come between are kept, in
                        order, for the steps after
  close NAME | shut NAME | reset NAME   close, half-close, or reset (SO_LINGER 0)
  stdin> text           writes text and a newline to the server's stdin (FIFO)
  stdin>> b"bytes"      writes exactly these bytes to the server's stdin

Prints "ok" and exits 0 when every step passed; otherwise says which step failed, with
what the client received last, and exits 1.
"""
import argparse
import ast
import re
import socket
import struct
import sys
import threading
import time

STEP = re.compile(r"^(\w+)(<<|<|>>|>)(.*)$")


class Failure(Exception):
    pass


class Client:
    def __init__(self, name, addr, rcvbuf, reads):
        self.name = name
        self.sock = socket.socket(socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(5)
        self.sock.connect(addr)
        self.sock.settimeout(None)
        self.buf = bytearray()
        self.kept = []  # lines set aside by a flood step, consumed first
        self.seen = []  # every line taken, for the report of a failure
        self.eof = False
        self.error = None
        self.cond = threading.Condition()
        self.senders = []
        self.thread = threading.Thread(target=self.reader, daemon=True) if reads else None
        if self.thread:
            self.thread.start()

    def reader(self):
        while True:
            try:
                b = self.sock.recv(1 << 16)
            except OSError as e:
                b, err = b"", e
            else:
                err = None
            with self.cond:
                if b:
                    self.buf += b
                else:
                    self.eof, self.error = True, err
                self.cond.notify_all()
            if not b:
                return

    def close(self, reset):
        """Closes with a FIN, or an RST. A reader blocked in recv() would keep the socket
        open past close(), so it is woken (shutdown of the read side) and waited for first."""
        if self.thread:
            self.sock.shutdown(socket.SHUT_RD)
            self.thread.join(5)
        if reset:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def next_line(self, deadline):
        """The next line (bytes, without its newline), or None at EOF."""
        if self.kept:
            return self.kept.pop(0)
        with self.cond:
            while b"\n" not in self.buf and not self.eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failure(f"{self.name}: no line within the deadline "
                                  f"(pending {bytes(self.buf[:200])!r})")
                self.cond.wait(left)
            if b"\n" not in self.buf:
                if self.buf:
                    raise Failure(f"{self.name}: EOF after a partial line {bytes(self.buf)!r}")
                return None
            i = self.buf.index(b"\n")
            line = bytes(self.buf[:i])
            del self.buf[:i + 1]
        self.seen.append(line)
        return line

    def flood(self, count, size):
        def run():
            try:
                batch = []
                for i in range(count):
                    batch.append(flood_line(self.name, i, size) + b"\n")
                    if len(batch) == 64 or i == count - 1:
                        self.sock.sendall(b"".join(batch))
                        batch = []
            except OSError as e:
                self.error = e
        t = threading.Thread(target=run, daemon=True)
        t.start()
        self.senders.append(t)


def flood_line(name, i, size):
    head = f"{name} {i:07d} ".encode()
    return head + b"x" * max(0, size - len(head))


class Driver:
    def __init__(self, args):
        self.addr = args.unix if args.unix else (args.host, args.port)
        self.stdin_path = args.stdin
        self.stdin = None
        self.deadline = args.deadline
        self.clients = {}

    def client(self, name):
        if name not in self.clients:
            raise Failure(f"no client named {name}")
        return self.clients[name]

    def expect(self, c, want):
        got = c.next_line(time.monotonic() + self.deadline)
        if got != want:
            raise Failure(f"{c.name}: expected {want!r}, got {got!r}")

    def expect_flood(self, c, words):
        count, size, pairs = int(words[0]), int(words[1]), words[2:]
        want = {}
        for pair in pairs:
            nick, sender = pair.split("=")
            want[f"<{nick}> {sender} ".encode()] = [sender, 0]
        kept = []
        deadline = time.monotonic() + max(60, self.deadline)
        while any(n < count for _, n in want.values()):
            line = c.next_line(deadline)
            if line is None:
                raise Failure(f"{c.name}: EOF in a flood, at {[n for _, n in want.values()]}")
            prefix = next((p for p in want if line.startswith(p)), None)
            if prefix is None:
                kept.append(line)
                continue
            sender, n = want[prefix]
            expected = prefix[:prefix.index(b" ") + 1] + flood_line(sender, n, size)
            if line != expected:
                raise Failure(f"{c.name}: flood line {n} of {sender} out of order or "
                              f"damaged: {line[:60]!r}")
            want[prefix][1] = n + 1
        c.kept = kept + c.kept

    def step(self, line):
        words = line.split()
        if words[0] == "connect":
            opts = dict(w.split("=") if "=" in w else (w, "1") for w in words[2:])
            self.clients[words[1]] = Client(words[1], self.addr, int(opts.get("rcvbuf", 0)),
                                            "noread" not in opts)
            return
        if words[0] in ("close", "shut", "reset"):
            c = self.client(words[1])
            if words[0] == "shut":
                c.sock.shutdown(socket.SHUT_WR)
            else:
                c.close(words[0] == "reset")
            return
        if line.startswith(("stdin> ", "stdin>> ")):
            if self.stdin is None:
                self.stdin = open(self.stdin_path, "wb", buffering=0)
            raw = line.startswith("stdin>> ")
            self.stdin.write(ast.literal_eval(line[8:]) if raw else line[7:].encode() + b"\n")
            return
        m = STEP.match(line)
        if not m:
            raise Failure(f"cannot parse the step {line!r}")
        c, op, rest = self.client(m.group(1)), m.group(2), m.group(3)
        if op == ">":
            c.sock.sendall(rest[1:].encode() + b"\n")
        elif op == ">>":
            c.sock.sendall(ast.literal_eval(rest.strip()))
        elif op == "<<":
            self.expect(c, ast.literal_eval(rest.strip()))
        elif rest == "eof":
            got = c.next_line(time.monotonic() + self.deadline)
            if got is not None:
                raise Failure(f"{c.name}: expected EOF, got {got!r}")
        elif rest.startswith("flood "):
            self.expect_flood(c, rest.split()[1:])
        else:
            self.expect(c, rest[1:].encode())

    def flood_step(self, line):
        m = re.match(r"^(\w+)>flood (\d+) (\d+)$", line)
        if not m:
            return False
        self.client(m.group(1)).flood(int(m.group(2)), int(m.group(3)))
        return True

    def run(self, script):
        for no, line in enumerate(script.splitlines(), 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                if not self.flood_step(line):
                    self.step(line)
            except (Failure, OSError) as e:
                print(f"chat_driver: step {no} `{line[:80]}`: {e}", file=sys.stderr)
                self.report()
                return 1
        for c in self.clients.values():
            for t in c.senders:
                t.join(self.deadline)
        print("ok")
        return 0

    def report(self):
        for c in self.clients.values():
            tail = [x[:100] for x in c.seen[-5:]]
            print(f"  {c.name} received last: {tail}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description="drives chat clients through a script")
    p.add_argument("host", nargs="?", default="127.0.0.1")
    p.add_argument("port", nargs="?", type=int, default=0)
    p.add_argument("--unix", help="the server's UNIX-domain socket")
    p.add_argument("--stdin", help="a FIFO that is the server's stdin")
    p.add_argument("--deadline", type=float, default=5.0, help="seconds allowed for each step")
    args = p.parse_args()
    sys.exit(Driver(args).run(sys.stdin.read()))


if __name__ == "__main__":
    main()
