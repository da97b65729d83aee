// PCA against oracles: a double-precision JacobiSVD of the centred matrix, the eigenvectors of
// X^T X for the uncentred case, the exact path for the randomized one, reconstruction,
// parallel == serial, sub-matrices built by hand, and the degenerate inputs.
#include "project/Pca.h"
#include "support/TestRandom.h"

#include <QtTest>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace embex;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

using embex::test::Normal;

MatrixXd gaussian(Index rows, Index cols, Normal &normal)
{
    MatrixXd m(rows, cols);
    for (Index i = 0; i < rows; ++i)
        for (Index j = 0; j < cols; ++j)
            m(i, j) = normal();
    return m;
}

MatrixXd randomOrthogonal(Index d, Normal &normal)
{
    const Eigen::HouseholderQR<MatrixXd> qr(gaussian(d, d, normal));
    return qr.householderQ() * MatrixXd::Identity(d, d);
}

/// n × d data with column scales `scales` (the planted spectrum, decreasing) in a random
/// rotated basis, plus an offset so that centring matters.
RowMatrix plantedData(Index n, Index d, const VectorXd &scales, std::uint32_t seed)
{
    Normal normal(seed);
    MatrixXd x = gaussian(n, d, normal) * scales.asDiagonal() * randomOrthogonal(d, normal);
    x.rowwise() += (3.0 * gaussian(1, d, normal)).row(0);
    return x.cast<float>();
}

/// Scales 10, 5, 2.5, ... (ratio 1/2, eigenvalues 4× apart), never below `floor`.
VectorXd geometricScales(Index d, double floor = 1e-3)
{
    VectorXd s(d);
    for (Index j = 0; j < d; ++j)
        s[j] = std::max(floor, 10.0 * std::pow(0.5, double(j)));
    return s;
}

std::vector<std::string> makeWords(std::size_t n)
{
    std::vector<std::string> w(n);
    for (std::size_t i = 0; i < n; ++i)
        w[i] = "w" + std::to_string(i);
    return w;
}

EmbeddingSetPtr makeSet(const RowMatrix &x)
{
    std::vector<float> data(x.data(), x.data() + x.size());
    return std::make_shared<const EmbeddingSet>(makeWords(std::size_t(x.rows())), std::move(data),
                                                std::size_t(x.cols()));
}

ConstRowMap view(const RowMatrix &x)
{
    return ConstRowMap(x.data(), x.rows(), x.cols());
}

PcaOptions options(std::size_t components, unsigned threads = 2)
{
    PcaOptions o;
    o.components = components;
    o.threads = threads;
    return o;
}

bool allFinite(const PcaResult &r)
{
    return r.coords.allFinite() && r.components.allFinite() && r.mean.allFinite() &&
           r.explainedVariance.allFinite() && r.explainedVarianceRatio.allFinite();
}

double relDiff(double a, double b)
{
    return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-300});
}

/// The oracle: SVD of the (optionally centred) double matrix.
struct Oracle
{
    MatrixXd v;        // d × r right singular vectors
    VectorXd variance; // s^2 / (n-1)
    MatrixXd coords;   // n × r = Xc V
    VectorXd mean;
    double total;
};

