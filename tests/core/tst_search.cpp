// Neighbour search and analogies against oracles: a double-precision brute force on random
// sets, gensim's results on a GloVe fixture, and ExactIndex as the recall baseline of HNSW.
#include "search/Analogy.h"
#include "search/ExactIndex.h"
#include "search/HnswIndex.h"
#include "search/Knn.h"
#include "support/SearchTestSupport.h"

#include <QtTest>

#include <atomic>
#include <map>
#include <numbers>
#include <thread>

using namespace embex;
using namespace embex::test;

#if defined(__SANITIZE_THREAD__)
#define EMBEX_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define EMBEX_TSAN 1
#endif
#endif
#ifdef EMBEX_TSAN
// hnswlib 0.6, inserting from several threads (as its own Python bindings do), draws levels from
// one unguarded generator and takes its per-node locks in varying order. ThreadSanitizer builds
// of this test ignore those two reports, and only inside hnswlib. Its deadlock detector is off
// by default here: with hnswlib's ~90,000 mutexes it slows the 20,000-point build beyond the
// QtTest watchdog (core/search itself takes no locks).
extern "C" const char *__tsan_default_suppressions()
{
    return "race:hnswlib::HierarchicalNSW<float>::getRandomLevel\n"
           "deadlock:hnswlib::HierarchicalNSW<float>::addPoint\n";
}
extern "C" const char *__tsan_default_options()
{
    return "detect_deadlocks=0";
}
#endif

class TstSearch : public QObject
{
    Q_OBJECT
private slots:
    void exactMatchesOracle_data();
    void exactMatchesOracle();
    void exactSameForAnyThreadCount();
    void filterMatchesFloatScan_data();
    void filterMatchesFloatScan();
    void exactEdgeCases();
    void neighborsOfExcludesSelf();
    void analogyMatchesOracle_data();
    void analogyMatchesOracle();
    void analogyTiny2D();
    void analogyRejectsBadIds();
    void matchesGensim();
    void hnswRecall();
    void hnswSmallSetsAndExclude();
    void hnswProgressAndCancel();
    void concurrentSearches();
    void knnScanMatchesBruteForce_data();
    void knnScanMatchesBruteForce();
    void knnFloatReRank();
    void knnHnswGraph();
    void knnWorkerErrorsAndCancel();
};

void TstSearch::exactMatchesOracle_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("k");
    QTest::addColumn<bool>("duplicates");
    QTest::addColumn<bool>("zeroRow");
    QTest::newRow("N=1") << 1 << 3 << 10 << false << false;
    QTest::newRow("N<k") << 5 << 8 << 10 << false << false;
    QTest::newRow("dim 1, all ties") << 60 << 1 << 25 << false << false;
    QTest::newRow("dim 2") << 200 << 2 << 15 << false << false;
    QTest::newRow("dim 7") << 1000 << 7 << 10 << false << true;
    QTest::newRow("dim 50") << 3000 << 50 << 25 << false << false;
    QTest::newRow("dim 300, 2 blocks") << 5000 << 300 << 10 << false << false;
    QTest::newRow("3 blocks, k 100") << 9000 << 16 << 100 << false << false;
    // Odd sizes: the last row, which has a copy, ends an odd-sized block.
    QTest::newRow("duplicates") << 2001 << 20 << 30 << true << false;
    QTest::newRow("duplicates, 3 blocks") << 9001 << 9 << 40 << true << true;
    QTest::newRow("zero row, k > N") << 500 << 10 << 600 << false << true;
}

