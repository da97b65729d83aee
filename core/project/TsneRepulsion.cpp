#include "project/TsneRepulsion.h"

#include <vector>

namespace embex {
namespace detail {
namespace {

template <std::size_t D>
void exactRows(const double *y, std::size_t n, std::size_t begin, std::size_t end, double *force,
               double *zRows)
{
    for (std::size_t i = begin; i < end; ++i) {
        const double *yi = y + i * D;
        double f[D] = {}, z = 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i)
                continue;
            const double *yj = y + j * D;
            double diff[D], d2 = 0.0;
            for (std::size_t d = 0; d < D; ++d) {
                diff[d] = yi[d] - yj[d];
                d2 += diff[d] * diff[d];
            }
            const double q = 1.0 / (1.0 + d2);
            z += q;
            for (std::size_t d = 0; d < D; ++d)
                f[d] += q * q * diff[d];
        }
        for (std::size_t d = 0; d < D; ++d)
            force[i * D + d] = f[d];
        zRows[i] = z;
    }
}

void exactRowsAnyDims(const double *y, std::size_t n, std::size_t dims, std::size_t begin,
                      std::size_t end, double *force, double *zRows)
{
    std::vector<double> diff(dims);
    for (std::size_t i = begin; i < end; ++i) {
        double *f = force + i * dims, z = 0.0;
        std::fill(f, f + dims, 0.0);
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i)
                continue;
            double d2 = 0.0;
            for (std::size_t d = 0; d < dims; ++d) {
                diff[d] = y[i * dims + d] - y[j * dims + d];
                d2 += diff[d] * diff[d];
            }
            const double q = 1.0 / (1.0 + d2);
            z += q;
            for (std::size_t d = 0; d < dims; ++d)
                f[d] += q * q * diff[d];
        }
        zRows[i] = z;
    }
}

} // namespace

double exactRepulsion(const double *y, std::size_t n, std::size_t dims, double *force,
                      ThreadTeam &team)
{
    std::vector<double> zRows(n, 0.0);
    team.forRanges(n, [&](std::size_t begin, std::size_t end, unsigned) {
        if (dims == 2)
            exactRows<2>(y, n, begin, end, force, zRows.data());
        else if (dims == 3)
            exactRows<3>(y, n, begin, end, force, zRows.data());
        else
            exactRowsAnyDims(y, n, dims, begin, end, force, zRows.data());
    });
    double z = 0.0;
    for (double t : zRows)
        z += t;
    return z;
}

} // namespace detail

TsneRepulsion tsneRepulsionExact(const DoubleRowMatrix &y, unsigned threads)
{
    TsneRepulsion result;
    result.force.resize(y.rows(), y.cols());
    ThreadTeam team(threads);
    result.z = detail::exactRepulsion(y.data(), std::size_t(y.rows()), std::size_t(y.cols()),
                                      result.force.data(), team);
    return result;
}

} // namespace embex
