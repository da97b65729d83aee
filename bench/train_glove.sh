#!/bin/bash
# GloVe on the Brown corpus, side by side with the reference C implementation
# (stanfordnlp/GloVe: vocab_count, cooccur, shuffle, glove), on identical tokenised input.
#
#   bench/train_glove.sh BUILD_DIR [GLOVE_BIN_DIR] [RUNS]
#
# BUILD_DIR holds bin/embex-cli and core/libembex_*.a (a Release build). GLOVE_BIN_DIR holds
# the reference binaries built from GloVe's sources with its Makefile flags
# (gcc -O3 -march=native -funroll-loops -pthread ... -lm); it is not packaged in Debian, so without
# it only Embex runs. (The numbers in bench/README.md used glove.c v0.2 and the 2018 cooccur.c,
# shuffle.c and vocab_count.c of stanfordnlp/GloVe, built outside the tree.)
# Settings (the issue's): window 10, 15 iterations, x_max 10, dim 100, min-count 5, 2 threads;
# the reference with demo.sh's -memory 4.0. Each side runs RUNS times (default 3) with seeds
# 1..RUNS (reference: shuffle -seed), end to end from the tokenised text to a text vector file.
# Prints wall and CPU seconds of every run and their medians, and WordSim-353 Spearman and
# analogy accuracy (gensim 4.2's evaluate_word_pairs / evaluate_word_analogies) of every run.
set -euo pipefail
BUILD=$(realpath "${1:?usage: bench/train_glove.sh BUILD_DIR [GLOVE_BIN_DIR] [RUNS]}")
REF=${2:-}
RUNS=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
EVAL=${EVAL_DIR:-$ROOT/../shared/data/eval}
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/embex-glove-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The corpus tokenised by Embex's default rules (lower case, punctuation stripped), one sentence
# per line: both sides read this file, so they see the same tokens and the same vocabulary.
cat > "$WORK/tokenise.cpp" <<'EOF'
#include "train/Corpus.h"
#include <cstdio>
int main(int, char **argv)
{
    embex::CorpusReader reader(argv[1], embex::TokenizerOptions{});
    std::vector<std::string> tokens;
    while (reader.next(tokens)) {
        for (std::size_t i = 0; i < tokens.size(); ++i)
            std::printf(i ? " %s" : "%s", tokens[i].c_str());
        std::printf("\n");
    }
}
EOF
g++ -O2 -std=c++20 -I"$ROOT/core" "$WORK/tokenise.cpp" "$BUILD/core/libembex_train.a" \
    "$BUILD/core/libembex_io.a" "$BUILD/core/libembex_vectors.a" "$BUILD/core/libembex_util.a" \
    -lz -lfasttext -pthread -o "$WORK/tokenise"
"$WORK/tokenise" "$ROOT/resources/brown.txt.gz" > "$WORK/brown.txt"
echo "corpus: $(wc -l < "$WORK/brown.txt") sentences, $(wc -w < "$WORK/brown.txt") tokens"

# seconds of wall and CPU (user + sys, children included) of function $1 with seed $2, appended
# to $WORK/$1.times
timed() {
    /usr/bin/time -f "%e %U %S" -o "$WORK/time.tmp" bash -c "$1 $2"
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$WORK/time.tmp" >> "$WORK/$1.times"
}

ours() {
    "$BUILD/bin/embex-cli" train "$WORK/brown.txt" --model glove --dim 100 --window 10 \
        --epochs 15 --x-max 10 --min-count 5 --threads 2 --seed "$1" --quiet \
        -o "$WORK/ours-$1.txt" --to word2vec
}

reference() {
    local seed=$1
    (
        cd "$WORK"
        "$REF/vocab_count" -min-count 5 -verbose 0 < brown.txt > vocab.txt
        "$REF/cooccur" -memory 4.0 -vocab-file vocab.txt -verbose 0 -window-size 10 \
            -overflow-file overflow < brown.txt > cooccurrence.bin
        "$REF/shuffle" -memory 4.0 -verbose 0 -seed "$seed" -temp-file shuffle \
            < cooccurrence.bin > cooccurrence.shuf.bin
        "$REF/glove" -save-file "ref-$seed" -threads 2 -input-file cooccurrence.shuf.bin \
            -x-max 10 -iter 15 -vector-size 100 -binary 0 -model 2 -vocab-file vocab.txt \
            -verbose 0
        rm -f cooccurrence.bin cooccurrence.shuf.bin
    ) 2> "$WORK/ref-$seed.log"
}

export BUILD REF WORK
export -f ours reference
for seed in $(seq 1 "$RUNS"); do # interleaved, so both see the same machine load
    timed ours "$seed"
    if [ -n "$REF" ]; then
        timed reference "$seed"
    fi
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for side in ours reference; do
    [ -f "$WORK/$side.times" ] || continue
    echo "$side: wall s $(cut -d' ' -f1 "$WORK/$side.times" | tr '\n' ' ')(median $(cut -d' ' -f1 "$WORK/$side.times" | median)); CPU s $(cut -d' ' -f2 "$WORK/$side.times" | tr '\n' ' ')(median $(cut -d' ' -f2 "$WORK/$side.times" | median))"
done

"$PY" - "$WORK" "$EVAL" "$RUNS" <<'EOF'
import logging, statistics, sys
from gensim.models import KeyedVectors
work, evaldir, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
logging.disable(logging.WARNING)
for side, name, header in (("ours", "ours-{}.txt", True), ("reference", "ref-{}.txt", False)):
    ws, an = [], []
    for seed in range(1, runs + 1):
        try:
            kv = KeyedVectors.load_word2vec_format(f"{work}/" + name.format(seed),
                                                   no_header=not header)
        except FileNotFoundError:
            break
        ws.append(kv.evaluate_word_pairs(f"{evaldir}/wordsim353.tsv")[1][0])
        an.append(kv.evaluate_word_analogies(f"{evaldir}/questions-words.txt")[0])
    if ws:
        print(f"{side}: WordSim-353 Spearman {' '.join(f'{v:.3f}' for v in ws)} "
              f"(mean {statistics.mean(ws):.3f}); analogies {' '.join(f'{v:.3f}' for v in an)} "
              f"(mean {statistics.mean(an):.3f})")
EOF
