// Embex float16 storage and the default set the GUI opens. The half conversion is checked
// against an oracle built here without Embex code: every one of the 65,536 halves decoded with
// std::ldexp, and float → half as "the nearest decoded half, ties to the even bit pattern".
#include "io/Formats.h"
#include "util/FormatError.h"
#include "util/Half.h"

#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <zlib.h>

using namespace embex;

namespace {

/// Independent half decoder: (-1)^s · 2^(e-15) · (1 + m/1024), or m · 2^-24 when e = 0.
double referenceDecode(std::uint16_t h)
{
    const int e = (h >> 10) & 0x1f;
    const int m = h & 0x3ff;
    const double mag = e == 0 ? std::ldexp(double(m), -24) : std::ldexp(1.0 + m / 1024.0, e - 15);
    return (h & 0x8000) ? -mag : mag;
}

/// Independent float → half: the nearest of all finite halves, ties to the even pattern. Only
/// for |x| <= 65504. Distances are exact in double: both neighbours are within one half-ulp
/// span of x, far fewer than 53 bits.
std::uint16_t referenceEncode(float x)
{
    static const std::vector<double> positive = [] {
        std::vector<double> v;
        for (std::uint32_t h = 0; h <= 0x7bff; ++h)
            v.push_back(referenceDecode(std::uint16_t(h))); // increasing with the bit pattern
        return v;
    }();
    const double a = std::fabs(double(x));
    auto it = std::lower_bound(positive.begin(), positive.end(), a);
    std::size_t hi = std::size_t(it - positive.begin());
    std::size_t best = hi;
    if (hi > 0) {
        const std::size_t lo = hi - 1;
        const double dlo = a - positive[lo], dhi = positive[hi] - a;
        best = dlo < dhi ? lo : dhi < dlo ? hi : (lo % 2 == 0 ? lo : hi);
    }
    return std::uint16_t(best | (std::signbit(x) ? 0x8000u : 0u));
}

QByteArray readAll(const std::string &path)
{
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const std::string &path, const QByteArray &data)
{
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

bool gzipFile(const std::string &from, const std::string &to)
{
    const QByteArray data = readAll(from);
    gzFile gz = gzopen(to.c_str(), "wb");
    if (!gz)
        return false;
    const bool ok = gzwrite(gz, data.constData(), unsigned(data.size())) == int(data.size());
    return gzclose(gz) == Z_OK && ok;
}

template <typename T> T getLE(const QByteArray &b, qsizetype at)
{
    T v{};
    if (at >= 0 && at + qsizetype(sizeof v) <= b.size())
        std::memcpy(&v, b.constData() + at, sizeof v);
    return v;
}
template <typename T> void putLE(QByteArray &b, qsizetype at, T v)
{
    if (at >= 0 && at + qsizetype(sizeof v) <= b.size())
        std::memcpy(b.data() + at, &v, sizeof v);
}

/// Runs fn expecting an exception of type E whose message contains every part; "" if so.
template <typename E> QString expectError(const std::function<void()> &fn, const QStringList &parts)
{
    try {
        fn();
    } catch (const E &e) {
        const QString msg = QString::fromUtf8(e.what());
        for (const auto &p : parts)
            if (!msg.contains(p))
                return QStringLiteral("message lacks \"%1\": %2").arg(p, msg);
        return {};
    } catch (const std::exception &e) {
        return QStringLiteral("wrong exception type: ") + QString::fromUtf8(e.what());
    }
    return QStringLiteral("no error");
}

SaveOptions float16Options()
{
    SaveOptions o;
    o.format = Format::Embex;
    o.float16 = true;
    return o;
}

/// Floats that exercise the conversion: edge cases, exact ties between neighbouring halves
/// and random floats over the whole half range (subnormals included).
std::vector<float> testValues()
{
    // Edge cases: the largest half, around 2^-14 (smallest normal) and 2^-24 (smallest
    // subnormal), float subnormals, signed zero.
    std::vector<float> v{0.0f,          -0.0f,    1.0f,
                         -1.0f,         65504.0f, -65504.0f,
                         65503.0f,      6.1e-5f,  6.1035156e-5f,
                         6.09e-5f,      5.96e-8f, -5.96e-8f,
                         5.9604645e-8f, 2.98e-8f, 2.99e-8f,
                         1e-30f,        -1e-45f,  0.1f,
                         -0.333333f,    2048.5f,  std::ldexp(1.0f, -149)};
    // Exact ties: 2^-25, 3 · 2^-25, 1 + 2^-11, 1 + 3 · 2^-11, 4097, 32784.
    for (float tie :
         {std::ldexp(1.0f, -25), 3 * std::ldexp(1.0f, -25), 1.0f + std::ldexp(1.0f, -11),
          1.0f + 3 * std::ldexp(1.0f, -11), 4097.0f, 32784.0f})
        v.insert(v.end(), {tie, -tie});
    std::mt19937 rng(16);
    std::uniform_int_distribution<int> exponent(-27, 15);
    std::uniform_int_distribution<std::uint32_t> mantissa(0, (1u << 23) - 1);
    std::uniform_int_distribution<int> coin(0, 1);
    while (v.size() < 4000) {
        const float x = std::ldexp(1.0f + float(mantissa(rng)) / float(1u << 23), exponent(rng));
        if (x <= kHalfMax)
            v.push_back(coin(rng) ? -x : x);
    }
    // Exact midpoints between neighbouring halves (12 significant bits fit a float).
    std::uniform_int_distribution<std::uint32_t> half(0, 0x7bfe);
    for (int i = 0; i < 1000; ++i) {
        const std::uint32_t h = half(rng);
        v.push_back(
            float((referenceDecode(std::uint16_t(h)) + referenceDecode(std::uint16_t(h + 1))) / 2));
    }
    return v;
}

QString defaultSetPath()
{
    return QStringLiteral(EMBEX_FIXTURES "/../../resources/default-glove-50k.embex.gz");
}

} // namespace

class TstEmbexFormat : public QObject
{
    Q_OBJECT
private slots:
    void halfDecodeIsExact();
    void halfEncodeMatchesReference();
    void float16RoundTrip();
    void float16Gzip();
    void float16WriterRejectsOutOfRange_data();
    void float16WriterRejectsOutOfRange();
    void float16OnlyForEmbex();
    void float16Corrupt_data();
    void float16Corrupt();
    void defaultSetLoads();

private:
    std::string tmp(const char *name) const
    {
        return (m_dir.path() + QLatin1Char('/') + QLatin1String(name)).toStdString();
    }
    QTemporaryDir m_dir;
};

void TstEmbexFormat::halfDecodeIsExact()
{
    int nonFinite = 0;
    for (std::uint32_t h = 0; h <= 0xffff; ++h) {
        const auto bits = std::uint16_t(h);
        const float f = halfToFloat(bits);
        if (((h >> 10) & 0x1f) == 0x1f) {
            ++nonFinite;
            QVERIFY(halfIsNonFinite(bits));
            QCOMPARE(std::isnan(f), (h & 0x3ff) != 0);
            QCOMPARE(std::isinf(f), (h & 0x3ff) == 0);
            continue;
        }
        QVERIFY(!halfIsNonFinite(bits));
        if (double(f) != referenceDecode(bits) || std::signbit(f) != bool(h & 0x8000))
            QFAIL(qPrintable(QStringLiteral("half 0x%1 decodes to %2, expected %3")
                                 .arg(h, 4, 16, QLatin1Char('0'))
                                 .arg(double(f), 0, 'g', 17)
                                 .arg(referenceDecode(bits), 0, 'g', 17)));
        // Every finite half survives float and back.
        QCOMPARE(floatToHalf(f), bits);
    }
    QCOMPARE(nonFinite, 2 * 1024);
}

void TstEmbexFormat::halfEncodeMatchesReference()
{
    for (float x : testValues()) {
        const std::uint16_t got = floatToHalf(x), want = referenceEncode(x);
        if (got != want)
            QFAIL(qPrintable(QStringLiteral("%1 (float bits 0x%2) → half 0x%3, expected 0x%4")
                                 .arg(double(x), 0, 'g', 17)
                                 .arg(std::bit_cast<std::uint32_t>(x), 8, 16, QLatin1Char('0'))
                                 .arg(got, 4, 16, QLatin1Char('0'))
                                 .arg(want, 4, 16, QLatin1Char('0'))));
    }
    // Spot checks that pin the oracle itself.
    QCOMPARE(referenceEncode(65504.0f), std::uint16_t(0x7bff));
    QCOMPARE(referenceEncode(-0.0f), std::uint16_t(0x8000));
    QCOMPARE(referenceEncode(5.9604645e-8f), std::uint16_t(0x0001));
    QCOMPARE(referenceEncode(2.9802322e-8f), std::uint16_t(0x0000)); // tie → even
    QCOMPARE(referenceEncode(8.940697e-8f), std::uint16_t(0x0002));  // tie → even
    QCOMPARE(referenceEncode(6.1035156e-5f), std::uint16_t(0x0400));
    // Past the last half: Inf, NaN stays NaN.
    QCOMPARE(floatToHalf(65520.0f), std::uint16_t(0x7c00));
    QCOMPARE(floatToHalf(-1e9f), std::uint16_t(0xfc00));
    QCOMPARE(floatToHalf(65519.996f), std::uint16_t(0x7bff));
    QVERIFY(halfIsNonFinite(floatToHalf(std::numeric_limits<float>::quiet_NaN())));
    QVERIFY(std::isnan(halfToFloat(floatToHalf(std::numeric_limits<float>::quiet_NaN()))));
}

void TstEmbexFormat::float16RoundTrip()
{
    const std::vector<float> values = testValues();
    const std::size_t dim = 8, n = values.size() / dim;
    std::vector<std::string> words;
    for (std::size_t i = 0; i < n; ++i)
        words.push_back(i == 0 ? "ünïcode" : "w" + std::to_string(i));
    auto set = std::make_shared<EmbeddingSet>(
        words, std::vector<float>(values.begin(), values.begin() + std::ptrdiff_t(n * dim)), dim);
    set->setMetadata({{"rank", std::vector<std::string>(n, "7")}});
    set->setSourceFormat("glove");

    const std::string path = tmp("half.embex");
    save(*set, path, float16Options());
    const QByteArray raw = readAll(path);
    QCOMPARE(getLE<quint32>(raw, 12), quint32(1)); // dtype float16
    const auto matrixAt = getLE<quint64>(raw, 56);
    QCOMPARE(getLE<quint64>(raw, 64), quint64(n * dim * 2));
    QCOMPARE(matrixAt % 64, quint64(0));
    QCOMPARE(quint64(raw.size()), matrixAt + n * dim * 2);
    for (std::size_t i = 0; i < n * dim; ++i)
        QCOMPARE(getLE<quint16>(raw, qsizetype(matrixAt + 2 * i)), referenceEncode(values[i]));

    auto back = load(path);
    QCOMPARE(back->words(), set->words());
    QCOMPARE(back->dim(), dim);
    QCOMPARE(back->metadata().size(), std::size_t(1));
    QCOMPARE(back->metadata()[0].values, set->metadata()[0].values);
    QCOMPARE(back->sourceFormat(), std::string("embex"));
    QVERIFY(back->find("ünïcode").has_value());
    for (std::size_t i = 0; i < n * dim; ++i) {
        const float got = back->data()[i];
        const double want = referenceDecode(referenceEncode(values[i]));
        if (double(got) != want || std::signbit(got) != std::signbit(values[i]))
            QFAIL(qPrintable(QStringLiteral("value %1: %2 read back as %3, expected %4")
                                 .arg(i)
                                 .arg(double(values[i]), 0, 'g', 9)
                                 .arg(double(got), 0, 'g', 9)
                                 .arg(want, 0, 'g', 9)));
    }

    // Writing the decoded set again gives the same bytes: halves are stable under float16.
    save(*back, tmp("again.embex"), float16Options());
    save(*set, tmp("first.embex"), float16Options());
    QVERIFY(readAll(tmp("again.embex")).mid(qsizetype(matrixAt)) ==
            readAll(tmp("first.embex")).mid(qsizetype(matrixAt)));
    // Half the size of float32 (plus the same words and header).
    save(*set, tmp("full.embex"), SaveOptions{Format::Embex, false});
    QCOMPARE(readAll(tmp("full.embex")).size() - raw.size(), qsizetype(n * dim * 2));

    // An empty set.
    save(EmbeddingSet({}, std::vector<float>{}, 5), tmp("empty.embex"), float16Options());
    QCOMPARE(load(tmp("empty.embex"))->size(), std::size_t(0));
    QCOMPARE(load(tmp("empty.embex"))->dim(), std::size_t(5));
}

void TstEmbexFormat::float16Gzip()
{
    auto set = std::make_shared<EmbeddingSet>(std::vector<std::string>{"a", "b"},
                                              std::vector<float>{0.1f, -2.5f, 3e-6f, 7.0f}, 2);
    save(*set, tmp("g.embex"), float16Options());
    QVERIFY(gzipFile(tmp("g.embex"), tmp("g.embex.gz")));
    QCOMPARE(detectFormat(tmp("g.embex.gz")), Format::Embex);
    auto plain = load(tmp("g.embex")), gz = load(tmp("g.embex.gz"));
    QCOMPARE(gz->words(), plain->words());
    QVERIFY(std::memcmp(gz->data(), plain->data(), 4 * sizeof(float)) == 0);
    QCOMPARE(gz->data()[1], -2.5f);
    QCOMPARE(double(gz->data()[0]), referenceDecode(referenceEncode(0.1f)));
}

void TstEmbexFormat::float16WriterRejectsOutOfRange_data()
{
    QTest::addColumn<float>("value");
    QTest::addColumn<bool>("ok");
    QTest::newRow("65504") << 65504.0f << true;
    QTest::newRow("-65504") << -65504.0f << true;
    QTest::newRow("65504.004 (next float)") << std::nextafter(65504.0f, 1e9f) << false;
    QTest::newRow("65520 (rounds to Inf)") << 65520.0f << false;
    QTest::newRow("-1e6") << -1e6f << false;
}

void TstEmbexFormat::float16WriterRejectsOutOfRange()
{
    QFETCH(float, value);
    QFETCH(bool, ok);
    auto set = std::make_shared<EmbeddingSet>(std::vector<std::string>{"small", "huge"},
                                              std::vector<float>{1, 2, 3, value}, 2);
    const std::string path = tmp("range.embex");
    QFile::remove(QString::fromStdString(path));
    if (ok) {
        save(*set, path, float16Options());
        QCOMPARE(load(path)->data()[3], value);
        return;
    }
    const QString err = expectError<std::invalid_argument>(
        [&] { save(*set, path, float16Options()); },
        {QString::fromStdString(path), "row index 1 (word 'huge')", "column 1",
         "beyond ±65504, the float16 range"});
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QVERIFY(!QFile::exists(QString::fromStdString(path))); // atomic: nothing left behind

    // Non-finite values keep their own message.
    auto nan = std::make_shared<EmbeddingSet>(std::vector<std::string>{"x"},
                                              std::vector<float>{std::nanf("")}, 1);
    QVERIFY(expectError<std::invalid_argument>([&] { save(*nan, path, float16Options()); },
                                               {"(word 'x') has NaN"})
                .isEmpty());
}

void TstEmbexFormat::float16OnlyForEmbex()
{
    auto set =
        std::make_shared<EmbeddingSet>(std::vector<std::string>{"a"}, std::vector<float>{1.0f}, 1);
    SaveOptions o;
    o.float16 = true;
    const QString err = expectError<std::invalid_argument>(
        [&] { save(*set, tmp("x.txt"), o); }, {"float16 storage", "Embex format only"});
    QVERIFY2(err.isEmpty(), qPrintable(err));
    save(*set, tmp("x.embex"), o); // Format::Auto from the extension: Embex
    QCOMPARE(getLE<quint32>(readAll(tmp("x.embex")), 12), quint32(1));
}

void TstEmbexFormat::float16Corrupt_data()
{
    QTest::addColumn<quint16>("half");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("gzip");
    QTest::newRow("NaN") << quint16(0x7e00) << "NaN" << false;
    QTest::newRow("NaN, gzip") << quint16(0x7e00) << "NaN" << true;
    QTest::newRow("signalling NaN") << quint16(0xfc01) << "NaN" << false;
    QTest::newRow("+Inf") << quint16(0x7c00) << "+Inf" << false;
    QTest::newRow("-Inf") << quint16(0xfc00) << "-Inf" << false;
}

void TstEmbexFormat::float16Corrupt()
{
    QFETCH(quint16, half);
    QFETCH(QString, name);
    QFETCH(bool, gzip);
    auto set = std::make_shared<EmbeddingSet>(std::vector<std::string>{"a", "bb", "ccc"},
                                              std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9}, 3);
    save(*set, tmp("ok.embex"), float16Options());
    QByteArray b = readAll(tmp("ok.embex"));
    const auto matrixAt = getLE<quint64>(b, 56);
    const quint64 at = matrixAt + 2 * (1 * 3 + 2); // row 1, column 2
    putLE<quint16>(b, qsizetype(at), half);
    std::string path = tmp("bad.embex");
    QVERIFY(writeFile(path, b));
    if (gzip) {
        QVERIFY(gzipFile(path, tmp("bad.embex.gz")));
        path = tmp("bad.embex.gz");
    }
    const QString err = expectError<FormatError>(
        [&] { load(path); },
        {QString::fromStdString(path) + ": byte " + QString::number(at) + ": ",
         "row 1 (word 'bb'), column 2: float16 value " + name, "finite values only"});
    QVERIFY2(err.isEmpty(), qPrintable(err));