Oracle svdOracle(const RowMatrix &x, bool center)
{
    MatrixXd xd = x.cast<double>();
    Oracle o;
    o.mean = center ? VectorXd(xd.colwise().mean().transpose()) : VectorXd::Zero(xd.cols());
    xd.rowwise() -= o.mean.transpose();
    const Eigen::JacobiSVD<MatrixXd> svd(xd, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const double denom = xd.rows() > 1 ? double(xd.rows() - 1) : 1.0;
    o.v = svd.matrixV();
    o.variance = svd.singularValues().array().square() / denom;
    o.coords = xd * o.v;
    o.total = xd.squaredNorm() / denom;
    return o;
}

/// Component j of r equals the oracle's up to sign; returns the sign that aligns them.
double alignedSign(const PcaResult &r, const MatrixXd &v, Index j, double tol)
{
    const double dot = r.components.col(j).cast<double>().dot(v.col(j));
    if (std::abs(dot) <= 1.0 - tol)
        qWarning("component %d: |dot| = %.9f", int(j), std::abs(dot));
    return std::abs(dot) > 1.0 - tol ? (dot > 0 ? 1.0 : -1.0) : 0.0;
}

double maxAbsDiff(const auto &a, const auto &b)
{
    return (a.template cast<double>() - b.template cast<double>()).cwiseAbs().maxCoeff();
}

/// Records every report; optionally turns cancelled after `cancelAfter` reports.
class RecordingProgress : public Progress
{
public:
    explicit RecordingProgress(int cancelAfter = -1) : m_cancelAfter(cancelAfter) {}
    void report(double fraction, std::string_view stage) override
    {
        fractions.push_back(fraction);
        stages.emplace_back(stage);
    }
    bool cancelled() const override
    {
        return m_cancelAfter >= 0 && int(fractions.size()) >= m_cancelAfter;
    }
    std::vector<double> fractions;
    std::vector<std::string> stages;

private:
    int m_cancelAfter;
};

} // namespace

class TstPca : public QObject
{
    Q_OBJECT

private slots:
    void matchesSvdOracle_data();
    void matchesSvdOracle();
    void reconstructsWithAllComponents();
    void parallelEqualsSerial_data();
    void parallelEqualsSerial();
    void subsetRowsEqualsSubMatrix();
    void normalizeRowsEqualsNormalizedInput();
    void uncentredUsesSecondMoment();
    void randomizedMatchesExact_data();
    void randomizedMatchesExact();
    void singleRow();
    void noRows();
    void componentsClamped();
    void constantColumn();
    void zeroRowsAndZeroData();
    void rejectsBadInput();
    void reportsProgress();
    void cancel_data();
    void cancel();
};

void TstPca::matchesSvdOracle_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("components");
    QTest::addColumn<bool>("center");
    QTest::newRow("200x5, all components") << 200 << 5 << 5 << true;
    QTest::newRow("1000x20, 10 components") << 1000 << 20 << 10 << true;
    QTest::newRow("9000x50, several blocks") << 9000 << 50 << 8 << true;
    QTest::newRow("n < d: 6x12") << 6 << 12 << 10 << true;
    QTest::newRow("uncentred 500x10") << 500 << 10 << 6 << false;
}

void TstPca::matchesSvdOracle()
{
    QFETCH(int, n);
    QFETCH(int, dim);
    QFETCH(int, components);
    QFETCH(bool, center);
    const RowMatrix x = plantedData(n, dim, geometricScales(dim), std::uint32_t(n + dim));
    PcaOptions opt = options(std::size_t(components));
    opt.center = center;
    const PcaResult r = pca(view(x), opt);
    const Oracle o = svdOracle(x, center);

    const Index k = std::min<Index>({components, n, dim});
    QCOMPARE(r.coords.rows(), Index(n));
    QCOMPARE(r.coords.cols(), k);
    QCOMPARE(r.components.rows(), Index(dim));
    QCOMPARE(r.components.cols(), k);
    QCOMPARE(r.explainedVariance.size(), k);
    QCOMPARE(r.explainedVarianceRatio.size(), k);
    QVERIFY(allFinite(r));
    QVERIFY(maxAbsDiff(r.mean, o.mean) < 1e-5);
    const double top = o.variance[0];
    for (Index j = 0; j < k; ++j) {
        const double col = r.components.col(j).cast<double>().norm();
        QVERIFY2(std::abs(col - 1.0) < 1e-6, "component not unit");
        Index at = 0;
        r.components.col(j).cwiseAbs().maxCoeff(&at);
        QVERIFY2(r.components(at, j) > 0.0f, "largest entry not positive");
        if (o.variance[j] < 1e-9 * top) { // null space (n < d): any direction will do
            QVERIFY(r.explainedVariance[j] < 1e-9 * top);
            QVERIFY(r.coords.col(j).cwiseAbs().maxCoeff() < 1e-4f);
            continue;
        }
        const double sign = alignedSign(r, o.v, j, 1e-6);
        QVERIFY2(sign != 0.0, qPrintable(QString("component %1 differs").arg(j)));
        QVERIFY2(relDiff(r.explainedVariance[j], o.variance[j]) < 1e-6,
                 qPrintable(QString("variance %1: %2 vs %3")
                                .arg(j)
                                .arg(r.explainedVariance[j])
                                .arg(o.variance[j])));
        QVERIFY(relDiff(r.explainedVarianceRatio[j], o.variance[j] / o.total) < 1e-6);
        const double err = maxAbsDiff(r.coords.col(j), sign * o.coords.col(j));
        QVERIFY2(err < 1e-4, qPrintable(QString("coords %1 off by %2").arg(j).arg(err)));
    }
}

