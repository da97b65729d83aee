// Projection quality against oracles written here in double precision: brute-force neighbour
// lists sorted by (distance, index), kNN preservation counted by hand, and trustworthiness by
// scikit-learn's formula (plus its own numbers on a committed fixture, see
// fixtures/quality/make_fixture.py).
#include "project/Quality.h"
#include "support/TestRandom.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace embex;
using Eigen::Index;

namespace {

using embex::test::Normal;

RowMatrix gaussian(Index n, Index d, std::uint32_t seed, double offset = 0.0)
{
    Normal normal(seed);
    RowMatrix m(n, d);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < d; ++j)
            m(i, j) = float(normal() + offset);
    return m;
}

/// Small integer coordinates in [0, range): many exact ties and duplicate points.
RowMatrix lattice(Index n, Index d, std::uint32_t range, std::uint32_t seed)
{
    Normal normal(seed);
    RowMatrix m(n, d);
    for (Index i = 0; i < n; ++i)
        for (Index j = 0; j < d; ++j)
            m(i, j) = float(normal.index(range));
    return m;
}

/// Gaussian clusters of very different spread plus a few far outliers (a t-SNE-like layout).
RowMatrix clustered(Index n, Index d, std::uint32_t seed)
{
    Normal normal(seed);
    RowMatrix m(n, d);
    for (Index i = 0; i < n; ++i) {
        const auto cluster = normal.index(7);
        const double spread = 0.01 * std::pow(4.0, double(cluster));
        for (Index j = 0; j < d; ++j)
            m(i, j) = float(10.0 * double(cluster) * (j == 0 ? 1.0 : 0.5) + spread * normal());
    }
    for (Index i = 0; i < std::min<Index>(n, 5); ++i)
        m(i * 7 % n, 0) = float(1e6 * double(i + 1));
    return m;
}

ConstRowMap view(const RowMatrix &m)
{
    return ConstRowMap(m.data(), m.rows(), m.cols());
}

/// The distances of Quality.h, written out again.
double oracleDistance(const RowMatrix &x, Index i, Index j, bool cosine)
{
    const Index d = x.cols();
    double s = 0.0;
    if (cosine) {
        double ni = 0.0, nj = 0.0;
        for (Index t = 0; t < d; ++t)
            ni += double(x(i, t)) * double(x(i, t));
        for (Index t = 0; t < d; ++t)
            nj += double(x(j, t)) * double(x(j, t));
        for (Index t = 0; t < d; ++t)
            s += double(x(i, t)) * double(x(j, t));
        const double den = std::sqrt(ni) * std::sqrt(nj);
        return den > 0.0 ? 1.0 - s / den : 1.0;
    }
    for (Index t = 0; t < d; ++t) {
        const double diff = double(x(i, t)) - double(x(j, t));
        s += diff * diff;
    }
    return s;
}

/// All other points of i sorted by (distance, index).
std::vector<std::pair<double, std::uint32_t>> oracleOrder(const RowMatrix &x, Index i, bool cosine)
{
    std::vector<std::pair<double, std::uint32_t>> all;
    all.reserve(std::size_t(x.rows()));
    for (Index j = 0; j < x.rows(); ++j)
        if (j != i)
            all.emplace_back(oracleDistance(x, i, j, cosine), std::uint32_t(j));
    std::sort(all.begin(), all.end());
    return all;
}

/// Brute-force neighbour lists (k ≤ n − 1).
NeighborLists oracleNeighbors(const RowMatrix &x, std::size_t k, bool cosine)
{
    NeighborLists out;
    out.n = std::size_t(x.rows());
    out.k = k;
    out.ids.resize(out.n * k);
    std::vector<std::pair<double, std::uint32_t>> all;
    for (Index i = 0; i < x.rows(); ++i) {
        all.clear();
        for (Index j = 0; j < x.rows(); ++j)
            if (j != i)
                all.emplace_back(oracleDistance(x, i, j, cosine), std::uint32_t(j));
        std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(k), all.end());
        for (std::size_t r = 0; r < k; ++r)
            out.ids[std::size_t(i) * k + r] = all[r].second;
    }
    return out;
}