void TstSearch::exactMatchesOracle()
{
    QFETCH(int, n);
    QFETCH(int, dim);
    QFETCH(int, k);
    QFETCH(bool, duplicates);
    QFETCH(bool, zeroRow);
    const auto N = std::size_t(n), D = std::size_t(dim);
    Normal normal(std::uint32_t(n * 31 + dim));
    std::vector<float> data = randomData(N, D, std::uint32_t(n + dim));
    std::vector<std::vector<WordId>> groups; // rows that are exact copies of each other
    if (duplicates) {
        for (int g = 0; g < 8; ++g) {
            std::vector<WordId> group;
            const WordId src = normal.index(std::uint32_t(N - 1));
            group.push_back(src);
            for (int c = 0; c < 3; ++c) {
                const WordId dst =
                    g == 0 && c == 0 ? WordId(N - 1) : normal.index(std::uint32_t(N));
                if (std::find(group.begin(), group.end(), dst) != group.end())
                    continue;
                std::copy_n(data.begin() + std::ptrdiff_t(src * D), D,
                            data.begin() + std::ptrdiff_t(dst * D));
                group.push_back(dst);
            }
            std::sort(group.begin(), group.end());
            groups.push_back(group);
        }
    }
    if (zeroRow)
        std::fill_n(data.begin() + std::ptrdiff_t((N / 2) * D), D, 0.0f);
    const auto set = makeSet(data, D);
    const ExactIndex index(set, 2);

    std::vector<std::vector<float>> queries;
    for (int q = 0; q < 4; ++q) {
        std::vector<float> v(D);
        for (auto &x : v)
            x = float(normal());
        queries.push_back(v);
    }
    for (const auto &g : groups) // duplicates near the top of the list
        queries.emplace_back(set->row(g[0]), set->row(g[0]) + D);
    for (int q = 0; q < 3; ++q) {
        const WordId id = normal.index(std::uint32_t(N));
        queries.emplace_back(set->row(id), set->row(id) + D);
    }
    queries.emplace_back(D, 0.0f); // zero query: everything scores 0, order by id

    for (std::size_t qi = 0; qi < queries.size(); ++qi) {
        const auto &q = queries[qi];
        const std::vector<double> uq = unitDouble(q.data(), D);
        const auto scores = oracleScores(*set, [&](const auto &u) { return dotD(u, uq); });
        std::vector<WordId> exclude;
        if (qi % 2 == 1)
            for (int e = 0; e < 3; ++e)
                exclude.push_back(normal.index(std::uint32_t(N)));
        const auto got = index.search(q.data(), std::size_t(k), exclude);
        compareRanking(got, oracleTopK(scores, std::size_t(k), exclude), scores);
        if (QTest::currentTestFailed())
            return;
        for (const auto &g : groups) {
            std::vector<WordId> order;
            for (const auto &r : got)
                if (std::find(g.begin(), g.end(), r.id) != g.end())
                    order.push_back(r.id);
            QVERIFY2(std::is_sorted(order.begin(), order.end()), "duplicate rows out of id order");
        }
    }
}

void TstSearch::exactSameForAnyThreadCount()
{
    const std::size_t n = 20000, dim = 37;
    const auto set = makeSet(clusteredData(n, dim, 40, 7), dim);
    const ExactIndex one(set, 1), two(set, 2), three(set, 3), many(set, 16);
    Normal normal(3);
    for (int q = 0; q < 5; ++q) {
        std::vector<float> v(dim);
        for (auto &x : v)
            x = float(normal());
        const std::vector<WordId> exclude = {1, 4097, 12000};
        for (std::size_t k : {std::size_t(1), std::size_t(50), n}) {
            const auto ref = one.search(v.data(), k, exclude);
            QCOMPARE(ref.size(), std::min(k, n - exclude.size()));
            QVERIFY(identical(ref, two.search(v.data(), k, exclude)));
            QVERIFY(identical(ref, three.search(v.data(), k, exclude)));
            QVERIFY(identical(ref, many.search(v.data(), k, exclude)));
        }
    }
}

void TstSearch::filterMatchesFloatScan_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("copies"); // each distinct row appears this many times
    QTest::newRow("clustered 20000x37") << 20000 << 37 << 1;
    QTest::newRow("dim 1, all ties") << 10000 << 1 << 1;
    QTest::newRow("dim 3") << 8000 << 3 << 1;
    QTest::newRow("dim 300") << 6000 << 300 << 1;
    QTest::newRow("triplicated rows") << 9000 << 16 << 3;
}

