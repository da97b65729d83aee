// Utilities and the EmbeddingSet container: atomic writes, gzip input, UTF-8, duplicates,
// shortest float text, parallel ranges and the thread team, whole-file reads, normalisation.
#include "io/ReaderSupport.h"
#include "util/AtomicFile.h"
#include "util/FloatText.h"
#include "util/InputStream.h"
#include "util/MappedFile.h"
#include "util/Parallel.h"
#include "util/RegularFile.h"
#include "util/ThreadTeam.h"
#include "util/Utf8.h"
#include "vectors/EmbeddingSet.h"

#include <QtTest>

#include <charconv>
#include <cmath>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <tuple>
#include <zlib.h>

using namespace embex;

namespace {
QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}
} // namespace

class TstUtil : public QObject
{
    Q_OBJECT
private slots:
    void atomicFileCommitReplaces();
    void atomicFileWithoutCommitKeepsOld();
    void atomicFileLargeWrites();
    void inputStreamPlainAndGzipAgree();
    void inputStreamRejectsDirectoryAndFifo();
    void readWholeFileChecks();
    void inputStreamTruncatedGzip();
    void mappedFile();
    void utf8_data();
    void utf8();
    void dropDuplicates();
    void shortestFloatRoundTrips();
    void parallelRangesCoversAndRethrows();
    void threadTeamMatchesParallelRanges();
    void threadTeamRunAndErrors();
    void embeddingSetBasics();
    void embeddingSetNormalized();
    void embeddingSetNormsWithoutCopy();
    void embeddingSetRejectsBadInput();

private:
    QTemporaryDir m_dir;
};

void TstUtil::atomicFileCommitReplaces()
{
    QString path = m_dir.filePath("a.txt");
    writeFile(path, "old contents");
    {
        AtomicFile f(path.toStdString());
        f.write("new ");
        f.write("contents");
        QCOMPARE(readAll(path), QByteArray("old contents")); // untouched until commit
        f.commit();
    }
    QCOMPARE(readAll(path), QByteArray("new contents"));
    QCOMPARE(QDir(m_dir.path()).entryList(QDir::Files).filter("a.txt.tmp").size(), 0);
}

void TstUtil::atomicFileWithoutCommitKeepsOld()
{
    QString path = m_dir.filePath("b.txt");
    writeFile(path, "precious");
    try {
        AtomicFile f(path.toStdString());
        f.write("partial data");
        throw std::runtime_error("writer failed midway");
    } catch (const std::runtime_error &) {
    }
    QCOMPARE(readAll(path), QByteArray("precious"));
    QCOMPARE(QDir(m_dir.path()).entryList(QDir::Files).filter("b.txt.tmp").size(), 0);
}

void TstUtil::atomicFileLargeWrites()
{
    QString path = m_dir.filePath("big.bin");
    std::string block(3 << 20, 'x'); // larger than the internal buffer
    AtomicFile f(path.toStdString());
    f.write("head");
    f.write(block);
    f.write("tail");
    QCOMPARE(f.written(), block.size() + 8);
    f.commit();
    QByteArray got = readAll(path);
    QCOMPARE(got.size(), qsizetype(block.size() + 8));
    QVERIFY(got.startsWith("headxxx"));
    QVERIFY(got.endsWith("xxtail"));
}

void TstUtil::inputStreamPlainAndGzipAgree()
{
    QByteArray data;
    std::mt19937 rng(1);
    for (int i = 0; i < 200000; ++i)
        data += char('a' + rng() % 26);
    QString plain = m_dir.filePath("s.txt"), gz = m_dir.filePath("s.txt.gz");
    writeFile(plain, data);
    gzFile g = gzopen(gz.toLocal8Bit().constData(), "wb");
    QVERIFY(g);
    QCOMPARE(gzwrite(g, data.constData(), unsigned(data.size())), int(data.size()));
    gzclose(g);

    for (const QString &p : {plain, gz}) {
        InputStream in(p.toStdString());
        QCOMPARE(in.compressed(), p.endsWith(".gz"));
        QByteArray got(data.size() + 10, '\0');
        std::size_t n = in.readFully(got.data(), std::size_t(got.size()));
        QCOMPARE(qsizetype(n), data.size());
        got.resize(qsizetype(n));
        QCOMPARE(got, data);
        QCOMPARE(in.read(got.data(), 1), std::size_t(0));
    }
}