/// scikit-learn 1.2's trustworthiness, line by line (ranks from a full argsort per point).
double oracleTrustworthiness(const RowMatrix &x, const RowMatrix &y, std::size_t k, bool cosine)
{
    const std::size_t n = std::size_t(x.rows());
    const NeighborLists lay = oracleNeighbors(y, k, false);
    double t = 0.0;
    std::vector<std::size_t> rank(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto order = oracleOrder(x, Index(i), cosine);
        for (std::size_t r = 0; r < order.size(); ++r)
            rank[order[r].second] = r + 1;
        for (std::size_t s = 0; s < k; ++s) {
            const double penalty = double(rank[lay.ids[i * k + s]]) - double(k);
            if (penalty > 0)
                t += penalty;
        }
    }
    return 1.0 - t * (2.0 / (double(n * k) * (2.0 * double(n) - 3.0 * double(k) - 1.0)));
}

std::vector<float> oraclePreservation(const NeighborLists &a, const NeighborLists &b)
{
    std::vector<float> out(a.n);
    for (std::size_t i = 0; i < a.n; ++i) {
        std::size_t common = 0;
        for (std::size_t r = 0; r < a.k; ++r)
            for (std::size_t s = 0; s < b.k; ++s)
                common += a.ids[i * a.k + r] == b.ids[i * b.k + s];
        out[i] = float(double(common) / double(a.k));
    }
    return out;
}

/// First row that differs, or -1.
long long firstDifference(const NeighborLists &a, const NeighborLists &b)
{
    if (a.n != b.n || a.k != b.k)
        return 0;
    for (std::size_t i = 0; i < a.n; ++i)
        for (std::size_t r = 0; r < a.k; ++r)
            if (a.ids[i * a.k + r] != b.ids[i * b.k + r])
                return static_cast<long long>(i);
    return -1;
}

RowMatrix readTsv(const QString &path)
{
    std::ifstream in(path.toStdString());
    std::vector<std::vector<float>> rows;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::vector<float> row;
        float v;
        while (fields >> v)
            row.push_back(v);
        if (!row.empty())
            rows.push_back(std::move(row));
    }
    RowMatrix m(Index(rows.size()), rows.empty() ? 0 : Index(rows[0].size()));
    for (Index i = 0; i < m.rows(); ++i)
        for (Index j = 0; j < m.cols(); ++j)
            m(i, j) = rows[std::size_t(i)][std::size_t(j)];
    return m;
}

} // namespace

class TstQuality : public QObject
{
    Q_OBJECT
private slots:
    void layoutGridMatchesBruteForce_data();
    void layoutGridMatchesBruteForce();
    void layoutGrid20kRandom2d();
    void originalExactMatchesBruteForce_data();
    void originalExactMatchesBruteForce();
    void originalHnswRecall_data();
    void originalHnswRecall();
    void preservationMatchesOracle_data();
    void preservationMatchesOracle();
    void preservationIdenticalAndRandom();
    void trustworthinessMatchesFormula_data();
    void trustworthinessMatchesFormula();
    void trustworthinessMatchesScikitLearn();
    void errors();
    void cancel();
};

void TstQuality::layoutGridMatchesBruteForce_data()
{
    QTest::addColumn<RowMatrix>("layout");
    QTest::addColumn<int>("k");
    QTest::newRow("2-D gaussian") << gaussian(3000, 2, 1) << 10;
    QTest::newRow("3-D gaussian") << gaussian(3000, 3, 2) << 10;
    QTest::newRow("1-D gaussian") << gaussian(1000, 1, 3) << 7;
    QTest::newRow("2-D lattice, ties and duplicates") << lattice(3000, 2, 40, 4) << 10;
    QTest::newRow("3-D lattice, ties and duplicates") << lattice(3000, 3, 12, 5) << 15;
    QTest::newRow("2-D few distinct points") << lattice(500, 2, 3, 6) << 20;
    QTest::newRow("2-D clusters and outliers") << clustered(4000, 2, 7) << 10;
    QTest::newRow("3-D clusters and outliers") << clustered(4000, 3, 8) << 10;
    RowMatrix line = gaussian(800, 2, 9);
    line.col(1).setConstant(3.0f);
    QTest::newRow("2-D on a line") << line << 10;
    QTest::newRow("all identical") << RowMatrix(RowMatrix::Constant(300, 2, 1.5f)) << 10;
    QTest::newRow("k above n - 1") << gaussian(6, 2, 10) << 10;
    QTest::newRow("two points") << gaussian(2, 3, 11) << 3;
    RowMatrix far = gaussian(2000, 2, 12, 1e4);
    far.col(1) *= 1e-5f;
    QTest::newRow("offset, thin") << far << 10;
    QTest::newRow("4-D: generic exact path") << gaussian(1000, 4, 13) << 10;
}

