#!/usr/bin/env python3
"""Builds teaching.txt.gz, the larger teaching corpus, from Debian 12 packages.

    python3 tools/make_teaching.py BROWN.txt.gz OUT.txt.gz

Run by the build (app/CMakeLists.txt) when the packages are installed (tools/common.sh lists
them). Public-domain English (and WordNet's free licence), one sentence per line, original
case and punctuation kept as in brown.txt.gz (Embex's tokenizer lower-cases and strips
punctuation at training time), in this order:

- the Brown corpus (resources/brown.txt.gz, as shipped);
- the King James Bible, one verse per line (bible-kjv-text, read with the `bible` program of
  bible-kjv: /usr/lib/bible.data is its own compressed format);
- Webster's Revised Unabridged Dictionary (1913) as in GCIDE (dict-gcide,
  /usr/share/dictd/gcide.dict.dz): headwords, pronunciations, etymologies, sources and
  markup removed, definitions and quotations split into sentences;
- WordNet 3.0's glosses and examples (wordnet-base, /usr/share/wordnet/data.*).

The output is byte-identical for the same packages (gzip mtime 0, fixed order). Prints the
number of lines and whitespace-separated tokens per part.
"""
import gzip
import os
import re
import subprocess
import sys

BIBLE = '/usr/lib/bible.data'
GCIDE = '/usr/share/dictd/gcide.dict.dz'
WORDNET = ['/usr/share/wordnet/data.' + p for p in ('noun', 'verb', 'adj', 'adv')]

SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=["(]?[A-Z])')


def sentences(text):
    for s in SENTENCE_END.split(text):
        s = s.strip()
        if len(s.split()) >= 3:
            yield s


def brown(path):
    with gzip.open(path, 'rt', encoding='utf-8') as f:
        for line in f:
            if line.strip():
                yield line.strip()


def bible():
    # A line width larger than any verse: one verse per line.
    out = subprocess.run(['bible', '-l1000000', 'gen1:1-rev22:21'], stdin=subprocess.DEVNULL,
                         capture_output=True, check=True).stdout.decode('utf-8', 'replace')
    verse = re.compile(r'^\s+\d+ (.*)$')
    for line in out.split('\n'):
        m = verse.match(line)
        if m:
            yield m.group(1).strip()


# GCIDE markup: accents like ["e] [=a] [i^] [.a], symbols like [root] [deg], cross references
# {Kin}, pronunciations \King\, sources --Shak., field labels (Zool.), sense numbers.
ACCENT = re.compile(r'\[(?:["=`\'^~.,]([a-zA-Z]{1,2})|([a-zA-Z]{1,2})[\^~"=`\'.,])\]')
SYMBOL = re.compile(r'\[[a-z]{2,8}\]')
BRACES = re.compile(r'[{}]')
HEAD = re.compile(r'^[^\\\n]*\\[^\\]*\\\s*(?:\([^)]*\))?\s*,?\s*(?:(?:[a-z]{1,5}\.|&)\s*)*')
SOURCE = re.compile(r'--\s*[A-Z][^.\n]{0,40}\.(?:\s*[A-Z][^.\n]{0,30}\.)*')
LABEL = re.compile(r'\((?:[A-Z][a-z]*\.?\s*(?:&|,)?\s*)+\)')
NUMBER = re.compile(r'(?:^|(?<=\s))(?:\d+\.|\([a-z]\))(?=\s)')


def strip_brackets(text):
    out, depth = [], 0
    for c in text:
        if c == '[':
            depth += 1
        elif c == ']':
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(c)
    return ''.join(out)


def gcide():
    with gzip.open(GCIDE, 'rt', encoding='utf-8', errors='replace') as f:
        text = f.read()
    entries = re.split(r'\n(?=\S)', text)
    for entry in entries:
        if entry.startswith('00-database') or entry.startswith('00database') or \
                '\\' not in entry.split('\n', 1)[0]:
            continue
        entry = ACCENT.sub(lambda m: m.group(1) or m.group(2), entry)
        entry = SYMBOL.sub('', entry)
        entry = HEAD.sub('', entry, count=1)
        for para in re.split(r'\n\s*\n', entry):
            para = strip_brackets(para)
            para = BRACES.sub('', para)
            para = SOURCE.sub('', para)
            para = LABEL.sub('', para)
            para = NUMBER.sub('', para)
            para = re.sub(r'^\s*(?:Syn|Note|Syn\.)\s*:', '', para)
            para = ' '.join(para.split())
            if para.startswith('Syn:') or para.startswith('--'):
                continue
            yield from sentences(para)


def wordnet():
    for path in WORDNET:
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                if line.startswith('  ') or '|' not in line:
                    continue  # the licence header
                gloss = line.split('|', 1)[1].strip()
                for part in gloss.split(';'):
                    part = part.strip().strip('"').strip()
                    if len(part.split()) >= 3:
                        yield part


def main(brown_path, dst):
    parts = [('Brown corpus', brown(brown_path)), ('King James Bible', bible()),
             ("Webster's 1913 (GCIDE)", gcide()), ('WordNet 3.0 glosses', wordnet())]
    total_lines = total_tokens = 0
    # mtime=0 and an empty name: the same input gives byte-identical output.
    with open(dst + '.tmp', 'wb') as raw, gzip.GzipFile(filename='', mode='wb', fileobj=raw,
                                                       mtime=0, compresslevel=6) as out:
        for name, lines in parts:
            n = tokens = 0
            buf = []
            for line in lines:
                buf.append(line)
                n += 1
                tokens += len(line.split())
            out.write(('\n'.join(buf) + '\n').encode('utf-8'))
            print(f'{name}: {n} lines, {tokens} tokens')
            total_lines += n
            total_tokens += tokens
    os.replace(dst + '.tmp', dst)
    print(f'{dst}: {total_lines} lines, {total_tokens} tokens')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