void TstUtil::readWholeFileChecks()
{
    const QByteArray data("a small file\n\0with a NUL", 25);
    const QString path = m_dir.filePath("small.txt");
    writeFile(path, data);
    const std::string got = readWholeFile(path.toStdString(), 25);
    QCOMPARE(QByteArray(got.data(), qsizetype(got.size())), data);
    QCOMPARE(requireRegularFile(path.toStdString()), std::uint64_t(25));
    const auto message = [](const std::function<void()> &fn) {
        try {
            fn();
        } catch (const std::runtime_error &e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string p = path.toStdString();
    QCOMPARE(message([&] { readWholeFile(p, 24); }),
             p + ": file is 25 bytes, more than the limit of 24");
    const std::string dir = m_dir.path().toStdString();
    QCOMPARE(message([&] { readWholeFile(dir, 100); }), dir + ": is a directory, not a file");
    const std::string fifo = m_dir.filePath("whole.fifo").toStdString();
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    // Refused without waiting for a writer, by both entry points.
    QCOMPARE(message([&] { readWholeFile(fifo, 100); }),
             fifo + ": not a regular file (FIFO, socket or device)");
    QCOMPARE(message([&] { requireRegularFile(fifo); }),
             fifo + ": not a regular file (FIFO, socket or device)");
    QVERIFY(message([&] {
                readWholeFile(dir + "/missing", 100);
            }).starts_with(dir + "/missing: cannot open: "));
}

void TstUtil::inputStreamRejectsDirectoryAndFifo()
{
    try {
        InputStream in(m_dir.path().toStdString());
        QFAIL("directory accepted");
    } catch (const std::runtime_error &e) {
        QVERIFY2(QString(e.what()).contains("is a directory"), e.what());
    }
    QString fifo = m_dir.filePath("pipe");
    QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
    try {
        InputStream in(fifo.toStdString()); // must not block waiting for a writer
        QFAIL("FIFO accepted");
    } catch (const std::runtime_error &e) {
        QVERIFY2(QString(e.what()).contains("not a regular file"), e.what());
    }
    try {
        InputStream in(m_dir.filePath("missing").toStdString());
        QFAIL("missing file accepted");
    } catch (const std::runtime_error &e) {
        QVERIFY2(QString(e.what()).contains("missing: cannot open"), e.what());
    }
}

void TstUtil::inputStreamTruncatedGzip()
{
    QByteArray data(100000, 'q');
    QString gz = m_dir.filePath("t.gz");
    gzFile g = gzopen(gz.toLocal8Bit().constData(), "wb");
    gzwrite(g, data.constData(), unsigned(data.size()));
    gzclose(g);
    QByteArray bytes = readAll(gz);
    writeFile(gz, bytes.left(bytes.size() / 2));
    InputStream in(gz.toStdString());
    QByteArray buf(200000, '\0');
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, in.readFully(buf.data(), std::size_t(buf.size())));
}

void TstUtil::mappedFile()
{
    QString path = m_dir.filePath("m.bin");
    writeFile(path, "0123456789");
    MappedFile m(path.toStdString());
    QCOMPARE(m.size(), std::size_t(10));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(m.data()), 10), QByteArray("0123456789"));
    QString empty = m_dir.filePath("empty");
    writeFile(empty, "");
    MappedFile e(empty.toStdString());
    QCOMPARE(e.size(), std::size_t(0));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, MappedFile(m_dir.path().toStdString()));
}

