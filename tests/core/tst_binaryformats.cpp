// Binary vector formats: word2vec binary, NumPy .npy, Embex's own format, fastText .bin/.ftz.
// Real fixtures are compared with independent oracles (raw bytes, the .vec exports, libfasttext
// itself); malformed inputs are built here and every error is checked by its message.
#include "io/FastTextLib.h"
#include "io/Formats.h"
#include "io/Readers.h"
#include "util/FormatError.h"
#include "util/MappedFile.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <sys/stat.h>
#include <zlib.h>

using namespace embex;

namespace {

QString fixture(const QString &name)
{
    return QStringLiteral(EMBEX_FIXTURES) + QLatin1Char('/') + name;
}
std::string vectorsFixture(const char *name)
{
    return fixture(QStringLiteral("vectors/") + QLatin1String(name)).toStdString();
}
std::string npyFixture(const char *name)
{
    return fixture(QStringLiteral("npy/") + QLatin1String(name)).toStdString();
}

QByteArray readAll(const std::string &path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool writeFile(const std::string &path, const QByteArray &data)
{
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

bool gzipFile(const std::string &from, const std::string &to)
{
    QByteArray data = readAll(from);
    gzFile gz = gzopen(to.c_str(), "wb");
    if (!gz)
        return false;
    bool ok = gzwrite(gz, data.constData(), unsigned(data.size())) == int(data.size());
    return gzclose(gz) == Z_OK && ok;
}

QByteArray floatBytes(std::initializer_list<float> values)
{
    QByteArray out;
    for (float v : values)
        out.append(reinterpret_cast<const char *>(&v), 4);
    return out;
}

template <typename T> void putLE(QByteArray &b, qsizetype at, T v)
{
    if (at >= 0 && at + qsizetype(sizeof v) <= b.size())
        std::memcpy(b.data() + at, &v, sizeof v);
}
template <typename T> T getLE(const QByteArray &b, qsizetype at)
{
    T v{};
    if (at >= 0 && at + qsizetype(sizeof v) <= b.size())
        std::memcpy(&v, b.constData() + at, sizeof v);
    return v;
}

/// Runs fn, expecting a FormatError whose message contains every part. Returns "" on success,
/// else a description of what happened instead.
QString expectFormatError(const std::function<void()> &fn, const QStringList &parts)
{
    try {
        fn();
    } catch (const FormatError &e) {
        const QString msg = QString::fromUtf8(e.what());
        for (const auto &p : parts)
            if (!msg.contains(p))
                return QStringLiteral("message lacks \"%1\": %2").arg(p, msg);
        return {};
    } catch (const std::exception &e) {
        return QStringLiteral("not a FormatError: ") + QString::fromUtf8(e.what());
    }
    return QStringLiteral("no error");
}

/// word → vector from a word2vec text file, parsed with Qt only (independent of Embex readers).
struct TextVectors
{
    QStringList words;
    QVector<QVector<double>> rows;
};
TextVectors parseVec(const std::string &path, bool header)
{
    TextVectors out;
    const QString text = QString::fromUtf8(readAll(path));
    auto lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (header)
        lines.removeFirst();
    for (const auto &line : lines) {
        auto f = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        out.words << f.takeFirst();
        QVector<double> row;
        for (const auto &v : f)
            row << v.toDouble();
        out.rows << row;
    }
    return out;
}

std::shared_ptr<EmbeddingSet> makeSet(std::vector<std::string> words, std::vector<float> data,
                                      std::size_t dim)
{
    return std::make_shared<EmbeddingSet>(std::move(words), std::move(data), dim);
}

bool sameContent(const EmbeddingSet &a, const EmbeddingSet &b)
{
    return a.words() == b.words() && a.dim() == b.dim() &&
           std::memcmp(a.data(), b.data(), a.size() * a.dim() * sizeof(float)) == 0;
}

/// Whether p lies in a memory mapping of the file `path` (Linux /proc/self/maps).
bool isMappedFrom(const void *p, const std::string &path)
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly))
        return false;
    const QString canonical = QFileInfo(QString::fromStdString(path)).canonicalFilePath();
    const auto addr = reinterpret_cast<quintptr>(p);
    for (const QByteArray &raw : maps.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (!line.endsWith(canonical))
            continue;
        const auto range = line.section(QLatin1Char(' '), 0, 0).split(QLatin1Char('-'));
        bool ok1 = false, ok2 = false;
        const quintptr lo = range.value(0).toULongLong(&ok1, 16);
        const quintptr hi = range.value(1).toULongLong(&ok2, 16);
        if (ok1 && ok2 && addr >= lo && addr < hi)
            return true;
    }
    return false;
}

LoadOptions opts()
{
    return {};
}

/// libfasttext model, loaded directly: the oracle for the fastText reader.
struct Oracle
{
    fasttext::FastText ft;
    explicit Oracle(const std::string &path) { ft.loadModel(path); }
    std::vector<float> vector(const std::string &word)
    {
        fasttext::Vector v(ft.getDimension());
        ft.getWordVector(v, word);
        return {v.data(), v.data() + v.size()};
    }
};

} // namespace

class TstBinaryFormats : public QObject
{
    Q_OBJECT
private slots:
    // word2vec binary
    void w2vRealFiles_data();
    void w2vRealFiles();
    void w2vHighPrecision();
    void w2vGzipEqualsPlain();
    void w2vRoundTrip();
    void w2vErrors_data();
    void w2vErrors();
    void w2vHugeHeaderFailsFast();
    void w2vInvalidUtf8AndDuplicates();
    void w2vWriterRejectsBadWords();
    void w2vCancel();

    // NumPy
    void npyFixtures_data();
    void npyFixtures();
    void npyNoWordsFile();
    void npyWriterMatchesNumpy();
    void npyRoundTrip();
    void npyErrors_data();
    void npyErrors();

    // Embex
    void embexRoundTrip();
    void embexIsZeroCopy();
    void embexGzip();
    void embexEmpty();
    void embexErrors_data();
    void embexErrors();
    void embexWriterRejectsNonFinite();

    // fastText
    void fastTextMatchesVec_data();
    void fastTextMatchesVec();
    void fastTextMatchesLibfasttext();
    void fastTextVersion11();
    void fastTextOov();
    void fastTextGzip();
    void fastTextOldFormats_data();
    void fastTextOldFormats();
    void fastTextCorrupt_data();
    void fastTextCorrupt();
    void fastTextEveryTruncationFails();
    void fastTextByteFlipsNeverCrash();
    void fastTextQuantized();

    // all readers
    void loadDetectsBinaryFormats();
    void nonRegularFilesAreRefused();

private:
    std::string tmp(const char *name) const
    {
        return (m_dir.path() + QLatin1Char('/') + QLatin1String(name)).toStdString();
    }
    QTemporaryDir m_dir;
};

