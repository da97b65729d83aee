#!/usr/bin/python3
"""Times gensim 4.2 most_similar(word, topn=10) on a GloVe text file (the reference for
bench_neighbors). Usage: /usr/bin/python3 bench/neighbors_gensim.py FILE [WORD...] [--reps N]
Prints per word the median time and the top-10 words; last line gensim_ms_median=<x>."""
import statistics
import sys
import time

from gensim.models import KeyedVectors

DEFAULT_WORDS = ["king", "computer", "river", "france", "happy", "music", "science", "water"]


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    reps = 50
    if "--reps" in args:
        i = args.index("--reps")
        reps = int(args[i + 1])
        del args[i : i + 2]
    path, words = args[0], args[1:] or DEFAULT_WORDS

    kv = KeyedVectors.load_word2vec_format(path, binary=False, no_header=True)
    kv.fill_norms()
    kv.most_similar(kv.index_to_key[0], topn=10)  # warm-up
    print(f"loaded {len(kv.index_to_key)} x {kv.vector_size}; {reps} repetitions per word")
    all_times = []
    for w in words:
        if w not in kv.key_to_index:
            print(f"{w}: not in the vocabulary")
            continue
        for _ in range(3):
            result = kv.most_similar(w, topn=10)
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            result = kv.most_similar(w, topn=10)
            times.append((time.perf_counter() - t) * 1000.0)
        all_times += times
        print(f"{w} ({statistics.median(times):.3f} ms): " + " ".join(x for x, _ in result))
    print(f"gensim_ms_median={statistics.median(all_times):.3f}")


if __name__ == "__main__":
    main()