void TstUtil::utf8_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("sanitized");
    QTest::newRow("ascii") << QByteArray("king") << true << QByteArray("king");
    QTest::newRow("cyrillic") << QByteArray("\xd0\xbf\xd1\x80\xd0\xb8") << true
                              << QByteArray("\xd0\xbf\xd1\x80\xd0\xb8");
    QTest::newRow("emoji") << QByteArray("\xf0\x9f\x98\x80") << true
                           << QByteArray("\xf0\x9f\x98\x80");
    QTest::newRow("latin1 byte") << QByteArray("caf\xe9") << false << QByteArray("caf\xef\xbf\xbd");
    QTest::newRow("truncated seq")
        << QByteArray("ab\xe2\x82") << false << QByteArray("ab\xef\xbf\xbd\xef\xbf\xbd");
    QTest::newRow("overlong") << QByteArray("\xc0\xaf") << false
                              << QByteArray("\xef\xbf\xbd\xef\xbf\xbd");
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false
                               << QByteArray("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

void TstUtil::utf8()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, valid);
    QFETCH(QByteArray, sanitized);
    std::string_view s(input.constData(), std::size_t(input.size()));
    QCOMPARE(isValidUtf8(s), valid);
    // The first invalid byte is where the repaired text first differs from the input.
    const std::size_t first = firstInvalidUtf8(s);
    QCOMPARE(first == s.size(), valid);
    if (!valid) {
        QVERIFY(isValidUtf8(s.substr(0, first)));
        QCOMPARE(sanitizeUtf8(s).substr(0, first + 3),
                 std::string(s.substr(0, first)) + "\xEF\xBF\xBD");
    }
    std::string out = sanitizeUtf8(s);
    QCOMPARE(QByteArray(out.data(), qsizetype(out.size())), sanitized);
    QVERIFY(isValidUtf8(out));
}

void TstUtil::dropDuplicates()
{
    std::vector<std::string> words{"a", "b", "a", "c", "b", "d"};
    std::vector<float> data{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
    std::vector<std::size_t> kept;
    QCOMPARE(detail::dropDuplicateWords(words, data, 2, &kept), std::size_t(2));
    QCOMPARE(words, (std::vector<std::string>{"a", "b", "c", "d"}));
    QCOMPARE(data, (std::vector<float>{0, 0, 1, 1, 3, 3, 5, 5}));
    QCOMPARE(kept, (std::vector<std::size_t>{0, 1, 3, 5}));
}

void TstUtil::shortestFloatRoundTrips()
{
    std::mt19937 rng(7);
    std::vector<float> values{
        0.0f, -0.0f, 1.0f, 0.1f, 1e-38f, 1e-45f, 3.4028235e38f, -1.17549435e-38f, 123456.789f};
    for (int i = 0; i < 100000; ++i) {
        auto bits = static_cast<std::uint32_t>(rng());
        float f;
        std::memcpy(&f, &bits, 4);
        if (std::isfinite(f))
            values.push_back(f);
    }
    for (float v : values) {
        std::string s;
        appendShortestFloat(s, v);
        float back = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), back);
        QVERIFY(r.ec == std::errc());
        QVERIFY2(std::memcmp(&back, &v, 4) == 0, s.c_str());
        // Shortest: one digit fewer would not read back (spot check via %.*g).
        QVERIFY(s.size() <= 16);
    }
}

void TstUtil::parallelRangesCoversAndRethrows()
{
    std::vector<int> hits(1001, 0);
    parallelRanges(hits.size(), 3, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t i = b; i < e; ++i)
            hits[i] += 1;
    });
    QVERIFY(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             parallelRanges(10, 2, [](std::size_t b, std::size_t, unsigned) {
                                 if (b > 0)
                                     throw std::runtime_error("boom");
                             }));
    int calls = 0;
    parallelRanges(0, 4, [&](std::size_t b, std::size_t e, unsigned) {
        calls++;
        QCOMPARE(b, e);
    });
    QCOMPARE(calls, 1);
}