// ---- word2vec binary --------------------------------------------------------------------------

void TstBinaryFormats::w2vRealFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("first");
    QTest::newRow("euclidean") << "euclidean_vectors.bin" << 2747 << "the";
    QTest::newRow("poincare") << "poincare_vectors.bin" << 1182 << "mammal.n.01";
}

void TstBinaryFormats::w2vRealFiles()
{
    QFETCH(QString, file);
    QFETCH(int, count);
    QFETCH(QString, first);
    const std::string path = vectorsFixture(file.toLatin1().constData());
    auto set = detail::readWord2VecBinary(path, opts(), nullProgress());
    QCOMPARE(int(set->size()), count);
    QCOMPARE(int(set->dim()), 10);
    QCOMPARE(QString::fromStdString(set->word(0)), first);
    QCOMPARE(set->sourceFormat(), std::string("word2vec-bin"));
    QVERIFY(set->warnings().empty());

    // Oracle: walk the raw bytes independently and compare every row.
    const QByteArray raw = readAll(path);
    qsizetype p = raw.indexOf('\n') + 1;
    for (std::size_t i = 0; i < set->size(); ++i) {
        while (raw[p] == '\n')
            ++p;
        const qsizetype space = raw.indexOf(' ', p);
        QCOMPARE(raw.mid(p, space - p).toStdString(), set->word(WordId(i)));
        QVERIFY(std::memcmp(raw.constData() + space + 1, set->row(WordId(i)), 40) == 0);
        p = space + 1 + 40;
    }
}

void TstBinaryFormats::w2vHighPrecision()
{
    auto set =
        detail::readWord2VecBinary(vectorsFixture("high_precision.kv.bin"), opts(), nullProgress());
    const TextVectors txt = parseVec(vectorsFixture("high_precision.kv.txt"), true);
    QCOMPARE(int(set->size()), 2);
    // The .bin holds the four values at reduced precision (their float32 mantissas end in
    // 13 zero bits), so compare with the text within that precision, and the floats exactly
    // with the raw bytes.
    const QByteArray raw = readAll(vectorsFixture("high_precision.kv.bin"));
    const float expected[4] = {getLE<float>(raw, 18), getLE<float>(raw, 22), getLE<float>(raw, 37),
                               getLE<float>(raw, 41)};
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(QString::fromStdString(set->word(WordId(i))), txt.words[i]);
        for (int j = 0; j < 2; ++j) {
            const float v = set->row(WordId(i))[j];
            QCOMPARE(v, expected[2 * i + j]);
            QVERIFY(std::abs(double(v) - txt.rows[i][j]) <= 1e-3 * std::abs(txt.rows[i][j]));
        }
    }
}

void TstBinaryFormats::w2vGzipEqualsPlain()
{
    const std::string plain = vectorsFixture("euclidean_vectors.bin");
    const std::string gz = tmp("euclidean_vectors.bin.gz");
    QVERIFY(gzipFile(plain, gz));
    auto a = detail::readWord2VecBinary(plain, opts(), nullProgress());
    auto b = detail::readWord2VecBinary(gz, opts(), nullProgress());
    QVERIFY(sameContent(*a, *b));
}

void TstBinaryFormats::w2vRoundTrip()
{
    auto a =
        detail::readWord2VecBinary(vectorsFixture("poincare_vectors.bin"), opts(), nullProgress());
    const std::string out = tmp("roundtrip.bin");
    detail::writeWord2VecBinary(*a, out, nullProgress());
    auto b = detail::readWord2VecBinary(out, opts(), nullProgress());
    QVERIFY(sameContent(*a, *b));
    // word2vec.c layout: header, then "word " + floats + "\n".
    const QByteArray raw = readAll(out);
    QVERIFY(raw.startsWith("1182 10\nmammal.n.01 "));
    QCOMPARE(
        raw.size(), qsizetype(8 + 1182 * 42) + [&] {
            qsizetype n = 0;
            for (const auto &w : a->words())
                n += qsizetype(w.size());
            return n;
        }());
}

void TstBinaryFormats::w2vErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("parts");
    const QByteArray v2 = floatBytes({1.0f, 2.0f});
    const QByteArray longWord(500, 'w');
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();

    QTest::newRow("header not numbers")
        << QByteArray("abc 10\n") + v2
        << QStringList{"byte 0", "header must be two non-negative integers", "'abc 10'"};
    QTest::newRow("header one field")
        << QByteArray("3\n") << QStringList{"byte 0", "header must be two non-negative integers"};
    QTest::newRow("header negative")
        << QByteArray("-3 2\n") << QStringList{"byte 0", "header must be two"};
    QTest::newRow("header no newline")
        << QByteArray(300, 'x') << QStringList{"byte 0", "no header line"};
    QTest::newRow("dim zero") << QByteArray("3 0\nabc ")
                              << QStringList{"byte 0", "dimension 0 is outside 1..65536"};
    QTest::newRow("dim huge") << QByteArray("3 70000\nabc ")
                              << QStringList{"byte 0", "dimension 70000 is outside 1..65536"};
    QTest::newRow("header too large for file")
        << QByteArray("2000000000 300\n").append(35, 'x')
        << QStringList{"byte 0",
                       "header claims 2000000000 rows of 300 floats (≥ 2404000000000 bytes) but "
                       "the file has 50 bytes"};
    // A long first word keeps the size check happy, so the reader meets the truncation.
    QTest::newRow("truncated row")
        << QByteArray("2 100\n") + longWord + ' ' + QByteArray(400, '\0') + "\ndog " +
               QByteArray(17, '\0')
        << QStringList{QStringLiteral("byte %1").arg(6 + 500 + 1 + 400 + 1 + 4),
                       "truncated row 2 for word 'dog': needs 400 bytes, 17 left"};
    QTest::newRow("missing rows") << QByteArray("3 2\n") + longWord + ' ' + v2 + "\n" + longWord +
                                         "x " + v2 + "\n"
                                  << QStringList{QStringLiteral("byte %1").arg(4 + 2 * 510 + 1),
                                                 "file ends after 2 rows, header says 3"};
    QTest::newRow("word without space at end")
        << QByteArray("2 2\n") + longWord + ' ' + v2 + "\n" + "dog"
        << QStringList{"truncated row 2: word 'dog' is not followed by a space"};
    QTest::newRow("word too long") << QByteArray("1 2\n") + QByteArray(5000, 'a') + ' ' + v2
                                   << QStringList{"byte 4", "row 1: no space within 4096 bytes"};
    QTest::newRow("empty word") << QByteArray("1 2\n ") + v2 + "\n"
                                << QStringList{"byte 4", "row 1 has an empty word"};
    QTest::newRow("NaN") << QByteArray("1 2\nw ") + floatBytes({1.0f, nan})
                         << QStringList{"byte 10", "row 1 (word 'w') has NaN at column 2"};
    QTest::newRow("Inf") << QByteArray("2 2\nab ") + v2 + "\ncd " + floatBytes({-inf, 0.0f}) + "\n"
                         << QStringList{"byte 19", "row 2 (word 'cd') has -Inf at column 1"};
    QTest::newRow("trailing data")
        << QByteArray("1 2\nw ") + v2 + "\nxyz"
        << QStringList{"byte 15", "unexpected data after the 1 rows the header announces"};
}