    // The section size follows the dtype: a float32 file relabelled float16 is refused.
    save(*set, tmp("f32.embex"), SaveOptions{Format::Embex, false});
    QByteArray wrong = readAll(tmp("f32.embex"));
    putLE<quint32>(wrong, 12, 1);
    putLE<quint32>(wrong, 124,
                   quint32(crc32(0, reinterpret_cast<const Bytef *>(wrong.constData()), 124)));
    QVERIFY(writeFile(tmp("size.embex"), wrong));
    const QString sizeErr =
        expectError<FormatError>([&] { load(tmp("size.embex")); },
                                 {"byte 64", "matrix section has 36 bytes; 3 × 3 float16 need 18"});
    QVERIFY2(sizeErr.isEmpty(), qPrintable(sizeErr));
}

void TstEmbexFormat::defaultSetLoads()
{
    const std::string path = defaultSetPath().toStdString();
    QVERIFY2(QFileInfo::exists(defaultSetPath()), "resources/default-glove-50k.embex.gz missing; "
                                                  "run tools/make_default.py");
    QCOMPARE(detectFormat(path), Format::Embex);
    const auto t0 = std::chrono::steady_clock::now();
    auto set = load(path);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    qInfo("default set: %zu x %zu loaded in %.3f s", set->size(), set->dim(), seconds);
    QCOMPARE(set->size(), std::size_t(50000));
    QCOMPARE(set->dim(), std::size_t(100));
    QCOMPARE(set->words()[0], std::string("the"));
    QCOMPARE(set->words()[1], std::string(","));
    QCOMPARE(set->words()[2], std::string("."));
    QCOMPARE(set->words()[3], std::string("of"));
    QVERIFY(set->warnings().empty());

    // Nearest neighbours of "king" by cosine, brute force over the set.
    const auto king = set->find("king");
    QVERIFY(king.has_value());
    const float *k = set->row(*king);
    std::vector<std::pair<double, WordId>> top3; // best first
    double kn = 0;
    for (std::size_t d = 0; d < set->dim(); ++d)
        kn += double(k[d]) * double(k[d]);
    for (WordId i = 0; i < set->size(); ++i) {
        if (i == *king)
            continue;
        const float *r = set->row(i);
        double dot = 0, rn = 0;
        for (std::size_t d = 0; d < set->dim(); ++d) {
            dot += double(k[d]) * double(r[d]);
            rn += double(r[d]) * double(r[d]);
        }
        const double cosine = rn > 0 ? dot / std::sqrt(kn * rn) : -2.0;
        auto at =
            std::find_if(top3.begin(), top3.end(), [&](const auto &s) { return cosine > s.first; });
        top3.insert(at, {cosine, i});
        if (top3.size() > 3)
            top3.pop_back();
    }
    QStringList top;
    for (const auto &s : top3)
        top << QString::fromStdString(set->word(s.second));
    QVERIFY2(top.contains("prince") || top.contains("queen"), qPrintable(top.join(", ")));
}

QTEST_GUILESS_MAIN(TstEmbexFormat)
#include "tst_embexformat.moc"
