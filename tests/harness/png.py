#!/usr/bin/env python3
"""PNG facts for tests, with the standard library only (no PIL in Debian's
minimal installs): prints "WIDTH HEIGHT COLOURS INK" where COLOURS is the
number of distinct pixel colours and INK the per mille of pixels that are
not white.  With --crop Y0 Y1 OUT it also writes rows Y0..Y1 as a new PNG
(to look at part of a long page).  8-bit RGB and RGBA, non-interlaced: what
Chromium writes."""
import struct
import sys
import zlib


def read(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('png: %s: not a PNG' % path)
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                sys.exit('png: unsupported format (depth %d, colour type %d)' % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif typ == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def write(path, w, bpp, rows):
    def chunk(t, b):
        return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))
    raw = b''.join(b'\x00' + r for r in rows)
    ihdr = struct.pack('>IIBBBBB', w, len(rows), 8, 2 if bpp == 3 else 6, 0, 0, 0)
    open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
                           chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


w, h, bpp, rows = read(sys.argv[1])
colours, ink = set(), 0
for r in rows:
    for i in range(0, len(r), bpp):
        px = r[i:i + 3]
        colours.add(px)
        if px != b'\xff\xff\xff':
            ink += 1
print(w, h, len(colours), ink * 1000 // (w * h))
if len(sys.argv) == 6 and sys.argv[2] == '--crop':
    write(sys.argv[5], w, bpp, rows[int(sys.argv[3]):int(sys.argv[4])])
