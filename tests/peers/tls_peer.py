#!/usr/bin/env python3
"""tls_peer.py: a scripted TLS server for the TLS client tests (python's ssl module).

usage: tls_peer.py --cert FILE --key FILE [--cafile FILE --verify-client] [-6]
                   [--count N] [--peer] [ACTIONS]
Listens on 127.0.0.1 (-6: ::1) on a free port and prints "port N" once it listens;
serves --count connections (default 1), one after the other. Per connection, prints
"peer HOST PORT" on accepting it (with --peer), "sni NAME" (or "sni none") and, with
--verify-client, "client SUBJECT-CN"; then:
  --send FILE     send FILE first
  --recv FILE     read until the client's end (close_notify or EOF) into FILE, then
                  print "eof BYTES"
  --then-send FILE  after that, send FILE
  --no-notify     end without close_notify (a TCP close after whole records)
  --truncate      send one more record cut in its middle, then a TCP close
Without --no-notify/--truncate it ends with close_notify. Prints "closed".
"""
import argparse
import socket
import ssl
import sys


def serve_one(ctx, lsock, a):
    raw, addr = lsock.accept()
    if a.peer:
        print("peer", addr[0], addr[1], flush=True)
    seen = {"sni": None}

    def on_sni(sslobj, name, _ctx):
        seen["sni"] = name

    ctx.sni_callback = on_sni
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_side=True)

    def flush():
        data = outgoing.read()
        if data:
            raw.sendall(data)

    def pump_in():
        data = raw.recv(65536)
        if not data:
            incoming.write_eof()
            return False
        incoming.write(data)
        return True

    try:
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                flush()
                if not pump_in():
                    raise ConnectionError("eof in handshake")
        flush()
    except (ssl.SSLError, ConnectionError, OSError) as e:
        print("handshake failed", type(e).__name__, flush=True)
        try:
            flush()  # the alert that says why
        except OSError:
            pass
        raw.close()
        return
    print("sni", seen["sni"] or "none", flush=True)
    if a.verify_client:
        cert = tls.getpeercert()
        cn = [v for rdn in cert.get("subject", ()) for k, v in rdn if k == "commonName"]
        print("client", cn[0] if cn else "none", flush=True)

    def send_file(path):
        with open(path, "rb") as f:
            while True:
                chunk = f.read(16384)
                if not chunk:
                    break
                tls.write(chunk)
                flush()

    if a.send:
        send_file(a.send)
    if a.recv:
        total = 0
        with open(a.recv, "wb") as out:
            while True:
                try:
                    data = tls.read(65536)
                except ssl.SSLWantReadError:
                    flush()
                    if not pump_in():
                        break
                    continue
                except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                    break
                if not data:
                    break
                out.write(data)
                total += len(data)
        print("eof", total, flush=True)
    if a.then_send:
        send_file(a.then_send)
    if a.truncate:
        tls.write(b"x" * 1000)
        record = outgoing.read()
        raw.sendall(record[: len(record) // 2])
    elif not a.no_notify:
        try:
            tls.unwrap()
        except (ssl.SSLWantReadError, ssl.SSLError):
            pass
        flush()
    raw.close()
    print("closed", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--cafile")
    p.add_argument("--verify-client", action="store_true")
    p.add_argument("-6", dest="v6", action="store_true")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--peer", action="store_true")
    p.add_argument("--send")
    p.add_argument("--recv")
    p.add_argument("--then-send")
    p.add_argument("--no-notify", action="store_true")
    p.add_argument("--truncate", action="store_true")
    a = p.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    if a.cafile:
        ctx.load_verify_locations(a.cafile)
    if a.verify_client:
        ctx.verify_mode = ssl.CERT_REQUIRED
    fam = socket.AF_INET6 if a.v6 else socket.AF_INET
    lsock = socket.socket(fam, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("::1" if a.v6 else "127.0.0.1", 0))
    lsock.listen(8)
    print("port", lsock.getsockname()[1], flush=True)
    for _ in range(a.count):
        try:
            serve_one(ctx, lsock, a)
        except OSError as e:  # a client that left early: on to the next
            print("gone", type(e).__name__, flush=True)


if __name__ == "__main__":
    sys.exit(main())
