#!/usr/bin/env python3
"""A loopback stand-in for Windows WinRM (WS-Management Identify only).

Debian ships no WS-Management server, so the cert-prereq tests use this
small responder in place of Windows.  It answers exactly as Microsoft
documents Identify ("Detecting Whether a Remote Computer Supports
WS-Management Protocol"; DMTF DSP0226/DSP8012):

  POST /wsman, Content-Type application/soap+xml, body with
  <wsmid:Identify/> in the ...wsmanidentity.xsd namespace.
  - with the header "WSMANIDENTIFY: unauthenticated": 200 and an
    IdentifyResponse whose ProductVersion says "OS: 0.0.0 SP: 0.0 Stack: 2.0";
  - with HTTP Basic credentials matching --user/--password-file: 200 and the
    real ProductVersion ("OS: 5.2.3790 SP: 2.0 Stack: 1.1" by default);
  - otherwise 401 with WWW-Authenticate: Basic.

--mode selects hostile answers for the bad-input tests: huge (2 MiB),
malformed (unterminated), entity (a DOCTYPE with an entity bomb), notxml.
Usage: winrm-responder.py --addr 127.0.0.N --port P [--os 5.2.3790]
       [--sp 2.0] [--user U --password-file F] [--mode M] [--ready FILE]
"""
import argparse
import base64
import http.server
import socketserver
import sys

IDENTIFY_NS = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"

RESPONSE = (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsmid="' + IDENTIFY_NS + '"><s:Header/><s:Body>'
    "<wsmid:IdentifyResponse>"
    "<wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</wsmid:ProtocolVersion>"
    "<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>"
    "<wsmid:ProductVersion>{version}</wsmid:ProductVersion>"
    "</wsmid:IdentifyResponse></s:Body></s:Envelope>"
)

HOSTILE = {
    "huge": "<a>" + "x" * (2 * 1024 * 1024) + "</a>",
    "malformed": '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
                 "<wsmid:IdentifyResponse><wsmid:ProductVendor>Microsoft",
    "entity": '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              "<wsmid:IdentifyResponse xmlns:wsmid=\"" + IDENTIFY_NS + "\">"
              "<wsmid:ProductVendor>&lol2;</wsmid:ProductVendor></wsmid:IdentifyResponse>",
    "notxml": "this is not XML at all",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5985)
    ap.add_argument("--os", default="5.2.3790")
    ap.add_argument("--sp", default="2.0")
    ap.add_argument("--user")
    ap.add_argument("--password-file")
    ap.add_argument("--mode", default="normal")
    ap.add_argument("--ready")
    a = ap.parse_args()
    password = None
    if a.password_file:
        with open(a.password_file) as f:
            password = f.read().rstrip("\n")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, code, body, extra=()):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(min(n, 65536)).decode("utf-8", "replace")
            if self.path != "/wsman" or "Identify" not in body or IDENTIFY_NS not in body:
                self.reply(400, "")
                return
            if not self.headers.get("Content-Type", "").startswith("application/soap+xml"):
                self.reply(415, "")
                return
            if a.mode in HOSTILE:
                self.reply(200, HOSTILE[a.mode])
                return
            authed = False
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic ") and a.user is not None:
                try:
                    u, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
                    authed = u == a.user and pw == password
                except ValueError:
                    authed = False
            if authed:
                self.reply(200, RESPONSE.format(version="OS: %s SP: %s Stack: 1.1" % (a.os, a.sp)))
            elif self.headers.get("WSMANIDENTIFY", "").lower() == "unauthenticated":
                self.reply(200, RESPONSE.format(version="OS: 0.0.0 SP: 0.0 Stack: 2.0"))
            else:
                # As a listener with Basic enabled (winrm set winrm/config/service/auth
                # @{Basic="true"}); Windows would offer Negotiate as well, which needs
                # a KDC this stand-in does not have.
                self.reply(401, "", [("WWW-Authenticate", 'Basic realm="WSMAN"')])

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    srv = Server((a.addr, a.port), Handler)
    if a.ready:
        with open(a.ready, "w") as f:
            f.write(str(srv.server_address[1]) + "\n")
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