void TstSearch::filterMatchesFloatScan()
{
    // The 8-bit pre-filter must not change a single id or bit of the float32 scan.
    QFETCH(int, n);
    QFETCH(int, dim);
    QFETCH(int, copies);
    const auto N = std::size_t(n), D = std::size_t(dim), C = std::size_t(copies);
    std::vector<float> data = clusteredData(N, D, 30, std::uint32_t(n + dim), 1.0);
    for (std::size_t i = 0; i < N; ++i) // row i copies row i - i % C
        std::copy_n(data.begin() + std::ptrdiff_t((i - i % C) * D), D,
                    data.begin() + std::ptrdiff_t(i * D));
    std::fill_n(data.begin() + std::ptrdiff_t(7 * D), D, 0.0f); // a zero row
    data[11 * D] = std::numeric_limits<float>::infinity();      // a row that scores NaN
    data[13 * D] = std::numeric_limits<float>::quiet_NaN();     // normalised to zero
    const auto set = makeSet(data, D);
    const ExactIndex filtered(set, 2), plain(set, 2, false);
    QVERIFY(!plain.usesFilter());
#ifdef __AVX2__
    QVERIFY(filtered.usesFilter());
#endif
    Normal normal(5);
    std::vector<WordId> most(N - 3); // all but three rows
    std::iota(most.begin(), most.end(), WordId(2));
    for (int q = 0; q < 12; ++q) {
        std::vector<float> v(D);
        if (q % 3 == 0) // a row of the set: its copies tie at the top
            std::copy_n(set->row(normal.index(std::uint32_t(N))), D, v.begin());
        else
            for (auto &x : v)
                x = float(normal());
        for (std::size_t k : {std::size_t(1), std::size_t(10), std::size_t(64)}) {
            const auto a = filtered.search(v.data(), k);
            QVERIFY(identical(a, plain.search(v.data(), k)));
            for (const auto &r : a)
                QVERIFY(r.id != 11);
            const std::vector<WordId> some = {a.empty() ? 0 : a[0].id, 3, 5000};
            QVERIFY(identical(filtered.search(v.data(), k, some), plain.search(v.data(), k, some)));
            const auto few = filtered.search(v.data(), k, most);
            QCOMPARE(few.size(), std::min<std::size_t>(k, 3)); // rows 0, 1 and N - 1 remain
            QVERIFY(identical(few, plain.search(v.data(), k, most)));
        }
    }
}

void TstSearch::exactEdgeCases()
{
    // Empty set, k = 0, everything excluded, out-of-range and repeated exclude ids.
    const ExactIndex empty(makeSet({}, 4), 2);
    const float q4[] = {1, 2, 3, 4};
    QVERIFY(empty.search(q4, 5).empty());

    const auto set = makeSet(randomData(10, 4, 1), 4);
    const ExactIndex index(set, 2);
    QVERIFY(index.search(q4, 0).empty());
    std::vector<WordId> all(10);
    std::iota(all.begin(), all.end(), WordId(0));
    QVERIFY(index.search(q4, 3, all).empty());
    const std::vector<WordId> odd = {7, 7, 99, 3, 3};
    const auto r = index.search(q4, 100, odd);
    QCOMPARE(r.size(), std::size_t(8));
    for (const auto &x : r)
        QVERIFY(x.id != 7 && x.id != 3);
    // Query norm does not matter.
    const float q4big[] = {1000, 2000, 3000, 4000};
    QVERIFY(identical(index.search(q4, 10), index.search(q4big, 10)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ExactIndex(nullptr));
}

void TstSearch::neighborsOfExcludesSelf()
{
    const auto set = makeSet(randomData(3000, 24, 5), 24);
    const ExactIndex index(set, 2);
    for (WordId id : {WordId(0), WordId(1234), WordId(2999)}) {
        const auto got = neighborsOf(index, id, 10);
        QCOMPARE(got.size(), std::size_t(10));
        const WordId self[] = {id};
        QVERIFY(identical(got, index.search(set->row(id), 10, self)));
        for (const auto &x : got)
            QVERIFY(x.id != id);
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, neighborsOf(index, 3000, 5));
}

void TstSearch::analogyMatchesOracle_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("method");
    QTest::newRow("add 500x20") << 500 << 20 << 10 << int(AnalogyMethod::Add);
    QTest::newRow("mul 500x20") << 500 << 20 << 10 << int(AnalogyMethod::Mul);
    QTest::newRow("add 9000x50") << 9000 << 50 << 20 << int(AnalogyMethod::Add);
    QTest::newRow("mul 9000x50") << 9000 << 50 << 20 << int(AnalogyMethod::Mul);
    QTest::newRow("add N<k") << 6 << 5 << 10 << int(AnalogyMethod::Add);
    QTest::newRow("mul N<k") << 6 << 5 << 10 << int(AnalogyMethod::Mul);
}

