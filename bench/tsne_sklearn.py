#!/usr/bin/python3
"""Side-by-side t-SNE quality (and scikit-learn's time) on the first N words of a GloVe text file.

Usage: tsne_sklearn.py FILE N [OURS.tsv ...] [--metric cosine|euclidean] [--no-sklearn]
                       [--check-trustworthiness]

Runs sklearn.manifold.TSNE(perplexity=30, init='pca', learning_rate='auto', n_jobs=2,
random_state=42, metric=METRIC) on the same words (scikit-learn's default 1000 iterations) unless
--no-sklearn, and prints for every layout (scikit-learn's and each OURS.tsv written by
bench_tsne) trustworthiness at k = 10 (sklearn.manifold.trustworthiness's formula, with METRIC
in the input space, computed in row chunks so that N = 100,000 fits in memory) and kNN
preservation (the mean fraction of each word's 10 nearest neighbours in the input space, by
METRIC, that are among its 10 nearest in the layout). --check-trustworthiness also calls
sklearn.manifold.trustworthiness itself (N x N memory) to confirm the chunked value.
Last lines: sklearn_s=<x> and, per layout, trust=<t> knn=<p> name=<file>.
"""
import sys
import time

import numpy as np
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import NearestNeighbors

K = 10


def read_glove(path, n):
    words, rows = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if len(words) == n:
                break
            parts = line.rstrip("\n").split(" ")
            words.append(parts[0])
            rows.append(np.asarray(parts[1:], dtype=np.float32))
    return words, np.vstack(rows)


def read_layout(path, words):
    coords = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if parts[0] != words[i]:
                sys.exit(f"{path}: line {i + 1} is {parts[0]!r}, expected {words[i]!r}")
            coords.append([float(v) for v in parts[1:]])
    if len(coords) != len(words):
        sys.exit(f"{path}: {len(coords)} rows, expected {len(words)}")
    return np.asarray(coords)


def input_distances(x, rows, metric):
    """Distances from x[rows] to every row of x (squared for euclidean: same ranks)."""
    if metric == "cosine":
        unit = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
        d = 1.0 - unit[rows] @ unit.T
    else:
        sq = np.einsum("ij,ij->i", x, x)
        d = sq[rows, None] + sq[None, :] - 2.0 * (x[rows] @ x.T)
    d[np.arange(len(rows)), rows] = np.inf
    return d


def quality(x, y, metric):
    """(trustworthiness at K, kNN preservation at K) of layout y for input x."""
    n = x.shape[0]
    x64 = x.astype(np.float64)
    layout_nn = NearestNeighbors(n_neighbors=K).fit(y).kneighbors(return_distance=False)
    penalty = 0.0
    kept = 0
    chunk = max(50, int(2e8 / (n * K)))  # the rank comparison holds chunk x n x K booleans
    for start in range(0, n, chunk):
        rows = np.arange(start, min(n, start + chunk))
        d = input_distances(x64, rows, metric)
        # Rank (1 = nearest) of each layout neighbour among the input-space distances.
        near = d[np.arange(len(rows))[:, None], layout_nn[rows]]
        ranks = (d[:, :, None] < near[:, None, :]).sum(axis=1) + 1
        excess = ranks - K
        penalty += excess[excess > 0].sum()
        input_nn = np.argpartition(d, K, axis=1)[:, :K]
        for r in range(len(rows)):
            kept += len(np.intersect1d(input_nn[r], layout_nn[rows[r]], assume_unique=True))
    t = 1.0 - penalty * (2.0 / (n * K * (2.0 * n - 3.0 * K - 1.0)))
    return t, kept / (n * K)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = sys.argv[1:]
    metric = "cosine"
    if "--metric" in flags:
        metric = flags[flags.index("--metric") + 1]
        args.remove(metric)
    path, n, ours = args[0], int(args[1]), args[2:]
    words, x = read_glove(path, n)
    print(f"{len(words)} words x {x.shape[1]}, metric={metric}", flush=True)

    layouts = [(p, read_layout(p, words)) for p in ours]
    if "--no-sklearn" not in flags:
        tsne = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", n_jobs=2,
                    random_state=42, metric=metric)
        t0 = time.perf_counter()
        y = tsne.fit_transform(x)
        seconds = time.perf_counter() - t0
        print(f"sklearn_s={seconds:.2f} kl={tsne.kl_divergence_:.4f} "
              f"iterations={tsne.n_iter_ + 1}", flush=True)
        np.savetxt(f"/tmp/tsne_sklearn_{n}_{metric}.tsv", y, delimiter="\t")
        layouts.insert(0, ("sklearn", y))
    for name, y in layouts:
        t, p = quality(x, y, metric)
        print(f"trust={t:.4f} knn={p:.4f} name={name}", flush=True)
        if "--check-trustworthiness" in flags:
            ref = trustworthiness(x, y, n_neighbors=K, metric=metric)
            print(f"  sklearn.manifold.trustworthiness={ref:.4f}", flush=True)


if __name__ == "__main__":
    main()
