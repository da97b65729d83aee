#!/usr/bin/python3
"""word2vec side by side with gensim 4.2 (the reference for Embex's trainer).

  /usr/bin/python3 bench/word2vec_gensim.py train CORPUS --model skipgram|cbow [--seeds 1 2 3]
      Trains gensim.models.Word2Vec once per seed (100 dims, window 5, 5 epochs, min-count 5,
      5 negatives, 2 workers, sample 1e-3, otherwise gensim's defaults) on the corpus tokenised
      exactly as Embex's default tokenizer does, and prints one line per run
      (vocab size, build_vocab and train seconds, analogy accuracy, WordSim-353 and SimLex-999
      Spearman), then gensim_train_s_median=... gensim_total_s_median=... analogy_mean=...
      wordsim_mean=... simlex_mean=...
  /usr/bin/python3 bench/word2vec_gensim.py eval FILE...
      The same quality measures for word2vec text files (Embex's output), one line each, then
      the means.

Quality: KeyedVectors.evaluate_word_analogies(questions-words.txt) (3CosAdd over the 300,000
most frequent words, case-insensitive; questions with a word outside the vocabulary are skipped,
as gensim does) and evaluate_word_pairs on wordsim353.tsv and simlex999.txt (Spearman; pairs
outside the vocabulary skipped).

--init-scale S multiplies gensim's initial input vectors (uniform in [-1, 1) / dim in gensim 4)
by S before training: 0.5 gives word2vec.c's (and gensim 3's) [-0.5, 0.5) / dim, to measure what
the initial range alone does to quality.
"""
import argparse
import gzip
import logging
import os
import statistics
import sys
import time

from gensim.models import KeyedVectors, Word2Vec

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "eval"))
ANALOGIES = os.path.join(EVAL, "questions-words.txt")
WORDSIM = os.path.join(EVAL, "wordsim353.tsv")
SIMLEX = os.path.join(EVAL, "simlex999.txt")

# Embex's TokenizerOptions defaults (core/train/Corpus.h): whitespace incl. U+00A0 and U+3000;
# leading/trailing punctuation stripped (ASCII punctuation and these Unicode quotes, dashes,
# ellipsis); tokens over 100 bytes dropped; lower-case; one sentence per line.
SPACE = " \t\n\r\v\f\u00a0\u3000"
UNICODE_PUNCT = set("«»¡¿–—‘’‚“”„…‹›")


def is_punct(ch):
    o = ord(ch)
    if o < 0x80:
        return 0x20 < o < 0x7F and not ch.isalnum()
    return ch in UNICODE_PUNCT


def lower(token):
    # Embex lower-cases ASCII and two-byte UTF-8 letters with a simple case pair only.
    out = []
    for ch in token:
        lo = ch.lower()
        out.append(lo if ord(ch) < 0x800 and len(lo) == 1 and ord(lo) < 0x800 else ch)
    return "".join(out)


def tokenize_line(line):
    for sp in SPACE[1:]:
        line = line.replace(sp, " ")
    tokens = []
    for raw in line.split(" "):
        if not raw:
            continue
        b, e = 0, len(raw)
        while b < e and is_punct(raw[b]):
            b += 1
        while e > b and is_punct(raw[e - 1]):
            e -= 1
        t = raw[b:e]
        if not t or len(t.encode("utf-8")) > 100:
            continue
        tokens.append(lower(t))
    return tokens


def read_corpus(path):
    opener = gzip.open if path.endswith(".gz") else open
    sentences = []
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            tokens = tokenize_line(line)
            for i in range(0, len(tokens), 10000):
                sentences.append(tokens[i:i + 10000])
    return sentences


def quality(kv):
    logging.disable(logging.WARNING)
    analogy, _ = kv.evaluate_word_analogies(ANALOGIES)
    (_, _), (spearman, _), _ = kv.evaluate_word_pairs(WORDSIM)
    (_, _), (simlex, _), _ = kv.evaluate_word_pairs(SIMLEX)
    return analogy, spearman, simlex


def cmd_train(args):
    sentences = read_corpus(args.corpus)
    tokens = sum(len(s) for s in sentences)
    print(f"corpus: {len(sentences)} sentences, {tokens} tokens", flush=True)
    trains, totals, analogies, sims, simlexes = [], [], [], [], []
    for seed in args.seeds:
        t0 = time.perf_counter()
        model = Word2Vec(vector_size=100, window=5, min_count=5, negative=5, workers=2,
                         epochs=5, sample=1e-3, sg=1 if args.model == "skipgram" else 0,
                         seed=seed)
        model.build_vocab(sentences)
        if args.init_scale != 1.0:
            model.wv.vectors *= args.init_scale
        t1 = time.perf_counter()
        model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
        t2 = time.perf_counter()
        a, s, x = quality(model.wv)
        trains.append(t2 - t1)
        totals.append(t2 - t0)
        analogies.append(a)
        sims.append(s)
        simlexes.append(x)
        print(f"gensim {args.model} seed={seed} vocab={len(model.wv)} build_vocab_s={t1 - t0:.2f} "
              f"train_s={t2 - t1:.2f} analogy={a:.4f} wordsim353={s:.4f} simlex999={x:.4f}",
              flush=True)
        if args.save:
            model.wv.save_word2vec_format(f"{args.save}.{seed}.txt")
    print(f"gensim_{args.model}_train_s_median={statistics.median(trains):.2f} "
          f"gensim_{args.model}_total_s_median={statistics.median(totals):.2f} "
          f"analogy_mean={statistics.mean(analogies):.4f} "
          f"wordsim_mean={statistics.mean(sims):.4f} simlex_mean={statistics.mean(simlexes):.4f}")


def cmd_eval(args):
    analogies, sims, simlexes = [], [], []
    for path in args.files:
        kv = KeyedVectors.load_word2vec_format(path)
        a, s, x = quality(kv)
        analogies.append(a)
        sims.append(s)
        simlexes.append(x)
        print(f"{path}: vocab={len(kv)} analogy={a:.4f} wordsim353={s:.4f} simlex999={x:.4f}",
              flush=True)
    print(f"analogy_mean={statistics.mean(analogies):.4f} wordsim_mean={statistics.mean(sims):.4f} "
          f"simlex_mean={statistics.mean(simlexes):.4f}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("corpus")
    t.add_argument("--model", choices=["skipgram", "cbow"], default="skipgram")
    t.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    t.add_argument("--init-scale", type=float, default=1.0)
    t.add_argument("--save", help="write the vectors to SAVE.SEED.txt (word2vec text)")
    e = sub.add_parser("eval")
    e.add_argument("files", nargs="+")
    args = p.parse_args()
    cmd_train(args) if args.cmd == "train" else cmd_eval(args)


if __name__ == "__main__":
    sys.exit(main())
