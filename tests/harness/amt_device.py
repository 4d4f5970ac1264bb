#!/usr/bin/python3
"""STAND-IN FOR AMT FIRMWARE: the network face of an Intel AMT device, for
cert-amt discover.  No AMT firmware can run in a test; this replays the
documented wire formats on loopback addresses:

  - TCP 16992 (plain) and 16993 (TLS with a real certificate chain): the
    answer to GET / carries "Server: Intel(R) Active Management Technology
    A.B.C" (MeshCentral amtscanner.js getIntelAmtVersionFromHeaders), e.g.
    HTTP/1.1 303 See Other, Location: /logon.htm, Content-Length: 0;
  - UDP 623: the ASF presence pong to an RMCP presence ping (06 00 00 06 00
    00 11 BE 80 TAG 00 00): the tag echoed at byte 9, the open port at bytes
    16-17, the version at 18 (major << 4 | minor), the provisioning state at
    19 (bit 0x04: both ports open), bit 0x20 of byte 21 marking AMT
    (MeshCentral amtscanner.js parseRmcpPacket; DMTF DSP0136).

usage: amt_device.py --addresses A[-B][,..] [--http-port P] [--tls-port P]
           [--rmcp-port P] [--cert PEM --key KEY] [--version A.B.C]
           [--state pre|in|post] [--http-mode MODE] [--rmcp-mode MODE]
           [--tls-legacy | --tls-old-firmware] [--rmcp-drop N] [--workers N] [--ready FILE]

Ports 0 are not served.  MODE for HTTP: amt (default), no-server, garbled,
endless (headers that never end), nginx (another server), silent (accepts
and says nothing).  MODE for RMCP: amt (default), short, spoofed-tag,
no-amt-bit, silent; --rmcp-drop N ignores the first N pings (a lossy
network).  --tls-legacy serves only TLS 1.0 with RSA key exchange
(old firmware); --tls-old-firmware also resets the connection when the
ClientHello offers more than TLS 1.0, as firmware that needs the scanner's
TLS 1.0 retry does.  --workers N splits the addresses over N processes (for the
benchmark).  When everything listens, "ready" is written to --ready (or
stdout).
"""
import argparse
import warnings
import asyncio
import ipaddress
import os
import signal
import ssl
import sys

warnings.filterwarnings("ignore", category=DeprecationWarning)  # TLS 1.0 on purpose
STATES = {"pre": 0, "in": 1, "post": 2}


def addresses(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            a, b = int(ipaddress.IPv4Address(lo)), int(ipaddress.IPv4Address(hi))
            out += [str(ipaddress.IPv4Address(i)) for i in range(a, b + 1)]
        else:
            out.append(part)
    return out


def http_answer(args):
    if args.http_mode == "no-server":
        return b"HTTP/1.1 303 See Other\r\nLocation: /logon.htm\r\nContent-Length: 0\r\n\r\n"
    if args.http_mode == "garbled":
        return b"\x16\x03\x01garbage\r\n\r\n"
    if args.http_mode == "nginx":
        return b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 0\r\n\r\n"
    return ("HTTP/1.1 303 See Other\r\nLocation: /logon.htm\r\nContent-Length: 0\r\n"
            "Server: Intel(R) Active Management Technology %s\r\n\r\n" % args.version).encode()


def pong(args, ping):
    if len(ping) < 12 or ping[8] != 0x80:
        return None
    tag = ping[9]
    if args.rmcp_mode == "spoofed-tag":
        tag = (tag + 1) & 0xFF
    major, minor = (int(x) for x in args.version.split(".")[:2])
    port = args.tls_port or args.http_port or 16992
    state = STATES[args.state] | (0x04 if args.http_port and args.tls_port else 0)
    out = bytes([0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x40, tag, 0x00, 0x10,
                 0x00, 0x00, 0x11, 0xBE, port >> 8, port & 0xFF,
                 (major << 4 | minor) & 0xFF, state,
                 0x81, 0x00 if args.rmcp_mode == "no-amt-bit" else 0x20]) + bytes(6)
    if args.rmcp_mode == "short":
        out = out[:20]
    return out


class Rmcp(asyncio.DatagramProtocol):
    def __init__(self, args):
        self.args = args
        self.dropped = 0

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if self.args.rmcp_mode == "silent":
            return
        if self.dropped < self.args.rmcp_drop:
            self.dropped += 1  # a lost datagram: the scanner must ask again
            return
        out = pong(self.args, data)
        if out is not None:
            self.transport.sendto(out, addr)


async def serve_http(args, reader, writer):
    try:
        if args.http_mode == "silent":
            await asyncio.sleep(3600)
            return
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        if args.http_mode == "endless":
            writer.write(b"HTTP/1.1 200 OK\r\n")
            while not writer.is_closing():
                writer.write(b"X-Padding: " + b"a" * 1000 + b"\r\n")
                await writer.drain()
            return
        writer.write(http_answer(args))
        await writer.drain()
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ssl.SSLError):
        pass
    finally:
        writer.close()


