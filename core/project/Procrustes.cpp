#include "project/Procrustes.h"

#include <Eigen/LU>
#include <Eigen/SVD>

#include <cmath>
#include <stdexcept>
#include <string>

namespace embex {

namespace {

void requireFinite(ConstRowMap m, const char *what)
{
    if (!m.allFinite())
        throw std::invalid_argument(std::string("procrustes: ") + what +
                                    " has a value that is not finite");
}

} // namespace

ProcrustesResult procrustes(ConstRowMap source, ConstRowMap target,
                            const ProcrustesOptions &options)
{
    if (source.rows() != target.rows() || source.cols() != target.cols())
        throw std::invalid_argument("procrustes: source is " + std::to_string(source.rows()) +
                                    " x " + std::to_string(source.cols()) + " but target is " +
                                    std::to_string(target.rows()) + " x " +
                                    std::to_string(target.cols()));
    const Eigen::Index n = source.rows(), d = source.cols();
    if (d == 0)
        throw std::invalid_argument("procrustes: the points have no dimensions");
    requireFinite(source, "source");
    requireFinite(target, "target");

    ProcrustesResult r;
    r.rotation = Eigen::MatrixXd::Identity(d, d);
    r.translation = Eigen::RowVectorXd::Zero(d);
    if (n == 0)
        return r;

    Eigen::MatrixXd x = source.cast<double>(), y = target.cast<double>();
    Eigen::RowVectorXd mx = Eigen::RowVectorXd::Zero(d), my = Eigen::RowVectorXd::Zero(d);
    if (options.translate) {
        mx = x.colwise().mean();
        my = y.colwise().mean();
        x.rowwise() -= mx;
        y.rowwise() -= my;
    }
    const double sourceNorm2 = x.squaredNorm();
    if (sourceNorm2 > 0) {
        // max_R tr(R^T X^T Y) over orthogonal R: with X^T Y = U S V^T, R = U V^T.
        const Eigen::MatrixXd cross = x.transpose() * y;
        Eigen::JacobiSVD<Eigen::MatrixXd> svd(cross, Eigen::ComputeFullU | Eigen::ComputeFullV);
        const Eigen::MatrixXd &u = svd.matrixU();
        const Eigen::MatrixXd &v = svd.matrixV();
        Eigen::VectorXd sign = Eigen::VectorXd::Ones(d);
        if (!options.allowReflection && (u * v.transpose()).determinant() < 0)
            sign[d - 1] = -1; // the smallest singular value loses least when flipped
        r.rotation = u * sign.asDiagonal() * v.transpose();
        if (options.scale)
            r.scale = svd.singularValues().dot(sign) / sourceNorm2;
    }
    if (options.translate)
        r.translation = my - r.scale * mx * r.rotation;
    Eigen::MatrixXd fitted = r.scale * source.cast<double>() * r.rotation;
    fitted.rowwise() += r.translation;
    r.residual = (fitted - target.cast<double>()).norm();
    return r;
}

RowMatrix applyProcrustes(ConstRowMap points, const ProcrustesResult &map)
{
    if (points.cols() != map.rotation.rows())
        throw std::invalid_argument("applyProcrustes: points have " +
                                    std::to_string(points.cols()) + " columns, the map " +
                                    std::to_string(map.rotation.rows()));
    Eigen::MatrixXd out = map.scale * points.cast<double>() * map.rotation;
    out.rowwise() += map.translation;
    return out.cast<float>();
}

RowMatrix alignTo(ConstRowMap source, ConstRowMap target, const ProcrustesOptions &options)
{
    return applyProcrustes(source, procrustes(source, target, options));
}

} // namespace embex
