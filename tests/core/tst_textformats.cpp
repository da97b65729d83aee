// Text vector formats: word2vec text / fastText .vec, GloVe, TensorFlow Projector TSV.
// Oracles: every fixture value is parsed independently (QString::toDouble) and compared bit for
// bit; parallel results are compared with the single-thread result; errors are asserted on their
// message (file, line, rule).
#include "io/Readers.h"
#include "io/TextParsing.h"
#include "util/FormatError.h"

#include <QtTest>

#include <bit>
#include <cfloat>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <zlib.h>

using namespace embex;

namespace {

const QString kFixtures = QStringLiteral(EMBEX_FIXTURES "/vectors/");

std::uint32_t bits(float f)
{
    return std::bit_cast<std::uint32_t>(f);
}

EmbeddingSetPtr readText(const std::string &path, Format format, unsigned threads = 2,
                         Progress &progress = nullProgress())
{
    LoadOptions opts;
    opts.threads = threads;
    return detail::readTextVectors(path, format, opts, progress);
}

EmbeddingSetPtr readTsv(const std::string &path, const std::string &metadata = {},
                        unsigned threads = 2)
{
    LoadOptions opts;
    opts.threads = threads;
    opts.metadataPath = metadata;
    return detail::readTsv(path, opts, nullProgress());
}

bool sameBits(const EmbeddingSet &a, const EmbeddingSet &b)
{
    return a.words() == b.words() && a.dim() == b.dim() &&
           std::memcmp(a.data(), b.data(), a.size() * a.dim() * sizeof(float)) == 0;
}

bool hasWarning(const EmbeddingSet &set, const QString &text)
{
    return std::any_of(set.warnings().begin(), set.warnings().end(), [&](const std::string &w) {
        return QString::fromStdString(w).contains(text);
    });
}

// Restores the default block size when a test that shrinks it ends (even by a failed QVERIFY).
struct BlockBytes
{
    explicit BlockBytes(std::size_t bytes) { detail::setTextBlockBytesForTesting(bytes); }
    ~BlockBytes() { detail::setTextBlockBytesForTesting(0); }
};

// Reports, and asks to stop after the first report.
class CancelAfterFirstReport : public Progress
{
public:
    void report(double, std::string_view) override { ++reports; }
    bool cancelled() const override { return reports > 0; }
    int reports = 0;
};

class RecordingProgress : public Progress
{
public:
    void report(double fraction, std::string_view) override { fractions.push_back(fraction); }
    std::vector<double> fractions;
};

} // namespace

