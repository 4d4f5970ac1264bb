#!/usr/bin/python3
"""STAND-IN FOR AMT FIRMWARE: the Hello message an Intel AMT device in setup
mode sends to the provisioning server on TCP 9971 (one message, then it
closes).  No AMT firmware can run in a test; this replays the documented
wire format (MeshCentral amtprovisioningserver.js parseHelloData; Intel AMT
SDK "Root Certificate Hashes") and a real 807-byte message captured from a
device (published in MeshCentral's source).

Layout, little-endian: int16 adminCredentialsSet, int16 helloVersion,
int32 retryCount, 16-byte UUID, uint8 hashCount, then per hash uint8 type
(1 SHA-1, 2 SHA-256, 3 SHA-384), uint8 size, size bytes.

usage:
  amt_hello.py write VARIANT [--root PEM ...] > FILE     a message (raw bytes)
  amt_hello.py send HOST PORT FILE... [--slow SECONDS] [--count N]
                                       [--parallel N] [--hold SECONDS]
                (one connection per FILE, in order)

VARIANT: real, lab (trusts the --root certificates), truncated, oversize,
count-high, count-low, type0, type4, type255, size-mismatch, version4,
admin2, empty.
"""
import base64
import hashlib
import re
import socket
import struct
import sys
import time

REAL = bytes.fromhex(
    "01000300000000004b529b93d413181de4871c697a6b7a2b170220c3846bf24b9e93ca64274c0ec6"
    "7c1ecc5e024ffcacd2d74019350e81fe546ae4022045140b3247eb9cc8c5b4f0d7b53091f7329208"
    "9e6e5a63e2749dd3aca9198eda0220d7a7a0fb5d7e2731d771e9484ebcdef71d5f0c3e0a2948782b"
    "c83ee0ea699ef402201465fa205397b876faa6f0a9958e5590e40fcc7faa4fb7c2c8677521fb5fb6"
    "5802202ce1cb0bf9d2f9e102993fbe215152c3b2dd0cabde1c68e5319b839154dbb7f502209acfab"
    "7e43c8d880d06b262a94deeee4b4659989c3d0caf19baf6405e41ab7df022016af57a9f676b0ab12"
    "6095aa5ebadef22ab31119d644ac95cd4b93dbf3f26aeb0220960adf0063e96356750c2965dd0a08"
    "67da0b9cbd6e77714aeafb2349ab393da3022068ad50909b04363c605ef13581a939ff2c96372e3f"
    "12325b0a6861e1d59f660302206dc47172e01cbcb0bf62580d895fe2b8ac9ad4f873801e0c10b9c8"
    "37d21eb177022073c176434f1bc6d5adf45b0e76e727287c8de57616c1e6e6141a2b2cbc7d8e4c02"
    "2043df5774b03e7fef5fe40d931a7bedf1bb2e6b42738c4e6d3841103d3aa7f33902202399561127"
    "a57125de8cefea610ddf2fa078b5c8067f4e828290bfb860e84b3c022070a73f7f376b6007424890"
    "4534b11482d5bf0e698ecc498df52577ebf2e93b9a02204348a0e9444c78cb265e058d5e8944b4d8"
    "4f9662bd26db257f8934a443c701610220cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c114"
    "4cea27d46a5ab1cb5f022031ad6648f8104138c738f39ea4320133393e3a18cc02296ef97c2ac9ef"
    "6731d00220552f7bdcf1a7af9e6ce672017f4f12abf77240c78e761ac203d1d9d20ac89988022067"
    "540a47aa5b9f34570a99723cfefa96a96ee3f0d9b8bf4def9440b8065d665d02207224395222cd58"
    "8c4f2683716922addb41e39b581ac34fa87b39efa896fbb39e0220cbb522d7b7f127ad6a0113865b"
    "df1cd4102e7d0759af635a7cf4720dc963c53b0220179fbc148a3dd00fd24ea13458cc43bfa7f59c"
    "8182d783a513f6ebec100c892402202cabeafe37d06ca22aba7391c0033d25982952c453647349763"
    "a3ab5ad6ccf69")
assert len(REAL) == 807

LAB_UUID = bytes(range(0x10, 0x20))


def message(admin, version, retry, uuid, hashes, count=None):
    """hashes: [(type, bytes)]; count overrides the hash count byte."""
    out = struct.pack("<hhi", admin, version, retry) + uuid
    out += bytes([len(hashes) if count is None else count])
    for t, h in hashes:
        out += bytes([t, len(h)]) + h
    return out


def pem_ders(path):
    text = open(path, encoding="ascii").read()
    return [base64.b64decode(m) for m in re.findall(
        r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)]


def variant(name, roots):
    if name == "real":
        return REAL
    if name == "lab":
        hashes = [(1, hashlib.sha1(b"not a root").digest())]
        for path in roots:
            for der in pem_ders(path):
                hashes.append((2, hashlib.sha256(der).digest()))
                hashes.append((3, hashlib.sha384(der).digest()))
        return message(0, 3, 2, LAB_UUID, hashes)
    if name == "truncated":
        return REAL[:500]
    if name == "oversize":
        return REAL + bytes(16001 - len(REAL))
    if name == "count-high":
        return REAL[:24] + bytes([30]) + REAL[25:]
    if name == "count-low":
        return REAL[:24] + bytes([5]) + REAL[25:]
    if name in ("type0", "type4", "type255"):
        t = int(name[4:])
        return message(1, 3, 0, LAB_UUID, [(2, bytes(32)), (t, bytes(32))])
    if name == "size-mismatch":
        return message(1, 3, 0, LAB_UUID, [(2, bytes(20))])
    if name == "version4":
        return message(1, 4, 0, LAB_UUID, [(2, bytes(32))])
    if name == "admin2":
        return message(2, 3, 0, LAB_UUID, [(2, bytes(32))])
    if name == "empty":
        return message(0, 3, 0, LAB_UUID, [])
    raise SystemExit("amt_hello.py: unknown variant '%s'" % name)


def send_one(host, port, data, slow, hold):
    s = socket.create_connection((host, port), timeout=30)
    try:
        if slow:
            for b in data:
                s.sendall(bytes([b]))
                time.sleep(slow)
        else:
            s.sendall(data)
        if hold:
            time.sleep(hold)
    except OSError:
        pass  # the listener may cut a slow or oversized sender short
    finally:
        s.close()


def main(argv):
    if len(argv) >= 2 and argv[0] == "write":
        roots = [argv[i + 1] for i, a in enumerate(argv) if a == "--root"]
        sys.stdout.buffer.write(variant(argv[1], roots))
        return 0
    if len(argv) >= 4 and argv[0] == "send":
        host, port = argv[1], int(argv[2])
        rest = argv[3:]
        first_opt = next((i for i, a in enumerate(rest) if a.startswith("--")), len(rest))
        paths, opts = rest[:first_opt], dict(zip(rest[first_opt::2], rest[first_opt + 1::2]))
        datas = [open(p, "rb").read() for p in paths]
        data = datas[0]
        slow = float(opts.get("--slow", 0))
        hold = float(opts.get("--hold", 0))
        count = int(opts.get("--count", 1))
        parallel = int(opts.get("--parallel", 1))
        if parallel > 1:
            # Open every connection first, then send: they are all open at once.
            socks = [socket.create_connection((host, port), timeout=30)
                     for _ in range(parallel)]
            for s in socks:
                try:
                    s.sendall(data)
                except OSError:
                    pass
            for s in socks:
                s.close()
            return 0
        for _ in range(count):
            for d in datas:
                send_one(host, port, d, slow, hold)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
