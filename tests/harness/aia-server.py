#!/usr/bin/env python3
"""A static HTTP server for AIA/CRL tests that counts what it is asked and
can misbehave on purpose.  Serves the files of DIR on 127.0.0.1:PORT.

  GET /_stats            JSON: {"hits": {path: n}, "max_open": n, "open": n}
  GET /_reset_stats      forgets the counts
  GET /garbage/...       a reply that is not HTTP ("hello"), then close
  GET /trunc/...         a Content-Length of 100000 and 10 bytes, then close
  GET /empty/...         close without a byte
  GET /status500/...     HTTP 500
  GET /redirect/PATH     302 to /PATH (on this server)
  GET /chunked/PATH      the file PATH, chunked (RFC 9112 section 7.1)
  GET /hang/...          accept, read, never answer

Every other path is a file of DIR (404 when there is none).  With --delay S
each answer waits S seconds first, so that connections overlap: max_open is
the most requests waiting for their answer at once (how concurrent the
client was).

usage: aia-server.py DIR PORT [--delay SECONDS]
"""
import http.server
import json
import os
import socketserver
import sys
import threading
import time

lock = threading.Lock()
hits = {}
state = {"open": 0, "max_open": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def raw(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def send(self, code, body, ctype="application/octet-stream", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/_stats":
            with lock:
                body = json.dumps({"hits": hits, **state}).encode()
            return self.send(200, body, "application/json")
        if path == "/_reset_stats":
            with lock:
                hits.clear()
                state["max_open"] = state["open"]
            return self.send(200, b"{}", "application/json")
        with lock:
            hits[path] = hits.get(path, 0) + 1
            state["open"] += 1
            state["max_open"] = max(state["max_open"], state["open"])
        # A request is open until its answer starts: the client cannot have
        # started its next one before (an exact count of what it has in flight).
        try:
            if DELAY:
                time.sleep(DELAY)
        finally:
            with lock:
                state["open"] -= 1
        self.answer(path)

    def answer(self, path):
        first = path.split("/")[1] if path.count("/") > 1 else ""
        rest = path[len(first) + 1:]
        if first == "hang":
            while True:
                time.sleep(60)
        if first == "garbage":
            return self.raw(b"hello\r\n")
        if first == "trunc":
            return self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n"
                            b"Connection: close\r\n\r\n0123456789")
        if first == "empty":
            return self.raw(b"")
        if first == "status500":
            return self.send(500, b"oops", "text/plain")
        if first == "redirect":
            return self.send(302, b"", "text/plain", [("Location", rest)])
        f = os.path.join(ROOT, (rest if first == "chunked" else path).lstrip("/"))
        if "/../" in path or not os.path.isfile(f):
            return self.send(404, b"not found", "text/plain")
        data = open(f, "rb").read()
        if first == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-cert")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(0, len(data), 300):
                c = data[i:i + 300]
                self.wfile.write(b"%x\r\n" % len(c) + c + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True
            return None
        return self.send(200, data, "application/pkix-cert")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 1024


if __name__ == "__main__":
    args = sys.argv[1:]
    DELAY = 0.0
    if "--delay" in args:
        i = args.index("--delay")
        DELAY = float(args[i + 1])
        del args[i:i + 2]
    ROOT, port = args[0], int(args[1])
    Server(("127.0.0.1", port), Handler).serve_forever()
