#!/usr/bin/python3
"""Writes a crawl-scale test set: N words ("w0", "w1", ...) x D float32 standard normal values
(numpy's PCG64, seed 1), straight into Embex's own format (version 1, float32; the layout is at
the top of core/io/EmbexFormat.cpp), a block of rows at a time so that memory stays small.
Usage: /usr/bin/python3 bench/make_random_set.py OUT.embex [N=1000000] [D=300]"""
import struct
import sys
import zlib

import numpy as np

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
d = int(sys.argv[3]) if len(sys.argv) > 3 else 300

words = [f"w{i}".encode() for i in range(n)]
offsets = np.zeros(n + 1, dtype="<u8")
np.cumsum([len(w) for w in words], out=offsets[1:])
table = struct.pack("<Q", n) + offsets.tobytes() + b"".join(words)
source = b"random"
header_size = 128
words_at = header_size
source_at = words_at + len(table)
end = source_at + len(source)
matrix_at = (end + 63) // 64 * 64
matrix_bytes = n * d * 4
file_size = matrix_at + matrix_bytes

h = bytearray(header_size)
h[0:6] = b"EMBEX\0"
struct.pack_into("<HII", h, 6, 1, header_size, 0)  # version, header size, dtype float32
struct.pack_into("<QQQ", h, 16, file_size, n, d)
struct.pack_into("<QQ", h, 40, words_at, len(table))
struct.pack_into("<QQ", h, 56, matrix_at, matrix_bytes)
struct.pack_into("<QQ", h, 72, 0, 0)  # no metadata
struct.pack_into("<QQ", h, 88, source_at, len(source))
struct.pack_into("<III", h, 104, zlib.crc32(table), zlib.crc32(b""), zlib.crc32(source))
struct.pack_into("<I", h, 124, zlib.crc32(bytes(h[:124])))

rng = np.random.default_rng(1)
with open(out, "wb") as f:
    f.write(h)
    f.write(table)
    f.write(source)
    f.write(b"\0" * (matrix_at - end))
    block = 65536
    for first in range(0, n, block):
        rows = min(block, n - first)
        f.write(rng.standard_normal((rows, d), dtype=np.float32).astype("<f4").tobytes())
print(f"wrote {out}: {n} words x {d}, {file_size} bytes")