void TstSearch::analogyMatchesOracle()
{
    QFETCH(int, n);
    QFETCH(int, dim);
    QFETCH(int, k);
    QFETCH(int, method);
    const auto N = std::size_t(n), D = std::size_t(dim);
    const auto set = makeSet(clusteredData(N, D, 12, std::uint32_t(n)), D);
    const auto m = AnalogyMethod(method);
    Normal normal(11);
    for (int t = 0; t < 6; ++t) {
        const WordId a = normal.index(std::uint32_t(N)), b = normal.index(std::uint32_t(N)),
                     c = normal.index(std::uint32_t(N));
        const auto ua = unitDouble(set->row(a), D), ub = unitDouble(set->row(b), D),
                   uc = unitDouble(set->row(c), D);
        std::vector<double> scores;
        if (m == AnalogyMethod::Add) {
            std::vector<double> t3(D);
            for (std::size_t j = 0; j < D; ++j)
                t3[j] = (ub[j] + uc[j] - ua[j]) / 3.0;
            std::vector<float> tf(t3.begin(), t3.end());
            const auto ut = unitDouble(tf.data(), D);
            scores = oracleScores(*set, [&](const auto &u) { return dotD(u, ut); });
        } else {
            scores = oracleScores(*set, [&](const auto &u) {
                const double pa = (1 + dotD(u, ua)) / 2, pb = (1 + dotD(u, ub)) / 2,
                             pc = (1 + dotD(u, uc)) / 2;
                return pb * pc / (pa + 1e-6);
            });
        }
        const auto got = analogy(*set, a, b, c, std::size_t(k), m, 2);
        compareRanking(got, oracleTopK(scores, std::size_t(k), {a, b, c}), scores);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(identical(got, analogy(*set, a, b, c, std::size_t(k), m, 1)));
    }
}

void TstSearch::analogyTiny2D()
{
    // 2-D words by angle (degrees) and length: man 0°, woman 90°, king 30°, so
    // king - man + woman points at about 95°; queen sits at 100°.
    const std::vector<std::pair<std::string, std::pair<double, double>>> words = {
        {"man", {0, 1.0}},     {"woman", {90, 2.0}},    {"king", {30, 3.0}},
        {"queen", {100, 0.5}}, {"princess", {70, 1.5}}, {"prince", {20, 1.0}},
        {"apple", {200, 4.0}},
    };
    std::vector<std::string> names;
    std::vector<float> data;
    for (const auto &[w, v] : words) {
        names.push_back(w);
        const double rad = v.first * std::numbers::pi / 180.0;
        data.push_back(float(v.second * std::cos(rad)));
        data.push_back(float(v.second * std::sin(rad)));
    }
    const EmbeddingSet set(names, data, 2);
    const WordId man = *set.find("man"), king = *set.find("king"), woman = *set.find("woman");
    auto expectOrder = [&](const std::vector<Neighbor> &got) {
        QCOMPARE(got.size(), std::size_t(4));
        const char *order[] = {"queen", "princess", "prince", "apple"};
        for (std::size_t i = 0; i < 4; ++i)
            QCOMPARE(set.word(got[i].id), std::string(order[i]));
    };
    const auto add = analogy(set, man, king, woman, 10, AnalogyMethod::Add);
    expectOrder(add);
    // cos(queen, unit(k̂ - m̂ + ŵ)) by hand.
    const double tx = std::cos(30 * std::numbers::pi / 180) - 1,
                 ty = std::sin(30 * std::numbers::pi / 180) + 1;
    const double qx = std::cos(100 * std::numbers::pi / 180),
                 qy = std::sin(100 * std::numbers::pi / 180);
    QVERIFY(std::abs(double(add[0].similarity) - (qx * tx + qy * ty) / std::hypot(tx, ty)) < 1e-6);

    const auto mul = analogy(set, man, king, woman, 10, AnalogyMethod::Mul);
    expectOrder(mul);
    auto shifted = [](double degrees) {
        return (1 + std::cos(degrees * std::numbers::pi / 180)) / 2;
    };
    const double queenMul = shifted(100 - 30) * shifted(100 - 90) / (shifted(100) + 1e-6);
    QVERIFY(std::abs(double(mul[0].similarity) - queenMul) < 1e-5);
}

void TstSearch::analogyRejectsBadIds()
{
    const auto set = makeSet(randomData(5, 3, 2), 3);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analogy(*set, 0, 1, 5, 3));
    QVERIFY(analogy(*set, 0, 1, 2, 0).empty());
    QCOMPARE(analogy(*set, 0, 0, 0, 10, AnalogyMethod::Mul).size(), std::size_t(4));
}

