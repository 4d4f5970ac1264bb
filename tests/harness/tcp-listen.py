#!/usr/bin/env python3
"""Plain TCP listeners for the port checks: accepts on ADDR:PORT for each
PORT given and closes every connection at once (an open port, nothing more).
With --silent PORT, a port that answers no SYN: a listener with a backlog of
0 that never accepts, its queue filled by connections of its own, so the
kernel drops further SYNs (a filtered port, without firewall rules).

usage: tcp-listen.py ADDR PORT [PORT ...] [--silent PORT] [--ready FILE]
"""
import selectors
import socket
import sys


def main():
    args = sys.argv[1:]
    ready = None
    if "--ready" in args:
        i = args.index("--ready")
        ready = args[i + 1]
        del args[i:i + 2]
    silent = None
    if "--silent" in args:
        i = args.index("--silent")
        silent = int(args[i + 1])
        del args[i:i + 2]
    addr, ports = args[0], [int(p) for p in args[1:]]
    keep = []
    if silent is not None:
        q = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        q.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        q.bind((addr, silent))
        q.listen(0)
        keep.append(q)
        for _ in range(4):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setblocking(False)
            c.connect_ex((addr, silent))
            keep.append(c)
    sel = selectors.DefaultSelector()
    for port in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        s.listen(1024)
        sel.register(s, selectors.EVENT_READ)
    if ready:
        with open(ready, "w") as f:
            f.write("ready\n")
    while True:
        for key, _ in sel.select():
            try:
                c, _ = key.fileobj.accept()
                c.close()
            except OSError:
                pass


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
