#!/usr/bin/env python3
"""Builds the committed seed corpora tests/fuzz/seeds/<target>/ from the test fixtures.

    python3 tests/fuzz/make_seeds.py build/bin/embex-cli

Seeds are small (libFuzzer mutates small inputs best; tools/fuzz runs with -max_len 65536):
the real fixture files, cut to a few kilobytes where they are bigger, plus a few shapes each
reader must refuse. Companion-file formats (tsv, npy) join their two files with a
"\\n--8<--\\n" line (see FuzzTargets.cpp).
"""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, 'tests', 'fixtures')
OUT = os.path.join(ROOT, 'tests', 'fuzz', 'seeds')
MARK = b'\n--8<--\n'
LIMIT = 8192


def fixture(*parts):
    with open(os.path.join(FIX, *parts), 'rb') as f:
        return f.read()


def head_lines(data, n):
    return b''.join(data.splitlines(keepends=True)[:n])


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def main(cli):
    shutil.rmtree(OUT, ignore_errors=True)
    glove = head_lines(fixture('vectors', 'test_glove.txt'), 12)
    w2v = head_lines(fixture('vectors', 'word2vec_pre_kv_c'), 1)
    w2v = b'40 10\n' + b''.join(fixture('vectors', 'word2vec_pre_kv_c').splitlines(True)[1:41])
    vec = head_lines(fixture('vectors', 'crime-and-punishment.vec'), 30)
    vec = b'29 5\n' + b''.join(vec.splitlines(True)[1:30])
    hp_txt = fixture('vectors', 'high_precision.kv.txt')
    hp_bin = fixture('vectors', 'high_precision.kv.bin')
    toy_bin = fixture('vectors', 'toy-model.bin')
    eucl = fixture('vectors', 'euclidean_vectors.bin')
    # the header line and the first rows of a word2vec binary file
    nl = eucl.index(b'\n')
    dim = int(eucl[:nl].split()[1])
    rows, pos = [], nl + 1
    for _ in range(20):
        sp = eucl.index(b' ', pos)
        end = sp + 1 + 4 * dim
        rows.append(eucl[pos:end])
        pos = end
        while pos < len(eucl) and eucl[pos:pos + 1] == b'\n':
            rows[-1] += b'\n'
            pos += 1
    eucl_small = b'20 %d\n' % dim + b''.join(rows)

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'g.txt')
        with open(src, 'wb') as f:
            f.write(glove)
        embex32 = os.path.join(tmp, 'g.embex')
        embex16 = os.path.join(tmp, 'g16.embex')
        subprocess.run([cli, 'convert', src, embex32, '--quiet'], check=True)
        subprocess.run([cli, 'convert', src, embex16, '--float16', '--quiet'], check=True)
        e32 = open(embex32, 'rb').read()
        e16 = open(embex16, 'rb').read()

    for name, data in [('glove.txt', glove), ('w2v.txt', w2v), ('hp.txt', hp_txt),
                       ('hp.bin', hp_bin), ('eucl.bin', eucl_small), ('toy.bin', toy_bin),
                       ('g.embex', e32), ('glove.txt.gz', gzip.compress(glove, mtime=0)),
                       ('small.npy', fixture('npy', 'small_f4.npy'))]:
        put('detect', name, data)
    for name, data in [('w2v.txt', w2v), ('cyrillic.vec', vec), ('hp.txt', hp_txt),
                       ('crlf.txt', w2v.replace(b'\n', b'\r\n')[:LIMIT])]:
        put('word2vec_text', name, data)
    put('glove', 'glove.txt', glove)
    put('glove', 'bom.txt', b'\xef\xbb\xbf' + glove[:2000])
    put('word2vec_bin', 'hp.bin', hp_bin)
    put('word2vec_bin', 'eucl.bin', eucl_small)
    put('fasttext_bin', 'toy.bin', toy_bin)
    put('fasttext_bin', 'toy-truncated.bin', toy_bin[:len(toy_bin) // 2])
    put('embex', 'f32.embex', e32)
    put('embex', 'f16.embex', e16)
    tsv_vectors = b''.join(b'\t'.join(l.split()[1:]) + b'\n' for l in glove.splitlines())
    tsv_meta = b'word\tfirst\n' + b''.join(l.split()[0] + b'\tx\n' for l in glove.splitlines())
    tsv_meta1 = b''.join(l.split()[0] + b'\n' for l in glove.splitlines())
    put('tsv', 'vectors-only.tsv', tsv_vectors)
    put('tsv', 'with-metadata.tsv', tsv_vectors + MARK + tsv_meta)
    put('tsv', 'one-column-metadata.tsv', tsv_vectors + MARK + tsv_meta1)
    for stem in ['small_f4', 'small_f8', 'small_be', 'small_v2']:
        put('npy', stem + '.npy',
            fixture('npy', stem + '.npy') + MARK + fixture('npy', stem + '.words.txt'))
    put('npy', 'fortran.npy', fixture('npy', 'fortran.npy') + MARK + b'a\nb\nc\n')
    with gzip.open(os.path.join(ROOT, 'resources', 'brown.txt.gz'), 'rb') as f:
        brown = b''.join(f.readline() for _ in range(40))
    for flags in [0x05, 0x00, 0x0B, 0x96, 0xC1]:
        put('corpus', 'brown-%02x.txt' % flags, bytes([flags]) + brown[:4000])
    put('corpus', 'utf8.txt', bytes([0x05]) + 'Ça «va» — ÉTÉ, ΑΘΗΝΑ; МОСКВА! naïve… ok?\n\n'
        '“quoted” don\'t u.s. x\u3000y\u00a0z\n'.encode('utf-8') + b'\xff\xfe bad \xc3\n')
    bert = os.path.join(FIX, 'bert')
    put('safetensors', 'expected-f16.safetensors', fixture('bert', 'bert-f16', 'expected.safetensors'))
    header = b'{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},' \
             b'"b":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]},' \
             b'"__metadata__":{"format":"pt"}}'
    header += b' ' * (-len(header) % 8)
    tiny = len(header).to_bytes(8, 'little') + header + bytes(range(22))
    put('safetensors', 'tiny.safetensors', tiny)
    for name in sorted(os.listdir(bert)):
        folder = os.path.join(bert, name)
        if not os.path.isdir(folder):
            continue
        config = fixture('bert', name, 'config.json')
        put('bert_config', name + '.json', config)
        put('json', name + '-config.json', config)
        # The folders' vocab.txt are links to one file, seeded once below.
        if os.path.exists(os.path.join(folder, 'tokenizer.json')):
            put('vocab', name + '-tokenizer.json', fixture('bert', name, 'tokenizer.json'))
            put('json', name + '-tokenizer.json', fixture('bert', name, 'tokenizer.json'))
    put('vocab', 'tiny-vocab.txt', fixture('bert', 'tiny-vocab.txt'))
    put('json', 'nested.json', b'{"a":[1,-2.5e-3,true,false,null,"\\u00e9\\ud83d\\ude00"],"b":{}}')
    inp = open(os.path.join(ROOT, '..', 'shared', 'data', 'bert', 'ggml-vocab-bert-bge.gguf.inp'),
               'rb').read()
    for i, text in enumerate(inp.split(b'\n__ggml_vocab_test__\n')):
        if text:
            put('wordpiece', 'case%02d.txt' % i, text)
    for name, lines in (('questions-words.txt', 60), ('wordsim353.tsv', 40),
                        ('simlex999.txt', 40)):
        put('eval_files', name, head_lines(fixture('eval', name), lines))
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs)
    print(f'{OUT}: {total} bytes')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
