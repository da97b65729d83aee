#include "project/TsneAffinities.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace embex {
namespace {

constexpr double kEntropyTolerance = 1e-5;
constexpr int kMaxBisectionSteps = 200;

/// Fills p[0..k) with the Gaussian of bandwidth β over distances d (ascending) shifted by d[0]
/// (so the largest term is 1 and nothing underflows to an all-zero row); returns the entropy.
double gaussianRow(const double *d, std::size_t k, double beta, double *p)
{
    double sum = 0.0, weighted = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
        const double shifted = d[j] - d[0];
        p[j] = std::exp(-beta * shifted);
        sum += p[j];
        weighted += shifted * p[j];
    }
    for (std::size_t j = 0; j < k; ++j)
        p[j] /= sum;
    return std::log(sum) + beta * weighted / sum;
}

} // namespace

double tsneEffectivePerplexity(std::size_t n, double perplexity)
{
    const double most = std::max(1.0, double(n > 0 ? n - 1 : 0) / 3.0);
    return std::clamp(perplexity, 1.0, most);
}

std::size_t tsneNeighborCount(std::size_t n, double effectivePerplexity)
{
    if (n < 2)
        return 0;
    // The small slack keeps ⌊3 · (n − 1) / 3⌋ at n − 1 despite rounding.
    const auto k = std::size_t(std::floor(3.0 * effectivePerplexity + 1e-9));
    return std::clamp<std::size_t>(k, 1, n - 1);
}

SparseAffinities tsneConditionalAffinities(const NeighborLists &nb, double perplexity,
                                           unsigned threads)
{
    const std::size_t n = nb.n, k = nb.k;
    SparseAffinities c;
    c.n = n;
    c.rowPtr.resize(n + 1);
    for (std::size_t i = 0; i <= n; ++i)
        c.rowPtr[i] = i * k;
    c.cols = nb.ids;
    c.vals.resize(n * k);
    const double target = std::log(perplexity);
    parallelRanges(n, threads, [&](std::size_t begin, std::size_t end, unsigned) {
        std::vector<double> p(k), best(k);
        for (std::size_t i = begin; i < end; ++i) {
            const double *d = nb.distances.data() + i * k;
            double beta = 1.0, lo = 0.0, hi = std::numeric_limits<double>::infinity();
            double bestGap = std::numeric_limits<double>::infinity();
            for (int step = 0; step < kMaxBisectionSteps; ++step) {
                const double h = gaussianRow(d, k, beta, p.data());
                const double gap = std::abs(h - target);
                if (gap < bestGap) {
                    bestGap = gap;
                    best = p;
                }
                if (gap < kEntropyTolerance)
                    break;
                if (h > target) { // too flat: narrow the Gaussian
                    lo = beta;
                    beta = std::isinf(hi) ? beta * 2.0 : 0.5 * (beta + hi);
                } else {
                    hi = beta;
                    beta = 0.5 * (beta + lo);
                }
            }
            for (std::size_t j = 0; j < k; ++j)
                c.vals[i * k + j] = float(best[j]);
        }
    });
    return c;
}

SparseAffinities tsneSymmetrize(const SparseAffinities &c)
{
    const std::size_t n = c.n;
    // Transpose by counting sort: row j of Cᵀ lists (i, C_ij) in increasing i.
    std::vector<std::size_t> tPtr(n + 1, 0);
    for (std::uint32_t j : c.cols)
        ++tPtr[std::size_t(j) + 1];
    for (std::size_t j = 0; j < n; ++j)
        tPtr[j + 1] += tPtr[j];
    std::vector<std::uint32_t> tCols(c.cols.size());
    std::vector<float> tVals(c.cols.size());
    {
        std::vector<std::size_t> fill(tPtr.begin(), tPtr.end() - 1);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t e = c.rowPtr[i]; e < c.rowPtr[i + 1]; ++e) {
                const std::size_t slot = fill[c.cols[e]]++;
                tCols[slot] = std::uint32_t(i);
                tVals[slot] = c.vals[e];
            }
    }
    // Merge row i of C (sorted by column here) with row i of Cᵀ.
    SparseAffinities p;
    p.n = n;
    p.rowPtr.assign(n + 1, 0);
    p.cols.reserve(2 * c.cols.size());
    p.vals.reserve(2 * c.cols.size());
    const double scale = n > 0 ? 1.0 / (2.0 * double(n)) : 0.0;
    std::vector<std::pair<std::uint32_t, float>> row;
    for (std::size_t i = 0; i < n; ++i) {
        row.clear();
        for (std::size_t e = c.rowPtr[i]; e < c.rowPtr[i + 1]; ++e)
            if (c.cols[e] != i)
                row.emplace_back(c.cols[e], c.vals[e]);
        std::sort(row.begin(), row.end());
        std::size_t a = 0, b = tPtr[i];
        const std::size_t bEnd = tPtr[i + 1];
        while (a < row.size() || b < bEnd) {
            std::uint32_t col;
            double v;
            if (b == bEnd || (a < row.size() && row[a].first < tCols[b])) {
                col = row[a].first;
                v = double(row[a++].second);
            } else if (a == row.size() || tCols[b] < row[a].first) {
                col = tCols[b];
                v = double(tVals[b++]);
            } else {
                // Both directions: the sum is commutative in IEEE arithmetic, so entry (i, j)
                // equals entry (j, i) bit for bit.
                col = row[a].first;
                v = double(row[a++].second) + double(tVals[b++]);
            }
            if (col == i)
                continue;
            p.cols.push_back(col);
            p.vals.push_back(float(v * scale));
        }
        p.rowPtr[i + 1] = p.cols.size();
    }
    return p;
}

SparseAffinities tsneAffinities(ConstRowMap data, const TsneOptions &options, Progress &progress)
{
    const std::size_t n = std::size_t(data.rows());
    const double perplexity = tsneEffectivePerplexity(n, options.perplexity);
    const std::size_t k = tsneNeighborCount(n, perplexity);
    const NeighborLists nb = tsneNeighbors(data, k, options, progress);
    progress.report(1.0, "affinities");
    return tsneSymmetrize(tsneConditionalAffinities(nb, perplexity, options.threads));
}

} // namespace embex