void TstUtil::threadTeamMatchesParallelRanges()
{
    // The team splits [0, n) exactly like parallelRanges(), section after section, for team
    // sizes below, at and above n.
    for (unsigned size : {1u, 3u, 8u}) {
        ThreadTeam team(size);
        QCOMPARE(team.size(), size);
        for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(5), std::size_t(1001)}) {
            using Part = std::tuple<std::size_t, std::size_t, unsigned>;
            std::vector<Part> expected, got(size, Part{0, 0, ~0u});
            std::mutex m;
            parallelRanges(n, size, [&](std::size_t b, std::size_t e, unsigned t) {
                std::lock_guard lock(m);
                expected.emplace_back(b, e, t);
            });
            std::vector<int> hits(n, 0);
            for (int round = 0; round < 3; ++round)
                team.forRanges(n, [&](std::size_t b, std::size_t e, unsigned t) {
                    got[t] = {b, e, t};
                    for (std::size_t i = b; i < e; ++i)
                        hits[i] += 1;
                });
            std::erase_if(got, [](const Part &p) { return std::get<2>(p) == ~0u; });
            std::sort(expected.begin(), expected.end());
            QCOMPARE(got, expected);
            QVERIFY(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 3; }));
        }
    }
}

void TstUtil::threadTeamRunAndErrors()
{
    ThreadTeam team(4);
    std::vector<std::thread::id> ids(4);
    team.run([&](unsigned t) { ids[t] = std::this_thread::get_id(); });
    QCOMPARE(ids[0], std::this_thread::get_id()); // the caller is member 0
    QCOMPARE(std::set<std::thread::id>(ids.begin(), ids.end()).size(), std::size_t(4));
    // The first error in member order is rethrown after all members finished; the team
    // stays usable.
    std::atomic<int> finished{0};
    try {
        team.run([&](unsigned t) {
            ++finished;
            if (t >= 2)
                throw std::runtime_error("member " + std::to_string(t));
        });
        QFAIL("no exception");
    } catch (const std::runtime_error &e) {
        QCOMPARE(std::string(e.what()), std::string("member 2"));
    }
    QCOMPARE(finished.load(), 4);
    QVERIFY_THROWS_EXCEPTION(std::logic_error,
                             team.forRanges(10, [](std::size_t b, std::size_t, unsigned) {
                                 if (b > 0)
                                     throw std::logic_error("range");
                             }));
    std::atomic<std::size_t> sum{0};
    team.forRanges(100, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t i = b; i < e; ++i)
            sum += i;
    });
    QCOMPARE(sum.load(), std::size_t(4950));
}

void TstUtil::embeddingSetBasics()
{
    EmbeddingSet s({"x", "y", "z"}, {1, 2, 3, 4, 5, 6}, 2);
    QCOMPARE(s.size(), std::size_t(3));
    QCOMPARE(s.dim(), std::size_t(2));
    QCOMPARE(*s.find("y"), WordId(1));
    QVERIFY(!s.find("w"));
    QCOMPARE(s.row(2)[1], 6.0f);
    QCOMPARE(s.matrix()(1, 0), 3.0f);
    auto v = s.vectorFor("z");
    QVERIFY(v);
    QCOMPARE((*v)(0), 5.0f);
    QVERIFY(!s.vectorFor("nope"));
    s.setMetadata({{"frequency", {"10", "5", "1"}}});
    QCOMPARE(s.metadataColumn("frequency")->values[2], std::string("1"));
    QVERIFY(!s.metadataColumn("pos"));
}

