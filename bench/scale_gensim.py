#!/usr/bin/python3
"""gensim's side of bench/scale.sh.
  /usr/bin/python3 bench/scale_gensim.py convert SET.embex OUT.kv
      builds gensim KeyedVectors from an Embex float32 file (numpy memmap of its matrix) and
      saves them in gensim's own format (the matrix in a separate .npy that load can map)
  /usr/bin/python3 bench/scale_gensim.py query OUT.kv WORD
      gensim's fast path: KeyedVectors.load(path, mmap='r') + most_similar(WORD, topn=10)"""
import struct
import sys

if sys.argv[1] == "convert":
    import numpy as np
    from gensim.models import KeyedVectors

    with open(sys.argv[2], "rb") as f:
        h = f.read(128)
        n, d = struct.unpack_from("<QQ", h, 24)
        words_at, _ = struct.unpack_from("<QQ", h, 40)
        matrix_at, _ = struct.unpack_from("<QQ", h, 56)
        f.seek(words_at + 8)
        offsets = np.frombuffer(f.read(8 * (n + 1)), dtype="<u8")
        blob = f.read(int(offsets[-1]))
    words = [blob[offsets[i]:offsets[i + 1]].decode() for i in range(n)]
    m = np.memmap(sys.argv[2], dtype="<f4", mode="r", offset=matrix_at, shape=(n, d))
    kv = KeyedVectors(d, count=0, dtype=np.float32)
    kv.add_vectors(words, m)
    kv.save(sys.argv[3])
    print(f"saved {sys.argv[3]}: {n} x {d}")
else:
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load(sys.argv[2], mmap="r")
    for rank, (w, s) in enumerate(kv.most_similar(sys.argv[3], topn=10), 1):
        print(f"{rank}\t{w}\t{s:.6f}")