void TstPca::reconstructsWithAllComponents()
{
    const Index n = 800, d = 12;
    const RowMatrix x = plantedData(n, d, geometricScales(d, 0.2), 11);
    const PcaResult r = pca(view(x), options(100));
    QCOMPARE(r.components.cols(), d);
    const MatrixXd back =
        (r.coords.cast<double>() * r.components.cast<double>().transpose()).rowwise() +
        r.mean.cast<double>().transpose();
    const double err = maxAbsDiff(back, x);
    QVERIFY2(err < 1e-4, qPrintable(QString("reconstruction off by %1").arg(err)));
    QVERIFY(std::abs(r.explainedVarianceRatio.sum() - 1.0) < 1e-9);
    // Orthonormal components.
    const MatrixXd gram = r.components.cast<double>().transpose() * r.components.cast<double>();
    QVERIFY((gram - MatrixXd::Identity(d, d)).cwiseAbs().maxCoeff() < 1e-6);
}

void TstPca::parallelEqualsSerial_data()
{
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("exactMaxDim"); // below dim: the randomized path
    QTest::newRow("exact") << 30 << 1000;
    QTest::newRow("randomized") << 30 << 10;
}

void TstPca::parallelEqualsSerial()
{
    QFETCH(int, dim);
    QFETCH(int, exactMaxDim);
    const Index n = 20000; // several blocks of rows per thread
    const RowMatrix x = plantedData(n, dim, geometricScales(dim, 0.05), 5);
    PcaOptions opt = options(6, 1);
    opt.exactMaxDim = std::size_t(exactMaxDim);
    const PcaResult serial = pca(view(x), opt);
    QVERIFY(allFinite(serial));
    const double scale = std::max(1.0, double(serial.coords.cwiseAbs().maxCoeff()));
    for (unsigned threads : {2u, 3u, 7u}) {
        opt.threads = threads;
        const PcaResult par = pca(view(x), opt);
        QVERIFY(maxAbsDiff(par.components, serial.components) < 1e-6);
        QVERIFY(maxAbsDiff(par.mean, serial.mean) < 1e-6);
        QVERIFY(maxAbsDiff(par.coords, serial.coords) < 1e-6 * scale);
        for (Index j = 0; j < serial.explainedVariance.size(); ++j)
            QVERIFY(relDiff(par.explainedVariance[j], serial.explainedVariance[j]) < 1e-6);
        // Same thread count, same bits.
        const PcaResult again = pca(view(x), opt);
        QVERIFY(again.coords == par.coords);
        QVERIFY(again.components == par.components);
        QVERIFY(again.explainedVariance == par.explainedVariance);
    }
}

