#!/usr/bin/env python3
"""Plain TCP listeners for the port checks: accepts on ADDR:PORT for each
PORT given and closes every connection at once (an open port, nothing more).

usage: tcp-listen.py ADDR PORT [PORT ...] [--ready FILE]
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
    addr, ports = args[0], [int(p) for p in args[1:]]
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
