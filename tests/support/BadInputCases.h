#pragma once
// Malformed vector files, one per rule, with the words their message must contain. Shared by
// tst_formaterrors (each must be a one-line FormatError) and tst_badinput (which adds the cases
// that are not about content, checks them all and renders the README's catalogue).
#include <QByteArray>
#include <QFile>
#include <QString>
#include <QStringList>

#include <cmath>
#include <initializer_list>
#include <vector>

namespace embex::test {

/// The little-endian float32 bytes of v.
inline QByteArray floats(std::initializer_list<float> v)
{
    QByteArray out;
    for (float f : v)
        out.append(reinterpret_cast<const char *>(&f), 4);
    return out;
}

/// Writes bytes to path (replacing it); false on failure.
inline bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

struct BadFileCase
{
    const char *title; ///< what is wrong, for test rows and the README table
    QString file;      ///< file name (in a temporary folder)
    QByteArray bytes;
    QStringList expected; ///< substrings of the message
};

/// Files whose content breaks a rule of their format: load() must throw a one-line FormatError.
inline std::vector<BadFileCase> badFileCases()
{
    const QByteArray npyHeader =
        QByteArray("\x93NUMPY\x01\x00\x76\x00", 10) +
        QByteArray("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }")
            .leftJustified(117, ' ') +
        "\n";
    return {
        {"empty file", "empty.txt", QByteArray(), {"empty.txt", "empty"}},
        {"word2vec text: too few values",
         "few.txt",
         "2 3\na 1 2 3\nb 1 2\n",
         {"few.txt:3", "2 values"}},
        {"word2vec text: too many values",
         "many.txt",
         "2 3\na 1 2 3\nb 1 2 3 4\n",
         {"many.txt:3", "values"}},
        {"word2vec text: not a number",
         "nan1.txt",
         "2 3\na 1 2 3\nb 1 zz 3\n",
         {"nan1.txt:3", "'zz'"}},
        {"word2vec text: NaN", "nan2.txt", "2 3\na 1 2 3\nb 1 nan 3\n", {"nan2.txt:3", "NaN"}},
        {"word2vec text: Inf", "inf.txt", "2 3\na 1 2 3\nb 1 -inf 3\n", {"inf.txt:3", "Inf"}},
        {"word2vec text: value beyond float32",
         "ovf.txt",
         "2 3\na 1 2 3\nb 1 1e39 3\n",
         {"ovf.txt:3"}},
        {"word2vec text: fewer rows than the header says",
         "short.txt",
         "3 3\na 1 2 3\nb 1 2 3\n",
         {"short.txt", "3", "2"}},
        {"word2vec text: dimension 0 in the header",
         "dim0.txt",
         "2 0\na\nb\n",
         {"dim0.txt:1", "dimension 0"}},
        {"word2vec text: dimension above 65,536",
         "dimbig.txt",
         "1 70000\na 1\n",
         {"dimbig.txt:1", "70000", "65536"}},
        {"GloVe: ragged row",
         "ragged.glove",
         "a 1 2 3\nb 1 2 3\nc 1 2\n",
         {"ragged.glove:3", "values"}},
        {"word2vec binary: truncated row",
         "trunc.bin",
         QByteArray("2 3\nalphabetagammadelta ") + floats({1, 2, 3}) + "\nb " + floats({1}).left(3),
         {"trunc.bin", "byte", "truncated"}},
        {"word2vec binary: NaN value",
         "nanb.bin",
         QByteArray("2 2\na ") + floats({1, 2}) + "\nb " + floats({1, std::nanf("")}) + "\n",
         {"nanb.bin", "byte", "NaN"}},
        {"NumPy: truncated data", "t.npy", npyHeader + floats({1, 2, 3}), {"t.npy", "byte"}},
        {"Embex: unknown version",
         "v.embex",
         QByteArray("EMBEX\0\x7f\x7f", 8) + QByteArray(120, '\0'),
         {"v.embex"}},
        {"unknown binary data",
         "garbage.dat",
         QByteArray("\x01\x02\x00\x05garbage", 11),
         {"garbage.dat", "unrecognised"}},
        {"fastText model older than v0.9",
         "old.bin",
         QByteArray("\x64\x00\x00\x00\x05\x00\x00\x00", 8) + QByteArray(64, '\0'),
         {"old.bin"}},
    };
}

} // namespace embex::test