async def serve_old_tls(args, ctx, reader, writer):
    """Old firmware: a ClientHello offering more than TLS 1.0 is cut off
    (the connection is reset), as some AMT firmware does; a TLS 1.0 one is
    served over a memory BIO, since its first bytes were already read."""
    try:
        head = b""
        while len(head) < 11:
            more = await reader.read(11 - len(head))
            if not more:
                break
            head += more
        if len(head) < 11 or head[0] != 0x16 or (head[9] << 8 | head[10]) > 0x0301:
            writer.transport.abort()
            return
        inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = ctx.wrap_bio(inc, out, server_side=True)
        inc.write(head)

        async def pump():
            data = out.read()
            if data:
                writer.write(data)
                await writer.drain()

        async def more_input():
            await pump()
            data = await reader.read(65536)
            if not data:
                raise EOFError
            inc.write(data)

        while True:
            try:
                obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                await more_input()
        await pump()
        request = b""
        while b"\r\n\r\n" not in request:
            try:
                request += obj.read(65536)
            except ssl.SSLWantReadError:
                await more_input()
        obj.write(http_answer(args))
        await pump()
    except (OSError, EOFError, ssl.SSLError):
        pass
    finally:
        writer.close()


def options():
    p = argparse.ArgumentParser()
    p.add_argument("--addresses", required=True)
    p.add_argument("--http-port", type=int, default=16992)
    p.add_argument("--tls-port", type=int, default=16993)
    p.add_argument("--rmcp-port", type=int, default=623)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--version", default="7.1.91")
    p.add_argument("--state", default="post", choices=STATES)
    p.add_argument("--http-mode", default="amt")
    p.add_argument("--rmcp-mode", default="amt")
    p.add_argument("--tls-legacy", action="store_true")
    p.add_argument("--tls-old-firmware", action="store_true")
    p.add_argument("--rmcp-drop", type=int, default=0)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--ready")
    return p.parse_args()


async def serve(args, addrs, ready):
    loop = asyncio.get_running_loop()
    ctx = None
    if args.tls_port:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        if args.tls_legacy or args.tls_old_firmware:
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1
            ctx.set_ciphers("AES128-SHA:AES256-SHA:@SECLEVEL=0")
    servers = []
    handler = lambda r, w: serve_http(args, r, w)  # noqa: E731
    for addr in addrs:
        if args.http_port:
            servers.append(await asyncio.start_server(handler, addr, args.http_port,
                                                      backlog=1024))
        if args.tls_port and args.tls_old_firmware:
            servers.append(await asyncio.start_server(
                lambda r, w: serve_old_tls(args, ctx, r, w), addr, args.tls_port, backlog=1024))
        elif args.tls_port:
            servers.append(await asyncio.start_server(handler, addr, args.tls_port,
                                                      ssl=ctx, backlog=1024))
        if args.rmcp_port:
            await loop.create_datagram_endpoint(lambda: Rmcp(args), local_addr=(addr, args.rmcp_port))
    if ready:
        with open(ready, "w") as f:
            f.write("ready\n")
    elif ready is None:
        print("ready", flush=True)
    await asyncio.Event().wait()


def main():
    args = options()
    addrs = addresses(args.addresses)
    n = max(1, min(args.workers, len(addrs)))
    children = []
    for w in range(1, n):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            asyncio.run(serve(args, addrs[w::n], "%s.%d" % (args.ready, w) if args.ready else ""))
            os._exit(0)
        children.append(pid)

    def stop(*_):
        for c in children:
            try:
                os.kill(c, signal.SIGTERM)
            except OSError:
                pass
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.ready and children:
        # Ready when every worker is: the parent writes the file last.
        asyncio.run(serve_after(args, addrs[0::n], children, n))
    else:
        asyncio.run(serve(args, addrs[0::n], args.ready))


async def serve_after(args, addrs, children, n):
    async def wait_workers():
        while not all(os.path.exists("%s.%d" % (args.ready, w)) for w in range(1, n)):
            await asyncio.sleep(0.05)
    task = asyncio.ensure_future(serve(args, addrs, ""))
    await wait_workers()
    await asyncio.sleep(0.2)
    with open(args.ready, "w") as f:
        f.write("ready\n")
    await task


if __name__ == "__main__":
    main()
