#!/usr/bin/env bash
# Crawl-scale side by side (issue 13): a 1,000,000 x 300 random set in Embex's format, reopened
# and queried by embex-cli and by gensim's fast path, `info`, and the window opening it.
# Needs a Release build in build/ (embex-cli, embex) and Debian's python3-gensim; makes
# bench/data/random-1m-300.embex (1.2 GB) if missing and a gensim copy under $TMPDIR that it
# deletes at the end. Wall time and peak RSS from /usr/bin/time; medians of RUNS runs,
# alternating Embex and gensim, files in the page cache (the first run of each is a warm-up).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/bin
SET=bench/data/random-1m-300.embex
RUNS=${RUNS:-5}
WORD=w17
[ -f "$SET" ] || /usr/bin/python3 bench/make_random_set.py "$SET"
KV_DIR=$(mktemp -d)
trap 'rm -rf "$KV_DIR"' EXIT
# KV=path/big.kv reuses a gensim copy made earlier by `scale_gensim.py convert`.
KV=${KV:-$KV_DIR/big.kv}
[ -f "$KV" ] || /usr/bin/python3 bench/scale_gensim.py convert "$SET" "$KV" >/dev/null

# BASE_CLI=path: also time an older embex-cli (the build before issue 13) on the same data.
# median WALL_S PEAK_MB of RUNS runs of a command
measure() {
    local label=$1
    shift
    "$@" >/dev/null 2>&1 || true # warm-up
    : >"$KV_DIR/runs"
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %M" -o "$KV_DIR/t" "$@" >"$KV_DIR/out" 2>/dev/null
        cat "$KV_DIR/t" >>"$KV_DIR/runs"
    done
    local t m
    t=$(cut -d' ' -f1 "$KV_DIR/runs" | sort -n | tr '\n' ' ')
    m=$(cut -d' ' -f2 "$KV_DIR/runs" | sort -n | tr '\n' ' ')
    echo "$t|$m" | awk -v l="$label" -F'|' '{n=split($1, t, " "); split($2, m, " ");
        printf "%-34s wall_s_median=%.2f (%.2f-%.2f) peak_mb_median=%.0f\n",
        l, t[int((n+1)/2)], t[1], t[n], m[int((n+1)/2)]/1024 }'
}

echo "== reopen + one top-10 query, $SET"
measure "embex-cli neighbors" $BIN/embex-cli neighbors "$SET" "$WORD" --quiet
measure "gensim load(mmap=r)+most_similar" /usr/bin/python3 bench/scale_gensim.py query \
    "$KV" "$WORD"
[ -z "${BASE_CLI:-}" ] || measure "before: embex-cli neighbors" "$BASE_CLI" neighbors "$SET" \
    "$WORD" --quiet
echo "same top-10:"
diff <($BIN/embex-cli neighbors "$SET" "$WORD" --quiet | cut -f1,2) \
    <(/usr/bin/python3 bench/scale_gensim.py query "$KV" "$WORD" | cut -f1,2) &&
    echo "  yes"

echo "== info"
measure "embex-cli info" $BIN/embex-cli info "$SET"
[ -z "${BASE_CLI:-}" ] || measure "before: embex-cli info" "$BASE_CLI" info "$SET"

if [ -z "${NO_GUI:-}" ] && [ -x $BIN/embex ] && command -v xvfb-run >/dev/null; then
    # From launch with the file to the PCA of all rows shown and one frame rendered
    # (--benchmark-render exits after its frames), Mesa llvmpipe under Xvfb; /usr/bin/time runs
    # inside xvfb-run so that it measures embex alone.
    echo "== the window: launch with the file, PCA shown, one frame, exit"
    for exe in $BIN/embex ${BASE_EMBEX:-}; do
        for _ in $(seq "$RUNS"); do
            QT_QPA_PLATFORM=xcb LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1920x1080x24" \
                /usr/bin/time -f "$exe wall_s=%e peak_kb=%M" "$exe" --benchmark-render \
                "$SET" --frames 1 2>&1 >/dev/null | grep wall_s
        done
    done
fi