void TstBinaryFormats::w2vErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QStringList, parts);
    const std::string path = tmp("bad.bin");
    QVERIFY(writeFile(path, content));
    parts.prepend(QString::fromStdString(path) + ": ");
    const QString err =
        expectFormatError([&] { detail::readWord2VecBinary(path, opts(), nullProgress()); }, parts);
    QVERIFY2(err.isEmpty(), qPrintable(err));
}

void TstBinaryFormats::w2vHugeHeaderFailsFast()
{
    // Both plain and gzip: the plain file fails on the size check, the .gz one on the data
    // running out, with at most a small reserve (bounded by what the .gz can expand to).
    const std::string path = tmp("huge.bin");
    QVERIFY(writeFile(path, QByteArray("2000000000 300\n").append(35, 'x')));
    const std::string gz = tmp("huge.bin.gz");
    QVERIFY(gzipFile(path, gz));
    for (const auto &p : {path, gz}) {
        QElapsedTimer t;
        t.start();
        QVERIFY_THROWS_EXCEPTION(FormatError,
                                 detail::readWord2VecBinary(p, opts(), nullProgress()));
        QVERIFY2(t.elapsed() < 100, qPrintable(QString::number(t.elapsed()) + " ms"));
    }
}

void TstBinaryFormats::w2vInvalidUtf8AndDuplicates()
{
    const QByteArray v2 = floatBytes({1.0f, 2.0f});
    const QByteArray v3 = floatBytes({3.0f, 4.0f});
    const std::string path = tmp("utf8.bin");
    QVERIFY(writeFile(path, QByteArray("5 2\ncaf\xe9 ") + v2 + "\nx " + v2 + "\nx " + v3 +
                                "\n\xff\xfe " + v3 + "\n\n\nok " + v3 + "\n"));
    auto set = detail::readWord2VecBinary(path, opts(), nullProgress());
    QCOMPARE(int(set->size()), 4);
    QCOMPARE(set->word(0), std::string("caf\xEF\xBF\xBD"));
    QCOMPARE(set->word(1), std::string("x"));
    QCOMPARE(set->row(1)[0], 1.0f); // first occurrence kept
    QCOMPARE(set->word(2), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
    QCOMPARE(set->word(3), std::string("ok"));
    QCOMPARE(int(set->warnings().size()), 2);
    QVERIFY(QString::fromStdString(set->warnings()[0])
                .startsWith("2 words had invalid UTF-8; invalid bytes were replaced by U+FFFD"));
    QVERIFY(QString::fromStdString(set->warnings()[1]).startsWith("1 duplicate words"));
}

void TstBinaryFormats::w2vWriterRejectsBadWords()
{
    for (const char *bad : {"a b", "a\nb", ""}) {
        auto set = makeSet({"ok", bad}, {1, 2, 3, 4}, 2);
        const std::string out = tmp("rejected.bin");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 detail::writeWord2VecBinary(*set, out, nullProgress()));
        QVERIFY(!QFile::exists(QString::fromStdString(out)));
    }
}

void TstBinaryFormats::w2vCancel()
{
    // A 3 MB file: the reader checks for cancellation about every megabyte.
    std::vector<std::string> words;
    std::vector<float> data(20000 * 40, 0.5f);
    for (int i = 0; i < 20000; ++i)
        words.push_back("w" + std::to_string(i));
    auto set = makeSet(words, data, 40);
    const std::string path = tmp("cancel.bin");
    detail::writeWord2VecBinary(*set, path, nullProgress());
    SimpleProgress p;
    p.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, detail::readWord2VecBinary(path, opts(), p));

    // Progress: a few reports (about one per megabyte), non-decreasing, ending at 1.
    struct Recorder : Progress
    {
        std::vector<double> fractions;
        void report(double f, std::string_view) override { fractions.push_back(f); }
    } rec;
    detail::readWord2VecBinary(path, opts(), rec);
    QVERIFY(rec.fractions.size() >= 3 && rec.fractions.size() <= 10);
    QVERIFY(std::is_sorted(rec.fractions.begin(), rec.fractions.end()));
    QCOMPARE(rec.fractions.back(), 1.0);
}

// ---- NumPy ------------------------------------------------------------------------------------

namespace {
const std::vector<std::string> kNpyWords = {"alpha", "beta", "gamma", "delta", "épsilon"};
float npyValue(int i)
{
    return float((i - 7) / 7.0);
}
} // namespace

void TstBinaryFormats::npyFixtures_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("<f4 v1.0") << "small_f4.npy";
    QTest::newRow("<f8") << "small_f8.npy";
    QTest::newRow(">f4 big-endian") << "small_be.npy";
    QTest::newRow("v2.0") << "small_v2.npy";
    QTest::newRow("CRLF .vocab sibling") << "crlf.npy";
}

void TstBinaryFormats::npyFixtures()
{
    QFETCH(QString, file);
    auto set = detail::readNpy(npyFixture(file.toLatin1().constData()), opts(), nullProgress());
    QCOMPARE(set->words(), kNpyWords);
    QCOMPARE(int(set->dim()), 3);
    for (int i = 0; i < 15; ++i)
        QCOMPARE(set->data()[i], npyValue(i));
    QVERIFY(set->warnings().empty());
    QCOMPARE(set->sourceFormat(), std::string("npy"));
}