void TstUtil::embeddingSetNormalized()
{
    std::mt19937 rng(3);
    std::normal_distribution<float> nd;
    const std::size_t n = 500, d = 37;
    std::vector<float> data(n * d);
    for (auto &x : data)
        x = nd(rng) * 1e3f;
    std::fill_n(data.begin() + 7 * d, d, 0.0f); // a zero row stays zero
    std::vector<std::string> words;
    for (std::size_t i = 0; i < n; ++i)
        words.push_back("w" + std::to_string(i));
    EmbeddingSet s(words, data, d);
    const auto &nm = s.normalized();
    for (std::size_t i = 0; i < n; ++i) {
        double norm = 0;
        for (std::size_t j = 0; j < d; ++j)
            norm += double(data[i * d + j]) * double(data[i * d + j]);
        norm = std::sqrt(norm);
        QVERIFY(std::abs(double(s.norms()[Eigen::Index(i)]) - norm) <= 1e-4 * (norm + 1));
        if (i == 7) {
            QCOMPARE(nm.row(7).squaredNorm(), 0.0f);
            continue;
        }
        QVERIFY(std::abs(double(nm.row(Eigen::Index(i)).norm()) - 1.0) < 1e-5);
        QVERIFY(std::abs(double(nm(Eigen::Index(i), 3)) - double(data[i * d + 3]) / norm) < 1e-6);
    }
}

// norms() and unitRows() make no copy of the matrix, yet give exactly what the copy-based
// computation (every row of normalized(), summed as before) gives: info's numbers and the
// search's unit rows are unchanged. Rows of mixed scale, a zero row and a tiny one.
void TstUtil::embeddingSetNormsWithoutCopy()
{
    std::mt19937 rng(5);
    std::normal_distribution<float> nd;
    const std::size_t n = 300, d = 53;
    std::vector<float> data(n * d);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j)
            data[i * d + j] = nd(rng) * std::pow(10.0f, float(int(i % 9) - 4));
    std::fill_n(data.begin() + 11 * d, d, 0.0f);
    std::fill_n(data.begin() + 12 * d, d, 1e-30f);
    std::vector<std::string> words;
    for (std::size_t i = 0; i < n; ++i)
        words.push_back("w" + std::to_string(i));
    const EmbeddingSet fresh(words, data, d), copied(words, data, d);
    // The old computation: norms and unit rows from one pass building the copy.
    const ConstRowMap m = fresh.matrix();
    const Eigen::VectorXf &norms = fresh.norms(); // before any normalized()
    const RowMatrix &unit = copied.normalized();
    std::vector<float> rows(n * d, -1.0f);
    fresh.unitRows(0, n, rows.data());
    std::vector<float> one(d);
    for (std::size_t i = 0; i < n; ++i) {
        const auto r = Eigen::Index(i);
        const double s = m.row(r).cast<double>().squaredNorm();
        QCOMPARE(norms[r], float(std::sqrt(s)));
        QCOMPARE(copied.norms()[r], norms[r]);
        const Eigen::RowVectorXf expected =
            float(std::sqrt(s)) > 0.0f
                ? Eigen::RowVectorXf((m.row(r).cast<double>() / std::sqrt(s)).cast<float>())
                : Eigen::RowVectorXf::Zero(Eigen::Index(d));
        QVERIFY(unit.row(r) == expected);
        QVERIFY(Eigen::Map<const Eigen::RowVectorXf>(rows.data() + i * d, Eigen::Index(d)) ==
                expected);
        fresh.unitRows(i, 1, one.data()); // a single row, as the search re-scores it
        QVERIFY(Eigen::Map<const Eigen::RowVectorXf>(one.data(), Eigen::Index(d)) == expected);
    }
    QCOMPARE(norms[11], 0.0f);
    QVERIFY(norms[12] > 0.0f);
}

void TstUtil::embeddingSetRejectsBadInput()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, EmbeddingSet({"a", "b"}, {1, 2, 3}, 2));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, EmbeddingSet({"a", "a"}, {1, 2, 3, 4}, 2));
    try {
        EmbeddingSet({"a"}, {1, 2}, 2).setMetadata({{"f", {"1", "2"}}});
        QFAIL("bad metadata accepted");
    } catch (const std::invalid_argument &e) {
        QVERIFY(QString(e.what()).contains("'f' has 2 values for 1 words"));
    }
}

QTEST_GUILESS_MAIN(TstUtil)
#include "tst_util.moc"
