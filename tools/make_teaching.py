#!/usr/bin/env python3
"""Builds teaching.txt.gz, the larger teaching corpus, from Debian 12 packages.

    python3 tools/make_teaching.py BROWN.txt.gz SOTU_MOBY.txt.gz OUT.txt.gz

Run by the build (app/CMakeLists.txt) when the packages are installed (tools/common.sh lists
them). English in the public domain (and under WordNet's licence and the GFDL), one sentence
per line, original case and punctuation kept as in brown.txt.gz (Embex's tokenizer lower-cases
and strips punctuation at training time), in this order:

- the Brown corpus (resources/brown.txt.gz, as shipped);
- the King James Bible, one verse per line (bible-kjv-text, read with the `bible` program of
  bible-kjv: /usr/lib/bible.data is its own compressed format);
- Webster's Revised Unabridged Dictionary (1913) as in GCIDE (dict-gcide,
  /usr/share/dictd/gcide.dict.dz): headwords, pronunciations, etymologies, sources and
  markup removed, definitions and quotations split into sentences;
- WordNet 3.0's glosses and examples (wordnet-base, /usr/share/wordnet/data.*);
- the World English Bible with the deuterocanon, one verse per line (sword-text-web, read
  with `mod2imp` of libsword-utils; OSIS markup, footnotes and headings removed);
- the Free On-line Dictionary of Computing (dict-foldoc, GFDL), the Jargon File 4.4.7
  (dict-jargon) and Ambrose Bierce's The Devil's Dictionary (dict-devil): the definitions'
  text, headwords, cross-reference braces, category labels, citations, dates, URLs, code and
  verse blocks removed;
- the State of the Union addresses 1790-2021 and Moby-Dick (resources/sotu-moby-dick.txt.gz,
  as shipped; tools/make_sotu_moby.py).

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
WEB = 'engWEB2015eb'  # /usr/share/sword/modules/texts/ztext/engwEB2015eb
FOLDOC = '/usr/share/dictd/foldoc.dict.dz'
JARGON = '/usr/share/dictd/jargon.dict.dz'
DEVIL = '/usr/share/dictd/devil.dict.dz'

SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=["(]?[A-Z])')


def sentences(text):
    for s in SENTENCE_END.split(text):
        s = s.strip()
        if len(s.split()) >= 3:
            yield s


def shipped(path):
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


# The World English Bible as mod2imp writes it: "$$$Book C:V" and the verse's OSIS on the next
# line. Verse 0 holds a book's or a chapter's introduction; <w> wraps a word (Strong's
# numbers), <note> a footnote, <title> a heading.
OSIS_DROP = re.compile(r'<(note|title)\b[^>]*>.*?</\1>', re.DOTALL)
OSIS_WORD = re.compile(r'</?w\b[^>]*>')
OSIS_TAG = re.compile(r'<[^>]*>')


def web():
    out = subprocess.run(['mod2imp', WEB], stdin=subprocess.DEVNULL, capture_output=True,
                         check=True).stdout.decode('utf-8', 'replace')
    ref = re.compile(r'^\$\$\$.* \d+:([1-9]\d*)$')
    keep = False
    for line in out.split('\n'):
        if line.startswith('$$$'):
            keep = bool(ref.match(line))
        elif keep:
            keep = False
            text = OSIS_DROP.sub(' ', line)
            text = OSIS_WORD.sub('', text)
            text = ' '.join(OSIS_TAG.sub(' ', text).split())
            if text:
                yield text


# The dictd texts of FOLDOC and the Jargon File: a headword line at the left margin, the entry
# indented below it. Paragraphs indented deeper than the entry's text are code or verse.
URL = re.compile(r'\(?<?(?:https?|ftp|mailto|news):\S*|\S+@\S+\.[a-z]{2,}\S*')
DATE = re.compile(r'\(\d{4}-\d{2}-\d{2}\)')
CATEGORY = re.compile(r'<[^>]*>')
PRONUNCIATION = re.compile(r'^\s*(?:/[^/]*/,?\s*)?(?:(?:n|v|vt|vi|adj|adv|interj|excl|pron|prep|'
                           r'conj|pl)\.?(?:,|\s|$)\s*)*$')


def dictd_entries(path):
    with gzip.open(path, 'rt', encoding='utf-8', errors='replace') as f:
        text = f.read()
    for entry in re.split(r'\n(?=\S)', text):
        if entry.startswith('00-database') or entry.startswith('00database'):
            continue
        yield entry.split('\n', 1)[1] if '\n' in entry else ''


def indent(line):
    return len(line) - len(line.lstrip(' '))


def dictd_text(path):
    for body in dictd_entries(path):
        if '<introduction>' in body:
            continue  # FOLDOC's preface and licence
        paras = [[r for r in p.split('\n') if r.strip()] for p in re.split(r'\n\s*\n', body)]
        paras = [rows for rows in paras if rows and not PRONUNCIATION.match(' '.join(rows))]
        if not paras:
            continue
        base = min(indent(rows[0]) for rows in paras)
        for rows in paras:
            if min(indent(r) for r in rows) > base:
                continue
            para = ' '.join(rows)
            para = CATEGORY.sub('', para)
            para = strip_brackets(para)
            para = BRACES.sub('', para)
            para = URL.sub('', para)
            para = DATE.sub('', para)
            yield from sentences(' '.join(para.split()))


def foldoc():
    yield from dictd_text(FOLDOC)


def jargon():
    yield from dictd_text(JARGON)


# The Devil's Dictionary: "WORD, n.  Definition" at the left margin, continued there; quoted
# verse and dialogue indented.
DEVIL_HEAD = re.compile(r"^[A-Z][A-Z'. -]*,\s*(?:(?:[a-z]{1,5}\.|and)\s*,?\s*)+")


def devil():
    with gzip.open(DEVIL, 'rt', encoding='utf-8', errors='replace') as f:
        text = f.read()
    text = text[text.index('\nABASEMENT, n.') + 1:]
    for para in re.split(r'\n\s*\n', text):
        rows = [r for r in para.split('\n') if r.strip()]
        if not rows or indent(rows[0]) > 0:
            continue
        para = BRACES.sub('', DEVIL_HEAD.sub('', ' '.join(rows)))
        yield from sentences(' '.join(para.replace('_', '').split()))


def normalise(line):
    # The newer texts' typography: a curly apostrophe is the straight one (god’s = god's) and
    # an em dash separates the words it joins (ago—never). The older texts have neither.
    return ' '.join(line.replace('\u2019', "'").replace('\u2014', ' \u2014 ').split())


def main(brown_path, sotu_moby_path, dst):
    parts = [('Brown corpus', shipped(brown_path)), ('King James Bible', bible()),
             ("Webster's 1913 (GCIDE)", gcide()), ('WordNet 3.0 glosses', wordnet()),
             ('World English Bible', web()), ('FOLDOC', foldoc()), ('Jargon File', jargon()),
             ("The Devil's Dictionary", devil()),
             ('State of the Union, Moby-Dick', shipped(sotu_moby_path))]
    total_lines = total_tokens = 0
    # mtime=0 and an empty name: the same input gives byte-identical output.
    with open(dst + '.tmp', 'wb') as raw, gzip.GzipFile(filename='', mode='wb', fileobj=raw,
                                                       mtime=0, compresslevel=6) as out:
        for name, lines in parts:
            n = tokens = 0
            buf = []
            for line in lines:
                line = normalise(line)
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
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