void TstBinaryFormats::npyNoWordsFile()
{
    const std::string path = tmp("alone/matrix.npy");
    QVERIFY(QDir().mkpath(m_dir.path() + "/alone"));
    QVERIFY(QFile::copy(QString::fromStdString(npyFixture("small_f4.npy")),
                        QString::fromStdString(path)));
    auto set = detail::readNpy(path, opts(), nullProgress());
    QCOMPARE(set->words(), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
    QCOMPARE(int(set->warnings().size()), 1);
    QVERIFY(QString::fromStdString(set->warnings()[0])
                .startsWith("no words file; words are row numbers"));

    // A generic vocab.txt in the folder is found; an explicit wordsPath wins over it.
    QVERIFY(writeFile(tmp("alone/vocab.txt"), "a\nb\nc\nd\ne\n"));
    set = detail::readNpy(path, opts(), nullProgress());
    QCOMPARE(set->word(4), std::string("e"));
    LoadOptions o;
    o.wordsPath = npyFixture("small_f4.words.txt");
    set = detail::readNpy(path, o, nullProgress());
    QCOMPARE(set->words(), kNpyWords);
}

void TstBinaryFormats::npyWriterMatchesNumpy()
{
    // Same array as small_f4.npy (written by numpy.save): the bytes must be identical.
    std::vector<float> data;
    for (int i = 0; i < 15; ++i)
        data.push_back(npyValue(i));
    auto set = makeSet(kNpyWords, data, 3);
    const std::string out = tmp("written.npy");
    detail::writeNpy(*set, out, nullProgress());
    QCOMPARE(readAll(out), readAll(npyFixture("small_f4.npy")));
    QCOMPARE(readAll(tmp("written.words.txt")), readAll(npyFixture("small_f4.words.txt")));
    QCOMPARE(readAll(out).indexOf('\n') % 64, 63); // header ends on a 64-byte boundary
}

void TstBinaryFormats::npyRoundTrip()
{
    auto a =
        detail::readWord2VecBinary(vectorsFixture("euclidean_vectors.bin"), opts(), nullProgress());
    const std::string out = tmp("euclid.npy");
    detail::writeNpy(*a, out, nullProgress());
    auto b = detail::readNpy(out, opts(), nullProgress());
    QVERIFY(sameContent(*a, *b));
    QVERIFY(b->warnings().empty());

    // A large row count still pads the header to 64 bytes.
    std::vector<float> big(123457 * 1, 1.5f);
    std::vector<std::string> words;
    for (int i = 0; i < 123457; ++i)
        words.push_back(std::to_string(i));
    auto c = makeSet(words, big, 1);
    detail::writeNpy(*c, tmp("big.npy"), nullProgress());
    QCOMPARE((readAll(tmp("big.npy")).indexOf('\n') + 1) % 64, 0);
    QVERIFY(sameContent(*c, *detail::readNpy(tmp("big.npy"), opts(), nullProgress())));
}

void TstBinaryFormats::npyErrors_data()
{
    QTest::addColumn<QString>("source");   // fixture to start from
    QTest::addColumn<QString>("mutation"); // what to do to it
    QTest::addColumn<QStringList>("parts");
    QTest::newRow("fortran") << "fortran.npy"
                             << ""
                             << QStringList{"byte 10", "Fortran order not supported; save with "
                                                       "np.ascontiguousarray"};
    QTest::newRow("1-D") << "one_d.npy"
                         << ""
                         << QStringList{"shape (3,) is 1-D; expected a 2-D matrix (rows, dim)"};
    QTest::newRow("int32") << "int32.npy"
                           << "" << QStringList{"dtype '<i4' is not supported; expected float32"};
    QTest::newRow("f8 beyond float32")
        << "f8_overflow.npy"
        << ""
        << QStringList{QStringLiteral("byte %1").arg(128 + 7 * 8),
                       "row index 2 (word 'gamma') has the value 1e+300, outside the float32 "
                       "range"};
    QTest::newRow("truncated") << "small_f4.npy"
                               << "truncate"
                               << QStringList{"byte 181", "truncated data: shape (5, 3) of '<f4' "
                                                          "needs 60 bytes after the header, the "
                                                          "file has 53"};
    QTest::newRow("trailing bytes") << "small_f4.npy"
                                    << "append"
                                    << QStringList{"byte 188", "4 bytes after the data; shape "
                                                               "(5, 3) of '<f4' needs exactly 60"};
    QTest::newRow("NaN") << "small_f4.npy"
                         << "nan"
                         << QStringList{QStringLiteral("byte %1").arg(128 + 5 * 4),
                                        "row index 1 (word 'beta') has NaN at column index 2"};
    QTest::newRow("bad magic") << "small_f4.npy"
                               << "magic" << QStringList{"byte 0", "not a NumPy .npy file"};
    QTest::newRow("bad version") << "small_f4.npy"
                                 << "version"
                                 << QStringList{"byte 6", "unsupported .npy version 4.0"};
    QTest::newRow("header past end")
        << "small_f4.npy"
        << "hlen" << QStringList{"byte 8", "header length 60000 runs past"};
    QTest::newRow("bad dict") << "small_f4.npy"
                              << "dict" << QStringList{"malformed header dict: expected ':'"};
    QTest::newRow("3-D") << "small_f4.npy"
                         << "3d" << QStringList{"shape (5, 3, 1) has 3 dimensions"};
    QTest::newRow("too few words") << "small_f4.npy"
                                   << "fewwords"
                                   << QStringList{"few.txt:4: file ends after 4 words, but "
                                                  "data.npy has 5 rows"};
    QTest::newRow("too many words") << "small_f4.npy"
                                    << "manywords"
                                    << QStringList{"many.txt:6: more words than the 5 rows "
                                                   "of data.npy"};
    QTest::newRow("empty word line") << "small_f4.npy"
                                     << "emptyword" << QStringList{"empty.txt:2: empty line"};
}

void TstBinaryFormats::npyErrors()
{
    QFETCH(QString, source);
    QFETCH(QString, mutation);
    QFETCH(QStringList, parts);
    QByteArray bytes = readAll(npyFixture(source.toLatin1().constData()));
    QVERIFY(!bytes.isEmpty());
    const std::string path = tmp("data.npy");
    LoadOptions o;
    o.wordsPath = npyFixture("small_f4.words.txt");
    QString errorFile = QString::fromStdString(path);
    if (mutation == "truncate") {
        bytes.chop(7);
    } else if (mutation == "append") {
        bytes.append(4, '\0');
    } else if (mutation == "nan") {
        putLE(bytes, 128 + 5 * 4, std::numeric_limits<float>::quiet_NaN());
    } else if (mutation == "magic") {
        bytes[1] = 'X';
    } else if (mutation == "version") {
        bytes[6] = 4;
    } else if (mutation == "hlen") {
        putLE<quint16>(bytes, 8, 60000);
    } else if (mutation == "dict") {
        bytes.replace("'descr':", "'descr' ");
    } else if (mutation == "3d") {
        bytes.replace("(5, 3)", "(5,3,1)");
    } else if (mutation == "fewwords") {
        o.wordsPath = tmp("few.txt");
        QVERIFY(writeFile(o.wordsPath, "a\nb\nc\nd\n"));
        errorFile = QString::fromStdString(o.wordsPath);
    } else if (mutation == "manywords") {
        o.wordsPath = tmp("many.txt");
        QVERIFY(writeFile(o.wordsPath, "a\nb\nc\nd\ne\nf\n"));
        errorFile = QString::fromStdString(o.wordsPath);
        parts[0] = errorFile.section('/', -1) + ":6: more words than the 5 rows of data.npy";
    } else if (mutation == "emptyword") {
        o.wordsPath = tmp("empty.txt");
        QVERIFY(writeFile(o.wordsPath, "a\n\nc\nd\ne\n"));
        errorFile = QString::fromStdString(o.wordsPath);
    }
    QVERIFY(writeFile(path, bytes));
    parts.prepend(errorFile);
    const QString err = expectFormatError([&] { detail::readNpy(path, o, nullProgress()); }, parts);
    QVERIFY2(err.isEmpty(), qPrintable(err));
}

// ---- Embex ------------------------------------------------------------------------------------

void TstBinaryFormats::embexRoundTrip()
{
    auto src =
        detail::readWord2VecBinary(vectorsFixture("euclidean_vectors.bin"), opts(), nullProgress());
    auto set = std::make_shared<EmbeddingSet>(
        src->words(), std::vector<float>(src->data(), src->data() + src->size() * src->dim()),
        src->dim());
    MetadataColumn freq{"frequency", {}}, pos{"pos with ünïcode", {}};
    for (std::size_t i = 0; i < set->size(); ++i) {
        freq.values.push_back(std::to_string(1000000 - i));
        pos.values.push_back(i % 3 == 0 ? std::string() : (i % 3 == 1 ? "NOUN" : "VERB\tx"));
    }
    set->setMetadata({freq, pos});
    set->setSourceFormat("word2vec-bin");
    const std::string out = tmp("set.embex");
    detail::writeEmbex(*set, out, nullProgress());
    auto back = detail::readEmbex(out, opts(), nullProgress());
    QVERIFY(sameContent(*set, *back));
    QCOMPARE(int(back->metadata().size()), 2);
    QCOMPARE(back->metadata()[0].name, freq.name);
    QCOMPARE(back->metadata()[0].values, freq.values);
    QCOMPARE(back->metadata()[1].name, pos.name);
    QCOMPARE(back->metadata()[1].values, pos.values);
    QCOMPARE(back->sourceFormat(), std::string("embex"));
    QVERIFY(back->warnings().empty());
    QVERIFY(back->find("the").has_value());

    // Writing what was read gives the same bytes (except the recorded source format).
    set->setSourceFormat("embex");
    detail::writeEmbex(*set, tmp("a.embex"), nullProgress());
    detail::writeEmbex(*back, tmp("b.embex"), nullProgress());
    QCOMPARE(readAll(tmp("a.embex")), readAll(tmp("b.embex")));
}

void TstBinaryFormats::embexIsZeroCopy()
{
    std::vector<float> data(1000 * 16);
    std::mt19937 rng(7);
    std::normal_distribution<float> normal;
    for (auto &v : data)
        v = normal(rng);
    std::vector<std::string> words;
    for (int i = 0; i < 1000; ++i)
        words.push_back("word" + std::to_string(i));
    const std::string path = tmp("zero.embex");
    detail::writeEmbex(*makeSet(words, data, 16), path, nullProgress());
    auto set = detail::readEmbex(path, opts(), nullProgress());

    const QByteArray raw = readAll(path);
    const auto matrixOffset = getLE<quint64>(raw, 56);
    QCOMPARE(matrixOffset % 64, quint64(0));
    QVERIFY(std::memcmp(set->data(), raw.constData() + matrixOffset, data.size() * 4) == 0);
    QVERIFY(std::memcmp(set->data(), data.data(), data.size() * 4) == 0);
#ifdef __linux__
    QVERIFY2(isMappedFrom(set->data(), path), "matrix is not borrowed from the file mapping");
#endif
    // The mapping outlives the reader: only the set keeps it alive.
    QCOMPARE(set->row(999)[15], data.back());
}

namespace {
void fixHeaderCrc(QByteArray &b)
{
    putLE<quint32>(b, 124, quint32(crc32(0, reinterpret_cast<const Bytef *>(b.constData()), 124)));
}
} // namespace

void TstBinaryFormats::embexGzip()
{
    auto src =
        detail::readWord2VecBinary(vectorsFixture("poincare_vectors.bin"), opts(), nullProgress());
    const std::string plain = tmp("p.embex"), gz = tmp("p.embex.gz");
    detail::writeEmbex(*src, plain, nullProgress());
    QVERIFY(gzipFile(plain, gz));
    auto set = detail::readEmbex(gz, opts(), nullProgress());
    QVERIFY(sameContent(*src, *set));
#ifdef __linux__
    QVERIFY(!isMappedFrom(set->data(), gz));
#endif
    // A tiny .gz whose header claims a gigabyte fails before allocating it.
    QByteArray claim = readAll(plain).left(128);
    putLE<quint64>(claim, 16, 1000000000);
    fixHeaderCrc(claim);
    QVERIFY(writeFile(tmp("claim.embex"), claim));
    QVERIFY(gzipFile(tmp("claim.embex"), tmp("claim.embex.gz")));
    QString err = expectFormatError(
        [&] { detail::readEmbex(tmp("claim.embex.gz"), opts(), nullProgress()); },
        {"claim.embex.gz: byte 16: header says the file has 1000000000 bytes, impossible for a "});
    QVERIFY2(err.isEmpty(), qPrintable(err));

    // A .gz that decompresses to less than the header says.
    QByteArray raw = readAll(plain);
    raw.chop(100);
    QVERIFY(writeFile(tmp("short.embex"), raw));
    QVERIFY(gzipFile(tmp("short.embex"), tmp("short.embex.gz")));
    err = expectFormatError(
        [&] { detail::readEmbex(tmp("short.embex.gz"), opts(), nullProgress()); },
        {"short.embex.gz: byte " + QString::number(raw.size()), "truncated: the header says"});
    QVERIFY2(err.isEmpty(), qPrintable(err));
}

void TstBinaryFormats::embexEmpty()
{
    auto empty = makeSet({}, {}, 7);
    detail::writeEmbex(*empty, tmp("empty.embex"), nullProgress());
    auto back = detail::readEmbex(tmp("empty.embex"), opts(), nullProgress());
    QCOMPARE(int(back->size()), 0);
    QCOMPARE(int(back->dim()), 7);
}

void TstBinaryFormats::embexErrors_data()
{
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QStringList>("parts");
    QTest::newRow("bad magic") << "magic"
                               << QStringList{"byte 0",
                                              "not an Embex file (no \"EMBEX\\0\" magic)"};
    QTest::newRow("bad version") << "version"
                                 << QStringList{"byte 6", "unsupported Embex version 2 (this "
                                                          "build reads version 1)"};
    QTest::newRow("header damaged")
        << "flip" << QStringList{"byte 124", "header checksum mismatch"};
    QTest::newRow("unknown dtype")
        << "dtype"
        << QStringList{"byte 12", "dtype 2 is not supported; this build reads float32 "
                                  "(0) and float16 (1)"};
    QTest::newRow("words outside file")
        << "wordsfar"
        << QStringList{"byte 40", "words section [1000000, +", "lies outside the file"};
    QTest::newRow("size overflow")
        << "sizeoverflow" << QStringList{"byte 72", "metadata section", "lies outside the file"};
    QTest::newRow("overlap") << "overlap"
                             << QStringList{"byte 88", "source section overlaps the words section"};
    QTest::newRow("matrix size") << "matrixsize"
                                 << QStringList{"byte 64", "matrix section has 20 bytes; 3 × 2 "
                                                           "float32 need 24"};
    QTest::newRow("matrix alignment")
        << "matrixalign" << QStringList{"byte 56", "is not a multiple of 64"};
    QTest::newRow("dim zero") << "dim" << QStringList{"byte 32", "dimension 0 is outside"};
    QTest::newRow("truncated") << "truncate"
                               << QStringList{"truncated: the header says the file has"};
    QTest::newRow("short header") << "shortheader"
                                  << QStringList{"byte 20", "truncated header: needs 128 bytes"};
    QTest::newRow("trailing") << "append"
                              << QStringList{"3 bytes after the end of the file that the header "
                                             "announces"};
    QTest::newRow("words damaged")
        << "wordbyte" << QStringList{"byte 128", "words section checksum mismatch"};
    QTest::newRow("duplicate words") << "dupword" << QStringList{"duplicate word 'bb'"};
    QTest::newRow("word offsets") << "wordoffsets" << QStringList{"words section: word 1 spans"};
    QTest::newRow("word count") << "wordcount"
                                << QStringList{"byte 128", "string table holds 4 strings, "
                                                           "expected 3"};
}

void TstBinaryFormats::embexErrors()
{
    QFETCH(QString, mutation);
    QFETCH(QStringList, parts);
    const std::string good = tmp("good.embex");
    auto set = makeSet({"a", "bb", "ccc"}, {1, 2, 3, 4, 5, 6}, 2);
    set->setMetadata({{"m", {"x", "y", "z"}}});
    set->setSourceFormat("glove");
    detail::writeEmbex(*set, good, nullProgress());
    QByteArray b = readAll(good);
    // Layout of this file: words table at 128 (8 + 32 + 6 bytes), metadata, source, matrix.
    const auto wordsCrc = [&] {
        putLE<quint32>(b, 104,
                       quint32(crc32(0, reinterpret_cast<const Bytef *>(b.constData()) + 128,
                                     uInt(getLE<quint64>(b, 48)))));
    };
    if (mutation == "magic") {
        b[0] = 'X';
    } else if (mutation == "version") {
        putLE<quint16>(b, 6, 2);
    } else if (mutation == "flip") {
        b[30] = char(b[30] ^ 1);
    } else if (mutation == "dtype") {
        putLE<quint32>(b, 12, 2);
    } else if (mutation == "wordsfar") {
        putLE<quint64>(b, 40, 1000000);
    } else if (mutation == "sizeoverflow") {
        putLE<quint64>(b, 80, ~quint64(0) - 100);
    } else if (mutation == "overlap") {
        putLE<quint64>(b, 88, 130);
    } else if (mutation == "matrixsize") {
        putLE<quint64>(b, 64, 20);
    } else if (mutation == "matrixalign") {
        putLE<quint64>(b, 56, getLE<quint64>(b, 56) - 4);
    } else if (mutation == "dim") {
        putLE<quint64>(b, 32, 0);
    } else if (mutation == "truncate") {
        b.chop(10);
    } else if (mutation == "shortheader") {
        b.truncate(20);
    } else if (mutation == "append") {
        b.append("xyz");
    } else if (mutation == "wordbyte") {
        b[128 + 40] = 'z';
    } else if (mutation == "dupword") {
        // Blob "abbccc" with offsets 0,1,3,6 becomes "bbbbbb" with offsets 0,2,4,6.
        for (int i = 0; i < 6; ++i)
            b[128 + 40 + i] = 'b';
        putLE<quint64>(b, 128 + 8 + 8, 2);
        putLE<quint64>(b, 128 + 8 + 16, 4);
        wordsCrc();
    } else if (mutation == "wordoffsets") {
        putLE<quint64>(b, 128 + 8 + 16, 0); // offsets 0,1,0,6: decreasing
        wordsCrc();
    } else if (mutation == "wordcount") {
        putLE<quint64>(b, 128, 4);
        wordsCrc();
    }
    if (mutation != "flip" && mutation != "magic" && mutation != "shortheader" &&
        mutation != "truncate" && mutation != "append")
        fixHeaderCrc(b);
    const std::string path = tmp("bad.embex");
    QVERIFY(writeFile(path, b));
    parts.prepend(QString::fromStdString(path) + ": ");
    const QString err =
        expectFormatError([&] { detail::readEmbex(path, opts(), nullProgress()); }, parts);
    QVERIFY2(err.isEmpty(), qPrintable(err));
}

void TstBinaryFormats::embexWriterRejectsNonFinite()
{
    auto set = makeSet({"a", "b"}, {1, 2, 3, std::numeric_limits<float>::infinity()}, 2);
    try {
        detail::writeEmbex(*set, tmp("nan.embex"), nullProgress());
        QFAIL("no error");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains("row index 1 (word 'b') has +Inf"), e.what());
    }
    QVERIFY(!QFile::exists(QString::fromStdString(tmp("nan.embex"))));
    auto bad = makeSet({"ok", "caf\xe9"}, {1, 2}, 1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             detail::writeEmbex(*bad, tmp("utf.embex"), nullProgress()));
}

