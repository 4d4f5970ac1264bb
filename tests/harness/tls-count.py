#!/usr/bin/env python3
"""A TLS server that counts the connections its clients hold open at once.

    tls-count.py PORT CERT KEY PEAKFILE [HOLD_MS]

Serves CERT (its whole chain) on 127.0.0.1:PORT and keeps each connection
until the client closes it.  With HOLD_MS, the handshake of each connection
starts that long after it was accepted (a busy server: the connections of a
client that does not limit itself pile up).  PEAKFILE holds the most connections that were
open at the same time, rewritten whenever that number grows, and a second
line with the connections accepted in all.

The count never runs ahead of the client: in each round the connections
already open are served first (a client's close is seen before the
connection it opens next), and one connection at most is accepted, the one
at the head of the queue, which was connected before the round began.
"""
import collections
import os
import selectors
import socket
import ssl
import sys
import time


def main():
    port, cert, key, peakfile = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    hold = float(sys.argv[5]) / 1000 if len(sys.argv) > 5 else 0.0
    held = collections.deque()  # (due, conn, data), in accept order
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", port))
    lst.listen(4096)
    lst.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(lst, selectors.EVENT_READ, None)
    state = {"open": 0, "peak": 0, "total": 0}

    def record():
        with open(peakfile + ".tmp", "w") as f:
            f.write("%d\n%d\n" % (state["peak"], state["total"]))
        # renamed: a reader never sees a half-written file
        os.replace(peakfile + ".tmp", peakfile)

    def close(conn):
        sel.unregister(conn)
        conn.close()
        state["open"] -= 1

    def step(conn, data):
        if not data["done"]:
            try:
                conn.do_handshake()
                data["done"] = True
            except ssl.SSLWantReadError:
                sel.modify(conn, selectors.EVENT_READ, data)
                return
            except ssl.SSLWantWriteError:
                sel.modify(conn, selectors.EVENT_WRITE, data)
                return
            except (ssl.SSLError, OSError):
                close(conn)
                return
            sel.modify(conn, selectors.EVENT_READ, data)
        try:
            if conn.recv(4096) == b"":
                close(conn)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
        except (ssl.SSLError, OSError):
            close(conn)

    record()
    while True:
        timeout = None
        if held:
            timeout = max(0.0, held[0][0] - time.monotonic())
        events = sel.select(timeout)
        ready = False
        for k, _ in events:
            if k.data is None:
                ready = True
            else:
                step(k.fileobj, k.data)
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, conn, data = held.popleft()
            sel.register(conn, selectors.EVENT_READ, data)
            step(conn, data)
        if not ready:
            continue
        try:
            conn, _ = lst.accept()
        except BlockingIOError:
            continue
        conn.setblocking(False)
        conn = ctx.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        data = {"done": False}
        state["open"] += 1
        state["total"] += 1
        if state["open"] > state["peak"]:
            state["peak"] = state["open"]
        record()
        if hold > 0:
            held.append((time.monotonic() + hold, conn, data))  # not watched until due
        else:
            sel.register(conn, selectors.EVENT_READ, data)
            step(conn, data)


if __name__ == "__main__":
    main()