void TstPca::subsetRowsEqualsSubMatrix()
{
    const Index n = 5000, d = 16;
    const RowMatrix x = plantedData(n, d, geometricScales(d, 0.1), 21);
    const auto set = makeSet(x);
    Normal normal(4);
    std::vector<WordId> rows;
    for (int i = 0; i < 3000; ++i) // any order, with repeats
        rows.push_back(normal.index(std::uint32_t(n)));
    RowMatrix sub(Index(rows.size()), d);
    for (std::size_t i = 0; i < rows.size(); ++i)
        sub.row(Index(i)) = x.row(Index(rows[i]));

    const PcaOptions opt = options(5);
    const PcaResult a = pca(*set, rows, opt);
    const PcaResult b = pca(view(sub), opt);
    QCOMPARE(a.coords.rows(), Index(rows.size()));
    QVERIFY(maxAbsDiff(a.components, b.components) < 1e-6);
    QVERIFY(maxAbsDiff(a.coords, b.coords) < 1e-5);
    QVERIFY(maxAbsDiff(a.mean, b.mean) < 1e-6);
    QVERIFY(maxAbsDiff(a.explainedVariance, b.explainedVariance) < 1e-9 * b.explainedVariance[0]);

    // No selection: every row, the same as the set's matrix.
    const PcaResult all = pca(*set, {}, opt);
    const PcaResult whole = pca(set->matrix(), opt);
    QCOMPARE(all.coords.rows(), n);
    QVERIFY(all.coords == whole.coords);
    QVERIFY(all.components == whole.components);
}

void TstPca::normalizeRowsEqualsNormalizedInput()
{
    const Index n = 3000, d = 10;
    RowMatrix x = plantedData(n, d, geometricScales(d, 0.1), 8);
    x.row(17).setZero(); // stays zero
    const auto set = makeSet(x);
    RowMatrix unit(n, d);
    for (Index i = 0; i < n; ++i) {
        const double norm = x.row(i).cast<double>().norm();
        unit.row(i) = norm > 0 ? RowMatrix((x.row(i).cast<double>() / norm).cast<float>())
                               : RowMatrix::Zero(1, d);
    }
    PcaOptions opt = options(6);
    opt.normalizeRows = true;
    const PcaResult a = pca(*set, {}, opt);
    QVERIFY(allFinite(a));
    const Oracle o = svdOracle(unit, true);
    for (Index j = 0; j < a.components.cols(); ++j) {
        const double sign = alignedSign(a, o.v, j, 1e-5);
        QVERIFY(sign != 0.0);
        QVERIFY(relDiff(a.explainedVariance[j], o.variance[j]) < 1e-5);
        QVERIFY(maxAbsDiff(a.coords.col(j), sign * o.coords.col(j)) < 1e-5);
    }
    QVERIFY(maxAbsDiff(a.mean, o.mean) < 1e-6);
    // The same through the set's normalised copy and the raw-matrix overload.
    const PcaResult b = pca(ConstRowMap(set->normalized().data(), n, d), options(6));
    QVERIFY(maxAbsDiff(a.components, b.components) < 1e-5);
    QVERIFY(maxAbsDiff(a.coords, b.coords) < 1e-5);
}

void TstPca::uncentredUsesSecondMoment()
{
    const Index n = 600, d = 8;
    const RowMatrix x = plantedData(n, d, geometricScales(d, 0.3), 9);
    PcaOptions opt = options(d);
    opt.center = false;
    const PcaResult r = pca(view(x), opt);
    QVERIFY(r.mean.isZero(0.0));
    const MatrixXd xd = x.cast<double>();
    const MatrixXd c = xd.transpose() * xd / double(n - 1);
    const Eigen::SelfAdjointEigenSolver<MatrixXd> es(c);
    for (Index j = 0; j < d; ++j) {
        const double lambda = es.eigenvalues()[d - 1 - j];
        QVERIFY(relDiff(r.explainedVariance[j], lambda) < 1e-6);
        const VectorXd v = r.components.col(j).cast<double>();
        QVERIFY((c * v - lambda * v).norm() < 1e-5 * es.eigenvalues()[d - 1]);
    }
    QVERIFY(maxAbsDiff(r.coords, xd * r.components.cast<double>()) < 1e-4);
    QVERIFY(std::abs(r.explainedVarianceRatio.sum() - 1.0) < 1e-9);
}

