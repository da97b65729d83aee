// Orthogonal Procrustes against oracles: a planted rotation / reflection / scale / translation
// is recovered exactly; in 2-D the fit is no worse than a brute-force scan over every angle
// (with and without reflection); rotation-only mode never reflects; bad shapes are refused.
#include "project/Procrustes.h"
#include "support/TestRandom.h"

#include <QtTest>

#include <Eigen/LU>
#include <Eigen/QR>

#include <cmath>
#include <random>

using namespace embex;
using Eigen::Index;
using Eigen::MatrixXd;

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

/// A random orthogonal matrix with the requested determinant sign.
MatrixXd randomOrthogonal(Index d, Normal &normal, bool reflect)
{
    const Eigen::HouseholderQR<MatrixXd> qr(gaussian(d, d, normal));
    MatrixXd q = qr.householderQ() * MatrixXd::Identity(d, d);
    if ((q.determinant() < 0) != reflect)
        q.col(0) *= -1;
    return q;
}

RowMatrix toFloat(const MatrixXd &m)
{
    return m.cast<float>();
}

ConstRowMap view(const RowMatrix &m)
{
    return ConstRowMap(m.data(), m.rows(), m.cols());
}

/// Residual of the best 2-D map found by scanning angles (and both handednesses), with the
/// optimal translation (centroids) and no scale.
double bruteForce2d(const MatrixXd &x, const MatrixXd &y, bool allowReflection)
{
    MatrixXd xc = x.rowwise() - x.colwise().mean();
    MatrixXd yc = y.rowwise() - y.colwise().mean();
    double best = std::numeric_limits<double>::infinity();
    const int steps = 20000;
    for (int reflect = 0; reflect < (allowReflection ? 2 : 1); ++reflect)
        for (int k = 0; k < steps; ++k) {
            const double a = 2 * M_PI * k / steps;
            MatrixXd r(2, 2);
            r << std::cos(a), std::sin(a), -std::sin(a), std::cos(a);
            if (reflect)
                r.col(1) *= -1;
            best = std::min(best, (xc * r - yc).norm());
        }
    return best;
}

} // namespace

class TstProcrustes : public QObject
{
    Q_OBJECT
private slots:
    void recoversPlantedMap_data();
    void recoversPlantedMap();
    void matchesBruteForce2d_data();
    void matchesBruteForce2d();
    void rotationOnlyNeverReflects();
    void noTranslationFixesOrigin();
    void degenerateInputs();
};

void TstProcrustes::recoversPlantedMap_data()
{
    QTest::addColumn<int>("dim");
    QTest::addColumn<bool>("reflect");
    QTest::addColumn<double>("scale");
    QTest::newRow("2-D rotation") << 2 << false << 1.0;
    QTest::newRow("2-D reflection") << 2 << true << 1.0;
    QTest::newRow("3-D rotation, scale 2.5") << 3 << false << 2.5;
    QTest::newRow("10-D reflection, scale 0.3") << 10 << true << 0.3;
}

void TstProcrustes::recoversPlantedMap()
{
    QFETCH(int, dim);
    QFETCH(bool, reflect);
    QFETCH(double, scale);
    Normal normal(std::uint32_t(17 + dim));
    const MatrixXd x = gaussian(200, dim, normal);
    const MatrixXd q = randomOrthogonal(dim, normal, reflect);
    const Eigen::RowVectorXd t = 5.0 * gaussian(1, dim, normal);
    MatrixXd y = scale * x * q;
    y.rowwise() += t;
    const RowMatrix xf = toFloat(x), yf = toFloat(y);

    ProcrustesOptions opt;
    opt.scale = scale != 1.0;
    const ProcrustesResult r = procrustes(view(xf), view(yf), opt);
    QVERIFY2((r.rotation - q).cwiseAbs().maxCoeff() < 1e-5,
             qPrintable(QString::number((r.rotation - q).cwiseAbs().maxCoeff())));
    QVERIFY(std::abs(r.scale - scale) < 1e-5 * scale);
    QVERIFY((r.translation - t).cwiseAbs().maxCoeff() < 1e-4);
    // Orthogonal, and the residual reflects float32 input rounding only.
    QVERIFY((r.rotation.transpose() * r.rotation - MatrixXd::Identity(dim, dim)).norm() < 1e-10);
    QVERIFY(r.residual < 1e-3);
    const RowMatrix aligned = alignTo(view(xf), view(yf), opt);
    QVERIFY((aligned.cast<double>() - y).cwiseAbs().maxCoeff() < 1e-4);
    // Without permission to reflect, a planted reflection cannot be undone.
    if (reflect) {
        opt.allowReflection = false;
        const ProcrustesResult rot = procrustes(view(xf), view(yf), opt);
        QVERIFY(rot.rotation.determinant() > 0);
        QVERIFY(rot.residual > 1.0);
    }
}