void TstSearch::matchesGensim()
{
    // tests/fixtures/search/gensim_oracle.tsv, written by make_oracle.py with gensim 4.2.
    const auto set = parseGlove(QStringLiteral(EMBEX_FIXTURES "/vectors/test_glove.txt"));
    QVERIFY(set);
    QCOMPARE(set->size(), std::size_t(76));
    QFile f(QStringLiteral(EMBEX_FIXTURES "/search/gensim_oracle.tsv"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    struct Expected
    {
        std::string word;
        double score;
    };
    std::map<std::pair<QByteArray, QByteArray>, std::vector<Expected>> cases;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().chopped(1);
        if (line.startsWith('#') || line.isEmpty())
            continue;
        const QList<QByteArray> c = line.split('\t');
        QCOMPARE(c.size(), qsizetype(5));
        cases[{c[0], c[1]}].push_back({c[3].toStdString(), c[4].toDouble()});
    }
    QCOMPARE(cases.size(), std::size_t(10 + 2 * 7));

    const ExactIndex index(set, 2);
    for (const auto &[key, want] : cases) {
        const QList<QByteArray> q = key.second.split(' ');
        std::vector<WordId> ids;
        for (const auto &w : q)
            ids.push_back(*set->find(w.toStdString()));
        std::vector<Neighbor> got;
        if (key.first == "neighbors")
            got = neighborsOf(index, ids[0], want.size());
        else
            got = analogy(*set, ids[0], ids[1], ids[2], want.size(),
                          key.first == "add" ? AnalogyMethod::Add : AnalogyMethod::Mul);
        QCOMPARE(got.size(), want.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            const std::string &w = set->word(got[i].id);
            const auto it = std::find_if(want.begin(), want.end(),
                                         [&](const Expected &e) { return e.word == w; });
            const QString where = QString::fromUtf8(key.first + " " + key.second) +
                                  QString(" rank %1: %2").arg(i).arg(QString::fromStdString(w));
            // Same word at each rank, unless gensim's own scores tie to 1e-6 (float32 sums).
            QVERIFY2(w == want[i].word ||
                         (it != want.end() && std::abs(it->score - want[i].score) < 1e-6),
                     qPrintable(where + ", gensim has " + QString::fromStdString(want[i].word)));
            QVERIFY2(std::abs(double(got[i].similarity) - want[i].score) < 1e-5,
                     qPrintable(where + QString(" score %1 vs %2")
                                            .arg(double(got[i].similarity), 0, 'g', 9)
                                            .arg(want[i].score, 0, 'g', 9)));
        }
    }
}

void TstSearch::hnswRecall()
{
    const std::size_t n = 20000, dim = 50, queries = 200, k = 10;
    const auto set = makeSet(clusteredData(n + queries, dim, 100, 42, 1.3), dim);
    // The last `queries` rows are held-out queries drawn from the same mixture.
    const auto base = makeSet(std::vector<float>(set->data(), set->data() + n * dim), dim);
    QElapsedTimer timer;
    timer.start();
    const HnswIndex hnsw(base, HnswIndex::Options{});
    const qint64 buildMs = timer.elapsed();
    const ExactIndex exact(base);
    std::size_t hits = 0;
    for (std::size_t q = 0; q < queries; ++q) {
        const float *v = set->row(WordId(n + q));
        const auto truth = exact.search(v, k);
        const auto got = hnsw.search(v, k);
        QCOMPARE(got.size(), k);
        QVERIFY(std::is_sorted(got.begin(), got.end(), [](const Neighbor &a, const Neighbor &b) {
            return a.similarity > b.similarity || (a.similarity == b.similarity && a.id < b.id);
        }));
        for (const auto &g : got) {
            const auto it = std::find_if(truth.begin(), truth.end(),
                                         [&](const Neighbor &t) { return t.id == g.id; });
            if (it != truth.end()) {
                ++hits;
                QCOMPARE(it->similarity, g.similarity); // exact cosine, computed the same way
            }
        }
    }
    const double recall = double(hits) / double(queries * k);
    qInfo("HNSW recall@10 = %.4f (20000 x 50, 100 overlapping clusters, 200 held-out queries, "
          "M=16 efConstruction=200 efSearch=64, build %lld ms)",
          recall, buildMs);
    QVERIFY2(recall >= 0.95, qPrintable(QString("recall@10 = %1").arg(recall)));
}

void TstSearch::hnswSmallSetsAndExclude()
{
    HnswIndex::Options opt;
    opt.threads = 1;
    // N < k: every row comes back, ordered exactly as ExactIndex orders them.
    const auto tiny = makeSet(randomData(6, 5, 9), 5);
    const HnswIndex small(tiny, opt);
    const float q[] = {0.3f, -1, 2, 0.5f, 0};
    QVERIFY(identical(small.search(q, 10), ExactIndex(tiny, 1).search(q, 10)));
    QVERIFY(HnswIndex(makeSet({}, 5), opt).search(q, 3).empty());

    const auto set = makeSet(clusteredData(3000, 16, 20, 4), 16);
    const HnswIndex index(set, opt);
    const ExactIndex exact(set);
    const auto first = neighborsOf(index, 17, 10);
    QCOMPARE(first.size(), std::size_t(10));
    for (const auto &x : first)
        QVERIFY(x.id != 17);
    // Excluding the best five: they vanish and the rest moves up.
    std::vector<WordId> exclude = {17};
    for (std::size_t i = 0; i < 5; ++i)
        exclude.push_back(first[i].id);
    const auto rest = index.search(set->row(17), 10, exclude);
    QCOMPARE(rest.size(), std::size_t(10));
    for (const auto &x : rest)
        QVERIFY(std::find(exclude.begin(), exclude.end(), x.id) == exclude.end());
    const auto truth = exact.search(set->row(17), 10, exclude);
    QCOMPARE(rest[0].id, truth[0].id);
    // Same seed, one thread: the same graph, the same answers.
    const HnswIndex again(set, opt);
    QVERIFY(identical(again.search(set->row(17), 10, exclude), rest));
}

void TstSearch::hnswProgressAndCancel()
{
    class Recorder : public Progress
    {
    public:
        void report(double fraction, std::string_view) override { fractions.push_back(fraction); }
        std::vector<double> fractions;
    };
    const auto set = makeSet(randomData(5000, 8, 3), 8);
    Recorder rec;
    HnswIndex::Options opt;
    opt.threads = 2;
    const HnswIndex index(set, opt, rec);
    QVERIFY(rec.fractions.size() > 2);
    QCOMPARE(rec.fractions.back(), 1.0);
    QVERIFY(std::is_sorted(rec.fractions.begin(), rec.fractions.end()));

    SimpleProgress cancel;
    cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, HnswIndex(set, opt, cancel));
}

