#!/usr/bin/env python3
"""A hostile LDAP server for tests/e2e/hostile-net.bats (not a real server:
no real LDAP server can be made to misbehave like this).

    ldap-flood.py PORT MODE
      flood   answers a bind, then a search with endless 64 KiB entries,
              ignoring the size limit, until the client abandons or hangs up
      silent  accepts connections and never answers

Speaks just enough LDAPv3 BER (RFC 4511) for that.
"""
import select
import socket
import sys
import threading


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + length(len(body)) + body


def integer(v):
    return tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big"))


def message(msgid, op):
    return tlv(0x30, integer(msgid) + op)


def read_message(sock, buf):
    while True:
        if len(buf) >= 2:
            n, hl = buf[1], 2
            if n & 0x80:
                k = n & 0x7F
                if len(buf) >= 2 + k:
                    n, hl = int.from_bytes(buf[2:2 + k], "big"), 2 + k
                else:
                    n = None
            if n is not None and len(buf) >= hl + n:
                return buf[:hl + n], buf[hl + n:]
        data = sock.recv(65536)
        if not data:
            return None, buf
        buf += data


def serve(conn, mode):
    buf = b""
    try:
        if mode == "silent":
            while conn.recv(65536):
                pass
            return
        while True:
            msg, buf = read_message(conn, buf)
            if msg is None:
                return
            # SEQUENCE { INTEGER id, op }: the id's length is at msg[3]
            body = msg[2:] if msg[1] < 0x80 else msg[2 + (msg[1] & 0x7F):]
            idlen = body[1]
            msgid = int.from_bytes(body[2:2 + idlen], "big")
            op = body[2 + idlen]
            if op == 0x60:  # BindRequest -> BindResponse success
                conn.sendall(message(msgid, tlv(0x61, tlv(0x0A, b"\x00") + tlv(0x04, b"") + tlv(0x04, b""))))
            elif op == 0x63:  # SearchRequest -> entries without end
                value = b"\x30" * 65536
                entry = message(msgid, tlv(0x64, tlv(0x04, b"cn=flood") + tlv(0x30, tlv(0x30,
                    tlv(0x04, b"cACertificate") + tlv(0x31, tlv(0x04, value))))))
                while True:
                    r, _, _ = select.select([conn], [], [], 0)
                    if r and conn.recv(65536) == b"":
                        return  # the client hung up (or abandoned and unbound)
                    conn.sendall(entry)
            elif op == 0x42:  # UnbindRequest
                return
    except OSError:
        return
    finally:
        conn.close()


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


main()