void TstPca::randomizedMatchesExact_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("components");
    QTest::addColumn<int>("threads");
    QTest::addColumn<double>("decay"); // 0: rank 5 + noise; else scales 10 * decay^j
    QTest::newRow("2000x60, top 5") << 2000 << 60 << 5 << 2 << 0.0;
    QTest::newRow("2000x60, top 5, serial") << 2000 << 60 << 5 << 1 << 0.0;
    QTest::newRow("6000x60, top 8 (rank 5 + noise)") << 6000 << 60 << 8 << 2 << 0.0;
    QTest::newRow("basis = whole space: 500x12") << 500 << 12 << 5 << 2 << 0.0;
    // Needs the power iterations: a full-rank, slowly decaying spectrum.
    QTest::newRow("4000x60, decay 0.85") << 4000 << 60 << 5 << 2 << 0.85;
}

void TstPca::randomizedMatchesExact()
{
    QFETCH(int, n);
    QFETCH(int, dim);
    QFETCH(int, components);
    QFETCH(int, threads);
    QFETCH(double, decay);
    RowMatrix x;
    if (decay > 0) {
        VectorXd scales(dim);
        for (Index j = 0; j < dim; ++j)
            scales[j] = 10.0 * std::pow(decay, double(j));
        x = plantedData(n, dim, scales, std::uint32_t(n + dim));
    } else { // planted rank 5 with well separated scales plus small isotropic noise
        Normal normal(std::uint32_t(n * 7 + dim));
        VectorXd scales(5);
        scales << 10, 6, 3.5, 2, 1.2;
        const MatrixXd basis = randomOrthogonal(dim, normal).leftCols(5);
        MatrixXd xd = gaussian(n, 5, normal) * scales.asDiagonal() * basis.transpose() +
                      0.02 * gaussian(n, dim, normal);
        xd.rowwise() += gaussian(1, dim, normal).row(0);
        x = xd.cast<float>();
    }

    PcaOptions opt = options(std::size_t(components), unsigned(threads));
    const PcaResult exact = pca(view(x), opt);
    opt.exactMaxDim = 10;
    RecordingProgress progress;
    const PcaResult fast = pca(view(x), opt, progress);
    QVERIFY(std::find(progress.stages.begin(), progress.stages.end(), "power iterations") !=
            progress.stages.end());
    QVERIFY(allFinite(fast));
    QCOMPARE(fast.components.cols(), exact.components.cols());
    const Index check = std::min<Index>(5, components);
    for (Index j = 0; j < check; ++j) {
        const double dot =
            fast.components.col(j).cast<double>().dot(exact.components.col(j).cast<double>());
        QVERIFY2(std::abs(dot) > 0.999, qPrintable(QString("component %1: %2").arg(j).arg(dot)));
        QVERIFY(relDiff(fast.explainedVariance[j], exact.explainedVariance[j]) < 1e-3);
        QVERIFY(relDiff(fast.explainedVarianceRatio[j], exact.explainedVarianceRatio[j]) < 1e-3);
    }
    // Ritz values never exceed the true eigenvalues by more than rounding.
    for (Index j = 0; j < fast.explainedVariance.size(); ++j)
        QVERIFY(fast.explainedVariance[j] <= exact.explainedVariance[j] * (1 + 1e-9));
    // Components orthonormal; coords are the projections onto them.
    const MatrixXd w = fast.components.cast<double>();
    QVERIFY((w.transpose() * w - MatrixXd::Identity(w.cols(), w.cols())).cwiseAbs().maxCoeff() <
            1e-6);
    const MatrixXd centred = x.cast<double>().rowwise() - fast.mean.cast<double>().transpose();
    QVERIFY(maxAbsDiff(fast.coords, centred * w) < 1e-4);
    // Same seed, same result; another seed, nearly the same subspace.
    QVERIFY(pca(view(x), opt).components == fast.components);
    opt.seed = 7;
    const PcaResult other = pca(view(x), opt);
    for (Index j = 0; j < check; ++j)
        QVERIFY(std::abs(other.components.col(j).cast<double>().dot(
                    fast.components.col(j).cast<double>())) > 0.999);
}