// ---- fastText ---------------------------------------------------------------------------------

void TstBinaryFormats::fastTextMatchesVec_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("toy-model") << "toy-model";
    QTest::newRow("crime-and-punishment (Cyrillic)") << "crime-and-punishment";
}

void TstBinaryFormats::fastTextMatchesVec()
{
    QFETCH(QString, name);
    const std::string bin = vectorsFixture((name + ".bin").toLatin1().constData());
    const TextVectors vec = parseVec(vectorsFixture((name + ".vec").toLatin1().constData()), true);
    auto set = detail::readFastTextBin(bin, opts(), nullProgress());
    QCOMPARE(set->sourceFormat(), std::string("fasttext-bin"));
    QCOMPARE(int(set->size()), vec.words.size());
    QCOMPARE(int(set->dim()), vec.rows[0].size());
    double worst = 0;
    for (std::size_t i = 0; i < set->size(); ++i) {
        QCOMPARE(QString::fromStdString(set->word(WordId(i))), vec.words[int(i)]);
        for (std::size_t j = 0; j < set->dim(); ++j)
            worst = std::max(worst,
                             std::abs(double(set->row(WordId(i))[j]) - vec.rows[int(i)][int(j)]));
    }
    QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
    const MetadataColumn *freq = set->metadataColumn("frequency");
    QVERIFY(freq);
    QVERIFY(std::stoll(freq->values[0]) >= std::stoll(freq->values.back()));
}

