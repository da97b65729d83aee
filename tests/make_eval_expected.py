#!/usr/bin/python3
"""Writes tests/fixtures/eval/expected_glove50k.json: gensim's evaluation of Embex's default set.

Run by hand with Debian's Python (gensim 4.2, scipy 1.10, numpy 1.24), not on every build:

    build/bin/embex-cli convert resources/default-glove-50k.embex.gz /tmp/glove50k.txt --to word2vec
    /usr/bin/python3 tests/make_eval_expected.py /tmp/glove50k.txt

The converted file holds the float16 values of the Embex file exactly (as float32), so gensim
sees the same numbers as Embex. tests/core/tst_eval.cpp compares its counts (exactly) and
correlations (to 1e-6) with these.

3CosAdd rows come from KeyedVectors.evaluate_word_analogies itself. gensim 4.2 has no 3CosMul
evaluation (its similarity_function argument is unused), so the 3CosMul row runs the same loop
with most_similar_cosmul in place of most_similar (over a set no larger than restrict_vocab,
where the two agree on which words are candidates).
"""
import json
import os
import sys

import gensim
import numpy
import scipy
from gensim.models import KeyedVectors

HERE = os.path.dirname(os.path.abspath(__file__))
# The test sets are the ones Embex ships (resources/eval/); the expected numbers are a fixture.
EVAL_SETS = os.path.join(HERE, "..", "resources", "eval")
EVAL = os.path.join(HERE, "fixtures", "eval")


def count_questions(path):
    """Lines gensim counts as questions: four words under a ': section' header."""
    n = 0
    with open(path, "rb") as f:
        for line in f:
            line = line.decode("utf8")
            if not line.startswith(": ") and len(line.split()) == 4:
                n += 1
    return n


def count_pairs(path):
    n = 0
    with open(path, encoding="utf8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) == 3:
                float(parts[2])
                n += 1
    return n


def cosmul_sections(kv, path, restrict_vocab, case_insensitive=True):
    """gensim 4.2's evaluate_word_analogies loop with most_similar_cosmul (see above)."""
    assert len(kv.index_to_key) <= restrict_vocab
    ok_keys = kv.index_to_key[:restrict_vocab]
    if case_insensitive:
        ok_vocab = {k.upper(): kv.get_index(k) for k in reversed(ok_keys)}
    else:
        ok_vocab = {k: kv.get_index(k) for k in reversed(ok_keys)}
    sections, section = [], None
    with open(path, "rb") as fin:
        for line in fin:
            line = line.decode("utf8")
            if line.startswith(": "):
                if section:
                    sections.append(section)
                section = {"section": line.lstrip(": ").strip(), "correct": [], "incorrect": []}
                continue
            try:
                a, b, c, expected = [w.upper() if case_insensitive else w for w in line.split()]
            except ValueError:
                continue
            if any(w not in ok_vocab for w in (a, b, c, expected)):
                continue
            original = kv.key_to_index
            kv.key_to_index = ok_vocab
            ignore = {a, b, c}
            predicted = None
            sims = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=5)
            kv.key_to_index = original
            for element in sims:
                predicted = element[0].upper() if case_insensitive else element[0]
                if predicted in ok_vocab and predicted not in ignore:
                    break
            key = "correct" if predicted == expected else "incorrect"
            section[key].append((a, b, c, expected))
    if section:
        sections.append(section)
    return sections


def analogy_entry(kv, name, restrict_vocab, method="add", case_insensitive=True,
                  dummy4unknown=False):
    path = os.path.join(EVAL_SETS, name)
    if method == "add":
        _, sections = kv.evaluate_word_analogies(
            path, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
            dummy4unknown=dummy4unknown)
        sections = sections[:-1]  # the last one is gensim's total
    else:
        sections = cosmul_sections(kv, path, restrict_vocab, case_insensitive)
    rows = [{"name": s["section"], "correct": len(s["correct"]),
             "incorrect": len(s["incorrect"])} for s in sections]
    correct = sum(r["correct"] for r in rows)
    incorrect = sum(r["incorrect"] for r in rows)
    questions = count_questions(path)
    oov = questions - correct - incorrect if not dummy4unknown else None
    entry = {"file": name, "restrict_vocab": restrict_vocab, "method": method,
             "case_insensitive": case_insensitive, "dummy4unknown": dummy4unknown,
             "questions": questions, "sections": rows, "correct": correct,
             "incorrect": incorrect}
    if oov is not None:
        entry["oov"] = oov
    print(f"{name} {method} restrict={restrict_vocab} ci={case_insensitive}: "
          f"{correct}/{correct + incorrect}", file=sys.stderr)
    return entry


def pairs_entry(kv, name, restrict_vocab, case_insensitive=True, dummy4unknown=False):
    path = os.path.join(EVAL_SETS, name)
    pearson, spearman, oov_ratio = kv.evaluate_word_pairs(
        path, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
        dummy4unknown=dummy4unknown)
    return {"file": name, "restrict_vocab": restrict_vocab, "case_insensitive": case_insensitive,
            "dummy4unknown": dummy4unknown, "pairs": count_pairs(path),
            "pearson": float(pearson[0]), "spearman": float(spearman.correlation),
            "oov_ratio": float(oov_ratio)}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=False)
    out = {
        "vectors": "resources/default-glove-50k.embex.gz",
        "words": len(kv.index_to_key),
        "made_by": "tests/make_eval_expected.py with gensim %s, scipy %s, numpy %s"
                   % (gensim.__version__, scipy.__version__, numpy.__version__),
        "analogies": [
            analogy_entry(kv, "questions-words.txt", 300000),
            analogy_entry(kv, "questions-words.txt", 10000),
            analogy_entry(kv, "questions-words.txt", 10000, dummy4unknown=True),
            analogy_entry(kv, "questions-words.txt", 300000, case_insensitive=False),
            analogy_entry(kv, "questions-words.txt", 300000, method="mul"),
        ],
        "word_pairs": [
            pairs_entry(kv, "wordsim353.tsv", 300000),
            pairs_entry(kv, "simlex999.txt", 300000),
            pairs_entry(kv, "wordsim353.tsv", 10000),
            pairs_entry(kv, "simlex999.txt", 2000),
            pairs_entry(kv, "simlex999.txt", 2000, dummy4unknown=True),
            pairs_entry(kv, "wordsim353.tsv", 300000, case_insensitive=False),
        ],
    }
    with open(os.path.join(EVAL, "expected_glove50k.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
