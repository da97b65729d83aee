#!/usr/bin/env bash
# word2vec side by side with gensim 4.2 on the Brown corpus: 100 dims, window 5, 5 epochs,
# min-count 5, 5 negatives, 2 threads, sample 1e-3; skip-gram and CBOW; one run per seed
# (default 1 2 3), Embex and gensim alternating so both see the same machine load.
#
#   bench/train_word2vec.sh            # needs a Release build in build/ (BUILD=... for another)
#
# Prints per run: Embex's wall time of `embex-cli train` (reading + counting the corpus,
# training, writing a .embex file) and its training time alone; gensim's build_vocab + train and
# train alone (on sentences already tokenised in Python by the same rules); then medians, and
# analogy accuracy / WordSim-353 and SimLex-999 Spearman of every run, averaged over the seeds,
# all measured by gensim (bench/word2vec_gensim.py).
#
#   CORPUS=resources/sotu-moby-dick.txt.gz MODELS=skipgram SEEDS="1 2 3" bench/train_word2vec.sh
#       the 2-million-token corpus, skip-gram only
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CLI=$BUILD/bin/embex-cli
CORPUS=${CORPUS:-resources/brown.txt.gz}
SEEDS=${SEEDS:-1 2 3}
OUT=${OUT:-/tmp/embex-word2vec-bench}
mkdir -p "$OUT"
cmake --build "$BUILD" --target embex-cli >/dev/null

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

for model in ${MODELS:-skipgram cbow}; do
    echo "== $model"
    : >"$OUT/$model.embex-times"
    : >"$OUT/$model.gensim-log"
    for seed in $SEEDS; do
        start=$(date +%s.%N)
        "$CLI" train "$CORPUS" --model "$model" --dim 100 --window 5 --epochs 5 --min-count 5 \
            --negative 5 --sample 1e-3 --threads 2 --seed "$seed" -o "$OUT/$model.$seed.embex" \
            --json --quiet >"$OUT/$model.$seed.json"
        end=$(date +%s.%N)
        total=$(awk "BEGIN {print $end - $start}")
        train=$(/usr/bin/python3 -c "import json,sys; print(round(json.load(sys.stdin)['seconds'], 3))" \
            <"$OUT/$model.$seed.json")
        printf 'embex %s seed=%s total_s=%.2f train_s=%.2f\n' "$model" "$seed" "$total" "$train"
        echo "$total $train" >>"$OUT/$model.embex-times"
        "$CLI" convert "$OUT/$model.$seed.embex" "$OUT/$model.$seed.txt" --to word2vec --quiet
        /usr/bin/python3 bench/word2vec_gensim.py train "$CORPUS" --model "$model" --seeds "$seed" \
            --save "$OUT/gensim-$model" | tee -a "$OUT/$model.gensim-log" | grep '^gensim '
    done
    echo "embex_${model}_total_s_median=$(cut -d' ' -f1 "$OUT/$model.embex-times" | median)" \
        "embex_${model}_train_s_median=$(cut -d' ' -f2 "$OUT/$model.embex-times" | median)"
    grep '^gensim ' "$OUT/$model.gensim-log" |
        sed -E 's/.*build_vocab_s=([0-9.]+) train_s=([0-9.]+).*/\1 \2/' |
        awk '{print $1 + $2, $2}' >"$OUT/$model.gensim-times"
    echo "gensim_${model}_total_s_median=$(cut -d' ' -f1 "$OUT/$model.gensim-times" | median)" \
        "gensim_${model}_train_s_median=$(cut -d' ' -f2 "$OUT/$model.gensim-times" | median)"
    echo "-- quality, Embex:"
    /usr/bin/python3 bench/word2vec_gensim.py eval $(for s in $SEEDS; do echo "$OUT/$model.$s.txt"; done)
    echo "-- quality, gensim:"
    /usr/bin/python3 bench/word2vec_gensim.py eval \
        $(for s in $SEEDS; do echo "$OUT/gensim-$model.$s.txt"; done)
done