void TstQuality::layoutGridMatchesBruteForce()
{
    QFETCH(RowMatrix, layout);
    QFETCH(int, k);
    const std::size_t kk = std::min<std::size_t>(std::size_t(k), std::size_t(layout.rows()) - 1);
    const NeighborLists expected = oracleNeighbors(layout, kk, false);
    const NeighborLists serial = layoutNeighbors(view(layout), std::size_t(k), 1);
    const NeighborLists parallel = layoutNeighbors(view(layout), std::size_t(k), 3);
    QCOMPARE(serial.k, kk);
    QCOMPARE(serial.n, std::size_t(layout.rows()));
    QCOMPARE(firstDifference(serial, expected), -1LL);
    QCOMPARE(firstDifference(parallel, expected), -1LL);
}

void TstQuality::layoutGrid20kRandom2d()
{
    const RowMatrix layout = gaussian(20000, 2, 21);
    const NeighborLists expected = oracleNeighbors(layout, 10, false);
    QElapsedTimer timer;
    timer.start();
    const NeighborLists grid = layoutNeighbors(view(layout), 10, 2);
    qInfo("grid search, 20,000 points: %lld ms", static_cast<long long>(timer.elapsed()));
    QCOMPARE(firstDifference(grid, expected), -1LL);
}

void TstQuality::originalExactMatchesBruteForce_data()
{
    QTest::addColumn<RowMatrix>("data");
    QTest::addColumn<bool>("cosine");
    QTest::addColumn<int>("k");
    QTest::newRow("cosine gaussian") << gaussian(1500, 20, 31) << true << 10;
    QTest::newRow("euclidean gaussian") << gaussian(1500, 20, 32) << false << 10;
    QTest::newRow("euclidean far from origin") << gaussian(1200, 30, 33, 1e3) << false << 10;
    QTest::newRow("euclidean tiny values")
        << RowMatrix(gaussian(900, 8, 34) * 1e-30f) << false << 5;
    QTest::newRow("euclidean lattice ties") << lattice(1500, 3, 6, 35) << false << 12;
    QTest::newRow("cosine lattice ties") << lattice(1500, 3, 4, 36) << true << 12;
    // Duplicate rows (a block of 60 copies), zero rows (distance 1 to everything) and more
    // points than one block of products.
    RowMatrix dup = gaussian(5000, 16, 37);
    for (Index i = 100; i < 160; ++i)
        dup.row(i) = dup.row(7);
    for (Index i = 200; i < 230; ++i)
        dup.row(i).setZero();
    QTest::newRow("cosine duplicates and zeros") << dup << true << 10;
    QTest::newRow("euclidean duplicates and zeros") << dup << false << 10;
    QTest::newRow("k above n - 1") << gaussian(5, 4, 38) << true << 10;
}

void TstQuality::originalExactMatchesBruteForce()
{
    QFETCH(RowMatrix, data);
    QFETCH(bool, cosine);
    QFETCH(int, k);
    const std::size_t kk = std::min<std::size_t>(std::size_t(k), std::size_t(data.rows()) - 1);
    const NeighborLists expected = oracleNeighbors(data, kk, cosine);
    OriginalKnnOptions o;
    o.cosine = cosine;
    o.threads = 1;
    const NeighborLists serial = originalNeighbors(view(data), std::size_t(k), o);
    o.threads = 3;
    const NeighborLists parallel = originalNeighbors(view(data), std::size_t(k), o);
    QCOMPARE(serial.k, kk);
    QCOMPARE(firstDifference(serial, expected), -1LL);
    QCOMPARE(firstDifference(parallel, expected), -1LL);
}