void TstSearch::concurrentSearches()
{
    // search() is const and thread-safe: queries from several threads at once give the same
    // answers as one at a time.
    const std::size_t n = 12000, dim = 20;
    const auto set = makeSet(clusteredData(n, dim, 30, 8), dim);
    HnswIndex::Options opt;
    opt.threads = 2;
    const ExactIndex exact(set, 2);
    const HnswIndex hnsw(set, opt);
    const std::vector<const NeighborIndex *> indexes = {&exact, &hnsw};
    std::vector<std::vector<Neighbor>> expected;
    for (const auto *index : indexes)
        for (WordId id = 0; id < 40; ++id)
            expected.push_back(neighborsOf(*index, id * 97, 10));
    std::atomic<int> mismatches{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 4; ++t)
        pool.emplace_back([&, t] {
            for (int rep = 0; rep < 3; ++rep)
                for (std::size_t i = 0; i < expected.size(); ++i) {
                    const std::size_t j = (i + std::size_t(t) * 7) % expected.size();
                    const auto got = neighborsOf(*indexes[j / 40], WordId(j % 40) * 97, 10);
                    if (!identical(got, expected[j]))
                        ++mismatches;
                }
        });
    for (auto &th : pool)
        th.join();
    QCOMPARE(mismatches.load(), 0);
}

namespace {

/// Small integer coordinates: every float32 product and distance is exact, so exact ties (many
/// here) are ties in float32 too and must come out in row order.
RowMatrix latticeRows(std::size_t n, std::size_t dim, std::uint32_t levels, std::uint32_t seed)
{
    Normal normal(seed);
    RowMatrix x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(dim));
    for (Eigen::Index i = 0; i < x.rows(); ++i)
        for (Eigen::Index t = 0; t < x.cols(); ++t)
            x(i, t) = float(normal.index(levels));
    return x;
}

ConstRowMap rowsOf(const RowMatrix &x)
{
    return ConstRowMap(x.data(), x.rows(), x.cols());
}

/// Every other row of i sorted by (distance, row), distances in double.
std::vector<std::pair<double, std::uint32_t>> bruteOrder(const RowMatrix &x, std::size_t i,
                                                         bool inner)
{
    std::vector<std::pair<double, std::uint32_t>> all;
    for (Eigen::Index j = 0; j < x.rows(); ++j) {
        if (std::size_t(j) == i)
            continue;
        double dot = 0.0, diff = 0.0;
        for (Eigen::Index t = 0; t < x.cols(); ++t) {
            dot += double(x(Eigen::Index(i), t)) * double(x(j, t));
            const double e = double(x(Eigen::Index(i), t)) - double(x(j, t));
            diff += e * e;
        }
        all.emplace_back(inner ? 1.0 - dot : diff, std::uint32_t(j));
    }
    std::sort(all.begin(), all.end());
    return all;
}

} // namespace