class TstTextFormats : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string tempPath(const QString &name) const { return m_dir.filePath(name).toStdString(); }

    std::string writeFile(const QString &name, const QByteArray &content) const
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(f.fileName()));
        f.write(content);
        return f.fileName().toStdString();
    }

    std::string gzipFile(const QString &name, const QByteArray &content) const
    {
        std::string path = tempPath(name);
        gzFile gz = gzopen(path.c_str(), "wb");
        if (!gz)
            qFatal("gzopen failed");
        gzwrite(gz, content.constData(), unsigned(content.size()));
        gzclose(gz);
        return path;
    }

    static QByteArray readAll(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(path));
        return f.readAll();
    }

    // A GloVe-like file with `rows` rows of `dim` random values, some with awkward spellings.
    static QByteArray generatedText(int rows, int dim, bool header, unsigned seed)
    {
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::string out;
        if (header)
            out += std::to_string(rows) + " " + std::to_string(dim) + "\n";
        for (int r = 0; r < rows; ++r) {
            out += "w" + std::to_string(r);
            for (int d = 0; d < dim; ++d) {
                out += (r + d) % 7 == 0 ? "\t" : " ";
                char buf[32];
                float v = normal(rng);
                auto res = (r % 3 == 0) ? std::to_chars(buf, buf + sizeof buf, v)
                                        : std::to_chars(buf, buf + sizeof buf, v,
                                                        std::chars_format::fixed, 6);
                out.append(buf, res.ptr);
            }
            out += r % 5 == 0 ? " \r\n" : "\n";
            if (r % 97 == 0)
                out += "\n";
        }
        return QByteArray::fromStdString(out);
    }

    template <typename F> static QString formatErrorOf(F &&f)
    {
        try {
            f();
        } catch (const FormatError &e) {
            return QString::fromStdString(e.what());
        } catch (const std::exception &e) {
            return QStringLiteral("unexpected exception: ") + QString::fromUtf8(e.what());
        }
        return QStringLiteral("no exception");
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // ---- real fixtures against an independent parse ----------------------------------------

    void fixtures_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("header");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("dim");
        QTest::addColumn<QString>("firstWord");
        QTest::addColumn<QString>("lastWord");

        QTest::newRow("glove") << "test_glove.txt" << false << 76 << 50 << "the"
                               << "into";
        QTest::newRow("word2vec C") << "word2vec_pre_kv_c" << true << 1750 << 10 << "the"
                                    << "indonesian";
        QTest::newRow("high precision")
            << "high_precision.kv.txt" << true << 2 << 2 << "kangaroo.n.01"
            << "horse.n.01";
        QTest::newRow("fastText vec") << "toy-model.vec" << true << 22 << 5 << "the"
                                      << "by";
        QTest::newRow("Cyrillic vec") << "crime-and-punishment.vec" << true << 291 << 5
                                      << QString::fromUtf8("и") << QString::fromUtf8("напротив;");
    }

    void fixtures()
    {
        QFETCH(QString, file);
        QFETCH(bool, header);
        QFETCH(int, count);
        QFETCH(int, dim);
        QFETCH(QString, firstWord);
        QFETCH(QString, lastWord);

        const QString path = kFixtures + file;
        auto set = readText(path.toStdString(), header ? Format::Word2VecText : Format::Glove);
        QCOMPARE(int(set->size()), count);
        QCOMPARE(int(set->dim()), dim);
        QCOMPARE(QString::fromStdString(set->words().front()), firstWord);
        QCOMPARE(QString::fromStdString(set->words().back()), lastWord);
        QCOMPARE(QString::fromStdString(set->sourceFormat()),
                 header ? QStringLiteral("word2vec") : QStringLiteral("glove"));
        QVERIFY(set->warnings().empty());

        // Independent oracle: every row and value.
        QStringList lines = QString::fromUtf8(readAll(path)).split('\n', Qt::SkipEmptyParts);
        if (header)
            lines.removeFirst();
        QCOMPARE(lines.size(), count);
        static const QRegularExpression blanks(QStringLiteral("\\s+"));
        for (int r = 0; r < count; ++r) {
            QStringList fields = lines[r].split(blanks, Qt::SkipEmptyParts);
            QCOMPARE(fields.size(), dim + 1);
            QCOMPARE(QString::fromStdString(set->word(WordId(r))), fields[0]);
            for (int d = 0; d < dim; ++d) {
                bool ok = false;
                float expected = float(fields[d + 1].toDouble(&ok));
                QVERIFY(ok);
                if (bits(set->row(WordId(r))[d]) != bits(expected))
                    QFAIL(qPrintable(QString("row %1 value %2: got %3, expected %4 (%5)")
                                         .arg(r)
                                         .arg(d)
                                         .arg(double(set->row(WordId(r))[d]), 0, 'g', 9)
                                         .arg(double(expected), 0, 'g', 9)
                                         .arg(fields[d + 1])));
            }
        }
        // The same through 1 thread.
        QVERIFY(sameBits(
            *set, *readText(path.toStdString(), header ? Format::Word2VecText : Format::Glove, 1)));
    }

    void highPrecisionValues()
    {
        auto set =
            readText((kFixtures + "high_precision.kv.txt").toStdString(), Format::Word2VecText);
        QCOMPARE(bits(set->row(0)[0]), bits(-0.0007369244245224787f));
        QCOMPARE(bits(set->row(0)[1]), bits(-8.269973595356034e-05f));
        QCOMPARE(bits(set->row(1)[1]), bits(0.0007694142576316829f));
    }

    // ---- tolerated variations give the identical matrix --------------------------------------

    void variants_data()
    {
        QTest::addColumn<QString>("variant");
        for (const char *v : {"crlf", "trailing blanks", "tabs", "bom", "no final newline",
                              "blank lines", "leading blanks", "gzip", "gzip no final newline"})
            QTest::newRow(v) << QString::fromLatin1(v);
    }

    void variants()
    {
        QFETCH(QString, variant);
        const QString base = kFixtures + "crime-and-punishment.vec";
        const QByteArray original = readAll(base);
        auto expected = readText(base.toStdString(), Format::Word2VecText);

        QByteArray text = original;
        if (variant == "crlf") {
            text.replace("\n", "\r\n");
        } else if (variant == "trailing blanks") {
            text.replace("\n", " \t  \n");
        } else if (variant == "tabs") {
            text.replace(' ', '\t');
        } else if (variant == "bom") {
            text.prepend("\xEF\xBB\xBF");
        } else if (variant.contains("no final newline")) {
            text = text.trimmed();
        } else if (variant == "blank lines") {
            text.replace("\nв ", "\n\n  \t\nв ");
            text.append("\n\n \n");
        } else if (variant == "leading blanks") {
            text.replace("\n", "\n  ");
        }
        QVERIFY(text != original || variant.startsWith("gzip"));
        const std::string path = variant.startsWith("gzip") ? gzipFile("variant.vec.gz", text)
                                                            : writeFile("variant.vec", text);
        auto set = readText(path, Format::Word2VecText);
        QVERIFY(sameBits(*set, *expected));
        QVERIFY(set->warnings().empty());
    }

    void endOfSentenceToken()
    {
        auto path = writeFile("eos.txt", "3 2\n</s> 0.5 -0.25\nthe 1 2\nof 3 4\n");
        auto set = readText(path, Format::Word2VecText);
        QCOMPARE(set->size(), std::size_t(3));
        QCOMPARE(set->word(0), std::string("</s>"));
        QCOMPARE(bits(set->row(0)[1]), bits(-0.25f));
    }

    void emptyHeaderOnlyFile()
    {
        auto set = readText(writeFile("zero.txt", "0 300\n"), Format::Word2VecText);
        QCOMPARE(set->size(), std::size_t(0));
        QCOMPARE(set->dim(), std::size_t(300));
    }

    // ---- value spellings ---------------------------------------------------------------------

    void values_data()
    {
        QTest::addColumn<QByteArray>("field");
        QTest::addColumn<float>("expected");

        QTest::newRow("plain") << QByteArray("0.418") << 0.418f;
        QTest::newRow("exponent") << QByteArray("-8.27e-05") << -8.27e-05f;
        QTest::newRow("plus sign") << QByteArray("+1.5") << 1.5f;
        QTest::newRow("leading dot") << QByteArray(".5") << 0.5f;
        QTest::newRow("integer") << QByteArray("42") << 42.0f;
        QTest::newRow("negative zero") << QByteArray("-0") << -0.0f;
        QTest::newRow("denormal") << QByteArray("1e-40") << 1e-40f;
        QTest::newRow("smallest denormal")
            << QByteArray("1.4e-45") << std::numeric_limits<float>::denorm_min();
        QTest::newRow("underflow to zero") << QByteArray("1e-50") << 0.0f;
        QTest::newRow("negative underflow") << QByteArray("-1e-50") << -0.0f;
        QTest::newRow("double underflow") << QByteArray("1e-400") << 0.0f;
        QTest::newRow("long underflow") << QByteArray("0." + QByteArray(400, '0') + "1") << 0.0f;
        QTest::newRow("FLT_MAX") << QByteArray("3.4028235e38") << FLT_MAX;
        QTest::newRow("rounds to FLT_MAX") << QByteArray("3.402823567e38") << FLT_MAX;
        QTest::newRow("negative FLT_MAX") << QByteArray("-3.402823567e38") << -FLT_MAX;
        QTest::newRow("8 integer digits") << QByteArray("12345678") << 12345678.0f;
        QTest::newRow("8 fraction digits") << QByteArray("-0.00066023") << -0.00066023f;
        QTest::newRow("16 fraction digits")
            << QByteArray("0.1234567890123456") << 0.1234567890123456f;
        QTest::newRow("trailing point") << QByteArray("7.") << 7.0f;
        QTest::newRow("many digits") << QByteArray("0.1000000000000000055511151231257827") << 0.1f;
    }

    void values()
    {
        QFETCH(QByteArray, field);
        QFETCH(float, expected);
        auto path = writeFile("value.txt", "1 2\nw 1 " + field + "\n");
        auto set = readText(path, Format::Word2VecText);
        QCOMPARE(bits(set->row(0)[1]), bits(expected));
        auto tsv = readTsv(writeFile("value.tsv", "1\t" + field + "\n"));
        QCOMPARE(bits(tsv->row(0)[1]), bits(expected));
    }

    void valuesAgainstFromChars()
    {
        // Random spellings (1-12 digits, any point position, optional exponent) read exactly as
        // std::from_chars reads them one by one.
        std::mt19937 rng(11);
        auto pick = [&](int lo, int hi) {
            return std::uniform_int_distribution<int>(lo, hi)(rng);
        };
        const int rows = 20000, dim = 10;
        std::vector<float> expected;
        std::string text;
        for (int r = 0; r < rows; ++r) {
            text += "w" + std::to_string(r);
            for (int d = 0; d < dim; ++d) {
                std::string field = pick(0, 1) ? "-" : "";
                const int digits = pick(1, 12), point = pick(-1, digits);
                for (int k = 0; k < digits; ++k) {
                    if (k == point)
                        field += '.';
                    field += char('0' + pick(0, 9));
                }
                if (pick(0, 3) == 0)
                    field += (pick(0, 1) ? "e" : "E") + std::string(pick(0, 1) ? "-" : "") +
                             std::to_string(pick(0, 40));
                float v = 0;
                auto res = std::from_chars(field.data(), field.data() + field.size(), v);
                if (res.ec != std::errc() || res.ptr != field.data() + field.size() ||
                    !std::isfinite(v)) {
                    field = "0.25";
                    v = 0.25f;
                }
                expected.push_back(v);
                text += " " + field;
            }
            text += "\n";
        }
        auto set =
            readText(writeFile("spellings.txt", QByteArray::fromStdString(text)), Format::Glove);
        QCOMPARE(set->size(), std::size_t(rows));
        for (std::size_t i = 0; i < expected.size(); ++i)
            if (bits(set->data()[i]) != bits(expected[i]))
                QFAIL(qPrintable(QString("value %1: got %2, expected %3")
                                     .arg(i)
                                     .arg(double(set->data()[i]), 0, 'g', 9)
                                     .arg(double(expected[i]), 0, 'g', 9)));
    }

    // ---- errors: file, line and rule ---------------------------------------------------------

    void errors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<bool>("header");
        QTest::addColumn<QString>("expected"); // after "<file>:"

        QTest::newRow("too few values") << QByteArray("2 3\na 1 2 3\nb 1 2\n") << true
                                        << "3: row has 2 values, header says 3 (too few values)";
        QTest::newRow("too many values") << QByteArray("2 3\na 1 2 3\nb 1 2 3 4 5\n") << true
                                         << "3: row has 5 values, header says 3 (too many values)";
        QTest::newRow("word only")
            << QByteArray("2 3\nabc 1 2 3\na\n") << true << "3: row has 0 values, header says 3";
        QTest::newRow("not a number")
            << QByteArray("1 2\na 1 abc\n") << true << "2: value 'abc' is not a number";
        QTest::newRow("number prefix")
            << QByteArray("1 2\na 1 0.5x\n") << true << "2: value '0.5x' is not a number";
        QTest::newRow("hex") << QByteArray("1 2\na 1 0x10\n") << true
                             << "2: value '0x10' is not a number";
        QTest::newRow("comma decimal")
            << QByteArray("1 2\na 1 0,5\n") << true << "2: value '0,5' is not a number";
        QTest::newRow("nan") << QByteArray("1 2\na nan 1\n") << true
                             << "2: value 'nan' is NaN/Inf (not allowed)";
        QTest::newRow("inf") << QByteArray("1 2\na 1 -inf\n") << true
                             << "2: value '-inf' is NaN/Inf (not allowed)";
        QTest::newRow("infinity") << QByteArray("1 2\na 1 Infinity\n") << true
                                  << "2: value 'Infinity' is NaN/Inf (not allowed)";
        QTest::newRow("overflow") << QByteArray("1 2\na 1 1e39\n") << true
                                  << "2: value '1e39' overflows float32 (not allowed)";
        QTest::newRow("just above FLT_MAX")
            << QByteArray("1 2\na 1 3.40282357e38\n") << true
            << "2: value '3.40282357e38' overflows float32 (not allowed)";
        QTest::newRow("double overflow")
            << QByteArray("1 2\na 1 -1e400\n") << true << "2: value '-1e400' overflows float32";
        QTest::newRow("fewer rows")
            << QByteArray("3 2\na 1 2\nb 1 2\n") << true << "1: header says 3 rows, file has 2";
        QTest::newRow("more rows")
            << QByteArray("1 2\na 1 2\nb 1 2\n") << true << "1: header says 1 rows, file has 2";
        QTest::newRow("bad count") << QByteArray("x 2\na 1 2\n") << true
                                   << "1: header count 'x' is not a non-negative integer";
        QTest::newRow("negative count") << QByteArray("-5 2\na 1 2\n") << true
                                        << "1: header count '-5' is not a non-negative integer";
        QTest::newRow("bad dim") << QByteArray("1 2.5\na 1 2\n") << true
                                 << "1: header dimension '2.5' is not an integer";
        QTest::newRow("zero dim") << QByteArray("1 0\na\n") << true
                                  << "1: header dimension 0 is out of range (1..65536)";
        QTest::newRow("huge dim") << QByteArray("1 65537\na 1\n") << true
                                  << "1: header dimension 65537 is out of range";
        QTest::newRow("no header") << QByteArray("a 1 2\nb 3 4\n") << true
                                   << "1: expected a header \"count dim\" (two integers)";
        QTest::newRow("header after blank lines")
            << QByteArray("\n\n2 2\na 1 2\nb 1 x\n") << true << "5: value 'x' is not a number";
        QTest::newRow("blank lines counted")
            << QByteArray("2 2\n\na 1 2\n \t\nb 1 x\n") << true << "5: value 'x' is not a number";
        QTest::newRow("crlf line numbers") << QByteArray("2 2\r\na 1 2\r\nb 1\r\n") << true
                                           << "3: row has 1 values, header says 2";
        QTest::newRow("word too long") << QByteArray("1 1\n" + QByteArray(5000, 'w') + " 1\n")
                                       << true << "2: word is 5000 bytes long (limit 4096)";
        QTest::newRow("glove too few")
            << QByteArray("a 1 2\nb 1\n") << false << "2: row has 1 values, the first row has 2";
        QTest::newRow("glove too many") << QByteArray("a 1 2\nb 1 2 3\n") << false
                                        << "2: row has 3 values, the first row has 2";
        QTest::newRow("glove given word2vec") << QByteArray("2 2\na 1 2\nb 3 4\n") << false
                                              << "1: first line '2 2' looks like a word2vec header";
        QTest::newRow("glove no values") << QByteArray("a\nb\n") << false << "1: row has no values";
        QTest::newRow("glove too many dims")
            << QByteArray("a" + QByteArray(" 1").repeated(65537) + "\n") << false
            << "1: too many values: row has 65537 (limit 65536)";
    }

    void errors()
    {
        QFETCH(QByteArray, content);
        QFETCH(bool, header);
        QFETCH(QString, expected);
        const std::string path = writeFile("bad vectors.txt", content);
        for (unsigned threads : {1u, 2u}) {
            QString msg = formatErrorOf(
                [&] { readText(path, header ? Format::Word2VecText : Format::Glove, threads); });
            QVERIFY2(msg.startsWith(QString::fromStdString(path) + ":" + expected),
                     qPrintable(msg));
        }
    }

    void emptyFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("bom only") << QByteArray("\xEF\xBB\xBF");
        QTest::newRow("blank lines") << QByteArray("\n  \n\t\r\n");
    }

    void emptyFiles()
    {
        QFETCH(QByteArray, content);
        const std::string path = writeFile("empty.txt", content);
        for (Format f : {Format::Word2VecText, Format::Glove}) {
            QString msg = formatErrorOf([&] { readText(path, f); });
            QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": empty file"),
                     qPrintable(msg));
        }
        QString msg = formatErrorOf([&] { readTsv(path); });
        QVERIFY2(msg.contains("empty file"), qPrintable(msg));
    }

    void hugeHeaderFailsFast()
    {
        QByteArray content = "2000000000 300\nthe 0.1 0.2 0.3\n";
        content.append(QByteArray(50 - content.size(), ' '));
        QCOMPARE(content.size(), 50);
        const std::string path = writeFile("huge.txt", content);
        auto start = std::chrono::steady_clock::now();
        QString msg = formatErrorOf([&] { readText(path, Format::Word2VecText); });
        auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        QVERIFY2(msg == QString::fromStdString(path) +
                            ":1: header claims 2000000000 rows of 300 values but the file has "
                            "only 50 bytes",
                 qPrintable(msg));
        QVERIFY2(ms < 100, qPrintable(QString::number(ms)));

        const std::string gz = gzipFile("huge.txt.gz", content);
        msg = formatErrorOf([&] { readText(gz, Format::Word2VecText); });
        QVERIFY2(msg.contains(":1: header claims 2000000000 rows of 300 values but the "
                              "compressed file has only"),
                 qPrintable(msg));
    }

    void lineTooLong()
    {
        QByteArray content = "a 1 2\nb ";
        content.append(QByteArray(33 << 20, '1'));
        const std::string path = writeFile("longline.txt", content);
        QString msg = formatErrorOf([&] { readText(path, Format::Glove); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ":2: line is longer than 32 MiB"),
                 qPrintable(msg));
        QFile::remove(QString::fromStdString(path));
    }

    void errorInLaterBlock()
    {
        BlockBytes small(4096);
        QByteArray content = generatedText(3000, 20, true, 7);
        QList<QByteArray> lines = content.split('\n');
        // Break the first value of the first row at or after file line 2500.
        int index = 2499;
        while (lines[index].trimmed().isEmpty())
            ++index;
        QByteArray &row = lines[index];
        const auto sep =
            std::find_if(row.begin(), row.end(), [](char c) { return c == ' ' || c == '\t'; });
        row.insert(int(sep - row.begin()) + 1, '?');
        const std::string path = writeFile("later.txt", lines.join('\n'));
        const QString expected =
            QString::fromStdString(path) + ":" + QString::number(index + 1) + ": value '?";
        for (unsigned threads : {1u, 2u, 4u}) {
            QString msg = formatErrorOf([&] { readText(path, Format::Word2VecText, threads); });
            QVERIFY2(msg.startsWith(expected), qPrintable(msg));
        }
    }

    // ---- warnings ----------------------------------------------------------------------------

    void invalidUtf8()
    {
        const std::string path =
            writeFile("utf8.txt", "4 1\nok 1\n\n\xff\xfe 2\ngood\xc3 3\n\xd0\xb8 4\n");
        auto set = readText(path, Format::Word2VecText);
        QCOMPARE(set->size(), std::size_t(4));
        QCOMPARE(set->word(1), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
        QCOMPARE(set->word(2), std::string("good\xEF\xBF\xBD"));
        QCOMPARE(set->word(3), std::string("\xd0\xb8"));
        QCOMPARE(set->warnings().size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(set->warnings()[0]),
                 QStringLiteral("2 words had invalid UTF-8 (first at line 4); invalid bytes "
                                "replaced by U+FFFD"));
    }

    void duplicates()
    {
        BlockBytes small(16); // duplicates across blocks
        const std::string path =
            writeFile("dups.txt", "5 2\na 1 2\nb 3 4\n\na 5 6\nc 7 8\nb 9 10\n");
        for (unsigned threads : {1u, 2u}) {
            auto set = readText(path, Format::Word2VecText, threads);
            QCOMPARE(set->words(), (std::vector<std::string>{"a", "b", "c"}));
            QCOMPARE(bits(set->row(0)[0]), bits(1.0f));
            QCOMPARE(bits(set->row(1)[1]), bits(4.0f));
            QCOMPARE(bits(set->row(2)[0]), bits(7.0f));
            QCOMPARE(set->warnings().size(), std::size_t(1));
            QCOMPARE(
                QString::fromStdString(set->warnings()[0]),
                QStringLiteral("2 duplicate words dropped (first kept), first: 'a' at line 5"));
        }
    }

    // ---- parallel == serial, blocks, progress, cancel ----------------------------------------

    void parallelEqualsSerial_data()
    {
        QTest::addColumn<int>("blockBytes");
        QTest::newRow("100 B (shorter than a line)") << 100;
        QTest::newRow("1 KiB") << 1024;
        QTest::newRow("64 KiB") << 65536;
        QTest::newRow("default") << 0;
    }

    void parallelEqualsSerial()
    {
        QFETCH(int, blockBytes);
        static const std::string path =
            writeFile("generated.txt", generatedText(4000, 50, true, 1));
        static const auto reference = readText(path, Format::Word2VecText, 1);
        QCOMPARE(reference->size(), std::size_t(4000));
        BlockBytes blocks{std::size_t(blockBytes)};
        for (unsigned threads : {1u, 2u, 3u, 8u})
            QVERIFY2(sameBits(*reference, *readText(path, Format::Word2VecText, threads)),
                     qPrintable(QString::number(threads)));
    }

    void bigFileDefaultBlocks()
    {
        // ~20 MB: five default-size blocks.
        QByteArray content = generatedText(25000, 100, false, 3);
        QVERIFY(content.size() > 17 * 1024 * 1024);
        const std::string path = writeFile("big.txt", content);
        auto serial = readText(path, Format::Glove, 1);
        auto parallel = readText(path, Format::Glove, 2);
        QCOMPARE(serial->size(), std::size_t(25000));
        QVERIFY(sameBits(*serial, *parallel));
        const std::string gz = gzipFile("big.txt.gz", content);
        QVERIFY(sameBits(*serial, *readText(gz, Format::Glove, 2)));
        QFile::remove(QString::fromStdString(path));
        QFile::remove(QString::fromStdString(gz));
    }

    void progressReports()
    {
        BlockBytes small(4096);
        const std::string path = writeFile("progress.txt", generatedText(500, 20, true, 2));
        RecordingProgress progress;
        readText(path, Format::Word2VecText, 2, progress);
        QVERIFY(progress.fractions.size() > 10);
        QVERIFY(std::is_sorted(progress.fractions.begin(), progress.fractions.end()));
        QCOMPARE(progress.fractions.back(), 1.0);
    }

    void cancel()
    {
        BlockBytes small(4096);
        const std::string path = writeFile("cancel.txt", generatedText(500, 20, true, 2));
        for (unsigned threads : {1u, 2u}) {
            CancelAfterFirstReport progress;
            QVERIFY_THROWS_EXCEPTION(Cancelled,
                                     readText(path, Format::Word2VecText, threads, progress));
            QCOMPARE(progress.reports, 1);
        }
        // Cancelled while writing too.
        auto set = readText(path, Format::Word2VecText);
        CancelAfterFirstReport progress;
        progress.reports = 1;
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 detail::writeTextVectors(*set, tempPath("c.txt"), true, progress));
        QVERIFY(!QFile::exists(m_dir.filePath("c.txt")));
    }

    // ---- writing -----------------------------------------------------------------------------

    void roundTrip_data()
    {
        QTest::addColumn<bool>("header");
        QTest::newRow("word2vec") << true;
        QTest::newRow("glove") << false;
    }

    void roundTrip()
    {
        QFETCH(bool, header);
        std::mt19937 rng(42);
        std::uniform_int_distribution<std::uint32_t> anyBits;
        const std::size_t n = 300, dim = 17;
        std::vector<std::string> words;
        std::vector<float> data;
        const float special[] = {0.0f,
                                 -0.0f,
                                 1e-38f,
                                 -1e-38f,
                                 3.4e38f,
                                 FLT_MAX,
                                 -FLT_MAX,
                                 FLT_MIN,
                                 std::numeric_limits<float>::denorm_min(),
                                 -std::numeric_limits<float>::denorm_min(),
                                 1.17549421e-38f, // largest denormal
                                 0.1f,
                                 1.0f / 3.0f,
                                 16777217.0f};
        for (std::size_t i = 0; i < n; ++i) {
            words.push_back(i == 0   ? "</s>"
                            : i == 1 ? "\xd0\xbf\xd1\x80\xd0\xb8"
                                     : "w" + std::to_string(i));
            for (std::size_t d = 0; d < dim; ++d) {
                float v;
                if ((i * dim + d) < std::size(special)) {
                    v = special[i * dim + d];
                } else {
                    do
                        v = std::bit_cast<float>(anyBits(rng));
                    while (!std::isfinite(v));
                }
                data.push_back(v);
            }
        }
        EmbeddingSet set(words, data, dim);
        const std::string path = tempPath(header ? "rt.txt" : "rt.glove");
        detail::writeTextVectors(set, path, header, nullProgress());
        auto back = readText(path, header ? Format::Word2VecText : Format::Glove);
        QVERIFY(sameBits(set, *back));
        QVERIFY(back->warnings().empty());
        if (header)
            QVERIFY(readAll(QString::fromStdString(path)).startsWith("300 17\n</s> 0 -0 1e-38 "));
        else
            QVERIFY(readAll(QString::fromStdString(path)).startsWith("</s> 0 -0 1e-38 "));
    }

    void writeRejectsUnwritableWords_data()
    {
        QTest::addColumn<QByteArray>("word");
        QTest::newRow("space") << QByteArray("New York");
        QTest::newRow("tab") << QByteArray("a\tb");
        QTest::newRow("newline") << QByteArray("a\nb");
        QTest::newRow("carriage return") << QByteArray("a\rb");
        QTest::newRow("empty") << QByteArray();
    }

    void writeRejectsUnwritableWords()
    {
        QFETCH(QByteArray, word);
        EmbeddingSet set({"ok", word.toStdString()}, std::vector<float>{1, 2}, 1);
        const std::string path = tempPath("unwritable.txt");
        try {
            detail::writeTextVectors(set, path, true, nullProgress());
            QFAIL("no exception");
        } catch (const std::invalid_argument &e) {
            QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.startsWith(QString::fromStdString(path)), qPrintable(msg));
            if (!word.isEmpty())
                QVERIFY2(msg.contains(word.left(1)), qPrintable(msg));
        }
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
    }

    // ---- TensorFlow Projector TSV ------------------------------------------------------------

    void tsvWithoutMetadata()
    {
        QDir(m_dir.path()).mkpath("nometa");
        const std::string path =
            writeFile("nometa/points.tsv", "0.1\t0.2\t0.3\n-1\t-2\t-3\r\n\n4\t5\t6");
        auto set = readTsv(path);
        QCOMPARE(set->size(), std::size_t(3));
        QCOMPARE(set->dim(), std::size_t(3));
        QCOMPARE(set->words(), (std::vector<std::string>{"0", "1", "2"}));
        QCOMPARE(bits(set->row(2)[2]), bits(6.0f));
        QCOMPARE(QString::fromStdString(set->sourceFormat()), QStringLiteral("tsv"));
        QVERIFY(hasWarning(*set, "no metadata file; words are row numbers"));
    }

    void tsvSiblings_data()
    {
        QTest::addColumn<QString>("vectors");
        QTest::addColumn<QString>("metadata");
        QTest::newRow("vectors.tsv") << "vectors.tsv"
                                     << "metadata.tsv";
        QTest::newRow("foo_vectors.tsv") << "foo_vectors.tsv"
                                         << "foo_metadata.tsv";
        QTest::newRow("gzip vectors") << "vectors.tsv.gz"
                                      << "metadata.tsv";
        QTest::newRow("stem.metadata.tsv") << "emb.tsv"
                                           << "emb.metadata.tsv";
        QTest::newRow("stem_metadata.tsv") << "emb.tsv"
                                           << "emb_metadata.tsv";
        // A stem ending in vectors, tensors or tensor (any separator, any case): the same stem
        // with "metadata".
        QTest::newRow("tensors.tsv") << "tensors.tsv"
                                     << "metadata.tsv";
        QTest::newRow("NAME_tensor.tsv (gensim)") << "glove_tensor.tsv"
                                                  << "glove_metadata.tsv";
        QTest::newRow("NAME.tensor.tsv") << "glove.tensor.tsv"
                                         << "glove.metadata.tsv";
        QTest::newRow("NAME-tensors.tsv") << "glove-tensors.tsv"
                                          << "glove-metadata.tsv";
        QTest::newRow("NAME.vectors.tsv") << "glove.vectors.tsv"
                                          << "glove.metadata.tsv";
        QTest::newRow("NAME-vectors.tsv.gz") << "glove-vectors.tsv.gz"
                                             << "glove-metadata.tsv";
        QTest::newRow("Vectors.tsv (case)") << "Vectors.tsv"
                                            << "metadata.tsv";
        QTest::newRow("NAME_tensor.tsv, NAME_tensor_metadata.tsv") << "w_tensor.tsv"
                                                                   << "w_tensor_metadata.tsv";
    }

    void tsvSiblings()
    {
        QFETCH(QString, vectors);
        QFETCH(QString, metadata);
        QTemporaryDir dir;
        const QByteArray rows = "1\t2\n3\t4\n";
        std::string path = dir.filePath(vectors).toStdString();
        if (vectors.endsWith(".gz")) {
            gzFile gz = gzopen(path.c_str(), "wb");
            gzwrite(gz, rows.constData(), unsigned(rows.size()));
            gzclose(gz);
        } else {
            QFile f(dir.filePath(vectors));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(rows);
        }
        QFile m(dir.filePath(metadata));
        QVERIFY(m.open(QIODevice::WriteOnly));
        m.write("cat\ndog\n");
        m.close();
        auto set = readTsv(path);
        QCOMPARE(set->words(), (std::vector<std::string>{"cat", "dog"}));
        QVERIFY(set->metadata().empty());
        QVERIFY(set->warnings().empty());
    }

    // gensim's documented route to the Projector, `python -m gensim.scripts.word2vec2tensor -i
    // toy-model.vec -o toy-model`, wrote tests/fixtures/tsv/toy-model_tensor.tsv and
    // toy-model_metadata.tsv (gensim 4.2, see tests/fixtures/tsv/README.md). Each row opens the
    // pair under one naming through load() (as the app does) and gets the words and, bit for bit,
    // the vectors of the word2vec file gensim read.
    void gensimWord2vec2tensor_data()
    {
        QTest::addColumn<QString>("vectors");
        QTest::addColumn<QString>("metadata");
        QTest::newRow("as written: NAME_tensor.tsv") << "toy-model_tensor.tsv"
                                                     << "toy-model_metadata.tsv";
        QTest::newRow("tensors.tsv") << "tensors.tsv"
                                     << "metadata.tsv";
        QTest::newRow("tensor.tsv") << "tensor.tsv"
                                    << "metadata.tsv";
        QTest::newRow("NAME.tensor.tsv") << "toy.tensor.tsv"
                                         << "toy.metadata.tsv";
        QTest::newRow("NAME-tensor.tsv") << "toy-tensor.tsv"
                                         << "toy-metadata.tsv";
        QTest::newRow("NAME_tensors.tsv") << "toy_tensors.tsv"
                                          << "toy_metadata.tsv";
        QTest::newRow("vectors.tsv") << "vectors.tsv"
                                     << "metadata.tsv";
        QTest::newRow("NAME_vectors.tsv") << "toy_vectors.tsv"
                                          << "toy_metadata.tsv";
    }

    void gensimWord2vec2tensor()
    {
        QFETCH(QString, vectors);
        QFETCH(QString, metadata);
        const QString source = QStringLiteral(EMBEX_FIXTURES "/tsv/");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(source + "toy-model_tensor.tsv", dir.filePath(vectors)));
        QVERIFY(QFile::copy(source + "toy-model_metadata.tsv", dir.filePath(metadata)));
        const auto set = load(dir.filePath(vectors).toStdString());
        const auto original = load((kFixtures + "toy-model.vec").toStdString());
        QCOMPARE(QString::fromStdString(set->sourceFormat()), QStringLiteral("tsv"));
        QCOMPARE(set->size(), std::size_t(22));
        QCOMPARE(set->word(0), std::string("the"));
        QVERIFY(sameBits(*set, *original));
        QVERIFY2(set->warnings().empty(),
                 set->warnings().empty() ? "" : set->warnings().front().c_str());
    }

    void tsvOneColumnMetadata()
    {
        QDir(m_dir.path()).mkpath("one");
        const std::string path = writeFile("one/vectors.tsv", "1\t2\n3\t4\n5\t6\n");
        // One column: no header, even if the first label looks like one; blank lines skipped.
        writeFile("one/metadata.tsv", "\xEF\xBB\xBFword\r\n\nnew york\r\n  x \n\n");
        auto set = readTsv(path);
        QCOMPARE(set->words(), (std::vector<std::string>{"word", "new york", "  x "}));
        QVERIFY(set->metadata().empty());
    }

    void tsvMultiColumnMetadata_data()
    {
        QTest::addColumn<QByteArray>("metadata");
        QTest::addColumn<QStringList>("words");
        QTest::addColumn<QStringList>("columns");
        QTest::addColumn<QStringList>("firstValues");

        QTest::newRow("Name column")
            << QByteArray("pos\tName\tfreq\nn\tcat\t10\nv\trun\t5\r\n") << QStringList{"cat", "run"}
            << QStringList{"pos", "freq"} << QStringList{"n", "10"};
        QTest::newRow("first column")
            << QByteArray("id\tkind\nx1\ta\n\nx2\tb\n") << QStringList{"x1", "x2"}
            << QStringList{"kind"} << QStringList{"a"};
        QTest::newRow("missing fields")
            << QByteArray("label\tpos\tfreq\ncat\tn\ndog\n") << QStringList{"cat", "dog"}
            << QStringList{"pos", "freq"} << QStringList{"n", ""};
    }

    void tsvMultiColumnMetadata()
    {
        QFETCH(QByteArray, metadata);
        QFETCH(QStringList, words);
        QFETCH(QStringList, columns);
        QFETCH(QStringList, firstValues);
        const std::string path = writeFile("multi.tsv", "1\t2\n3\t4\n");
        const std::string meta = writeFile("labels.tsv", metadata);
        auto set = readTsv(path, meta);
        QCOMPARE(int(set->size()), words.size());
        for (int i = 0; i < words.size(); ++i)
            QCOMPARE(QString::fromStdString(set->word(WordId(i))), words[i]);
        QCOMPARE(int(set->metadata().size()), columns.size());
        for (int c = 0; c < columns.size(); ++c) {
            QCOMPARE(QString::fromStdString(set->metadata()[std::size_t(c)].name), columns[c]);
            QCOMPARE(QString::fromStdString(set->metadata()[std::size_t(c)].values[0]),
                     firstValues[c]);
        }
    }

    void tsvMetadataCountMismatch()
    {
        const std::string path = writeFile("mismatch.tsv", "1\t2\n3\t4\n5\t6\n");
        const std::string meta = writeFile("mismatch_meta.tsv", "a\nb\n");
        QString msg = formatErrorOf([&] { readTsv(path, meta); });
        QVERIFY2(msg ==
                     QString::fromStdString(meta) + ": has 2 labels but mismatch.tsv has 3 vectors",
                 qPrintable(msg));
        const std::string meta2 = writeFile("mismatch_meta2.tsv", "w\tpos\na\tn\n");
        msg = formatErrorOf([&] { readTsv(path, meta2); });
        QVERIFY2(msg.startsWith(QString::fromStdString(meta2) + ": has 1 rows after the header"),
                 qPrintable(msg));
    }

    void tsvRepeatedLabels()
    {
        const std::string path = writeFile("rep.tsv", "1\n2\n3\n4\n5\n");
        const std::string meta = writeFile("rep_meta.tsv", "a\nb\na\na#2\na\n");
        auto set = readTsv(path, meta);
        QCOMPARE(set->words(), (std::vector<std::string>{"a", "b", "a#3", "a#2", "a#4"}));
        QCOMPARE(bits(set->row(2)[0]), bits(3.0f)); // rows stay aligned
        QVERIFY(hasWarning(*set, "2 repeated labels renamed with #2, #3... suffixes (first: 'a' "
                                 "at line 3 of rep_meta.tsv)"));
    }

    void tsvErrors()
    {
        const std::string path = writeFile("bad.tsv", "1\t2\n3\n");
        QString msg = formatErrorOf([&] { readTsv(path); });
        QVERIFY2(msg == QString::fromStdString(path) +
                            ":2: row has 1 values, the first row has 2 (too few values)",
                 qPrintable(msg));
        const std::string path2 = writeFile("bad2.tsv", "1\t2\n3\tnan\n");
        msg = formatErrorOf([&] { readTsv(path2); });
        QVERIFY2(msg.contains(":2: value 'nan' is NaN/Inf"), qPrintable(msg));
    }

    void tsvRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("metadataName");
        QTest::addColumn<bool>("withColumns");
        QTest::newRow("vectors.tsv, labels only") << "vectors.tsv"
                                                  << "metadata.tsv" << false;
        QTest::newRow("vectors.tsv, columns") << "vectors.tsv"
                                              << "metadata.tsv" << true;
        QTest::newRow("x_vectors.tsv") << "x_vectors.tsv"
                                       << "x_metadata.tsv" << true;
        QTest::newRow("emb.tsv") << "emb.tsv"
                                 << "emb.metadata.tsv" << false;
    }

    void tsvRoundTrip()
    {
        QFETCH(QString, name);
        QFETCH(QString, metadataName);
        QFETCH(bool, withColumns);
        QTemporaryDir dir;
        std::mt19937 rng(5);
        std::normal_distribution<float> normal;
        const std::size_t n = 50, dim = 4;
        std::vector<std::string> words;
        std::vector<float> data;
        for (std::size_t i = 0; i < n; ++i) {
            words.push_back(i == 0 ? "tab\there" : "word " + std::to_string(i));
            for (std::size_t d = 0; d < dim; ++d)
                data.push_back(i == 1 && d == 0 ? std::numeric_limits<float>::denorm_min()
                                                : normal(rng));
        }
        EmbeddingSet set(words, data, dim);
        if (withColumns) {
            MetadataColumn pos{"pos", {}}, freq{"freq", {}};
            for (std::size_t i = 0; i < n; ++i) {
                pos.values.push_back(i % 2 ? "noun" : "");
                freq.values.push_back(std::to_string(i * 10));
            }
            set.setMetadata({pos, freq});
        }
        const std::string path = dir.filePath(name).toStdString();
        detail::writeTsv(set, path, nullProgress());
        QVERIFY(QFile::exists(dir.filePath(metadataName)));
        const QByteArray meta = readAll(dir.filePath(metadataName));
        QVERIFY(meta.startsWith(withColumns ? "word\tpos\tfreq\ntab here\t\t0\n" : "tab here\n"));

        auto back = readTsv(path);
        QVERIFY(back->warnings().empty());
        QCOMPARE(back->word(0), std::string("tab here"));
        for (std::size_t i = 1; i < n; ++i)
            QCOMPARE(back->word(WordId(i)), words[i]);
        QVERIFY(std::memcmp(back->data(), set.data(), n * dim * sizeof(float)) == 0);
        QCOMPARE(back->metadata().size(), set.metadata().size());
        for (std::size_t c = 0; c < set.metadata().size(); ++c) {
            QCOMPARE(back->metadata()[c].name, set.metadata()[c].name);
            QCOMPARE(back->metadata()[c].values, set.metadata()[c].values);
        }
    }

    // ---- dispatch through embex::load / embex::save -----------------------------------------

    void loadDispatch_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("sourceFormat");
        QTest::addColumn<int>("count");
        QTest::newRow("word2vec") << kFixtures + "word2vec_pre_kv_c"
                                  << "word2vec" << 1750;
        QTest::newRow("vec") << kFixtures + "crime-and-punishment.vec"
                             << "word2vec" << 291;
        QTest::newRow("glove") << kFixtures + "test_glove.txt"
                               << "glove" << 76;
    }

    void loadDispatch()
    {
        QFETCH(QString, file);
        QFETCH(QString, sourceFormat);
        QFETCH(int, count);
        auto set = load(file.toStdString());
        QCOMPARE(QString::fromStdString(set->sourceFormat()), sourceFormat);
        QCOMPARE(int(set->size()), count);
        // save() by extension, then load() detects the same content again.
        const std::string out = tempPath("dispatch.vec");
        save(*set, out);
        QVERIFY(sameBits(*set, *load(out)));
        const std::string tsv = tempPath("dispatch_vectors.tsv");
        save(*set, tsv);
        QVERIFY(QFile::exists(m_dir.filePath("dispatch_metadata.tsv")));
        auto back = load(tsv);
        QCOMPARE(QString::fromStdString(back->sourceFormat()), QStringLiteral("tsv"));
        QVERIFY(sameBits(*set, *back));
    }
};

QTEST_GUILESS_MAIN(TstTextFormats)
#include "tst_textformats.moc"
