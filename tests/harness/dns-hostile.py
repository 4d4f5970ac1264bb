#!/usr/bin/env python3
"""A hostile DNS server on loopback for the bad-input tests: it answers
every query the wrong way (--mode), as a broken or malicious server would.
Real answers come from Samba's DNS in the other tests; this only exists
because no real server sends these on purpose.

  truncated  TC set, no answer records
  wrongtype  a TXT record where an A record was asked for
  malformed  a header followed by garbage
  servfail   RCODE 2
  oversized  4000 bytes: 200 A records, none of them the service point
  loop       a CNAME that points to itself

usage: dns-hostile.py --port P --mode M [--ready FILE]
"""
import argparse
import socket
import struct


def answer(q, mode):
    qid = q[:2]
    # The question section: name labels then type and class.
    i = 12
    while i < len(q) and q[i] != 0:
        i += 1 + q[i]
    question = q[12:i + 5]
    ptr = b"\xc0\x0c"

    def header(flags, an):
        return qid + struct.pack(">HHHHH", flags, 1, an, 0, 0)

    if mode == "truncated":
        return header(0x8380, 0) + question
    if mode == "wrongtype":
        txt = b"\x0bnot-an-addr"
        return header(0x8180, 1) + question + ptr + struct.pack(">HHIH", 16, 1, 60, len(txt)) + txt
    if mode == "malformed":
        return header(0x8180, 3) + b"\xff" * 40
    if mode == "servfail":
        return header(0x8182, 0) + question
    if mode == "oversized":
        rrs = b"".join(ptr + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([10, 0, k // 256, k % 256])
                       for k in range(200))
        return header(0x8180, 200) + question + rrs
    if mode == "loop":
        return header(0x8180, 1) + question + ptr + struct.pack(">HHIH", 5, 1, 60, 2) + ptr
    return header(0x8182, 0) + question


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--ready")
    a = ap.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.addr, a.port))
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("%d\n" % s.getsockname()[1])
    while True:
        q, peer = s.recvfrom(4096)
        if len(q) >= 12:
            s.sendto(answer(q, a.mode), peer)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
