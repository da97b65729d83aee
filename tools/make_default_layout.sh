#!/usr/bin/env bash
# Builds resources/default-glove-50k.tsne.tsv, the first view of Embex: a t-SNE layout of the
# 10,000 most frequent words of the default set, with the app's t-SNE defaults (perplexity 30,
# 750 iterations, exaggeration 12, automatic learning rate, cosine distance, seed 42) on one
# thread, so the app shows it at once instead of computing it (app/gui/ShippedLayout.h).
# Usage: tools/make_default_layout.sh [build/bin/embex-cli]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli=${1:-$root/build/bin/embex-cli}
out=$root/resources/default-glove-50k.tsne.tsv
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$cli" project "$root/resources/default-glove-50k.embex.gz" --method tsne --limit 10000 \
    --seed 42 --perplexity 30 --iterations 750 --distance cosine --threads 1 -o "$tmp"
{
    echo "# Embex: t-SNE of the 10,000 most frequent words of default-glove-50k.embex.gz"
    echo "# perplexity 30, 750 iterations, exaggeration 12, learning rate auto, cosine, seed 42,"
    echo "# 1 thread; made by tools/make_default_layout.sh. word<TAB>x<TAB>y"
    cat "$tmp"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