void TstPca::singleRow()
{
    RowMatrix x(1, 4);
    x << 1.5f, -2.0f, 0.0f, 7.0f;
    for (std::size_t maxDim : {std::size_t(1000), std::size_t(2)}) {
        PcaOptions opt = options(3);
        opt.exactMaxDim = maxDim;
        const PcaResult r = pca(view(x), opt);
        QVERIFY(allFinite(r));
        QCOMPARE(r.coords.rows(), Index(1));
        QCOMPARE(r.coords.cols(), Index(1));
        QCOMPARE(r.coords(0, 0), 0.0f);
        QCOMPARE(r.explainedVariance[0], 0.0);
        QCOMPARE(r.explainedVarianceRatio[0], 0.0);
        QVERIFY(maxAbsDiff(r.mean, x.row(0).transpose()) == 0.0);
        QVERIFY(std::abs(r.components.col(0).norm() - 1.0f) < 1e-6f);
    }
}

void TstPca::noRows()
{
    const RowMatrix x(0, 5);
    const PcaResult r = pca(ConstRowMap(nullptr, 0, 5), options(3));
    QCOMPARE(r.coords.rows(), Index(0));
    QCOMPARE(r.coords.cols(), Index(0));
    QCOMPARE(r.components.rows(), Index(5));
    QCOMPARE(r.components.cols(), Index(0));
    QCOMPARE(r.mean.size(), Index(5));
    QVERIFY(r.mean.isZero(0.0f));
    QCOMPARE(r.explainedVariance.size(), Index(0));
    QCOMPARE(r.explainedVarianceRatio.size(), Index(0));

    const auto empty =
        std::make_shared<const EmbeddingSet>(std::vector<std::string>{}, std::vector<float>{}, 7);
    const PcaResult e = pca(*empty, {}, options(3));
    QCOMPARE(e.coords.rows(), Index(0));
    QCOMPARE(e.components.rows(), Index(7));
    // Zero components asked for: nothing to keep, still the mean.
    const RowMatrix y = plantedData(10, 3, geometricScales(3), 1);
    const PcaResult z = pca(view(y), options(0));
    QCOMPARE(z.coords.rows(), Index(10));
    QCOMPARE(z.coords.cols(), Index(0));
    QVERIFY(maxAbsDiff(z.mean, y.cast<double>().colwise().mean().transpose()) < 1e-6);
}

void TstPca::componentsClamped()
{
    const RowMatrix x = plantedData(50, 4, geometricScales(4), 2);
    const PcaResult r = pca(view(x), options(10));
    QCOMPARE(r.components.cols(), Index(4));
    QCOMPARE(r.coords.cols(), Index(4));
    const RowMatrix y = plantedData(3, 9, geometricScales(9), 3);
    const PcaResult s = pca(view(y), options(10));
    QCOMPARE(s.components.cols(), Index(3));
    QVERIFY(allFinite(s));
    QVERIFY(s.explainedVariance[2] < 1e-9 * s.explainedVariance[0]); // rank n-1 after centring
}

void TstPca::constantColumn()
{
    const Index n = 400, d = 6;
    RowMatrix x = plantedData(n, d, geometricScales(d, 0.5), 4);
    x.col(2).setConstant(3.25f);
    const PcaResult r = pca(view(x), options(d));
    QVERIFY(allFinite(r));
    QVERIFY(r.explainedVariance[d - 1] < 1e-9 * r.explainedVariance[0]);
    // The constant axis is the last component, with zero coordinates along it.
    QVERIFY(std::abs(std::abs(r.components(2, d - 1)) - 1.0f) < 1e-6f);
    QVERIFY(r.coords.col(d - 1).cwiseAbs().maxCoeff() < 1e-4f);
    QVERIFY(std::abs(r.explainedVarianceRatio.sum() - 1.0) < 1e-9);
    const Oracle o = svdOracle(x, true);
    for (Index j = 0; j + 1 < d; ++j)
        QVERIFY(alignedSign(r, o.v, j, 1e-6) != 0.0);
}