void TstProcrustes::matchesBruteForce2d_data()
{
    QTest::addColumn<bool>("allowReflection");
    QTest::addColumn<std::uint32_t>("seed");
    QTest::newRow("reflections allowed, seed 1") << true << 1u;
    QTest::newRow("reflections allowed, seed 2") << true << 2u;
    QTest::newRow("rotations only, seed 3") << false << 3u;
    QTest::newRow("rotations only, seed 4") << false << 4u;
}

void TstProcrustes::matchesBruteForce2d()
{
    QFETCH(bool, allowReflection);
    QFETCH(std::uint32_t, seed);
    Normal normal(seed);
    // Unrelated noisy point sets: no exact answer, only the best one.
    const MatrixXd x = gaussian(60, 2, normal);
    MatrixXd y = x * randomOrthogonal(2, normal, seed % 2 == 0) + 0.8 * gaussian(60, 2, normal);
    const RowMatrix xf = toFloat(x), yf = toFloat(y);
    ProcrustesOptions opt;
    opt.allowReflection = allowReflection;
    const ProcrustesResult r = procrustes(view(xf), view(yf), opt);
    const double brute = bruteForce2d(xf.cast<double>(), yf.cast<double>(), allowReflection);
    // The scan's angular step (2π / 20000) bounds how much better the exact answer can be.
    QVERIFY2(
        r.residual <= brute + 1e-9,
        qPrintable(QStringLiteral("%1 > %2").arg(r.residual, 0, 'g', 12).arg(brute, 0, 'g', 12)));
    QVERIFY2(r.residual > brute - 1e-3 * brute, "brute force can come within its step");
}

void TstProcrustes::rotationOnlyNeverReflects()
{
    // A mirror image: the best orthogonal map reflects, the best rotation cannot.
    Normal normal(9);
    for (int dim : {2, 3, 5}) {
        const MatrixXd x = gaussian(50, dim, normal);
        MatrixXd y = x;
        y.col(0) *= -1;
        const RowMatrix xf = toFloat(x), yf = toFloat(y);
        const ProcrustesResult any = procrustes(view(xf), view(yf));
        QVERIFY(any.rotation.determinant() < 0);
        QVERIFY(any.residual < 1e-4);
        ProcrustesOptions opt;
        opt.allowReflection = false;
        const ProcrustesResult rot = procrustes(view(xf), view(yf), opt);
        QVERIFY(std::abs(rot.rotation.determinant() - 1.0) < 1e-9);
        QVERIFY(rot.residual > any.residual + 0.1);
    }
}

void TstProcrustes::noTranslationFixesOrigin()
{
    Normal normal(5);
    const MatrixXd x = gaussian(30, 3, normal);
    const MatrixXd q = randomOrthogonal(3, normal, false);
    MatrixXd y = x * q;
    y.rowwise() += Eigen::RowVector3d(4, -2, 1);
    const RowMatrix xf = toFloat(x), yf = toFloat(y);
    ProcrustesOptions opt;
    opt.translate = false;
    const ProcrustesResult r = procrustes(view(xf), view(yf), opt);
    QCOMPARE(r.translation.norm(), 0.0);
    // A translated target cannot be matched exactly through the origin...
    QVERIFY(r.residual > 1.0);
    // ... but with translation it can.
    QVERIFY(procrustes(view(xf), view(yf)).residual < 1e-4);
}

void TstProcrustes::degenerateInputs()
{
    const RowMatrix a = RowMatrix::Zero(4, 2), b = RowMatrix::Ones(4, 3);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, procrustes(view(a), view(b)));
    const RowMatrix none(0, 2);
    const ProcrustesResult empty = procrustes(view(none), view(none));
    QVERIFY(empty.rotation.isIdentity());
    QCOMPARE(empty.residual, 0.0);
    // All source rows equal: nothing to rotate, the translation moves them to the centroid.
    RowMatrix same = RowMatrix::Constant(3, 2, 1.0f), target(3, 2);
    target << 0, 0, 2, 0, 1, 3;
    ProcrustesOptions opt;
    opt.scale = true;
    const ProcrustesResult r = procrustes(view(same), view(target), opt);
    QVERIFY(r.rotation.isIdentity());
    QCOMPARE(r.scale, 1.0);
    QVERIFY((applyProcrustes(view(same), r).row(0) - Eigen::RowVector2f(1, 1)).norm() < 1e-6f);
    RowMatrix bad = target;
    bad(1, 1) = std::numeric_limits<float>::quiet_NaN();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, procrustes(view(same), view(bad)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, applyProcrustes(view(b), r));
}

QTEST_APPLESS_MAIN(TstProcrustes)
#include "tst_procrustes.moc"