void TstQuality::originalHnswRecall_data()
{
    QTest::addColumn<bool>("cosine");
    QTest::newRow("cosine") << true;
    QTest::newRow("euclidean") << false;
}

void TstQuality::originalHnswRecall()
{
    QFETCH(bool, cosine);
    // Word-vector-like: a low intrinsic dimension (4) embedded in 16, plus a little noise.
    const RowMatrix data =
        RowMatrix(gaussian(4000, 4, 41) * gaussian(4, 16, 43)) + gaussian(4000, 16, 42) * 0.05f;
    OriginalKnnOptions o;
    o.cosine = cosine;
    o.exactMaxN = 1000; // force the HNSW path
    const NeighborLists approx = originalNeighbors(view(data), 10, o);
    // One build thread: the graph, hence the result, is the same every run.
    o.threads = 1;
    const NeighborLists serial = originalNeighbors(view(data), 10, o);
    QCOMPARE(firstDifference(originalNeighbors(view(data), 10, o), serial), -1LL);
    const NeighborLists exact = oracleNeighbors(data, 10, cosine);
    std::size_t hits = 0;
    for (std::size_t i = 0; i < exact.n; ++i) {
        // Each row is sorted by the exact distance and never holds the point itself.
        for (std::size_t r = 0; r < 10; ++r) {
            QVERIFY(approx.ids[i * 10 + r] != i);
            if (r > 0)
                QVERIFY(oracleDistance(data, Index(i), approx.ids[i * 10 + r - 1], cosine) <=
                        oracleDistance(data, Index(i), approx.ids[i * 10 + r], cosine));
        }
        hits += std::size_t(std::count_if(
            exact.ids.begin() + std::ptrdiff_t(i * 10),
            exact.ids.begin() + std::ptrdiff_t(i * 10 + 10), [&](std::uint32_t j) {
                return std::find(approx.ids.begin() + std::ptrdiff_t(i * 10),
                                 approx.ids.begin() + std::ptrdiff_t(i * 10 + 10),
                                 j) != approx.ids.begin() + std::ptrdiff_t(i * 10 + 10);
            }));
    }
    const double recall = double(hits) / double(exact.ids.size());
    QVERIFY2(recall >= 0.98, qPrintable(QString::number(recall)));
}

void TstQuality::preservationMatchesOracle_data()
{
    QTest::addColumn<RowMatrix>("original");
    QTest::addColumn<RowMatrix>("layout");
    QTest::addColumn<bool>("cosine");
    QTest::addColumn<int>("k");
    const RowMatrix x = clustered(1200, 12, 51) + gaussian(1200, 12, 52) * 2.0f;
    // A layout that keeps some structure: the first coordinates plus noise.
    const RowMatrix y2 = x.leftCols(2) + gaussian(1200, 2, 53);
    const RowMatrix y3 = x.leftCols(3) + gaussian(1200, 3, 54);
    QTest::newRow("2-D, cosine") << x << y2 << true << 10;
    QTest::newRow("2-D, euclidean") << x << y2 << false << 10;
    QTest::newRow("3-D, cosine") << x << y3 << true << 15;
    QTest::newRow("2-D lattice layout with ties") << x << lattice(1200, 2, 15, 55) << false << 10;
    QTest::newRow("3-D lattice layout with ties") << x << lattice(1200, 3, 5, 56) << true << 10;
    QTest::newRow("both lattice") << lattice(1200, 4, 5, 57) << lattice(1200, 2, 12, 58) << false
                                  << 8;
}