void TstPca::zeroRowsAndZeroData()
{
    const Index n = 200, d = 5;
    RowMatrix x = plantedData(n, d, geometricScales(d), 6);
    x.row(0).setZero();
    x.row(150).setZero();
    const auto set = makeSet(x);
    for (bool normalize : {false, true}) {
        PcaOptions opt = options(3);
        opt.normalizeRows = normalize;
        QVERIFY(allFinite(pca(*set, {}, opt)));
        const std::vector<WordId> zeros = {0, 150, 0};
        const PcaResult z = pca(*set, zeros, opt);
        QVERIFY(allFinite(z));
        QVERIFY(z.explainedVariance.isZero(0.0));
        QVERIFY(z.explainedVarianceRatio.isZero(0.0));
        QVERIFY(z.coords.isZero(0.0f));
    }
    const RowMatrix zero = RowMatrix::Zero(300, 20);
    for (std::size_t maxDim : {std::size_t(1000), std::size_t(10)}) {
        PcaOptions opt = options(4);
        opt.exactMaxDim = maxDim;
        const PcaResult r = pca(view(zero), opt);
        QVERIFY(allFinite(r));
        QVERIFY(r.explainedVarianceRatio.isZero(0.0));
        QVERIFY(r.coords.isZero(0.0f));
    }
}

void TstPca::rejectsBadInput()
{
    RowMatrix x = plantedData(100, 4, geometricScales(4), 7);
    const auto set = makeSet(x);
    const std::vector<WordId> bad = {3, 100};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pca(*set, bad, options(2)));
    try {
        pca(*set, bad, options(2));
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString(e.what()), QString("pca: row 1 has id 100, the set has 100 words"));
    }
    for (float v :
         {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()})
        for (bool center : {true, false})
            for (std::size_t maxDim : {std::size_t(1000), std::size_t(2)}) {
                RowMatrix y = x;
                y(42, 1) = v;
                PcaOptions opt = options(2);
                opt.center = center;
                opt.exactMaxDim = maxDim;
                QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pca(view(y), opt));
            }
}

void TstPca::reportsProgress()
{
    const RowMatrix x = plantedData(20000, 8, geometricScales(8), 12);
    for (std::size_t maxDim : {std::size_t(1000), std::size_t(4)}) {
        RecordingProgress progress;
        PcaOptions opt = options(3);
        opt.exactMaxDim = maxDim;
        pca(view(x), opt, progress);
        QVERIFY(progress.fractions.size() > 5);
        QVERIFY(std::is_sorted(progress.fractions.begin(), progress.fractions.end()));
        QVERIFY(progress.fractions.front() >= 0.0);
        QCOMPARE(progress.fractions.back(), 1.0);
        QCOMPARE(progress.stages.back(), std::string("projection"));
    }
}

void TstPca::cancel_data()
{
    QTest::addColumn<int>("cancelAfter"); // reports before cancelled() turns true
    QTest::addColumn<int>("exactMaxDim");
    QTest::addColumn<bool>("center");
    QTest::newRow("at once") << 0 << 1000 << true;
    QTest::newRow("at once, uncentred") << 0 << 1000 << false;
    QTest::newRow("during mean") << 4 << 1000 << true;
    QTest::newRow("during covariance") << 8 << 1000 << true;
    QTest::newRow("during projection") << 15 << 1000 << true;
    QTest::newRow("randomized, during iterations") << 8 << 4 << true;
}

void TstPca::cancel()
{
    QFETCH(int, cancelAfter);
    QFETCH(int, exactMaxDim);
    QFETCH(bool, center);
    const RowMatrix x = plantedData(20000, 8, geometricScales(8), 13);
    RecordingProgress progress(cancelAfter);
    PcaOptions opt = options(3, 1); // serial: the report count is deterministic
    opt.exactMaxDim = std::size_t(exactMaxDim);
    opt.center = center;
    QVERIFY_THROWS_EXCEPTION(Cancelled, pca(view(x), opt, progress));
    QCOMPARE(int(progress.fractions.size()), cancelAfter);
    QVERIFY(progress.fractions.empty() || progress.fractions.back() < 1.0);
}

QTEST_GUILESS_MAIN(TstPca)
#include "tst_pca.moc"