void TstSearch::knnScanMatchesBruteForce_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("m");
    QTest::addColumn<bool>("inner");
    // Sizes around the engine's blocks (256 query rows, 2048 rows per product).
    QTest::newRow("euclidean 2049 x 3, m 12") << 2049 << 3 << 12 << false;
    QTest::newRow("euclidean 700 x 2, m 40") << 700 << 2 << 40 << false;
    QTest::newRow("inner 4200 x 4, m 9") << 4200 << 4 << 9 << true;
    QTest::newRow("inner 300 x 1, m 30 (all ties)") << 300 << 1 << 30 << true;
    QTest::newRow("m = n - 1") << 257 << 3 << 256 << false;
    QTest::newRow("m > n - 1") << 9 << 3 << 50 << true;
    QTest::newRow("n = 2") << 2 << 3 << 5 << false;
}

void TstSearch::knnScanMatchesBruteForce()
{
    QFETCH(int, n);
    QFETCH(int, dim);
    QFETCH(int, m);
    QFETCH(bool, inner);
    const RowMatrix x = latticeRows(std::size_t(n), std::size_t(dim), 4, std::uint32_t(n + m));
    const std::size_t mm = std::min<std::size_t>(std::size_t(m), std::size_t(n) - 1);
    for (unsigned threads : {1u, 3u}) {
        // Sinks run on the workers: they record, the checks come after.
        std::vector<std::vector<KnnCandidate>> got(static_cast<std::size_t>(n));
        std::vector<int> calls(static_cast<std::size_t>(n), 0);
        std::atomic<bool> wellFormed{true};
        exactKnnScan(rowsOf(x), std::size_t(m),
                     inner ? KnnMetric::InnerProduct : KnnMetric::SquaredEuclidean, threads,
                     nullProgress(), [&](unsigned w, std::size_t i, std::vector<KnnCandidate> &c) {
                         if (w >= threads || !std::is_heap(c.begin(), c.end()))
                             wellFormed = false;
                         ++calls[i];
                         got[i] = c;
                     });
        QVERIFY(wellFormed);
        for (std::size_t i = 0; i < std::size_t(n); ++i) {
            QCOMPARE(calls[i], 1);
            const auto expected = bruteOrder(x, i, inner);
            auto &c = got[i];
            std::sort(c.begin(), c.end());
            QCOMPARE(c.size(), mm);
            for (std::size_t r = 0; r < mm; ++r) {
                QCOMPARE(c[r].second, expected[r].second);
                QCOMPARE(double(c[r].first), expected[r].first);
            }
        }
    }
    // One row: no neighbours, no calls.
    bool called = false;
    exactKnnScan(rowsOf(latticeRows(1, 3, 4, 1)), 5, KnnMetric::InnerProduct, 2, nullProgress(),
                 [&](unsigned, std::size_t, std::vector<KnnCandidate> &) { called = true; });
    QVERIFY(!called);
}

void TstSearch::knnFloatReRank()
{
    // exactKnn re-ranks the float candidates by the caller's distance: here the negated row
    // number, so the k winners of the scan come out in decreasing row order.
    const RowMatrix x = latticeRows(1000, 3, 5, 7);
    const NeighborLists nl = exactKnn(rowsOf(x), 6, KnnMetric::SquaredEuclidean, 2, nullProgress(),
                                      [](std::size_t, std::size_t j) { return -double(j); });
    QCOMPARE(nl.n, std::size_t(1000));
    QCOMPARE(nl.k, std::size_t(6));
    QCOMPARE(nl.distances.size(), nl.ids.size());
    for (std::size_t i = 0; i < nl.n; ++i) {
        auto expected = bruteOrder(x, i, false);
        expected.resize(6);
        std::sort(expected.begin(), expected.end(),
                  [](const auto &a, const auto &b) { return a.second > b.second; });
        for (std::size_t r = 0; r < 6; ++r) {
            QCOMPARE(nl.ids[i * 6 + r], expected[r].second);
            QCOMPARE(nl.distances[i * 6 + r], -double(expected[r].second));
        }
    }
    // k clamped to n − 1; n < 2 gives empty lists.
    QCOMPARE(exactKnn(rowsOf(x.topRows(4)), 10, KnnMetric::InnerProduct, 1, nullProgress(),
                      [](std::size_t, std::size_t) { return 0.0; })
                 .k,
             std::size_t(3));
    QCOMPARE(exactKnn(rowsOf(x.topRows(1)), 10, KnnMetric::InnerProduct, 1, nullProgress(),
                      [](std::size_t, std::size_t) { return 0.0; })
                 .ids.size(),
             std::size_t(0));
}