void TstQuality::preservationMatchesOracle()
{
    QFETCH(RowMatrix, original);
    QFETCH(RowMatrix, layout);
    QFETCH(bool, cosine);
    QFETCH(int, k);
    const auto kk = std::size_t(k);
    const std::vector<float> expected = oraclePreservation(oracleNeighbors(original, kk, cosine),
                                                           oracleNeighbors(layout, kk, false));
    const std::vector<float> got = knnPreservation(view(original), view(layout), kk, cosine, 2);
    QCOMPARE(got, expected);
    // The mean is exact: kept neighbours over n · k.
    double kept = 0.0;
    for (float v : expected)
        kept += std::round(double(v) * double(kk));
    QCOMPARE(meanKnnPreservation(view(original), view(layout), kk, cosine, 1),
             kept / double(expected.size() * kk));
}

void TstQuality::preservationIdenticalAndRandom()
{
    // The layout is the data: every neighbourhood is kept, ties included.
    for (const RowMatrix &x : {gaussian(3000, 2, 61), lattice(3000, 2, 30, 62)}) {
        const std::vector<float> same = knnPreservation(view(x), view(x), 10, false);
        QVERIFY(std::all_of(same.begin(), same.end(), [](float v) { return v == 1.0f; }));
        QCOMPARE(trustworthiness(view(x), view(x), 10, false), 1.0);
    }
    const RowMatrix x3 = gaussian(2000, 3, 63);
    const std::vector<float> same3 = knnPreservation(view(x3), view(x3), 12, false);
    QVERIFY(std::all_of(same3.begin(), same3.end(), [](float v) { return v == 1.0f; }));

    // A random layout keeps about k / n of them.
    const RowMatrix x = gaussian(4000, 50, 64);
    const RowMatrix random = gaussian(4000, 2, 65);
    const double mean = meanKnnPreservation(view(x), view(random), 10, true);
    QVERIFY2(mean < 0.02, qPrintable(QString::number(mean)));
    const double t = trustworthiness(view(x), view(random), 10, true);
    QVERIFY2(t < 0.55 && t > 0.45, qPrintable(QString::number(t)));
}

void TstQuality::trustworthinessMatchesFormula_data()
{
    QTest::addColumn<RowMatrix>("original");
    QTest::addColumn<RowMatrix>("layout");
    QTest::addColumn<bool>("cosine");
    QTest::addColumn<int>("k");
    const RowMatrix x = clustered(400, 10, 71) + gaussian(400, 10, 72);
    const RowMatrix y = x.leftCols(2) + gaussian(400, 2, 73) * 3.0f;
    QTest::newRow("euclidean k=5") << x << y << false << 5;
    QTest::newRow("euclidean k=10") << x << y << false << 10;
    QTest::newRow("cosine k=10") << x << y << true << 10;
    QTest::newRow("cosine random layout") << x << gaussian(400, 2, 74) << true << 12;
    QTest::newRow("3-D layout") << x << RowMatrix(x.leftCols(3)) << false << 20;
    QTest::newRow("largest k") << RowMatrix(x.topRows(61)) << RowMatrix(y.topRows(61)) << true
                               << 30;
    // Exact ties and duplicate rows in both spaces: ranks by (distance, index) on both sides.
    const RowMatrix xl = lattice(400, 3, 5, 75);
    QTest::newRow("lattice, euclidean") << xl << lattice(400, 2, 10, 76) << false << 10;
    QTest::newRow("lattice, cosine") << xl << lattice(400, 2, 10, 77) << true << 10;
    QTest::newRow("lattice, identical") << xl << xl << false << 10;
}

void TstQuality::trustworthinessMatchesFormula()
{
    QFETCH(RowMatrix, original);
    QFETCH(RowMatrix, layout);
    QFETCH(bool, cosine);
    QFETCH(int, k);
    const double expected = oracleTrustworthiness(original, layout, std::size_t(k), cosine);
    const double got = trustworthiness(view(original), view(layout), std::size_t(k), cosine, 3);
    QVERIFY2(std::abs(got - expected) < 1e-12,
             qPrintable(QString("%1 vs %2").arg(got, 0, 'g', 17).arg(expected, 0, 'g', 17)));
    QCOMPARE(trustworthiness(view(original), view(layout), std::size_t(k), cosine, 1), got);
}