void TstBinaryFormats::fastTextMatchesLibfasttext()
{
    const std::string bin = vectorsFixture("lee_fasttext_new.bin");
    auto set = detail::readFastTextBin(bin, opts(), nullProgress());
    Oracle oracle(bin);
    QCOMPARE(int(set->size()), oracle.ft.getDictionary()->nwords());
    for (std::size_t i = 0; i < set->size(); ++i) {
        const auto want = oracle.vector(set->word(WordId(i)));
        QVERIFY(std::memcmp(want.data(), set->row(WordId(i)), want.size() * 4) == 0);
    }
}

void TstBinaryFormats::fastTextVersion11()
{
    const QByteArray raw = readAll(vectorsFixture("lee_fasttext_new.bin"));
    QCOMPARE(getLE<qint32>(raw, 4), 11);
    auto set =
        detail::readFastTextBin(vectorsFixture("lee_fasttext_new.bin"), opts(), nullProgress());
    QVERIFY(set->size() > 100);
    QCOMPARE(int(set->dim()), 10);
    QVERIFY(set->find("the").has_value());
}

void TstBinaryFormats::fastTextOov()
{
    const std::string bin = vectorsFixture("toy-model.bin");
    auto set = detail::readFastTextBin(bin, opts(), nullProgress());
    const std::string word = "unseenword";
    QVERIFY(!set->find(word));
    auto v = set->vectorFor(word);
    QVERIFY(v.has_value());
    QVERIFY(v->norm() > 0.0f);
    Oracle oracle(bin);
    const auto want = oracle.vector(word);
    QCOMPARE(int(v->size()), int(want.size()));
    QVERIFY(std::memcmp(v->data(), want.data(), want.size() * 4) == 0);
    // Concurrent lookups agree (the provider is shared across threads).
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int k = 0; k < 200; ++k) {
                auto w = set->vectorFor(word);
                if (!w || std::memcmp(w->data(), want.data(), want.size() * 4) != 0)
                    ++mismatches;
            }
        });
    for (auto &t : threads)
        t.join();
    QCOMPARE(mismatches.load(), 0);
    // In-vocabulary words still come from the matrix.
    QCOMPARE(*set->vectorFor(set->word(3)), Eigen::VectorXf(set->matrix().row(3).transpose()));
}