void TstSearch::knnHnswGraph()
{
    // Distinct rows: each row's nearest is itself at distance 0, and results are sorted.
    const RowMatrix x = RowMatrix::Map(randomData(3000, 12, 21).data(), 3000, 12);
    for (KnnMetric metric : {KnnMetric::InnerProduct, KnnMetric::SquaredEuclidean}) {
        RowMatrix rows = x;
        if (metric == KnnMetric::InnerProduct)
            rows.rowwise().normalize();
        HnswGraph::Params params;
        params.threads = 1;
        HnswGraph graph(rowsOf(rows), metric, params, nullProgress(), "graph");
        QCOMPARE(graph.size(), std::size_t(3000));
        graph.setEf(100);
        std::vector<std::vector<KnnCandidate>> results(3000);
        hnswKnnScan(
            graph, rowsOf(rows), 11, 2, nullProgress(),
            [&](unsigned, std::size_t i, std::vector<KnnCandidate> &found) { results[i] = found; });
        std::size_t self = 0, recall = 0;
        for (std::size_t i = 0; i < 3000; ++i) {
            const auto &found = results[i];
            QCOMPARE(found.size(), std::size_t(11));
            QVERIFY(std::is_sorted(found.begin(), found.end()));
            if (i % 50 != 0)
                continue;
            self += found[0].second == i;
            const auto expected = bruteOrder(rows, i, metric == KnnMetric::InnerProduct);
            std::set<std::uint32_t> truth;
            for (std::size_t r = 0; r < 10; ++r)
                truth.insert(expected[r].second);
            for (std::size_t r = 1; r < 11; ++r)
                recall += truth.count(found[r].second);
        }
        QCOMPARE(self, std::size_t(60));
        QVERIFY2(recall >= 570, qPrintable(QString::number(recall))); // of 600
        // The same seed and one thread: the same graph.
        HnswGraph again(rowsOf(rows), metric, params, nullProgress(), "graph");
        again.setEf(100);
        for (Eigen::Index i = 0; i < 3000; i += 97) {
            const auto a = graph.search(rows.row(i).data(), 5);
            const auto b = again.search(rows.row(i).data(), 5);
            QVERIFY(a == b);
        }
    }
    HnswGraph::Params bad;
    bad.m = 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, HnswGraph(rowsOf(x), KnnMetric::InnerProduct,
                                                              bad, nullProgress(), "graph"));
    const HnswGraph empty(rowsOf(x.topRows(0)), KnnMetric::InnerProduct, {}, nullProgress(), "g");
    QVERIFY(empty.search(x.row(0).data(), 3).empty());
}

void TstSearch::knnWorkerErrorsAndCancel()
{
    const RowMatrix x = latticeRows(3000, 4, 6, 3);
    // An exception in one worker's sink stops the scan and comes back to the caller.
    std::atomic<int> calls{0};
    QVERIFY_THROWS_EXCEPTION(
        std::runtime_error,
        exactKnnScan(rowsOf(x), 5, KnnMetric::SquaredEuclidean, 2, nullProgress(),
                     [&](unsigned, std::size_t i, std::vector<KnnCandidate> &) {
                         ++calls;
                         if (i == 300)
                             throw std::runtime_error("sink failed");
                     }));
    QVERIFY(calls.load() < 3000);
    SimpleProgress cancel;
    cancel.cancel();
    QVERIFY_THROWS_EXCEPTION(
        Cancelled, exactKnnScan(rowsOf(x), 5, KnnMetric::SquaredEuclidean, 2, cancel,
                                [](unsigned, std::size_t, std::vector<KnnCandidate> &) {}));
    HnswGraph::Params params;
    params.threads = 2;
    QVERIFY_THROWS_EXCEPTION(
        Cancelled, HnswGraph(rowsOf(x), KnnMetric::SquaredEuclidean, params, cancel, "graph"));
    const HnswGraph graph(rowsOf(x), KnnMetric::SquaredEuclidean, params, nullProgress(), "g");
    QVERIFY_THROWS_EXCEPTION(
        Cancelled, hnswKnnScan(graph, rowsOf(x), 3, 2, cancel,
                               [](unsigned, std::size_t, std::vector<KnnCandidate> &) {}));
}

QTEST_GUILESS_MAIN(TstSearch)
#include "tst_search.moc"