void TstQuality::trustworthinessMatchesScikitLearn()
{
    // fixtures/quality/make_fixture.py: sklearn.manifold.trustworthiness on these files.
    const QString dir = QStringLiteral(EMBEX_FIXTURES "/quality/");
    const RowMatrix x = readTsv(dir + "original.tsv");
    const RowMatrix y = readTsv(dir + "layout.tsv");
    QCOMPARE(x.rows(), Index(200));
    QCOMPARE(y.rows(), Index(200));
    std::ifstream in((dir + "expected.tsv").toStdString());
    std::string metric;
    int k = 0, rows = 0;
    double expected = 0.0, preservation = 0.0;
    std::string header;
    std::getline(in, header);
    while (in >> metric >> k >> expected >> preservation) {
        const bool cosine = metric == "cosine";
        const double t = trustworthiness(view(x), view(y), std::size_t(k), cosine);
        QVERIFY2(std::abs(t - expected) < 1e-9, qPrintable(QString("%1 k=%2: %3, scikit-learn %4")
                                                               .arg(QString::fromStdString(metric))
                                                               .arg(k)
                                                               .arg(t, 0, 'g', 17)
                                                               .arg(expected, 0, 'g', 17)));
        QVERIFY(std::abs(meanKnnPreservation(view(x), view(y), std::size_t(k), cosine) -
                         preservation) < 1e-12);
        ++rows;
    }
    QCOMPARE(rows, 4);
}

void TstQuality::errors()
{
    const RowMatrix x = gaussian(100, 5, 81), y = gaussian(100, 2, 82), y99 = gaussian(99, 2, 83);
    auto throwsWith = [](auto fn, const char *text) {
        try {
            fn();
        } catch (const std::invalid_argument &e) {
            return QString(e.what()).contains(text);
        }
        return false;
    };
    QVERIFY(throwsWith([&] { knnPreservation(view(x), view(y99), 5, true); }, "99 layout rows"));
    QVERIFY(throwsWith([&] { knnPreservation(view(x), view(y), 0, true); }, "k must be"));
    QVERIFY(throwsWith([&] { layoutNeighbors(view(y), 0); }, "k must be"));
    QVERIFY(throwsWith([&] { trustworthiness(view(x), view(y), 50, true); }, "less than n / 2"));
    QVERIFY(throwsWith([&] { trustworthiness(view(x), view(y), 0, true); }, "less than n / 2"));
    QVERIFY(throwsWith([&] { trustworthiness(view(x), view(y99), 5, true); }, "layout rows"));
    const RowMatrix big = RowMatrix::Zero(Index(kTrustworthinessMaxN) + 1, 1);
    QVERIFY(throwsWith([&] { trustworthiness(view(big), view(big), 5, false); }, "limited to"));
    RowMatrix bad = y;
    bad(17, 1) = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(throwsWith([&] { knnPreservation(view(x), view(bad), 5, true); }, "row 17"));
    RowMatrix badX = x;
    badX(3, 0) = std::numeric_limits<float>::infinity();
    QVERIFY(throwsWith([&] { knnPreservation(view(badX), view(y), 5, true); }, "row 3"));
    NeighborLists a = layoutNeighbors(view(y), 5), b = layoutNeighbors(view(y), 6);
    QVERIFY(throwsWith([&] { knnPreservation(a, b); }, "differ in size"));

    // Degenerate sizes: nothing, and one point (no neighbours: preserved by definition).
    const RowMatrix none(0, 2), one = RowMatrix::Ones(1, 2);
    QVERIFY(knnPreservation(view(none), view(none), 5, true).empty());
    QCOMPARE(knnPreservation(view(one), view(one), 5, true), std::vector<float>{1.0f});
}

void TstQuality::cancel()
{
    const RowMatrix x = gaussian(3000, 10, 91), y = gaussian(3000, 2, 92);
    SimpleProgress progress;
    progress.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, knnPreservation(view(x), view(y), 10, true, 2, progress));
    QVERIFY_THROWS_EXCEPTION(Cancelled, trustworthiness(view(x), view(y), 10, true, 2, progress));
}

QTEST_GUILESS_MAIN(TstQuality)
#include "tst_quality.moc"