void TstBinaryFormats::fastTextGzip()
{
    const std::string bin = vectorsFixture("toy-model.bin"), gz = tmp("toy-model.bin.gz");
    QVERIFY(gzipFile(bin, gz));
    QVERIFY(sameContent(*detail::readFastTextBin(bin, opts(), nullProgress()),
                        *detail::readFastTextBin(gz, opts(), nullProgress())));
}

void TstBinaryFormats::fastTextOldFormats_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("lee_fasttext.bin") << "lee_fasttext.bin";
    QTest::newRow("cp852_fasttext.bin") << "cp852_fasttext.bin";
}

void TstBinaryFormats::fastTextOldFormats()
{
    QFETCH(QString, file);
    const std::string path = vectorsFixture(file.toLatin1().constData());
    const QString err = expectFormatError(
        [&] { detail::readFastTextBin(path, opts(), nullProgress()); },
        {QString::fromStdString(path) + ": byte 0: not a fastText model: no magic number "
                                        "(fastText files older than v0.9 are not supported by "
                                        "libfasttext)"});
    QVERIFY2(err.isEmpty(), qPrintable(err));
}

void TstBinaryFormats::fastTextCorrupt_data()
{
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QStringList>("parts");
    QTest::newRow("version 13") << "version"
                                << QStringList{"byte 4", "fastText model version 13 is not "
                                                         "supported"};
    QTest::newRow("dim 0") << "dim" << QStringList{"byte 8", "dimension 0 is outside 1..65536"};
    QTest::newRow("bad loss") << "loss" << QStringList{"byte 32", "unknown loss 9"};
    QTest::newRow("bucket 0 with subwords")
        << "bucket" << QStringList{"byte 40", "bucket is 0 but maxn is"};
    QTest::newRow("maxn too large")
        << "maxn" << QStringList{"byte 48", "maxn 1000 exceeds the limit of 64"};
    QTest::newRow("dictionary too large")
        << "dictsize" << QStringList{"byte 64", "dictionary claims 1000000000 entries"};
    QTest::newRow("dictionary inconsistent")
        << "nwords" << QStringList{"byte 64", "dictionary sizes are inconsistent"};
    QTest::newRow("truncated dictionary") << "cutdict" << QStringList{"truncated dictionary"};
    QTest::newRow("matrix too large")
        << "matrix" << QStringList{"input matrix claims 1000000000000 × 5 floats"};
    QTest::newRow("matrix dimension") << "matrixdim"
                                      << QStringList{"input matrix is", "× 6; expected rows of "
                                                                        "dimension 5"};
    QTest::newRow("trailing bytes")
        << "append" << QStringList{"3 unexpected bytes after the model"};
    QTest::newRow("truncated output")
        << "cutend"
        << QStringList{
               "output matrix claims 22 × 5 floats (440 bytes) but only 439 bytes are left"};
}

void TstBinaryFormats::fastTextCorrupt()
{
    QFETCH(QString, mutation);
    QFETCH(QStringList, parts);
    QByteArray b = readAll(vectorsFixture("toy-model.bin"));
    // toy-model.bin: header 8, args 56, dictionary from 64 (size, nwords, nlabels, ntokens,
    // pruneidx_size = 28 bytes, then entries), quant flag, input matrix (m, n, data)...
    qsizetype dictEnd = 64 + 28;
    for (int i = 0; i < getLE<qint32>(b, 64); ++i)
        dictEnd = b.indexOf('\0', dictEnd) + 1 + 9;
    const qsizetype inputAt = dictEnd + 1; // after the quantization flag
    if (mutation == "version")
        putLE<qint32>(b, 4, 13);
    else if (mutation == "dim")
        putLE<qint32>(b, 8, 0);
    else if (mutation == "loss")
        putLE<qint32>(b, 8 + 24, 9);
    else if (mutation == "bucket")
        putLE<qint32>(b, 8 + 32, 0);
    else if (mutation == "maxn")
        putLE<qint32>(b, 8 + 40, 1000);
    else if (mutation == "dictsize") {
        putLE<qint32>(b, 64, 1000000000);
        putLE<qint32>(b, 68, 1000000000);
        putLE<qint32>(b, 72, 0);
    } else if (mutation == "nwords")
        putLE<qint32>(b, 68, getLE<qint32>(b, 68) + 1);
    else if (mutation == "cutdict")
        b.truncate(dictEnd - 20);
    else if (mutation == "matrix")
        putLE<qint64>(b, inputAt, 1000000000000);
    else if (mutation == "matrixdim")
        putLE<qint64>(b, inputAt + 8, 6);
    else if (mutation == "append")
        b.append("abc");
    else if (mutation == "cutend")
        b.chop(1);
    const std::string path = tmp("bad-model.bin");
    QVERIFY(writeFile(path, b));
    parts.prepend(QString::fromStdString(path) + ": ");
    const QString err =
        expectFormatError([&] { detail::readFastTextBin(path, opts(), nullProgress()); }, parts);
    QVERIFY2(err.isEmpty(), qPrintable(err));
}

