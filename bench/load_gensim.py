#!/usr/bin/python3
"""Times gensim 4.2 loading a GloVe text file (the reference for Embex's text reader).
Usage: /usr/bin/python3 bench/load_gensim.py FILE [RUNS]   prints gensim_load_s_median=<x>"""
import statistics
import sys
import time

from gensim.models import KeyedVectors

path = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
times = []
for _ in range(runs):
    t = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(path, no_header=True)
    times.append(time.perf_counter() - t)
    n = len(kv.index_to_key)
    del kv
print(f"gensim_load_s_median={statistics.median(times):.3f} runs={runs} words={n}")