void TstBinaryFormats::fastTextEveryTruncationFails()
{
    // libfasttext itself would loop forever or allocate garbage on most of these.
    const QByteArray b = readAll(vectorsFixture("toy-model.bin"));
    const std::string path = tmp("cut-model.bin");
    for (qsizetype n = 0; n < b.size(); ++n) {
        QVERIFY(writeFile(path, b.left(n)));
        try {
            detail::readFastTextBin(path, opts(), nullProgress());
            QFAIL(qPrintable(QStringLiteral("a %1-byte prefix loaded").arg(n)));
        } catch (const FormatError &) {
        } catch (const std::exception &e) {
            QFAIL(qPrintable(QStringLiteral("prefix %1: %2").arg(n).arg(e.what())));
        }
    }
}

void TstBinaryFormats::fastTextByteFlipsNeverCrash()
{
    // Every byte of the header and dictionary set to 0xFF, one at a time: the reader either
    // loads a model or throws FormatError; it never crashes, hangs or throws anything else.
    const QByteArray good = readAll(vectorsFixture("toy-model.bin"));
    const std::string path = tmp("flip-model.bin");
    int loaded = 0, rejected = 0;
    for (qsizetype i = 0; i < std::min<qsizetype>(good.size(), 600); ++i) {
        QByteArray b = good;
        b[i] = char(0xff);
        QVERIFY(writeFile(path, b));
        try {
            auto set = detail::readFastTextBin(path, opts(), nullProgress());
            ++loaded;
        } catch (const FormatError &) {
            ++rejected;
        } catch (const std::exception &e) {
            QFAIL(qPrintable(QStringLiteral("byte %1: %2").arg(i).arg(e.what())));
        }
    }
    QVERIFY(loaded > 0 && rejected > 0);
}

void TstBinaryFormats::fastTextQuantized()
{
    // lid.176.ftz (938 KB, supervised, quantized, pruned) is not committed; point
    // EMBEX_TEST_FTZ at it to run this check.
    const QByteArray ftz = qgetenv("EMBEX_TEST_FTZ");
    if (ftz.isEmpty())
        QSKIP("set EMBEX_TEST_FTZ to a .ftz model (e.g. lid.176.ftz) to run");
    const std::string path = ftz.toStdString();
    auto set = detail::readFastTextBin(path, opts(), nullProgress());
    QVERIFY(set->size() > 1000);
    Oracle oracle(path);
    for (std::size_t i = 0; i < set->size(); i += 97) {
        const auto want = oracle.vector(set->word(WordId(i)));
        QVERIFY(std::memcmp(want.data(), set->row(WordId(i)), want.size() * 4) == 0);
    }
    auto oov = set->vectorFor("qwertyuiopasdf");
    QVERIFY(oov && oov->norm() > 0.0f);
}

// ---- all readers -----------------------------------------------------------------------------

void TstBinaryFormats::loadDetectsBinaryFormats()
{
    // embex::load() picks the reader from the content, whatever the extension, also in .gz.
    auto w2v = load(vectorsFixture("euclidean_vectors.bin"));
    QCOMPARE(w2v->sourceFormat(), std::string("word2vec-bin"));
    save(*w2v, tmp("x.embex"));
    save(*w2v, tmp("x.npy"));
    save(*w2v, tmp("x.w2v"), SaveOptions{Format::Word2VecBinary});
    QVERIFY(QFile::rename(QString::fromStdString(tmp("x.embex")),
                          QString::fromStdString(tmp("x.data"))));
    QVERIFY(gzipFile(tmp("x.data"), tmp("x.data.gz")));
    QVERIFY(gzipFile(tmp("x.w2v"), tmp("x.w2v.gz")));
    QVERIFY(gzipFile(vectorsFixture("toy-model.bin"), tmp("toy.gz")));
    const std::vector<std::pair<std::string, std::string>> cases = {
        {tmp("x.data"), "embex"},
        {tmp("x.data.gz"), "embex"},
        {tmp("x.npy"), "npy"},
        {tmp("x.w2v"), "word2vec-bin"},
        {tmp("x.w2v.gz"), "word2vec-bin"},
        {vectorsFixture("toy-model.bin"), "fasttext-bin"},
        {tmp("toy.gz"), "fasttext-bin"},
    };
    for (const auto &[path, format] : cases) {
        auto set = load(path);
        QCOMPARE(set->sourceFormat(), format);
        if (format != "fasttext-bin")
            QVERIFY(sameContent(*set, *w2v));
    }
    const QString err =
        expectFormatError([&] { load(vectorsFixture("lee_fasttext.bin")); }, {"lee_fasttext.bin"});
    QVERIFY2(err.isEmpty(), qPrintable(err));
}

void TstBinaryFormats::nonRegularFilesAreRefused()
{
    // A FIFO must be refused, not opened: a blocking open() or read() would wait forever.
    const std::string fifo = tmp("fifo");
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    const std::string dir = m_dir.path().toStdString();
    using Reader = std::function<EmbeddingSetPtr(const std::string &)>;
    const std::vector<std::pair<const char *, Reader>> readers = {
        {"word2vec-bin",
         [](const std::string &p) {
             return detail::readWord2VecBinary(p, {}, nullProgress());
         }},
        {"npy",
         [](const std::string &p) {
             return detail::readNpy(p, {}, nullProgress());
         }},
        {"embex",
         [](const std::string &p) {
             return detail::readEmbex(p, {}, nullProgress());
         }},
        {"fasttext",
         [](const std::string &p) {
             return detail::readFastTextBin(p, {}, nullProgress());
         }},
    };
    for (const auto &[name, read] : readers) {
        for (const auto &[path, want] :
             {std::pair{fifo, "not a regular file"}, std::pair{dir, "is a directory"},
              std::pair{tmp("missing"), "cannot open"}}) {
            try {
                read(path);
                QFAIL(qPrintable(QStringLiteral("%1 read %2").arg(name, path.c_str())));
            } catch (const FormatError &e) {
                QFAIL(e.what());
            } catch (const std::runtime_error &e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String(want)), e.what());
            }
        }
    }
}

QTEST_GUILESS_MAIN(TstBinaryFormats)
#include "tst_binaryformats.moc"
